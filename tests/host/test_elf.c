/*
 * lib/common/elf.c: valid static executables parse into the right segments;
 * every malformed variant gets its specific ELF_E_* code; nothing is read
 * outside the image. Each image is malloc'ed at exactly its length so that
 * AddressSanitizer catches any read past its end.
 */
#include "tests/host/host.h"
#include "lib/common/elf.c"

#define TOP		0x0000800000000000ull	/* the kernel's USER_TOP */
#define EHDR_SIZE	64
#define PHDR_SIZE	56
#define PT_NULL		0
#define PT_NOTE		4
#define PT_TLS		7
#define PT_GNU_STACK	0x6474e551
#define R		ELF_PF_R
#define W		ELF_PF_W
#define X		ELF_PF_X

struct ph {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

/* A description of an image, turned into bytes by build(). */
struct spec {
	unsigned char ident[16];
	uint16_t type, machine, phentsize, phnum;
	uint64_t entry, phoff;
	int nph;		/* program headers written */
	struct ph ph[80];
	size_t len;		/* bytes in the image */
};

static void
wr16(unsigned char *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void
wr32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void
wr64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static void
spec_init(struct spec *s, size_t len)
{
	static const unsigned char ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };

	memset(s, 0, sizeof(*s));
	memcpy(s->ident, ident, sizeof(ident));
	s->type = 2;		/* ET_EXEC */
	s->machine = 62;	/* EM_X86_64 */
	s->phentsize = PHDR_SIZE;
	s->phoff = EHDR_SIZE;
	s->len = len;
}

static struct ph *
add_ph(struct spec *s, uint32_t type, uint32_t flags, uint64_t offset,
    uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
	struct ph *p = &s->ph[s->nph++];

	*p = (struct ph){ type, flags, offset, vaddr, filesz, memsz, 4096 };
	s->phnum = s->nph;
	return p;
}

/* The bytes of s, in a buffer of exactly s->len bytes (caller frees). */
static unsigned char *
build(const struct spec *s)
{
	unsigned char *b = malloc(s->len ? s->len : 1);
	unsigned char hdr[EHDR_SIZE];

	if (b == NULL)
		abort();
	/* Some recognisable filler for the segment contents. */
	for (size_t i = 0; i < s->len; i++)
		b[i] = (unsigned char)(i * 7 + 3);
	memcpy(hdr, s->ident, 16);
	wr16(hdr + 16, s->type);
	wr16(hdr + 18, s->machine);
	wr32(hdr + 20, 1);
	wr64(hdr + 24, s->entry);
	wr64(hdr + 32, s->phoff);
	wr64(hdr + 40, 0);
	wr32(hdr + 48, 0);
	wr16(hdr + 52, EHDR_SIZE);
	wr16(hdr + 54, s->phentsize);
	wr16(hdr + 56, s->phnum);
	wr16(hdr + 58, 64);
	wr16(hdr + 60, 0);
	wr16(hdr + 62, 0);
	memcpy(b, hdr, s->len < EHDR_SIZE ? s->len : EHDR_SIZE);
	for (int i = 0; i < s->nph; i++) {
		unsigned char ph[PHDR_SIZE];
		uint64_t at = s->phoff + (uint64_t)i * PHDR_SIZE;

		wr32(ph, s->ph[i].type);
		wr32(ph + 4, s->ph[i].flags);
		wr64(ph + 8, s->ph[i].offset);
		wr64(ph + 16, s->ph[i].vaddr);
		wr64(ph + 24, s->ph[i].vaddr);
		wr64(ph + 32, s->ph[i].filesz);
		wr64(ph + 40, s->ph[i].memsz);
		wr64(ph + 48, s->ph[i].align);
		for (int j = 0; j < PHDR_SIZE; j++)
			if (s->phoff < s->len && at + j < s->len && at + j >= s->phoff)
				b[at + j] = ph[j];
	}
	return b;
}

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

/* One read-execute segment from offset 0, headers included; no PT_PHDR. */
static void
spec_one(struct spec *s)
{
	spec_init(s, 0x300);
	add_ph(s, ELF_PT_LOAD, R | X, 0, 0x400000, 0x300, 0x300);
	s->entry = 0x400100;
}

/* Text and data+bss, as `ld -static` lays them out. */
static void
spec_two(struct spec *s)
{
	spec_init(s, 0x2200);
	add_ph(s, ELF_PT_LOAD, R | X, 0, 0x400000, 0x1234, 0x1234);
	add_ph(s, ELF_PT_LOAD, R | W, 0x2000, 0x402000, 0x200, 0x5000);
	add_ph(s, PT_GNU_STACK, R | W, 0, 0, 0, 0);
	s->entry = 0x401000;
}

/* PT_PHDR, read-only headers, text, data+bss at an unaligned page offset. */
static void
spec_three(struct spec *s)
{
	spec_init(s, 0x1900);
	add_ph(s, PT_PHDR, R, EHDR_SIZE, 0x400000 + EHDR_SIZE, 4 * PHDR_SIZE, 4 * PHDR_SIZE);
	add_ph(s, ELF_PT_LOAD, R, 0, 0x400000, 0x1000, 0x1000);
	add_ph(s, ELF_PT_LOAD, R | X, 0x1000, 0x401000, 0x800, 0x800);
	add_ph(s, ELF_PT_LOAD, R | W, 0x1800, 0x402800, 0x100, 0x3000);
	s->entry = 0x401010;
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

/* ---- fuzzing ---------------------------------------------------------------- */

/* What every accepted image must satisfy, whatever its bytes. */
static void
check_accepted(const unsigned char *img, size_t len, uint64_t top,
    const struct elf_info *info, int iter)
{
	int exec_entry = 0;

	CHECK_MSG(info->nsegs >= 1 && info->nsegs <= 16, "iter %d: nsegs %d", iter, info->nsegs);
	CHECK_MSG(info->phentsize == PHDR_SIZE && info->phnum >= 1 && info->phnum <= 64,
	    "iter %d: phnum %u phentsize %u", iter, info->phnum, info->phentsize);
	CHECK_MSG(len >= EHDR_SIZE && memcmp(img, "\177ELF\2\1", 6) == 0, "iter %d: header", iter);
	for (int i = 0; i < info->nsegs && i < 16; i++) {
		const struct elf_segment *g = &info->segs[i];

		CHECK_MSG(g->filesz <= g->memsz && g->memsz > 0, "iter %d seg %d: sizes", iter, i);
		CHECK_MSG(g->offset <= len && g->filesz <= len - g->offset,
		    "iter %d seg %d: file bytes out of bounds", iter, i);
		CHECK_MSG(g->vaddr >= 4096 && g->vaddr < top && g->memsz <= top - g->vaddr,
		    "iter %d seg %d: address out of bounds", iter, i);
		CHECK_MSG(((g->vaddr ^ g->offset) & 4095) == 0, "iter %d seg %d: alignment", iter, i);
		for (int j = 0; j < i; j++) {
			const struct elf_segment *o = &info->segs[j];

			CHECK_MSG(g->vaddr >= o->vaddr + o->memsz || o->vaddr >= g->vaddr + g->memsz,
			    "iter %d: segments %d and %d overlap", iter, j, i);
		}
		if ((g->flags & ELF_PF_X) && info->entry >= g->vaddr &&
		    info->entry - g->vaddr < g->memsz)
			exec_entry = 1;
	}
	CHECK_MSG(exec_entry, "iter %d: entry 0x%" PRIx64 " not in code", iter, info->entry);
}

static const uint64_t interesting[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x1001, 0xffff, 0x10000,
	0x400000, 0x401000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
	TOP - 1, TOP, TOP + 1, 0x7fffffffffffffff, 0x8000000000000000,
	UINT64_MAX - 4096, UINT64_MAX - 1, UINT64_MAX,
};

TEST(fuzz_mutations)
{
	struct spec specs[3];
	unsigned char *base[3];
	unsigned char *img;
	size_t maxlen = 0;
	int accepted = 0, codes[16] = { 0 };

	spec_one(&specs[0]);
	spec_two(&specs[1]);
	spec_three(&specs[2]);
	for (int i = 0; i < 3; i++) {
		base[i] = build(&specs[i]);
		if (specs[i].len > maxlen)
			maxlen = specs[i].len;
	}
	img = malloc(maxlen);
	for (int iter = 0; iter < 20000; iter++) {
		int which = host_rand_below(3);
		size_t len = specs[which].len;
		size_t hdr = EHDR_SIZE + (size_t)specs[which].phnum * PHDR_SIZE;
		int nmut = 1 + host_rand_below(8);
		uint64_t top = host_rand_below(4) == 0 ? host_rand_below(0x410000) : TOP;
		struct elf_info info;
		unsigned char *b;
		int r;

		memcpy(img, base[which], len);
		for (int m = 0; m < nmut; m++) {
			/* Mostly the headers; sometimes anywhere. */
			size_t at = host_rand_below(4) ? host_rand_below(hdr) : host_rand_below(len);

			switch (host_rand_below(4)) {
			case 0:		/* a random byte */
				img[at] = host_rand();
				break;
			case 1:		/* flip a bit */
				img[at] ^= 1u << host_rand_below(8);
				break;
			case 2: {	/* an interesting 64-bit field value */
				uint64_t v = interesting[host_rand_below(
				    sizeof(interesting) / sizeof(interesting[0]))];
				at &= ~(size_t)7;
				for (int k = 0; k < 8 && at + k < len; k++)
					img[at + k] = v >> (8 * k);
				break;
			}
			default:	/* a small 16-bit value (phnum, phentsize, type...) */
				img[at] = host_rand_below(80);
				if (at + 1 < len)
					img[at + 1] = 0;
				break;
			}
		}
		if (host_rand_below(8) == 0)
			len = host_rand_below(len + 1);
		b = malloc(len ? len : 1);
		memcpy(b, img, len);
		memset(&info, 0x5a, sizeof(info));
		r = elf_parse(b, len, top, &info);
		CHECK_MSG(r >= ELF_OK && r <= ELF_E_ENTRY, "iter %d: code %d", iter, r);
		if (r >= 0 && r < 16)
			codes[r]++;
		if (r == ELF_OK) {
			accepted++;
			check_accepted(b, len, top, &info, iter);
		}
		free(b);
		if (host_cur_failures > 20)
			break;
	}
	/* The mutations must exercise both outcomes, and most error paths. */
	CHECK_MSG(accepted > 100, "only %d mutated images accepted", accepted);
	for (int c = ELF_E_SHORT; c <= ELF_E_ENTRY; c++)
		CHECK_MSG(c == ELF_E_TOOMANY || codes[c] > 0, "fuzzing never produced %s",
		    elf_strerror(c));
	free(img);
	for (int i = 0; i < 3; i++)
		free(base[i]);
}
