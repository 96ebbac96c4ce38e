/*
 * Address spaces: the user half of a page table plus a sorted list of
 * regions. A region maps a range to a VMO (shared or private) or to
 * anonymous memory, or to device memory (MMIO). Pages arrive lazily on
 * fault. Private pages are owned by the address space (PTE_ANON) and are
 * reference counted so that as_clone() can share them copy-on-write.
 *
 * All functions run under the big kernel lock. The kernel never touches
 * user memory through user addresses: as_copyin/as_copyout translate
 * through the page tables, faulting pages in as a user access would.
 */
#ifndef KERNEL_ASPACE_H
#define KERNEL_ASPACE_H

#include "kernel/object.h"
#include "kernel/list.h"

struct vmo;

#define REGION_SHARED	(1u << 0)	/* writes go to the VMO */
#define REGION_DEVICE	(1u << 1)	/* MMIO: phys_base, uncached */
#define REGION_UTCB	(1u << 2)	/* a thread's UTCB page */

struct region {
	struct list_head link;
	uint64_t start, end;		/* page aligned, end exclusive */
	uint32_t prot;			/* SK_PROT_* */
	uint32_t maxprot;		/* what as_protect may raise prot to */
	uint32_t flags;			/* REGION_* */
	struct vmo *vmo;		/* counted, or NULL (anonymous) */
	uint64_t vmo_off;		/* offset of start in the VMO */
	uint64_t phys_base;		/* REGION_DEVICE */
};

struct aspace {
	struct kobject obj;
	uint64_t pml4_pa;
	struct list_head regions;	/* sorted by start */
	struct region *last_found;	/* region_find's last answer, or NULL */
	uint32_t nregions;
	volatile uint64_t cpus_active;	/* bit per CPU with this CR3 loaded */
};

#define AS_MAP_BASE	0x0000000100000000ull	/* where non-fixed maps go */
#define AS_MAX_REGIONS	65536

struct aspace *aspace_create(int *err);
struct aspace *aspace_clone(struct aspace *src, int *err);

/* Map; returns SK_OK and *out, or an error (nothing changed). */
/*
 * Map [vaddr, vaddr+len) to vmo at off (vmo NULL: anonymous memory; flags
 * REGION_DEVICE: the physical range at phys). flags also takes
 * SK_MAP_FIXED; without it vaddr is only a hint. maxprot bounds later
 * as_protect calls. Returns SK_OK and *out, or an error; nothing changes
 * on error.
 */
int as_map(struct aspace *as, uint64_t vaddr, uint64_t len, struct vmo *vmo,
    uint64_t off, uint32_t prot, uint32_t flags, uint64_t phys, uint64_t *out);
int as_map_max(struct aspace *as, uint64_t vaddr, uint64_t len, struct vmo *vmo,
    uint64_t off, uint32_t prot, uint32_t maxprot, uint32_t flags, uint64_t phys,
    uint64_t *out);
int as_unmap(struct aspace *as, uint64_t vaddr, uint64_t len);
int as_protect(struct aspace *as, uint64_t vaddr, uint64_t len, uint32_t prot);

/*
 * Resolve a fault (or a kernel access on the user's behalf) at va with
 * access SK_PROT_READ/WRITE/EXEC. Returns SK_OK with the page mapped, or
 * SK_E_FAULT (no region or not allowed) / SK_E_NOMEM.
 */
int as_fault(struct aspace *as, uint64_t va, uint32_t access);

/*
 * Can the user range be accessed with access (SK_PROT_READ or WRITE)?
 * Faults its pages in as the user would. SK_OK or SK_E_FAULT. The answer
 * holds while the big kernel lock is held.
 */
int as_user_ok(struct aspace *as, uint64_t uaddr, uint64_t len, uint32_t access);

/*
 * Copy between kernel memory and user addresses of as: SK_OK or
 * SK_E_FAULT. Copies into user memory (and between address spaces) check
 * the whole range first, so a failed copy writes nothing.
 */
int as_copyin(struct aspace *as, void *dst, uint64_t uaddr, uint64_t len);
int as_copyout(struct aspace *as, uint64_t uaddr, const void *src, uint64_t len);
/* Copy between two address spaces (IPC payloads). */
int as_copy_between(struct aspace *dst, uint64_t dva, struct aspace *src,
    uint64_t sva, uint64_t len);

/* Is [va, va+len) a valid, canonical user range? */
static inline bool
user_range_ok(uint64_t va, uint64_t len)
{
	return va < USER_TOP && len <= USER_TOP - va;
}

void as_activate(struct aspace *as);	/* load CR3 on this CPU */
void tlb_shootdown(struct aspace *as);	/* flush every CPU that uses as */
void tlb_flush_local_if_needed(void);

#endif
