/*
 * Kernel heap: power-of-two size classes from 32 bytes to 2 KiB, each
 * served from whole pages carved into equal objects, and anything larger
 * from physically contiguous pages. An object of class size n is aligned
 * to n. Freed small objects go back on their class's free list; pages of
 * small objects are kept for reuse.
 */
#include "kernel/heap.h"
#include "kernel/pmm.h"

#define MIN_SHIFT	5
#define MAX_SHIFT	11
#define NCLASSES	(MAX_SHIFT - MIN_SHIFT + 1)

struct free_obj {
	struct free_obj *next;
};

/* Header in front of a large allocation; keeps the payload 64-aligned. */
struct big_hdr {
	uint64_t magic;
	uint64_t npages;
	uint64_t pad[6];
};
#define BIG_MAGIC	0x5b16b16b16b16b16ull

static struct free_obj *free_lists[NCLASSES];
static uint64_t bytes_in_use, slab_pages;

/* Which class page does a small object live in? Stored per page. */
#define SLAB_MAGIC	0x51ab51ab
struct slab_page_tag {
	uint32_t magic;
	uint32_t shift;
};

static int
class_of(size_t size)
{
	int shift = MIN_SHIFT;

	while (((size_t)1 << shift) < size)
		shift++;
	return shift - MIN_SHIFT;
}

static bool
refill(int cls)
{
	uint64_t pa = page_alloc();
	size_t objsize = (size_t)1 << (cls + MIN_SHIFT);
	char *base;
	struct slab_page_tag *tag;

	if (pa == 0)
		return false;
	slab_pages++;
	base = P2V(pa);
	/* The first object slot holds the page's tag. */
	tag = (struct slab_page_tag *)base;
	tag->magic = SLAB_MAGIC;
	tag->shift = (uint32_t)(cls + MIN_SHIFT);
	for (size_t off = objsize; off + objsize <= PAGE_SIZE; off += objsize) {
		struct free_obj *o = (struct free_obj *)(base + off);

		o->next = free_lists[cls];
		free_lists[cls] = o;
	}
	return true;
}

void *
kmalloc(size_t size)
{
	if (size == 0)
		size = 1;
	if (size <= ((size_t)1 << MAX_SHIFT)) {
		int cls = class_of(size);
		struct free_obj *o;

		if (free_lists[cls] == NULL && !refill(cls))
			return NULL;
		o = free_lists[cls];
		free_lists[cls] = o->next;
		bytes_in_use += (size_t)1 << (cls + MIN_SHIFT);
		return o;
	} else {
		uint64_t npages = (size + sizeof(struct big_hdr) + PAGE_SIZE - 1) / PAGE_SIZE;
		uint64_t pa = page_alloc_contig(npages);
		struct big_hdr *h;

		if (pa == 0)
			return NULL;
		h = P2V(pa);
		h->magic = BIG_MAGIC;
		h->npages = npages;
		bytes_in_use += npages * PAGE_SIZE;
		return h + 1;
	}
}

void *
kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
kfree(void *p)
{
	uint64_t page = ALIGN_DOWN((uint64_t)p, PAGE_SIZE);

	if (p == NULL)
		return;
	if ((uint64_t)p - page == sizeof(struct big_hdr)) {
		struct big_hdr *h = (struct big_hdr *)page;

		if (h->magic == BIG_MAGIC) {
			h->magic = 0;
			bytes_in_use -= h->npages * PAGE_SIZE;
			page_free_contig(V2P(h), h->npages);
			return;
		}
	}
	{
		struct slab_page_tag *tag = (struct slab_page_tag *)page;
		struct free_obj *o = p;
		int cls;

		if (tag->magic != SLAB_MAGIC || tag->shift < MIN_SHIFT ||
		    tag->shift > MAX_SHIFT)
			panic("kfree: %p is not a heap object", p);
		cls = (int)tag->shift - MIN_SHIFT;
		o->next = free_lists[cls];
		free_lists[cls] = o;
		bytes_in_use -= (size_t)1 << tag->shift;
	}
}

uint64_t
heap_bytes_in_use(void)
{
	return bytes_in_use;
}

uint64_t
heap_slab_pages(void)
{
	return slab_pages;
}
