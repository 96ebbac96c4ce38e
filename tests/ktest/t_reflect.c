/*
 * Linux-syscall reflection: a `syscall` with a non-native number enters
 * the process's registered library OS on its reflection stack with the
 * interrupted registers in utcb->reflect; reflect_return resumes them,
 * edits included, and so does the user-mode return sk_reflect_leave.
 * Without a library OS the syscall is a fault; an interrupt that comes
 * while the thread is in its library OS is taken before the program
 * runs again, on either way out.
 */
#include "ktest.h"

#define SEC	1000000000ull
#define LINUX_GETPID	39

/* The kernel's vector number for a foreign syscall in fault reports. */
#define VEC_SYSCALL	0x100

static uint64_t rstack[2048] __attribute__((aligned(16)));

/* What the library OS saw and should do; set by the test before a call. */
enum {
	LOS_EDIT, LOS_BAD_FRAMES, LOS_FS, LOS_BAD_RSP, LOS_NESTED,
	LOS_REGS_FAST,		/* rax = 0x1234, sk_reflect_leave */
	LOS_REGS_SLOW,		/* rax = 0x1234, reflect_return */
	LOS_RESUME,		/* rax = 0x1234, sk_reflect_resume */
	LOS_SELF_INTERRUPT,	/* proc_interrupt itself, then sk_reflect_resume */
	LOS_TRAP_LEAVE,		/* sk_reflect_leave with TF set (see below) */
	LOS_ECHO,		/* rax = rdi + 1, sk_reflect_resume; counts interrupts */
};
static struct sk_regs los_first;	/* the frame of the first entry */
static volatile uint64_t los_reasons[4];
static volatile int los_mode;
static struct sk_regs los_seen;
static volatile int64_t los_err[6];
static volatile uint64_t los_calls;
static volatile uint64_t los_interrupts;

/* Call sk_reflect_leave with TF set: a debug trap after every instruction. */
static void
leave_stepped(void)
{
	__asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq; call sk_reflect_leave"
	    ::: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
}

static void __attribute__((noreturn, used))
los_entry(struct sk_regs *r)
{
	uint64_t fs0 = r->fs_base;

	los_seen = *r;
	if (los_calls == 0)
		los_first = *r;
	if (los_calls < 4)
		los_reasons[los_calls] = sk_utcb()->reflect_reason;
	los_calls++;
	switch (los_mode) {
	case LOS_REGS_FAST:
		r->rax = 0x1234;
		sk_reflect_leave();
		sk_proc_exit(97);	/* no interrupt was due: it must not return */
		break;
	case LOS_REGS_SLOW:
		r->rax = 0x1234;
		break;
	case LOS_RESUME:
		r->rax = 0x1234;
		sk_reflect_resume(fs0);
		sk_proc_exit(96);
		break;
	case LOS_SELF_INTERRUPT:
		if (los_calls == 1) {
			r->rax = 0x1234;
			if (sk_proc_interrupt(SK_H_SELF_PROC) < 0)
				sk_proc_exit(95);
		}
		sk_reflect_resume(fs0);
		sk_proc_exit(96);
		break;
	case LOS_ECHO:
		if (sk_utcb()->reflect_reason == SK_REFLECT_INTERRUPT)
			los_interrupts++;
		else
			r->rax = r->rdi + 1;
		sk_reflect_resume(fs0);
		sk_proc_exit(96);
		break;
	case LOS_TRAP_LEAVE:
		if (los_calls == 1) {
			r->rax = 0x1234;
			leave_stepped();
		}
		break;
	case LOS_EDIT:
		r->rax = 4242;
		r->rdx = 0xd1;
		r->r15 = 0xf16;
		/* Privileged flags must be dropped: IOPL 3, NT. */
		r->rflags |= (3u << 12) | (1u << 14);
		break;
	case LOS_BAD_FRAMES: {
		uint64_t rip = r->rip, fs = r->fs_base, gs = r->gs_base;

		r->rip = 0xffff800000001000ull;		/* kernel space */
		los_err[0] = sk_reflect_return();
		r->rip = 0x0000800000000000ull;		/* non-canonical */
		los_err[1] = sk_reflect_return();
		r->rip = 0xffffffff80100000ull;		/* the kernel image */
		los_err[2] = sk_reflect_return();
		r->rip = rip;
		r->fs_base = 0x0000800000000000ull;
		los_err[3] = sk_reflect_return();
		r->fs_base = fs;
		r->gs_base = 0xffff800000000000ull;
		los_err[4] = sk_reflect_return();
		r->gs_base = gs;
		r->rax = 77;
		break;
	}
	case LOS_FS:
		r->fs_base = 0x0000123456789000ull;
		r->rax = 0;
		break;
	case LOS_BAD_RSP:
		r->rsp = 0x0000800000000000ull;		/* non-canonical */
		r->rax = 0;
		break;
	case LOS_NESTED:
		/* A foreign syscall inside the library OS is a fault. */
		__asm__ volatile("syscall" :: "a"((uint64_t)LINUX_GETPID) : "rcx", "r11", "memory");
		break;
	}
	sk_reflect_return();
	for (;;)
		sk_proc_exit(99);	/* reflect_return failed: end loudly */
}

static void
los_install(void)
{
	sk_utcb()->reflect_stack = (uint64_t)&rstack[2048];
	if (sk_reflect_set((void *)los_entry) < 0)
		sk_proc_exit(98);
}

/* A foreign syscall with known values in RBX, RDX, RDI and R15. */
static uint64_t
foreign(uint64_t nr, uint64_t a1, uint64_t *rbx, uint64_t *rdx, uint64_t *r15)
{
	register uint64_t r15v __asm__("r15") = 0xf15;
	uint64_t rax = nr, rbxv = 0xb0, rdxv = 0xd0;

	__asm__ volatile("syscall" : "+a"(rax), "+b"(rbxv), "+d"(rdxv), "+r"(r15v)
	    : "D"(a1) : "rcx", "r11", "memory");
	*rbx = rbxv;
	*rdx = rdxv;
	*r15 = r15v;
	return rax;
}

static uint64_t
read_rflags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

KTEST(reflect_registers_round_trip)
{
	uint64_t rbx, rdx, r15, rax;

	CHECK_ERR(sk_reflect_return(), SK_E_STATE, 0);
	CHECK_ERR(sk_reflect_set((void *)0xffff800000000000ull), SK_E_RANGE, 1);
	CHECK_ERR(sk_reflect_set((void *)0x0000800000000000ull), SK_E_RANGE, 1);
	los_install();
	for (int i = 0; i < 3; i++) {
		los_mode = LOS_EDIT;
		rax = foreign(LINUX_GETPID, 0xabc0 + (uint64_t)i, &rbx, &rdx, &r15);
		if (rax != 4242 || rdx != 0xd1 || r15 != 0xf16)
			FAIL("round %d: the library OS's edits were lost: rax %lu rdx 0x%lx r15 0x%lx",
			    i, (unsigned long)rax, (unsigned long)rdx, (unsigned long)r15);
		CHECK(rbx == 0xb0);
		/* The saved frame is the interrupted syscall's. */
		CHECK(los_seen.rax == LINUX_GETPID);
		CHECK(los_seen.rdi == 0xabc0 + (uint64_t)i);
		CHECK(los_seen.rbx == 0xb0 && los_seen.rdx == 0xd0 && los_seen.r15 == 0xf15);
		CHECK(los_seen.rcx == los_seen.rip);	/* syscall put RIP in RCX */
		CHECK(los_seen.r11 == los_seen.rflags);	/* and RFLAGS in R11 */
		CHECK(los_seen.gs_base == (uint64_t)sk_utcb());
		CHECK(los_seen.rsp > (uint64_t)&rbx - 4096 && los_seen.rsp < (uint64_t)&rbx + 4096);
		/* IOPL and NT never reach user mode. */
		CHECK((read_rflags() & ((3u << 12) | (1u << 14))) == 0);
		CHECK(sk_utcb()->tid != 0);	/* GS still names the UTCB */
	}
	CHECK(los_calls == 3);
	/* Native calls are not reflected. */
	CHECK_OK(sk_nop());
	CHECK(los_calls == 3);
	CHECK_ERR(sk_reflect_return(), SK_E_STATE, 0);
	CHECK_OK(sk_reflect_set(NULL));
	return 0;
}

KTEST(reflect_bad_frames_refused)
{
	uint64_t rbx, rdx, r15, rax;

	los_install();
	los_mode = LOS_BAD_FRAMES;
	rax = foreign(LINUX_GETPID, 1, &rbx, &rdx, &r15);
	CHECK(rax == 77);
	for (int i = 0; i < 5; i++)
		if (los_err[i] >= 0 || SK_ERR(los_err[i]) != SK_E_RANGE)
			FAIL("bad frame %d: reflect_return gave %ld (%s), expected SK_E_RANGE",
			    i, (long)los_err[i], los_err[i] < 0 ? sk_errname(SK_ERR(los_err[i])) :
			    "success");
	CHECK(rdx == 0xd0 && r15 == 0xf15 && rbx == 0xb0);
	return 0;
}

/*
 * rt_syscall: a foreign syscall with every register and the flags taken
 * from rt_before, and every register and the flags after it stored in
 * rt_after. rt_sp is the stack pointer at the syscall, rt_ret the address
 * after it.
 */
struct sk_regs rt_before __attribute__((aligned(16)));
struct sk_regs rt_after __attribute__((aligned(16)));
uint64_t rt_sp;
void rt_syscall(void);
extern const char rt_ret[];

__asm__(
"	.text\n"
"	.globl rt_syscall, rt_ret\n"
"rt_syscall:\n"
"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
"	mov %rsp, rt_sp(%rip)\n"
"	pushq rt_before+136(%rip)\n"
"	popfq\n"
"	mov rt_before+0(%rip), %rax\n"
"	mov rt_before+8(%rip), %rbx\n"
"	mov rt_before+24(%rip), %rdx\n"
"	mov rt_before+32(%rip), %rsi\n"
"	mov rt_before+40(%rip), %rdi\n"
"	mov rt_before+48(%rip), %rbp\n"
"	mov rt_before+64(%rip), %r8\n"
"	mov rt_before+72(%rip), %r9\n"
"	mov rt_before+80(%rip), %r10\n"
"	mov rt_before+96(%rip), %r12\n"
"	mov rt_before+104(%rip), %r13\n"
"	mov rt_before+112(%rip), %r14\n"
"	mov rt_before+120(%rip), %r15\n"
"	syscall\n"
"rt_ret:\n"
"	mov %rsp, rt_after+56(%rip)\n"
"	pushfq\n"
"	popq rt_after+136(%rip)\n"
"	mov %rax, rt_after+0(%rip)\n"
"	mov %rbx, rt_after+8(%rip)\n"
"	mov %rcx, rt_after+16(%rip)\n"
"	mov %rdx, rt_after+24(%rip)\n"
"	mov %rsi, rt_after+32(%rip)\n"
"	mov %rdi, rt_after+40(%rip)\n"
"	mov %rbp, rt_after+48(%rip)\n"
"	mov %r8, rt_after+64(%rip)\n"
"	mov %r9, rt_after+72(%rip)\n"
"	mov %r10, rt_after+80(%rip)\n"
"	mov %r11, rt_after+88(%rip)\n"
"	mov %r12, rt_after+96(%rip)\n"
"	mov %r13, rt_after+104(%rip)\n"
"	mov %r14, rt_after+112(%rip)\n"
"	mov %r15, rt_after+120(%rip)\n"
"	pushq $0x202\n"
"	popfq\n"
"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
"	ret\n");

/* CF PF AF ZF SF DF OF, AC and ID, with IF and the fixed bit. */
#define RT_FLAGS	(0x0cd5ull | (1ull << 18) | (1ull << 21) | 0x202)

static int
regs_exact(const char *how)
{
	uint64_t want[16], got[16];

	memcpy(want, &rt_before, sizeof(want));
	memcpy(got, &rt_after, sizeof(got));
	for (int i = 0; i < 16; i++) {
		if (i == 0 || i == 2 || i == 7 || i == 11)
			continue;	/* rax, rcx, rsp, r11: below */
		if (got[i] != want[i])
			FAIL("%s: register %d is 0x%lx after the call, was 0x%lx", how, i,
			    (unsigned long)got[i], (unsigned long)want[i]);
	}
	if (rt_after.rax != 0x1234)
		FAIL("%s: rax 0x%lx, expected the libos's 0x1234", how, (unsigned long)rt_after.rax);
	/* As on Linux: RCX is the return address and R11 the flags of the call. */
	if (rt_after.rcx != (uint64_t)rt_ret || rt_after.r11 != RT_FLAGS)
		FAIL("%s: rcx 0x%lx r11 0x%lx, expected 0x%lx and 0x%lx", how,
		    (unsigned long)rt_after.rcx, (unsigned long)rt_after.r11,
		    (unsigned long)rt_ret, (unsigned long)RT_FLAGS);
	if (rt_after.rflags != RT_FLAGS)
		FAIL("%s: flags 0x%lx after the call, expected 0x%lx", how,
		    (unsigned long)rt_after.rflags, (unsigned long)RT_FLAGS);
	if (rt_after.rsp != rt_sp)
		FAIL("%s: rsp 0x%lx after the call, expected 0x%lx", how,
		    (unsigned long)rt_after.rsp, (unsigned long)rt_sp);
	if (los_seen.rip != (uint64_t)rt_ret || los_seen.rcx != (uint64_t)rt_ret ||
	    los_seen.r11 != RT_FLAGS || los_seen.rflags != RT_FLAGS || los_seen.rsp != rt_sp)
		FAIL("%s: the frame had rip 0x%lx rcx 0x%lx r11 0x%lx flags 0x%lx", how,
		    (unsigned long)los_seen.rip, (unsigned long)los_seen.rcx,
		    (unsigned long)los_seen.r11, (unsigned long)los_seen.rflags);
	if (sk_utcb()->reflect_busy != 0)
		FAIL("%s: reflect_busy still set after the return", how);
	return 0;
}

KTEST(reflect_leave_registers_exact)
{
	static const int modes[] = { LOS_REGS_FAST, LOS_REGS_SLOW, LOS_RESUME };
	static const char *const names[] = { "sk_reflect_leave", "reflect_return",
	    "sk_reflect_resume" };

	los_install();
	for (int m = 0; m < 3; m++) {
		uint64_t *w = (uint64_t *)&rt_before;

		for (int i = 0; i < 16; i++)
			w[i] = 0x1111111111111111ull * (uint64_t)(i + 1) + (uint64_t)m;
		rt_before.rax = LINUX_GETPID;
		rt_before.rflags = RT_FLAGS;
		memset(&rt_after, 0, sizeof(rt_after));
		los_mode = modes[m];
		rt_syscall();
		if (regs_exact(names[m]) != 0)
			return 1;
	}
	CHECK_OK(sk_reflect_set(NULL));
	return 0;
}

/*
 * An interrupt posted while the thread is in its library OS: the
 * user-mode return sees reflect_pending and goes through the kernel,
 * which enters the library OS again with the program's state before the
 * program runs.
 */
KTEST(reflect_leave_pending_interrupt)
{
	uint64_t rbx, rdx, r15, rax;

	los_install();
	los_mode = LOS_SELF_INTERRUPT;
	los_calls = 0;
	rax = foreign(LINUX_GETPID, 7, &rbx, &rdx, &r15);
	if (los_calls != 2)
		FAIL("the library OS was entered %lu times, expected 2 (the call, the interrupt)",
		    (unsigned long)los_calls);
	CHECK(los_reasons[0] == SK_REFLECT_SYSCALL && los_reasons[1] == SK_REFLECT_INTERRUPT);
	/* The interrupt's frame is the program's, with the call's result. */
	CHECK(los_seen.rip == los_first.rip && los_seen.rax == 0x1234);
	CHECK(los_seen.rsp == los_first.rsp && los_seen.rdi == 7);
	CHECK(rax == 0x1234 && rbx == 0xb0 && rdx == 0xd0 && r15 == 0xf15);
	CHECK(sk_utcb()->reflect_busy == 0 && sk_utcb()->reflect_pending == 0);
	CHECK_OK(sk_reflect_set(NULL));
	return 0;
}

static int
have_fsgsbase(void)
{
	uint32_t a = 7, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (b & 1) != 0;
}

KTEST(reflect_fs_base_restored)
{
	uint64_t rbx, rdx, r15, fs;

	if (!have_fsgsbase()) {
		sk_printf("  reflect_fs_base_restored: no FSGSBASE on this CPU; not checked\n");
		return 0;
	}
	los_install();
	__asm__ volatile("wrfsbase %0" :: "r"(0x0000000abcdef000ull));
	los_mode = LOS_FS;
	foreign(LINUX_GETPID, 0, &rbx, &rdx, &r15);
	CHECK(los_seen.fs_base == 0x0000000abcdef000ull);
	__asm__ volatile("rdfsbase %0" : "=r"(fs));
	if (fs != 0x0000123456789000ull)
		FAIL("FS base after reflect_return is 0x%lx, expected 0x123456789000",
		    (unsigned long)fs);
	/* It survives a trip through the scheduler. */
	CHECK_OK(sk_sleep(1000000));
	__asm__ volatile("rdfsbase %0" : "=r"(fs));
	CHECK(fs == 0x0000123456789000ull);
	__asm__ volatile("wrfsbase %0" :: "r"(0ull));
	return 0;
}

/* Children: arg selects the way the foreign syscall goes wrong. */
enum { CH_NO_ENTRY, CH_NO_STACK, CH_NESTED, CH_BAD_RSP, CH_NESTED_AFTER_LEAVE };

static int
reflect_child(uint64_t how, const sk_handle_t *h)
{
	uint64_t rbx, rdx, r15, rax;

	switch (how) {
	case CH_NO_ENTRY:
		break;
	case CH_NO_STACK:
		sk_reflect_set((void *)los_entry);
		sk_utcb()->reflect_stack = 0;
		break;
	case CH_NESTED:
		los_install();
		los_mode = LOS_NESTED;
		break;
	case CH_BAD_RSP:
		los_install();
		los_mode = LOS_BAD_RSP;
		break;
	case CH_NESTED_AFTER_LEAVE:
		/* One call that leaves in user mode; the next one nests. */
		los_install();
		los_mode = LOS_RESUME;
		if (foreign(LINUX_GETPID, 0, &rbx, &rdx, &r15) != 0x1234)
			return 44;
		los_mode = LOS_NESTED;
		break;
	}
	rax = foreign(LINUX_GETPID, 0, &rbx, &rdx, &r15);
	/* Only a resumed fault (see below) gets here. */
	return rax == (uint64_t)SK_ERRVAL(SK_E_NOSYS, 0) ? 42 : 43;
}

KTEST(reflect_no_libos_faults)
{
	static const char *const what[] = { "no entry", "no stack", "nested", "bad rsp",
	    "nested after a user-mode return" };
	struct sk_proc_info pi;

	for (uint64_t how = CH_NO_ENTRY; how <= CH_NESTED_AFTER_LEAVE; how++) {
		int64_t p = sk_spawn_fn("reflect-child", reflect_child, how, NULL, 0, 0);

		CHECK_OK(p);
		CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
		if (pi.state != SK_PROC_FAULTED)
			FAIL("%s: child ended in state %u with %ld, expected a fault",
			    what[how], pi.state, (long)pi.exit_code);
		if (how != CH_BAD_RSP && pi.exit_code != VEC_SYSCALL)
			FAIL("%s: fault vector %ld, expected the foreign-syscall vector 0x%x",
			    what[how], (long)pi.exit_code, VEC_SYSCALL);
		CHECK_OK(sk_handle_close((sk_handle_t)p));
	}
	return 0;
}

/* The fault handler gets a foreign syscall as a fault; resuming gives NOSYS. */
static int
resume_server(uint64_t arg, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };

	if (sk_recv(h[0], &m, 10 * SEC) < 0 || SK_TAG_LABEL(m.tag) != SK_LABEL_FAULT)
		return 2;
	if (m.w[3] != VEC_SYSCALL || m.w[4] != LINUX_GETPID)
		return 3;
	m.w[0] = SK_FAULT_RESUME;
	sk_reply(&m);
	return 0;
}

static void __attribute__((noreturn))
resume_entry(uint64_t arg)
{
	sk_proc_exit(reflect_child(CH_NO_ENTRY, NULL));
	for (;;)
		;
}

KTEST(reflect_fault_msg_resume)
{
	static uint64_t stack[512] __attribute__((aligned(16)));
	struct sk_proc_info pi;
	int64_t ep = sk_ep_create(), as, p, srv, th;
	sk_handle_t give[1];

	CHECK_OK(ep);
	give[0] = (sk_handle_t)ep;
	srv = sk_spawn_fn("resumer", resume_server, 0, give, 1, 0);
	CHECK_OK(srv);
	as = sk_as_clone(SK_H_SELF_AS);
	CHECK_OK(as);
	p = sk_proc_create((sk_handle_t)as, "foreign", 0);
	CHECK_OK(p);
	CHECK_OK(sk_handle_close((sk_handle_t)as));
	CHECK_OK(sk_proc_set_fault((sk_handle_t)p, (sk_handle_t)ep));
	th = sk_thread_create((sk_handle_t)p, (void *)resume_entry, (uint64_t)&stack[510],
	    0, 0, SK_PRIO_DEFAULT);
	CHECK_OK(th);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 42)
		FAIL("resumed child ended in state %u with %ld; expected exit 42 (syscall gave SK_E_NOSYS)",
		    pi.state, (long)pi.exit_code);
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	if (pi.exit_code != 0)
		FAIL("fault server: bad fault message (exit %ld)", (long)pi.exit_code);
	CHECK_OK(sk_handle_close((sk_handle_t)th));
	return 0;
}

/*
 * A thread interrupted on sk_reflect_leave after it checked
 * reflect_pending: the child single-steps the user-mode return (TF), so
 * each instruction is a debug trap to this test, its fault handler. At
 * the second trap (the pending check done) the test posts an interrupt;
 * the kernel must finish the return from the frame and enter the library
 * OS with the program's state before the program runs.
 */
static void __attribute__((noreturn))
trap_leave_entry(uint64_t arg)
{
	uint64_t rbx, rdx, r15, rax;
	int code = 0;

	los_install();
	los_mode = LOS_TRAP_LEAVE;
	rax = foreign(LINUX_GETPID, 5, &rbx, &rdx, &r15);
	if (rax != 0x1234 || rbx != 0xb0 || rdx != 0xd0 || r15 != 0xf15)
		code |= 1;
	if (los_calls != 2 || los_reasons[1] != SK_REFLECT_INTERRUPT)
		code |= 2;
	if (los_seen.rip != los_first.rip || los_seen.rax != 0x1234 || los_seen.rdi != 5)
		code |= 4;
	if ((los_seen.rflags & 0x100) != 0 || sk_utcb()->reflect_busy != 0)
		code |= 8;
	sk_proc_exit(code);
	for (;;)
		;
}

KTEST(reflect_interrupt_on_leave)
{
	static uint64_t stack[1024] __attribute__((aligned(16)));
	struct sk_proc_info pi;
	struct sk_msg m;
	int64_t ep = sk_ep_create(), as, p, th, r;

	CHECK_OK(ep);
	as = sk_as_clone(SK_H_SELF_AS);
	CHECK_OK(as);
	p = sk_proc_create((sk_handle_t)as, "leave-trap", 0);
	CHECK_OK(p);
	CHECK_OK(sk_handle_close((sk_handle_t)as));
	CHECK_OK(sk_proc_set_fault((sk_handle_t)p, (sk_handle_t)ep));
	th = sk_thread_create((sk_handle_t)p, (void *)trap_leave_entry,
	    (uint64_t)&stack[1022], 0, 0, SK_PRIO_DEFAULT);
	CHECK_OK(th);
	for (int n = 1; n <= 2; n++) {
		memset(&m, 0, sizeof(m));
		r = sk_recv((sk_handle_t)ep, &m, 10 * SEC);
		if (r < 0 || SK_TAG_LABEL(m.tag) != SK_LABEL_FAULT || m.w[3] != 1) {
			sk_proc_kill((sk_handle_t)p, 1);
			FAIL("trap %d: no debug trap from the child (%ld, vector %lu)", n, (long)r,
			    (unsigned long)m.w[3]);
		}
		if (m.w[2] < (uint64_t)sk_reflect_leave || m.w[2] >= (uint64_t)sk_reflect_leave_end) {
			sk_proc_kill((sk_handle_t)p, 1);
			FAIL("trap %d at 0x%lx, outside sk_reflect_leave", n, (unsigned long)m.w[2]);
		}
		if (n == 2) {
			/* Past the pending check: only the kernel can catch it now. */
			CHECK(m.w[2] > (uint64_t)sk_reflect_leave);
			CHECK_OK(sk_proc_interrupt((sk_handle_t)p));
		}
		m.tag = 0;
		m.w[0] = SK_FAULT_RESUME;
		CHECK_OK(sk_reply(&m));
	}
	r = sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi);
	if (r < 0) {
		sk_proc_kill((sk_handle_t)p, 1);
		FAIL("the child did not finish after the interrupt (%ld)", (long)r);
	}
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("child ended in state %u with %ld (bits: 1 registers, 2 no interrupt entry, "
		    "4 wrong frame, 8 TF or busy left)", pi.state, (long)pi.exit_code);
	CHECK_OK(sk_handle_close((sk_handle_t)th));
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	CHECK_OK(sk_handle_close((sk_handle_t)ep));
	return 0;
}

KTEST(reflect_set_range_checked)
{
	CHECK_ERR(SK_SYS3(reflect_set, 0x1000, 0x0000800000000000ull, 0x0000800000000010ull),
	    SK_E_RANGE, 2);
	CHECK_ERR(SK_SYS3(reflect_set, 0x1000, 0x2000, 0x1000), SK_E_RANGE, 3);
	CHECK_ERR(SK_SYS3(reflect_set, 0x1000, 0x2000, 0x0000800000001000ull), SK_E_RANGE, 3);
	CHECK_ERR(SK_SYS3(reflect_set, 0x1000, 0x2000, 0x4000), SK_E_RANGE, 3);
	/* Garbage in the UTCB words is only the process's own trouble. */
	sk_utcb()->reflect_busy = 0xdeadbeefull;
	sk_utcb()->reflect_pending = ~0ull;
	sk_utcb()->reflect.rip = 0xffff800000001000ull;
	CHECK_ERR(sk_reflect_return(), SK_E_RANGE, 0);
	sk_utcb()->reflect_busy = 0;
	CHECK_ERR(sk_reflect_return(), SK_E_STATE, 0);
	CHECK_OK(sk_nop());
	return 0;
}

/*
 * A program that makes nothing but foreign syscalls answered in user
 * mode takes the reflection that runs without the big kernel lock
 * (kernel/reflect.c, reflect_syscall_fast). Interrupts posted to it from
 * another process, on this CPU or another, must still enter its library
 * OS, every call must still get its own answer, and a kill must still
 * end it.
 */
#define ECHO_INTERRUPTS	5

static int
echo_child(uint64_t forever, const sk_handle_t *h)
{
	uint64_t rbx, rdx, r15;

	los_install();
	los_mode = LOS_ECHO;
	los_interrupts = 0;
	for (uint64_t i = 0; forever || los_interrupts < ECHO_INTERRUPTS; i++) {
		if (foreign(LINUX_GETPID, i, &rbx, &rdx, &r15) != i + 1)
			return 1;
		if (rbx != 0xb0 || rdx != 0xd0 || r15 != 0xf15)
			return 2;
	}
	return 0;
}

KTEST(reflect_fast_interrupt_and_kill)
{
	struct sk_proc_info pi;
	int64_t p, r = SK_ERRVAL(SK_E_TIMEOUT, 0);

	p = sk_spawn_fn("echo", echo_child, 0, NULL, 0, 0);
	CHECK_OK(p);
	for (int n = 0; n < 1000; n++) {
		if (sk_proc_interrupt((sk_handle_t)p) < 0)
			break;		/* it has ended */
		if ((r = sk_proc_wait((sk_handle_t)p, 2000000, &pi)) >= 0)
			break;
	}
	if (r < 0 && (r = sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi)) < 0) {
		sk_proc_kill((sk_handle_t)p, 1);
		FAIL("the child never saw %d interrupts (%ld)", ECHO_INTERRUPTS, (long)r);
	}
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("child ended in state %u with %ld (1: a wrong answer, 2: registers lost)",
		    pi.state, (long)pi.exit_code);
	CHECK_OK(sk_handle_close((sk_handle_t)p));

	p = sk_spawn_fn("echo-forever", echo_child, 1, NULL, 0, 0);
	CHECK_OK(p);
	CHECK_OK(sk_sleep(20000000));
	CHECK_OK(sk_proc_kill((sk_handle_t)p, 7));
	if ((r = sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi)) < 0)
		FAIL("a kill did not end a program in a loop of foreign syscalls (%ld)", (long)r);
	if (pi.state != SK_PROC_KILLED)
		FAIL("killed child ended in state %u with %ld", pi.state, (long)pi.exit_code);
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	return 0;
}
