/*
 * The kernel stack cache: threads that die leave their stacks in a
 * bounded cache, which sk_kstat reports so the leak check counts it as
 * free memory.
 */
#include "ktest.h"

#define SEC		1000000000ull
#define NCHILD		72	/* more than the cache holds */
#define CACHE_PAGES	(64 * 4)	/* 64 stacks of 16 KiB */

static int
sleeper(uint64_t arg, const sk_handle_t *h)
{
	sk_sleep(30 * SEC);
	return 0;
}

KTEST(kstack_cache_bounded)
{
	static sk_handle_t kids[NCHILD];
	struct sk_kstat ks;
	struct sk_proc_info pi;

	/* Enough threads alive at once that their stacks overflow the cache. */
	for (int i = 0; i < NCHILD; i++) {
		int64_t p = sk_spawn_fn("sleeper", sleeper, 0, NULL, 0, 0);

		CHECK_OK(p);
		kids[i] = (sk_handle_t)p;
	}
	for (int i = 0; i < NCHILD; i++)
		CHECK_OK(sk_proc_kill(kids[i], 9));
	for (int i = 0; i < NCHILD; i++) {
		if (sk_proc_wait(kids[i], 10 * SEC, &pi) < 0) {
			sk_proc_info(kids[i], &pi);
			FAIL("child %d was killed but did not die: state %u, %u threads",
			    i, pi.state, (unsigned)pi.nthreads);
		}
		CHECK(pi.state == SK_PROC_KILLED);
		CHECK_OK(sk_handle_close(kids[i]));
	}
	CHECK_OK(sk_kstat(&ks));
	if (ks.kstack_pages != CACHE_PAGES)
		FAIL("%lu pages of kernel stacks cached, expected a full cache of %u",
		    (unsigned long)ks.kstack_pages, CACHE_PAGES);
	return 0;
}
