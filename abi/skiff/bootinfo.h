/*
 * What the kernel hands the root task (init): a read-only page at the
 * address passed in RDI at its entry, describing the handles it was given.
 */
#ifndef SKIFF_BOOTINFO_H
#define SKIFF_BOOTINFO_H

#include <stdint.h>
#include "abi/skiff/objects.h"

#define SK_BOOTINFO_MAGIC	0x534b4946424f4f54ull	/* "SKIFBOOT" */
#define SK_BOOT_MAX_MODULES	15

struct sk_boot_module {
	sk_handle_t vmo;	/* the module's bytes (read, map, exec) */
	uint32_t _pad;
	uint64_t size;		/* exact length in bytes */
	char name[48];		/* file name, e.g. "ktest" */
	char args[120];		/* the rest of its boot line */
};
_Static_assert(sizeof(struct sk_boot_module) == 184, "sk_boot_module layout");

struct sk_bootinfo {
	uint64_t magic;
	uint32_t nmodules;
	uint32_t ncpus;
	sk_handle_t ioports;	/* SK_OBJ_IOPORT: ports 0-65535 */
	sk_handle_t mmio;	/* SK_OBJ_MMIO: all physical addresses below 2^40 */
	sk_handle_t irqs;	/* SK_OBJ_IRQ: lines 0-23 */
	uint32_t _pad;
	char cmdline[256];
	char args[120];		/* init's own boot line arguments */
	struct sk_boot_module modules[SK_BOOT_MAX_MODULES];
};
_Static_assert(sizeof(struct sk_bootinfo) <= 4096, "bootinfo fits a page");

#endif
