/*
 * libsk: the native Skiff system call wrappers and a few helpers for
 * programs that talk to the kernel directly (init, servers, tests).
 */
#ifndef SK_H
#define SK_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include "abi/skiff/errors.h"
#include "abi/skiff/objects.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/ipc.h"
#include "abi/skiff/utcb.h"
#include "abi/skiff/info.h"
#include "abi/skiff/bootinfo.h"
#include "abi/skiff/timepage.h"
#include "lib/common/string.h"

static inline int64_t
sk_syscall6(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
    uint64_t a5, uint64_t a6)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	register uint64_t r9 __asm__("r9") = a6;
	int64_t ret = (int64_t)nr;

	__asm__ volatile("syscall" : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3),
	    "+r"(r10), "+r"(r8), "+r"(r9) :: "rcx", "r11", "memory");
	return ret;
}

#define SK_SYS0(n)		sk_syscall6(SK_SYS_##n, 0, 0, 0, 0, 0, 0)
#define SK_SYS1(n, a)		sk_syscall6(SK_SYS_##n, (uint64_t)(a), 0, 0, 0, 0, 0)
#define SK_SYS2(n, a, b)	sk_syscall6(SK_SYS_##n, (uint64_t)(a), (uint64_t)(b), 0, 0, 0, 0)
#define SK_SYS3(n, a, b, c)	sk_syscall6(SK_SYS_##n, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0, 0)
#define SK_SYS4(n, a, b, c, d)	sk_syscall6(SK_SYS_##n, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0, 0)
#define SK_SYS5(n, a, b, c, d, e) sk_syscall6(SK_SYS_##n, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), 0)
#define SK_SYS6(n, a, b, c, d, e, f) sk_syscall6(SK_SYS_##n, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), (uint64_t)(f))

static inline int64_t sk_nop(void) { return SK_SYS0(nop); }
static inline int64_t sk_debug_log(const void *b, size_t n) { return SK_SYS2(debug_log, b, n); }
static inline int64_t sk_handle_close(sk_handle_t h) { return SK_SYS1(handle_close, h); }
static inline int64_t sk_handle_dup(sk_handle_t h, uint32_t r) { return SK_SYS2(handle_dup, h, r); }
static inline int64_t sk_handle_info(sk_handle_t h, struct sk_handle_info *i) { return SK_SYS2(handle_info, h, i); }
static inline int64_t sk_handle_give(sk_handle_t p, sk_handle_t h, uint32_t r) { return SK_SYS3(handle_give, p, h, r); }
static inline int64_t sk_handle_give_many(sk_handle_t p, struct sk_give *g, uint32_t n)
{ return SK_SYS3(handle_give_many, p, g, n); }
static inline int64_t sk_proc_create(sk_handle_t as, const char *name, uint32_t privs)
{ return SK_SYS5(proc_create, as, name, strlen(name), privs, 0); }
static inline int64_t sk_proc_exit(int64_t code) { return SK_SYS1(proc_exit, code); }
static inline int64_t sk_proc_kill(sk_handle_t p, int64_t code) { return SK_SYS2(proc_kill, p, code); }
static inline int64_t sk_proc_interrupt(sk_handle_t p) { return SK_SYS1(proc_interrupt, p); }
static inline int64_t sk_proc_info(sk_handle_t p, struct sk_proc_info *i) { return SK_SYS2(proc_info, p, i); }
static inline int64_t sk_proc_set_fault(sk_handle_t p, sk_handle_t ep) { return SK_SYS2(proc_set_fault, p, ep); }
static inline int64_t sk_proc_set_cred(sk_handle_t p, sk_handle_t c) { return SK_SYS2(proc_set_cred, p, c); }
static inline int64_t sk_obj_watch(sk_handle_t o, sk_handle_t n, uint64_t bits) { return SK_SYS3(obj_watch, o, n, bits); }
static inline int64_t sk_thread_create(sk_handle_t p, void *entry, uint64_t stack, uint64_t arg, uint64_t utcb, uint32_t prio)
{ return SK_SYS6(thread_create, p, entry, stack, arg, utcb, prio); }
static inline int64_t sk_thread_exit(int64_t code) { return SK_SYS1(thread_exit, code); }
static inline int64_t sk_thread_kill(sk_handle_t t) { return SK_SYS1(thread_kill, t); }
static inline int64_t sk_thread_set_prio(sk_handle_t t, uint32_t p) { return SK_SYS2(thread_set_prio, t, p); }
static inline int64_t sk_yield(void) { return SK_SYS0(yield); }
static inline int64_t sk_sleep(uint64_t ns) { return SK_SYS1(sleep, ns); }
/*
 * The clocks, read from the time page (abi/skiff/timepage.h) without a
 * system call when the page is there, else with the clock calls.
 */
static inline int
sk_timepage_read(int real, int64_t *ns)
{
	const struct sk_timepage *tp = (const struct sk_timepage *)SK_TIMEPAGE_VA;
	uint32_t s0, lo, hi;
	uint64_t tsc;
	int64_t off;

	if (tp->magic != SK_TIMEPAGE_MAGIC)
		return 0;
	do {
		s0 = __atomic_load_n(&tp->seq, __ATOMIC_ACQUIRE);
		off = tp->real_offset;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		tsc = (uint64_t)hi << 32 | lo;
	} while ((s0 & 1) || __atomic_load_n(&tp->seq, __ATOMIC_ACQUIRE) != s0);
	*ns = (int64_t)(((unsigned __int128)(tsc - tp->tsc_base) * tp->mult) >> tp->shift) +
	    (real ? off : 0);
	return 1;
}

static inline int64_t
sk_clock(void)
{
	int64_t ns;

	return sk_timepage_read(0, &ns) ? ns : SK_SYS0(clock);
}

static inline int64_t
sk_clock_real(void)
{
	int64_t ns;

	return sk_timepage_read(1, &ns) ? ns : SK_SYS0(clock_real);
}
static inline int64_t sk_clock_set_real(int64_t ns) { return SK_SYS1(clock_set_real, ns); }
static inline int64_t sk_as_create(void) { return SK_SYS0(as_create); }
static inline int64_t sk_as_clone(sk_handle_t as) { return SK_SYS1(as_clone, as); }
static inline int64_t sk_as_map(sk_handle_t as, uint64_t va, uint64_t len, sk_handle_t vmo, uint64_t off, uint32_t flags)
{ return SK_SYS6(as_map, as, va, len, vmo, off, flags); }
static inline int64_t sk_as_unmap(sk_handle_t as, uint64_t va, uint64_t len) { return SK_SYS3(as_unmap, as, va, len); }
static inline int64_t sk_as_protect(sk_handle_t as, uint64_t va, uint64_t len, uint32_t prot) { return SK_SYS4(as_protect, as, va, len, prot); }
static inline int64_t sk_as_read(sk_handle_t as, uint64_t va, void *buf, uint64_t len) { return SK_SYS4(as_read, as, va, buf, len); }
static inline int64_t sk_as_write(sk_handle_t as, uint64_t va, const void *buf, uint64_t len) { return SK_SYS4(as_write, as, va, buf, len); }
static inline int64_t sk_vmo_create(uint64_t size, uint32_t flags) { return SK_SYS2(vmo_create, size, flags); }
static inline int64_t sk_vmo_read(sk_handle_t v, uint64_t off, void *buf, uint64_t len) { return SK_SYS4(vmo_read, v, off, buf, len); }
static inline int64_t sk_vmo_write(sk_handle_t v, uint64_t off, const void *buf, uint64_t len) { return SK_SYS4(vmo_write, v, off, buf, len); }
static inline int64_t sk_vmo_size(sk_handle_t v) { return SK_SYS1(vmo_size, v); }
static inline int64_t sk_vmo_phys(sk_handle_t v, uint64_t off) { return SK_SYS2(vmo_phys, v, off); }
static inline int64_t sk_ep_create(void) { return SK_SYS0(ep_create); }
static inline int64_t sk_ep_mint(sk_handle_t ep, uint64_t badge, uint32_t rights) { return SK_SYS4(ep_mint, ep, badge, rights, 0); }
static inline int64_t sk_ep_mint_notify(sk_handle_t ep, uint64_t badge, uint32_t rights) { return SK_SYS4(ep_mint, ep, badge, rights, SK_MINT_NOTIFY); }
static inline int64_t sk_notif_create(void) { return SK_SYS0(notif_create); }
static inline int64_t sk_notif_signal(sk_handle_t n, uint64_t bits) { return SK_SYS2(notif_signal, n, bits); }
static inline int64_t sk_notif_wait(sk_handle_t n, uint64_t timeout) { return SK_SYS2(notif_wait, n, timeout); }
static inline int64_t sk_wait_many(struct sk_wait_item *it, uint32_t n, uint64_t timeout) { return SK_SYS3(wait_many, it, n, timeout); }
static inline int64_t sk_irq_bind(sk_handle_t irq, uint32_t line, sk_handle_t n, uint64_t bits) { return SK_SYS4(irq_bind, irq, line, n, bits); }
static inline int64_t sk_irq_ack(sk_handle_t irq, uint32_t line) { return SK_SYS2(irq_ack, irq, line); }
static inline int64_t sk_range_split(sk_handle_t h, uint64_t base, uint64_t count, uint32_t rights) { return SK_SYS4(range_split, h, base, count, rights); }
static inline int64_t sk_ioport_enable(sk_handle_t h) { return SK_SYS1(ioport_enable, h); }
static inline int64_t sk_mmio_map(sk_handle_t as, sk_handle_t m, uint64_t off, uint64_t len, uint64_t va, uint32_t prot)
{ return SK_SYS6(mmio_map, as, m, off, len, va, prot); }
static inline int64_t sk_cred_create(const struct sk_cred *c) { return SK_SYS1(cred_create, c); }
static inline int64_t sk_cred_read(sk_handle_t c, struct sk_cred *out) { return SK_SYS2(cred_read, c, out); }
/*
 * Reflection (kernel/reflect.c). sk_reflect_set registers entry with the
 * range of sk_reflect_leave, the user-mode return. sk_reflect_return
 * resumes utcb->reflect through the kernel; it returns only an error.
 * sk_reflect_resume(fs_base) resumes it without entering the kernel when
 * the frame allows (its FS base is fs_base, the thread's current one; no
 * flag or address only the kernel may set; no interrupt due), through
 * reflect_return otherwise; it too returns only an error.
 */
int64_t sk_reflect_leave(void);
extern const char sk_reflect_leave_end[];
int64_t sk_reflect_resume(uint64_t fs_base);
static inline int64_t sk_reflect_set(void *entry)
{
	return SK_SYS3(reflect_set, entry, sk_reflect_leave, sk_reflect_leave_end);
}
static inline int64_t sk_reflect_return(void) { return SK_SYS0(reflect_return); }
static inline int64_t sk_kstat(struct sk_kstat *k) { return SK_SYS1(kstat, k); }

/* IPC: the message travels in registers; badge is set on receive. */
struct sk_msg {
	uint64_t tag;
	uint64_t w[SK_MSG_WORDS];
	uint64_t badge;
};

static inline int64_t
sk_ipc(uint64_t nr, uint64_t h, struct sk_msg *m, uint64_t timeout)
{
	register uint64_t r10 __asm__("r10") = m->w[1];
	register uint64_t r8 __asm__("r8") = m->w[2];
	register uint64_t r9 __asm__("r9") = m->w[3];
	register uint64_t r12 __asm__("r12") = m->w[4];
	register uint64_t r13 __asm__("r13") = m->w[5];
	register uint64_t r14 __asm__("r14") = timeout;
	uint64_t rdi = h, rsi = m->tag, rdx = m->w[0];
	int64_t rax = (int64_t)nr;

	__asm__ volatile("syscall" : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
	    "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r12), "+r"(r13), "+r"(r14)
	    :: "rcx", "r11", "memory");
	if (rax >= 0) {
		m->tag = rsi;
		m->w[0] = rdx; m->w[1] = r10; m->w[2] = r8;
		m->w[3] = r9; m->w[4] = r12; m->w[5] = r13;
		m->badge = rdi;
	}
	return rax;
}

static inline int64_t sk_call(sk_handle_t ep, struct sk_msg *m, uint64_t t) { return sk_ipc(SK_SYS_call, ep, m, t); }
static inline int64_t sk_recv(sk_handle_t ep, struct sk_msg *m, uint64_t t) { return sk_ipc(SK_SYS_recv, ep, m, t); }
static inline int64_t sk_reply(struct sk_msg *m) { return sk_ipc(SK_SYS_reply, 0, m, 0); }
static inline int64_t sk_reply_recv(sk_handle_t ep, struct sk_msg *m, uint64_t t) { return sk_ipc(SK_SYS_reply_recv, ep, m, t); }
/* Copy len bytes at off of a deferred request's payload (SK_RCV_DEFER) into buf. */
static inline int64_t sk_ipc_pull(void *buf, uint64_t off, uint64_t len) { return SK_SYS3(ipc_pull, buf, off, len); }

/* This thread's UTCB (the user GS base points at it). */
static inline struct sk_utcb *
sk_utcb(void)
{
	struct sk_utcb *u;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(u));
	return u;
}

#if !__STDC_HOSTED__
/*
 * Memory for freestanding programs (lib/sk/alloc.c); not thread-safe.
 * Programs built with musl use malloc.
 */
void *sk_malloc(uint64_t n);
void *sk_realloc(void *p, uint64_t n);
void sk_free(void *p);
char *sk_strdup(const char *s);
#endif

/*
 * Touch a stack of stack_bytes and every page of the zero-initialised
 * data now, so a server allocates no memory while it serves.
 */
void sk_prefault(size_t stack_bytes);

/* Output through the kernel debug log. */
int sk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sk_vprintf(const char *fmt, va_list ap);

/*
 * Give process p a copy of each of the n handles in (with the same
 * rights) with handle_give_many, SK_GIVE_MAX at a time; out[i] gets the
 * value of in[i]'s copy in p, 0 for a 0. in and out may be the same
 * array. 0 or the first failing call's error; the copies of earlier
 * batches then stay in p.
 */
int64_t sk_give_list(sk_handle_t p, const sk_handle_t *in, sk_handle_t *out, uint32_t n);

/*
 * Run fn(arg, handles) in a new process whose memory is a copy-on-write
 * clone of the caller's. The handles in give[] are copied into the child
 * first (their values there are what fn receives). Returns the process
 * handle or an encoded error.
 */
typedef int (*sk_child_fn)(uint64_t arg, const sk_handle_t *handles);
int64_t sk_spawn_fn(const char *name, sk_child_fn fn, uint64_t arg,
    const sk_handle_t *give, int ngive, uint32_t privs);

/* Wait for a process to end; returns its info (or an encoded error). */
int64_t sk_proc_wait(sk_handle_t proc, uint64_t timeout, struct sk_proc_info *info);

/*
 * Start a static Linux program (ELF in memory object prog) under the
 * library OS (ELF in libos) in a new process, with the initial stack
 * glibc and musl expect. start is the struct sk_exec_start the new libos
 * gets (abi/skiff/proto/exec.h): the caller fills the handles (its own
 * values; they are given to the new process and start is rewritten with
 * the new values), fds, umask and signal masks; the loader fills the rest,
 * with cwd and exe from here. With suspended set the process gets no thread yet:
 * sk_exec_linux_start() starts it. Returns the process handle or an
 * encoded error (argument 1: the program, 3: the libos, 0: the rest).
 */
struct sk_exec_start;
struct sk_exec_args {
	sk_handle_t prog;
	uint64_t prog_size;
	sk_handle_t libos;
	uint64_t libos_size;
	const char *name;		/* the kernel process's name */
	const char *const *argv;	/* argv[0] is also AT_EXECFN unless exe is set */
	const char *const *envp;
	uint32_t privs;
	int suspended;
	struct sk_exec_start *start;
	const char *cwd;		/* canonical, or NULL ("/") */
	const char *exe;		/* the program file's path, or NULL */
	const char *const *fd_targets;	/* NULL, or what start->fds[i] shows in
					   /proc/<pid>/fd (each may be NULL) */
	uint64_t out_entry, out_arg;	/* set by sk_exec_linux */
};
int64_t sk_exec_linux(struct sk_exec_args *a);
int64_t sk_exec_linux_start(sk_handle_t proc, const struct sk_exec_args *a);

#if __STDC_HOSTED__
/* For musl programs only (build/libsk-musl.a): they need the libos and musl. */

/*
 * The handles init gave this service (abi/skiff/proto/svc.h lists what
 * each is), for servers and drivers, which are musl programs started
 * with SK_EXEC_F_SERVICE (lib/sk/start.c). Sets *n to their number and
 * returns them; the array is libsk's and never changes. A program that
 * is not a service gets *n = 0.
 */
const sk_handle_t *sk_start_handles(uint32_t *n);

/*
 * Start fn(arg) on a new thread of this musl program with pthread_create
 * (lib/sk/thread.c), detached. The thread has musl's thread pointer and
 * TLS, so it may call the C library; a thread made with sk_thread_create
 * has neither, and errno, printf or malloc there would fault. stack
 * (size bytes, 16-byte aligned, at least 16 KiB so that musl keeps the
 * thread's TLS in it) is the caller's and must outlive the thread: a
 * server's static array, which sk_prefault touches with the rest of its
 * data. Returns 0 or an errno value.
 */
int sk_thread_start(void *(*fn)(void *), void *arg, void *stack, size_t size);
#endif

/*
 * What a freestanding program started by sk_spawn_elf gets (the in-guest
 * tests and benchmarks): main(arg) receives the address of this
 * structure (on the program's stack) as its argument.
 */
#define SK_START_HANDLES	16
struct sk_start {
	uint64_t arg;			/* the creator's argument */
	uint32_t nhandles;
	sk_handle_t h[SK_START_HANDLES];	/* given handles, as named in the program */
};

/*
 * Load a static ELF from a VMO into a new process and start it. The
 * handles in give[] (at most SK_START_HANDLES) are copied into the new
 * process before it runs and listed in its struct sk_start; a 0 in give[]
 * stays 0 there.
 */
int64_t sk_spawn_elf(sk_handle_t vmo, uint64_t size, const char *name,
    uint64_t arg, const sk_handle_t *give, int ngive, uint32_t privs);

/*
 * A protocol request and its reply, for clients of the servers
 * (abi/skiff/proto/). The caller fills the request half; sk_rpc() sends
 * it (as a long message when it has a payload or handles), with the
 * receive buffer set to rcv/rcv_max, and fills the reply half.
 */
struct sk_rpc {
	uint32_t label;
	uint64_t w[SK_MSG_WORDS];
	const void *snd;		/* payload to send, snd_len bytes */
	uint32_t snd_len;
	uint32_t snd_nh;		/* handles to move (they leave the caller) */
	sk_handle_t snd_h[SK_MSG_HANDLES];
	void *rcv;			/* where a reply payload may go */
	uint32_t rcv_max;
	/* Reply. */
	uint64_t r[SK_MSG_WORDS];
	uint32_t rcv_len, rcv_nh;
	sk_handle_t rcv_h[SK_MSG_HANDLES];
};

/*
 * Call ep with the request in m and wait (up to timeout) for the reply.
 * Returns the kernel's error if the call failed (SK_E_PEERDIED when the
 * server died), else the reply's w0 (the server's result or error).
 * Handles that arrive with a reply the caller did not ask for (rcv_nh
 * beyond what it expects) are the caller's to close.
 */
int64_t sk_rpc(sk_handle_t ep, struct sk_rpc *m, uint64_t timeout);

/* Read the handles a received message carried and the payload length. */
static inline uint32_t sk_rcv_len(void) { return sk_utcb()->rcv_len; }

#endif
