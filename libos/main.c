/*
 * Start-up of the library OS and the entry of every reflected Linux
 * system call.
 */
#include "libos/libos.h"

/* The first thread's process state; a vfork child gets its own copy. */
static struct libos_state first_state;

void libos_main(const struct sk_exec_start *st) __attribute__((noreturn));
void libos_entry(struct sk_regs *r) __attribute__((noreturn));
void libos_jump(uint64_t entry, uint64_t sp) __attribute__((noreturn));

/*
 * The stack Linux system calls run on, for the first thread. Handlers
 * keep bounce buffers of IO_CHUNK bytes on it.
 */
static char entry_stack[256 * 1024] __attribute__((aligned(16)));

static const l_handler handlers[L_SYS_MAX] = {
#define H(name) [L_SYS_##name] = l_sys_##name,
	L_FILE_SYSCALLS(H)
	L_OTHER_SYSCALLS(H)
	L_PROC_SYSCALLS(H)
#undef H
	[L_SYS_fdatasync] = l_sys_fsync,
};

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
		    (unsigned long)nr, l_syscall_name(nr));
		if (nr < L_SYS_MAX)
			logged[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
	return -L_ENOSYS;
}

/* skiff_start_handles(buf, max) (abi/skiff/proto/exec.h). */
static int64_t
start_handles(uint64_t buf, uint64_t max)
{
	uint64_t n = L.nstart < max ? L.nstart : max;

	if (n > 0 && l_copyout(buf, L.start_h, n * sizeof(L.start_h[0])) < 0)
		return -L_EFAULT;
	return L.nstart;
}

/*
 * Resume the frame r (the UTCB's) and leave the library OS: in user mode
 * when the frame allows, through the kernel otherwise (lib/sk/reflect.c).
 * fs_base is the FS base the thread entered with, still its own: the
 * library OS never changes it, so a frame with another one (arch_prctl,
 * a new thread's TLS) goes through the kernel.
 */
static inline void __attribute__((always_inline, noreturn))
leave(uint64_t fs_base)
{
	int64_t rv = sk_reflect_resume(fs_base);

	libos_fatal("cannot resume the program: %s", sk_errname(SK_ERR(rv)));
}

void
libos_entry(struct sk_regs *r)
{
	struct libos_state *s = l_state();
	uint64_t nr = r->rax, fs_base = r->fs_base;
	l_handler h;
	int64_t rv;

	if (sk_utcb()->reflect_reason == SK_REFLECT_INTERRUPT) {
		/*
		 * No system call: proc has news for us (a signal, new ids) on the
		 * event notification. Take it, act on it, resume unchanged.
		 */
		if (s->h[SK_EXEC_H_EVENTS] != 0)
			l_take_notes(SK_NOWAIT);
		else
			s->notes |= L_NOTE_SIGNAL;
		l_signals(r, L_NR_INTERRUPT);
		leave(fs_base);
	}
	/* The common case first: a handled call, no strace. */
	if (nr < L_SYS_MAX && (h = handlers[nr]) != NULL && !s->strace) {
		r->rax = (uint64_t)h(r);
		/* Not s: a vfork child has its own state from here on. */
		if (L.notes & L_NOTE_SIGNAL)
			l_signals(r, nr);
		leave(fs_base);
	}
	if (nr == L_NR_RESUME) {
		rv = l_resume(r);
		r->rax = (uint64_t)rv;
		l_signals(r, L_NR_INTERRUPT);
		leave(fs_base);
	}
	if (s->strace)
		l_strace_enter(r, nr);
	if (nr < L_SYS_MAX && handlers[nr] != NULL)
		rv = handlers[nr](r);
	else if (nr == SK_LINUX_SYS_HANDLE)
		rv = r->rdi < SK_EXEC_H_COUNT && s->h[r->rdi] != 0 ? (int64_t)s->h[r->rdi] : -L_ENOENT;
	else if (nr == SK_LINUX_SYS_FD_HANDLE)
		rv = l_fd_handle((int64_t)r->rdi);
	else if (nr == SK_LINUX_SYS_START_HANDLES)
		rv = start_handles(r->rdi, r->rsi);
	else
		rv = unknown(nr);
	if (L.strace)
		l_strace_leave(rv);
	r->rax = (uint64_t)rv;
	l_signals(r, nr);
	leave(fs_base);
}

/*
 * Attach to proc: hand it a copy of the event notification and a
 * read-only handle to this address space (for the descriptor table
 * /proc/<pid>/fd shows; a vfork child has none of its own), learn the
 * Linux pid. Without proc (early boot tests) and in a service, which is
 * not a Linux process, the pid is the kernel's id.
 */
void
l_attach(void)
{
	struct sk_rpc m = { .label = PROC_ATTACH };
	struct sk_proc_info pi;
	int64_t n, a = -1, r;

	if (!L.service && L.h[SK_EXEC_H_PROC] != 0 &&
	    (n = sk_handle_dup(L.h[SK_EXEC_H_EVENTS], SK_R_SIGNAL | SK_R_TRANSFER)) >= 0) {
		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)n;
		if (!L.fdtab_off && (a = sk_handle_dup(SK_H_SELF_AS, SK_R_READ | SK_R_TRANSFER)) >= 0)
			m.snd_h[m.snd_nh++] = (sk_handle_t)a;
		if ((r = sk_rpc(L.h[SK_EXEC_H_PROC], &m, SK_FOREVER)) >= 0) {
			L.pid = (int32_t)m.r[0];
			L.ppid = (int32_t)m.r[1];
			L.pgid = (int32_t)m.r[2];
			L.sid = (int32_t)m.r[3];
			L.grp_valid = 1;
			return;
		}
		/* A failed call left the handles with us. */
		sk_handle_close((sk_handle_t)n);
		if (a >= 0)
			sk_handle_close((sk_handle_t)a);
	}
	L.pid = sk_proc_info(SK_H_SELF_PROC, &pi) >= 0 ? (int32_t)pi.koid : 1;
}

/* Lead a new session with the terminal on fd 0 as controlling terminal. */
static void
console_session(void)
{
	struct sk_rpc m = { .label = PROC_SETSID };
	struct l_fd *f = fd_get(0);

	if (L.h[SK_EXEC_H_PROC] != 0)
		sk_rpc(L.h[SK_EXEC_H_PROC], &m, SK_FOREVER);
	if (f != NULL && f->h != 0) {
		memset(&m, 0, sizeof(m));
		m.label = IO_IOCTL;
		m.w[0] = 0x540E;	/* TIOCSCTTY */
		sk_rpc(f->h, &m, SK_FOREVER);
	}
}

void
libos_main(const struct sk_exec_start *st)
{
	struct sk_utcb *u = sk_utcb();
	const char *cwd;
	int64_t r;

	if (st->magic != SK_EXEC_MAGIC)
		libos_fatal("bad start block");
	u->user_data = (uint64_t)&first_state;
	L.entry = st->entry;
	L.sp_start = st->sp;
	L.stack_low = st->stack_low;
	L.brk_base = L.brk_cur = L.brk_mapped = st->brk;
	L.umask = st->umask & 0777;
	for (int i = 0; i < SK_EXEC_H_COUNT; i++)
		L.h[i] = st->h[i];
	L.service = (st->flags & SK_EXEC_F_SERVICE) != 0;
	if (L.service) {
		L.nstart = st->nstart < SK_EXEC_START_HANDLES ? st->nstart : SK_EXEC_START_HANDLES;
		for (uint32_t i = 0; i < L.nstart; i++)
			L.start_h[i] = st->start_h[i];
	}
	if (L.h[SK_EXEC_H_EVENTS] == 0 && (r = sk_notif_create()) >= 0)
		L.h[SK_EXEC_H_EVENTS] = (sk_handle_t)r;
	cwd = st->cwd != 0 ? (const char *)st->cwd : "";
	strlcpy(L.cwd, cwd[0] == '/' ? cwd : "/", sizeof(L.cwd));
	fd_init(st);
	L.strace = l_strace_wanted(L.sp_start);
	u->reflect_stack = (uint64_t)entry_stack + sizeof(entry_stack);
	if ((r = sk_reflect_set((void *)libos_entry)) < 0)
		libos_fatal("cannot register the system call entry: %s", sk_errname(SK_ERR(r)));
	L.main_tid = u->tid;
	l_sig_exec_init(st->sig_ignored, st->sig_blocked);
	l_attach();
	if (st->flags & SK_EXEC_F_CONSOLE)
		console_session();
	if (st->sig_ignored != 0 || L.sig_blocked != 0)
		l_sig_report();
	libos_jump(L.entry, L.sp_start);
}
