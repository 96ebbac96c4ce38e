/*
 * lib/common/elf.c under random mutation: images derived from the valid
 * ones in tests/host/elf_spec.h by random byte, bit and field changes and
 * truncation are either rejected with a known ELF_E_* code or accepted
 * only if every segment is sound. Each image is exactly sized, so a read
 * outside it is caught by AddressSanitizer.
 */
#include "tests/host/host.h"
#include "lib/common/elf.c"
#include "tests/host/elf_spec.h"

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
