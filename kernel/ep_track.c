/*
 * Close notices of endpoint badges ("no more senders").
 *
 * A server that mints a badge with SK_MINT_NOTIFY learns when the last
 * handle carrying that badge is gone, however it went: closed, dropped by
 * a process that died, or lost with a message nobody received. The badge
 * then arrives once as a message with label SK_LABEL_CLOSED. This is how a
 * file server knows an open file is no longer open anywhere and a pipe
 * knows its last writer went away.
 *
 * Each endpoint keeps a hash table of its tracked badges with the number
 * of handles that carry each. Tracked badges have SK_BADGE_NOTIFY set, so
 * handles with other badges never look here. The entry of a badge whose
 * count drops to zero moves to ep->notices, where recv finds it; its
 * memory was allocated at mint time, so posting a notice cannot fail.
 *
 * Lock: the big kernel lock.
 */
#include "kernel/ipc_internal.h"
#include "kernel/heap.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/ipc.h"

struct ep_track {
	struct list_head link;	/* bucket while counted; ep->notices after */
	uint64_t badge;
	uint64_t count;		/* handles that carry the badge */
};

#define TRACK_MIN_BUCKETS	16

static struct list_head *
bucket(struct endpoint *ep, uint64_t badge)
{
	uint64_t h = badge * 0x9e3779b97f4a7c15ull;

	return &ep->buckets[(h >> 32) & (ep->nbuckets - 1)];
}

static struct ep_track *
find(struct endpoint *ep, uint64_t badge)
{
	struct list_head *b, *pos;

	if (ep->nbuckets == 0)
		return NULL;
	b = bucket(ep, badge);
	for (pos = b->next; pos != b; pos = pos->next) {
		struct ep_track *tr = list_entry(pos, struct ep_track, link);

		if (tr->badge == badge)
			return tr;
	}
	return NULL;
}

/* Rehash into n buckets (a power of two); SK_E_NOMEM leaves it as it was. */
static int
resize(struct endpoint *ep, uint32_t n)
{
	struct list_head *old = ep->buckets, *nb;
	uint32_t oldn = ep->nbuckets;

	if ((nb = kmalloc(n * sizeof(*nb))) == NULL)
		return SK_E_NOMEM;
	for (uint32_t i = 0; i < n; i++)
		list_init(&nb[i]);
	ep->buckets = nb;
	ep->nbuckets = n;
	for (uint32_t i = 0; i < oldn; i++)
		while (!list_empty(&old[i])) {
			struct ep_track *tr = list_first(&old[i], struct ep_track, link);

			list_del(&tr->link);
			list_add_tail(&tr->link, bucket(ep, tr->badge));
		}
	kfree(old);
	return SK_OK;
}

int
ep_track_prepare(struct endpoint *ep, uint64_t badge)
{
	struct ep_track *tr;

	if (find(ep, badge) != NULL)
		return SK_OK;
	if (ep->nbuckets == 0 || ep->ntracked >= 2 * ep->nbuckets) {
		uint32_t n = ep->nbuckets ? 2 * ep->nbuckets : TRACK_MIN_BUCKETS;

		if (resize(ep, n) != SK_OK && ep->nbuckets == 0)
			return SK_E_NOMEM;	/* a full table still works */
	}
	if ((tr = kzalloc(sizeof(*tr))) == NULL)
		return SK_E_NOMEM;
	tr->badge = badge;
	list_add_tail(&tr->link, bucket(ep, badge));
	ep->ntracked++;
	return SK_OK;
}

void
ep_track_unprepare(struct endpoint *ep, uint64_t badge)
{
	struct ep_track *tr = find(ep, badge);

	if (tr != NULL && tr->count == 0) {
		list_del(&tr->link);
		ep->ntracked--;
		kfree(tr);
	}
}

void
ep_track_opened(struct endpoint *ep, uint64_t badge)
{
	struct ep_track *tr = find(ep, badge);

	if (tr == NULL)
		panic("ep_track_opened: badge 0x%lx of endpoint %lu is not tracked",
		    badge, ep->obj.koid);
	tr->count++;
}

void
ep_track_closed(struct endpoint *ep, uint64_t badge)
{
	struct ep_track *tr = find(ep, badge);

	if (tr == NULL || tr->count == 0)
		panic("ep_track_closed: badge 0x%lx of endpoint %lu has no handles",
		    badge, ep->obj.koid);
	if (--tr->count > 0)
		return;
	list_del(&tr->link);
	ep->ntracked--;
	list_add_tail(&tr->link, &ep->notices);
	if (!list_empty(&ep->receivers)) {
		struct thread *r = list_first(&ep->receivers, struct thread, wait_link);

		ipc_wait_off(r);
		ep_take_notice(ep, r);
		thread_wake(r, SK_OK);
	}
}

void
ep_take_notice(struct endpoint *ep, struct thread *r)
{
	struct ep_track *tr = list_first(&ep->notices, struct ep_track, link);
	struct trapframe *tf = r->tf;

	list_del(&tr->link);
	tf->rdi = tr->badge;
	tf->rsi = SK_LABEL_CLOSED;
	tf->rdx = tr->badge;
	tf->r10 = tf->r8 = tf->r9 = tf->r12 = tf->r13 = 0;
	r->utcb->rcv_len = 0;
	r->utcb->rcv_nh = 0;
	memset(&r->utcb->sender, 0, sizeof(r->utcb->sender));
	r->utcb->sender.badge = tr->badge;
	kfree(tr);
}

void
ep_track_destroy(struct endpoint *ep)
{
	for (uint32_t i = 0; i < ep->nbuckets; i++)
		if (!list_empty(&ep->buckets[i]))
			panic("ep_track_destroy: endpoint %lu still has counted badges",
			    ep->obj.koid);
	while (!list_empty(&ep->notices)) {
		struct ep_track *tr = list_first(&ep->notices, struct ep_track, link);

		list_del(&tr->link);
		kfree(tr);
	}
	kfree(ep->buckets);
	ep->buckets = NULL;
	ep->nbuckets = 0;
}
