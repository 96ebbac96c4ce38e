/*
 * ELF64 parsing for loaders (the kernel's root-task loader, the user-level
 * program loader and host tests share it). Pure C over an in-memory image:
 * every offset and size is checked against the image length.
 */
#ifndef LIB_COMMON_ELF_H
#define LIB_COMMON_ELF_H

#include <stdint.h>
#include <stddef.h>

#define ELF_PT_LOAD	1
#define ELF_PF_X	1
#define ELF_PF_W	2
#define ELF_PF_R	4

struct elf_segment {
	uint64_t vaddr;		/* where the segment starts in memory */
	uint64_t memsz;		/* bytes in memory (>= filesz; rest zero) */
	uint64_t offset;	/* of its bytes in the file */
	uint64_t filesz;
	uint32_t flags;		/* ELF_PF_* */
};

struct elf_info {
	uint64_t entry;
	uint64_t phdr_vaddr;	/* where the program headers are mapped, or 0 */
	uint16_t phnum, phentsize;
	int nsegs;
	struct elf_segment segs[16];
};

enum elf_error {
	ELF_OK = 0,
	ELF_E_SHORT,		/* image shorter than the ELF header */
	ELF_E_MAGIC,		/* not an ELF file */
	ELF_E_CLASS,		/* not 64-bit little-endian */
	ELF_E_MACHINE,		/* not x86-64 */
	ELF_E_TYPE,		/* not an executable */
	ELF_E_PHDR,		/* bad program header table, or it runs past the end */
	ELF_E_SEGMENT,		/* a segment is out of bounds (file or address
				   space), misaligned or overlaps; or none loads */
	ELF_E_TOOMANY,		/* more loadable segments than supported */
	ELF_E_ENTRY,		/* entry point outside every executable segment */
};

/*
 * Check an ELF image of len bytes and describe its loadable segments.
 * user_top is the first address segments may not reach. Returns ELF_OK or
 * the first problem found; info is only meaningful on ELF_OK.
 */
int elf_parse(const void *image, size_t len, uint64_t user_top, struct elf_info *info);
const char *elf_strerror(int err);

/*
 * Whether the image has a note (in a PT_NOTE segment) with the given
 * owner name and type. Freestanding native Skiff programs carry
 * ("Skiff", 1) (lib/sk/crt0.S); services, the servers and drivers built
 * with musl-gcc that init starts under the libos, carry ("Skiff", 2)
 * (lib/sk/service_note.S). A program with neither is a Linux program.
 */
int elf_has_note(const void *image, size_t len, const char *name, uint32_t type);
#define ELF_NOTE_SKIFF		"Skiff"
#define ELF_NOTE_SKIFF_NATIVE	1
#define ELF_NOTE_SKIFF_SERVICE	2

#endif
