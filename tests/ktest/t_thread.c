/*
 * Threads: several threads in one process, and a thread killed while it
 * is blocked (in recv, notif_wait, sleep) dies at once and frees what it
 * held (the leak check at the end of the suite sees the rest).
 */
#include "ktest.h"

#define SEC	1000000000ull
#define MS	1000000ull
#define NTHREADS 4

static volatile uint64_t counters[NTHREADS];
static char stacks[NTHREADS][16384] __attribute__((aligned(16)));

struct worker_arg {
	sk_handle_t notif;
	uint64_t index;
	uint64_t mode;		/* 0: count and exit; 1-3: block forever */
	sk_handle_t ep;
};

static struct worker_arg wargs[NTHREADS];

static void __attribute__((noreturn))
worker(struct worker_arg *a)
{
	struct sk_msg m = { 0 };

	switch (a->mode) {
	case 0:
		for (int i = 0; i < 1000; i++) {
			counters[a->index]++;
			if (i % 100 == 0)
				sk_yield();
		}
		sk_notif_signal(a->notif, 1ull << a->index);
		break;
	case 1:
		sk_recv(a->ep, &m, SK_FOREVER);
		break;
	case 2:
		sk_notif_wait(a->notif, SK_FOREVER);
		break;
	default:
		sk_sleep(SK_FOREVER);
		break;
	}
	sk_thread_exit(0);
	for (;;)
		;
}

static int64_t
start_worker(int i, sk_handle_t n, uint64_t mode, sk_handle_t ep)
{
	wargs[i].notif = n;
	wargs[i].index = (uint64_t)i;
	wargs[i].mode = mode;
	wargs[i].ep = ep;
	return sk_thread_create(SK_H_SELF_PROC, (void *)worker,
	    (uint64_t)stacks[i] + sizeof(stacks[i]) - 8, (uint64_t)&wargs[i], 0, SK_PRIO_DEFAULT);
}

KTEST(threads_run_and_exit)
{
	int64_t n = sk_notif_create(), th[NTHREADS];
	uint64_t got = 0;

	CHECK_OK(n);
	for (int i = 0; i < NTHREADS; i++)
		CHECK_OK(th[i] = start_worker(i, (sk_handle_t)n, 0, 0));
	while (got != (1ull << NTHREADS) - 1) {
		int64_t bits = sk_notif_wait((sk_handle_t)n, 10 * SEC);

		CHECK_OK(bits);
		got |= (uint64_t)bits;
	}
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(counters[i] == 1000);
		CHECK_OK(sk_handle_close((sk_handle_t)th[i]));
	}
	return 0;
}

KTEST(thread_killed_while_blocked)
{
	int64_t n = sk_notif_create(), ep = sk_ep_create(), w = sk_notif_create();
	int64_t th[3];

	CHECK_OK(n);
	CHECK_OK(ep);
	CHECK_OK(w);
	for (int i = 0; i < 3; i++)
		CHECK_OK(th[i] = start_worker(i, (sk_handle_t)n, (uint64_t)i + 1, (sk_handle_t)ep));
	sk_sleep(20 * MS);	/* let them block */
	for (int i = 0; i < 3; i++) {
		CHECK_OK(sk_obj_watch((sk_handle_t)th[i], (sk_handle_t)w, 1ull << i));
		CHECK_OK(sk_thread_kill((sk_handle_t)th[i]));
	}
	for (uint64_t got = 0; got != 7;) {
		int64_t bits = sk_notif_wait((sk_handle_t)w, 10 * SEC);

		if (bits < 0)
			FAIL("killed threads did not all end (ended: 0x%lx): %s",
			    (unsigned long)got, sk_errname(SK_ERR(bits)));
		got |= (uint64_t)bits;
	}
	for (int i = 0; i < 3; i++)
		CHECK_OK(sk_handle_close((sk_handle_t)th[i]));
	/* The endpoint is usable again: no dead receiver is queued on it. */
	CHECK_OK(sk_handle_close((sk_handle_t)ep));
	return 0;
}
