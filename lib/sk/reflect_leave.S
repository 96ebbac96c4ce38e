/*
 * sk_reflect_leave: resume the frame in this thread's utcb->reflect
 * from user mode, without entering the kernel. GS base is the UTCB.
 *
 * The caller has checked that the frame needs nothing only the kernel
 * can do (sk_reflect_resume): RFLAGS holds only flags a user may set and
 * no TF, RIP is a user address, and the FS and GS bases are the ones the
 * thread has now. If an interrupt is pending (utcb->reflect_pending), it
 * returns at once and the caller must use reflect_return; otherwise it
 * does not return.
 *
 * Everything from sk_reflect_leave up to sk_reflect_leave_end is the
 * range the library OS registers with reflect_set. A thread the kernel
 * finds there with an interrupt due has committed to the frame: the
 * kernel finishes the return from utcb->reflect itself, as reflect_return
 * would, and then enters the library OS for the interrupt. So the frame
 * must not change once the thread is here, and the code reads it only.
 */
#include "abi/skiff/utcb_off.h"

#define F(reg)	(SK_UTCB_REFLECT + SK_REGS_##reg)

	.text
	.globl	sk_reflect_leave
	.globl	sk_reflect_leave_end
	.type	sk_reflect_leave, @function
sk_reflect_leave:
	cmpq	$0, %gs:SK_UTCB_REFLECT_PENDING
	jne	sk_reflect_leave_end
	/* The flags first: nothing below changes them. */
	pushq	%gs:F(RFLAGS)
	popfq
	movq	%gs:F(RAX), %rax
	movq	%gs:F(RBX), %rbx
	movq	%gs:F(RCX), %rcx
	movq	%gs:F(RDX), %rdx
	movq	%gs:F(RSI), %rsi
	movq	%gs:F(RDI), %rdi
	movq	%gs:F(RBP), %rbp
	movq	%gs:F(R8), %r8
	movq	%gs:F(R9), %r9
	movq	%gs:F(R10), %r10
	movq	%gs:F(R11), %r11
	movq	%gs:F(R12), %r12
	movq	%gs:F(R13), %r13
	movq	%gs:F(R14), %r14
	movq	%gs:F(R15), %r15
	movq	$0, %gs:SK_UTCB_REFLECT_BUSY
	movq	%gs:F(RSP), %rsp
	jmpq	*%gs:F(RIP)
sk_reflect_leave_end:
	ret
	.size	sk_reflect_leave, . - sk_reflect_leave
	.section .note.GNU-stack, "", @progbits
