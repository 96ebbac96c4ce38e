/*
 * Per-CPU data. Each CPU's kernel GS base points at its struct cpu, so
 * this_cpu() is one load. The first three fields are read by entry.S at
 * fixed offsets (kernel/arch/trapframe.h).
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include "kernel/kernel.h"
#include "kernel/sched.h"

#define MAX_CPUS	16

struct tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
	uint8_t iomap[8192 + 1];	/* I/O permission bitmap + end byte */
} __attribute__((packed));

struct thread;

struct cpu {
	struct cpu *self;		/* CPU_SELF */
	uint64_t kstack_top;		/* CPU_KSTACK: current thread's */
	uint64_t user_rsp;		/* CPU_USER_RSP: scratch at syscall */
	int id;				/* 0 .. ncpus-1 */
	uint32_t apic_id;
	bool online;
	struct thread *current;
	struct thread *idle;
	struct runqueue rq;
	volatile bool need_resched;
	volatile uint32_t tlb_flush;	/* set by a shooter, cleared here */
	struct process *iomap_owner;	/* whose I/O bitmap is in the TSS */
	uint32_t iomap_gen;		/* and which version of it */
	uint64_t ticks;
	uint64_t gdt[7];
	struct tss tss __attribute__((aligned(16)));
	/* Known-good stacks for the abort-class vectors (IST 1, 2, 3). */
	uint8_t df_stack[4096] __attribute__((aligned(16)));
	uint8_t nmi_stack[4096] __attribute__((aligned(16)));
	uint8_t mc_stack[4096] __attribute__((aligned(16)));
};

extern struct cpu cpus[MAX_CPUS];
extern int ncpus;

static inline struct cpu *
this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

void cpu_init_tables(struct cpu *c);	/* GDT, TSS, IDT, syscall MSRs, GS */
void cpu_init_features(void);		/* CR0/CR4 bits, NX, SMEP/SMAP, FPU */
void idt_init(void);
void idt_load(void);
void cpu_print_features(void);

#endif
