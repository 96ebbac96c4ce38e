/*
 * kernel/handle.c against a small reference model: thousands of random
 * allocations, duplications, closes, takes and lookups of live, stale
 * and made-up handles must give the results and reference counts the
 * model predicts. Stand-ins for the heap and objects: handle_stubs.h.
 */
#include "tests/host/handle_stubs.h"

/* ---- randomized model test ---------------------------------------------- */

#define M_OBJS		6
#define M_MAX		600	/* live handles the model keeps at most */
#define M_STALE		400

struct mhandle {
	uint32_t h;
	int obj;
	uint32_t rights;
	uint64_t badge;
};

struct model {
	struct mhandle live[M_MAX];
	int nlive;
	uint32_t stale[M_STALE];	/* handles once valid, now closed */
	int nstale;
	uint8_t used[1u << SK_HANDLE_INDEX_BITS];	/* index ever handed out */
	uint32_t last[4096];	/* the handle last handed out at an index */
	int refs[M_OBJS];	/* expected references beyond the test's own */
	int held[M_OBJS];	/* references the test took out with handle_take */
};

static struct tobj mobj[M_OBJS];
static struct model m;

static const uint32_t mtypes[M_OBJS] = {
	SK_OBJ_ENDPOINT, SK_OBJ_ENDPOINT, SK_OBJ_NOTIFICATION, SK_OBJ_VMO,
	SK_OBJ_PROCESS, SK_OBJ_CRED,
};

static int
m_find(uint32_t h)
{
	for (int i = 0; i < m.nlive; i++)
		if (m.live[i].h == h)
			return i;
	return -1;
}

/* The result the model expects from looking up h. */
static int
m_expect(uint32_t h, uint32_t type, uint32_t rights)
{
	int i = m_find(h);

	if (i < 0)
		return m.used[SK_HANDLE_INDEX(h)] && SK_HANDLE_INDEX(h) != 0 ?
		    SK_E_CLOSED : SK_E_BADHANDLE;
	if (type != SK_OBJ_NONE && mobj[m.live[i].obj].k.type != type)
		return SK_E_WRONGTYPE;
	if ((m.live[i].rights & rights) != rights)
		return SK_E_RIGHTS;
	return SK_OK;
}

static void
m_add(uint32_t h, int obj, uint32_t rights, uint64_t badge)
{
	uint32_t idx = SK_HANDLE_INDEX(h);
	int s;

	m.live[m.nlive++] = (struct mhandle){ h, obj, rights, badge };
	/* A reused slot must not hand out the value it handed out before. */
	if (CHECK(idx < ARRAY_LEN(m.last))) {
		if (m.used[idx])
			CHECK_MSG(m.last[idx] != h, "slot %u reused as %#x again", idx, h);
		m.last[idx] = h;
	}
	m.used[idx] = 1;
	m.refs[obj]++;
	/* The value may have come back after a generation wrap. */
	for (s = 0; s < m.nstale;)
		if (m.stale[s] == h)
			m.stale[s] = m.stale[--m.nstale];
		else
			s++;
}

static void
m_remove(int i)
{
	if (m.nstale < M_STALE)
		m.stale[m.nstale++] = m.live[i].h;
	else
		m.stale[host_rand_below(M_STALE)] = m.live[i].h;
	m.refs[m.live[i].obj]--;
	m.live[i] = m.live[--m.nlive];
}

/* A handle to probe: live, stale or made up. */
static uint32_t
m_pick(void)
{
	uint32_t r = (uint32_t)host_rand_below(10);

	if (r < 5 && m.nlive > 0)
		return m.live[host_rand_below(m.nlive)].h;
	if (r < 8 && m.nstale > 0)
		return m.stale[host_rand_below(m.nstale)];
	if (r == 8)
		return SK_HANDLE_MAKE(host_rand_below(64), host_rand_below(4));
	return (uint32_t)host_rand();
}

static int
m_check_table(struct handle_table *t)
{
	int ok = CHECK_EQ(t->count, m.nlive);

	for (int o = 0; o < M_OBJS; o++) {
		int recv = 0, n = 0;

		for (int i = 0; i < m.nlive; i++)
			if (m.live[i].obj == o) {
				n++;
				recv += !!(m.live[i].rights & SK_R_RECV);
			}
		ok &= CHECK_EQ(mobj[o].k.refcount, 1 + m.refs[o] + m.held[o]);
		ok &= CHECK_EQ(mobj[o].handles, n);
		ok &= CHECK_EQ(mobj[o].receivers, recv);
		ok &= CHECK_EQ(mobj[o].destroyed, 0);
		ok &= CHECK_EQ(mobj[o].misuse, 0);
	}
	return ok;
}

TEST(random_ops_match_model)
{
	struct handle_table t;
	uint32_t h, type, rights;
	int e, want, i = -1, o;

	memset(&m, 0, sizeof(m));
	handle_table_init(&t);
	for (o = 0; o < M_OBJS; o++)
		tobj_init(&mobj[o], mtypes[o]);
	for (int step = 0; step < 20000; step++) {
		int op = (int)host_rand_below(100);

		if (op < 30) {
			/* alloc, sometimes with the heap failing */
			o = (int)host_rand_below(M_OBJS);
			rights = (uint32_t)host_rand() & SK_R_ALL;
			uint64_t badge = host_rand();
			int fail = host_rand_below(8) == 0;
			uint32_t count = t.count;

			if (m.nlive == M_MAX)
				continue;
			heap_fail_in = fail ? 0 : -1;
			e = handle_alloc(&t, &mobj[o].k, rights, badge, &h);
			heap_fail_in = -1;
			if (e == SK_E_NOMEM && fail) {
				CHECK_EQ(t.count, count);
			} else if (CHECK_EQ(e, SK_OK)) {
				CHECK(SK_HANDLE_INDEX(h) != 0);
				CHECK_EQ(m_find(h), -1);
				m_add(h, o, rights, badge);
			}
		} else if (op < 50) {
			/* close: live, stale or made up */
			h = m_pick();
			want = m_expect(h, SK_OBJ_NONE, 0);
			CHECK_EQ(handle_close(&t, h), want);
			if (want == SK_OK)
				m_remove(m_find(h));
		} else if (op < 65) {
			/* dup with a random subset of the rights */
			h = m_pick();
			rights = (uint32_t)host_rand() & SK_R_ALL;
			want = m_expect(h, SK_OBJ_NONE, SK_R_DUP);
			if (m.nlive == M_MAX)
				continue;
			if (want == SK_OK) {
				i = m_find(h);
				rights &= m.live[i].rights;
				if (host_rand_below(4) == 0)
					rights |= ~m.live[i].rights & SK_R_ALL;
				if (rights & ~m.live[i].rights)
					want = SK_E_RIGHTS;
			}
			e = dup(&t, h, rights, &h);
			if (CHECK_EQ(e, want) && e == SK_OK) {
				struct mhandle src = m.live[i];

				m_add(h, src.obj, rights, src.badge);
			}
		} else if (op < 90) {
			/* lookup with a random type and rights */
			struct handle_slot *s = NULL;

			h = m_pick();
			type = host_rand_below(3) == 0 ? SK_OBJ_NONE :
			    (uint32_t)host_rand_below(SK_OBJ_TYPES);
			rights = (uint32_t)host_rand() & (uint32_t)host_rand() & SK_R_ALL;
			want = m_expect(h, type, rights);
			e = handle_lookup(&t, h, type, rights, &s);
			if (CHECK_EQ(e, want) && e == SK_OK) {
				i = m_find(h);
				CHECK(s->obj == &mobj[m.live[i].obj].k);
				CHECK_EQ(s->rights, m.live[i].rights);
				CHECK_EQ(s->badge, m.live[i].badge);
			}
		} else if (op < 95) {
			/* take a live handle, as IPC does, and keep the reference */
			struct kobject *k;
			uint64_t badge;

			if (m.nlive == 0)
				continue;
			i = (int)host_rand_below(m.nlive);
			struct mhandle mh = m.live[i];
			handle_take(&t, mh.h, &k, &rights, &badge);
			CHECK(k == &mobj[mh.obj].k);
			CHECK_EQ(rights, mh.rights);
			CHECK_EQ(badge, mh.badge);
			m_remove(i);
			m.held[mh.obj]++;
		} else if (op < 98) {
			/* reserve, then allocate that many with no memory */
			uint32_t n = (uint32_t)host_rand_below(20);

			if (m.nlive + (int)n > M_MAX)
				continue;
			if (!CHECK_EQ(handle_reserve(&t, n), SK_OK))
				continue;
			heap_fail_in = 0;
			for (uint32_t j = 0; j < n; j++) {
				o = (int)host_rand_below(M_OBJS);
				if (CHECK_EQ(handle_alloc(&t, &mobj[o].k, SK_R_READ, 0, &h),
				    SK_OK))
					m_add(h, o, SK_R_READ, 0);
			}
			heap_fail_in = -1;
		} else {
			/* drop the references taken out earlier */
			for (o = 0; o < M_OBJS; o++)
				for (; m.held[o] > 0; m.held[o]--)
					obj_unref(&mobj[o].k);
		}
		if (step % 256 == 0 && !m_check_table(&t))
			return;
	}
	CHECK(m_check_table(&t));
	handle_table_clear(&t);
	for (o = 0; o < M_OBJS; o++) {
		for (; m.held[o] > 0; m.held[o]--)
			obj_unref(&mobj[o].k);
		CHECK(tobj_release(&mobj[o]));
	}
	CHECK_EQ(heap_live, 0);
}
