/*
 * Memory objects (VMOs): a fixed number of pages, allocated lazily and
 * zero-filled, or all at once and physically contiguous (for DMA). Pages
 * are held in a radix tree of page-sized nodes. A VMO may be mapped into
 * any number of address spaces; each mapping holds a reference.
 */
#ifndef KERNEL_VMO_H
#define KERNEL_VMO_H

#include "kernel/object.h"

#define VMO_MAX_SIZE	(1ull << 36)	/* 64 GiB */

struct vmo {
	struct kobject obj;
	uint64_t size;		/* bytes, page multiple */
	uint32_t flags;		/* SK_VMO_* */
	uint64_t contig_pa;	/* SK_VMO_CONTIG: first page; else 0 */
	int levels;		/* radix depth (1 level = 512 pages; 0: one page, root_pa) */
	uint64_t root_pa;	/* radix root page, 0 = empty */
	uint64_t npages_present;
};

struct vmo *vmo_create(uint64_t size, uint32_t flags, int *err);
/* A VMO over existing pages (a boot module): takes them over. */
struct vmo *vmo_create_from_phys(uint64_t pa, uint64_t size, int *err);
/*
 * Physical address of the page at byte offset off, allocating it if
 * alloc is set. Returns 0 if absent (and !alloc) or out of memory.
 */
uint64_t vmo_page(struct vmo *v, uint64_t off, bool alloc);

#endif
