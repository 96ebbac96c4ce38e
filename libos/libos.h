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
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/vfs.h"
#include "abi/skiff/proto/proc.h"
#include "abi/skiff/proto/pipe.h"
#include "abi/skiff/proto/svc.h"

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

/* One file descriptor: a handle to an open object in some server. */
struct l_fd {
	sk_handle_t h;		/* 0: free */
	uint8_t cloexec;
	uint8_t klog;		/* the kernel log (boot console), no handle */
	uint8_t nonblock;	/* O_NONBLOCK as this process last set it */
	uint32_t type;		/* IO_S_IF* when known, else 0 */
	char *path;		/* canonical path where it was opened, or "pipe:[ino]" */
};

/* A descriptor and the value of its handle in some process. */
struct l_fd_handle {
	int32_t fd;
	sk_handle_t h;
};

#define L_MAXFD		1024
#define L_PATH_MAX	4096

/* Bits of the process's event notification. */
#define L_NOTE_SIGNAL	PROC_NOTE_SIGNAL
#define L_NOTE_CHILD	PROC_NOTE_CHILD
#define L_NOTE_IO	(1ull << 2)
#define L_NOTE_VFORK	(1ull << 3)
#define L_NOTE_IDS	PROC_NOTE_IDS

/* A signal action, as rt_sigaction gives it. */
struct sk_sigact {
	uint64_t handler, flags, restorer, mask;
};

/*
 * Process state the libos keeps. It is reached through the thread's UTCB
 * (user_data) and not as a plain global, because a vfork child shares
 * its parent's memory but must have descriptors of its own.
 */
struct libos_state {
	uint64_t entry, sp_start, stack_low;
	uint64_t brk_base, brk_cur, brk_mapped;
	uint64_t tid_address;
	sk_handle_t h[SK_EXEC_H_COUNT];	/* by sk_exec_role */
	int service;			/* started with SK_EXEC_F_SERVICE */
	uint32_t nstart;		/* a service's start handles */
	sk_handle_t start_h[SK_EXEC_START_HANDLES];
	uint32_t umask;
	int32_t pid;			/* from proc, 0 until attached */
	uint64_t notes;			/* event bits taken but not yet handled */
	uint64_t main_tid;		/* kernel id of the first thread */
	int ids_valid;			/* the cached user and group ids are current */
	int grp_valid;			/* ppid, pgid and sid below are current */
	int32_t ppid, pgid, sid;
	struct sk_sigact sa[64];
	uint64_t sig_blocked;
	uint64_t alt_sp, alt_size;
	uint32_t alt_flags;
	char comm[16];			/* prctl(PR_SET_NAME) */
	int strace;			/* SKIFF_STRACE=1 */
	int fdtab_off;			/* a vfork child: the table is its parent's */
	int record_locks;		/* fcntl locks were set: closes drop them */
	int fd_end;			/* every descriptor from fd_end on is free */
	struct l_fd fds[L_MAXFD];
	char cwd[L_PATH_MAX];		/* canonical, always starts with '/' */
};

static inline struct libos_state *
l_state(void)
{
	struct libos_state *s;

	__asm__ volatile("mov %%gs:%c1, %0" : "=r"(s)
	    : "i"(__builtin_offsetof(struct sk_utcb, user_data)));
	return s;
}
#define L	(*l_state())

void libos_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* errno.c: a Skiff result as a Linux one (>= 0 unchanged, else -errno). */
int64_t l_err(int64_t skr);

/* alloc.c: the libos's own memory. */
void *l_alloc(uint64_t n);
void l_free(void *p);
char *l_strdup(const char *s);

/* fd.c: the descriptor table. */
struct l_fd *fd_get(int64_t fd);
int fd_install(int min, sk_handle_t h, uint32_t type, int cloexec, const char *path);
int fd_close(int fd);
void fd_init(const struct sk_exec_start *st);
void fd_fork_fixup(struct libos_state *s, const struct l_fd_handle *v, uint32_t n);
int64_t l_fd_handle(int64_t fd);	/* skiff_fd_handle (exec.h) */

/* io.c: talking to the server behind a descriptor. */
int64_t io_call(sk_handle_t h, struct sk_rpc *m);
int64_t io_wait(sk_handle_t h, uint32_t events);
int64_t io_read(struct l_fd *f, uint64_t buf, uint64_t n, uint64_t off);
int64_t io_write(struct l_fd *f, uint64_t buf, uint64_t n, uint64_t off);
int64_t io_stat(sk_handle_t h, struct io_stat *st);
void l_stat_from(struct l_stat *ls, const struct io_stat *st);
int64_t l_pending_signal(void);
int64_t l_take_notes(uint64_t timeout);
int64_t io_wait_peer(sk_handle_t h);

/* sys_lock.c: fcntl's record locks; a close drops the process's locks. */
int64_t l_fcntl_lock(struct l_fd *f, uint64_t cmd, uint64_t uarg);
void l_lock_close(struct l_fd *f);
void l_lock_exit(void);

/* path.c: a user path, made absolute against cwd or a directory fd. */
int64_t l_path(int64_t dirfd, uint64_t upath, char *out, int empty_ok);
int64_t l_copyin_str(char *dst, uint64_t src, uint64_t max);
int64_t vfs_call(struct sk_rpc *m);

/* main.c, sys_pid.c, thread.c: life of the process and its threads. */
void l_attach(void);
void l_exit(uint32_t status) __attribute__((noreturn));
void l_thread_register(uint64_t clear_tid);
void l_thread_born(void);
void l_thread_exit_failed(void);
void l_threads_reset(void);
int l_thread_exit(void);
void l_threads_exit(void);
int64_t l_futex_wake(uint64_t addr, int n);

/* strace.c; l_syscall_name: the Linux name of call nr, or "?". */
const char *l_syscall_name(uint64_t nr);
void l_strace_enter(const struct sk_regs *r, uint64_t nr);
void l_strace_leave(int64_t rv);
int l_strace_wanted(uint64_t sp);

/* signal.c; L_NR_INTERRUPT stands for "no system call" (an interrupt). */
#define L_NR_INTERRUPT	(~0ull)
#define L_NR_RESUME	1001	/* a new child or thread enters its program */
int64_t l_resume(struct sk_regs *r);
uint64_t l_sig_ignored(void);
int l_pgrp_sid(int32_t *pgid, int32_t *sid);
uint64_t l_sig_blocked(void);
void l_sig_report(void);
void l_sig_exec_init(uint64_t ignored, uint64_t blocked);
int l_deliver(struct sk_regs *r, uint64_t nr, uint64_t blocked, uint64_t frame_mask);
void l_signals(struct sk_regs *r, uint64_t nr);
int64_t l_sleep_until(uint64_t deadline);

/* Linux clock ids (sys_proc.c): wall clock or not; the time in ns or -EINVAL. */
int l_clock_is_real(uint64_t id);
int64_t l_clock_read(uint64_t id);

/* Handlers, one group per file (sys_*.c). */
#define L_HANDLER(name) int64_t l_sys_##name(struct sk_regs *r)
#define L_FILE_SYSCALLS(X) \
	X(read) X(write) X(readv) X(writev) X(pread64) X(pwrite64) X(lseek) \
	X(ioctl) X(close) X(dup) X(dup2) X(dup3) X(fcntl) X(pipe) X(pipe2) \
	X(open) X(openat) X(creat) X(fstat) X(stat) X(lstat) X(newfstatat) \
	X(getdents64) X(access) X(faccessat) X(faccessat2) X(mkdir) X(mkdirat) \
	X(rmdir) X(unlink) X(unlinkat) X(rename) X(renameat) X(renameat2) \
	X(link) X(linkat) X(symlink) X(symlinkat) X(readlink) X(readlinkat) \
	X(chmod) X(fchmod) X(fchmodat) X(chown) X(fchown) X(lchown) X(fchownat) \
	X(utimensat) X(truncate) X(ftruncate) X(fsync) X(chdir) X(fchdir) \
	X(getcwd) X(umask) X(statfs) X(fstatfs) X(mknod) X(mknodat) X(poll) \
	X(ppoll) X(select) X(pselect6) X(sendfile) X(statx) X(flock)
#define L_PROC_SYSCALLS(X) \
	X(clone) X(fork) X(vfork) X(execve) X(execveat) X(wait4) X(waitid) X(kill) \
	X(tgkill) X(tkill) X(getpgrp) X(getpgid) X(setpgid) X(setsid) X(getsid) \
	X(geteuid) X(getgid) X(getegid) X(setuid) X(setgid) X(setreuid) \
	X(setregid) X(setresuid) X(setresgid) X(getresuid) X(getresgid) \
	X(getgroups) X(setgroups) X(futex) X(rt_sigaction) X(rt_sigprocmask) \
	X(rt_sigpending) X(sigaltstack) X(rt_sigreturn) X(rt_sigsuspend) \
	X(pause) X(nanosleep) X(clock_nanosleep) X(alarm) X(setitimer) X(reboot)
#define L_OTHER_SYSCALLS(X) \
	X(brk) X(mmap) X(munmap) X(mprotect) X(madvise) X(mremap) \
	X(exit) X(exit_group) X(arch_prctl) X(set_tid_address) \
	X(set_robust_list) X(getpid) X(gettid) X(getppid) X(getuid) X(uname) \
	X(prlimit64) X(getrandom) X(clock_gettime) X(gettimeofday) X(time) \
	X(sched_yield) X(getrlimit) X(setrlimit) X(sysinfo) X(times) X(getrusage) \
	X(sched_getaffinity) X(prctl) X(sync) X(clock_getres) X(rseq) \
	X(clock_settime) X(settimeofday)
#define L_DECL(name) L_HANDLER(name);
L_FILE_SYSCALLS(L_DECL)
L_OTHER_SYSCALLS(L_DECL)
L_PROC_SYSCALLS(L_DECL)
#undef L_DECL

#endif
