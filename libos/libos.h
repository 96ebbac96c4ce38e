/*
 * The library OS: the Linux personality inside every Linux process.
 * The kernel reflects each Linux system call to libos_entry() with the
 * caller's registers; a handler returns the result (or -errno) and may
 * edit the registers. The libos runs on the calling thread with its own
 * stack and must never touch the program's FPU/SSE state (it is built
 * with -mgeneral-regs-only) or trust a pointer the program passed.
 */
#ifndef LIBOS_LIBOS_H
#define LIBOS_LIBOS_H

#include "sk.h"
#include "libos/linux.h"
#include "abi/skiff/proto/exec.h"

typedef int64_t (*l_handler)(struct sk_regs *r);

/* Argument n (0-5) of the call in r, in the Linux syscall order. */
static inline uint64_t
l_arg(const struct sk_regs *r, int n)
{
	switch (n) {
	case 0:	return r->rdi;
	case 1:	return r->rsi;
	case 2:	return r->rdx;
	case 3:	return r->r10;
	case 4:	return r->r8;
	default: return r->r9;
	}
}

/* Copy to and from the program's memory; -L_EFAULT if it is not there. */
int l_copyin(void *dst, uint64_t src, uint64_t n);
int l_copyout(uint64_t dst, const void *src, uint64_t n);

/* Process state the libos keeps. */
struct libos_state {
	struct sk_exec_start start;
	uint64_t brk_base, brk_cur, brk_mapped;
	uint64_t tid_address;
};
extern struct libos_state L;

void mm_init(void);
void libos_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Handlers, one group per file (sys_*.c). */
#define L_HANDLER(name) int64_t l_sys_##name(struct sk_regs *r)
L_HANDLER(read); L_HANDLER(write); L_HANDLER(writev); L_HANDLER(ioctl);
L_HANDLER(brk); L_HANDLER(mmap); L_HANDLER(munmap); L_HANDLER(mprotect);
L_HANDLER(madvise);
L_HANDLER(exit); L_HANDLER(exit_group); L_HANDLER(arch_prctl);
L_HANDLER(set_tid_address); L_HANDLER(set_robust_list); L_HANDLER(getpid);
L_HANDLER(gettid); L_HANDLER(getppid); L_HANDLER(getuid); L_HANDLER(uname);
L_HANDLER(prlimit64); L_HANDLER(getrandom); L_HANDLER(clock_gettime);
L_HANDLER(gettimeofday); L_HANDLER(time); L_HANDLER(sched_yield);

#endif
