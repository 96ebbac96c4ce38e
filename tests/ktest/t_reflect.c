/*
 * Linux-syscall reflection: a `syscall` with a non-native number enters
 * the process's registered library OS on its reflection stack with the
 * interrupted registers in utcb->reflect; reflect_return resumes them,
 * edits included. Without a library OS the syscall is a fault.
 */
#include "ktest.h"

#define SEC	1000000000ull
#define LINUX_GETPID	39

/* The kernel's vector number for a foreign syscall in fault reports. */
#define VEC_SYSCALL	0x100

static uint64_t rstack[2048] __attribute__((aligned(16)));

/* What the library OS saw and should do; set by the test before a call. */
enum { LOS_EDIT, LOS_BAD_FRAMES, LOS_FS, LOS_BAD_RSP, LOS_NESTED };
static volatile int los_mode;
static struct sk_regs los_seen;
static volatile int64_t los_err[6];
static volatile uint64_t los_calls;

static void __attribute__((noreturn, used))
los_entry(struct sk_regs *r)
{
	los_seen = *r;
	los_calls++;
	switch (los_mode) {
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
enum { CH_NO_ENTRY, CH_NO_STACK, CH_NESTED, CH_BAD_RSP };

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
	}
	rax = foreign(LINUX_GETPID, 0, &rbx, &rdx, &r15);
	/* Only a resumed fault (see below) gets here. */
	return rax == (uint64_t)SK_ERRVAL(SK_E_NOSYS, 0) ? 42 : 43;
}

KTEST(reflect_no_libos_faults)
{
	static const char *const what[] = { "no entry", "no stack", "nested", "bad rsp" };
	struct sk_proc_info pi;

	for (uint64_t how = CH_NO_ENTRY; how <= CH_BAD_RSP; how++) {
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
