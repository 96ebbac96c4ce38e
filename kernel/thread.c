/*
 * Thread life cycle: creation with a kernel stack, FPU area and UTCB;
 * blocking with timeouts; killing; exit and reaping.
 *
 * Lock: the big kernel lock for everything.
 */
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/vmo.h"
#include "kernel/ipc.h"
#include "kernel/pmm.h"
#include "kernel/heap.h"
#include "kernel/kstack.h"
#include "kernel/fpu.h"
#include "kernel/smp.h"
#include "kernel/arch/trapframe.h"
#include "kernel/arch/x86.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/syscall.h"

struct list_head timeouts = LIST_INIT(timeouts);

extern char thread_trampoline[];

static struct thread *
thread_alloc(void)
{
	struct thread *t = kzalloc(sizeof(*t));

	if (t == NULL)
		return NULL;
	if ((t->kstack = kstack_alloc()) == 0) {
		kfree(t);
		return NULL;
	}
	list_init(&t->proc_link);
	list_init(&t->rq_link);
	list_init(&t->wait_link);
	list_init(&t->timer_link);
	list_init(&t->watchers);
	t->cpu = -1;
	return t;
}

static void
thread_free_stack(struct thread *t)
{
	if (t->kstack != 0) {
		kstack_free(t->kstack);
		t->kstack = 0;
	}
}

struct thread *
thread_create_idle(int cpu)
{
	struct thread *t = kzalloc(sizeof(*t));

	if (t == NULL)
		panic("thread_create_idle: out of memory");
	/* The idle thread runs on the CPU's boot stack; it needs no kstack. */
	obj_init(&t->obj, SK_OBJ_THREAD);
	list_init(&t->proc_link);
	list_init(&t->rq_link);
	list_init(&t->wait_link);
	list_init(&t->timer_link);
	list_init(&t->watchers);
	t->cpu = cpu;
	t->prio = 0;
	t->state = T_RUNNING;
	return t;
}

/*
 * Create a thread in p that starts at entry with the given user stack,
 * RDI = arg and RSI = its UTCB address. utcb_va 0 lets the kernel choose.
 * Returns the thread (one reference, for the caller) in state T_NEW, or
 * NULL with *err set; on failure nothing is left behind.
 */
struct thread *
thread_create(struct process *p, uint64_t entry, uint64_t stack, uint64_t arg,
    uint64_t utcb_va, uint8_t prio, int *err)
{
	struct thread *t;
	struct trapframe *tf;
	struct vmo *uv;
	uint64_t *ksp;
	int e;

	if (p->state != SK_PROC_RUNNING || p->as == NULL) {
		*err = SK_E_STATE;
		return NULL;
	}
	if ((t = thread_alloc()) == NULL) {
		*err = SK_E_NOMEM;
		return NULL;
	}
	t->fpu = fpu_alloc_state();
	uv = vmo_create(PAGE_SIZE, 0, &e);
	if (t->fpu == NULL || uv == NULL || (t->utcb_pa = vmo_page(uv, 0, true)) == 0) {
		e = uv == NULL ? e : SK_E_NOMEM;
		goto fail;
	}
	e = as_map(p->as, utcb_va, PAGE_SIZE, uv, 0, SK_PROT_READ | SK_PROT_WRITE,
	    REGION_SHARED | REGION_UTCB | (utcb_va ? SK_MAP_FIXED : 0), 0, &t->utcb_va);
	obj_unref(&uv->obj);	/* the mapping holds it now, or it is gone */
	if (e != SK_OK)
		goto fail;

	obj_init(&t->obj, SK_OBJ_THREAD);
	t->proc = p;
	obj_ref(&p->obj);
	list_add_tail(&t->proc_link, &p->threads);
	p->nthreads++;
	t->prio = prio;
	t->state = T_NEW;
	t->utcb = P2V(t->utcb_pa);
	t->utcb->self = t->utcb_va;
	t->utcb->tid = t->obj.koid;
	t->gs_base = t->utcb_va;

	tf = (struct trapframe *)(t->kstack + KSTACK_SIZE) - 1;
	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->rsp = stack;
	tf->rdi = arg;
	tf->rsi = t->utcb_va;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF | 2;
	t->tf = tf;
	/* What switch_context pops: six callee-saved registers, then RIP. */
	ksp = (uint64_t *)tf;
	*--ksp = (uint64_t)thread_trampoline;
	for (int i = 0; i < 6; i++)
		*--ksp = 0;
	t->ksp = (uint64_t)ksp;
	*err = SK_OK;
	return t;

fail:
	if (t->fpu != NULL)
		fpu_free_state(t->fpu);
	thread_free_stack(t);
	kfree(t);
	*err = e;
	return NULL;
}

void
thread_start(struct thread *t)
{
	if (t->state != T_NEW)
		return;
	obj_ref(&t->obj);	/* the running thread's own reference */
	sched_enqueue(t);
}

uint64_t
deadline_from_timeout(uint64_t timeout_ns)
{
	uint64_t now = clock_ns();

	if (timeout_ns == SK_FOREVER)
		return 0;
	if (timeout_ns > ~0ull - now - 1)
		return 0;
	return now + (timeout_ns ? timeout_ns : 1);
}

void
timer_add(struct thread *t, uint64_t deadline)
{
	struct list_head *pos;

	t->deadline = deadline;
	for (pos = timeouts.next; pos != &timeouts; pos = pos->next)
		if (list_entry(pos, struct thread, timer_link)->deadline > deadline)
			break;
	list_add_tail(&t->timer_link, pos);
}

/* Undo whatever queue membership t's block implies. */
static void
block_cancel(struct thread *t)
{
	switch (t->block) {
	case BLOCK_SEND:
	case BLOCK_RECV:
	case BLOCK_REPLY:
		ipc_cancel(t);
		break;
	case BLOCK_NOTIF:
		notif_cancel(t);
		break;
	default:
		break;
	}
}

int64_t
thread_block(enum block_kind k, uint64_t deadline)
{
	struct thread *t = current_thread();

	t->block = k;
	/*
	 * A thread killed while it was on its way into the kernel (spinning
	 * for the big kernel lock, say) must not go to sleep: thread_kill
	 * found it running and will not wake it. Undo the wait the caller
	 * set up and fail, so that it dies on its way out.
	 */
	if (t->killed) {
		block_cancel(t);
		t->block = BLOCK_NONE;
		return SK_ERRVAL(SK_E_PEERDIED, 0);
	}
	t->state = T_BLOCKED;
	t->wake_result = SK_OK;
	if (deadline != 0)
		timer_add(t, deadline);
	schedule();
	return t->wake_result;
}

void
thread_wake(struct thread *t, int64_t result)
{
	if (t->state != T_BLOCKED)
		panic("thread_wake: thread %lu is not blocked (state %d)", t->obj.koid, t->state);
	list_del(&t->timer_link);
	t->deadline = 0;
	t->block = BLOCK_NONE;
	t->wake_result = result;
	sched_enqueue(t);
}

void
timeouts_expire(uint64_t now)
{
	while (!list_empty(&timeouts)) {
		struct thread *t = list_first(&timeouts, struct thread, timer_link);

		if (t->deadline > now)
			break;
		block_cancel(t);
		thread_wake(t, t->block == BLOCK_SLEEP ? SK_OK : SK_ERRVAL(SK_E_TIMEOUT, 0));
	}
}

/*
 * Kill t. It dies the next time it would return to user mode: at once if
 * blocked (its wait is cancelled), at its next kernel entry if running on
 * another CPU (a reschedule IPI makes that happen soon).
 */
void
thread_kill(struct thread *t)
{
	if (t->state == T_DEAD || t->killed)
		return;
	t->killed = true;
	switch (t->state) {
	case T_NEW:
		/* Never ran: start it so that it dies on its way out. */
		thread_start(t);
		break;
	case T_BLOCKED:
		block_cancel(t);
		thread_wake(t, SK_ERRVAL(SK_E_PEERDIED, 0));
		break;
	case T_RUNNING:
		if (t->cpu != this_cpu()->id) {
			cpus[t->cpu].need_resched = true;
			ipi_send(t->cpu, VEC_RESCHED);
		}
		break;
	default:
		break;
	}
}

/* The current thread ends. Never returns. */
void
thread_exit_current(void)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;

	t->state = T_DEAD;
	ipc_thread_dying(t);
	watchers_fire(&t->watchers);
	list_del(&t->proc_link);
	p->nthreads--;
	if (p->state == SK_PROC_RUNNING && p->nthreads == 0)
		p->state = SK_PROC_EXITED, p->exit_code = t->exit_code;
	if (p->nthreads == 0)
		process_finish(p);
	else if (p->as != NULL)
		as_unmap(p->as, t->utcb_va, PAGE_SIZE);
	sched_reap_later(t);
	schedule();
	panic("thread_exit_current: a dead thread was scheduled");
}

/* Free what a dead thread held; runs on another thread's stack. */
void
thread_reap(struct thread *t)
{
	thread_free_stack(t);
	fpu_free_state(t->fpu);
	t->fpu = NULL;
	obj_unref(&t->obj);	/* the reference thread_start took */
}

void
thread_destroy(struct kobject *o)
{
	struct thread *t = (struct thread *)o;

	if (t->state != T_DEAD && t->state != T_NEW)
		panic("thread_destroy: thread %lu is still alive", o->koid);
	if (t->state == T_NEW) {
		/* Created but never started: undo thread_create. */
		list_del(&t->proc_link);
		t->proc->nthreads--;
		if (t->proc->as != NULL)
			as_unmap(t->proc->as, t->utcb_va, PAGE_SIZE);
		thread_free_stack(t);
		fpu_free_state(t->fpu);
		if (t->proc->state == SK_PROC_RUNNING && t->proc->nthreads == 0 &&
		    !list_empty(&t->proc->threads))
			panic("thread_destroy: thread list out of step");
	}
	watchers_clear(&t->watchers);
	if (t->proc != NULL)
		obj_unref(&t->proc->obj);
	kfree(t);
}

void
kernel_exit_work(void)
{
	struct cpu *c = this_cpu();

	for (;;) {
		struct thread *t = c->current;

		if (t->killed && t != c->idle)
			thread_exit_current();
		if (!c->need_resched)
			break;
		schedule();
	}
	tlb_flush_local_if_needed();
}
