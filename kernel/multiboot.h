/* The parts of the Multiboot (version 1) information Skiff reads. */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_LOADER_MAGIC	0x2BADB002
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)
#define MB_INFO_MMAP		(1u << 6)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
	uint32_t start, end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

struct mb_mmap {
	uint32_t size;		/* of the rest of this entry */
	uint64_t addr, len;
	uint32_t type;		/* 1 = usable RAM */
} __attribute__((packed));

/* What kmain keeps of the boot information, copied out of low memory. */
#define BOOT_MAX_MODULES	16
#define BOOT_MAX_RANGES		32

struct boot_module {
	uint64_t start, end;	/* physical, start page aligned */
	char name[64];		/* first word of the module string */
	char args[128];		/* the rest */
};

struct boot_info {
	char cmdline[256];
	int nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
	int nram;
	struct { uint64_t start, end; } ram[BOOT_MAX_RANGES];
};

extern struct boot_info boot_info;

void boot_info_parse(uint32_t magic, uint64_t mbi_phys);

#endif
