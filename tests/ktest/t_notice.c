/*
 * Close notices: a badge minted with SK_MINT_NOTIFY produces one
 * SK_LABEL_CLOSED message when its last handle goes, however it goes.
 */
#include "ktest.h"

#define SEC	1000000000ull
#define MS	1000000ull

/* Receive on ep and require a close notice for badge b (plus the flag). */
static void
expect_notice(sk_handle_t ep, uint64_t b)
{
	struct sk_msg m = { 0 };

	CHECK_OK(sk_recv(ep, &m, 5 * SEC));
	if (SK_TAG_LABEL(m.tag) != SK_LABEL_CLOSED)
		FAIL("expected a close notice, got label 0x%x", SK_TAG_LABEL(m.tag));
	if (m.badge != (b | SK_BADGE_NOTIFY) || m.w[0] != m.badge)
		FAIL("notice for badge 0x%lx, expected 0x%lx", (unsigned long)m.badge,
		    (unsigned long)(b | SK_BADGE_NOTIFY));
	CHECK(sk_utcb()->sender.pid == 0 && sk_utcb()->rcv_len == 0);
}

static void
expect_nothing(sk_handle_t ep)
{
	struct sk_msg m = { 0 };

	CHECK_ERR(sk_recv(ep, &m, 10 * MS), SK_E_TIMEOUT, -1);
}

KTEST(notice_after_last_close)
{
	int64_t ep = sk_ep_create(), a, b, c, plain;
	struct sk_handle_info hi;

	CHECK_OK(ep);
	CHECK_OK(a = sk_ep_mint_notify((sk_handle_t)ep, 0x77, SK_R_SEND | SK_R_DUP | SK_R_TRANSFER));
	CHECK_OK(sk_handle_info((sk_handle_t)a, &hi));
	CHECK(hi.badge == (0x77 | SK_BADGE_NOTIFY));
	CHECK_OK(b = sk_handle_dup((sk_handle_t)a, SK_R_SEND | SK_R_DUP));
	CHECK_OK(c = sk_handle_dup((sk_handle_t)b, SK_R_SEND));
	CHECK_OK(plain = sk_ep_mint((sk_handle_t)ep, 0x78, SK_R_SEND));
	CHECK_OK(sk_handle_close((sk_handle_t)a));
	CHECK_OK(sk_handle_close((sk_handle_t)c));
	CHECK_OK(sk_handle_close((sk_handle_t)plain));
	expect_nothing((sk_handle_t)ep);
	CHECK_OK(sk_handle_close((sk_handle_t)b));
	expect_notice((sk_handle_t)ep, 0x77);
	expect_nothing((sk_handle_t)ep);
	/* The same badge can be minted again and tracked afresh. */
	CHECK_OK(a = sk_ep_mint_notify((sk_handle_t)ep, 0x77, SK_R_SEND));
	CHECK_OK(sk_handle_close((sk_handle_t)a));
	expect_notice((sk_handle_t)ep, 0x77);
	/* Bad arguments. */
	CHECK_ERR(sk_ep_mint_notify((sk_handle_t)ep, SK_BADGE_NOTIFY | 1, SK_R_SEND), SK_E_INVAL, 2);
	CHECK_ERR(sk_ep_mint_notify((sk_handle_t)ep, 0, SK_R_SEND), SK_E_INVAL, 2);
	CHECK_ERR(SK_SYS4(ep_mint, ep, 5, SK_R_SEND, 0x10), SK_E_INVAL, 4);
	/* Notices left unreceived die with the endpoint (the leak check sees). */
	CHECK_OK(a = sk_ep_mint_notify((sk_handle_t)ep, 0x99, SK_R_SEND));
	CHECK_OK(sk_handle_close((sk_handle_t)a));
	CHECK_OK(sk_handle_close((sk_handle_t)ep));
	return 0;
}

static int
hold_then_exit(uint64_t arg, const sk_handle_t *h)
{
	sk_sleep(arg);
	return 0;
}

/* A process that dies drops its handles: the notice still comes. */
KTEST(notice_when_holder_dies)
{
	int64_t ep = sk_ep_create(), a, p;
	struct sk_proc_info pi;
	sk_handle_t give[1];

	CHECK_OK(ep);
	CHECK_OK(a = sk_ep_mint_notify((sk_handle_t)ep, 5, SK_R_SEND | SK_R_DUP | SK_R_TRANSFER));
	give[0] = (sk_handle_t)a;
	CHECK_OK(p = sk_spawn_fn("holder", hold_then_exit, 20 * MS, give, 1, 0));
	CHECK_OK(sk_handle_close((sk_handle_t)a));
	/* The child still holds a copy until it exits; recv waits for it. */
	expect_notice((sk_handle_t)ep, 5);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 5 * SEC, &pi));
	sk_handle_close((sk_handle_t)p);
	/* A killed holder too. */
	CHECK_OK(a = sk_ep_mint_notify((sk_handle_t)ep, 6, SK_R_SEND | SK_R_DUP | SK_R_TRANSFER));
	give[0] = (sk_handle_t)a;
	CHECK_OK(p = sk_spawn_fn("holder", hold_then_exit, 60 * SEC, give, 1, 0));
	CHECK_OK(sk_handle_close((sk_handle_t)a));
	expect_nothing((sk_handle_t)ep);
	CHECK_OK(sk_proc_kill((sk_handle_t)p, 9));
	expect_notice((sk_handle_t)ep, 6);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 5 * SEC, &pi));
	sk_handle_close((sk_handle_t)p);
	return 0;
}

/*
 * Server for the transfer test: receives a message carrying a tracked
 * handle, replies, then closes that handle and exits.
 */
static int
take_handle(uint64_t arg, const sk_handle_t *h)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	uint32_t got;

	u->rcv_buf = 0;
	u->rcv_max = 0;
	if (sk_recv(h[0], &m, 5 * SEC) < 0 || u->rcv_nh != 1)
		return 1;
	got = u->rcv_h[0];
	m.tag = 0;
	sk_reply(&m);
	sk_sleep(10 * MS);
	return sk_handle_close(got) < 0 ? 2 : 0;
}

/* Moving a handle in a message is not a close; the receiver's close is. */
KTEST(notice_after_handle_moves)
{
	int64_t ep = sk_ep_create(), srvep = sk_ep_create(), a, p;
	struct sk_utcb *u = sk_utcb();
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };
	sk_handle_t give[1];

	CHECK_OK(ep);
	CHECK_OK(srvep);
	CHECK_OK(a = sk_ep_mint_notify((sk_handle_t)ep, 0x42, SK_R_SEND | SK_R_TRANSFER));
	give[0] = (sk_handle_t)srvep;
	CHECK_OK(p = sk_spawn_fn("taker", take_handle, 0, give, 1, 0));
	u->snd_buf = 0;
	u->snd_len = 0;
	u->snd_nh = 1;
	u->snd_h[0] = (uint32_t)a;
	m.tag = 1 | SK_TAG_LONG;
	CHECK_OK(sk_call((sk_handle_t)srvep, &m, 5 * SEC));
	CHECK_ERR(sk_handle_close((sk_handle_t)a), SK_E_CLOSED, 1);	/* it moved */
	expect_notice((sk_handle_t)ep, 0x42);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 5 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	sk_handle_close((sk_handle_t)p);
	return 0;
}

static int
wait_for_notice(uint64_t arg, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };

	if (sk_recv(h[0], &m, 5 * SEC) < 0)
		return 1;
	return SK_TAG_LABEL(m.tag) == SK_LABEL_CLOSED && m.badge == (arg | SK_BADGE_NOTIFY) ? 0 : 2;
}

/* A receiver already blocked in recv is woken by the notice. */
KTEST(notice_wakes_waiting_receiver)
{
	int64_t ep = sk_ep_create(), a, p;
	struct sk_proc_info pi;
	sk_handle_t give[1];

	CHECK_OK(ep);
	CHECK_OK(a = sk_ep_mint_notify((sk_handle_t)ep, 3, SK_R_SEND));
	give[0] = (sk_handle_t)ep;
	CHECK_OK(p = sk_spawn_fn("waiter", wait_for_notice, 3, give, 1, 0));
	sk_sleep(10 * MS);
	CHECK_OK(sk_handle_close((sk_handle_t)a));
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 5 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED);
	if (pi.exit_code != 0)
		FAIL("the waiting receiver got %s", pi.exit_code == 1 ? "an error" : "the wrong message");
	sk_handle_close((sk_handle_t)p);
	return 0;
}
