/*
 * Address spaces; see aspace.h.
 *
 * Page-table conventions for user pages: PTE_ANON marks a page owned by
 * this address space (its struct page refcount counts the PTEs that map
 * it across clones); PTE_COW marks a page that the region allows writing
 * but that must be copied first. A VMO page in a private region is mapped
 * read-only with PTE_COW when the region is writable.
 *
 * Lock: the big kernel lock for everything.
 */
#include "kernel/aspace.h"
#include "kernel/vmo.h"
#include "kernel/vm.h"
#include "kernel/pmm.h"
#include "kernel/heap.h"
#include "kernel/cpu.h"
#include "kernel/smp.h"
#include "kernel/arch/x86.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/ipc.h"

#define PROT_MASK	(SK_PROT_READ | SK_PROT_WRITE | SK_PROT_EXEC)

struct aspace *
aspace_create(int *err)
{
	struct aspace *as = kzalloc(sizeof(*as));

	if (as == NULL || (as->pml4_pa = pt_new_pml4()) == 0) {
		kfree(as);
		*err = SK_E_NOMEM;
		return NULL;
	}
	obj_init(&as->obj, SK_OBJ_ASPACE);
	list_init(&as->regions);
	*err = SK_OK;
	return as;
}

/* The region holding va, or NULL; the last one found is tried first. */
static struct region *
region_find(struct aspace *as, uint64_t va)
{
	struct region *h = as->last_found;
	struct list_head *pos;

	if (h != NULL && va >= h->start && va < h->end)
		return h;
	for (pos = as->regions.next; pos != &as->regions; pos = pos->next) {
		struct region *r = list_entry(pos, struct region, link);

		if (va < r->start)
			return NULL;
		if (va < r->end) {
			as->last_found = r;
			return r;
		}
	}
	return NULL;
}

static bool
range_free(struct aspace *as, uint64_t start, uint64_t end)
{
	struct list_head *pos;

	for (pos = as->regions.next; pos != &as->regions; pos = pos->next) {
		struct region *r = list_entry(pos, struct region, link);

		if (r->start < end && start < r->end)
			return false;
	}
	return true;
}

/* First gap of len bytes at or above hint (or AS_MAP_BASE); 0 if none. */
static uint64_t
find_gap(struct aspace *as, uint64_t hint, uint64_t len)
{
	uint64_t cand = hint >= PAGE_SIZE ? hint : AS_MAP_BASE;
	struct list_head *pos;

	for (pos = as->regions.next; pos != &as->regions; pos = pos->next) {
		struct region *r = list_entry(pos, struct region, link);

		if (r->end <= cand)
			continue;
		if (cand + len <= r->start)
			break;
		cand = r->end;
	}
	if (cand >= USER_TOP || len > USER_TOP - cand)
		return hint >= PAGE_SIZE && hint != AS_MAP_BASE ? find_gap(as, 0, len) : 0;
	return cand;
}

static void
region_insert(struct aspace *as, struct region *nr)
{
	struct list_head *pos;

	for (pos = as->regions.next; pos != &as->regions; pos = pos->next)
		if (list_entry(pos, struct region, link)->start > nr->start)
			break;
	list_add_tail(&nr->link, pos);
	as->nregions++;
}

int
as_map_max(struct aspace *as, uint64_t vaddr, uint64_t len, struct vmo *vmo,
    uint64_t off, uint32_t prot, uint32_t maxprot, uint32_t flags, uint64_t phys,
    uint64_t *out)
{
	struct region *r;
	uint64_t start;

	if (len == 0)
		return SK_E_INVAL;
	if (vaddr % PAGE_SIZE != 0 || off % PAGE_SIZE != 0 || phys % PAGE_SIZE != 0)
		return SK_E_ALIGN;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0 || len >= USER_TOP)
		return SK_E_RANGE;
	if ((prot & ~PROT_MASK) || (prot & ~maxprot))
		return SK_E_INVAL;
	if (vmo != NULL && (off >= vmo->size || len > vmo->size - off))
		return SK_E_RANGE;
	if (as->nregions >= AS_MAX_REGIONS)
		return SK_E_NOMEM;
	if (flags & SK_MAP_FIXED) {
		if (!user_range_ok(vaddr, len) || vaddr == 0)
			return SK_E_RANGE;
		if (!range_free(as, vaddr, vaddr + len))
			return SK_E_EXISTS;
		start = vaddr;
	} else {
		if (vaddr != 0 && user_range_ok(vaddr, len) && range_free(as, vaddr, vaddr + len))
			start = vaddr;
		else if ((start = find_gap(as, vaddr, len)) == 0)
			return SK_E_NOMEM;
	}
	if ((r = kzalloc(sizeof(*r))) == NULL)
		return SK_E_NOMEM;
	r->start = start;
	r->end = start + len;
	r->prot = prot;
	r->maxprot = maxprot;
	r->flags = flags & (REGION_SHARED | REGION_DEVICE | REGION_UTCB);
	r->vmo = vmo;
	r->vmo_off = off;
	r->phys_base = phys;
	if (vmo != NULL)
		obj_ref(&vmo->obj);
	region_insert(as, r);
	*out = start;
	return SK_OK;
}

int
as_map(struct aspace *as, uint64_t vaddr, uint64_t len, struct vmo *vmo,
    uint64_t off, uint32_t prot, uint32_t flags, uint64_t phys, uint64_t *out)
{
	return as_map_max(as, vaddr, len, vmo, off, prot, PROT_MASK, flags, phys, out);
}

/* Drop the page mapped by *pte (if any) and clear the entry. */
static void
pte_release(pte_t *pte)
{
	if (!(*pte & PTE_P))
		return;
	if (*pte & PTE_ANON)
		page_unref(*pte & PTE_ADDR);
	*pte = 0;
}

/*
 * The level-0 table that maps *va in the tree at pml4_pa, or NULL when a
 * table above it is missing; *va is then moved past the part of the
 * address space that table would have mapped.
 */
static pte_t *
pt_leaf(uint64_t pml4_pa, uint64_t *va)
{
	pte_t *t = P2V(pml4_pa);

	for (int level = 3; level > 0; level--) {
		pte_t e = t[(*va >> (12 + 9 * level)) & 511];

		if (!(e & PTE_P)) {
			uint64_t span = 1ull << (12 + 9 * level);

			*va = ALIGN_DOWN(*va, span) + span;
			return NULL;
		}
		t = P2V(e & PTE_ADDR);
	}
	return t;
}

/*
 * Call fn on every present level-0 entry in [start, end), skipping the
 * missing parts of the tree quickly.
 */
static void
pt_for_each(uint64_t pml4_pa, uint64_t start, uint64_t end,
    void (*fn)(pte_t *pte, uint64_t va, void *arg), void *arg)
{
	uint64_t va = start;

	while (va < end) {
		pte_t *t = pt_leaf(pml4_pa, &va);

		if (t == NULL)
			continue;
		for (uint64_t i = (va >> 12) & 511; i < 512 && va < end; i++, va += PAGE_SIZE)
			if (t[i] & PTE_P)
				fn(&t[i], va, arg);
	}
}

static void
release_fn(pte_t *pte, uint64_t va, void *arg)
{
	pte_release(pte);
}

static void
region_free(struct aspace *as, struct region *r)
{
	if (as->last_found == r)
		as->last_found = NULL;
	list_del(&r->link);
	as->nregions--;
	if (r->vmo != NULL)
		obj_unref(&r->vmo->obj);
	kfree(r);
}

/* Split r at va (r->start < va < r->end); returns the upper half or NULL. */
static struct region *
region_split(struct aspace *as, struct region *r, uint64_t va)
{
	struct region *hi = kmalloc(sizeof(*hi));

	if (hi == NULL)
		return NULL;
	*hi = *r;
	hi->start = va;
	hi->vmo_off = r->vmo_off + (va - r->start);
	if (r->flags & REGION_DEVICE)
		hi->phys_base = r->phys_base + (va - r->start);
	r->end = va;
	if (hi->vmo != NULL)
		obj_ref(&hi->vmo->obj);
	list_add_head(&hi->link, &r->link);
	as->nregions++;
	return hi;
}

/* Make region boundaries fall at start and end; SK_E_NOMEM if a split fails. */
static int
split_at_bounds(struct aspace *as, uint64_t start, uint64_t end)
{
	struct region *r;

	if ((r = region_find(as, start)) != NULL && r->start < start &&
	    region_split(as, r, start) == NULL)
		return SK_E_NOMEM;
	if ((r = region_find(as, end)) != NULL && r->start < end &&
	    region_split(as, r, end) == NULL)
		return SK_E_NOMEM;
	return SK_OK;
}

int
as_unmap(struct aspace *as, uint64_t vaddr, uint64_t len)
{
	struct list_head *pos, *n;
	uint64_t end;
	int err;

	if (vaddr % PAGE_SIZE != 0)
		return SK_E_ALIGN;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0 || !user_range_ok(vaddr, len))
		return SK_E_RANGE;
	end = vaddr + len;
	if ((err = split_at_bounds(as, vaddr, end)) != SK_OK)
		return err;
	list_for_each_safe(pos, n, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);

		if (r->start >= vaddr && r->end <= end)
			region_free(as, r);
	}
	pt_for_each(as->pml4_pa, vaddr, end, release_fn, NULL);
	tlb_shootdown(as);
	return SK_OK;
}

/*
 * The PTE bits of a page in a region with prot. Every user PTE is built
 * from these, so PTE_U, PTE_W and PTE_NOREAD always tell what the region
 * allows and user_page need not look the region up.
 */
static uint64_t
pte_prot_bits(uint32_t prot)
{
	uint64_t f = PTE_P | PTE_U;

	if (prot & SK_PROT_WRITE)
		f |= PTE_W;
	if (!(prot & SK_PROT_READ))
		f |= PTE_NOREAD;
	if (!(prot & SK_PROT_EXEC))
		f |= PTE_NX;
	return f;
}

struct protect_arg {
	uint32_t prot;
};

static void
protect_fn(pte_t *pte, uint64_t va, void *arg)
{
	struct protect_arg *a = arg;
	uint64_t keep = *pte & (PTE_ADDR | PTE_ANON | PTE_COW | PTE_PCD | PTE_PWT);

	if (a->prot == 0) {
		/* No access: drop the mapping; faults will find prot 0. */
		pte_release(pte);
		return;
	}
	*pte = keep | pte_prot_bits(a->prot);
	/* A copy-on-write page stays read-only until it is copied. */
	if (*pte & PTE_COW)
		*pte &= ~PTE_W;
}

int
as_protect(struct aspace *as, uint64_t vaddr, uint64_t len, uint32_t prot)
{
	struct list_head *pos;
	uint64_t end, va;
	int err;

	if (vaddr % PAGE_SIZE != 0)
		return SK_E_ALIGN;
	if (prot & ~PROT_MASK)
		return SK_E_INVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0 || !user_range_ok(vaddr, len))
		return SK_E_RANGE;
	end = vaddr + len;
	/* The whole range must be mapped, and prot within every maxprot. */
	for (va = vaddr; va < end;) {
		struct region *r = region_find(as, va);

		if (r == NULL)
			return SK_E_RANGE;
		if (prot & ~r->maxprot)
			return SK_E_RIGHTS;
		va = r->end;
	}
	if ((err = split_at_bounds(as, vaddr, end)) != SK_OK)
		return err;
	for (pos = as->regions.next; pos != &as->regions; pos = pos->next) {
		struct region *r = list_entry(pos, struct region, link);
		struct protect_arg a = { prot };

		if (r->start < vaddr || r->end > end)
			continue;
		r->prot = prot;
		pt_for_each(as->pml4_pa, r->start, r->end, protect_fn, &a);
		/* Private VMO pages must stay read-only until copied. */
		if (!(r->flags & (REGION_SHARED | REGION_DEVICE)) && r->vmo != NULL) {
			for (uint64_t p = r->start; p < r->end; p += PAGE_SIZE) {
				pte_t *pte = pt_walk(as->pml4_pa, p, false);

				if (pte != NULL && (*pte & PTE_P) && !(*pte & PTE_ANON)) {
					*pte &= ~PTE_W;
					if (prot & SK_PROT_WRITE)
						*pte |= PTE_COW;
				}
			}
		}
	}
	tlb_shootdown(as);
	return SK_OK;
}

/*
 * A fresh private copy of the page at src_pa (0: a zero page). A copy
 * overwrites the whole page, so it is not cleared first.
 */
static uint64_t
copy_page(uint64_t src_pa)
{
	uint64_t pa;

	if (src_pa == 0)
		return page_alloc();
	if ((pa = page_alloc_uncleared()) != 0)
		memcpy(P2V(pa), P2V(src_pa), PAGE_SIZE);
	return pa;
}

int
as_fault(struct aspace *as, uint64_t va, uint32_t access)
{
	struct region *r;
	pte_t *pte;
	uint64_t off, pa, bits;

	if (va >= USER_TOP)
		return SK_E_FAULT;
	va = ALIGN_DOWN(va, PAGE_SIZE);
	if ((r = region_find(as, va)) == NULL)
		return SK_E_FAULT;
	if ((access & r->prot) != access || r->prot == 0)
		return SK_E_FAULT;
	if ((pte = pt_walk(as->pml4_pa, va, true)) == NULL)
		return SK_E_NOMEM;
	off = va - r->start;
	bits = pte_prot_bits(r->prot);

	if (r->flags & REGION_DEVICE) {
		*pte = (r->phys_base + off) | bits | PTE_PCD | PTE_PWT;
		return SK_OK;
	}
	if (r->flags & REGION_SHARED) {
		if ((pa = vmo_page(r->vmo, r->vmo_off + off, true)) == 0)
			return SK_E_NOMEM;
		*pte = pa | bits;
		return SK_OK;
	}

	/* Private memory. */
	if (*pte & PTE_P) {
		uint64_t old = *pte & PTE_ADDR;

		if (!(access & SK_PROT_WRITE) || (*pte & PTE_W))
			return SK_OK;	/* already resolved (another CPU) */
		if (!(*pte & PTE_COW))
			return SK_E_FAULT;
		if ((*pte & PTE_ANON) && pa_to_page(old)->refcount == 1) {
			*pte = (*pte | PTE_W) & ~PTE_COW;
		} else {
			if ((pa = copy_page(old)) == 0)
				return SK_E_NOMEM;
			if (*pte & PTE_ANON)
				page_unref(old);
			*pte = pa | bits | PTE_ANON;
		}
		tlb_shootdown(as);
		return SK_OK;
	}
	if (r->vmo != NULL) {
		uint64_t vpa = vmo_page(r->vmo, r->vmo_off + off, true);

		if (vpa == 0)
			return SK_E_NOMEM;
		if (access & SK_PROT_WRITE) {
			if ((pa = copy_page(vpa)) == 0)
				return SK_E_NOMEM;
			*pte = pa | bits | PTE_ANON;
		} else {
			*pte = vpa | (bits & ~PTE_W) |
			    ((r->prot & SK_PROT_WRITE) ? PTE_COW : 0);
		}
		return SK_OK;
	}
	if ((pa = page_alloc()) == 0)
		return SK_E_NOMEM;
	*pte = pa | bits | PTE_ANON;
	return SK_OK;
}

/*
 * Copy the entries of [start, end) of src's page tables into dst, sharing
 * private pages copy-on-write: writable ones become read-only with
 * PTE_COW in both. Walks src one page table at a time and finds (or
 * makes) the matching table of dst once per table, not once per entry.
 */
static int
clone_range(struct aspace *dst, struct aspace *src, uint64_t start, uint64_t end)
{
	uint64_t va = start;

	while (va < end) {
		pte_t *t = pt_leaf(src->pml4_pa, &va), *d = NULL;
		uint64_t i;

		if (t == NULL)
			continue;
		for (i = (va >> 12) & 511; i < 512 && va < end; i++, va += PAGE_SIZE) {
			pte_t e = t[i];

			if (!(e & PTE_P))
				continue;
			if (d == NULL) {
				if ((d = pt_walk(dst->pml4_pa, va, true)) == NULL)
					return SK_E_NOMEM;
				d -= i;		/* the start of dst's table */
			}
			if (e & PTE_ANON) {
				page_ref(e & PTE_ADDR);
				if (e & PTE_W) {
					e = (e & ~PTE_W) | PTE_COW;
					t[i] = e;
				}
			}
			d[i] = e;
		}
	}
	return SK_OK;
}

struct aspace *
aspace_clone(struct aspace *src, int *err)
{
	struct aspace *dst = aspace_create(err);
	struct list_head *pos;

	if (dst == NULL)
		return NULL;
	for (pos = src->regions.next; pos != &src->regions; pos = pos->next) {
		struct region *r = list_entry(pos, struct region, link), *nr;

		if (r->flags & REGION_UTCB)
			continue;	/* belongs to a thread of the source */
		if ((nr = kmalloc(sizeof(*nr))) == NULL) {
			*err = SK_E_NOMEM;
			goto fail;
		}
		*nr = *r;
		if (nr->vmo != NULL)
			obj_ref(&nr->vmo->obj);
		list_add_tail(&nr->link, &dst->regions);
		dst->nregions++;
		if (r->flags & (REGION_SHARED | REGION_DEVICE))
			continue;	/* faulted in again from the source object */
		if ((*err = clone_range(dst, src, r->start, r->end)) != SK_OK)
			goto fail;
	}
	tlb_shootdown(src);
	*err = SK_OK;
	return dst;
fail:
	tlb_shootdown(src);
	obj_unref(&dst->obj);
	return NULL;
}

void
aspace_destroy(struct kobject *o)
{
	struct aspace *as = (struct aspace *)o;
	struct list_head *pos, *n;

	if (read_cr3() == as->pml4_pa)
		as_activate(NULL);
	list_for_each_safe(pos, n, &as->regions) {
		struct region *r = list_entry(pos, struct region, link);

		pt_for_each(as->pml4_pa, r->start, r->end, release_fn, NULL);
		region_free(as, r);
	}
	pt_free_user(as->pml4_pa);
	kfree(as);
}

void
as_activate(struct aspace *as)
{
	struct cpu *c = this_cpu();
	uint64_t want = as != NULL ? as->pml4_pa : kernel_pml4_pa;
	static struct aspace *active[MAX_CPUS];

	if (active[c->id] != NULL && active[c->id] != as)
		__atomic_and_fetch(&active[c->id]->cpus_active, ~(1ull << c->id), __ATOMIC_SEQ_CST);
	if (as != NULL)
		__atomic_or_fetch(&as->cpus_active, 1ull << c->id, __ATOMIC_SEQ_CST);
	active[c->id] = as;
	if (read_cr3() != want)
		write_cr3(want);
}

void
tlb_flush_local_if_needed(void)
{
	struct cpu *c = this_cpu();

	if (c->tlb_flush) {
		write_cr3(read_cr3());
		__atomic_store_n(&c->tlb_flush, 0, __ATOMIC_RELEASE);
	}
}

/*
 * Flush stale translations of as from every CPU that has it loaded. The
 * other CPUs answer from user mode or idle (the IPI) or while spinning for
 * the big kernel lock (bkl.c); this CPU holds the lock.
 */
void
tlb_shootdown(struct aspace *as)
{
	struct cpu *me = this_cpu();
	uint64_t mask = as->cpus_active & ~(1ull << me->id);

	if (read_cr3() == as->pml4_pa)
		write_cr3(as->pml4_pa);
	if (mask == 0)
		return;
	for (int i = 0; i < ncpus; i++)
		if (mask & (1ull << i)) {
			__atomic_store_n(&cpus[i].tlb_flush, 1, __ATOMIC_RELEASE);
			ipi_send(i, VEC_TLB);
		}
	for (int i = 0; i < ncpus; i++)
		if (mask & (1ull << i))
			while (__atomic_load_n(&cpus[i].tlb_flush, __ATOMIC_ACQUIRE))
				cpu_relax();
}
