/*
 * Copies what the kernel needs out of the Multiboot information (the
 * memory map, the modules and the command line) into boot_info, before the
 * page allocator may reuse the memory it lives in.
 */
#include "kernel/kernel.h"
#include "kernel/multiboot.h"

struct boot_info boot_info;

static void
copy_str(char *dst, size_t size, uint64_t pa)
{
	const char *s = P2V(pa);
	size_t i = 0;

	if (pa == 0) {
		dst[0] = 0;
		return;
	}
	for (; i + 1 < size && s[i]; i++)
		dst[i] = s[i];
	dst[i] = 0;
}

void
boot_info_parse(uint32_t magic, uint64_t mbi_phys)
{
	const struct mb_info *mbi = P2V(mbi_phys);

	if (magic != MULTIBOOT_LOADER_MAGIC)
		panic("boot_info_parse: not started by a Multiboot loader (magic 0x%x)", magic);
	if (!(mbi->flags & MB_INFO_MMAP))
		panic("boot_info_parse: the boot loader gave no memory map");

	if (mbi->flags & MB_INFO_CMDLINE)
		copy_str(boot_info.cmdline, sizeof(boot_info.cmdline), mbi->cmdline);

	for (uint64_t off = 0; off < mbi->mmap_length;) {
		const struct mb_mmap *e = P2V(mbi->mmap_addr + off);

		if (e->type == 1 && boot_info.nram < BOOT_MAX_RANGES) {
			boot_info.ram[boot_info.nram].start = e->addr;
			boot_info.ram[boot_info.nram].end = e->addr + e->len;
			boot_info.nram++;
		}
		off += e->size + 4;
	}

	if (mbi->flags & MB_INFO_MODS) {
		const struct mb_module *m = P2V(mbi->mods_addr);

		for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES; i++) {
			struct boot_module *bm = &boot_info.modules[i];
			char str[192];
			char *sp;
			const char *base;

			bm->start = m[i].start;
			bm->end = m[i].end;
			copy_str(str, sizeof(str), m[i].string);
			/* "path/to/name args..." -> name = basename, args = rest */
			sp = str;
			while (*sp && *sp != ' ')
				sp++;
			if (*sp)
				*sp++ = 0;
			base = str;
			for (const char *p = str; *p; p++)
				if (*p == '/')
					base = p + 1;
			strlcpy(bm->name, base, sizeof(bm->name));
			strlcpy(bm->args, sp, sizeof(bm->args));
			boot_info.nmodules++;
		}
	}
}
