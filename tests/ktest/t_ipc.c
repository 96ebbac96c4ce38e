/* IPC: call/reply across processes, badges, credentials, payloads, death. */
#include "ktest.h"

#define SEC	1000000000ull

/* Server: answers each call with w0 + 1 and the badge it saw, n times. */
static int
echo_server(uint64_t n, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };
	int64_t r = sk_recv(h[0], &m, 10 * SEC);

	for (uint64_t i = 0; r >= 0; i++) {
		m.w[1] = m.badge;
		m.w[2] = sk_utcb()->sender.cred.euid;
		m.w[3] = sk_utcb()->sender.pid;
		m.w[0]++;
		if (i + 1 == n) {
			sk_reply(&m);
			return 0;
		}
		r = sk_reply_recv(h[0], &m, 10 * SEC);
	}
	return 2;
}

KTEST(ipc_call_reply_badge)
{
	int64_t ep = sk_ep_create(), b, srv;
	struct sk_msg m = { 0 };
	struct sk_proc_info pi;
	sk_handle_t give[1];

	CHECK_OK(ep);
	b = sk_ep_mint((sk_handle_t)ep, 0x5eed, SK_R_SEND);
	CHECK_OK(b);
	CHECK_ERR(sk_ep_mint((sk_handle_t)b, 1, SK_R_SEND), SK_E_RIGHTS, 1);
	give[0] = (sk_handle_t)ep;
	srv = sk_spawn_fn("echo", echo_server, 100, give, 1, 0);
	CHECK_OK(srv);
	CHECK_OK(sk_proc_info(SK_H_SELF_PROC, &pi));
	for (int i = 0; i < 100; i++) {
		m.tag = 7;
		m.w[0] = (uint64_t)i;
		CHECK_OK(sk_call((sk_handle_t)b, &m, 10 * SEC));
		CHECK(m.w[0] == (uint64_t)i + 1);
		CHECK(m.w[1] == 0x5eed);
		CHECK(m.w[2] == 0);
		CHECK(m.w[3] == pi.koid);
	}
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	return 0;
}

KTEST(ipc_bad_handles)
{
	int64_t n = sk_notif_create(), ep = sk_ep_create(), s;
	struct sk_msg m = { 0 };

	CHECK_ERR(sk_call(0, &m, SK_NOWAIT), SK_E_BADHANDLE, 1);
	CHECK_ERR(sk_call((sk_handle_t)n, &m, SK_NOWAIT), SK_E_WRONGTYPE, 1);
	s = sk_handle_dup((sk_handle_t)ep, SK_R_RECV);
	CHECK_ERR(sk_call((sk_handle_t)s, &m, SK_NOWAIT), SK_E_RIGHTS, 1);
	CHECK_OK(sk_handle_close((sk_handle_t)s));
	CHECK_ERR(sk_reply(&m), SK_E_STATE, 0);
	/* Nobody receives: a call times out. */
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, 10000000), SK_E_TIMEOUT, -1);
	CHECK_ERR(sk_recv((sk_handle_t)ep, &m, 10000000), SK_E_TIMEOUT, -1);
	/* With the only receive handles closed, a call fails at once. */
	s = sk_handle_dup((sk_handle_t)ep, SK_R_SEND);
	CHECK_OK(s);
	CHECK_OK(sk_handle_close((sk_handle_t)ep));
	CHECK_ERR(sk_call((sk_handle_t)s, &m, SK_FOREVER), SK_E_PEERDIED, 1);
	return 0;
}

/* Server that takes one call and dies without replying. */
static int
dying_server(uint64_t arg, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };

	sk_recv(h[0], &m, 10 * SEC);
	sk_proc_exit(3);
	return 0;
}

KTEST(ipc_server_dies_during_call)
{
	int64_t ep = sk_ep_create(), srv;
	struct sk_msg m = { 0 };
	sk_handle_t give[1];

	CHECK_OK(ep);
	give[0] = (sk_handle_t)ep;
	srv = sk_spawn_fn("dying", dying_server, 0, give, 1, 0);
	CHECK_OK(srv);
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, 10 * SEC), SK_E_PEERDIED, -1);
	return 0;
}

static int
payload_server(uint64_t arg, const sk_handle_t *h)
{
	static char buf[SK_MSG_PAYLOAD_MAX];
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	uint64_t sum = 0;

	u->rcv_buf = (uint64_t)buf;
	u->rcv_max = sizeof(buf);
	if (sk_recv(h[0], &m, 10 * SEC) < 0)
		return 2;
	for (uint32_t i = 0; i < u->rcv_len; i++)
		sum += (unsigned char)buf[i];
	m.w[0] = sum;
	m.w[1] = u->rcv_len;
	m.w[2] = u->rcv_nh;
	/* Reply with the handle we got back, as a long message. */
	m.tag = SK_TAG_LONG;
	u->snd_buf = (uint64_t)buf;
	u->snd_len = 16;
	u->snd_nh = u->rcv_nh;
	u->snd_h[0] = u->rcv_h[0];
	sk_reply(&m);
	return 0;
}

KTEST(ipc_payload_and_handle_transfer)
{
	static char data[4096], back[64];
	struct sk_utcb *u = sk_utcb();
	int64_t ep = sk_ep_create(), srv, n = sk_notif_create();
	struct sk_msg m = { 0 };
	struct sk_handle_info hi;
	sk_handle_t give[1];
	uint64_t sum = 0;

	for (int i = 0; i < 4096; i++) {
		data[i] = (char)(i * 7);
		sum += (unsigned char)data[i];
	}
	give[0] = (sk_handle_t)ep;
	srv = sk_spawn_fn("payload", payload_server, 0, give, 1, 0);
	CHECK_OK(srv);
	u->rcv_buf = (uint64_t)back;
	u->rcv_max = sizeof(back);
	u->snd_buf = (uint64_t)data;
	u->snd_len = sizeof(data);
	u->snd_nh = 1;
	u->snd_h[0] = (sk_handle_t)n;
	m.tag = SK_TAG_LONG;
	CHECK_OK(sk_call((sk_handle_t)ep, &m, 10 * SEC));
	CHECK(m.w[0] == sum && m.w[1] == 4096 && m.w[2] == 1);
	/* The handle went there and came back. */
	CHECK_ERR(sk_notif_signal((sk_handle_t)n, 1), SK_E_CLOSED, 1);
	CHECK(u->rcv_nh == 1 && u->rcv_len == 16);
	CHECK_OK(sk_handle_info(u->rcv_h[0], &hi));
	CHECK(hi.type == SK_OBJ_NOTIFICATION);
	/* Bad long messages fail before anything moves. */
	u->snd_len = SK_MSG_PAYLOAD_MAX + 1;
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, SK_NOWAIT), SK_E_TOOBIG, 2);
	u->snd_len = 10;
	u->snd_buf = 0xffff800000001000ull;
	u->snd_nh = 0;
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, SK_NOWAIT), SK_E_FAULT, 2);
	u->snd_buf = (uint64_t)data;
	u->snd_nh = 2;
	u->snd_h[0] = u->rcv_h[0];
	u->snd_h[1] = u->rcv_h[0];
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, SK_NOWAIT), SK_E_INVAL, 2);
	return 0;
}

KTEST(notif_wait_many_and_timeout)
{
	int64_t a = sk_notif_create(), b = sk_notif_create();
	struct sk_wait_item it[2];

	CHECK_ERR(sk_notif_wait((sk_handle_t)a, 1000000), SK_E_TIMEOUT, -1);
	CHECK_ERR(sk_notif_wait((sk_handle_t)a, SK_NOWAIT), SK_E_TIMEOUT, -1);
	CHECK_OK(sk_notif_signal((sk_handle_t)b, 0x30));
	CHECK_OK(sk_notif_signal((sk_handle_t)b, 0x01));
	CHECK_ERR(sk_notif_signal((sk_handle_t)b, 1ull << 63), SK_E_INVAL, 2);
	it[0].handle = (sk_handle_t)a;
	it[1].handle = (sk_handle_t)b;
	CHECK(sk_wait_many(it, 2, SK_FOREVER) == 1);
	CHECK(it[0].bits == 0 && it[1].bits == 0x31);
	CHECK_ERR(sk_wait_many(it, 2, 1000000), SK_E_TIMEOUT, -1);
	CHECK_ERR(sk_wait_many(it, 0, 0), SK_E_INVAL, 2);
	CHECK_ERR(sk_wait_many(it, 65, 0), SK_E_INVAL, 2);
	CHECK_ERR(sk_wait_many((void *)0x10, 2, 0), SK_E_FAULT, 1);
	return 0;
}
