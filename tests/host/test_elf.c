/*
 * lib/common/elf.c, case by case: valid static executables parse into the
 * right segments and every malformed variant gets its specific ELF_E_*
 * code. The images come from tests/host/elf_spec.h and are exactly sized,
 * so a read outside the image is caught by AddressSanitizer.
 */
#include "tests/host/host.h"
#include "lib/common/elf.c"
#include "tests/host/elf_spec.h"

/* Parse s (built exactly sized) against user_top. */
static int
parse_top(const struct spec *s, uint64_t top, struct elf_info *info)
{
	unsigned char *b = build(s);
	struct elf_info scratch;
	int r;

	if (info == NULL)
		info = &scratch;
	memset(info, 0xa5, sizeof(*info));
	r = elf_parse(b, s->len, top, info);
	free(b);
	return r;
}

static int
parse(const struct spec *s)
{
	return parse_top(s, TOP, NULL);
}

/* Parse the first len bytes of img, copied into an exactly sized buffer. */
static int
parse_prefix(const unsigned char *img, size_t len, uint64_t top, struct elf_info *info)
{
	unsigned char *b = malloc(len ? len : 1);
	int r;

	if (b == NULL)
		abort();
	memcpy(b, img, len);
	r = elf_parse(b, len, top, info);
	free(b);
	return r;
}

static void
check_seg(const struct elf_segment *g, uint64_t vaddr, uint64_t memsz,
    uint64_t offset, uint64_t filesz, uint32_t flags)
{
	CHECK_EQ(g->vaddr, vaddr);
	CHECK_EQ(g->memsz, memsz);
	CHECK_EQ(g->offset, offset);
	CHECK_EQ(g->filesz, filesz);
	CHECK_EQ(g->flags, flags);
}

/* ---- valid images ----------------------------------------------------- */

TEST(valid_one_segment)
{
	struct spec s;
	struct elf_info info;

	spec_one(&s);
	REQUIRE_EQ(parse_top(&s, TOP, &info), ELF_OK);
	CHECK_EQ(info.entry, 0x400100);
	CHECK_EQ(info.nsegs, 1);
	CHECK_EQ(info.phnum, 1);
	CHECK_EQ(info.phentsize, PHDR_SIZE);
	/* No PT_PHDR, but the segment maps the headers. */
	CHECK_EQ(info.phdr_vaddr, 0x400000 + EHDR_SIZE);
	check_seg(&info.segs[0], 0x400000, 0x300, 0, 0x300, R | X);
}

TEST(valid_two_segments)
{
	struct spec s;
	struct elf_info info;

	spec_two(&s);
	REQUIRE_EQ(parse_top(&s, TOP, &info), ELF_OK);
	CHECK_EQ(info.entry, 0x401000);
	CHECK_EQ(info.nsegs, 2);
	CHECK_EQ(info.phnum, 3);
	CHECK_EQ(info.phdr_vaddr, 0x400040);
	check_seg(&info.segs[0], 0x400000, 0x1234, 0, 0x1234, R | X);
	check_seg(&info.segs[1], 0x402000, 0x5000, 0x2000, 0x200, R | W);
}

TEST(valid_three_segments_with_phdr)
{
	struct spec s;
	struct elf_info info;

	spec_three(&s);
	REQUIRE_EQ(parse_top(&s, TOP, &info), ELF_OK);
	CHECK_EQ(info.entry, 0x401010);
	CHECK_EQ(info.nsegs, 3);
	CHECK_EQ(info.phnum, 4);
	CHECK_EQ(info.phdr_vaddr, 0x400040);
	check_seg(&info.segs[0], 0x400000, 0x1000, 0, 0x1000, R);
	check_seg(&info.segs[1], 0x401000, 0x800, 0x1000, 0x800, R | X);
	check_seg(&info.segs[2], 0x402800, 0x3000, 0x1800, 0x100, R | W);

	/* PT_PHDR's address is taken as given, not recomputed. */
	s.ph[0].vaddr = 0x400100;
	REQUIRE_EQ(parse_top(&s, TOP, &info), ELF_OK);
	CHECK_EQ(info.phdr_vaddr, 0x400100);
}

TEST(phdr_vaddr_zero_when_headers_not_loaded)
{
	struct spec s;
	struct elf_info info;

	spec_init(&s, 0x1100);
	add_ph(&s, ELF_PT_LOAD, R | X, 0x1000, 0x401000, 0x100, 0x100);
	s.entry = 0x401000;
	REQUIRE_EQ(parse_top(&s, TOP, &info), ELF_OK);
	CHECK_EQ(info.phdr_vaddr, 0);
	CHECK_EQ(info.nsegs, 1);
}

TEST(other_headers_ignored)
{
	struct spec s;
	struct elf_info info;

	spec_init(&s, 0x2000);
	add_ph(&s, PT_NULL, 0, 0xdead, 0xbeef, 0x1000000, 0);
	add_ph(&s, PT_NOTE, R, 0x1f00, 0x7fffffffff00, 0x10000, 0x10000);
	add_ph(&s, ELF_PT_LOAD, R | X, 0x1000, 0x401000, 0x800, 0x800);
	add_ph(&s, PT_TLS, R, 0x1800, 0x401800, 0x10, 0x20);
	add_ph(&s, PT_GNU_STACK, R | W, 0, 0, 0, 0);
	/* An empty PT_LOAD loads nothing and takes no slot. */
	add_ph(&s, ELF_PT_LOAD, R | W, 0, 0x401000, 0, 0);
	s.entry = 0x401234;
	REQUIRE_EQ(parse_top(&s, TOP, &info), ELF_OK);
	CHECK_EQ(info.nsegs, 1);
	CHECK_EQ(info.phnum, 6);
	check_seg(&info.segs[0], 0x401000, 0x800, 0x1000, 0x800, R | X);
}

TEST(program_headers_elsewhere_in_file)
{
	struct spec s;
	struct elf_info info;

	/* Table at an odd offset at the end of the file, inside the segment. */
	spec_init(&s, 0x1000 + 3 + 2 * PHDR_SIZE);
	s.phoff = 0x1003;
	add_ph(&s, ELF_PT_LOAD, R | X, 0, 0x400000, s.len, s.len);
	add_ph(&s, PT_GNU_STACK, R | W, 0, 0, 0, 0);
	s.entry = 0x400000;
	REQUIRE_EQ(parse_top(&s, TOP, &info), ELF_OK);
	CHECK_EQ(info.phdr_vaddr, 0x401003);
}

/* ---- truncation --------------------------------------------------------- */

TEST(null_or_empty_image)
{
	struct elf_info info;

	CHECK_EQ(elf_parse(NULL, 0, TOP, &info), ELF_E_SHORT);
	CHECK_EQ(elf_parse(NULL, 4096, TOP, &info), ELF_E_SHORT);
}

/*
 * Cut at every length: the ELF header must fit (ELF_E_SHORT), then the
 * program header table (ELF_E_PHDR), then every segment's bytes
 * (ELF_E_SEGMENT).
 */
static void
check_truncations(const struct spec *s)
{
	unsigned char *full = build(s);
	uint64_t hdr_end = s->phoff + (uint64_t)s->phnum * PHDR_SIZE;
	uint64_t data_end = 0;
	struct elf_info info;

	for (int i = 0; i < s->nph; i++)
		if (s->ph[i].type == ELF_PT_LOAD && s->ph[i].memsz != 0 &&
		    s->ph[i].offset + s->ph[i].filesz > data_end)
			data_end = s->ph[i].offset + s->ph[i].filesz;
	for (size_t len = 0; len < s->len; len++) {
		int want = len < EHDR_SIZE ? ELF_E_SHORT : len < hdr_end ? ELF_E_PHDR :
		    len < data_end ? ELF_E_SEGMENT : ELF_OK;
		int got = parse_prefix(full, len, TOP, &info);

		CHECK_MSG(got == want, "cut at %zu of %zu: got %d (%s), want %d (%s)",
		    len, s->len, got, elf_strerror(got), want, elf_strerror(want));
	}
	CHECK_EQ(parse_prefix(full, s->len, TOP, &info), ELF_OK);
	free(full);
}

TEST(truncated_everywhere)
{
	struct spec s;

	spec_one(&s);
	check_truncations(&s);
	spec_two(&s);
	check_truncations(&s);
	spec_three(&s);
	check_truncations(&s);
}

/* Bytes after the last segment are allowed (section headers, symbols). */
TEST(trailing_bytes_allowed)
{
	struct spec s;

	spec_three(&s);
	s.len += 12345;
	CHECK_EQ(parse(&s), ELF_OK);
}

/* ---- the ELF header ------------------------------------------------------- */

TEST(bad_magic)
{
	static const unsigned char bad[4] = { 0x7e, 'e', 'l', 'f' };
	struct spec s;

	for (int i = 0; i < 4; i++) {
		spec_three(&s);
		s.ident[i] = bad[i];
		CHECK_EQ(parse(&s), ELF_E_MAGIC);
		s.ident[i] = 0;
		CHECK_EQ(parse(&s), ELF_E_MAGIC);
	}
	/* A non-ELF file of any length, even shorter than a header. */
	for (size_t len = 0; len < 200; len++) {
		unsigned char img[200];
		struct elf_info info;

		memset(img, '#', sizeof(img));
		int r = parse_prefix(img, len, TOP, &info);
		CHECK_EQ(r, len < EHDR_SIZE ? ELF_E_SHORT : ELF_E_MAGIC);
	}
}

TEST(wrong_class)
{
	struct spec s;

	for (int c = 0; c < 256; c++) {
		if (c == 2)
			continue;
		spec_three(&s);
		s.ident[4] = c;		/* 1 = ELFCLASS32 */
		CHECK_EQ(parse(&s), ELF_E_CLASS);
	}
}

TEST(big_endian)
{
	struct spec s;

	for (int d = 0; d < 256; d++) {
		if (d == 1)
			continue;
		spec_three(&s);
		s.ident[5] = d;		/* 2 = ELFDATA2MSB */
		CHECK_EQ(parse(&s), ELF_E_CLASS);
	}
}

TEST(wrong_machine)
{
	static const uint16_t machines[] = { 0, 3, 40, 62 << 8, 183, 243, 0xffff };
	struct spec s;

	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		spec_three(&s);
		s.machine = machines[i];
		CHECK_EQ(parse(&s), ELF_E_MACHINE);
	}
}

TEST(not_an_executable)
{
	static const uint16_t types[] = { 0, 1, 3, 4, 2 << 8, 0xfe00, 0xffff };
	struct spec s;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		spec_three(&s);
		s.type = types[i];	/* ET_NONE, ET_REL, ET_DYN, ET_CORE, ... */
		CHECK_EQ(parse(&s), ELF_E_TYPE);
	}
}

/* ---- the program header table ---------------------------------------------- */

TEST(phentsize_wrong)
{
	static const uint16_t sizes[] = { 0, 1, 32, 55, 57, 64, 112, 0xffff };
	struct spec s;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		spec_three(&s);
		s.phentsize = sizes[i];
		CHECK_EQ(parse(&s), ELF_E_PHDR);
	}
}

TEST(phnum_zero)
{
	struct spec s;

	spec_three(&s);
	s.phnum = 0;
	CHECK_EQ(parse(&s), ELF_E_PHDR);
}

TEST(phnum_huge)
{
	static const uint16_t nums[] = { 65, 100, 0x7fff, 0xffff /* PN_XNUM */ };
	struct spec s;

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		/* Huge even though the bytes are all there. */
		spec_three(&s);
		s.len = EHDR_SIZE + (size_t)nums[i] * PHDR_SIZE + 0x2000;
		s.phnum = nums[i];
		CHECK_EQ(parse(&s), ELF_E_PHDR);
	}
}

TEST(phnum_largest_allowed)
{
	struct spec s;

	spec_init(&s, 0x2000);
	add_ph(&s, ELF_PT_LOAD, R | X, 0x1000, 0x401000, 0x100, 0x100);
	while (s.nph < 64)
		add_ph(&s, PT_NULL, 0, 0, 0, 0, 0);
	s.entry = 0x401000;
	CHECK_EQ(parse(&s), ELF_OK);
	s.len = EHDR_SIZE + 64 * PHDR_SIZE - 1;	/* one byte short */
	CHECK_EQ(parse(&s), ELF_E_PHDR);
}

TEST(phoff_past_end)
{
	static const uint64_t offs[] = {
		0x1900, 0x1901, 0x1900 - 4 * PHDR_SIZE + 1, 0x1000000,
		UINT64_MAX, UINT64_MAX - PHDR_SIZE + 1, UINT64_MAX - 4 * PHDR_SIZE + 2,
		1ull << 63, 0xffffffff00000000ull,
	};
	struct spec s;

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		spec_three(&s);
		s.phoff = offs[i];
		CHECK_EQ(parse(&s), ELF_E_PHDR);
	}
	/* The table may end exactly at the end of the file. */
	spec_three(&s);
	s.phoff = 0x1900 - 4 * PHDR_SIZE;
	CHECK_EQ(parse(&s), ELF_OK);
}

/* ---- segments ------------------------------------------------------------------ */

TEST(segment_offset_past_end)
{
	static const uint64_t offs[] = {
		0x2800, 0x3800, 1ull << 40 | 0x800, UINT64_MAX - 0x7ff,
	};
	struct spec s;

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		spec_three(&s);
		s.ph[3].offset = offs[i];	/* same page offset as vaddr 0x402800 */
		CHECK_EQ(parse(&s), ELF_E_SEGMENT);
		/* Even with nothing to read from it. */
		s.ph[3].filesz = 0;
		CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	}
	/* A segment with no file bytes may start exactly at the end. */
	spec_three(&s);
	s.len = 0x2000;
	s.ph[3].offset = 0x2000;
	s.ph[3].vaddr = 0x403000;
	s.ph[3].filesz = 0;
	CHECK_EQ(parse(&s), ELF_OK);
}

TEST(segment_filesz_past_end)
{
	static const uint64_t sizes[] = {
		0x101, 0x1000, 1ull << 32, UINT64_MAX - 0x1800 + 1, UINT64_MAX,
	};
	struct spec s;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		spec_three(&s);
		s.ph[3].filesz = sizes[i];
		s.ph[3].memsz = sizes[i] > 0x3000 ? sizes[i] : 0x3000;
		CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	}
	/* Exactly to the end is fine. */
	spec_three(&s);
	s.ph[3].filesz = 0x100;
	CHECK_EQ(parse(&s), ELF_OK);
}

TEST(filesz_above_memsz)
{
	struct spec s;

	spec_three(&s);
	s.ph[3].memsz = s.ph[3].filesz - 1;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	spec_three(&s);
	s.ph[2].memsz = 0x7ff;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	/* Also when memsz is zero: the header is still malformed. */
	spec_three(&s);
	s.ph[3].memsz = 0;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
}

TEST(vaddr_plus_memsz_overflows)
{
	struct spec s;

	spec_three(&s);
	s.ph[3].memsz = UINT64_MAX - 0x402800 + 2;	/* wraps to 1 */
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	spec_three(&s);
	s.ph[3].memsz = UINT64_MAX;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	spec_three(&s);
	s.ph[3].vaddr = 0xfffffffffffff800;
	s.ph[3].memsz = 0x1000;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	/* Kernel half, no wrap. */
	spec_three(&s);
	s.ph[3].vaddr = 0xffffffff80000800;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
}

TEST(segment_reaching_user_top)
{
	struct spec s;

	/* Ending exactly at user_top is allowed; one byte more is not. */
	spec_three(&s);
	s.ph[3].vaddr = TOP - 0x3000 + 0x800;
	s.ph[3].memsz = 0x2800;
	CHECK_EQ(parse(&s), ELF_OK);
	s.ph[3].memsz = 0x2801;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	/* Starting at or above it. */
	spec_three(&s);
	s.ph[3].vaddr = TOP + 0x800;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	/* user_top is the caller's: a smaller one is honoured. */
	spec_three(&s);
	CHECK_EQ(parse_top(&s, 0x405800, NULL), ELF_OK);
	CHECK_EQ(parse_top(&s, 0x405800 - 1, NULL), ELF_E_SEGMENT);
	CHECK_EQ(parse_top(&s, 0x400000, NULL), ELF_E_SEGMENT);
	CHECK_EQ(parse_top(&s, 0, NULL), ELF_E_SEGMENT);
}

TEST(segment_in_page_zero)
{
	struct spec s;

	spec_three(&s);
	s.ph[3].vaddr = 0x800;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	spec_init(&s, 0x200);
	add_ph(&s, ELF_PT_LOAD, R | X, 0, 0, 0x200, 0x200);
	s.entry = 0x100;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	/* The first page above it is fine. */
	s.ph[0].vaddr = 0x1000;
	s.entry = 0x1100;
	CHECK_EQ(parse(&s), ELF_OK);
}

TEST(misaligned_vaddr_or_offset)
{
	struct spec s;

	spec_three(&s);
	s.ph[2].vaddr = 0x401001;
	s.entry = 0x401011;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	spec_three(&s);
	s.ph[2].offset = 0x1001;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	spec_three(&s);
	s.ph[3].vaddr = 0x403000;	/* offset 0x1800: page offsets differ */
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	/* Unaligned but congruent modulo the page size is fine. */
	spec_three(&s);
	s.ph[2].offset = 0x1010;
	s.ph[2].vaddr = 0x401010;
	s.ph[2].filesz = s.ph[2].memsz = 0x7f0;
	CHECK_EQ(parse(&s), ELF_OK);
}

TEST(overlapping_segments)
{
	struct spec s;

	/* Data's bss runs into the next segment. */
	spec_three(&s);
	add_ph(&s, ELF_PT_LOAD, R, 0x800, 0x405800, 0x100, 0x100);
	s.ph[0].filesz = s.ph[0].memsz = 5 * PHDR_SIZE;
	CHECK_EQ(parse(&s), ELF_OK);	/* 0x402800 + 0x3000 ends at 0x405800 */
	s.ph[4].vaddr = 0x404800;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);

	/* The same segment twice. */
	spec_two(&s);
	s.ph[2] = s.ph[1];
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);

	/* One inside the other, in either order. */
	spec_two(&s);
	s.ph[2] = (struct ph){ ELF_PT_LOAD, R, 0x2100, 0x403100, 0x10, 0x10, 4096 };
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	spec_two(&s);
	s.ph[2] = s.ph[1];
	s.ph[1] = (struct ph){ ELF_PT_LOAD, R, 0x2100, 0x403100, 0x10, 0x10, 4096 };
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);

	/* Overlap by a single byte at either end. */
	spec_two(&s);
	s.ph[2] = (struct ph){ ELF_PT_LOAD, R, 0x233, 0x401233, 0x10, 0x10, 4096 };
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	s.ph[2].vaddr = 0x401234;	/* adjacent, sharing a page: allowed */
	s.ph[2].offset = 0x234;
	CHECK_EQ(parse(&s), ELF_OK);
	s.ph[2] = (struct ph){ ELF_PT_LOAD, R, 0x1ff0, 0x401ff0, 0x10, 0x11, 4096 };
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	s.ph[2].memsz = 0x10;
	CHECK_EQ(parse(&s), ELF_OK);
}

TEST(entry_outside_code)
{
	static const uint64_t entries[] = {
		0, 0x1000, 0x3fffff, 0x400000,		/* before, or in read-only */
		0x400fff, 0x401800, 0x401801,		/* just past the code */
		0x402800, 0x405000, 0x405800,		/* in data and bss */
		0x7fffffffffff, TOP, UINT64_MAX,
	};
	struct spec s;

	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		spec_three(&s);
		s.entry = entries[i];
		CHECK_MSG(parse(&s) == ELF_E_ENTRY, "entry 0x%" PRIx64 ": got %d",
		    entries[i], parse(&s));
	}
	/* First and last byte of the code are fine. */
	spec_three(&s);
	s.entry = 0x401000;
	CHECK_EQ(parse(&s), ELF_OK);
	s.entry = 0x4017ff;
	CHECK_EQ(parse(&s), ELF_OK);
	/* Only PF_X counts, not PF_R. */
	spec_three(&s);
	s.ph[2].flags = R;
	CHECK_EQ(parse(&s), ELF_E_ENTRY);
}

static void
spec_many(struct spec *s, int nloads)
{
	spec_init(s, 0x1000);
	for (int i = 0; i < nloads; i++)
		add_ph(s, ELF_PT_LOAD, i == 0 ? R | X : R, 0, 0x400000 + i * 0x1000ull,
		    i == 0 ? 0x1000 : 0, i == 0 ? 0x1000 : 0x10);
	s->entry = 0x400000;
}

TEST(sixteen_loads)
{
	struct spec s;
	struct elf_info info;

	spec_many(&s, 16);
	REQUIRE_EQ(parse_top(&s, TOP, &info), ELF_OK);
	CHECK_EQ(info.nsegs, 16);
	CHECK_EQ(info.segs[15].vaddr, 0x40f000);
}

TEST(more_than_sixteen_loads)
{
	struct spec s;

	for (int n = 17; n <= 64; n++) {
		spec_many(&s, n);
		CHECK_EQ(parse(&s), ELF_E_TOOMANY);
	}
}

TEST(no_loadable_segment)
{
	struct spec s;

	spec_init(&s, 0x200);
	add_ph(&s, PT_NOTE, R, 0x100, 0x400100, 0x10, 0x10);
	s.entry = 0x400100;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
	/* Only empty PT_LOADs. */
	spec_init(&s, 0x200);
	add_ph(&s, ELF_PT_LOAD, R | X, 0, 0x400000, 0, 0);
	s.entry = 0x400000;
	CHECK_EQ(parse(&s), ELF_E_SEGMENT);
}

TEST(strerror_names_every_code)
{
	for (int i = ELF_OK; i <= ELF_E_ENTRY; i++) {
		REQUIRE(elf_strerror(i) != NULL);
		CHECK(strcmp(elf_strerror(i), "unknown ELF error") != 0);
		for (int j = ELF_OK; j < i; j++)
			CHECK(strcmp(elf_strerror(i), elf_strerror(j)) != 0);
	}
	CHECK_STREQ(elf_strerror(-1), "unknown ELF error");
	CHECK_STREQ(elf_strerror(ELF_E_ENTRY + 1), "unknown ELF error");
}
