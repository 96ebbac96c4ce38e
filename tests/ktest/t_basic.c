/* Tests of the basic calls: debug log, handles, clock, sleep. */
#include "ktest.h"

KTEST(nop_and_log)
{
	CHECK_OK(sk_nop());
	CHECK(sk_debug_log("", 0) == 0);
	CHECK_ERR(sk_debug_log((void *)0, 10), SK_E_FAULT, 1);
	CHECK_ERR(sk_debug_log((void *)0xffff800000000000ull, 10), SK_E_FAULT, 1);
	CHECK_ERR(sk_debug_log((void *)0x0000800000000000ull, 10), SK_E_FAULT, 1);
	CHECK_ERR(sk_debug_log("x", 1 << 20), SK_E_TOOBIG, 2);
	return 0;
}

KTEST(handle_errors)
{
	int64_t n = sk_notif_create(), d;
	struct sk_handle_info hi;

	CHECK_OK(n);
	CHECK_ERR(sk_handle_close(0), SK_E_BADHANDLE, 1);
	CHECK_ERR(sk_handle_close(12345), SK_E_BADHANDLE, 1);
	CHECK_ERR(sk_notif_signal(SK_H_SELF_AS, 1), SK_E_WRONGTYPE, 1);
	d = sk_handle_dup((sk_handle_t)n, SK_R_WAIT);
	CHECK_OK(d);
	CHECK_ERR(sk_notif_signal((sk_handle_t)d, 1), SK_E_RIGHTS, 1);
	CHECK_ERR(sk_handle_dup((sk_handle_t)d, SK_R_WAIT), SK_E_RIGHTS, 1);
	CHECK_ERR(sk_handle_dup((sk_handle_t)n, SK_R_ALL), SK_E_RIGHTS, 2);
	CHECK_OK(sk_handle_info((sk_handle_t)d, &hi));
	CHECK(hi.type == SK_OBJ_NOTIFICATION && hi.rights == SK_R_WAIT);
	CHECK_ERR(sk_handle_info((sk_handle_t)d, (void *)8), SK_E_FAULT, 2);
	CHECK_OK(sk_handle_close((sk_handle_t)d));
	CHECK_ERR(sk_handle_close((sk_handle_t)d), SK_E_CLOSED, 1);
	CHECK_ERR(sk_notif_wait((sk_handle_t)d, 0), SK_E_CLOSED, 1);
	CHECK_ERR(sk_handle_close(SK_H_SELF_PROC), SK_E_INVAL, 1);
	CHECK_OK(sk_handle_close((sk_handle_t)n));
	return 0;
}

KTEST(clock_and_sleep)
{
	int64_t t0 = sk_clock(), t1;

	CHECK(t0 > 0);
	CHECK_OK(sk_sleep(20 * 1000000));
	t1 = sk_clock();
	CHECK(t1 - t0 >= 20 * 1000000);
	return 0;
}

/* Give h to this process alone; returns the copy (the test fails otherwise). */
static sk_handle_t
give_one(sk_handle_t h)
{
	struct sk_give g = { .h = h, .rights = SK_GIVE_SAME };

	CHECK(sk_handle_give_many(SK_H_SELF_PROC, &g, 1) == 1);
	return g.out;
}

/* A failing handle_give_many made no handle: the next copy takes the slot freed last. */
static void
check_nothing_made(sk_handle_t n, uint32_t slot)
{
	sk_handle_t c = give_one(n);

	CHECK(SK_HANDLE_INDEX(c) == slot);
	CHECK_OK(sk_handle_close(c));
}

KTEST(handle_give_many)
{
	struct sk_give g[3], many[SK_GIVE_MAX + 1];
	struct sk_handle_info hi;
	int64_t n = sk_notif_create(), w, nt, as, p, ro;
	sk_handle_t c;
	uint32_t slot, nr;
	char *edge;

	CHECK_OK(n);
	w = sk_handle_dup((sk_handle_t)n, SK_R_WAIT);	/* no SK_R_TRANSFER */
	CHECK_OK(w);
	nt = sk_handle_dup((sk_handle_t)n, SK_R_WAIT | SK_R_TRANSFER);
	CHECK_OK(nt);
	CHECK(sk_handle_give_many(SK_H_SELF_PROC, g, 0) == 0);

	/* Same rights, fewer rights, and a copy of a reduced handle. */
	g[0] = (struct sk_give){ .h = (sk_handle_t)n, .rights = SK_GIVE_SAME };
	g[1] = (struct sk_give){ .h = (sk_handle_t)n, .rights = SK_R_SIGNAL };
	g[2] = (struct sk_give){ .h = (sk_handle_t)nt, .rights = SK_GIVE_SAME };
	CHECK(sk_handle_give_many(SK_H_SELF_PROC, g, 3) == 3);
	CHECK_OK(sk_handle_info((sk_handle_t)n, &hi));
	nr = hi.rights;
	CHECK_OK(sk_handle_info(g[0].out, &hi));
	CHECK(hi.type == SK_OBJ_NOTIFICATION && hi.rights == nr);
	CHECK_OK(sk_handle_info(g[1].out, &hi));
	CHECK(hi.rights == SK_R_SIGNAL);
	CHECK_OK(sk_handle_info(g[2].out, &hi));
	CHECK(hi.rights == (SK_R_WAIT | SK_R_TRANSFER));
	for (int i = 0; i < 3; i++)
		CHECK_OK(sk_handle_close(g[i].out));

	/* Each bad entry, wherever it is, fails the call and makes nothing. */
	c = give_one((sk_handle_t)n);
	slot = SK_HANDLE_INDEX(c);
	CHECK_OK(sk_handle_close(c));
	for (int bad = 0; bad < 6; bad++) {
		for (int i = 0; i < 3; i++)
			g[i] = (struct sk_give){ .h = (sk_handle_t)n, .rights = SK_GIVE_SAME,
			    .out = 0xdead };
		switch (bad) {
		case 0: g[1].h = 12345; break;
		case 1: g[2].h = c; break;			/* closed */
		case 2: g[1].h = (sk_handle_t)w; break;		/* no SK_R_TRANSFER */
		case 3: g[2].h = (sk_handle_t)nt; g[2].rights = SK_R_SIGNAL; break;
		case 4: g[0].h = SK_H_SELF_AS; g[0].rights = SK_R_READ | SK_R_TRANSFER; break;	/* never moves */
		case 5: g[1].rights = nr | (1u << 20); break;
		}
		int64_t r = sk_handle_give_many(SK_H_SELF_PROC, g, 3);
		int want = bad == 0 ? SK_E_BADHANDLE : bad == 1 ? SK_E_CLOSED : SK_E_RIGHTS;

		CHECK_ERR(r, want, 2);
		for (int i = 0; i < 3; i++)
			CHECK(g[i].out == 0xdead);
		check_nothing_made((sk_handle_t)n, slot);
	}

	/* Bad arrays: unmapped, kernel, read-only, running off a mapping. */
	g[0] = (struct sk_give){ .h = (sk_handle_t)n, .rights = SK_GIVE_SAME };
	CHECK_ERR(sk_handle_give_many(SK_H_SELF_PROC, (void *)8, 1), SK_E_FAULT, 2);
	CHECK_ERR(sk_handle_give_many(SK_H_SELF_PROC, (void *)0xffff800000000000ull, 1),
	    SK_E_FAULT, 2);
	ro = sk_as_map(SK_H_SELF_AS, 0, 8192, 0, 0, SK_PROT_READ | SK_PROT_WRITE);
	CHECK_OK(ro);
	memcpy((void *)ro, g, sizeof(g[0]));
	CHECK_OK(sk_as_protect(SK_H_SELF_AS, (uint64_t)ro, 4096, SK_PROT_READ));
	CHECK_ERR(sk_handle_give_many(SK_H_SELF_PROC, (void *)ro, 1), SK_E_FAULT, 2);
	check_nothing_made((sk_handle_t)n, slot);
	CHECK_OK(sk_as_unmap(SK_H_SELF_AS, (uint64_t)ro + 4096, 4096));
	CHECK_OK(sk_as_protect(SK_H_SELF_AS, (uint64_t)ro, 4096, SK_PROT_READ | SK_PROT_WRITE));
	edge = (char *)ro + 4096 - sizeof(g[0]);
	memcpy(edge, g, sizeof(g[0]));
	CHECK_ERR(sk_handle_give_many(SK_H_SELF_PROC, (void *)edge, 2), SK_E_FAULT, 2);
	check_nothing_made((sk_handle_t)n, slot);
	CHECK(sk_handle_give_many(SK_H_SELF_PROC, (void *)edge, 1) == 1);
	CHECK_OK(sk_handle_close(((struct sk_give *)edge)->out));
	CHECK_OK(sk_as_unmap(SK_H_SELF_AS, (uint64_t)ro, 4096));

	/* Lengths. */
	for (int i = 0; i <= SK_GIVE_MAX; i++)
		many[i] = (struct sk_give){ .h = (sk_handle_t)n, .rights = SK_GIVE_SAME };
	CHECK_ERR(sk_handle_give_many(SK_H_SELF_PROC, many, SK_GIVE_MAX + 1), SK_E_TOOBIG, 3);
	CHECK_ERR(sk_handle_give_many(SK_H_SELF_PROC, many, 0xffffffffu), SK_E_TOOBIG, 3);
	check_nothing_made((sk_handle_t)n, slot);
	CHECK(sk_handle_give_many(SK_H_SELF_PROC, many, SK_GIVE_MAX) == SK_GIVE_MAX);
	for (int i = 0; i < SK_GIVE_MAX; i++)
		CHECK_OK(sk_handle_close(many[i].out));

	/* Bad targets: no handle, not a process, no SK_R_MANAGE, a dead one. */
	CHECK_ERR(sk_handle_give_many(12345, g, 1), SK_E_BADHANDLE, 1);
	CHECK_ERR(sk_handle_give_many((sk_handle_t)n, g, 1), SK_E_WRONGTYPE, 1);
	p = sk_handle_dup(SK_H_SELF_PROC, SK_R_READ);
	CHECK_OK(p);
	CHECK_ERR(sk_handle_give_many((sk_handle_t)p, g, 1), SK_E_RIGHTS, 1);
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	as = sk_as_create();
	CHECK_OK(as);
	p = sk_proc_create((sk_handle_t)as, "give-target", 0);
	CHECK_OK(p);
	g[1] = (struct sk_give){ .h = (sk_handle_t)nt, .rights = SK_R_WAIT };
	CHECK(sk_handle_give_many((sk_handle_t)p, g, 2) == 2);
	CHECK(g[0].out != 0 && g[1].out != 0 && g[0].out != g[1].out);
	CHECK_OK(sk_proc_kill((sk_handle_t)p, -1));
	CHECK_ERR(sk_handle_give_many((sk_handle_t)p, g, 1), SK_E_STATE, 1);
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	CHECK_OK(sk_handle_close((sk_handle_t)as));

	CHECK_OK(sk_handle_close((sk_handle_t)w));
	CHECK_OK(sk_handle_close((sk_handle_t)nt));
	CHECK_OK(sk_handle_close((sk_handle_t)n));
	return 0;
}
