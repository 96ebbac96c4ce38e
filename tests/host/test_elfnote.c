/*
 * elf_has_note(): how init tells native Skiff programs (with the Skiff
 * note) from Linux programs, on real and damaged images.
 */
#include "tests/host/host.h"
#include "lib/common/elf.c"

/* A minimal ELF header and one PT_NOTE header pointing at a note. */
static size_t
make_image(unsigned char *b, const char *owner, uint32_t type, uint32_t descsz)
{
	size_t namesz = strlen(owner) + 1, off = 64 + 56, len;

	memset(b, 0, 512);
	b[0] = 0x7f; b[1] = 'E'; b[2] = 'L'; b[3] = 'F'; b[4] = 2; b[5] = 1;
	b[16] = 2; b[18] = 62;
	b[32] = 64;		/* phoff */
	b[54] = 56;		/* phentsize */
	b[56] = 1;		/* phnum */
	b[64] = 4;		/* PT_NOTE */
	b[64 + 8] = (unsigned char)off;
	len = 12 + ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
	b[64 + 32] = (unsigned char)len;
	b[off] = (unsigned char)namesz;
	b[off + 4] = (unsigned char)descsz;
	b[off + 8] = (unsigned char)type;
	memcpy(b + off + 12, owner, namesz);
	return off + len;
}

TEST(finds_the_skiff_note)
{
	unsigned char b[512];
	size_t n = make_image(b, "Skiff", 1, 4);

	CHECK(elf_has_note(b, n, ELF_NOTE_SKIFF, ELF_NOTE_SKIFF_NATIVE) == 1);
}

TEST(other_owner_or_type_is_not_native)
{
	unsigned char b[512];
	size_t n = make_image(b, "GNU", 1, 4);

	CHECK(elf_has_note(b, n, ELF_NOTE_SKIFF, ELF_NOTE_SKIFF_NATIVE) == 0);
	n = make_image(b, "Skiff", 2, 4);
	CHECK(elf_has_note(b, n, ELF_NOTE_SKIFF, ELF_NOTE_SKIFF_NATIVE) == 0);
	n = make_image(b, "Skif", 1, 4);
	CHECK(elf_has_note(b, n, ELF_NOTE_SKIFF, ELF_NOTE_SKIFF_NATIVE) == 0);
}

TEST(truncated_and_lying_sizes_are_safe)
{
	unsigned char b[512];
	size_t n = make_image(b, "Skiff", 1, 4);

	for (size_t cut = 0; cut < n; cut++)
		CHECK(elf_has_note(b, cut, ELF_NOTE_SKIFF, ELF_NOTE_SKIFF_NATIVE) == 0);
	b[64 + 4 + 1] = 0;
	b[120 + 4] = 0xff;	/* descsz runs past the segment */
	CHECK(elf_has_note(b, n, ELF_NOTE_SKIFF, ELF_NOTE_SKIFF_NATIVE) == 0);
	CHECK(elf_has_note(NULL, 0, ELF_NOTE_SKIFF, ELF_NOTE_SKIFF_NATIVE) == 0);
}
