/*
 * First instruction of a Linux process: the loader starts the thread
 * here with RDI = its struct sk_exec_start (abi/skiff/proto/exec.h) and
 * RSP just below it.
 */
	.text
	.globl _start
_start:
	xor	%ebp, %ebp
	and	$-16, %rsp
	call	libos_main
1:	hlt
	jmp	1b

/*
 * libos_jump(entry, sp): enter the program as a Linux kernel would, with
 * RSP at argc, RDX = 0 (no exit function for the libc to register) and
 * every other register cleared.
 */
	.globl libos_jump
libos_jump:
	mov	%rsi, %rsp
	mov	%rdi, %rax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	jmp	*%rax
	.section .note.GNU-stack, "", @progbits
