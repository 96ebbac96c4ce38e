/*
 * Kernel entry and exit: the syscall instruction, exceptions and
 * interrupts all build a struct trapframe (kernel/arch/trapframe.h) and
 * call C; trap_return unwinds one and goes back to where it came from.
 * GS: in user mode GS base is the thread's UTCB; in kernel mode it is the
 * CPU's struct cpu. swapgs switches between them on every user crossing.
 */
#include "kernel/arch/layout.h"
#include "kernel/arch/trapframe.h"

	.text

.macro PUSH_REGS
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm

.macro POP_REGS
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
.endm

/*
 * syscall: RCX = user RIP, R11 = user RFLAGS, interrupts masked by FMASK.
 * Switch to the thread's kernel stack and build a trapframe.
 */
	.globl syscall_entry
syscall_entry:
	swapgs
	mov	%rsp, %gs:CPU_USER_RSP
	mov	%gs:CPU_KSTACK, %rsp
	pushq	$SEL_UDATA
	pushq	%gs:CPU_USER_RSP
	push	%r11
	pushq	$SEL_UCODE
	push	%rcx
	pushq	$0
	pushq	$VEC_SYSCALL
	PUSH_REGS
	xor	%ebp, %ebp
	mov	%rsp, %rdi
	call	syscall_dispatch
	jmp	trap_return

/*
 * Exceptions and interrupts. Vectors without a CPU-pushed error code push a
 * zero so that every frame has the same shape.
 */
.macro VEC n
	.align 16
vec\n:
	.if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	pushq	$0
	.endif
	pushq	$\n
	jmp	trap_common
.endm

	.align 16
	.globl vector_table_start
vector_table_start:
.altmacro
.set i, 0
.rept 256
	VEC %i
	.set i, i + 1
.endr

trap_common:
	testb	$3, 24(%rsp)		/* CS of the hardware frame */
	jz	1f
	swapgs
	/*
	 * An interrupt gate clears IF and TF but not DF or AC, and user code
	 * may have set either: DF would run the kernel's string instructions
	 * backwards and AC would switch SMAP off. Clear both; iretq restores
	 * the interrupted flags.
	 */
1:	cld
	pushfq
	andq	$~(1 << 18), (%rsp)	/* RFLAGS.AC */
	popfq
	PUSH_REGS
	xor	%ebp, %ebp
	/* Give the backtrace a frame that points at the interrupted code. */
	testb	$3, TF_CS(%rsp)
	jnz	2f
	mov	TF_RIP(%rsp), %rax
	push	%rax
	pushq	8 + 64(%rsp)		/* interrupted rbp (tf->rbp) */
	mov	%rsp, %rbp
	lea	16(%rsp), %rdi
	call	trap
	add	$16, %rsp
	jmp	trap_return
2:	mov	%rsp, %rdi
	call	trap

	.globl trap_return
trap_return:
	testb	$3, TF_CS(%rsp)
	jz	kernel_return
	cli
	/* The sysret path: only for syscalls whose frame is sysret-safe. */
	cmpq	$VEC_SYSCALL, TF_VECTOR(%rsp)
	jne	iret_user
	mov	TF_RIP(%rsp), %rcx
	movabs	$USER_TOP, %r11
	cmp	%r11, %rcx
	jae	iret_user
	POP_REGS
	add	$16, %rsp		/* vector, error */
	mov	(%rsp), %rcx		/* rip */
	mov	16(%rsp), %r11		/* rflags */
	mov	24(%rsp), %rsp		/* user rsp */
	swapgs
	sysretq

iret_user:
	POP_REGS
	add	$16, %rsp
	swapgs
	iretq

kernel_return:
	POP_REGS
	add	$16, %rsp
	iretq

/*
 * switch_context(old_rsp_slot, new_rsp): save the callee-saved registers
 * on the current kernel stack, store the stack pointer in *old_rsp_slot,
 * load new_rsp and restore the next thread's callee-saved registers.
 */
	.globl switch_context
switch_context:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, (%rdi)
	mov	%rsi, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

/* First return of a new thread: switch_context "returns" here. */
	.globl thread_trampoline
thread_trampoline:
	call	thread_first_run
	jmp	trap_return

	.section .rodata
	.globl vector_stub_size
vector_stub_size:
	.quad 16
