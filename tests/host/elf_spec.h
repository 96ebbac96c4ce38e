/*
 * Synthetic ELF images for the host tests of lib/common/elf.c
 * (test_elf.c and test_elf_fuzz.c). A struct spec describes an image;
 * build() turns it into bytes in a malloc'ed buffer of exactly its length,
 * so that AddressSanitizer catches any read past the end. spec_one(),
 * spec_two() and spec_three() are valid images of the shapes real linkers
 * produce. Include after tests/host/host.h and lib/common/elf.c.
 */
#ifndef TESTS_HOST_ELF_SPEC_H
#define TESTS_HOST_ELF_SPEC_H

#include "lib/common/elf.h"

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

#endif
