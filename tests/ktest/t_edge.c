/*
 * Edges: user buffers that run off the end of a mapping, bad pointers,
 * bad lengths and alignments for the address-space calls, and timeouts on
 * every blocking call. A call that fails on a buffer reports SK_E_FAULT
 * with the argument that named it and changes nothing.
 */
#include "ktest.h"

#define SEC	1000000000ull
#define MS	1000000ull

#define FILL	0xaa

/*
 * A pointer to the last `before` bytes of a mapped page whose next page
 * is not mapped. The mapped page is filled with FILL.
 */
static char *
edge(uint64_t before)
{
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, 8192, 0, 0, SK_PROT_READ | SK_PROT_WRITE);

	if (va < 0 || sk_as_unmap(SK_H_SELF_AS, (uint64_t)va + 4096, 4096) < 0)
		FAIL("cannot set up an edge buffer");
	memset((void *)va, FILL, 4096);
	return (char *)va + 4096 - before;
}

/* The n bytes before the edge at p still hold FILL. */
static int
untouched(const char *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if ((unsigned char)p[i] != FILL)
			return 0;
	return 1;
}

#define CHECK_UNTOUCHED(p, n) do { if (!untouched((p), (n))) \
	FAIL("the mapped part of the buffer was written before the fault"); } while (0)

static const uint64_t bad_ptrs[] = {
	0, 8, 0xffff800000000000ull, 0x0000800000000000ull, 0xffffffff80100000ull,
};

KTEST(edge_copyout_all_or_nothing)
{
	char *e = edge(8), buf[32];
	int64_t n = sk_notif_create(), v = sk_vmo_create(4096, 0);
	struct sk_wait_item it[2];

	CHECK_OK(n);
	CHECK_OK(v);
	/* Reads of user memory. */
	CHECK_ERR(sk_debug_log(e, 16), SK_E_FAULT, 1);
	CHECK_ERR(sk_debug_log(e - 400, 416), SK_E_FAULT, 1);
	CHECK_ERR(SK_SYS5(proc_create, SK_H_SELF_AS, e, 16, 0, 0), SK_E_FAULT, 2);
	it[0].handle = (sk_handle_t)n;
	memcpy(e, it, 8);
	CHECK_ERR(sk_wait_many((struct sk_wait_item *)e, 1, SK_NOWAIT), SK_E_FAULT, 1);
	memset(e, FILL, 8);
	/* Writes to user memory: nothing lands before the edge. */
	CHECK_ERR(sk_handle_info((sk_handle_t)n, (void *)e), SK_E_FAULT, 2);
	CHECK_UNTOUCHED(e, 8);
	CHECK_ERR(sk_kstat((void *)e), SK_E_FAULT, 1);
	CHECK_UNTOUCHED(e, 8);
	CHECK_ERR(sk_proc_info(SK_H_SELF_PROC, (void *)e), SK_E_FAULT, 2);
	CHECK_UNTOUCHED(e, 8);
	CHECK_ERR(sk_cred_read(0, (void *)e), SK_E_FAULT, 2);
	CHECK_UNTOUCHED(e, 8);
	/* VMO reads and writes. */
	CHECK_OK(sk_vmo_write((sk_handle_t)v, 0, "0123456789abcdef", 16));
	CHECK_ERR(sk_vmo_read((sk_handle_t)v, 0, e, 16), SK_E_FAULT, 3);
	CHECK_UNTOUCHED(e, 8);
	CHECK_ERR(sk_vmo_write((sk_handle_t)v, 0, e, 16), SK_E_FAULT, 3);
	CHECK_OK(sk_vmo_read((sk_handle_t)v, 0, buf, 16));
	CHECK(memcmp(buf, "0123456789abcdef", 16) == 0);
	/* as_read/as_write: the address-space side is argument 2, ours 3. */
	memset(buf, 'b', sizeof(buf));
	CHECK_ERR(sk_as_read(SK_H_SELF_AS, (uint64_t)buf, e, 16), SK_E_FAULT, 3);
	CHECK_UNTOUCHED(e, 8);
	CHECK_ERR(sk_as_read(SK_H_SELF_AS, (uint64_t)e, buf, 16), SK_E_FAULT, 2);
	CHECK_ERR(sk_as_write(SK_H_SELF_AS, (uint64_t)e, buf, 16), SK_E_FAULT, 2);
	CHECK_UNTOUCHED(e, 8);
	CHECK_ERR(sk_as_write(SK_H_SELF_AS, (uint64_t)buf, e, 16), SK_E_FAULT, 3);
	CHECK(buf[0] == 'b' && buf[15] == 'b');
	/* A read-only page is as bad as a missing one for a write. */
	CHECK_OK(sk_as_protect(SK_H_SELF_AS, (uint64_t)(e + 8 - 4096), 4096, SK_PROT_READ));
	CHECK_ERR(sk_handle_info((sk_handle_t)n, (void *)(e - 64)), SK_E_FAULT, 2);
	CHECK_UNTOUCHED(e - 64, 64);

	/* NULL, low, kernel and non-canonical pointers. */
	for (unsigned i = 0; i < sizeof(bad_ptrs) / sizeof(bad_ptrs[0]); i++) {
		void *p = (void *)bad_ptrs[i];

		CHECK_ERR(sk_handle_info((sk_handle_t)n, p), SK_E_FAULT, 2);
		CHECK_ERR(sk_kstat(p), SK_E_FAULT, 1);
		CHECK_ERR(sk_proc_info(SK_H_SELF_PROC, p), SK_E_FAULT, 2);
		CHECK_ERR(sk_cred_read(0, p), SK_E_FAULT, 2);
		CHECK_ERR(sk_cred_create(p), SK_E_FAULT, 1);
		CHECK_ERR(sk_vmo_read((sk_handle_t)v, 0, p, 16), SK_E_FAULT, 3);
		CHECK_ERR(sk_vmo_write((sk_handle_t)v, 0, p, 16), SK_E_FAULT, 3);
		CHECK_ERR(sk_as_read(SK_H_SELF_AS, (uint64_t)p, buf, 16), SK_E_FAULT, 2);
		CHECK_ERR(sk_as_read(SK_H_SELF_AS, (uint64_t)buf, p, 16), SK_E_FAULT, 3);
		CHECK_ERR(sk_as_write(SK_H_SELF_AS, (uint64_t)p, buf, 16), SK_E_FAULT, 2);
		CHECK_ERR(sk_wait_many(p, 1, SK_NOWAIT), SK_E_FAULT, 1);
		CHECK_ERR(SK_SYS5(proc_create, SK_H_SELF_AS, p, 16, 0, 0), SK_E_FAULT, 2);
	}
	return 0;
}

/*
 * Server with its receive buffer at an edge: h[0] = endpoint. A message
 * that does not fit before the edge must not arrive at all; one that does
 * is answered with a long reply that does not fit the caller's buffer.
 */
static int
edge_server(uint64_t arg, const sk_handle_t *h)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	char *e = edge(8);
	int64_t r;

	u->rcv_buf = (uint64_t)e;
	u->rcv_max = 16;
	if (sk_recv(h[0], &m, 10 * SEC) < 0)
		return 2;
	/* Only the 8-byte message arrives, with no handle. */
	if (m.w[0] != 8 || u->rcv_len != 8 || u->rcv_nh != 0 || memcmp(e, "12345678", 8) != 0)
		return 3;
	u->snd_buf = (uint64_t)"reply-longer-than-8";
	u->snd_len = 16;
	u->snd_nh = 0;
	m.tag = SK_TAG_LONG;
	r = sk_reply(&m);
	if (r >= 0 || SK_ERR(r) != SK_E_FAULT)
		return 4;
	return 0;
}

KTEST(edge_ipc_payloads)
{
	struct sk_utcb *u = sk_utcb();
	int64_t ep = sk_ep_create(), n = sk_notif_create(), srv, r;
	struct sk_handle_info hi;
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };
	sk_handle_t give[1];
	char *e = edge(8);

	CHECK_OK(ep);
	CHECK_OK(n);
	give[0] = (sk_handle_t)ep;
	srv = sk_spawn_fn("edge-server", edge_server, 0, give, 1, 0);
	CHECK_OK(srv);

	/* Our payload runs off our mapping: the call fails before it is sent. */
	memcpy(e, "ABCDEFGH", 8);
	u->snd_buf = (uint64_t)e;
	u->snd_len = 16;
	u->snd_nh = 1;
	u->snd_h[0] = (sk_handle_t)n;
	m.tag = SK_TAG_LONG;
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, 10 * SEC), SK_E_FAULT, 2);
	CHECK_OK(sk_handle_info((sk_handle_t)n, &hi));	/* the handle stayed */

	/* 16 bytes do not fit before the server's edge: nothing moves. */
	u->snd_buf = (uint64_t)"0123456789abcdef";
	m.tag = SK_TAG_LONG;
	m.w[0] = 16;
	CHECK_ERR(sk_call((sk_handle_t)ep, &m, 10 * SEC), SK_E_FAULT, 0);
	CHECK_OK(sk_handle_info((sk_handle_t)n, &hi));

	/* 8 bytes do; the 16-byte reply does not fit before our edge. */
	memset(e, FILL, 8);
	u->rcv_buf = (uint64_t)e;
	u->rcv_max = 16;
	u->snd_buf = (uint64_t)"12345678";
	u->snd_len = 8;
	u->snd_nh = 0;
	m.tag = SK_TAG_LONG;
	m.w[0] = 8;
	r = sk_call((sk_handle_t)ep, &m, 10 * SEC);
	CHECK_ERR(r, SK_E_FAULT, 0);
	CHECK_UNTOUCHED(e, 8);
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("edge server ended in state %u with %ld (see edge_server)", pi.state,
		    (long)pi.exit_code);
	u->rcv_buf = 0;
	u->rcv_max = 0;
	return 0;
}

KTEST(edge_as_lengths_and_alignment)
{
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, 2 * 4096, 0, 0, SK_PROT_READ | SK_PROT_WRITE);
	int64_t v = sk_vmo_create(8192, 0);
	volatile char *p;

	CHECK_OK(va);
	CHECK_OK(v);
	p = (volatile char *)va;
	p[0] = 1;
	p[4096] = 2;
	/* as_map: lengths that overflow or exceed user space are argument 3. */
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, ~0ull, 0, 0, SK_PROT_READ), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, ~0ull - 4094, 0, 0, SK_PROT_READ), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, 1ull << 47, 0, 0, SK_PROT_READ), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0x7ffffffff000ull, 0x2000, 0, 0,
	    SK_PROT_READ | SK_MAP_FIXED), SK_E_RANGE, -1);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0x0000800000000000ull, 4096, 0, 0,
	    SK_PROT_READ | SK_MAP_FIXED), SK_E_RANGE, 2);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, 4096, (sk_handle_t)v, 100, SK_PROT_READ), SK_E_ALIGN, 5);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, 3 * 4096, (sk_handle_t)v, 0, SK_PROT_READ), SK_E_RANGE, -1);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, 4096, (sk_handle_t)v, ~0ull & ~4095ull, SK_PROT_READ), SK_E_RANGE, 5);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 4095, 4096, 0, 0, SK_PROT_READ | SK_MAP_FIXED), SK_E_ALIGN, 2);
	/* as_unmap: alignment is argument 2, bad lengths 3, bad addresses 2. */
	CHECK_ERR(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va + 8, 4096), SK_E_ALIGN, 2);
	CHECK_ERR(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, 0), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, ~0ull), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, 1ull << 47), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_unmap(SK_H_SELF_AS, 0xffff800000000000ull, 4096), SK_E_RANGE, 2);
	CHECK_ERR(sk_as_unmap(SK_H_SELF_AS, 0x0000800000000000ull, 4096), SK_E_RANGE, 2);
	/* as_protect likewise; prot is argument 4. */
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, (uint64_t)va + 8, 4096, SK_PROT_READ), SK_E_ALIGN, 2);
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, (uint64_t)va, 0, SK_PROT_READ), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, (uint64_t)va, ~0ull, SK_PROT_READ), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, (uint64_t)va, 3 * 4096, SK_PROT_READ), SK_E_RANGE, 3);
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, 0xffff800000000000ull, 4096, SK_PROT_READ), SK_E_RANGE, 2);
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, (uint64_t)va, 4096, 0x10), SK_E_INVAL, 4);
	/* None of that changed the mapping. */
	p[1] = 3;
	p[4097] = 4;
	CHECK(p[0] == 1 && p[1] == 3 && p[4096] == 2 && p[4097] == 4);
	/* A length that is not a page multiple covers the partial page. */
	CHECK_OK(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, 4097));
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, (uint64_t)va, 4096, SK_PROT_READ), SK_E_RANGE, 3);
	return 0;
}

/*
 * h[0] = endpoint, h[1] = go, h[2] = got: take one call, say so, and
 * answer it only when told, after the caller gave up.
 */
static int
late_server(uint64_t arg, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };
	int64_t r;

	if (sk_recv(h[0], &m, 10 * SEC) < 0)
		return 2;
	sk_notif_signal(h[2], 1);
	if (sk_notif_wait(h[1], 10 * SEC) < 0)
		return 3;
	r = sk_reply(&m);
	return (r < 0 && SK_ERR(r) == SK_E_STATE) ? 0 : 4;
}

static int
sleeper(uint64_t arg, const sk_handle_t *h)
{
	sk_sleep(SK_FOREVER);
	return 0;
}

/* r must be SK_E_TIMEOUT, and come well within 5 s. */
#define CHECK_TIMEOUT(call) do { int64_t _t0 = sk_clock(), _r = (call); \
	if (_r >= 0 || SK_ERR(_r) != SK_E_TIMEOUT) \
		FAIL("%s gave %ld (%s), expected SK_E_TIMEOUT", #call, (long)_r, \
		    _r < 0 ? sk_errname(SK_ERR(_r)) : "success"); \
	if (sk_clock() - _t0 > (int64_t)(5 * SEC)) \
		FAIL("%s took more than 5 s to time out", #call); } while (0)

KTEST(timeouts_on_every_blocking_call)
{
	int64_t ep = sk_ep_create(), n = sk_notif_create(), go = sk_notif_create(), srv, kid;
	int64_t got = sk_notif_create();
	struct sk_wait_item it[1];
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };
	sk_handle_t give[3];

	CHECK_OK(ep);
	CHECK_OK(n);
	CHECK_OK(go);
	/* Nobody there: call (queued), recv, reply_recv. */
	CHECK_TIMEOUT(sk_call((sk_handle_t)ep, &m, 10 * MS));
	CHECK_TIMEOUT(sk_call((sk_handle_t)ep, &m, SK_NOWAIT));
	CHECK_TIMEOUT(sk_recv((sk_handle_t)ep, &m, 10 * MS));
	CHECK_TIMEOUT(sk_recv((sk_handle_t)ep, &m, SK_NOWAIT));
	CHECK_TIMEOUT(sk_reply_recv((sk_handle_t)ep, &m, 10 * MS));
	CHECK_TIMEOUT(sk_reply_recv((sk_handle_t)ep, &m, SK_NOWAIT));
	/* Notifications. */
	it[0].handle = (sk_handle_t)n;
	CHECK_TIMEOUT(sk_notif_wait((sk_handle_t)n, 10 * MS));
	CHECK_TIMEOUT(sk_wait_many(it, 1, 10 * MS));
	CHECK_TIMEOUT(sk_wait_many(it, 1, SK_NOWAIT));
	/* A process that does not end. */
	kid = sk_spawn_fn("sleeper", sleeper, 0, NULL, 0, 0);
	CHECK_OK(kid);
	CHECK_TIMEOUT(sk_proc_wait((sk_handle_t)kid, 10 * MS, &pi));
	CHECK_OK(sk_proc_info((sk_handle_t)kid, &pi));
	CHECK(pi.state == SK_PROC_RUNNING);
	CHECK_OK(sk_proc_kill((sk_handle_t)kid, 0));
	CHECK_OK(sk_proc_wait((sk_handle_t)kid, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_KILLED);
	/* The call's timeout covers the wait for the reply. */
	give[0] = (sk_handle_t)ep;
	give[1] = (sk_handle_t)go;
	give[2] = (sk_handle_t)got;
	srv = sk_spawn_fn("late", late_server, 0, give, 3, 0);
	CHECK_OK(srv);
	/* Until the server has taken a call, calls may time out in the queue. */
	for (int tries = 0;; tries++) {
		CHECK_TIMEOUT(sk_call((sk_handle_t)ep, &m, 50 * MS));
		if (sk_notif_wait((sk_handle_t)got, SK_NOWAIT) >= 0)
			break;
		if (tries == 200)
			FAIL("the server took no call in 200 tries");
	}
	CHECK_OK(sk_notif_signal((sk_handle_t)go, 1));
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("late server ended in state %u with %ld (its reply should fail with SK_E_STATE)",
		    pi.state, (long)pi.exit_code);
	/* A zero sleep returns at once; SK_NOWAIT never blocks. */
	CHECK_OK(sk_sleep(0));
	return 0;
}
