/*
 * The big kernel lock. Every entry from user mode takes it and every exit
 * to user mode drops it, so kernel code runs on one CPU at a time (like
 * seL4); the one exception is the common reflection of a foreign syscall,
 * which touches only the current thread (reflect_syscall_fast). The idle
 * loop runs without it. While a CPU spins for the lock it still answers
 * TLB shootdown requests, so a holder that waits for a shootdown cannot
 * deadlock against it.
 *
 * Taking a free lock and dropping it are inline; bkl.c has the spinning
 * and the panics for a CPU that takes the lock twice or drops a lock it
 * does not hold.
 */
#ifndef KERNEL_BKL_H
#define KERNEL_BKL_H

#include "kernel/kernel.h"
#include "kernel/cpu.h"

extern volatile uint32_t bkl_word;	/* 1 while held */
extern volatile int bkl_owner;		/* the holder's CPU id, or -1 */

void bkl_acquire_slow(int me);
void bkl_release_bad(void) __attribute__((noreturn));
bool bkl_held(void);	/* by this CPU */

static inline void
bkl_acquire(void)
{
	int me = this_cpu()->id;

	if (bkl_owner == me || __atomic_exchange_n(&bkl_word, 1, __ATOMIC_ACQUIRE) != 0)
		bkl_acquire_slow(me);
	else
		bkl_owner = me;
}

static inline void
bkl_release(void)
{
	if (bkl_owner != this_cpu()->id)
		bkl_release_bad();
	bkl_owner = -1;
	__atomic_store_n(&bkl_word, 0, __ATOMIC_RELEASE);
}

#endif
