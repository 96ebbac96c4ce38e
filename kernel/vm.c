/*
 * Kernel page tables: the direct map of physical memory, the kernel image
 * with per-section permissions, and the page-table walker that address
 * spaces use for their user halves.
 */
#include "kernel/vm.h"
#include "kernel/pmm.h"
#include "kernel/arch/x86.h"

uint64_t kernel_pml4_pa;

#define IDX(va, level)	(((va) >> (12 + 9 * (level))) & 511)

static uint64_t
table_alloc(void)
{
	uint64_t pa = page_alloc();

	if (pa == 0 && kernel_pml4_pa == 0)
		panic("vm_init: out of memory for page tables");
	return pa;
}

/* A new page table has no present entries. */
static void
pt_range_clear(uint64_t table_pa)
{
	struct page *pg = pa_to_page(table_pa);

	pg->pt_lo = 512;
	pg->pt_hi = 0;
}

/* Entry idx of the table at table_pa is about to become present. */
static void
pt_range_add(uint64_t table_pa, unsigned int idx)
{
	struct page *pg = pa_to_page(table_pa);

	if (idx < pg->pt_lo)
		pg->pt_lo = (uint16_t)idx;
	if (idx >= pg->pt_hi)
		pg->pt_hi = (uint16_t)(idx + 1);
}

/*
 * Return the level-0 (4 KiB) entry for va, creating missing tables when
 * create is set. Returns NULL when a table is missing and create is not
 * set, when memory runs out, or when a large page is in the way.
 */
pte_t *
pt_walk(uint64_t pml4_pa, uint64_t va, bool create)
{
	uint64_t table_pa = pml4_pa;
	pte_t *table = P2V(pml4_pa);
	uint64_t user = va < USER_TOP ? PTE_U : 0;

	for (int level = 3; level > 0; level--) {
		pte_t *e = &table[IDX(va, level)];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!create || (pa = table_alloc()) == 0)
				return NULL;
			pt_range_clear(pa);
			pt_range_add(table_pa, IDX(va, level));
			*e = pa | PTE_P | PTE_W | user;
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table_pa = *e & PTE_ADDR;
		table = P2V(table_pa);
	}
	return &table[IDX(va, 0)];
}

uint64_t
pt_new_pml4(void)
{
	uint64_t pa = page_alloc();

	if (pa == 0)
		return 0;
	memcpy((pte_t *)P2V(pa) + 256, (pte_t *)P2V(kernel_pml4_pa) + 256,
	    256 * sizeof(pte_t));
	pt_range_clear(pa);	/* of the user half, which pt_walk fills */
	return pa;
}

/*
 * Free every page table of the user half, then the PML4 itself. Each
 * table is scanned only over the range of entries pt_walk made present.
 */
void
pt_free_user(uint64_t pml4_pa)
{
	pte_t *t = P2V(pml4_pa);
	struct page *pg = pa_to_page(pml4_pa);
	unsigned int hi = pg->pt_hi < 256 ? pg->pt_hi : 256;

	for (unsigned int i = pg->pt_lo; i < hi; i++) {
		uint64_t pdpt_pa = t[i] & PTE_ADDR;
		pte_t *pdpt = P2V(pdpt_pa);
		struct page *pg1;

		if (!(t[i] & PTE_P))
			continue;
		pg1 = pa_to_page(pdpt_pa);
		for (unsigned int j = pg1->pt_lo; j < pg1->pt_hi; j++) {
			uint64_t pd_pa = pdpt[j] & PTE_ADDR;
			pte_t *pd = P2V(pd_pa);
			struct page *pg2;

			if (!(pdpt[j] & PTE_P))
				continue;
			pg2 = pa_to_page(pd_pa);
			for (unsigned int k = pg2->pt_lo; k < pg2->pt_hi; k++)
				if (pd[k] & PTE_P)
					page_free(pd[k] & PTE_ADDR);
			page_free(pd_pa);
		}
		page_free(pdpt_pa);
	}
	page_free(pml4_pa);
}

/* Map one 4 KiB kernel page, splitting a 2 MiB direct-map page if needed. */
void
vm_kernel_map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
	pte_t *table = P2V(kernel_pml4_pa);

	for (int level = 3; level > 0; level--) {
		pte_t *e = &table[IDX(va, level)];

		if (!(*e & PTE_P)) {
			*e = table_alloc() | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			uint64_t big = *e & PTE_ADDR, npa = table_alloc();
			pte_t *nt = P2V(npa);

			if (level != 1)
				panic("vm_kernel_map_page: 1 GiB pages are not used");
			for (int i = 0; i < 512; i++)
				nt[i] = (big + (uint64_t)i * PAGE_SIZE) |
				    (*e & ~(PTE_ADDR | PTE_PS));
			*e = npa | PTE_P | PTE_W;
		}
		table = P2V(*e & PTE_ADDR);
	}
	table[IDX(va, 0)] = pa | flags;
	invlpg(va);
}

void *
vm_map_mmio(uint64_t pa, uint64_t len)
{
	uint64_t start = ALIGN_DOWN(pa, PAGE_SIZE);

	for (uint64_t p = start; p < pa + len; p += PAGE_SIZE)
		vm_kernel_map_page(DIRECT_MAP + p, p,
		    PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX | PTE_G);
	return P2V(pa);
}

extern char _phys_start[];

void
vm_init(void)
{
	pte_t *pml4;
	uint64_t max = pmm_max_phys();

	kernel_pml4_pa = 0;
	kernel_pml4_pa = table_alloc();
	pml4 = P2V(kernel_pml4_pa);

	/* Pre-create every upper-half PDPT so all PML4s can share them. */
	for (int i = 256; i < 512; i++)
		pml4[i] = table_alloc() | PTE_P | PTE_W;

	/* Direct map: all RAM (and at least the first 4 GiB) with 2 MiB pages. */
	if (max < 0x100000000ull)
		max = 0x100000000ull;
	for (uint64_t pa = 0; pa < max; pa += 0x200000) {
		uint64_t va = DIRECT_MAP + pa;
		pte_t *pdpt = P2V(pml4[IDX(va, 3)] & PTE_ADDR);
		pte_t *pd;
		uint64_t flags = PTE_P | PTE_W | PTE_PS | PTE_NX | PTE_G;

		if (!(pdpt[IDX(va, 2)] & PTE_P))
			pdpt[IDX(va, 2)] = table_alloc() | PTE_P | PTE_W;
		pd = P2V(pdpt[IDX(va, 2)] & PTE_ADDR);
		/* Holes above RAM hold devices: keep them uncached. */
		if (pa >= pmm_max_phys())
			flags |= PTE_PCD | PTE_PWT;
		pd[IDX(va, 1)] = pa | flags;
	}

	/* Kernel image: text RX, rodata R, data and bss RW, all others NX. */
	for (uint64_t va = (uint64_t)_text; va < (uint64_t)_end; va += PAGE_SIZE) {
		uint64_t flags = PTE_P | PTE_G;

		if (va >= (uint64_t)_etext)
			flags |= PTE_NX;
		if (va >= (uint64_t)_data)
			flags |= PTE_W;
		vm_kernel_map_page(va, va - KERNEL_VMA, flags);
	}
	/* The boot code and the low identity map stay out. */
	write_cr3(kernel_pml4_pa);
}
