/*
 * Physical page allocator: a bitmap over all frames below the highest
 * usable address (bit set = in use), a hint for where the last free page
 * was found, and a struct page array in the direct map.
 */
#include "kernel/pmm.h"
#include "kernel/multiboot.h"

static uint64_t *bitmap;
static struct page *pages;
static uint64_t nframes, nfree, ntotal, hint;

#define BIT_WORD(f)	((f) / 64)
#define BIT_MASK(f)	(1ull << ((f) % 64))

static inline bool used(uint64_t f) { return bitmap[BIT_WORD(f)] & BIT_MASK(f); }
static inline void set_used(uint64_t f) { bitmap[BIT_WORD(f)] |= BIT_MASK(f); }
static inline void set_free(uint64_t f) { bitmap[BIT_WORD(f)] &= ~BIT_MASK(f); }

extern char _phys_bss_end[];

static bool
overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

/* Is [s, e) free of the kernel image, the boot modules and low memory? */
static bool
range_is_free_at_boot(uint64_t s, uint64_t e)
{
	if (s < 0x100000)
		return false;
	if (overlaps(s, e, KERNEL_PHYS, (uint64_t)_phys_bss_end))
		return false;
	for (int i = 0; i < boot_info.nmodules; i++)
		if (overlaps(s, e, ALIGN_DOWN(boot_info.modules[i].start, PAGE_SIZE),
		    ALIGN_UP(boot_info.modules[i].end, PAGE_SIZE)))
			return false;
	return true;
}

void
pmm_init(void)
{
	uint64_t max = 0, meta_bytes, meta_pa = 0;

	for (int i = 0; i < boot_info.nram; i++)
		max = MAX(max, boot_info.ram[i].end);
	if (max > DIRECT_MAP_MAX)
		max = DIRECT_MAP_MAX;
	nframes = max / PAGE_SIZE;

	/* Find room for the bitmap and page array in usable RAM. */
	meta_bytes = ALIGN_UP(nframes / 8 + 8, PAGE_SIZE) +
	    ALIGN_UP(nframes * sizeof(struct page), PAGE_SIZE);
	for (int i = 0; i < boot_info.nram && meta_pa == 0; i++) {
		uint64_t s = ALIGN_UP(boot_info.ram[i].start, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(boot_info.ram[i].end, PAGE_SIZE);

		for (; s + meta_bytes <= e && s + meta_bytes <= 0x40000000; s += PAGE_SIZE)
			if (range_is_free_at_boot(s, s + meta_bytes)) {
				meta_pa = s;
				break;
			}
	}
	if (meta_pa == 0)
		panic("pmm_init: no room for the page allocator's %lu bytes", meta_bytes);
	bitmap = P2V(meta_pa);
	pages = P2V(meta_pa + ALIGN_UP(nframes / 8 + 8, PAGE_SIZE));
	memset(bitmap, 0xff, ALIGN_UP(nframes / 8 + 8, PAGE_SIZE));
	memset(pages, 0, nframes * sizeof(struct page));

	for (int i = 0; i < boot_info.nram; i++) {
		uint64_t s = ALIGN_UP(boot_info.ram[i].start, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(boot_info.ram[i].end, PAGE_SIZE);

		for (uint64_t pa = s; pa < e && pa / PAGE_SIZE < nframes; pa += PAGE_SIZE) {
			if (!range_is_free_at_boot(pa, pa + PAGE_SIZE) ||
			    overlaps(pa, pa + PAGE_SIZE, meta_pa, meta_pa + meta_bytes))
				continue;
			set_free(pa / PAGE_SIZE);
			nfree++;
		}
	}
	for (uint64_t f = 0; f < nframes; f++)
		if (used(f))
			pages[f].flags = PAGE_RESERVED;
	ntotal = nfree;
	hint = 0;
	printk("pmm: %lu MiB usable, %lu pages free, highest address 0x%lx\n",
	    ntotal * PAGE_SIZE >> 20, nfree, max);
}

static uint64_t
find_free(uint64_t from)
{
	uint64_t words = (nframes + 63) / 64;

	for (uint64_t n = 0; n < words; n++) {
		uint64_t w = (from / 64 + n) % words;

		if (bitmap[w] != ~0ull) {
			uint64_t f = w * 64 + (uint64_t)__builtin_ctzll(~bitmap[w]);

			if (f < nframes)
				return f;
		}
	}
	return 0;
}

uint64_t
page_alloc_uncleared(void)
{
	uint64_t f;

	if (nfree == 0)
		return 0;
	f = find_free(hint);
	if (f == 0)
		return 0;
	set_used(f);
	nfree--;
	hint = f;
	pages[f].refcount = 1;
	return f * PAGE_SIZE;
}

uint64_t
page_alloc(void)
{
	uint64_t pa = page_alloc_uncleared();

	if (pa != 0)
		memset(P2V(pa), 0, PAGE_SIZE);
	return pa;
}

uint64_t
page_alloc_contig(uint64_t npages)
{
	uint64_t run = 0;

	if (npages == 0 || npages > nfree)
		return 0;
	for (uint64_t f = 256; f < nframes; f++) {
		if (used(f)) {
			run = 0;
			continue;
		}
		if (++run == npages) {
			uint64_t first = f + 1 - npages;

			for (uint64_t g = first; g <= f; g++) {
				set_used(g);
				pages[g].refcount = 1;
			}
			nfree -= npages;
			memset(P2V(first * PAGE_SIZE), 0, npages * PAGE_SIZE);
			return first * PAGE_SIZE;
		}
	}
	return 0;
}

void
page_free(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;

	if (pa % PAGE_SIZE != 0 || f >= nframes || !used(f) ||
	    (pages[f].flags & PAGE_RESERVED))
		panic("page_free: bad or free page 0x%lx", pa);
	pages[f].refcount = 0;
	set_free(f);
	nfree++;
}

void
page_free_contig(uint64_t pa, uint64_t npages)
{
	for (uint64_t i = 0; i < npages; i++)
		page_free(pa + i * PAGE_SIZE);
}

/* Hand a boot-reserved range (a boot module) over to the allocator. */
void
pmm_adopt_range(uint64_t pa, uint64_t npages)
{
	for (uint64_t f = pa / PAGE_SIZE; f < pa / PAGE_SIZE + npages && f < nframes; f++) {
		if (!(pages[f].flags & PAGE_RESERVED))
			continue;
		pages[f].flags = 0;
		pages[f].refcount = 1;
		ntotal++;
	}
}

void
page_unref(uint64_t pa)
{
	struct page *p = pa_to_page(pa);

	if (p->refcount == 0)
		panic("page_unref: page 0x%lx has no references", pa);
	if (--p->refcount == 0) {
		p->refcount = 1;
		page_free(pa);
	}
}

struct page *
pa_to_page(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;

	if (f >= nframes)
		panic("pa_to_page: 0x%lx is beyond RAM", pa);
	return &pages[f];
}

bool
pa_is_ram(uint64_t pa)
{
	for (int i = 0; i < boot_info.nram; i++)
		if (pa >= boot_info.ram[i].start && pa < boot_info.ram[i].end)
			return true;
	return false;
}

uint64_t pmm_free_pages(void) { return nfree; }
uint64_t pmm_total_pages(void) { return ntotal; }
uint64_t pmm_max_phys(void) { return nframes * PAGE_SIZE; }
