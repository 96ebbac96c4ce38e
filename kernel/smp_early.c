/* Placeholders until the scheduler and the system calls land. */
#include "kernel/kernel.h"
#include "kernel/smp.h"
#include "kernel/arch/x86.h"

/* Until the scheduler exists, an AP that is up just stops. */
void
sched_ap_start(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void syscall_dispatch(void);
void syscall_dispatch(void) { panic("syscall_dispatch: not reached yet"); }
void thread_first_run(void);
void thread_first_run(void) { panic("thread_first_run: not reached yet"); }
