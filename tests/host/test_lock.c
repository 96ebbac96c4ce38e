/*
 * Advisory locks (lib/fs/lock.c): conflicts between owners and kinds,
 * replacing and splitting one owner's ranges, unlocking, the table
 * running full without a change, and locks going with their open object;
 * plus a random model check against a byte map.
 */
#include "tests/host/host.h"
#include "lib/fs/lock.c"

static struct lk_table t;

TEST(read_locks_share_write_locks_exclude)
{
	memset(&t, 0, sizeof(t));
	CHECK_EQ(lk_set(&t, 5, LK_RECORD, 100, 1, IO_LK_RD, 0, 10), 0);
	CHECK_EQ(lk_set(&t, 5, LK_RECORD, 200, 2, IO_LK_RD, 5, 15), 0);
	CHECK_EQ(lk_set(&t, 5, LK_RECORD, 300, 3, IO_LK_WR, 9, 12), -SK_E_AGAIN);
	CHECK_EQ(lk_set(&t, 5, LK_RECORD, 300, 3, IO_LK_WR, 15, 20), 0);
	CHECK_EQ(lk_set(&t, 6, LK_RECORD, 300, 3, IO_LK_WR, 0, LK_END), 0);	/* another file */
	CHECK(lk_conflict(&t, 5, LK_RECORD, 300, IO_LK_RD, 0, 20) == NULL);
	REQUIRE(lk_conflict(&t, 5, LK_RECORD, 100, IO_LK_WR, 0, 20) != NULL);
}

TEST(flock_and_record_locks_do_not_meet)
{
	memset(&t, 0, sizeof(t));
	CHECK_EQ(lk_set(&t, 5, LK_RECORD, 100, 1, IO_LK_WR, 0, LK_END), 0);
	CHECK_EQ(lk_set(&t, 5, LK_FLOCK, 7, 7, IO_LK_WR, 0, LK_END), 0);
	CHECK_EQ(lk_set(&t, 5, LK_FLOCK, 8, 8, IO_LK_RD, 0, LK_END), -SK_E_AGAIN);
}

TEST(owner_replaces_and_splits_its_own_range)
{
	memset(&t, 0, sizeof(t));
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 100, 1, IO_LK_WR, 0, 100), 0);
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 100, 1, IO_LK_UN, 40, 60), 0);	/* a hole */
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 200, 2, IO_LK_WR, 45, 55), 0);
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 200, 2, IO_LK_WR, 30, 45), -SK_E_AGAIN);
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 100, 1, IO_LK_RD, 0, 100), -SK_E_AGAIN);
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 100, 1, IO_LK_RD, 0, 40), 0);	/* downgrade */
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 200, 2, IO_LK_RD, 10, 20), 0);
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 200, 2, IO_LK_WR, 60, 70), -SK_E_AGAIN);
}

TEST(bad_range_and_full_table_change_nothing)
{
	memset(&t, 0, sizeof(t));
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 1, 1, IO_LK_WR, 10, 10), -SK_E_INVAL);
	for (int i = 0; i < LK_MAX; i++)
		REQUIRE(lk_set(&t, 1, LK_RECORD, 1, 1, IO_LK_WR, (uint64_t)i * 10,
		    (uint64_t)i * 10 + 5) == 0);
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 2, 2, IO_LK_WR, 100000, 100001), -SK_E_LIMIT);
	/* A split needs a slot too: refused whole, the lock is still there. */
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 1, 1, IO_LK_UN, 1, 2), -SK_E_LIMIT);
	CHECK(lk_conflict(&t, 1, LK_RECORD, 3, IO_LK_RD, 1, 2) != NULL);
	CHECK_EQ(lk_set(&t, 1, LK_RECORD, 1, 1, IO_LK_UN, 0, LK_END), 0);
	CHECK(lk_conflict(&t, 1, LK_RECORD, 3, IO_LK_WR, 0, LK_END) == NULL);
}

TEST(locks_go_with_their_open_object)
{
	memset(&t, 0, sizeof(t));
	CHECK_EQ(lk_set(&t, 1, LK_FLOCK, 4, 4, IO_LK_WR, 0, LK_END), 0);
	CHECK_EQ(lk_set(&t, 2, LK_RECORD, 100, 4, IO_LK_WR, 0, 10), 0);
	CHECK_EQ(lk_set(&t, 2, LK_RECORD, 100, 5, IO_LK_WR, 20, 30), 0);
	CHECK_EQ(lk_drop_obj(&t, 4), 2);
	CHECK(lk_conflict(&t, 1, LK_FLOCK, 9, IO_LK_WR, 0, LK_END) == NULL);
	CHECK(lk_conflict(&t, 2, LK_RECORD, 9, IO_LK_WR, 0, 10) == NULL);
	CHECK(lk_conflict(&t, 2, LK_RECORD, 9, IO_LK_WR, 20, 30) != NULL);
}

/* Random locks of three owners on 64 bytes against a map of who holds what. */
TEST(model_check)
{
	uint8_t rd[3][64], wr[3][64];

	memset(&t, 0, sizeof(t));
	memset(rd, 0, sizeof(rd));
	memset(wr, 0, sizeof(wr));
	for (int step = 0; step < 20000; step++) {
		int o = (int)(host_rand() % 3), type = (int)(host_rand() % 3), ok = 1, r;
		uint64_t s = host_rand() % 64, e = s + 1 + host_rand() % (64 - s);

		for (uint64_t b = s; b < e && type != IO_LK_UN; b++)
			for (int x = 0; x < 3; x++)
				if (x != o && (wr[x][b] || (type == IO_LK_WR && rd[x][b])))
					ok = 0;
		r = lk_set(&t, 1, LK_RECORD, (uint64_t)o + 1, 1, type, s, e);
		if (r == -SK_E_LIMIT)
			continue;
		REQUIRE(r == (ok ? 0 : -SK_E_AGAIN));
		if (r != 0)
			continue;
		for (uint64_t b = s; b < e; b++) {
			rd[o][b] = type == IO_LK_RD;
			wr[o][b] = type == IO_LK_WR;
		}
	}
	/* Every byte each owner holds, and only those, is in the table. */
	for (int o = 0; o < 3; o++)
		for (uint64_t b = 0; b < 64; b++) {
			int held = 0;

			for (int i = 0; i < LK_MAX; i++) {
				const struct lk *l = &t.l[i];

				if (l->kind && l->owner == (uint64_t)o + 1 && l->start <= b && b < l->end) {
					REQUIRE(held == 0);	/* no overlap within an owner */
					held = l->type == IO_LK_WR ? 2 : 1;
				}
			}
			REQUIRE(held == (wr[o][b] ? 2 : rd[o][b] ? 1 : 0));
		}
}
