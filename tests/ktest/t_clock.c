/*
 * The wall clock: it follows the monotonic clock, only a process with
 * SK_PRIV_CLOCK may set it, and bad times are refused without changing
 * it.
 */
#include "ktest.h"

#define SEC	1000000000ll

static int
unprivileged(uint64_t arg, const sk_handle_t *h)
{
	int64_t r = sk_clock_set_real(SEC);

	return SK_ERR(r) == SK_E_PRIV && SK_ERRARG(r) == 0 ? 0 : 2;
}

/*
 * The time page: mapped read-only in a new address space, its clocks agree
 * with the system calls, and a new wall-clock setting shows in it.
 */
KTEST(time_page)
{
	const struct sk_timepage *tp = (const struct sk_timepage *)SK_TIMEPAGE_VA;
	int64_t a, b, c, real, as;

	if (tp->magic != SK_TIMEPAGE_MAGIC)
		FAIL("no time page at %#lx in this address space", (unsigned long)SK_TIMEPAGE_VA);
	a = SK_SYS0(clock);
	b = sk_clock();
	c = SK_SYS0(clock);
	if (b < a || b > c)
		FAIL("the page's clock %ld is not between the system call's %ld and %ld",
		    (long)b, (long)a, (long)c);
	a = SK_SYS0(clock_real);
	b = sk_clock_real();
	c = SK_SYS0(clock_real);
	if (b < a || b > c)
		FAIL("the page's wall clock %ld is not between %ld and %ld", (long)b, (long)a, (long)c);
	real = sk_clock_real();
	CHECK_OK(sk_clock_set_real(real + 1000 * SEC));
	if (sk_clock_real() < real + 1000 * SEC)
		FAIL("the time page did not take the new wall clock");
	CHECK_OK(sk_clock_set_real(sk_clock_real() - 1000 * SEC));
	/* Read-only for good: no write mapping, no protection change. */
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, SK_TIMEPAGE_VA, 4096, SK_PROT_READ | SK_PROT_WRITE),
	    SK_E_RIGHTS, -1);
	CHECK_OK(as = sk_as_create());
	{
		uint64_t magic = 0;

		CHECK_OK(sk_as_read((sk_handle_t)as, SK_TIMEPAGE_VA, &magic, sizeof(magic)));
		if (magic != SK_TIMEPAGE_MAGIC)
			FAIL("a new address space has no time page");
	}
	sk_handle_close((sk_handle_t)as);
	return 0;
}

KTEST(wall_clock)
{
	struct sk_proc_info pi;
	int64_t before, set, mono, real, p;

	before = sk_clock_real();
	set = 2000000000ll * SEC;	/* 2033-05-18 */
	CHECK_ERR(sk_clock_set_real(-1), SK_E_INVAL, 1);
	CHECK_ERR(sk_clock_set_real(INT64_MAX), SK_E_INVAL, 1);
	if (sk_clock_real() < before)
		FAIL("refused settings moved the wall clock back");
	CHECK_OK(sk_clock_set_real(set));
	mono = sk_clock();
	real = sk_clock_real();
	if (real < set || real > set + 5 * SEC)
		FAIL("wall clock reads %ld ns right after being set to %ld", (long)real, (long)set);
	sk_sleep(10000000);
	if (sk_clock_real() - real < 10000000 || sk_clock_real() - real - (sk_clock() - mono) >
	    1000000)
		FAIL("the wall clock does not follow the monotonic clock");

	p = sk_spawn_fn("clock-child", unprivileged, 0, NULL, 0, 0);
	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("a process without SK_PRIV_CLOCK could set the wall clock (status %ld)",
		    (long)pi.exit_code);
	if (sk_clock_real() < set)
		FAIL("the unprivileged attempt changed the wall clock");
	/* Put it back about where it was. */
	CHECK_OK(sk_clock_set_real(before + (sk_clock() - mono)));
	sk_handle_close((sk_handle_t)p);
	return 0;
}
