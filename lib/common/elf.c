/* ELF64 executable parsing; see elf.h for the contract. */
#include "lib/common/elf.h"

struct ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_PHDR	6
#define PT_NOTE	4

static uint64_t
rd64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t
rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int
elf_parse(const void *image, size_t len, uint64_t user_top, struct elf_info *info)
{
	const unsigned char *b = image;
	uint64_t phoff;
	uint16_t phnum, phentsize, type;
	int has_exec_entry = 0;

	if (image == 0 || len < sizeof(struct ehdr))
		return ELF_E_SHORT;
	if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
		return ELF_E_MAGIC;
	if (b[4] != 2 || b[5] != 1)
		return ELF_E_CLASS;
	type = rd16(b + 16);
	if (rd16(b + 18) != 62)
		return ELF_E_MACHINE;
	if (type != 2)		/* ET_EXEC: static, non-PIE */
		return ELF_E_TYPE;
	info->entry = rd64(b + 24);
	phoff = rd64(b + 32);
	phentsize = rd16(b + 54);
	phnum = rd16(b + 56);
	if (phentsize != sizeof(struct phdr) || phnum == 0 || phnum > 64)
		return ELF_E_PHDR;
	if (phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return ELF_E_PHDR;
	info->phnum = phnum;
	info->phentsize = phentsize;
	info->phdr_vaddr = 0;
	info->nsegs = 0;

	for (uint16_t i = 0; i < phnum; i++) {
		const unsigned char *p = b + phoff + (uint64_t)i * phentsize;
		uint32_t ptype = rd32(p);
		struct elf_segment s;

		if (ptype == PT_PHDR)
			info->phdr_vaddr = rd64(p + 16);
		if (ptype != ELF_PT_LOAD)
			continue;
		s.flags = rd32(p + 4);
		s.offset = rd64(p + 8);
		s.vaddr = rd64(p + 16);
		s.filesz = rd64(p + 32);
		s.memsz = rd64(p + 40);
		/* Malformed even when empty: filesz may never exceed memsz. */
		if (s.filesz > s.memsz)
			return ELF_E_SEGMENT;
		if (s.memsz == 0)
			continue;
		if (s.offset > len || s.filesz > len - s.offset)
			return ELF_E_SEGMENT;
		if (s.vaddr >= user_top || s.memsz > user_top - s.vaddr || s.vaddr < 4096)
			return ELF_E_SEGMENT;
		/* File offset and address must agree modulo the page size. */
		if ((s.vaddr & 4095) != (s.offset & 4095))
			return ELF_E_SEGMENT;
		/* Segments may share a page but their bytes may not overlap. */
		for (int j = 0; j < info->nsegs; j++) {
			const struct elf_segment *o = &info->segs[j];

			if (s.vaddr < o->vaddr + o->memsz && o->vaddr < s.vaddr + s.memsz)
				return ELF_E_SEGMENT;
		}
		if (info->nsegs == (int)(sizeof(info->segs) / sizeof(info->segs[0])))
			return ELF_E_TOOMANY;
		if ((s.flags & ELF_PF_X) && info->entry >= s.vaddr &&
		    info->entry < s.vaddr + s.memsz)
			has_exec_entry = 1;
		info->segs[info->nsegs++] = s;
		/* Without PT_PHDR, the headers are mapped if the first segment covers them. */
		if (info->phdr_vaddr == 0 && s.offset <= phoff &&
		    phoff + (uint64_t)phnum * phentsize <= s.offset + s.filesz)
			info->phdr_vaddr = s.vaddr + (phoff - s.offset);
	}
	if (info->nsegs == 0)
		return ELF_E_SEGMENT;
	if (!has_exec_entry)
		return ELF_E_ENTRY;
	return ELF_OK;
}

const char *
elf_strerror(int err)
{
	static const char *const msgs[] = {
		"ok", "image too short", "not an ELF file", "not 64-bit little-endian",
		"not x86-64", "not a static executable", "bad program headers",
		"bad segment", "too many segments", "entry point not in code",
	};

	if (err < 0 || err >= (int)(sizeof(msgs) / sizeof(msgs[0])))
		return "unknown ELF error";
	return msgs[err];
}

static int
same_bytes(const unsigned char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != (unsigned char)b[i])
			return 0;
	return 1;
}

int
elf_has_note(const void *image, size_t len, const char *name, uint32_t type)
{
	const unsigned char *b = image;
	size_t namesz = 1;
	uint64_t phoff;
	uint16_t phnum;

	while (name[namesz - 1] != '\0')
		namesz++;
	if (image == 0 || len < sizeof(struct ehdr) || b[0] != 0x7f || b[1] != 'E' ||
	    b[2] != 'L' || b[3] != 'F' || rd16(b + 54) != sizeof(struct phdr))
		return 0;
	phoff = rd64(b + 32);
	phnum = rd16(b + 56);
	if (phoff > len || (uint64_t)phnum * sizeof(struct phdr) > len - phoff)
		return 0;
	for (uint16_t i = 0; i < phnum; i++) {
		const unsigned char *ph = b + phoff + (uint64_t)i * sizeof(struct phdr);
		uint64_t off = rd64(ph + 8), size = rd64(ph + 32), pos = 0;

		if (rd32(ph) != PT_NOTE || off > len || size > len - off)
			continue;
		/* Each note: namesz, descsz, type, then name and desc padded to 4. */
		while (size - pos >= 12) {
			const unsigned char *n = b + off + pos;
			uint64_t nsz = rd32(n), dsz = rd32(n + 4);
			uint64_t step = 12 + ((nsz + 3) & ~3ull) + ((dsz + 3) & ~3ull);

			if (nsz > size || dsz > size || step > size - pos)
				break;
			if (nsz == namesz && rd32(n + 8) == type &&
			    same_bytes(n + 12, name, namesz))
				return 1;
			pos += step;
		}
	}
	return 0;
}
