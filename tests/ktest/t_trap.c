/*
 * Exceptions raised by user code: each kills only the process that
 * raised it, which is reported as faulted with the exception's vector.
 * Also checks that flags a user may set (DF, AC) do not leak into the
 * kernel and that FPU/SSE state survives switches between threads.
 */
#include "ktest.h"
#include "lib/common/string.h"

#define SEC		1000000000ull
#define VEC_DE		0
#define VEC_BP		3
#define VEC_UD		6
#define VEC_GP		13
#define VEC_AC		17

#define NO_AC		3	/* exit status: the misaligned load did not fault */

/*
 * Run fn in a child and check that it faulted with the given vector at a
 * user address (for these exceptions, the faulting instruction).
 */
static void
expect_fault(const char *name, sk_child_fn fn, int64_t vector)
{
	struct sk_proc_info pi;
	int64_t p = sk_spawn_fn(name, fn, 0, NULL, 0, 0);

	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	if (pi.state != SK_PROC_FAULTED)
		FAIL("%s: state %u, status %ld, expected a fault with vector %ld",
		    name, pi.state, (long)pi.exit_code, (long)vector);
	if (pi.exit_code != vector)
		FAIL("%s: faulted with vector %ld, expected %ld", name,
		    (long)pi.exit_code, (long)vector);
	CHECK(pi.fault_addr >= 4096 && pi.fault_addr < 0x800000000000ull);
}

static int
ud_child(uint64_t arg, const sk_handle_t *h)
{
	__asm__ volatile("ud2");
	return 0;
}

static int
div_child(uint64_t arg, const sk_handle_t *h)
{
	__asm__ volatile("movl $1, %%eax\n\txorl %%edx, %%edx\n\t"
	    "xorl %%ecx, %%ecx\n\tdivl %%ecx" ::: "rax", "rcx", "rdx", "cc");
	return 0;
}

static int
int3_child(uint64_t arg, const sk_handle_t *h)
{
	__asm__ volatile("int3");
	return 0;
}

static int
int80_child(uint64_t arg, const sk_handle_t *h)
{
	__asm__ volatile("int $0x80" ::: "memory");
	return 0;
}

/*
 * A misaligned load with RFLAGS.AC set. User code is built with a red
 * zone, so the pushes step below it first.
 */
static int
ac_child(uint64_t arg, const sk_handle_t *h)
{
	uint64_t buf[2] = { 0, 0 };

	__asm__ volatile(
	    "subq $128, %%rsp\n\t"
	    "pushfq\n\torq $0x40000, (%%rsp)\n\tpopfq\n\t"
	    "movl 1(%0), %%eax\n\t"
	    "pushfq\n\tandq $~0x40000, (%%rsp)\n\tpopfq\n\t"
	    "addq $128, %%rsp"
	    :: "r"(buf) : "rax", "memory", "cc");
	return NO_AC;
}

KTEST(trap_invalid_opcode)
{
	expect_fault("ud2", ud_child, VEC_UD);
	return 0;
}

KTEST(trap_divide_error)
{
	expect_fault("div0", div_child, VEC_DE);
	return 0;
}

KTEST(trap_breakpoint)
{
	expect_fault("int3", int3_child, VEC_BP);
	return 0;
}

/* Vector 0x80 is a kernel-only gate: user code raising it gets #GP. */
KTEST(trap_int80_is_gp)
{
	expect_fault("int80", int80_child, VEC_GP);
	return 0;
}

KTEST(trap_alignment_check)
{
	struct sk_proc_info pi;
	int64_t p = sk_spawn_fn("ac", ac_child, 0, NULL, 0, 0);

	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	if (pi.state == SK_PROC_EXITED && pi.exit_code == NO_AC)
		SKIP("a misaligned load with RFLAGS.AC set did not raise #AC: "
		    "the CPU does not check alignment (QEMU's TCG does not)");
	CHECK(pi.state == SK_PROC_FAULTED);
	CHECK(pi.exit_code == VEC_AC);
	return 0;
}

#define DF_PAGES	32

/*
 * Fault fresh zero pages in with the direction flag set. The kernel
 * clears each new page with a string instruction; if DF leaked into the
 * kernel it would clear the wrong memory and leave the page holding
 * whatever its frame held before. The frames are dirtied first so that
 * this shows.
 */
static int
df_child(uint64_t arg, const sk_handle_t *h)
{
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, DF_PAGES * 4096, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE);
	volatile uint8_t *p;
	uint8_t x;

	if (va < 0)
		return 2;
	p = (volatile uint8_t *)va;
	for (uint64_t i = 0; i < DF_PAGES * 4096; i++)
		p[i] = 0xa5;
	if (sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, DF_PAGES * 4096) < 0)
		return 2;
	va = sk_as_map(SK_H_SELF_AS, 0, DF_PAGES * 4096, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE);
	if (va < 0)
		return 2;
	p = (volatile uint8_t *)va;
	for (int i = 0; i < DF_PAGES; i++)
		__asm__ volatile("std\n\tmovb (%1), %0\n\tcld" : "=r"(x)
		    : "r"(p + i * 4096) : "memory");
	for (uint64_t i = 0; i < DF_PAGES * 4096; i++)
		if (p[i] != 0)
			return 4;
	return 0;
}

KTEST(trap_user_df_not_in_kernel)
{
	struct sk_proc_info pi;
	int64_t p = sk_spawn_fn("df", df_child, 0, NULL, 0, 0);

	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	if (pi.state == SK_PROC_EXITED && pi.exit_code == 4)
		FAIL("pages faulted in with DF set were not cleared");
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	return 0;
}

/*
 * x87 and SSE in user mode: no #NM (the FPU is switched eagerly), and the
 * registers keep their values across sleeps while another child does the
 * same with other values.
 */
static int
fpu_child(uint64_t arg, const sk_handle_t *h)
{
	uint32_t v = (uint32_t)arg, got;
	int32_t sum;

	__asm__ volatile("fld1\n\tfld1\n\tfaddp\n\tfistpl %0" : "=m"(sum));
	if (sum != 2)
		return 2;
	for (int i = 0; i < 20; i++) {
		__asm__ volatile("movd %0, %%xmm3" :: "r"(v + i));
		sk_sleep(1000000);
		__asm__ volatile("movd %%xmm3, %0" : "=r"(got));
		if (got != v + i)
			return 3;
	}
	return 0;
}

KTEST(trap_fpu_state_is_per_thread)
{
	struct sk_proc_info pi;
	int64_t a = sk_spawn_fn("fpu-a", fpu_child, 0x1000, NULL, 0, 0);
	int64_t b = sk_spawn_fn("fpu-b", fpu_child, 0x2000, NULL, 0, 0);

	CHECK_OK(a);
	CHECK_OK(b);
	CHECK_OK(sk_proc_wait((sk_handle_t)a, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	CHECK_OK(sk_proc_wait((sk_handle_t)b, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	CHECK_OK(sk_handle_close((sk_handle_t)a));
	CHECK_OK(sk_handle_close((sk_handle_t)b));
	return 0;
}
