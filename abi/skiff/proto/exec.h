/*
 * The start of a Linux process: what the loader (lib/sk/exec_linux.c, run
 * by whoever creates the process) hands the library OS of the new process.
 * The new thread starts at the libos entry with RDI = the user address of
 * a struct sk_exec_start, which lies below the program's initial stack
 * (the program may overwrite it once it runs, so the libos copies it).
 */
#ifndef SKIFF_PROTO_EXEC_H
#define SKIFF_PROTO_EXEC_H

#include <stdint.h>

#define SK_EXEC_MAGIC		0x3130434558454b53ull	/* "SKEXEC01" */

/* Where the pieces of a Linux process live. */
/*
 * The libos image sits below 2 GiB so that it links with the small code
 * model like every other native program, and above the 1 GiB a program
 * linked at the usual 4 MiB may grow its heap (brk) by. Maps without a
 * fixed address go above 4 GiB (the kernel's choice).
 */
#define SK_LIBOS_BASE		0x0000000070000000ull
#define SK_LINUX_STACK_TOP	0x00007ffffffff000ull
#define SK_LINUX_STACK_SIZE	(8ull << 20)		/* allocated lazily */

struct sk_exec_start {
	uint64_t magic;
	uint64_t entry;		/* the program's entry point */
	uint64_t sp;		/* its initial stack pointer (at argc) */
	uint64_t brk;		/* end of its highest segment, page aligned */
	uint64_t stack_low;	/* lowest address of the stack mapping */
	uint64_t _reserved[3];
};
_Static_assert(sizeof(struct sk_exec_start) == 64, "sk_exec_start layout");

#endif
