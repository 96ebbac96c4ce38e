/*
 * Long messages on the IPC fast path (kernel/ipc_fast.c): payloads of up
 * to IPC_FAST_PAYLOAD bytes without handles. The same messages, with
 * edge sizes, bad buffers on either side and short receive buffers, must
 * give the same results whether the server takes them on the fast path
 * (reply_recv with SK_FOREVER, waiting before each call) or on the slow
 * path (queued calls, plain reply).
 */
#include "ktest.h"

#define SEC	1000000000ull
#define PG	4096u

#define MODE_SLOW	1	/* reply, then sleep, then recv: the slow path */
#define MODE_GUARD	2	/* 64-byte receive window before a hole */

static char srv_buf[3 * PG] __attribute__((aligned(4096)));
#define SRV_MAX	(2 * PG + 100)	/* the server's receive buffer size */

static uint64_t
sum_of(const unsigned char *p, uint32_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/*
 * Server on h[0]. Answers each request with w0 = payload length, w1 =
 * its checksum, w2 = handles received, w3 = the badge, w4 = bytes of the
 * guard window that a failed message left changed, and a payload of the
 * request's w5 bytes from its receive buffer. Label 0 ends it.
 */
static int
long_echo(uint64_t mode, const sk_handle_t *h)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	unsigned char *buf = (unsigned char *)srv_buf;
	uint32_t max = SRV_MAX;
	int64_t r;

	if (mode & MODE_GUARD) {
		int64_t va = sk_as_map(SK_H_SELF_AS, 0, 2 * PG, 0, 0,
		    SK_PROT_READ | SK_PROT_WRITE);

		if (va < 0 || sk_as_protect(SK_H_SELF_AS, (uint64_t)va + PG, PG, 0) < 0)
			return 2;
		buf = (unsigned char *)va + PG - 64;
		max = PG;
		memset(buf, 0xaa, 64);
	}
	u->rcv_buf = (uint64_t)buf;
	u->rcv_max = max;
	r = sk_recv(h[0], &m, SK_FOREVER);
	while (r >= 0 && SK_TAG_LABEL(m.tag) != 0) {
		uint32_t len = u->rcv_len, rlen = (uint32_t)m.w[5], bad = 0;

		m.w[0] = len;
		m.w[1] = sum_of(buf, len);
		m.w[2] = u->rcv_nh;
		m.w[3] = m.badge;
		if (mode & MODE_GUARD) {
			for (uint32_t i = len; i < 64; i++)
				bad += buf[i] != 0xaa;
			memset(buf, 0xaa, 64);
		}
		m.w[4] = bad;
		m.tag = 1;
		if (rlen > 0) {
			u->snd_buf = (uint64_t)buf;
			u->snd_len = rlen;
			u->snd_nh = 0;
			m.tag |= SK_TAG_LONG;
		}
		if (mode & MODE_SLOW) {
			sk_reply(&m);
			sk_sleep(1000000);
			u->rcv_buf = (uint64_t)buf;
			u->rcv_max = max;
			r = sk_recv(h[0], &m, 10 * SEC);
		} else {
			r = sk_reply_recv(h[0], &m, SK_FOREVER);
		}
	}
	if (r < 0)
		return 1;
	sk_reply(&m);
	return 0;
}

struct lcase {
	int32_t soff;		/* payload offset in the client's area; -1: none */
	uint32_t len;		/* payload length */
	uint32_t rlen;		/* reply payload length asked for */
	int32_t roff;		/* receive buffer offset in the area; -1: rbuf */
	uint32_t rmax;		/* receive buffer size */
};

struct lresult {
	int64_t r;
	uint64_t tag, w[5];
	uint32_t rcv_len, rcv_nh;
	uint64_t rsum;
};

/* The client's area: pages 0-2 readable and writable, page 3 no access. */
static const struct lcase cases[] = {
	{ 0, 0, 0, -1, 8192 },
	{ 0, 1, 1, -1, 8192 },
	{ 5, 7, 0, -1, 8192 },
	{ 0, 255, 255, -1, 8192 },
	{ PG - 3, 10, 10, -1, 8192 },		/* crosses a page on the send side */
	{ 1, PG - 1, PG - 1, -1, 8192 },
	{ 0, PG, PG, -1, 8192 },		/* the bound, aligned */
	{ 100, PG, PG, -1, 8192 },		/* the bound, over two pages */
	{ 0, PG + 1, PG + 1, -1, 8192 },	/* over the bound: slow path */
	{ 7, 2 * PG, 0, -1, 8192 },
	{ 0, 40, 33, -1, 32 },			/* reply larger than our buffer */
	{ 0, 2 * PG, 2 * PG, -1, 8192 },	/* over the bound both ways */
	{ 3 * PG, 10, 0, -1, 8192 },		/* send buffer not accessible */
	{ 3 * PG - 8, 16, 0, -1, 8192 },	/* send buffer half accessible */
	{ 0, 20, 20, 3 * PG - 8, 64 },		/* receive buffer half accessible */
	{ 0, 20, 20, 0, 64 },			/* receive into the send area: fine */
	{ 0, SRV_MAX + 1, 0, -1, 8192 },	/* larger than the server's buffer */
	{ -1, 0, 0, -1, 8192 },			/* register-only between them */
	{ 0, 16, 0, -1, 8192 },
};
#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static unsigned char rbuf[8192];

/* Run every case against ep; the area starts at va. */
static void
run_cases(sk_handle_t ep, unsigned char *va, struct lresult *res)
{
	struct sk_utcb *u = sk_utcb();

	for (uint32_t i = 0; i < NCASES; i++) {
		const struct lcase *c = &cases[i];
		struct sk_msg m = { 0 };
		unsigned char *rb = c->roff < 0 ? rbuf : va + c->roff;
		uint32_t keep = c->roff >= 0 && c->roff + 8 == 3 * PG ? 8 : 0;

		memset(rbuf, 0x55, sizeof(rbuf));
		if (keep)
			memset(rb, 0x66, keep);
		m.tag = 3;
		m.w[0] = i;
		m.w[5] = c->rlen;
		if (c->soff >= 0) {
			m.tag |= SK_TAG_LONG;
			u->snd_buf = (uint64_t)va + (uint32_t)c->soff;
			u->snd_len = c->len;
			u->snd_nh = 0;
		}
		u->rcv_buf = (uint64_t)rb;
		u->rcv_max = c->rmax;
		res[i].r = sk_call(ep, &m, SK_FOREVER);
		res[i].tag = m.tag;
		for (int j = 0; j < 5; j++)
			res[i].w[j] = m.w[j];
		res[i].rcv_len = u->rcv_len;
		res[i].rcv_nh = u->rcv_nh;
		res[i].rsum = res[i].r >= 0 ? sum_of(rb, u->rcv_len) : 0;
		/* A failed reply copy writes none of the buffer. */
		for (uint32_t j = 0; j < keep; j++)
			CHECK(rb[j] == 0x66);
		if (c->roff < 0 && res[i].r >= 0)
			for (uint32_t j = u->rcv_len; j < sizeof(rbuf); j++)
				CHECK(rbuf[j] == 0x55);
	}
}

static void
stop(sk_handle_t ep, int64_t srv)
{
	struct sk_msg m = { 0 };
	struct sk_proc_info pi;

	sk_utcb()->rcv_max = 0;
	CHECK_OK(sk_call(ep, &m, 10 * SEC));
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	sk_handle_close((sk_handle_t)srv);
}

static int64_t
start(sk_handle_t ep, uint64_t mode)
{
	sk_handle_t give[1] = { ep };
	int64_t srv = sk_spawn_fn("long-echo", long_echo, mode, give, 1, 0);

	/* Let the server reach its receive, so the first call can go fast. */
	sk_sleep(5000000);
	return srv;
}

KTEST(ipc_long_fast_equals_slow)
{
	static struct lresult fast[NCASES], slow[NCASES];
	int64_t ep = sk_ep_create(), b, srv, va;
	struct sk_kstat k0, k1;
	unsigned char *area;

	CHECK_OK(ep);
	CHECK_OK(b = sk_ep_mint((sk_handle_t)ep, 0x10e6, SK_R_SEND));
	CHECK_OK(va = sk_as_map(SK_H_SELF_AS, 0, 4 * PG, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE));
	area = (unsigned char *)va;
	for (uint32_t i = 0; i < 3 * PG; i++)
		area[i] = (unsigned char)(i * 13 + 1);
	CHECK_OK(sk_as_protect(SK_H_SELF_AS, (uint64_t)va + 3 * PG, PG, 0));

	CHECK_OK(srv = start((sk_handle_t)ep, 0));
	CHECK_OK(sk_kstat(&k0));
	run_cases((sk_handle_t)b, area, fast);
	CHECK_OK(sk_kstat(&k1));
	stop((sk_handle_t)ep, srv);
	/* Most payload calls and replies within the bound go fast. */
	if (k1.ipc_fast_long - k0.ipc_fast_long < 10)
		FAIL("only %lu long messages took the fast path",
		    (unsigned long)(k1.ipc_fast_long - k0.ipc_fast_long));

	CHECK_OK(srv = start((sk_handle_t)ep, MODE_SLOW));
	run_cases((sk_handle_t)b, area, slow);
	stop((sk_handle_t)ep, srv);

	for (uint32_t i = 0; i < NCASES; i++) {
		const struct lcase *c = &cases[i];
		struct lresult *f = &fast[i], *s = &slow[i];

		if (f->r != s->r || f->tag != s->tag || f->rcv_len != s->rcv_len ||
		    f->rcv_nh != s->rcv_nh || f->rsum != s->rsum ||
		    memcmp(f->w, s->w, sizeof(f->w)) != 0)
			FAIL("case %u: fast r=%ld len=%u w0=%lu, slow r=%ld len=%u w0=%lu",
			    i, (long)f->r, f->rcv_len, (unsigned long)f->w[0],
			    (long)s->r, s->rcv_len, (unsigned long)s->w[0]);
		if (f->r >= 0) {
			uint32_t len = c->soff >= 0 ? c->len : 0;

			CHECK(f->w[0] == len);
			CHECK(f->w[1] == sum_of(area + (c->soff > 0 ? c->soff : 0), len));
			CHECK(f->w[2] == 0 && f->w[3] == 0x10e6);
			CHECK(f->rcv_len == c->rlen && f->rcv_nh == 0);
			CHECK(((f->tag & SK_TAG_LONG) != 0) == (c->rlen > 0));
		}
	}
	/* The expected failures, with the argument they name. */
	CHECK_ERR(fast[10].r, SK_E_TOOBIG, 0);
	CHECK_ERR(fast[12].r, SK_E_FAULT, 2);
	CHECK_ERR(fast[13].r, SK_E_FAULT, 2);
	CHECK_ERR(fast[14].r, SK_E_FAULT, 0);
	CHECK_ERR(fast[16].r, SK_E_TOOBIG, 0);
	return 0;
}

/* A payload that does not fit the receiver's memory writes none of it. */
KTEST(ipc_long_fast_receiver_fault)
{
	int64_t ep = sk_ep_create(), srv;
	struct sk_utcb *u = sk_utcb();
	static char data[200];
	struct sk_kstat k0, k1;
	struct sk_msg m;

	CHECK_OK(ep);
	memset(data, 0x11, sizeof(data));
	CHECK_OK(srv = start((sk_handle_t)ep, MODE_GUARD));
	u->rcv_max = 0;
	for (int round = 0; round < 3; round++) {
		uint32_t len = round == 1 ? 100 : 10;

		memset(&m, 0, sizeof(m));
		m.tag = 3 | SK_TAG_LONG;
		u->snd_buf = (uint64_t)data;
		u->snd_len = len;
		u->snd_nh = 0;
		CHECK_OK(sk_kstat(&k0));
		if (round == 1) {
			CHECK_ERR(sk_call((sk_handle_t)ep, &m, SK_FOREVER), SK_E_FAULT, 0);
			continue;
		}
		CHECK_OK(sk_call((sk_handle_t)ep, &m, SK_FOREVER));
		CHECK_OK(sk_kstat(&k1));
		CHECK(m.w[0] == len && m.w[4] == 0);
		CHECK(m.w[1] == sum_of((unsigned char *)data, len));
		if (round == 2 && k1.ipc_fast_long == k0.ipc_fast_long)
			FAIL("a 10-byte call to a waiting server took the slow path");
	}
	stop((sk_handle_t)ep, srv);
	return 0;
}

/* A call's finite timeout still fires when the call went fast. */
static int
take_no_reply(uint64_t arg, const sk_handle_t *h)
{
	static char buf[64];
	struct sk_msg m = { 0 };

	sk_utcb()->rcv_buf = (uint64_t)buf;
	sk_utcb()->rcv_max = sizeof(buf);
	if (sk_recv(h[0], &m, SK_FOREVER) < 0 || sk_utcb()->rcv_len != 5)
		return 1;
	sk_sleep(200000000);		/* the caller times out meanwhile */
	return sk_reply(&m) == SK_ERRVAL(SK_E_STATE, 0) ? 0 : 2;
}

KTEST(ipc_long_fast_call_timeout)
{
	int64_t ep = sk_ep_create(), srv;
	struct sk_utcb *u = sk_utcb();
	sk_handle_t give[1];
	struct sk_kstat k0, k1;
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };

	CHECK_OK(ep);
	give[0] = (sk_handle_t)ep;
	CHECK_OK(srv = sk_spawn_fn("no-reply", take_no_reply, 0, give, 1, 0));
	sk_sleep(5000000);
	m.tag = 1 | SK_TAG_LONG;
	u->snd_buf = (uint64_t)"hello";
	u->snd_len = 5;
	u->snd_nh = 0;
	u->rcv_max = 0;
	CHECK_OK(sk_kstat(&k0));
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, 20000000), SK_E_TIMEOUT, -1);
	CHECK_OK(sk_kstat(&k1));
	CHECK(k1.ipc_fast_long > k0.ipc_fast_long);
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	sk_handle_close((sk_handle_t)srv);
	return 0;
}

/*
 * Server for ipc_reply_checked: each step's reply_recv carries
 * SK_TAG_CHECKED. Exits with the number of the first step that went
 * wrong, or 0.
 */
static int
checked_server(uint64_t arg, const sk_handle_t *h)
{
	static char buf[64];
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	int64_t r;

	u->rcv_buf = (uint64_t)buf;
	u->rcv_max = sizeof(buf);
	if (sk_recv(h[0], &m, SK_FOREVER) < 0)
		return 1;
	sk_sleep(200000000);		/* the caller times out meanwhile */
	m.tag = 1 | SK_TAG_CHECKED;
	if (sk_reply_recv(h[0], &m, SK_FOREVER) != SK_ERRVAL(SK_E_STATE, 0))
		return 2;
	/* Nothing was received: the next call is the client's second. */
	if (sk_recv(h[0], &m, SK_FOREVER) < 0 || m.w[0] != 2)
		return 3;
	/* The client takes no payload: the reply fails on argument 2. */
	m.tag = 1 | SK_TAG_LONG | SK_TAG_CHECKED;
	u->snd_buf = (uint64_t)buf;
	u->snd_len = 10;
	u->snd_nh = 0;
	r = sk_reply_recv(h[0], &m, SK_FOREVER);
	if (r >= 0 || SK_ERRARG(r) != 2)
		return 4;
	if (sk_recv(h[0], &m, SK_FOREVER) < 0 || m.w[0] != 3)
		return 5;
	/* Delivered replies (fast, then slow path) lose the flag. */
	m.tag = 7 | SK_TAG_CHECKED;
	if (sk_reply_recv(h[0], &m, SK_FOREVER) < 0 || m.w[0] != 4)
		return 6;
	m.tag = 8 | SK_TAG_CHECKED;
	if (sk_reply_recv(h[0], &m, 10 * SEC) < 0 || SK_TAG_LABEL(m.tag) != 0)
		return 7;
	sk_reply(&m);
	return 0;
}

/* reply_recv with SK_TAG_CHECKED reports a reply that was not taken. */
KTEST(ipc_reply_checked)
{
	int64_t ep = sk_ep_create(), srv;
	sk_handle_t give[1];
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };

	CHECK_OK(ep);
	give[0] = (sk_handle_t)ep;
	CHECK_OK(srv = sk_spawn_fn("checked", checked_server, 0, give, 1, 0));
	sk_sleep(5000000);
	sk_utcb()->rcv_max = 0;
	m.tag = 1;
	m.w[0] = 1;
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, 20000000), SK_E_TIMEOUT, -1);
	memset(&m, 0, sizeof(m));
	m.tag = 1;
	m.w[0] = 2;
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, 10 * SEC), SK_E_TOOBIG, -1);
	for (uint64_t step = 3; step <= 4; step++) {
		memset(&m, 0, sizeof(m));
		m.tag = 1;
		m.w[0] = step;
		CHECK_OK(sk_call((sk_handle_t)ep, &m, 10 * SEC));
		CHECK(m.tag == 4 + step);
	}
	memset(&m, 0, sizeof(m));
	CHECK_OK(sk_call((sk_handle_t)ep, &m, 10 * SEC));
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("the server stopped at step %ld", (long)pi.exit_code);
	sk_handle_close((sk_handle_t)srv);
	return 0;
}

/*
 * Server for ipc_pull_deferred: a 16-byte receive buffer with
 * SK_RCV_DEFER. Answers w0 = rcv_len, w1 = the result of pulling the
 * whole payload, w2 = the payload's checksum (from the receive buffer
 * when it came whole), w3 = a pull one byte past the end, w4 = a pull
 * into an address it cannot write, and a reply payload of w5 bytes.
 * With arg 1 it replies, checks that a pull then fails, and receives.
 */
static int
pull_server(uint64_t slow, const sk_handle_t *h)
{
	static unsigned char small[16], big[3 * PG];
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	int64_t r;

	u->rcv_buf = (uint64_t)small;
	u->rcv_max = sizeof(small);
	u->rcv_flags = SK_RCV_DEFER;
	r = sk_recv(h[0], &m, SK_FOREVER);
	while (r >= 0 && SK_TAG_LABEL(m.tag) != 0) {
		uint32_t len = u->rcv_len, rlen = (uint32_t)m.w[5];

		m.w[0] = len;
		m.w[1] = (uint64_t)sk_ipc_pull(big, 0, len);
		m.w[2] = len <= sizeof(small) ? sum_of(small, len) :
		    (int64_t)m.w[1] == 0 ? sum_of(big, len) : 0;
		m.w[3] = (uint64_t)sk_ipc_pull(big, 0, len + 1);
		m.w[4] = (uint64_t)sk_ipc_pull((void *)16, 0, len > 0 ? 1 : 0);
		m.tag = 1;
		if (rlen > 0) {
			u->snd_buf = (uint64_t)big;
			u->snd_len = rlen;
			u->snd_nh = 0;
			m.tag |= SK_TAG_LONG;
		}
		if (slow) {
			sk_reply(&m);
			if (sk_ipc_pull(big, 0, 0) != SK_ERRVAL(SK_E_STATE, 0))
				return 2;
			sk_sleep(1000000);
			u->rcv_buf = (uint64_t)small;
			u->rcv_max = sizeof(small);
			r = sk_recv(h[0], &m, 10 * SEC);
		} else {
			r = sk_reply_recv(h[0], &m, SK_FOREVER);
		}
	}
	if (r < 0)
		return 1;
	sk_reply(&m);
	return 0;
}

/* A deferred payload (SK_RCV_DEFER) is pulled whole, on either path. */
KTEST(ipc_pull_deferred)
{
	int64_t ep = sk_ep_create(), va, srv;
	struct sk_utcb *u = sk_utcb();
	static const uint32_t lens[] = { 10, 16, 17, PG, 2 * PG + 5 };
	unsigned char *area;

	CHECK_OK(ep);
	CHECK_OK(va = sk_as_map(SK_H_SELF_AS, 0, 4 * PG, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE));
	area = (unsigned char *)va;
	for (uint32_t i = 0; i < 3 * PG; i++)
		area[i] = (unsigned char)(i * 7 + 3);
	CHECK_OK(sk_as_protect(SK_H_SELF_AS, (uint64_t)va + 3 * PG, PG, 0));
	for (uint64_t slow = 0; slow < 2; slow++) {
		sk_handle_t give[1] = { (sk_handle_t)ep };
		struct sk_proc_info pi;
		struct sk_msg m;
		int64_t r;

		CHECK_OK(srv = sk_spawn_fn("pull", pull_server, slow, give, 1, 0));
		sk_sleep(5000000);
		for (uint32_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			uint32_t len = lens[i];

			memset(&m, 0, sizeof(m));
			m.tag = 3 | SK_TAG_LONG;
			u->snd_buf = (uint64_t)area + 1;
			u->snd_len = len;
			u->snd_nh = 0;
			u->rcv_max = 0;
			CHECK_OK(sk_call((sk_handle_t)ep, &m, SK_FOREVER));
			CHECK(m.w[0] == len);
			CHECK(m.w[2] == sum_of(area + 1, len));
			if (len <= 16) {
				/* It came whole: there is nothing to pull. */
				CHECK_ERR((int64_t)m.w[1], SK_E_INVAL, 1);
			} else {
				CHECK_OK((int64_t)m.w[1]);
				CHECK_ERR((int64_t)m.w[4], SK_E_FAULT, 0);
			}
			CHECK_ERR((int64_t)m.w[3], SK_E_INVAL, 1);
		}
		/* A payload that cannot be read: the call or the pull fails. */
		memset(&m, 0, sizeof(m));
		m.tag = 3 | SK_TAG_LONG;
		u->snd_buf = (uint64_t)area + 3 * PG - 8;
		u->snd_len = 100;
		r = sk_call((sk_handle_t)ep, &m, SK_FOREVER);
		if (r >= 0) {
			CHECK(m.w[0] == 100);
			CHECK_ERR((int64_t)m.w[1], SK_E_FAULT, 0);
		} else {
			CHECK_ERR(r, SK_E_FAULT, 2);
		}
		/* A reply is never deferred: too long for the buffer, it fails. */
		memset(&m, 0, sizeof(m));
		m.tag = 3;
		m.w[5] = 100;
		u->rcv_buf = (uint64_t)area;
		u->rcv_max = 8;
		u->rcv_flags = SK_RCV_DEFER;
		CHECK_ERR(sk_call((sk_handle_t)ep, &m, SK_FOREVER), SK_E_TOOBIG, 0);
		u->rcv_flags = 0;
		u->rcv_max = 0;
		memset(&m, 0, sizeof(m));
		CHECK_OK(sk_call((sk_handle_t)ep, &m, 10 * SEC));
		CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
		CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
		sk_handle_close((sk_handle_t)srv);
	}
	return 0;
}
