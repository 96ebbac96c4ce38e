/*
 * trap(): every exception and interrupt lands here from entry.S.
 */
#include "kernel/kernel.h"
#include "kernel/arch/trapframe.h"
#include "kernel/arch/x86.h"
#include "kernel/smp.h"

void trap(struct trapframe *tf);

void
trap(struct trapframe *tf)
{
	/* Another CPU panicked (smp_halt_others()): stop here for good. */
	if (tf->vector == VEC_HALT) {
		for (;;) {
			cli();
			hlt();
		}
	}
	panic_trap(tf, (tf->cs & 3) ? "unexpected trap from user mode" : "unexpected trap in kernel");
}
