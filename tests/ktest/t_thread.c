/*
 * Threads in one process: creation, work, exit and joining through
 * obj_watch; killing threads blocked in every kind of wait; and a long
 * loop of copy-on-write process spawns.
 */
#include "ktest.h"

#define SEC	1000000000ull
#define MS	1000000ull

#define NWORKERS	4
#define STACK_WORDS	1024

static uint64_t stacks[8][STACK_WORDS] __attribute__((aligned(16)));
static volatile uint64_t results[8];

static uint64_t
stack_top(int i)
{
	return (uint64_t)&stacks[i][STACK_WORDS] - 8;	/* as if called */
}

static uint64_t
work(uint64_t i)
{
	uint64_t s = 0;

	for (uint64_t k = 0; k < 20000; k++)
		s += (k * 2654435761u) ^ i;
	return s;
}

static void __attribute__((noreturn))
worker(uint64_t i)
{
	results[i] = work(i);
	sk_thread_exit((int64_t)i);
	for (;;)
		;
}

static uint64_t
live_threads(void)
{
	struct sk_kstat ks;

	if (sk_kstat(&ks) < 0)
		return ~0ull;
	return ks.objects[SK_OBJ_THREAD];
}

/* Wait until the number of live threads is back to want (reaping is lazy). */
static int
threads_back_to(uint64_t want)
{
	for (int i = 0; i < 2000; i++) {
		if (live_threads() == want)
			return 1;
		sk_sleep(MS);
	}
	return 0;
}

KTEST(threads_work_and_join)
{
	int64_t th[NWORKERS], n = sk_notif_create(), r;
	struct sk_proc_info pi;
	uint64_t got = 0, base = live_threads();

	CHECK_OK(n);
	CHECK_ERR(sk_thread_create(SK_H_SELF_PROC, (void *)0xffff800000000000ull, stack_top(0), 0, 0,
	    SK_PRIO_DEFAULT), SK_E_RANGE, 2);
	CHECK_ERR(sk_thread_create(SK_H_SELF_PROC, (void *)worker, stack_top(0), 0, 123,
	    SK_PRIO_DEFAULT), SK_E_ALIGN, 5);
	CHECK_ERR(sk_thread_create(SK_H_SELF_PROC, (void *)worker, stack_top(0), 0,
	    0xffff800000000000ull, SK_PRIO_DEFAULT), SK_E_RANGE, 5);
	CHECK_ERR(sk_thread_create(SK_H_SELF_PROC, (void *)worker, stack_top(0), 0, 0,
	    SK_PRIO_MAX + 1), SK_E_INVAL, 6);
	CHECK_ERR(sk_thread_create((sk_handle_t)n, (void *)worker, stack_top(0), 0, 0,
	    SK_PRIO_DEFAULT), SK_E_WRONGTYPE, 1);
	CHECK_ERR(sk_thread_kill((sk_handle_t)n), SK_E_WRONGTYPE, 1);
	CHECK(live_threads() == base);	/* failed creates leave nothing */

	for (int i = 0; i < NWORKERS; i++) {
		results[i] = 0;
		th[i] = sk_thread_create(SK_H_SELF_PROC, (void *)worker, stack_top(i),
		    (uint64_t)i, 0, SK_PRIO_DEFAULT);
		CHECK_OK(th[i]);
		CHECK_OK(sk_obj_watch((sk_handle_t)th[i], (sk_handle_t)n, 1ull << i));
	}
	while (got != (1ull << NWORKERS) - 1) {
		r = sk_notif_wait((sk_handle_t)n, 10 * SEC);
		if (r < 0)
			FAIL("workers did not all finish in 10 s (done: 0x%lx): %s",
			    (unsigned long)got, sk_errname(SK_ERR(r)));
		got |= (uint64_t)r;
	}
	for (int i = 0; i < NWORKERS; i++) {
		if (results[i] != work((uint64_t)i))
			FAIL("worker %d computed 0x%lx", i, (unsigned long)results[i]);
		/* Watching a dead thread fires at once. */
		CHECK_OK(sk_obj_watch((sk_handle_t)th[i], (sk_handle_t)n, 1ull << 40));
		CHECK(sk_notif_wait((sk_handle_t)n, SK_NOWAIT) == (int64_t)(1ull << 40));
		CHECK_OK(sk_handle_close((sk_handle_t)th[i]));
	}
	CHECK_OK(sk_proc_info(SK_H_SELF_PROC, &pi));
	CHECK(pi.nthreads == 1 && pi.state == SK_PROC_RUNNING);
	if (!threads_back_to(base))
		FAIL("thread objects: %lu live, %lu before the workers",
		    (unsigned long)live_threads(), (unsigned long)base);
	CHECK_OK(sk_handle_close((sk_handle_t)n));
	return 0;
}

/*
 * Blockers: each waits forever in one kind of blocking call. The call goes
 * to an endpoint nobody receives on (its receive handle is ours).
 */
enum { B_RECV, B_CALL, B_NOTIF, B_WAIT_MANY, B_SLEEP, B_COUNT };
static const char *const bname[B_COUNT] = { "recv", "call", "notif_wait", "wait_many", "sleep" };
static sk_handle_t b_ep, b_ep2, b_notif, b_ready;
static volatile int64_t b_result[B_COUNT];

static void __attribute__((noreturn))
blocker(uint64_t kind)
{
	struct sk_msg m = { 0 };
	struct sk_wait_item it = { .handle = b_notif };
	int64_t r = 0;

	sk_notif_signal(b_ready, 1ull << kind);
	switch (kind) {
	case B_RECV:	  r = sk_recv(b_ep, &m, SK_FOREVER); break;
	case B_CALL:	  r = sk_call(b_ep2, &m, SK_FOREVER); break;
	case B_NOTIF:	  r = sk_notif_wait(b_notif, SK_FOREVER); break;
	case B_WAIT_MANY: r = sk_wait_many(&it, 1, SK_FOREVER); break;
	case B_SLEEP:	  r = sk_sleep(SK_FOREVER); break;
	}
	b_result[kind] = r;	/* never: the thread is killed */
	sk_thread_exit(1);
	for (;;)
		;
}

KTEST(thread_kill_blocked)
{
	int64_t th[B_COUNT], dead = sk_notif_create(), r;
	uint64_t base = live_threads(), got = 0;
	struct sk_proc_info pi;

	b_ep = (sk_handle_t)sk_ep_create();
	b_ep2 = (sk_handle_t)sk_ep_create();
	b_notif = (sk_handle_t)sk_notif_create();
	b_ready = (sk_handle_t)sk_notif_create();
	CHECK_OK(dead);
	CHECK_OK((int64_t)b_ep);
	CHECK_OK((int64_t)b_ep2);
	for (int k = 0; k < B_COUNT; k++) {
		b_result[k] = 12345;
		th[k] = sk_thread_create(SK_H_SELF_PROC, (void *)blocker, stack_top(k),
		    (uint64_t)k, 0, SK_PRIO_DEFAULT);
		CHECK_OK(th[k]);
		CHECK_OK(sk_obj_watch((sk_handle_t)th[k], (sk_handle_t)dead, 1ull << k));
	}
	/* All have started; give them a moment to block (either way is fine). */
	while (got != (1ull << B_COUNT) - 1) {
		r = sk_notif_wait(b_ready, 10 * SEC);
		CHECK_OK(r);
		got |= (uint64_t)r;
	}
	CHECK_OK(sk_sleep(10 * MS));
	for (int k = 0; k < B_COUNT; k++) {
		CHECK_OK(sk_thread_kill((sk_handle_t)th[k]));
		r = sk_notif_wait((sk_handle_t)dead, 5 * SEC);
		if (r < 0)
			FAIL("thread blocked in %s did not die within 5 s of thread_kill", bname[k]);
		if (r != (int64_t)(1ull << k))
			FAIL("killing the %s thread ended threads 0x%lx", bname[k], (unsigned long)r);
		if (b_result[k] != 12345)
			FAIL("the killed %s thread returned to user mode (%ld)", bname[k],
			    (long)b_result[k]);
		/* Killing a dead thread is harmless. */
		CHECK_OK(sk_thread_kill((sk_handle_t)th[k]));
		CHECK_OK(sk_handle_close((sk_handle_t)th[k]));
	}
	CHECK_OK(sk_proc_info(SK_H_SELF_PROC, &pi));
	CHECK(pi.nthreads == 1);
	if (!threads_back_to(base))
		FAIL("thread objects: %lu live, %lu before the blockers",
		    (unsigned long)live_threads(), (unsigned long)base);
	/* The endpoint and notification are usable and not waited on. */
	CHECK_ERR(sk_notif_wait(b_notif, SK_NOWAIT), SK_E_TIMEOUT, -1);
	CHECK_OK(sk_handle_close(b_ep));
	CHECK_OK(sk_handle_close(b_ep2));
	CHECK_OK(sk_handle_close(b_notif));
	CHECK_OK(sk_handle_close(b_ready));
	CHECK_OK(sk_handle_close((sk_handle_t)dead));
	return 0;
}

/* Killing the process ends every thread, blocked or running. */
static void __attribute__((noreturn))
spinner(uint64_t arg)
{
	for (;;)
		__asm__ volatile("pause");
}

static int
many_threads_child(uint64_t arg, const sk_handle_t *h)
{
	for (int i = 0; i < 4; i++)
		if (sk_thread_create(SK_H_SELF_PROC, (void *)(i % 2 ? spinner : blocker),
		    stack_top(i), B_SLEEP, 0, SK_PRIO_DEFAULT) < 0)
			return 2;
	sk_sleep(SK_FOREVER);
	return 3;
}

KTEST(proc_kill_multithreaded)
{
	struct sk_proc_info pi;
	int64_t p;

	b_ready = 0;	/* the blockers there need not report */
	p = sk_spawn_fn("threads", many_threads_child, 0, NULL, 0, 0);
	CHECK_OK(p);
	CHECK_OK(sk_sleep(10 * MS));
	CHECK_OK(sk_proc_kill((sk_handle_t)p, 7));
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_KILLED && pi.exit_code == 7 && pi.nthreads == 0);
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	return 0;
}

/* A fork-style loop: spawn a child that dirties a few pages, wait, repeat. */
#define SPAWNS	1000

static char scratch[4][4096] __attribute__((aligned(4096)));

static int
toucher(uint64_t i, const sk_handle_t *h)
{
	for (int k = 0; k < 4; k++)
		scratch[k][(i * 64) % 4096] = (char)(i + (uint64_t)k);
	for (int k = 0; k < 4; k++)
		if (scratch[k][(i * 64) % 4096] != (char)(i + (uint64_t)k))
			return 2;
	return 0;
}

KTEST(spawn_loop_1000)
{
	struct sk_kstat before, after;
	struct sk_proc_info pi;
	int64_t t0 = sk_clock();

	for (int k = 0; k < 4; k++)
		scratch[k][0] = 1;	/* private pages to share copy-on-write */
	CHECK_OK(sk_kstat(&before));
	for (int i = 0; i < SPAWNS; i++) {
		int64_t p = sk_spawn_fn("toucher", toucher, (uint64_t)i, NULL, 0, 0);

		if (p < 0)
			FAIL("spawn %d failed: %s (argument %d)", i, sk_errname(SK_ERR(p)), SK_ERRARG(p));
		CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
		if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
			FAIL("child %d ended in state %u with %ld", i, pi.state, (long)pi.exit_code);
		CHECK_OK(sk_handle_close((sk_handle_t)p));
	}
	for (int k = 0; k < 4; k++)
		CHECK(scratch[k][64] == 0);	/* the children's writes stayed theirs */
	/* The last child's thread is reaped lazily: allow it a moment. */
	for (int tries = 0, same = 0; !same; tries++) {
		CHECK_OK(sk_kstat(&after));
		same = 1;
		for (int i = 1; i < SK_OBJ_TYPES; i++)
			if (after.objects[i] != before.objects[i]) {
				if (tries == 2000)
					FAIL("%lu objects of type %d before the loop, %lu after",
					    (unsigned long)before.objects[i], i,
					    (unsigned long)after.objects[i]);
				same = 0;
			}
		if (!same)
			sk_sleep(MS);
	}
	sk_printf("  spawn_loop_1000: %d spawns in %lu ms\n", SPAWNS,
	    (unsigned long)((sk_clock() - t0) / (int64_t)MS));
	return 0;
}
