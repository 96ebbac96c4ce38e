/*
 * Linux-syscall reflection: a `syscall` whose number is not a native one
 * is handed back to the process's library OS. See abi/skiff/utcb.h for
 * the saved frame and reflect.c for the protocol.
 */
#ifndef KERNEL_REFLECT_H
#define KERNEL_REFLECT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/thread.h"

struct trapframe;

/* Without the big kernel lock; false: nothing done, take reflect_syscall. */
bool reflect_syscall_fast(struct trapframe *tf);
void reflect_syscall(struct trapframe *tf);
void reflect_interrupt_due(struct thread *t, struct trapframe *tf);

/*
 * On the way back to user mode: enter the libos if an interrupt is due.
 * Inline, so that every kernel exit pays one test; the rest is rare.
 */
static inline void
reflect_interrupt_check(struct trapframe *tf)
{
	struct thread *t = current_thread();

	if (t->interrupt)
		reflect_interrupt_due(t, tf);
}
/* Deliver an unresolvable user fault: to the fault endpoint, else kill. */
void user_fault(struct trapframe *tf, uint64_t addr, uint64_t access);

#endif
