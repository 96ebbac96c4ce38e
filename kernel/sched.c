/*
 * The scheduler. Each CPU has a run queue of READY threads in NPRIO
 * priority levels; schedule() runs the highest, round robin within a level.
 * A CPU with nothing to run steals from another CPU's queue before it
 * idles. The LAPIC timer preempts a thread when its time slice ends or
 * when a thread of higher priority becomes ready.
 *
 * Lock: everything here needs the big kernel lock.
 */
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/bkl.h"
#include "kernel/fpu.h"
#include "kernel/smp.h"
#include "kernel/arch/x86.h"

void switch_context(uint64_t *old_ksp, uint64_t new_ksp);

static struct thread *reap_pending[MAX_CPUS];

void
sched_init_cpu(void)
{
	struct cpu *c = this_cpu();

	for (int i = 0; i < NPRIO; i++)
		list_init(&c->rq.q[i]);
	c->rq.bitmap = 0;
	c->rq.count = 0;
}

static void
rq_add(struct cpu *c, struct thread *t, bool head)
{
	if (head)
		list_add_head(&t->rq_link, &c->rq.q[t->prio]);
	else
		list_add_tail(&t->rq_link, &c->rq.q[t->prio]);
	c->rq.bitmap |= 1u << t->prio;
	c->rq.count++;
}

static void
rq_remove(struct cpu *c, struct thread *t)
{
	list_del(&t->rq_link);
	if (list_empty(&c->rq.q[t->prio]))
		c->rq.bitmap &= ~(1u << t->prio);
	c->rq.count--;
}

/* Make t READY on its CPU; preempt that CPU's thread if t outranks it. */
void
sched_enqueue(struct thread *t)
{
	struct cpu *c;

	if (t->cpu < 0 || t->cpu >= ncpus || !cpus[t->cpu].online)
		t->cpu = this_cpu()->id;
	c = &cpus[t->cpu];
	t->state = T_READY;
	rq_add(c, t, false);
	if (c->current == c->idle || t->prio > c->current->prio) {
		c->need_resched = true;
		if (c != this_cpu())
			ipi_send(c->id, VEC_RESCHED);
	}
}

void
sched_dequeue(struct thread *t)
{
	if (t->state == T_READY)
		rq_remove(&cpus[t->cpu], t);
}

static struct thread *
rq_pop(struct cpu *c)
{
	struct thread *t;
	int p;

	if (c->rq.bitmap == 0)
		return NULL;
	p = 31 - __builtin_clz(c->rq.bitmap);
	t = list_first(&c->rq.q[p], struct thread, rq_link);
	rq_remove(c, t);
	return t;
}

static struct thread *
pick_next(struct cpu *c)
{
	struct thread *t = rq_pop(c);

	if (t != NULL)
		return t;
	/* Steal the best thread from the busiest other CPU. */
	for (int i = 0; i < ncpus; i++) {
		struct cpu *o = &cpus[i];

		if (o == c || !o->online || o->rq.count == 0)
			continue;
		t = rq_pop(o);
		if (t != NULL) {
			t->cpu = c->id;
			return t;
		}
	}
	return NULL;
}

/* Everything a CPU does right after it switched to a thread. */
static void
finish_switch(void)
{
	struct cpu *c = this_cpu();
	struct thread *dead = reap_pending[c->id];

	if (dead != NULL) {
		reap_pending[c->id] = NULL;
		thread_reap(dead);
	}
}

static void
load_thread_context(struct cpu *c, struct thread *next)
{
	c->kstack_top = next->kstack + KSTACK_SIZE;
	c->tss.rsp0 = c->kstack_top;
	if (next == c->idle) {
		as_activate(NULL);
		return;
	}
	as_activate(next->proc->as);
	wrmsr(MSR_FS_BASE, next->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
	fpu_restore(next->fpu);
	iomap_load(c, next->proc);
}

bool
iomap_load(struct cpu *c, struct process *p)
{
	if (c->iomap_owner == p && c->iomap_gen == p->iomap_gen)
		return false;
	if (p->iomap != NULL) {
		memcpy(c->tss.iomap, p->iomap, 8192);
		c->tss.iomap_base = offsetof(struct tss, iomap);
	} else {
		c->tss.iomap_base = sizeof(struct tss);
	}
	c->iomap_owner = p;
	c->iomap_gen = p->iomap_gen;
	return true;
}

static void
save_thread_context(struct cpu *c, struct thread *prev)
{
	if (prev == c->idle || prev->state == T_DEAD)
		return;
	prev->fs_base = rdmsr(MSR_FS_BASE);
	prev->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	fpu_save(prev->fpu);
}

static void
switch_to(struct cpu *c, struct thread *prev, struct thread *next)
{
	save_thread_context(c, prev);
	next->state = T_RUNNING;
	next->cpu = c->id;
	next->slice = TIMESLICE_TICKS;
	c->current = next;
	load_thread_context(c, next);
	switch_context(&prev->ksp, next->ksp);
	finish_switch();
}

/*
 * Give up the CPU. A RUNNING caller goes back on the run queue (at the
 * tail: round robin); a BLOCKED or DEAD one does not.
 */
void
schedule(void)
{
	struct cpu *c = this_cpu();
	struct thread *prev = c->current, *next;

	c->need_resched = false;
	if (prev->state == T_RUNNING && prev != c->idle) {
		prev->state = T_READY;
		rq_add(c, prev, false);
	}
	next = pick_next(c);
	if (next == NULL)
		next = c->idle;
	if (next == prev) {
		prev->state = T_RUNNING;
		return;
	}
	switch_to(c, prev, next);
}

/* Switch straight to next (IPC hand-off); the caller set prev's state. */
void
sched_switch_to(struct thread *next)
{
	struct cpu *c = this_cpu();
	struct thread *prev = c->current;

	if (next->state == T_READY)
		rq_remove(&cpus[next->cpu], next);
	if (prev->state == T_RUNNING && prev != c->idle) {
		prev->state = T_READY;
		rq_add(c, prev, true);
	}
	switch_to(c, prev, next);
}

void
sched_reap_later(struct thread *t)
{
	reap_pending[this_cpu()->id] = t;
}

void
sched_tick(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;

	c->ticks++;
	timeouts_expire(clock_ns());
	if (t == c->idle) {
		if (c->rq.count > 0)
			c->need_resched = true;
		return;
	}
	if (t->slice > 0)
		t->slice--;
	if (t->slice == 0)
		c->need_resched = true;
}

/* A new thread's first kernel code, from thread_trampoline (entry.S). */
void thread_first_run(void);
void
thread_first_run(void)
{
	finish_switch();
	kernel_exit_checks();
	bkl_release();
}

/*
 * The idle loop: runs without the lock, halts until an interrupt, and
 * schedules when there is work. Every CPU ends up here after start-up.
 */
void
cpu_idle_loop(void)
{
	struct cpu *c = this_cpu();

	for (;;) {
		bkl_acquire();
		if (c->rq.count > 0 || c->need_resched) {
			schedule();
		} else {
			/* Steal work if another CPU is overloaded. */
			for (int i = 0; i < ncpus; i++)
				if (&cpus[i] != c && cpus[i].rq.count > 0) {
					schedule();
					break;
				}
		}
		bkl_release();
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

void
sched_ap_start(void)
{
	struct cpu *c = this_cpu();

	bkl_acquire();
	sched_init_cpu();
	c->idle = thread_create_idle(c->id);
	c->current = c->idle;
	c->idle->state = T_RUNNING;
	bkl_release();
	cpu_idle_loop();
}
