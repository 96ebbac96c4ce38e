/*
 * The kernel's virtual memory layout. Included from C and assembly.
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user space (lower half)
 *   0xffff800000000000 - 0xffff87ffffffffff  direct map of all physical memory
 *   0xffffffff80000000 - 0xffffffffffffffff  kernel image (loaded at 1 MiB)
 */
#ifndef KERNEL_ARCH_LAYOUT_H
#define KERNEL_ARCH_LAYOUT_H

#define KERNEL_VMA	0xffffffff80000000
#define KERNEL_PHYS	0x100000
#define DIRECT_MAP	0xffff800000000000
#define DIRECT_MAP_MAX	0x0000080000000000	/* 8 TiB of physical memory */
#define USER_TOP	0x0000800000000000	/* first non-user address */

#define PAGE_SIZE	4096
#define PAGE_SHIFT	12

#define KSTACK_SIZE	16384

/* Segment selectors; the order is fixed by syscall/sysret (see gdt.c). */
#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UDATA	0x1b
#define SEL_UCODE	0x23
#define SEL_TSS		0x28

/* Where the AP start-up trampoline is copied (below 1 MiB). */
#define AP_TRAMPOLINE	0x8000

#endif
