/*
 * kernel/handle.c: lookups report each kind of bad handle separately,
 * stale generations are rejected, allocation honours reservations and the
 * table's size limit, and every reference a table takes is dropped exactly
 * once. The stand-ins for the heap and objects are in handle_stubs.h; the
 * randomized model test is test_handle_model.c.
 */
#include "tests/host/handle_stubs.h"

/* ---- cases -------------------------------------------------------------- */

TEST(empty_table)
{
	struct handle_table t;

	handle_table_init(&t);
	CHECK_EQ(look(&t, 0, SK_OBJ_NONE, 0), SK_E_BADHANDLE);
	CHECK_EQ(look(&t, 1, SK_OBJ_NONE, 0), SK_E_BADHANDLE);
	CHECK_EQ(look(&t, SK_H_SELF_PROC, SK_OBJ_NONE, 0), SK_E_BADHANDLE);
	CHECK_EQ(look(&t, 0xffffffff, SK_OBJ_NONE, 0), SK_E_BADHANDLE);
	CHECK_EQ(handle_close(&t, 1), SK_E_BADHANDLE);
	handle_table_clear(&t);
	CHECK_EQ(heap_live, 0);
}

TEST(lookup_errors_are_distinct)
{
	struct handle_table t;
	struct handle_slot *s;
	struct tobj n;
	uint32_t h, h2;

	handle_table_init(&t);
	tobj_init(&n, SK_OBJ_NOTIFICATION);
	REQUIRE_EQ(handle_alloc(&t, &n.k, SK_R_WAIT | SK_R_DUP, 77, &h), SK_OK);
	CHECK_EQ(n.k.refcount, 2);
	CHECK_EQ(n.handles, 1);

	/* The good cases: any type, the right type, a subset of the rights. */
	CHECK_EQ(look(&t, h, SK_OBJ_NONE, 0), SK_OK);
	CHECK_EQ(look(&t, h, SK_OBJ_NOTIFICATION, SK_R_WAIT), SK_OK);
	CHECK_EQ(look(&t, h, SK_OBJ_NOTIFICATION, SK_R_WAIT | SK_R_DUP), SK_OK);
	s = NULL;
	REQUIRE_EQ(handle_lookup(&t, h, SK_OBJ_NONE, 0, &s), SK_OK);
	CHECK(s->obj == &n.k);
	CHECK_EQ(s->rights, SK_R_WAIT | SK_R_DUP);
	CHECK_EQ(s->badge, 77);

	/* Each failure on its own. */
	CHECK_EQ(look(&t, h, SK_OBJ_ENDPOINT, 0), SK_E_WRONGTYPE);
	CHECK_EQ(look(&t, h, SK_OBJ_NONE, SK_R_SIGNAL), SK_E_RIGHTS);
	CHECK_EQ(look(&t, h, SK_OBJ_NONE, SK_R_WAIT | SK_R_SIGNAL), SK_E_RIGHTS);
	/* The type is checked before the rights. */
	CHECK_EQ(look(&t, h, SK_OBJ_ENDPOINT, SK_R_SIGNAL), SK_E_WRONGTYPE);
	/* A slot inside the table that never held a handle does not exist. */
	CHECK_EQ(look(&t, SK_HANDLE_MAKE(SK_HANDLE_INDEX(h) + 1, 0), SK_OBJ_NONE, 0),
	    SK_E_BADHANDLE);
	/* Slot 0 and slots beyond the table do not exist either. */
	CHECK_EQ(look(&t, SK_HANDLE_MAKE(0, SK_HANDLE_GEN(h)), SK_OBJ_NONE, 0),
	    SK_E_BADHANDLE);
	CHECK_EQ(look(&t, SK_HANDLE_MAKE(t.nslots, 0), SK_OBJ_NONE, 0),
	    SK_E_BADHANDLE);
	CHECK_EQ(look(&t, SK_HANDLE_MAKE((1u << SK_HANDLE_INDEX_BITS) - 1, 0),
	    SK_OBJ_NONE, 0), SK_E_BADHANDLE);
	/* The right slot with another generation is a closed handle. */
	CHECK_EQ(look(&t, SK_HANDLE_MAKE(SK_HANDLE_INDEX(h), SK_HANDLE_GEN(h) + 1),
	    SK_OBJ_NONE, 0), SK_E_CLOSED);

	/* After close: CLOSED for lookups and for a second close. */
	CHECK_EQ(handle_close(&t, h), SK_OK);
	CHECK_EQ(n.handles, 0);
	CHECK_EQ(n.k.refcount, 1);
	CHECK_EQ(look(&t, h, SK_OBJ_NONE, 0), SK_E_CLOSED);
	CHECK_EQ(look(&t, h, SK_OBJ_ENDPOINT, SK_R_ALL), SK_E_CLOSED);
	CHECK_EQ(handle_close(&t, h), SK_E_CLOSED);

	/* The slot is reused with a new generation; the old handle stays dead. */
	REQUIRE_EQ(handle_alloc(&t, &n.k, SK_R_WAIT, 0, &h2), SK_OK);
	CHECK_EQ(SK_HANDLE_INDEX(h2), SK_HANDLE_INDEX(h));
	CHECK(h2 != h);
	CHECK_EQ(look(&t, h, SK_OBJ_NONE, 0), SK_E_CLOSED);
	CHECK_EQ(handle_close(&t, h), SK_E_CLOSED);
	CHECK_EQ(look(&t, h2, SK_OBJ_NOTIFICATION, SK_R_WAIT), SK_OK);
	CHECK_EQ(n.handles, 1);

	handle_table_clear(&t);
	CHECK_EQ(look(&t, h2, SK_OBJ_NONE, 0), SK_E_BADHANDLE);
	CHECK(tobj_release(&n));
	CHECK_EQ(heap_live, 0);
}

TEST(generation_changes_on_every_reuse)
{
	struct handle_table t;
	struct tobj o;
	uint32_t h, first, prev;

	handle_table_init(&t);
	tobj_init(&o, SK_OBJ_VMO);
	REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &first), SK_OK);
	prev = first;
	/*
	 * The slot freed last is handed out first, so closing and allocating
	 * again cycles one slot through every generation until it wraps.
	 */
	for (uint32_t i = 1; i < (1u << (32 - SK_HANDLE_INDEX_BITS)); i++) {
		REQUIRE_EQ(handle_close(&t, prev), SK_OK);
		REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
		REQUIRE_EQ(SK_HANDLE_INDEX(h), SK_HANDLE_INDEX(first));
		REQUIRE_EQ(SK_HANDLE_GEN(h), (SK_HANDLE_GEN(prev) + 1) %
		    (1u << (32 - SK_HANDLE_INDEX_BITS)));
		CHECK_EQ(look(&t, prev, SK_OBJ_NONE, 0), SK_E_CLOSED);
		prev = h;
	}
	/* After a full cycle the generation wraps back to the first value. */
	REQUIRE_EQ(handle_close(&t, prev), SK_OK);
	REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
	CHECK_EQ(h, first);
	CHECK_EQ(o.handles, 1);
	CHECK_EQ(o.k.refcount, 2);
	handle_table_clear(&t);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}

TEST(slot_zero_never_used)
{
	struct handle_table t;
	struct tobj o;
	uint32_t h;

	handle_table_init(&t);
	tobj_init(&o, SK_OBJ_VMO);
	for (int i = 0; i < 200; i++) {
		REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
		CHECK(h != 0);
		CHECK(SK_HANDLE_INDEX(h) != 0);
		if (i % 3 == 0)
			CHECK_EQ(handle_close(&t, h), SK_OK);
	}
	/* Installing at index 0 is refused, on an empty table too. */
	CHECK_EQ(handle_install(&t, 0, &o.k, SK_R_READ), SK_E_EXISTS);
	handle_table_clear(&t);
	CHECK_EQ(handle_install(&t, 0, &o.k, SK_R_READ), SK_E_EXISTS);
	CHECK_EQ(o.handles, 0);
	handle_table_clear(&t);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}

TEST(close_last_handle_releases_once)
{
	struct handle_table t;
	struct tobj *o = malloc(sizeof(*o));
	uint32_t h1, h2;

	REQUIRE(o != NULL);
	handle_table_init(&t);
	tobj_init(o, SK_OBJ_ENDPOINT);
	REQUIRE_EQ(handle_alloc(&t, &o->k, SK_R_SEND | SK_R_RECV, 0, &h1), SK_OK);
	REQUIRE_EQ(handle_alloc(&t, &o->k, SK_R_SEND, 5, &h2), SK_OK);
	CHECK_EQ(o->receivers, 1);
	CHECK_EQ(o->handles, 2);
	/* The creator lets go: the handles keep the object alive. */
	obj_unref(&o->k);
	CHECK_EQ(o->destroyed, 0);
	CHECK_EQ(handle_close(&t, h1), SK_OK);
	CHECK_EQ(o->receivers, 0);
	CHECK_EQ(o->destroyed, 0);
	CHECK_EQ(handle_close(&t, h2), SK_OK);
	CHECK_EQ(o->destroyed, 1);
	CHECK_EQ(o->handles, 0);
	/* Closing again must not touch the object. */
	CHECK_EQ(handle_close(&t, h2), SK_E_CLOSED);
	CHECK_EQ(handle_close(&t, h1), SK_E_CLOSED);
	CHECK_EQ(o->destroyed, 1);
	CHECK_EQ(o->misuse, 0);
	handle_table_clear(&t);
	CHECK_EQ(o->destroyed, 1);
	CHECK_EQ(o->misuse, 0);
	free(o);
	CHECK_EQ(heap_live, 0);
}

TEST(clear_releases_every_handle_once)
{
	struct handle_table t;
	struct tobj o[5];
	uint32_t h;

	handle_table_init(&t);
	for (int i = 0; i < 5; i++)
		tobj_init(&o[i], SK_OBJ_ENDPOINT);
	for (int i = 0; i < 100; i++)
		REQUIRE_EQ(handle_alloc(&t, &o[i % 5].k,
		    i % 2 ? SK_R_RECV : SK_R_SEND, (uint64_t)i, &h), SK_OK);
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(o[i].k.refcount, 21);
		CHECK_EQ(o[i].handles, 20);
	}
	handle_table_clear(&t);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(t.nslots, 0);
	CHECK(t.slots == NULL);
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(o[i].k.refcount, 1);
		CHECK_EQ(o[i].destroyed, 0);
		CHECK(tobj_release(&o[i]));
	}
	/* A cleared table is empty and usable again. */
	tobj_init(&o[0], SK_OBJ_VMO);
	REQUIRE_EQ(handle_alloc(&t, &o[0].k, SK_R_READ, 0, &h), SK_OK);
	CHECK_EQ(SK_HANDLE_INDEX(h), 1);
	handle_table_clear(&t);
	CHECK(tobj_release(&o[0]));
	CHECK_EQ(heap_live, 0);
}

TEST(dup_reduces_rights)
{
	struct handle_table t;
	struct handle_slot *s;
	struct tobj n;
	uint32_t h, d, d2;

	handle_table_init(&t);
	tobj_init(&n, SK_OBJ_NOTIFICATION);
	REQUIRE_EQ(handle_alloc(&t, &n.k, SK_R_WAIT | SK_R_SIGNAL | SK_R_DUP, 9, &h),
	    SK_OK);
	/* A dup with fewer rights: a separate handle, same object and badge. */
	REQUIRE_EQ(dup(&t, h, SK_R_WAIT, &d), SK_OK);
	CHECK(d != h);
	CHECK_EQ(n.k.refcount, 3);
	CHECK_EQ(n.handles, 2);
	REQUIRE_EQ(handle_lookup(&t, d, SK_OBJ_NOTIFICATION, SK_R_WAIT, &s), SK_OK);
	CHECK(s->obj == &n.k);
	CHECK_EQ(s->rights, SK_R_WAIT);
	CHECK_EQ(s->badge, 9);
	CHECK_EQ(look(&t, d, SK_OBJ_NONE, SK_R_SIGNAL), SK_E_RIGHTS);
	/* The original keeps its rights. */
	CHECK_EQ(look(&t, h, SK_OBJ_NONE, SK_R_SIGNAL | SK_R_WAIT | SK_R_DUP), SK_OK);
	/* The dup lacks SK_R_DUP, so it cannot be duplicated further. */
	CHECK_EQ(dup(&t, d, SK_R_WAIT, &d2), SK_E_RIGHTS);
	/* Rights cannot grow through a dup. */
	CHECK_EQ(dup(&t, h, SK_R_WAIT | SK_R_SEND, &d2), SK_E_RIGHTS);
	CHECK_EQ(t.count, 2);
	/* A dup with no rights at all is still a handle. */
	REQUIRE_EQ(dup(&t, h, 0, &d2), SK_OK);
	CHECK_EQ(look(&t, d2, SK_OBJ_NOTIFICATION, 0), SK_OK);
	CHECK_EQ(look(&t, d2, SK_OBJ_NONE, SK_R_WAIT), SK_E_RIGHTS);
	/* Closing the original leaves the dups working. */
	CHECK_EQ(handle_close(&t, h), SK_OK);
	CHECK_EQ(look(&t, d, SK_OBJ_NOTIFICATION, SK_R_WAIT), SK_OK);
	CHECK_EQ(dup(&t, h, SK_R_WAIT, &d2), SK_E_CLOSED);
	CHECK_EQ(handle_close(&t, d), SK_OK);
	CHECK_EQ(n.k.refcount, 2);
	handle_table_clear(&t);
	CHECK(tobj_release(&n));
	CHECK_EQ(heap_live, 0);
}

TEST(dup_while_the_table_grows)
{
	struct handle_table t;
	struct handle_slot *s;
	struct tobj o;
	uint32_t h, d;
	uint32_t before;

	handle_table_init(&t);
	tobj_init(&o, SK_OBJ_VMO);
	REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_ALL, 1234, &h), SK_OK);
	/* Fill the table so that the next dup has to move the slot array. */
	while (t.free_head != 0) {
		uint32_t x;

		REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &x), SK_OK);
	}
	before = t.nslots;
	REQUIRE_EQ(dup(&t, h, SK_R_READ | SK_R_MAP, &d), SK_OK);
	CHECK(t.nslots > before);
	REQUIRE_EQ(handle_lookup(&t, d, SK_OBJ_VMO, 0, &s), SK_OK);
	CHECK(s->obj == &o.k);
	CHECK_EQ(s->rights, SK_R_READ | SK_R_MAP);
	CHECK_EQ(s->badge, 1234);
	handle_table_clear(&t);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}

TEST(growth_keeps_handles)
{
	struct handle_table t;
	struct tobj o[3];
	static uint32_t hs[5000];
	uint32_t grown = 0, last = 0;

	handle_table_init(&t);
	for (int i = 0; i < 3; i++)
		tobj_init(&o[i], SK_OBJ_VMO + i);
	for (uint32_t i = 0; i < 5000; i++) {
		REQUIRE_EQ(handle_alloc(&t, &o[i % 3].k, i & SK_R_ALL, i * 3ull, &hs[i]),
		    SK_OK);
		if (t.nslots != last) {
			grown++;
			last = t.nslots;
		}
	}
	CHECK(grown >= 5);
	CHECK_EQ(t.count, 5000);
	CHECK(t.nslots > 5000);
	/* Every handle survived the moves with its own object, rights, badge. */
	for (uint32_t i = 0; i < 5000; i++) {
		struct handle_slot *s;

		if (!CHECK_EQ(handle_lookup(&t, hs[i], SK_OBJ_VMO + i % 3, i & SK_R_ALL,
		    &s), SK_OK))
			break;
		CHECK(s->obj == &o[i % 3].k);
		CHECK_EQ(s->badge, i * 3ull);
		for (uint32_t j = 0; j < i; j++)
			if (hs[j] == hs[i]) {
				CHECK_MSG(0, "handle %u handed out twice", hs[i]);
				break;
			}
	}
	for (int i = 0; i < 3; i++)
		CHECK_EQ(o[i].handles, 5000 / 3 + (i < 5000 % 3));
	/* Close half and allocate again: freed slots are reused, no growth. */
	for (uint32_t i = 0; i < 5000; i += 2)
		REQUIRE_EQ(handle_close(&t, hs[i]), SK_OK);
	last = t.nslots;
	for (uint32_t i = 0; i < 5000; i += 2) {
		REQUIRE_EQ(handle_alloc(&t, &o[0].k, SK_R_READ, 0, &hs[i]), SK_OK);
		CHECK(SK_HANDLE_INDEX(hs[i]) < 5001);
	}
	CHECK_EQ(t.nslots, last);
	handle_table_clear(&t);
	for (int i = 0; i < 3; i++)
		CHECK(tobj_release(&o[i]));
	CHECK_EQ(heap_live, 0);
}

TEST(out_of_memory_changes_nothing)
{
	struct handle_table t;
	struct tobj o;
	uint32_t h = 0xdead, first;

	handle_table_init(&t);
	tobj_init(&o, SK_OBJ_VMO);
	/* The very first allocation needs memory. */
	heap_fail_in = 0;
	CHECK_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_E_NOMEM);
	CHECK_EQ(h, 0xdead);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(o.k.refcount, 1);
	CHECK_EQ(o.handles, 0);
	heap_fail_in = -1;
	REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &first), SK_OK);
	while (t.free_head != 0)
		REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
	/* A full table cannot grow without memory. */
	uint32_t n = t.nslots, count = t.count, refs = o.k.refcount;
	heap_fail_in = 0;
	CHECK_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_E_NOMEM);
	CHECK_EQ(handle_reserve(&t, 1), SK_E_NOMEM);
	CHECK_EQ(t.nslots, n);
	CHECK_EQ(t.count, count);
	CHECK_EQ(o.k.refcount, refs);
	CHECK_EQ(look(&t, first, SK_OBJ_VMO, SK_R_READ), SK_OK);
	/* Closing one makes room again without memory. */
	CHECK_EQ(handle_close(&t, first), SK_OK);
	CHECK_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
	heap_fail_in = -1;
	handle_table_clear(&t);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}

TEST(reserve_then_alloc_never_fails)
{
	struct handle_table t;
	struct tobj o;
	uint32_t h;

	handle_table_init(&t);
	tobj_init(&o, SK_OBJ_VMO);
	for (uint32_t n = 0; n < 70; n += 7) {
		/* Reserve with memory, then allocate without any. */
		REQUIRE_EQ(handle_reserve(&t, n), SK_OK);
		heap_fail_in = 0;
		for (uint32_t i = 0; i < n; i++)
			REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
		heap_fail_in = -1;
		/* Reserving what is already free needs no memory either. */
		while (t.free_head == 0)
			REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
		heap_fail_in = 0;
		CHECK_EQ(handle_reserve(&t, 1), SK_OK);
		CHECK_EQ(handle_reserve(&t, 0), SK_OK);
		heap_fail_in = -1;
	}
	/* Reserving on an empty table. */
	handle_table_clear(&t);
	REQUIRE_EQ(handle_reserve(&t, 40), SK_OK);
	heap_fail_in = 0;
	for (int i = 0; i < 40; i++)
		REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
	heap_fail_in = -1;
	handle_table_clear(&t);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}

TEST(exhaustion_reports_nospace)
{
	struct handle_table t;
	struct tobj o;
	uint32_t h, last = 0;

	handle_table_init(&t);
	tobj_init(&o, SK_OBJ_VMO);
	/* Slot 0 is never used, so a table holds one handle fewer than slots. */
	for (uint32_t i = 0; i < SK_HANDLE_MAX_SLOTS - 1; i++) {
		REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
		last = h;
	}
	CHECK_EQ(t.nslots, SK_HANDLE_MAX_SLOTS);
	CHECK_EQ(SK_HANDLE_INDEX(last), SK_HANDLE_MAX_SLOTS - 1);
	CHECK_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_E_NOSPACE);
	CHECK_EQ(handle_reserve(&t, 1), SK_E_NOSPACE);
	CHECK_EQ(handle_reserve(&t, 0), SK_OK);
	CHECK_EQ(handle_install(&t, SK_HANDLE_MAX_SLOTS, &o.k, SK_R_READ),
	    SK_E_NOSPACE);
	CHECK_EQ(t.count, SK_HANDLE_MAX_SLOTS - 1);
	CHECK_EQ(o.k.refcount, SK_HANDLE_MAX_SLOTS);
	/* One close makes exactly one handle possible again. */
	CHECK_EQ(handle_close(&t, last), SK_OK);
	CHECK_EQ(handle_reserve(&t, 1), SK_OK);
	CHECK_EQ(handle_reserve(&t, 2), SK_E_NOSPACE);
	CHECK_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
	CHECK_EQ(SK_HANDLE_INDEX(h), SK_HANDLE_MAX_SLOTS - 1);
	CHECK_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_E_NOSPACE);
	handle_table_clear(&t);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}

TEST(reserve_beyond_the_limit)
{
	struct handle_table t;
	struct tobj o;
	uint32_t h;

	handle_table_init(&t);
	tobj_init(&o, SK_OBJ_VMO);
	CHECK_EQ(handle_reserve(&t, SK_HANDLE_MAX_SLOTS), SK_E_NOSPACE);
	CHECK_EQ(handle_reserve(&t, 0x80000000u), SK_E_NOSPACE);
	CHECK_EQ(handle_reserve(&t, 0xffffffffu), SK_E_NOSPACE);
	CHECK_EQ(handle_reserve(&t, 0xfffffffeu), SK_E_NOSPACE);
	REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
	CHECK_EQ(handle_reserve(&t, 0xffffffffu), SK_E_NOSPACE);
	CHECK_EQ(handle_reserve(&t, 0xfffffffeu), SK_E_NOSPACE);
	CHECK_EQ(handle_reserve(&t, SK_HANDLE_MAX_SLOTS - 2), SK_OK);
	CHECK_EQ(t.nslots, SK_HANDLE_MAX_SLOTS);
	CHECK_EQ(handle_reserve(&t, SK_HANDLE_MAX_SLOTS - 1), SK_E_NOSPACE);
	handle_table_clear(&t);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}

TEST(install_at_fixed_index)
{
	struct handle_table t;
	struct tobj o;
	uint32_t h;

	handle_table_init(&t);
	tobj_init(&o, SK_OBJ_PROCESS);
	REQUIRE_EQ(handle_install(&t, 40, &o.k, SK_R_MANAGE), SK_OK);
	CHECK_EQ(look(&t, SK_HANDLE_MAKE(40, 0), SK_OBJ_PROCESS, SK_R_MANAGE), SK_OK);
	CHECK_EQ(handle_install(&t, 40, &o.k, SK_R_MANAGE), SK_E_EXISTS);
	CHECK_EQ(o.handles, 1);
	CHECK_EQ(o.k.refcount, 2);
	/* Every other slot is still handed out; 40 is not handed out twice. */
	for (int i = 0; i < 100; i++) {
		REQUIRE_EQ(handle_alloc(&t, &o.k, SK_R_READ, 0, &h), SK_OK);
		CHECK(SK_HANDLE_INDEX(h) != 40);
	}
	CHECK_EQ(t.count, 101);
	CHECK_EQ(handle_close(&t, SK_HANDLE_MAKE(40, 0)), SK_OK);
	handle_table_clear(&t);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}

TEST(take_keeps_the_reference)
{
	struct handle_table a, b;
	struct kobject *k;
	struct tobj o;
	uint32_t h, h2, rights;
	uint64_t badge;

	handle_table_init(&a);
	handle_table_init(&b);
	tobj_init(&o, SK_OBJ_ENDPOINT);
	REQUIRE_EQ(handle_alloc(&a, &o.k, SK_R_SEND | SK_R_RECV | SK_R_TRANSFER,
	    42, &h), SK_OK);
	CHECK_EQ(o.receivers, 1);
	/* Move it the way IPC does: alloc in the receiver, take from the sender. */
	REQUIRE_EQ(handle_reserve(&b, 1), SK_OK);
	REQUIRE_EQ(handle_alloc(&b, &o.k, SK_R_SEND | SK_R_RECV | SK_R_TRANSFER,
	    42, &h2), SK_OK);
	CHECK_EQ(o.receivers, 2);
	handle_take(&a, h, &k, &rights, &badge);
	CHECK(k == &o.k);
	CHECK_EQ(rights, SK_R_SEND | SK_R_RECV | SK_R_TRANSFER);
	CHECK_EQ(badge, 42);
	CHECK_EQ(a.count, 0);
	CHECK_EQ(o.receivers, 1);
	CHECK_EQ(o.handles, 1);
	/* The taken reference is the caller's now. */
	CHECK_EQ(o.k.refcount, 3);
	CHECK_EQ(look(&a, h, SK_OBJ_NONE, 0), SK_E_CLOSED);
	obj_unref(k);
	CHECK_EQ(o.k.refcount, 2);
	CHECK_EQ(look(&b, h2, SK_OBJ_ENDPOINT, SK_R_RECV), SK_OK);
	handle_table_clear(&a);
	handle_table_clear(&b);
	CHECK(tobj_release(&o));
	CHECK_EQ(heap_live, 0);
}
