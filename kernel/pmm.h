/*
 * Physical page allocator. Pages are 4 KiB; a bitmap says which are free
 * and a struct page per frame holds its reference count (used by
 * copy-on-write). Callers hold the big kernel lock or run before other
 * CPUs start.
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include "kernel/kernel.h"

struct page {
	uint32_t refcount;
	uint32_t flags;
	/*
	 * For a page table of a user half (kernel/vm.c): every present
	 * entry lies in [pt_lo, pt_hi), so freeing the tree scans only that.
	 */
	uint16_t pt_lo, pt_hi;
};

#define PAGE_RESERVED	(1u << 0)	/* never allocatable */

void pmm_init(void);
uint64_t page_alloc(void);		/* zeroed page, or 0 */
/*
 * A page whose contents are whatever it last held, or 0: only for a
 * caller that overwrites all of it before anything can read it.
 */
uint64_t page_alloc_uncleared(void);
uint64_t page_alloc_contig(uint64_t npages);	/* zeroed run, or 0 */
void page_free(uint64_t pa);
void page_free_contig(uint64_t pa, uint64_t npages);
struct page *pa_to_page(uint64_t pa);
bool pa_is_ram(uint64_t pa);
uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);
uint64_t pmm_max_phys(void);
void pmm_adopt_range(uint64_t pa, uint64_t npages);

/* Reference counts for pages shared copy-on-write. */
static inline void page_ref(uint64_t pa) { pa_to_page(pa)->refcount++; }
void page_unref(uint64_t pa);		/* frees at zero */

#endif
