/*
 * Notifications; see ipc.h. A waiting thread hangs one waitnode on each
 * notification it waits for; a signal wakes every waiter, and each woken
 * thread takes the bits it finds.
 *
 * Lock: the big kernel lock.
 */
#include "kernel/ipc.h"
#include "kernel/thread.h"
#include "kernel/heap.h"
#include "abi/skiff/errors.h"

struct notif *
notif_create(int *err)
{
	struct notif *n = kzalloc(sizeof(*n));

	if (n == NULL) {
		*err = SK_E_NOMEM;
		return NULL;
	}
	obj_init(&n->obj, SK_OBJ_NOTIFICATION);
	list_init(&n->waiters);
	*err = SK_OK;
	return n;
}

void
notif_destroy(struct kobject *o)
{
	struct notif *n = (struct notif *)o;

	if (!list_empty(&n->waiters))
		panic("notif_destroy: notification %lu still has waiters", o->koid);
	kfree(n);
}

/* Remove all of t's waitnodes (t is blocked in BLOCK_NOTIF). */
void
notif_cancel(struct thread *t)
{
	for (uint32_t i = 0; i < t->nwaitnodes; i++) {
		struct waitnode *w = &t->waitnodes[i];

		list_del(&w->link);
		obj_unref(&w->notif->obj);
	}
	t->nwaitnodes = 0;
	t->waitnodes = NULL;
}

void
notif_signal(struct notif *n, uint64_t bits)
{
	struct list_head *pos, *nx;

	n->bits |= bits;
	if (n->bits == 0)
		return;
	obj_ref(&n->obj);
	list_for_each_safe(pos, nx, &n->waiters) {
		struct waitnode *w = list_entry(pos, struct waitnode, link);
		struct thread *t = w->thread;

		if (t->state != T_BLOCKED || t->block != BLOCK_NOTIF)
			continue;
		notif_cancel(t);
		thread_wake(t, SK_OK);
		/* pos and nx may have been unlinked: start over. */
		nx = n->waiters.next;
	}
	obj_unref(&n->obj);
}

/*
 * Wait until one of the n notifications has bits set, take them, and
 * return how many had bits. nodes has room for n waitnodes (the caller's
 * storage, valid while it waits). Returns a count or an encoded error.
 */
int64_t
notif_wait_many(struct notif **ns, uint64_t *bits, uint32_t n,
    struct waitnode *nodes, uint64_t deadline, bool poll)
{
	struct thread *t = current_thread();

	for (;;) {
		uint32_t ready = 0;
		int64_t r;

		for (uint32_t i = 0; i < n; i++) {
			bits[i] = ns[i]->bits;
			ns[i]->bits = 0;
			if (bits[i] != 0)
				ready++;
		}
		if (ready > 0)
			return ready;
		if (poll)
			return SK_ERRVAL(SK_E_TIMEOUT, 0);
		for (uint32_t i = 0; i < n; i++) {
			nodes[i].thread = t;
			nodes[i].notif = ns[i];
			obj_ref(&ns[i]->obj);
			list_add_tail(&nodes[i].link, &ns[i]->waiters);
		}
		t->waitnodes = nodes;
		t->nwaitnodes = n;
		r = thread_block(BLOCK_NOTIF, deadline);
		if (r != SK_OK)
			return r;
	}
}
