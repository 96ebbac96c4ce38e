/*
 * Page tables. The upper half (kernel image, direct map) is shared by all
 * address spaces: its PML4 entries are created once at boot and copied
 * into every new PML4. Callers hold the big kernel lock.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include "kernel/kernel.h"

typedef uint64_t pte_t;

#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_U		(1ull << 2)
#define PTE_PWT		(1ull << 3)
#define PTE_PCD		(1ull << 4)
#define PTE_A		(1ull << 5)
#define PTE_D		(1ull << 6)
#define PTE_PS		(1ull << 7)
#define PTE_G		(1ull << 8)
#define PTE_ANON	(1ull << 9)	/* page owned by the address space (refcounted) */
#define PTE_COW		(1ull << 10)	/* writable once copied */
#define PTE_NOREAD	(1ull << 11)	/* the region does not allow reads */
#define PTE_NX		(1ull << 63)
#define PTE_ADDR	0x000ffffffffff000ull

extern uint64_t kernel_pml4_pa;

void vm_init(void);
pte_t *pt_walk(uint64_t pml4_pa, uint64_t va, bool create);
uint64_t pt_new_pml4(void);		/* user half empty, 0 on no memory */
void pt_free_user(uint64_t pml4_pa);	/* frees the user half's tables */
void *vm_map_mmio(uint64_t pa, uint64_t len);	/* uncached kernel mapping */
void vm_kernel_map_page(uint64_t va, uint64_t pa, uint64_t flags);

#endif
