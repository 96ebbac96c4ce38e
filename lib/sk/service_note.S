/*
 * Marks a program as a Skiff service (lib/common/elf.h): a server or
 * driver built with musl-gcc, which init starts under the library OS with
 * SK_EXEC_F_SERVICE. Linked into every server and driver as an object of
 * its own (an archive member nothing refers to would be left out).
 */
	.section .note.skiff, "a", @note
	.balign 4
	.long	6		/* name size, "Skiff\0" */
	.long	4		/* descriptor size */
	.long	2		/* ELF_NOTE_SKIFF_SERVICE */
	.asciz	"Skiff"
	.balign 4
	.long	1
	.section .note.GNU-stack, "", @progbits
