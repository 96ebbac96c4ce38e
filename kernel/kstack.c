/*
 * The kernel stack cache. Creating a thread needs KSTACK_SIZE contiguous
 * bytes, and page_alloc_contig finds them by scanning the page bitmap,
 * which is slow when threads come and go quickly. Freed stacks therefore
 * go on a free list, linked through their own lowest word, and the next
 * kstack_alloc takes one from there. The list is bounded by
 * KSTACK_CACHE_MAX stacks for the whole machine; beyond that freed stacks
 * go back to the page allocator. kstack_cached_pages() reports what the
 * cache holds so that statistics (sk_kstat) can count it as free.
 *
 * Lock: the big kernel lock, which every caller holds; the list has no
 * lock of its own.
 *
 * Stacks have no guard page: they live in the direct map, which uses
 * 2 MiB pages, and unmapping one 4 KiB page would split a large page and
 * leave a page table behind for good. Instead the lowest word of a stack
 * in use holds a canary that kstack_free checks, so an overflow is caught
 * when the thread dies, if not before.
 */
#include "kernel/kstack.h"
#include "kernel/pmm.h"

#define KSTACK_PAGES		(KSTACK_SIZE / PAGE_SIZE)
#define KSTACK_CACHE_MAX	64
#define KSTACK_CANARY		0x6b737461636b2121ull	/* "kstack!!" */

struct free_stack {
	struct free_stack *next;
};

static struct free_stack *cache;
static uint32_t ncached;

uint64_t
kstack_alloc(void)
{
	uint64_t base, pa;

	if (cache != NULL) {
		base = (uint64_t)cache;
		cache = cache->next;
		ncached--;
	} else {
		if ((pa = page_alloc_contig(KSTACK_PAGES)) == 0)
			return 0;
		base = (uint64_t)P2V(pa);
	}
	*(uint64_t *)base = KSTACK_CANARY;
	return base;
}

void
kstack_free(uint64_t base)
{
	struct free_stack *f = (struct free_stack *)base;

	if (*(uint64_t *)base != KSTACK_CANARY)
		panic("kstack_free: the kernel stack at 0x%lx overflowed", base);
	if (ncached >= KSTACK_CACHE_MAX) {
		page_free_contig(V2P(base), KSTACK_PAGES);
		return;
	}
	f->next = cache;
	cache = f;
	ncached++;
}

uint64_t
kstack_cached_pages(void)
{
	return (uint64_t)ncached * KSTACK_PAGES;
}
