/*
 * The saved user (or kernel) register state at a trap, interrupt or system
 * call, as built by kernel/arch/entry.S at the top of the thread's kernel
 * stack. The order must match the pushes in entry.S.
 */
#ifndef KERNEL_ARCH_TRAPFRAME_H
#define KERNEL_ARCH_TRAPFRAME_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

#define VEC_SYSCALL	0x100	/* trapframe.vector for the syscall path */

#ifndef __ASSEMBLER__
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* the hardware frame */
};
_Static_assert(sizeof(struct trapframe) == 22 * 8, "trapframe layout");
#endif

#define TF_SIZE		(22 * 8)
#define TF_RAX		(14 * 8)
#define TF_VECTOR	(15 * 8)
#define TF_RIP		(17 * 8)
#define TF_CS		(18 * 8)

/* Offsets into struct cpu (kernel/cpu.h), used by entry.S. */
#define CPU_SELF	0
#define CPU_KSTACK	8
#define CPU_USER_RSP	16

#endif
