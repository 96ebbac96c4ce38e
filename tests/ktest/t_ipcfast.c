/*
 * The IPC fast path (kernel/ipc_fast.c) with register-only messages and
 * short payloads (t_ipclong.c has the payload cases). The kernel's
 * fast/slow counters in kstat show which path ran; the results must be
 * the same either way.
 */
#include "ktest.h"

#define SEC	1000000000ull

static char srv_buf[256];

/*
 * Echo server on h[0]: answers w0 + 1, w1 = badge, w2 = sender pid and
 * w3 = the payload length it got; a long request gets a long reply of
 * the same bytes. Tag 0 ends it. Always waits with SK_FOREVER.
 */
static int
fast_echo(uint64_t arg, const sk_handle_t *h)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	int64_t r;

	u->rcv_buf = (uint64_t)srv_buf;
	u->rcv_max = sizeof(srv_buf);
	r = sk_recv(h[0], &m, SK_FOREVER);
	while (r >= 0 && m.tag != 0) {
		uint32_t len = u->rcv_len;

		m.w[0]++;
		m.w[1] = m.badge;
		m.w[2] = u->sender.pid;
		m.w[3] = len;
		m.w[4] = u->rcv_nh;
		m.tag = 1;
		if (len > 0) {
			u->snd_buf = (uint64_t)srv_buf;
			u->snd_len = len;
			u->snd_nh = 0;
			m.tag |= SK_TAG_LONG;
		}
		r = sk_reply_recv(h[0], &m, SK_FOREVER);
	}
	if (r < 0)
		return 1;
	sk_reply(&m);
	return 0;
}

static int64_t
start_echo(sk_handle_t ep)
{
	sk_handle_t give[1] = { ep };

	return sk_spawn_fn("fast-echo", fast_echo, 0, give, 1, 0);
}

static void
stop_echo(sk_handle_t ep, int64_t srv)
{
	struct sk_msg m = { 0 };
	struct sk_proc_info pi;

	CHECK_OK(sk_call(ep, &m, 10 * SEC));
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	sk_handle_close((sk_handle_t)srv);
}

KTEST(ipc_fast_path_taken)
{
	int64_t ep = sk_ep_create(), b, srv;
	struct sk_kstat k0, k1;
	struct sk_proc_info self;
	struct sk_msg m = { 0 };

	CHECK_OK(ep);
	CHECK_OK(b = sk_ep_mint((sk_handle_t)ep, 0xfa57, SK_R_SEND));
	CHECK_OK(srv = start_echo((sk_handle_t)ep));
	CHECK_OK(sk_proc_info(SK_H_SELF_PROC, &self));
	CHECK_OK(sk_kstat(&k0));
	for (uint64_t i = 0; i < 1000; i++) {
		m.tag = 5;
		m.w[0] = i;
		m.w[5] = ~i;
		CHECK_OK(sk_call((sk_handle_t)b, &m, SK_FOREVER));
		CHECK(m.tag == 1);
		CHECK(m.w[0] == i + 1 && m.w[1] == 0xfa57 && m.w[2] == self.koid);
		CHECK(m.w[3] == 0 && m.w[4] == 0 && m.w[5] == ~i);
		CHECK(sk_utcb()->rcv_len == 0 && sk_utcb()->rcv_nh == 0);
	}
	CHECK_OK(sk_kstat(&k1));
	/*
	 * Nearly all of the 2000 calls and reply_recvs should be fast; a
	 * timer preemption or the other CPU can send a few the slow way.
	 */
	if (k1.ipc_fast - k0.ipc_fast < 1000)
		FAIL("only %lu of 2000 IPC calls took the fast path (%lu slow)",
		    (unsigned long)(k1.ipc_fast - k0.ipc_fast),
		    (unsigned long)(k1.ipc_slow - k0.ipc_slow));
	stop_echo((sk_handle_t)ep, srv);
	return 0;
}

/* Long and register-only messages alternate: rcv_len must not go stale. */
KTEST(ipc_fast_and_slow_alternate)
{
	int64_t ep = sk_ep_create(), srv;
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	char out[64], in[64];

	CHECK_OK(ep);
	CHECK_OK(srv = start_echo((sk_handle_t)ep));
	u->rcv_buf = (uint64_t)in;
	u->rcv_max = sizeof(in);
	for (uint64_t i = 0; i < 200; i++) {
		int lng = (i % 3) == 0;

		m.tag = 2;
		m.w[0] = i;
		if (lng) {
			for (int j = 0; j < 64; j++)
				out[j] = (char)(i + j);
			u->snd_buf = (uint64_t)out;
			u->snd_len = 40;
			u->snd_nh = 0;
			m.tag |= SK_TAG_LONG;
		}
		/* Odd rounds use a finite timeout, which arms the caller's timer. */
		CHECK_OK(sk_call((sk_handle_t)ep, &m, (i & 1) ? 10 * SEC : SK_FOREVER));
		CHECK(m.w[0] == i + 1);
		CHECK(m.w[3] == (lng ? 40u : 0u));
		CHECK(u->rcv_len == (lng ? 40u : 0u));
		if (lng)
			CHECK(memcmp(in, out, 40) == 0);
	}
	stop_echo((sk_handle_t)ep, srv);
	return 0;
}

/* A server that takes a fast call and dies: the caller gets PEERDIED. */
static volatile int *volatile nowhere = (volatile int *)8;

static int
take_and_die(uint64_t arg, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };

	if (sk_recv(h[0], &m, SK_FOREVER) < 0)
		return 1;
	if (arg)
		*nowhere = 1;		/* die by fault */
	return 0;			/* die by exit, without replying */
}

KTEST(ipc_fast_server_dies)
{
	for (uint64_t how = 0; how < 2; how++) {
		int64_t ep = sk_ep_create(), srv;
		sk_handle_t give[1];
		struct sk_msg m = { 0 };
		struct sk_proc_info pi;

		CHECK_OK(ep);
		give[0] = (sk_handle_t)ep;
		CHECK_OK(srv = sk_spawn_fn("die", take_and_die, how, give, 1, 0));
		/* Let the server reach its receive, so the call can go fast. */
		sk_sleep(5000000);
		m.tag = 1;
		CHECK_ERR(sk_call((sk_handle_t)ep, &m, SK_FOREVER), SK_E_PEERDIED, -1);
		CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
		CHECK(pi.state == (how ? SK_PROC_FAULTED : SK_PROC_EXITED));
		sk_handle_close((sk_handle_t)srv);
		sk_handle_close((sk_handle_t)ep);
	}
	return 0;
}

/* A client blocked in a fast call is killed; the server keeps serving. */
static int
call_forever(uint64_t arg, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };

	m.tag = 9;
	sk_call(h[0], &m, SK_FOREVER);
	return 3;
}

static int
slow_server(uint64_t arg, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };
	int64_t r = sk_recv(h[0], &m, SK_FOREVER);
	int served = 0;

	while (r >= 0) {
		if (m.tag == 0)
			break;
		if (m.tag == 9)
			sk_sleep(20000000);	/* the client dies meanwhile */
		served++;
		m.w[0] = (uint64_t)served;
		r = sk_reply_recv(h[0], &m, SK_FOREVER);
	}
	if (r < 0)
		return 1;
	sk_reply(&m);
	return 0;
}

KTEST(ipc_fast_caller_killed)
{
	int64_t ep = sk_ep_create(), srv, cli;
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };
	sk_handle_t give[1];

	CHECK_OK(ep);
	give[0] = (sk_handle_t)ep;
	CHECK_OK(srv = sk_spawn_fn("srv", slow_server, 0, give, 1, 0));
	CHECK_OK(cli = sk_spawn_fn("cli", call_forever, 0, give, 1, 0));
	sk_sleep(5000000);
	CHECK_OK(sk_proc_kill((sk_handle_t)cli, 77));
	CHECK_OK(sk_proc_wait((sk_handle_t)cli, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_KILLED);
	/* The server replies into the void and must still answer us. */
	m.tag = 4;
	CHECK_OK(sk_call((sk_handle_t)ep, &m, SK_FOREVER));
	CHECK(m.w[0] >= 1);
	m.tag = 0;
	CHECK_OK(sk_call((sk_handle_t)ep, &m, 10 * SEC));
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	sk_handle_close((sk_handle_t)srv);
	sk_handle_close((sk_handle_t)cli);
	return 0;
}
