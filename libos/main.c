/*
 * Start-up of the library OS and the entry of every reflected Linux
 * system call.
 */
#include "libos/libos.h"

struct libos_state L;

void libos_main(const struct sk_exec_start *st) __attribute__((noreturn));
void libos_entry(struct sk_regs *r) __attribute__((noreturn));
void libos_jump(uint64_t entry, uint64_t sp) __attribute__((noreturn));

/* The stack Linux system calls run on, for the first thread. */
static char entry_stack[64 * 1024] __attribute__((aligned(16)));

static const l_handler handlers[L_SYS_MAX] = {
#define H(name) [L_SYS_##name] = l_sys_##name,
	H(read) H(write) H(writev) H(ioctl)
	H(brk) H(mmap) H(munmap) H(mprotect) H(madvise)
	H(exit) H(exit_group) H(arch_prctl) H(set_tid_address)
	H(set_robust_list) H(getpid) H(gettid) H(getppid) H(getuid) H(uname)
	H(prlimit64) H(getrandom) H(clock_gettime) H(gettimeofday) H(time)
	H(sched_yield)
#undef H
	[L_SYS_getgid] = l_sys_getuid,
	[L_SYS_geteuid] = l_sys_getuid,
	[L_SYS_getegid] = l_sys_getuid,
};

static const char *
syscall_name(uint64_t nr)
{
	switch (nr) {
#define N(name, n) case n: return #name;
	LINUX_SYSCALLS(N)
#undef N
	default:
		return "?";
	}
}

void
libos_fatal(const char *fmt, ...)
{
	va_list ap;

	sk_printf("libos: ");
	va_start(ap, fmt);
	sk_vprintf(fmt, ap);
	va_end(ap);
	sk_printf("\n");
	sk_proc_exit(127);
	for (;;)
		;
}

/*
 * Each unknown system call is logged once (number and name) and fails
 * with ENOSYS, which every libc handles for the calls it can live without.
 */
static int64_t
unknown(uint64_t nr)
{
	static uint8_t logged[L_SYS_MAX / 8];

	if (nr >= L_SYS_MAX || !(logged[nr / 8] & (1u << (nr % 8)))) {
		sk_printf("libos: unimplemented Linux system call %lu (%s)\n",
		    (unsigned long)nr, syscall_name(nr));
		if (nr < L_SYS_MAX)
			logged[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
	return -L_ENOSYS;
}

void
libos_entry(struct sk_regs *r)
{
	uint64_t nr = r->rax;
	int64_t rv;

	if (nr < L_SYS_MAX && handlers[nr] != NULL)
		rv = handlers[nr](r);
	else
		rv = unknown(nr);
	r->rax = (uint64_t)rv;
	rv = sk_reflect_return();
	libos_fatal("cannot resume the program: %s", sk_errname(SK_ERR(rv)));
}

void
libos_main(const struct sk_exec_start *st)
{
	int64_t r;

	if (st->magic != SK_EXEC_MAGIC)
		libos_fatal("bad start block");
	L.start = *st;
	sk_utcb()->reflect_stack = (uint64_t)entry_stack + sizeof(entry_stack);
	if ((r = sk_reflect_set((void *)libos_entry)) < 0)
		libos_fatal("cannot register the system call entry: %s", sk_errname(SK_ERR(r)));
	mm_init();
	libos_jump(L.start.entry, L.start.sp);
}
