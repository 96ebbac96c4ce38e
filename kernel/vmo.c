/*
 * Memory objects; see vmo.h. The radix tree has `levels` levels of
 * 512-entry page-sized nodes; the leaves hold physical page addresses.
 * A one-page object (a thread's UTCB, for one) has no tree: levels is 0
 * and root_pa is its page.
 *
 * Lock: the big kernel lock.
 */
#include "kernel/vmo.h"
#include "kernel/pmm.h"
#include "kernel/heap.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/syscall.h"

#define VMO_ADOPTED	(1u << 31)	/* pages came from the boot loader */

struct vmo *
vmo_create(uint64_t size, uint32_t flags, int *err)
{
	struct vmo *v;
	uint64_t npages;

	if (size == 0 || size > VMO_MAX_SIZE) {
		*err = SK_E_INVAL;
		return NULL;
	}
	size = ALIGN_UP(size, PAGE_SIZE);
	npages = size / PAGE_SIZE;
	if ((v = kzalloc(sizeof(*v))) == NULL) {
		*err = SK_E_NOMEM;
		return NULL;
	}
	if (flags & SK_VMO_CONTIG) {
		v->contig_pa = page_alloc_contig(npages);
		if (v->contig_pa == 0) {
			kfree(v);
			*err = SK_E_NOMEM;
			return NULL;
		}
		v->npages_present = npages;
	}
	obj_init(&v->obj, SK_OBJ_VMO);
	v->size = size;
	v->flags = flags;
	v->levels = npages == 1 ? 0 : 1;
	while (v->levels > 0 && (npages - 1) >> (9 * v->levels) != 0)
		v->levels++;
	*err = SK_OK;
	return v;
}

struct vmo *
vmo_create_from_phys(uint64_t pa, uint64_t size, int *err)
{
	struct vmo *v = kzalloc(sizeof(*v));

	if (v == NULL) {
		*err = SK_E_NOMEM;
		return NULL;
	}
	obj_init(&v->obj, SK_OBJ_VMO);
	v->size = ALIGN_UP(size ? size : 1, PAGE_SIZE);
	v->flags = SK_VMO_CONTIG | VMO_ADOPTED;
	v->contig_pa = pa;
	v->levels = 1;
	v->npages_present = v->size / PAGE_SIZE;
	pmm_adopt_range(pa, v->size / PAGE_SIZE);
	*err = SK_OK;
	return v;
}

uint64_t
vmo_page(struct vmo *v, uint64_t off, bool alloc)
{
	uint64_t idx = off / PAGE_SIZE, *node, pa;

	if (off >= v->size)
		return 0;
	if (v->contig_pa != 0)
		return v->contig_pa + idx * PAGE_SIZE;
	if (v->levels == 0) {
		if (v->root_pa == 0 && alloc && (v->root_pa = page_alloc()) != 0)
			v->npages_present++;
		return v->root_pa;
	}
	if (v->root_pa == 0) {
		if (!alloc || (v->root_pa = page_alloc()) == 0)
			return 0;
	}
	node = P2V(v->root_pa);
	for (int level = v->levels - 1; level > 0; level--) {
		uint64_t *e = &node[(idx >> (9 * level)) & 511];

		if (*e == 0 && (!alloc || (*e = page_alloc()) == 0))
			return 0;
		node = P2V(*e);
	}
	pa = node[idx & 511];
	if (pa == 0 && alloc) {
		if ((pa = page_alloc()) == 0)
			return 0;
		node[idx & 511] = pa;
		v->npages_present++;
	}
	return pa;
}

static void
free_node(uint64_t node_pa, int level)
{
	uint64_t *node = P2V(node_pa);

	for (int i = 0; i < 512; i++) {
		if (node[i] == 0)
			continue;
		if (level > 0)
			free_node(node[i], level - 1);
		else
			page_free(node[i]);
	}
	page_free(node_pa);
}

void
vmo_destroy(struct kobject *o)
{
	struct vmo *v = (struct vmo *)o;

	if (v->contig_pa != 0)
		page_free_contig(v->contig_pa, v->size / PAGE_SIZE);
	else if (v->root_pa != 0 && v->levels == 0)
		page_free(v->root_pa);
	else if (v->root_pa != 0)
		free_node(v->root_pa, v->levels - 1);
	kfree(v);
}
