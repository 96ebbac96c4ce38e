/* System calls on processes and threads. Lock: the big kernel lock. */
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/ipc.h"
#include "kernel/cred.h"
#include "kernel/heap.h"
#include "kernel/arch/trapframe.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/info.h"

int64_t
sys_proc_create(struct trapframe *tf)
{
	struct process *self = current_process(), *p;
	struct kobject *aso;
	char name[32];
	uint64_t len = tf->rdx;
	uint32_t privs = (uint32_t)tf->r10;
	int64_t h;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_ASPACE, SK_R_MAP | SK_R_WRITE, &aso,
	    NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (len >= sizeof(name))
		return SK_ERRVAL(SK_E_TOOBIG, 3);
	if (copyin(name, tf->rsi, len) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 2);
	name[len] = 0;
	if (privs & ~self->privs)
		return SK_ERRVAL(SK_E_PRIV, 4);
	if (tf->r8 != 0)
		return SK_ERRVAL(SK_E_INVAL, 5);
	if ((p = process_create((struct aspace *)aso, name, privs, self->cred, &e)) == NULL)
		return SK_ERRVAL(e, 0);
	h = new_handle(&p->obj, SK_R_ALL, 0);
	obj_unref(&p->obj);	/* the handle holds it, or it is gone */
	return h;
}

int64_t
sys_proc_exit(struct trapframe *tf)
{
	process_terminate(current_process(), SK_PROC_EXITED, (int64_t)tf->rdi, 0);
	return SK_OK;	/* dies on the way out */
}

int64_t
sys_proc_kill(struct trapframe *tf)
{
	struct kobject *o;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_PROCESS, SK_R_MANAGE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	process_terminate((struct process *)o, SK_PROC_KILLED, (int64_t)tf->rsi, 0);
	return SK_OK;
}

/*
 * Mark every thread of the process to enter its library OS before it next
 * runs user code (reflect.c). A thread on another CPU running its program
 * sees it at its next kernel entry (the timer tick at the latest); one
 * running its library OS sees reflect_pending in its UTCB before it leaves.
 */
int64_t
sys_proc_interrupt(struct trapframe *tf)
{
	struct kobject *o;
	struct process *p;
	struct list_head *it, *n;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_PROCESS, SK_R_MANAGE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	p = (struct process *)o;
	if (p->state != SK_PROC_RUNNING)
		return SK_ERRVAL(SK_E_STATE, 1);
	list_for_each_safe(it, n, &p->threads) {
		struct thread *t = list_entry(it, struct thread, proc_link);

		/* The UTCB word is for a library OS about to leave (reflect.c). */
		t->interrupt = true;
		__atomic_store_n(&t->utcb->reflect_pending, 1, __ATOMIC_RELAXED);
	}
	return SK_OK;
}

int64_t
sys_proc_info(struct trapframe *tf)
{
	struct sk_proc_info info;
	struct process *p;
	struct kobject *o;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_PROCESS, SK_R_READ, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	p = (struct process *)o;
	memset(&info, 0, sizeof(info));
	info.koid = p->obj.koid;
	info.state = p->state;
	info.nthreads = p->nthreads;
	info.exit_code = p->exit_code;
	info.fault_addr = p->fault_addr;
	strlcpy(info.name, p->name, sizeof(info.name));
	if (copyout(tf->rsi, &info, sizeof(info)) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 2);
	return SK_OK;
}

int64_t
sys_proc_set_fault(struct trapframe *tf)
{
	struct kobject *po, *eo = NULL;
	struct process *p;
	uint64_t badge = 0;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_PROCESS, SK_R_MANAGE, &po, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (tf->rsi != 0 && (e = get_obj((uint32_t)tf->rsi, SK_OBJ_ENDPOINT, SK_R_SEND, &eo,
	    NULL, &badge)) != SK_OK)
		return SK_ERRVAL(e, 2);
	p = (struct process *)po;
	if (p->state != SK_PROC_RUNNING)
		return SK_ERRVAL(SK_E_STATE, 1);
	if (p->fault_ep != NULL)
		obj_unref(&p->fault_ep->obj);
	p->fault_ep = (struct endpoint *)eo;
	p->fault_badge = badge;
	if (eo != NULL)
		obj_ref(eo);
	return SK_OK;
}

int64_t
sys_proc_set_cred(struct trapframe *tf)
{
	struct kobject *po, *co;
	struct process *p;
	int e;

	if (!(current_process()->privs & SK_PRIV_CRED))
		return SK_ERRVAL(SK_E_PRIV, 0);
	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_PROCESS, SK_R_MANAGE, &po, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if ((e = get_obj((uint32_t)tf->rsi, SK_OBJ_CRED, SK_R_READ, &co, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 2);
	p = (struct process *)po;
	obj_ref(co);
	obj_unref(&p->cred->obj);
	p->cred = (struct cred *)co;
	return SK_OK;
}

/* Signal notif bits when a process or thread dies. */
int64_t
sys_obj_watch(struct trapframe *tf)
{
	struct kobject *o, *no;
	struct list_head *list;
	struct watch *w;
	bool dead;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_NONE, SK_R_READ, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (o->type == SK_OBJ_PROCESS) {
		list = &((struct process *)o)->watchers;
		dead = ((struct process *)o)->as == NULL;
	} else if (o->type == SK_OBJ_THREAD) {
		list = &((struct thread *)o)->watchers;
		dead = ((struct thread *)o)->state == T_DEAD;
	} else {
		return SK_ERRVAL(SK_E_WRONGTYPE, 1);
	}
	if ((e = get_obj((uint32_t)tf->rsi, SK_OBJ_NOTIFICATION, SK_R_SIGNAL, &no, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 2);
	if (tf->rdx == 0 || (tf->rdx >> 63) != 0)
		return SK_ERRVAL(SK_E_INVAL, 3);
	if (dead) {
		notif_signal((struct notif *)no, tf->rdx);
		return SK_OK;
	}
	if ((w = kzalloc(sizeof(*w))) == NULL)
		return SK_ERRVAL(SK_E_NOMEM, 0);
	w->notif = (struct notif *)no;
	w->bits = tf->rdx;
	obj_ref(no);
	list_add_tail(&w->link, list);
	return SK_OK;
}

int64_t
sys_thread_create(struct trapframe *tf)
{
	struct kobject *po;
	struct thread *t;
	uint64_t utcb = tf->r8, prio = tf->r9;
	int64_t h;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_PROCESS, SK_R_MANAGE, &po, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (tf->rsi >= USER_TOP)
		return SK_ERRVAL(SK_E_RANGE, 2);
	if (tf->rdx >= USER_TOP + 1)
		return SK_ERRVAL(SK_E_RANGE, 3);
	if (utcb % PAGE_SIZE != 0)
		return SK_ERRVAL(SK_E_ALIGN, 5);
	if (utcb != 0 && !user_range_ok(utcb, PAGE_SIZE))
		return SK_ERRVAL(SK_E_RANGE, 5);
	if (prio > SK_PRIO_MAX || prio > current_thread()->prio)
		return SK_ERRVAL(SK_E_INVAL, 6);
	if ((t = thread_create((struct process *)po, tf->rsi, tf->rdx, tf->r10, utcb,
	    (uint8_t)prio, &e)) == NULL)
		return SK_ERRVAL(e, e == SK_E_EXISTS ? 5 : 0);
	h = new_handle(&t->obj, SK_R_ALL, 0);
	if (h >= 0)
		thread_start(t);
	obj_unref(&t->obj);
	return h;
}

int64_t
sys_thread_exit(struct trapframe *tf)
{
	struct thread *t = current_thread();

	t->exit_code = (int64_t)tf->rdi;
	t->killed = true;
	return SK_OK;
}

int64_t
sys_thread_kill(struct trapframe *tf)
{
	struct kobject *o;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_THREAD, SK_R_MANAGE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	thread_kill((struct thread *)o);
	return SK_OK;
}

int64_t
sys_thread_set_prio(struct trapframe *tf)
{
	struct kobject *o;
	struct thread *t;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_THREAD, SK_R_MANAGE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (tf->rsi > SK_PRIO_MAX || tf->rsi > current_thread()->prio)
		return SK_ERRVAL(SK_E_INVAL, 2);
	t = (struct thread *)o;
	if (t->state == T_READY) {
		sched_dequeue(t);
		t->prio = (uint8_t)tf->rsi;
		sched_enqueue(t);
	} else {
		t->prio = (uint8_t)tf->rsi;
	}
	return SK_OK;
}

int64_t
sys_yield(struct trapframe *tf)
{
	schedule();
	return SK_OK;
}

int64_t
sys_sleep(struct trapframe *tf)
{
	if (tf->rdi == 0)
		return SK_OK;
	return thread_block(BLOCK_SLEEP, deadline_from_timeout(tf->rdi));
}
