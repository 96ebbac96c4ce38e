/*
 * The newc cpio reader: entries, hard links, the trailer, and archives cut
 * short or damaged anywhere (ASan catches any read out of bounds).
 */
#include "tests/host/host.h"
#include "lib/fs/cpio.c"

static char arc[8192];
static size_t alen;

static void
put(const char *name, uint32_t ino, uint32_t mode, uint32_t nlink, const char *data,
    uint32_t size)
{
	uint32_t nsz = (uint32_t)strlen(name) + 1;

	alen += (size_t)sprintf(arc + alen, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
	    ino, mode, 0u, 0u, nlink, 1000u, size, 0u, 0u, 0u, 0u, nsz, 0u);
	memcpy(arc + alen, name, nsz);
	alen += nsz;
	while (alen % 4)
		arc[alen++] = 0;
	memcpy(arc + alen, data, size);
	alen += size;
	while (alen % 4)
		arc[alen++] = 0;
}

static void
build(void)
{
	alen = 0;
	put("bin", 1, 040755, 2, "", 0);
	put("bin/a", 2, 0100755, 2, "", 0);		/* hard link, data comes later */
	put("bin/b", 2, 0100755, 2, "hello", 5);
	put("bin/l", 3, 0120777, 1, "b", 1);
	put("TRAILER!!!", 0, 0, 1, "", 0);
}

TEST(reads_entries_in_order)
{
	struct cpio_entry e;
	size_t off = 0;

	build();
	REQUIRE(cpio_next(arc, alen, &off, &e) == CPIO_OK);
	CHECK_STREQ(e.name, "bin");
	CHECK_EQ(e.mode, 040755u);
	REQUIRE(cpio_next(arc, alen, &off, &e) == CPIO_OK);
	CHECK_STREQ(e.name, "bin/a");
	CHECK_EQ(e.size, 0u);
	CHECK_EQ(e.nlink, 2u);
	REQUIRE(cpio_next(arc, alen, &off, &e) == CPIO_OK);
	CHECK_STREQ(e.name, "bin/b");
	CHECK_EQ(e.ino, 2u);
	CHECK(e.size == 5 && memcmp(e.data, "hello", 5) == 0);
	REQUIRE(cpio_next(arc, alen, &off, &e) == CPIO_OK);
	CHECK(e.size == 1 && memcmp(e.data, "b", 1) == 0);
	CHECK_EQ(e.mtime, 1000u);
	CHECK(cpio_next(arc, alen, &off, &e) == CPIO_END);
}

TEST(rejects_bad_magic_and_fields)
{
	struct cpio_entry e;
	size_t off = 0;

	build();
	arc[3] = '8';
	CHECK(cpio_next(arc, alen, &off, &e) == CPIO_BADMAGIC);
	build();
	arc[6 + 8 * 6 + 3] = 'g';	/* the size field */
	off = 0;
	CHECK(cpio_next(arc, alen, &off, &e) == CPIO_BADFIELD);
}

TEST(every_truncation_fails_cleanly)
{
	build();
	for (size_t cut = 0; cut < alen; cut++) {
		char *copy = malloc(cut ? cut : 1);
		struct cpio_entry e;
		size_t off = 0;
		int r, n = 0;

		memcpy(copy, arc, cut);
		while ((r = cpio_next(copy, cut, &off, &e)) == CPIO_OK && n < 10)
			n++;
		CHECK(r != CPIO_OK);
		CHECK(r != CPIO_END || cut >= alen - 4);
		free(copy);
	}
}

TEST(random_damage_never_reads_outside)
{
	for (int round = 0; round < 20000; round++) {
		char *copy;
		struct cpio_entry e;
		size_t off = 0, len;
		int n = 0;

		build();
		len = alen;
		copy = malloc(len);
		memcpy(copy, arc, len);
		for (int k = 0; k < 1 + (int)(host_rand() % 4); k++)
			copy[host_rand() % len] = (char)host_rand();
		while (cpio_next(copy, len, &off, &e) == CPIO_OK && n++ < 100) {
			CHECK(off <= len);
			CHECK((const char *)e.data + e.size <= copy + len);
			CHECK(e.name[e.namelen] == '\0');
		}
		free(copy);
	}
}
