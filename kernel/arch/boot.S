/*
 * Multiboot entry. The boot loader (QEMU -kernel or GRUB) enters _start in
 * 32-bit protected mode with paging off, EAX = multiboot magic and EBX = the
 * physical address of the multiboot information. This file builds a minimal
 * set of page tables (identity, direct map and kernel window over the first
 * GiB), enters long mode and jumps to kmain() in the higher half. Everything
 * here runs at physical addresses; see kernel/arch/kernel.ld.
 */
#include "kernel/arch/layout.h"

#define MB_MAGIC	0x1BADB002
/* page-align modules, give memory map, use the address fields below */
#define MB_FLAGS	((1 << 0) | (1 << 1) | (1 << 16))

	.section .boot.text, "ax"
	.code32
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header			/* header_addr */
	.long _phys_start		/* load_addr */
	.long _phys_load_end		/* load_end_addr */
	.long _phys_bss_end		/* bss_end_addr */
	.long _start			/* entry_addr */

	.globl _start
_start:
	cli
	cld
	mov	%eax, %edi		/* kept for kmain: magic */
	mov	%ebx, %esi		/* kept for kmain: info */
	mov	$boot_stack_phys_top, %esp

	/* Long mode needs CPUID leaf 0x80000001 with the LM bit. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	test	$(1 << 29), %edx
	jz	no_long_mode

	/* PD: 512 x 2 MiB pages covering the first GiB. */
	mov	$boot_pd_phys, %ebx
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$0x83, %eax		/* present, writable, 2 MiB */
	mov	%eax, (%ebx, %ecx, 8)
	movl	$0, 4(%ebx, %ecx, 8)
	inc	%ecx
	cmp	$512, %ecx
	jne	1b

	/* PDPT low: entry 0 -> PD. PDPT high: entry 510 -> PD. */
	mov	$boot_pd_phys, %eax
	or	$3, %eax
	mov	%eax, boot_pdpt_lo_phys
	mov	%eax, boot_pdpt_hi_phys + 510 * 8

	/* PML4: 0 (identity) and 256 (direct map) -> low PDPT; 511 -> high. */
	mov	$boot_pdpt_lo_phys, %eax
	or	$3, %eax
	mov	%eax, boot_pml4_phys
	mov	%eax, boot_pml4_phys + 256 * 8
	mov	$boot_pdpt_hi_phys, %eax
	or	$3, %eax
	mov	%eax, boot_pml4_phys + 511 * 8

	mov	$boot_pml4_phys, %eax
	mov	%eax, %cr3

	mov	%cr4, %eax
	or	$(1 << 5), %eax		/* PAE */
	mov	%eax, %cr4

	mov	$0xC0000080, %ecx	/* EFER: LME, NXE (if present) */
	rdmsr
	or	$(1 << 8), %eax
	mov	%eax, %ebp
	mov	$0x80000001, %eax
	push	%edx
	cpuid
	test	$(1 << 20), %edx
	pop	%edx
	mov	%ebp, %eax
	jz	2f
	or	$(1 << 11), %eax
2:	mov	$0xC0000080, %ecx
	wrmsr

	mov	%cr0, %eax
	or	$((1 << 31) | (1 << 16) | 1), %eax	/* PG, WP, PE */
	mov	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$0x08, $long_entry

no_long_mode:
	/* Say why on the serial port, then stop. */
	mov	$no_lm_msg, %esi
3:	lodsb
	test	%al, %al
	jz	4f
	mov	$0x3F8, %dx
	out	%al, %dx
	jmp	3b
4:	cli
	hlt
	jmp	4b

	.code64
long_entry:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%ax, %ax
	mov	%ax, %fs
	mov	%ax, %gs
	movabs	$boot_stack_top, %rsp
	xor	%ebp, %ebp
	movabs	$kmain, %rax
	call	*%rax
5:	cli
	hlt
	jmp	5b

	.section .boot.data, "aw"
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF	/* 0x08 kernel code, 64-bit */
	.quad 0x00CF92000000FFFF	/* 0x10 kernel data */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt
no_lm_msg:
	.asciz "skiff: this CPU has no long mode; Skiff needs x86-64\r\n"

	.section .bss
	.align 4096
	.globl boot_pml4, boot_pdpt_lo, boot_pdpt_hi, boot_pd
boot_pml4:	.skip 4096
boot_pdpt_lo:	.skip 4096
boot_pdpt_hi:	.skip 4096
boot_pd:	.skip 4096
	.globl boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
