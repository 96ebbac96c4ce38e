/* Placeholders until kernel/smp.c and the scheduler land. */
#include "kernel/kernel.h"
#include "kernel/smp.h"
int smp_cpu_id(void) { return 0; }
void smp_halt_others(void) {}
void syscall_dispatch(void);
void syscall_dispatch(void) { panic("syscall_dispatch: not reached yet"); }
void thread_first_run(void);
void thread_first_run(void) { panic("thread_first_run: not reached yet"); }
