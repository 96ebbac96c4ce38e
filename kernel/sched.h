/*
 * The scheduler: per-CPU run queues with SK_PRIO_MAX + 1 priority levels,
 * round robin inside a level, preemption by the LAPIC timer. All of it
 * runs under the big kernel lock.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "kernel/list.h"

#define NPRIO		32
#define TIMESLICE_TICKS	5
#define HZ		100

struct runqueue {
	uint32_t bitmap;		/* bit p: queue p is non-empty */
	struct list_head q[NPRIO];
	uint32_t count;
};

struct thread;

void sched_init_cpu(void);
void sched_enqueue(struct thread *t);	/* make READY, maybe preempt */
void sched_dequeue(struct thread *t);
void schedule(void);			/* pick the next thread and switch */
void sched_tick(void);
__attribute__((noreturn)) void cpu_idle_loop(void);
void sched_switch_to(struct thread *next);	/* direct switch (IPC) */
void sched_reap_later(struct thread *t);	/* free t after the next switch */

struct cpu;
struct process;
/*
 * Make c's TSS hold p's current I/O permission bitmap. Returns false if
 * it already did (nothing changed).
 */
bool iomap_load(struct cpu *c, struct process *p);

#endif
