/*
 * Signals. proc keeps the pending set and tells the process through its
 * event notification (PROC_NOTE_SIGNAL); the libos keeps the actions and
 * the blocked mask, reports their summary to proc (PROC_SIGSTATE), and
 * delivers at the end of a system call: it takes each pending signal with
 * PROC_SIGTAKE and either carries out the default action or builds a
 * Linux rt_sigframe on the user stack and resumes the program in the
 * handler, which returns through its SA_RESTORER trampoline to
 * rt_sigreturn.
 *
 * A thread busy in user code is not interrupted yet: it sees a caught
 * signal at its next system call (proc terminates or stops a process for
 * default actions itself).
 */
#include "libos/libos.h"

#define SIG_DFL		0
#define SIG_IGN		1
#define SA_NOCLDSTOP	0x00000001
#define SA_SIGINFO	0x00000004
#define SA_ONSTACK	0x08000000
#define SA_RESTORER	0x04000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SIGKILL		9
#define SIGSTOP		19
#define BIT(s)		(1ull << ((s) - 1))
#define UNBLOCKABLE	(BIT(SIGKILL) | BIT(SIGSTOP))
#define XSAVE_SIZE	1024

struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};

struct l_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate;
	uint64_t reserved[8];
};
_Static_assert(sizeof(struct l_sigcontext) == 256, "sigcontext layout");

struct l_ucontext {
	uint64_t flags, link;
	uint64_t ss_sp;
	int32_t ss_flags, _pad;
	uint64_t ss_size;
	struct l_sigcontext mc;
	uint64_t sigmask;
};
_Static_assert(sizeof(struct l_ucontext) == 304, "ucontext layout");

struct l_siginfo {
	int32_t signo, err, code, _pad;
	int32_t pid, uid;	/* kill and SIGCHLD: sender */
	int32_t status, _pad2;	/* SIGCHLD */
	uint8_t rest[96];
};
_Static_assert(sizeof(struct l_siginfo) == 128, "siginfo layout");

struct rt_sigframe {
	uint64_t pretcode;
	struct l_ucontext uc;
	struct l_siginfo info;
};

static int
stops_by_default(int s)
{
	return s == 19 || s == 20 || s == 21 || s == 22;	/* STOP TSTP TTIN TTOU */
}

static int
ignored_by_default(int s)
{
	return s == 17 || s == 18 || s == 23 || s == 28;	/* CHLD CONT URG WINCH */
}

static int
core_by_default(int s)
{
	return s == 3 || s == 4 || s == 5 || s == 6 || s == 7 || s == 8 || s == 11 ||
	    s == 24 || s == 25 || s == 31;
}

uint64_t
l_sig_ignored(void)
{
	uint64_t m = 0;

	for (int s = 1; s <= 64; s++)
		if (L.sa[s - 1].handler == SIG_IGN)
			m |= BIT(s);
	return m;
}

uint64_t
l_sig_blocked(void)
{
	return L.sig_blocked;
}

/* Tell proc what is caught, ignored and blocked now. */
void
l_sig_report(void)
{
	struct sk_rpc m = { .label = PROC_SIGSTATE };
	uint64_t caught = 0;

	if (L.h[SK_EXEC_H_PROC] == 0)
		return;
	for (int s = 1; s <= 64; s++)
		if (L.sa[s - 1].handler > SIG_IGN)
			caught |= BIT(s);
	m.w[0] = caught;
	m.w[1] = l_sig_ignored();
	m.w[2] = L.sig_blocked;
	sk_rpc(L.h[SK_EXEC_H_PROC], &m, SK_FOREVER);
}

/*
 * After exec: caught signals go back to their defaults. L is the first
 * state of a new process (libos_main), whose actions are all zero (the
 * default) already, so only the ignored ones are written.
 */
void
l_sig_exec_init(uint64_t ignored, uint64_t blocked)
{
	for (int s = 1; s <= 64; s++)
		if (ignored & BIT(s))
			L.sa[s - 1].handler = SIG_IGN;
	L.sig_blocked = blocked & ~UNBLOCKABLE;
	L.alt_flags = SS_DISABLE;
}

L_HANDLER(rt_sigaction)
{
	int s = (int)l_arg(r, 0);
	struct k_sigaction ka, old;

	if (s < 1 || s > 64 || l_arg(r, 3) != 8)
		return -L_EINVAL;
	old.handler = L.sa[s - 1].handler;
	old.flags = L.sa[s - 1].flags;
	old.restorer = L.sa[s - 1].restorer;
	old.mask = L.sa[s - 1].mask;
	if (l_arg(r, 1) != 0) {
		if (s == SIGKILL || s == SIGSTOP)
			return -L_EINVAL;
		if (l_copyin(&ka, l_arg(r, 1), sizeof(ka)) < 0)
			return -L_EFAULT;
	}
	if (l_arg(r, 2) != 0 && l_copyout(l_arg(r, 2), &old, sizeof(old)) < 0)
		return -L_EFAULT;
	if (l_arg(r, 1) != 0) {
		int changed = (ka.handler > SIG_IGN) != (old.handler > SIG_IGN) ||
		    (ka.handler == SIG_IGN) != (old.handler == SIG_IGN);

		L.sa[s - 1].handler = ka.handler;
		L.sa[s - 1].flags = ka.flags;
		L.sa[s - 1].restorer = ka.restorer;
		L.sa[s - 1].mask = ka.mask & ~UNBLOCKABLE;
		if (changed)
			l_sig_report();
	}
	return 0;
}

static int64_t
set_blocked(uint64_t how, uint64_t set)
{
	uint64_t old = L.sig_blocked;

	switch (how) {
	case 0:	L.sig_blocked |= set; break;		/* SIG_BLOCK */
	case 1:	L.sig_blocked &= ~set; break;		/* SIG_UNBLOCK */
	case 2:	L.sig_blocked = set; break;		/* SIG_SETMASK */
	default: return -L_EINVAL;
	}
	L.sig_blocked &= ~UNBLOCKABLE;
	if (L.sig_blocked != old) {
		l_sig_report();
		if (old & ~L.sig_blocked)
			L.notes |= L_NOTE_SIGNAL;	/* unblocked ones may be pending */
	}
	return 0;
}

L_HANDLER(rt_sigprocmask)
{
	uint64_t set, old = L.sig_blocked;

	if (l_arg(r, 3) != 8)
		return -L_EINVAL;
	if (l_arg(r, 1) != 0) {
		if (l_copyin(&set, l_arg(r, 1), sizeof(set)) < 0)
			return -L_EFAULT;
		if (l_arg(r, 0) > 2)
			return -L_EINVAL;
	}
	if (l_arg(r, 2) != 0 && l_copyout(l_arg(r, 2), &old, sizeof(old)) < 0)
		return -L_EFAULT;
	if (l_arg(r, 1) != 0)
		return set_blocked(l_arg(r, 0), set);
	return 0;
}

L_HANDLER(rt_sigpending)
{
	/* proc holds the pending set and does not report it yet: none seen. */
	uint64_t none = 0;

	if (l_arg(r, 1) != 8)
		return -L_EINVAL;
	return l_copyout(l_arg(r, 0), &none, sizeof(none));
}

L_HANDLER(sigaltstack)
{
	struct { uint64_t sp; int32_t flags, _pad; uint64_t size; } ss, old;

	old.sp = L.alt_sp;
	old.flags = (int32_t)L.alt_flags;
	old._pad = 0;
	old.size = L.alt_size;
	if (l_arg(r, 0) != 0) {
		if (l_copyin(&ss, l_arg(r, 0), sizeof(ss)) < 0)
			return -L_EFAULT;
		if (ss.flags & ~SS_DISABLE)
			return -L_EINVAL;
		if (!(ss.flags & SS_DISABLE) && ss.size < 2048)
			return -12;	/* ENOMEM: smaller than MINSIGSTKSZ */
	}
	if (l_arg(r, 1) != 0 && l_copyout(l_arg(r, 1), &old, sizeof(old)) < 0)
		return -L_EFAULT;
	if (l_arg(r, 0) != 0) {
		L.alt_sp = ss.sp;
		L.alt_size = ss.size;
		L.alt_flags = (uint32_t)ss.flags;
	}
	return 0;
}

static void
xsave(void *area)
{
	__asm__ volatile("xsave64 (%0)" :: "r"(area), "a"(~0u), "d"(~0u) : "memory");
}

/* Build the frame for signal s with action a on the user stack; edit r. */
static int
setup_frame(struct sk_regs *r, int s, const struct sk_sigact *a, uint64_t mask,
    const struct sk_rpc *info)
{
	char fpbuf[XSAVE_SIZE + 64];
	char *fp = (char *)(((uint64_t)fpbuf + 63) & ~63ull);
	struct rt_sigframe f;
	uint64_t sp = r->rsp - 128, fpaddr, frame;

	if ((a->flags & SA_ONSTACK) && !(L.alt_flags & SS_DISABLE) &&
	    !(r->rsp > L.alt_sp && r->rsp <= L.alt_sp + L.alt_size))
		sp = L.alt_sp + L.alt_size;
	memset(fp, 0, XSAVE_SIZE);
	xsave(fp);
	fpaddr = (sp - XSAVE_SIZE) & ~63ull;
	frame = ((fpaddr - sizeof(f)) & ~15ull) - 8;
	memset(&f, 0, sizeof(f));
	f.pretcode = a->restorer;
	f.uc.ss_sp = L.alt_sp;
	f.uc.ss_size = L.alt_size;
	f.uc.ss_flags = (int32_t)L.alt_flags;
	f.uc.mc.r8 = r->r8; f.uc.mc.r9 = r->r9; f.uc.mc.r10 = r->r10; f.uc.mc.r11 = r->r11;
	f.uc.mc.r12 = r->r12; f.uc.mc.r13 = r->r13; f.uc.mc.r14 = r->r14; f.uc.mc.r15 = r->r15;
	f.uc.mc.rdi = r->rdi; f.uc.mc.rsi = r->rsi; f.uc.mc.rbp = r->rbp; f.uc.mc.rbx = r->rbx;
	f.uc.mc.rdx = r->rdx; f.uc.mc.rax = r->rax; f.uc.mc.rcx = r->rcx; f.uc.mc.rsp = r->rsp;
	f.uc.mc.rip = r->rip; f.uc.mc.eflags = r->rflags;
	f.uc.mc.cs = 0x33;
	f.uc.mc.ss = 0x2b;
	f.uc.mc.oldmask = mask;
	f.uc.mc.fpstate = fpaddr;
	f.uc.sigmask = mask;
	f.info.signo = s;
	f.info.code = (int32_t)info->r[3];
	f.info.pid = (int32_t)info->r[1];
	f.info.uid = (int32_t)info->r[2];
	f.info.status = (int32_t)info->r[4];
	if (l_copyout(fpaddr, fp, XSAVE_SIZE) < 0 || l_copyout(frame, &f, sizeof(f)) < 0)
		return -1;
	r->rsp = frame;
	r->rip = a->handler;
	r->rdi = (uint64_t)s;
	r->rsi = frame + __builtin_offsetof(struct rt_sigframe, info);
	r->rdx = frame + __builtin_offsetof(struct rt_sigframe, uc);
	r->rax = 0;
	r->rflags &= ~0x400ull;		/* DF clear, as the ABI wants */
	return 0;
}

/* Whether an interrupted call is restarted under SA_RESTART. */
static int
restartable(uint64_t nr)
{
	switch (nr) {
	case L_SYS_poll: case L_SYS_ppoll: case L_SYS_select: case L_SYS_pselect6:
	case L_SYS_nanosleep: case L_SYS_clock_nanosleep: case L_SYS_rt_sigsuspend:
	case L_SYS_pause:
		return 0;
	default:
		return 1;
	}
}

/*
 * Take and act on pending signals not in blocked; the frame of a handler
 * saves frame_mask. r->rax holds the call's result. Returns 1 when a
 * handler was set up (one per call), 0 otherwise.
 */
int
l_deliver(struct sk_regs *r, uint64_t nr, uint64_t blocked, uint64_t frame_mask)
{
	if (L.h[SK_EXEC_H_PROC] == 0)
		return 0;
	for (;;) {
		struct sk_rpc m = { .label = PROC_SIGTAKE };
		struct sk_sigact *a;
		int s;

		m.w[0] = blocked;
		if (sk_rpc(L.h[SK_EXEC_H_PROC], &m, SK_FOREVER) <= 0)
			return 0;
		s = (int)m.r[0];
		if (s < 1 || s > 64)
			return 0;
		a = &L.sa[s - 1];
		if (a->handler == SIG_IGN)
			continue;
		if (a->handler == SIG_DFL) {
			struct sk_rpc st = { .label = PROC_STOPPED };

			if (ignored_by_default(s))
				continue;
			if (stops_by_default(s)) {
				st.w[0] = (uint64_t)s;
				sk_rpc(L.h[SK_EXEC_H_PROC], &st, SK_FOREVER);
				/* Stopped: wait for proc's word (SIGCONT, or a kill). */
				L.notes &= ~L_NOTE_SIGNAL;
				while (!(L.notes & L_NOTE_SIGNAL))
					if (l_take_notes(SK_FOREVER) < 0)
						break;
				L.notes &= ~L_NOTE_SIGNAL;
				continue;
			}
			l_exit((uint32_t)s | (core_by_default(s) ? 0x80 : 0));
		}
		if (nr != L_NR_INTERRUPT && nr != L_SYS_rt_sigreturn && (int64_t)r->rax == -L_EINTR &&
		    (a->flags & SA_RESTART) && restartable(nr)) {
			r->rax = nr;
			r->rip -= 2;	/* the syscall instruction again */
		}
		if (setup_frame(r, s, a, frame_mask, &m) < 0) {
			sk_printf("libos: no room for a signal frame below 0x%lx\n",
			    (unsigned long)r->rsp);
			l_exit(11 | 0x80);	/* SIGSEGV */
		}
		L.sig_blocked = (frame_mask | a->mask |
		    ((a->flags & SA_NODEFER) ? 0 : BIT(s))) & ~UNBLOCKABLE;
		if (a->flags & SA_RESETHAND)
			a->handler = SIG_DFL;
		l_sig_report();
		L.notes |= L_NOTE_SIGNAL;	/* look again at the next call */
		return 1;
	}
}

/* At the end of every call: deliver if proc said something is pending. */
void
l_signals(struct sk_regs *r, uint64_t nr)
{
	/*
	 * Only what a wait or an interrupt already took: proc interrupts the
	 * process when it posts a signal to act on (servers/proc/sig.c wake),
	 * and the kernel enters the libos again as this call leaves it, so
	 * a system call need not ask the notification itself.
	 */
	if (!(L.notes & L_NOTE_SIGNAL))
		return;
	L.notes &= ~L_NOTE_SIGNAL;
	/* After rt_sigreturn, r->rax is the restored context's, not a result. */
	if (!l_deliver(r, nr, L.sig_blocked, L.sig_blocked) && nr != L_NR_INTERRUPT &&
	    nr != L_SYS_rt_sigreturn &&
	    (int64_t)r->rax == -L_EINTR && nr != L_SYS_rt_sigsuspend && nr != L_SYS_pause) {
		/* No handler ran (ignored, or stopped and continued): as on Linux,
		   the call goes on instead of failing with EINTR. */
		r->rax = nr;
		r->rip -= 2;
	}
}

static int
xrstor_ok(const char *fp)
{
	uint64_t bv, comp;
	uint32_t mxcsr;

	memcpy(&mxcsr, fp + 24, 4);
	memcpy(&bv, fp + 512, 8);
	memcpy(&comp, fp + 520, 8);
	if (mxcsr & 0xffff0000u)
		return 0;
	if (bv & ~7ull || comp != 0)
		return 0;
	for (int i = 528; i < 576; i++)
		if (fp[i] != 0)
			return 0;
	return 1;
}

L_HANDLER(rt_sigreturn)
{
	char fpbuf[XSAVE_SIZE + 64];
	char *fp = (char *)(((uint64_t)fpbuf + 63) & ~63ull);
	struct l_ucontext uc;
	uint64_t frame = r->rsp - 8;

	if (l_copyin(&uc, frame + 8, sizeof(uc)) < 0) {
		sk_printf("libos: rt_sigreturn: no signal frame at 0x%lx\n", (unsigned long)frame);
		l_exit(11 | 0x80);
	}
	if (uc.mc.fpstate != 0) {
		if (l_copyin(fp, uc.mc.fpstate, XSAVE_SIZE) < 0 || !xrstor_ok(fp)) {
			sk_printf("libos: rt_sigreturn: bad FPU state in the signal frame at 0x%lx "
			    "(mxcsr 0x%x, xstate_bv 0x%lx)\n", (unsigned long)uc.mc.fpstate,
			    *(uint32_t *)(fp + 24), *(unsigned long *)(fp + 512));
			l_exit(11 | 0x80);
		}
		__asm__ volatile("xrstor64 (%0)" :: "r"(fp), "a"(~0u), "d"(~0u) : "memory");
	}
	r->r8 = uc.mc.r8; r->r9 = uc.mc.r9; r->r10 = uc.mc.r10; r->r11 = uc.mc.r11;
	r->r12 = uc.mc.r12; r->r13 = uc.mc.r13; r->r14 = uc.mc.r14; r->r15 = uc.mc.r15;
	r->rdi = uc.mc.rdi; r->rsi = uc.mc.rsi; r->rbp = uc.mc.rbp; r->rbx = uc.mc.rbx;
	r->rdx = uc.mc.rdx; r->rcx = uc.mc.rcx; r->rsp = uc.mc.rsp; r->rip = uc.mc.rip;
	/* Only the arithmetic flags, DF and TF come from the frame. */
	r->rflags = (r->rflags & ~0x0dd5ull) | (uc.mc.eflags & 0x0dd5ull);
	set_blocked(2, uc.sigmask);
	return (int64_t)uc.mc.rax;
}

L_HANDLER(rt_sigsuspend)
{
	uint64_t mask, saved = L.sig_blocked;

	if (l_arg(r, 1) != 8)
		return -L_EINVAL;
	if (l_copyin(&mask, l_arg(r, 0), sizeof(mask)) < 0)
		return -L_EFAULT;
	mask &= ~UNBLOCKABLE;
	set_blocked(2, mask);
	for (;;) {
		while (!(L.notes & L_NOTE_SIGNAL))
			if (l_take_notes(SK_FOREVER) < 0)
				break;
		L.notes &= ~L_NOTE_SIGNAL;
		r->rax = (uint64_t)-L_EINTR;
		if (l_deliver(r, L_SYS_rt_sigsuspend, mask, saved))
			return -L_EINTR;
	}
}

L_HANDLER(pause)
{
	for (;;) {
		while (!(L.notes & L_NOTE_SIGNAL))
			if (l_take_notes(SK_FOREVER) < 0)
				break;
		L.notes &= ~L_NOTE_SIGNAL;
		r->rax = (uint64_t)-L_EINTR;
		if (l_deliver(r, L_SYS_pause, L.sig_blocked, L.sig_blocked))
			return -L_EINTR;
	}
}

/* Sleep until deadline (ns since boot) or a signal; -L_EINTR then. */
int64_t
l_sleep_until(uint64_t deadline)
{
	for (;;) {
		uint64_t now = (uint64_t)sk_clock();
		int64_t e;

		if (now >= deadline)
			return 0;
		if (L.notes & L_NOTE_SIGNAL)
			return -L_EINTR;
		if (L.h[SK_EXEC_H_EVENTS] == 0) {
			sk_sleep(deadline - now);
			continue;
		}
		if ((e = l_take_notes(deadline - now)) < 0 && e != -L_EAGAIN)
			return e;
	}
}

/*
 * nanosleep and clock_nanosleep: sleep for *ureq, or until it when
 * absolute (a time of the monotonic clock; callers convert wall-clock
 * deadlines), leaving what was left in *urem when a signal cut a relative
 * sleep short.
 */
static int64_t
sleep_rel(uint64_t ureq, uint64_t urem, int absolute, int wall)
{
	struct l_timespec ts;
	uint64_t ns, deadline, now = (uint64_t)sk_clock();
	int64_t e;

	if (l_copyin(&ts, ureq, sizeof(ts)) < 0)
		return -L_EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -L_EINVAL;
	ns = (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
	if (absolute && wall) {
		/* A wall-clock deadline: as far ahead as it is now. */
		int64_t real = sk_clock_real();

		ns = (int64_t)ns > real ? now + (ns - (uint64_t)real) : now;
	}
	deadline = absolute ? ns : now + ns;
	e = l_sleep_until(deadline);
	if (e == -L_EINTR && urem != 0 && !absolute) {
		uint64_t left = deadline - (uint64_t)sk_clock();

		if ((int64_t)left < 0)
			left = 0;
		ts.sec = (int64_t)(left / 1000000000ull);
		ts.nsec = (int64_t)(left % 1000000000ull);
		l_copyout(urem, &ts, sizeof(ts));
	}
	return e;
}

L_HANDLER(nanosleep)
{
	return sleep_rel(l_arg(r, 0), l_arg(r, 1), 0, 0);
}

L_HANDLER(clock_nanosleep)
{
	if (l_clock_read(l_arg(r, 0)) < 0)
		return -L_EINVAL;
	return sleep_rel(l_arg(r, 2), l_arg(r, 3), (l_arg(r, 1) & 1) != 0,
	    l_clock_is_real(l_arg(r, 0)));
}

L_HANDLER(alarm)
{
	struct sk_rpc m = { .label = PROC_ALARM };
	int64_t e;

	m.w[0] = l_arg(r, 0) * 1000000000ull;
	if (L.h[SK_EXEC_H_PROC] == 0)
		return -L_ENOSYS;
	if ((e = io_call(L.h[SK_EXEC_H_PROC], &m)) < 0)
		return e;
	return (e + 999999999) / 1000000000;
}

L_HANDLER(setitimer)
{
	struct { int64_t isec, iusec, sec, usec; } it, old;
	struct sk_rpc m = { .label = PROC_ALARM };
	int64_t e;

	if (l_arg(r, 0) != 0)
		return -L_EINVAL;	/* only ITIMER_REAL */
	if (l_copyin(&it, l_arg(r, 1), sizeof(it)) < 0)
		return -L_EFAULT;
	if (it.sec < 0 || it.usec < 0 || it.usec >= 1000000 || it.isec < 0 || it.iusec < 0 ||
	    it.iusec >= 1000000)
		return -L_EINVAL;
	m.w[0] = (uint64_t)it.sec * 1000000000ull + (uint64_t)it.usec * 1000;
	m.w[1] = (uint64_t)it.isec * 1000000000ull + (uint64_t)it.iusec * 1000;
	if (L.h[SK_EXEC_H_PROC] == 0)
		return -L_ENOSYS;
	if ((e = io_call(L.h[SK_EXEC_H_PROC], &m)) < 0)
		return e;
	if (l_arg(r, 2) != 0) {
		memset(&old, 0, sizeof(old));
		old.sec = e / 1000000000;
		old.usec = e % 1000000000 / 1000;
		if (l_copyout(l_arg(r, 2), &old, sizeof(old)) < 0)
			return -L_EFAULT;
	}
	return 0;
}
