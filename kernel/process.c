/*
 * Process life cycle. See process.h.
 *
 * Lock: the big kernel lock for everything.
 */
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/aspace.h"
#include "kernel/ipc.h"
#include "kernel/cred.h"
#include "kernel/heap.h"
#include "abi/skiff/errors.h"

struct process *
process_create(struct aspace *as, const char *name, uint32_t privs,
    struct cred *cred, int *err)
{
	struct process *p = kzalloc(sizeof(*p));

	if (p == NULL) {
		*err = SK_E_NOMEM;
		return NULL;
	}
	obj_init(&p->obj, SK_OBJ_PROCESS);
	strlcpy(p->name, name, sizeof(p->name));
	p->state = SK_PROC_RUNNING;
	p->privs = privs;
	handle_table_init(&p->handles);
	p->as = as;
	obj_ref(&as->obj);
	p->cred = cred;
	obj_ref(&cred->obj);
	list_init(&p->threads);
	list_init(&p->watchers);
	*err = SK_OK;
	return p;
}

void
process_terminate(struct process *p, uint32_t state, int64_t code,
    uint64_t fault_addr)
{
	struct list_head *pos, *n;

	if (p->state != SK_PROC_RUNNING)
		return;
	p->state = state;
	p->exit_code = code;
	p->fault_addr = fault_addr;
	list_for_each_safe(pos, n, &p->threads)
		thread_kill(list_entry(pos, struct thread, proc_link));
	if (p->nthreads == 0)
		process_finish(p);
}

/*
 * Release everything p holds. Runs once, when its last thread is gone (or
 * when a process that never ran a thread is destroyed).
 */
void
process_finish(struct process *p)
{
	struct aspace *as = p->as;

	if (p->state == SK_PROC_RUNNING)
		p->state = SK_PROC_EXITED;
	handle_table_clear(&p->handles);
	if (p->fault_ep != NULL) {
		obj_unref(&p->fault_ep->obj);
		p->fault_ep = NULL;
	}
	kfree(p->iomap);
	p->iomap = NULL;
	p->as = NULL;
	if (as != NULL)
		obj_unref(&as->obj);
	watchers_fire(&p->watchers);
}

void
process_destroy(struct kobject *o)
{
	struct process *p = (struct process *)o;

	if (p->nthreads != 0)
		panic("process_destroy: process %lu still has %u threads", o->koid, p->nthreads);
	if (p->as != NULL)
		process_finish(p);
	watchers_clear(&p->watchers);
	obj_unref(&p->cred->obj);
	/* Drop the TSS I/O bitmap owner pointers that might name p. */
	for (int i = 0; i < ncpus; i++)
		if (cpus[i].iomap_owner == p)
			cpus[i].iomap_owner = NULL;
	kfree(p);
}

/* Drop every watcher, signalling each first when fire is set. */
static void
watchers_drain(struct list_head *watchers, bool fire)
{
	struct list_head *pos, *n;

	list_for_each_safe(pos, n, watchers) {
		struct watch *w = list_entry(pos, struct watch, link);

		list_del(&w->link);
		if (fire)
			notif_signal(w->notif, w->bits);
		obj_unref(&w->notif->obj);
		kfree(w);
	}
}

void
watchers_fire(struct list_head *watchers)
{
	watchers_drain(watchers, true);
}

void
watchers_clear(struct list_head *watchers)
{
	watchers_drain(watchers, false);
}
