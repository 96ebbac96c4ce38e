/*
 * Credentials (creation, setting them on a child, what a server sees,
 * what a child cannot do) and handles passed back and forth over IPC.
 */
#include "ktest.h"

#define SEC	1000000000ull

static const struct sk_cred user_cred = {
	.ruid = 1000, .euid = 1001, .suid = 1002,
	.rgid = 100, .egid = 101, .sgid = 102,
	.ngroups = 3, .groups = { 100, 10, 20, 99 /* past ngroups: dropped */ },
};

/* h[0]: endpoint to call, h[1]: go signal, h[2]: a credential handle. */
static int
cred_child(uint64_t arg, const sk_handle_t *h)
{
	static struct sk_sender fake;
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	struct sk_cred c;

	if (sk_notif_wait(h[1], 10 * SEC) < 0)
		return 2;
	/* Without SK_PRIV_CRED: no new credentials, no changing its own. */
	memset(&c, 0, sizeof(c));
	if (SK_ERR(sk_cred_create(&c)) != SK_E_PRIV)
		return 3;
	if (SK_ERR(sk_proc_set_cred(SK_H_SELF_PROC, h[2])) != SK_E_PRIV)
		return 4;
	if (sk_cred_read(0, &c) < 0 || c.euid != 1001 || c.ngroups != 3)
		return 5;
	/* Try to forge: a sender block in our UTCB and as the payload. */
	memset(&fake, 0, sizeof(fake));
	fake.pid = 1;
	fake.cred_id = 1;
	u->sender = fake;
	u->snd_buf = (uint64_t)&fake;
	u->snd_len = sizeof(fake);
	u->snd_nh = 0;
	m.tag = SK_TAG_LONG | 5;
	if (sk_call(h[0], &m, 10 * SEC) < 0 || m.w[0] != 6)
		return 6;
	return 0;
}

KTEST(cred_child_seen_by_server)
{
	static struct sk_sender payload;
	struct sk_utcb *u = sk_utcb();
	struct sk_handle_info hi;
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };
	struct sk_cred c;
	int64_t cr, ep, go, p, ro, n;
	sk_handle_t give[3];

	/* Creating and reading. */
	c = user_cred;
	c.ngroups = SK_NGROUPS + 1;
	CHECK_ERR(sk_cred_create(&c), SK_E_INVAL, 1);
	CHECK_ERR(sk_cred_create((void *)0xffff800000000000ull), SK_E_FAULT, 1);
	cr = sk_cred_create(&user_cred);
	CHECK_OK(cr);
	CHECK_OK(sk_cred_read((sk_handle_t)cr, &c));
	CHECK(c.ruid == 1000 && c.euid == 1001 && c.suid == 1002);
	CHECK(c.rgid == 100 && c.egid == 101 && c.sgid == 102);
	CHECK(c.ngroups == 3 && c.groups[0] == 100 && c.groups[2] == 20 && c.groups[3] == 0);
	CHECK_ERR(sk_cred_read((sk_handle_t)cr, (void *)8), SK_E_FAULT, 2);
	CHECK_OK(sk_cred_read(0, &c));
	CHECK(c.euid == 0);	/* ours is root's, as init's */

	ep = sk_ep_create();
	go = sk_notif_create();
	n = sk_notif_create();
	CHECK_OK(ep);
	CHECK_OK(go);
	give[0] = (sk_handle_t)ep;
	give[1] = (sk_handle_t)go;
	give[2] = (sk_handle_t)cr;
	p = sk_spawn_fn("cred-child", cred_child, 0, give, 3, 0);
	CHECK_OK(p);

	/* Bad settings fail and change nothing. */
	ro = sk_handle_dup((sk_handle_t)cr, SK_R_DUP);
	CHECK_ERR(sk_proc_set_cred((sk_handle_t)p, (sk_handle_t)ro), SK_E_RIGHTS, 2);
	CHECK_ERR(sk_proc_set_cred((sk_handle_t)p, (sk_handle_t)n), SK_E_WRONGTYPE, 2);
	CHECK_ERR(sk_proc_set_cred((sk_handle_t)n, (sk_handle_t)cr), SK_E_WRONGTYPE, 1);
	ro = sk_handle_dup((sk_handle_t)p, SK_R_READ | SK_R_DUP);
	CHECK_ERR(sk_proc_set_cred((sk_handle_t)ro, (sk_handle_t)cr), SK_E_RIGHTS, 1);

	CHECK_OK(sk_proc_set_cred((sk_handle_t)p, (sk_handle_t)cr));
	CHECK_OK(sk_notif_signal((sk_handle_t)go, 1));
	u->rcv_buf = (uint64_t)&payload;
	u->rcv_max = sizeof(payload);
	CHECK_OK(sk_recv((sk_handle_t)ep, &m, 10 * SEC));
	CHECK(SK_TAG_LABEL(m.tag) == 5);
	CHECK_OK(sk_handle_info((sk_handle_t)cr, &hi));
	CHECK_OK(sk_proc_info((sk_handle_t)p, &pi));
	if (u->sender.cred.euid != 1001 || u->sender.cred.ruid != 1000 ||
	    u->sender.cred.suid != 1002 || u->sender.cred.egid != 101 ||
	    u->sender.cred.ngroups != 3 || u->sender.cred.groups[1] != 10 ||
	    u->sender.cred.groups[3] != 0)
		FAIL("the server saw euid %u egid %u ngroups %u, not the child's new credential",
		    u->sender.cred.euid, u->sender.cred.egid, u->sender.cred.ngroups);
	if (u->sender.cred_id != hi.koid || u->sender.pid != pi.koid)
		FAIL("sender cred_id %lu pid %lu; expected %lu and %lu (forged?)",
		    (unsigned long)u->sender.cred_id, (unsigned long)u->sender.pid,
		    (unsigned long)hi.koid, (unsigned long)pi.koid);
	/* The forged block arrived as plain payload, nothing more. */
	CHECK(u->rcv_len == sizeof(payload) && payload.pid == 1 && payload.cred_id == 1);
	m.tag = 0;
	m.w[0] = 6;
	CHECK_OK(sk_reply(&m));
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("cred child ended in state %u with %ld (see cred_child)", pi.state,
		    (long)pi.exit_code);
	/* Our own credential did not change. */
	CHECK_OK(sk_cred_read(0, &c));
	CHECK(c.euid == 0);
	return 0;
}

/* Handles in flight: 1000 round trips of a VMO and a badged endpoint. */
#define ROUNDS	1000

static int
bounce_server(uint64_t arg, const sk_handle_t *h)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	int64_t r = sk_recv(h[0], &m, 10 * SEC);

	for (int i = 0; r >= 0; i++) {
		if (u->rcv_nh != 2 || u->rcv_len != 0)
			return 2;
		/* Our table stays small: received handles reuse freed slots. */
		if (SK_HANDLE_INDEX(u->rcv_h[0]) > 16 || SK_HANDLE_INDEX(u->rcv_h[1]) > 16)
			return 3;
		m.tag = SK_TAG_LONG;
		u->snd_len = 0;
		u->snd_nh = 2;
		u->snd_h[0] = u->rcv_h[0];
		u->snd_h[1] = u->rcv_h[1];
		if (i + 1 == ROUNDS)
			return sk_reply(&m) < 0 ? 4 : 0;
		r = sk_reply_recv(h[0], &m, 10 * SEC);
	}
	return 5;
}

KTEST(ipc_handle_round_trips)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_handle_info vi, ei, hi;
	struct sk_kstat k1, k2;
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };
	int64_t ep = sk_ep_create(), v0 = sk_vmo_create(4096, 0), v, b, srv;
	sk_handle_t give[1], maxidx = 0;
	char c;

	CHECK_OK(ep);
	CHECK_OK(v0);
	/* Restricted rights and a badge, to see that both survive. */
	v = sk_handle_dup((sk_handle_t)v0, SK_R_READ | SK_R_MAP | SK_R_TRANSFER);
	b = sk_ep_mint((sk_handle_t)ep, 0x77, SK_R_SEND | SK_R_TRANSFER);
	CHECK_OK(v);
	CHECK_OK(b);
	CHECK_OK(sk_vmo_write((sk_handle_t)v0, 0, "q", 1));
	CHECK_OK(sk_handle_close((sk_handle_t)v0));
	CHECK_OK(sk_handle_info((sk_handle_t)v, &vi));
	CHECK_OK(sk_handle_info((sk_handle_t)b, &ei));
	give[0] = (sk_handle_t)ep;
	srv = sk_spawn_fn("bounce", bounce_server, 0, give, 1, 0);
	CHECK_OK(srv);
	u->rcv_buf = 0;
	u->rcv_max = 0;
	for (int i = 0; i < ROUNDS; i++) {
		sk_handle_t old_v = (sk_handle_t)v, old_b = (sk_handle_t)b;
		int64_t r;

		m.tag = SK_TAG_LONG;
		u->snd_buf = 0;
		u->snd_len = 0;
		u->snd_nh = 2;
		u->snd_h[0] = (sk_handle_t)v;
		u->snd_h[1] = (sk_handle_t)b;
		r = sk_call((sk_handle_t)ep, &m, 10 * SEC);
		if (r < 0)
			FAIL("round %d: call failed: %s (argument %d)", i, sk_errname(SK_ERR(r)),
			    SK_ERRARG(r));
		CHECK(u->rcv_nh == 2);
		v = u->rcv_h[0];
		b = u->rcv_h[1];
		/* The old names are gone (the slots came back with a new generation). */
		CHECK_ERR(sk_handle_info(old_v, &hi), SK_E_CLOSED, 1);
		CHECK_ERR(sk_handle_info(old_b, &hi), SK_E_CLOSED, 1);
		CHECK_OK(sk_handle_info((sk_handle_t)v, &hi));
		if (hi.type != SK_OBJ_VMO || hi.rights != vi.rights || hi.koid != vi.koid)
			FAIL("round %d: the VMO came back as type %u rights 0x%x koid %lu", i,
			    hi.type, hi.rights, (unsigned long)hi.koid);
		CHECK_OK(sk_handle_info((sk_handle_t)b, &hi));
		if (hi.type != SK_OBJ_ENDPOINT || hi.rights != ei.rights || hi.badge != 0x77 ||
		    hi.koid != ei.koid)
			FAIL("round %d: the endpoint came back as type %u rights 0x%x badge 0x%lx", i,
			    hi.type, hi.rights, (unsigned long)hi.badge);
		/* From round 10 (the last test's leftovers reaped) to before the end. */
		if (i == 10)
			CHECK_OK(sk_kstat(&k1));
		if (i == ROUNDS - 2)
			CHECK_OK(sk_kstat(&k2));
		if (i == 0) {
			maxidx = SK_HANDLE_INDEX((sk_handle_t)v);
			if (SK_HANDLE_INDEX((sk_handle_t)b) > maxidx)
				maxidx = SK_HANDLE_INDEX((sk_handle_t)b);
		} else if (SK_HANDLE_INDEX((sk_handle_t)v) > maxidx ||
		    SK_HANDLE_INDEX((sk_handle_t)b) > maxidx) {
			FAIL("round %d: handle slots %u and %u, above %u: the table grows", i,
			    SK_HANDLE_INDEX((sk_handle_t)v), SK_HANDLE_INDEX((sk_handle_t)b), maxidx);
		}
	}
	if (k1.heap_bytes != k2.heap_bytes)
		FAIL("kernel heap grew from %lu to %lu bytes over the round trips",
		    (unsigned long)k1.heap_bytes, (unsigned long)k2.heap_bytes);
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("bounce server ended in state %u with %ld", pi.state, (long)pi.exit_code);
	/* Still the same object with the same rights. */
	CHECK_OK(sk_vmo_read((sk_handle_t)v, 0, &c, 1));
	CHECK(c == 'q');
	CHECK_ERR(sk_vmo_write((sk_handle_t)v, 0, "x", 1), SK_E_RIGHTS, 1);
	return 0;
}
