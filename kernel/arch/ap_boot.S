/*
 * Application processor start-up trampoline. smp_boot_aps() copies the
 * bytes between ap_tramp_start and ap_tramp_end to physical AP_TRAMPOLINE
 * (page aligned, below 1 MiB), fills in the parameter block at
 * ap_tramp_params and sends INIT-SIPI-SIPI. The AP starts here in real
 * mode at CS:IP = (AP_TRAMPOLINE >> 4):0000, goes through 32-bit
 * protected mode into long mode on the page table in tp_pml4 (which must
 * lie below 4 GiB and identity-map the trampoline page besides the kernel
 * half), loads tp_stack and calls tp_entry(tp_cpu) in the higher half.
 *
 * The code is copied, never run in place: every address it uses is
 * computed relative to AP_TRAMPOLINE with T().
 */
#include "kernel/arch/layout.h"

#define T(sym)	(AP_TRAMPOLINE + ((sym) - ap_tramp_start))

#define CR0_PE		(1 << 0)
#define CR0_WP		(1 << 16)
#define CR0_NW		(1 << 29)
#define CR0_CD		(1 << 30)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER	0xC0000080
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)

	.section .rodata.ap_tramp, "a"
	.balign 16
	.globl ap_tramp_start, ap_tramp_end, ap_tramp_params

	.code16
ap_tramp_start:
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	/* Tell the boot CPU that the start-up IPI arrived. */
	movl	$1, T(tp_started)
	lgdtl	T(tgdt_ptr)
	/* INIT leaves the caches disabled (CD, NW): turn them back on. */
	movl	%cr0, %eax
	andl	$~(CR0_CD | CR0_NW), %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $T(pm32)

	.code32
pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	T(tp_pml4), %eax
	movl	%eax, %cr3

	/* Long mode, and NX if present: the kernel's tables use it. */
	movl	$0x80000001, %eax
	cpuid
	movl	%edx, %ebx
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	testl	$(1 << 20), %ebx
	jz	1f
	orl	$EFER_NXE, %eax
1:	wrmsr

	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmp	$0x18, $T(lm64)

	.code64
lm64:
	movq	T(tp_stack), %rsp
	movq	T(tp_cpu), %rdi
	movq	T(tp_entry), %rax
	xorl	%ebp, %ebp
	/* A zero return address ends backtraces and aligns the stack. */
	pushq	$0
	jmp	*%rax

	.balign 8
tgdt:
	.quad	0
	.quad	0x00CF9A000000FFFF	/* 0x08: 32-bit code */
	.quad	0x00CF92000000FFFF	/* 0x10: data */
	.quad	0x00AF9A000000FFFF	/* 0x18: 64-bit code */
tgdt_end:
tgdt_ptr:
	.word	tgdt_end - tgdt - 1
	.long	T(tgdt)

	/* Parameter block: struct ap_params in kernel/smp.c. */
	.balign 8
ap_tramp_params:
tp_pml4:	.long	0	/* physical, below 4 GiB */
tp_started:	.long	0	/* set to 1 by the AP */
tp_stack:	.quad	0	/* initial rsp (kernel virtual) */
tp_cpu:		.quad	0	/* struct cpu * */
tp_entry:	.quad	0	/* void (*)(struct cpu *), noreturn */
ap_tramp_end:
