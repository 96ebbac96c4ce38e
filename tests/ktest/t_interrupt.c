/*
 * proc_interrupt: a thread busy in user code enters its library OS with
 * its interrupted state as the frame (reason SK_REFLECT_INTERRUPT) and
 * resumes exactly where it was; rights and bad handles are refused.
 */
#include "ktest.h"

#define SEC	1000000000ull

static uint64_t rstack[2048] __attribute__((aligned(16)));

/* Shared with the parent through a shared memory object. */
struct shared {
	volatile uint64_t spins;
	volatile uint64_t entered;
	volatile uint64_t reason;
	volatile uint64_t resumed;
};

static struct shared *sh;

static void __attribute__((noreturn, used))
entry(struct sk_regs *r)
{
	sh->reason = sk_utcb()->reflect_reason;
	sh->entered++;
	sk_reflect_return();
	for (;;)
		sk_proc_exit(99);
}

static int
busy_child(uint64_t arg, const sk_handle_t *h)
{
	sh = (struct shared *)arg;
	sk_utcb()->reflect_stack = (uint64_t)&rstack[2048];
	if (sk_reflect_set((void *)entry) < 0)
		return 2;
	/* Spin in user code, no system calls, until interrupted twice. */
	while (sh->entered < 2)
		sh->spins++;
	sh->resumed = 1;
	return 0;
}

KTEST(interrupt_busy_thread)
{
	int64_t vmo = sk_vmo_create(4096, 0), va, p, r;
	struct sk_proc_info info;
	struct shared *s;

	CHECK_OK(vmo);
	va = sk_as_map(SK_H_SELF_AS, 0, 4096, (sk_handle_t)vmo, 0,
	    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_SHARED);
	CHECK_OK(va);
	s = (struct shared *)va;
	p = sk_spawn_fn("busy", busy_child, (uint64_t)va, NULL, 0, 0);
	CHECK_OK(p);
	while (s->spins == 0)
		sk_yield();
	for (int i = 0; i < 2; i++) {
		uint64_t before = s->entered;

		CHECK_OK(sk_proc_interrupt((sk_handle_t)p));
		for (int k = 0; k < 2000 && s->entered == before; k++)
			sk_sleep(1000000);
		if (s->entered == before)
			FAIL("interrupt %d: the busy thread never entered its library OS", i);
	}
	CHECK(s->reason == SK_REFLECT_INTERRUPT);
	r = sk_proc_wait((sk_handle_t)p, 10 * SEC, &info);
	CHECK_OK(r);
	CHECK(info.state == SK_PROC_EXITED && info.exit_code == 0);
	CHECK(s->resumed == 1);
	sk_handle_close((sk_handle_t)p);
	sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, 4096);
	sk_handle_close((sk_handle_t)vmo);
	return 0;
}

static int
busy_child_exit(uint64_t arg, const sk_handle_t *h)
{
	sk_sleep(50 * 1000 * 1000);
	return 0;
}

KTEST(interrupt_bad_handles)
{
	int64_t n = sk_notif_create(), p, d;
	struct sk_proc_info info;

	CHECK_OK(n);
	CHECK(SK_ERR(sk_proc_interrupt(0)) == SK_E_BADHANDLE);
	CHECK(SK_ERR(sk_proc_interrupt((sk_handle_t)n)) == SK_E_WRONGTYPE);
	sk_handle_close((sk_handle_t)n);
	/* Without SK_R_MANAGE it is refused. */
	p = sk_spawn_fn("quick", busy_child_exit, 0, NULL, 0, 0);
	CHECK_OK(p);
	d = sk_handle_dup((sk_handle_t)p, SK_R_READ);
	CHECK_OK(d);
	CHECK(SK_ERR(sk_proc_interrupt((sk_handle_t)d)) == SK_E_RIGHTS);
	sk_proc_wait((sk_handle_t)p, 10 * SEC, &info);
	/* A process that has ended. */
	CHECK(SK_ERR(sk_proc_interrupt((sk_handle_t)p)) == SK_E_STATE);
	sk_handle_close((sk_handle_t)d);
	sk_handle_close((sk_handle_t)p);
	return 0;
}
