/*
 * Entry of native Skiff programs: RDI = the argument the creator passed,
 * RSI = this thread's UTCB. Calls main(arg) and ends the process with its
 * return value.
 */
	.text
	.globl _start
_start:
	xor	%ebp, %ebp
	and	$-16, %rsp
	call	main
	mov	%rax, %rdi
	mov	$0x1007, %eax		/* SK_SYS_proc_exit */
	syscall
1:	jmp	1b
	.section .note.GNU-stack, "", @progbits

/* Marks the program as a native Skiff program (lib/common/elf.h). */
	.section .note.skiff, "a", @note
	.balign 4
	.long	6		/* name size, "Skiff\0" */
	.long	4		/* descriptor size */
	.long	1		/* ELF_NOTE_SKIFF_NATIVE */
	.asciz	"Skiff"
	.balign 4
	.long	1
