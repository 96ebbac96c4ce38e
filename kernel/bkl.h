/*
 * The big kernel lock. Every entry from user mode takes it and every exit
 * to user mode drops it, so kernel code runs on one CPU at a time (like
 * seL4); the one exception is the common reflection of a foreign syscall,
 * which touches only the current thread (reflect_syscall_fast). The idle loop runs without it. While a CPU spins for the lock it
 * still answers TLB shootdown requests, so a holder that waits for a
 * shootdown cannot deadlock against it.
 */
#ifndef KERNEL_BKL_H
#define KERNEL_BKL_H

#include "kernel/kernel.h"

void bkl_acquire(void);
void bkl_release(void);
bool bkl_held(void);	/* by this CPU */

#endif
