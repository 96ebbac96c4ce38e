/*
 * Armed readiness: notifications clients gave with IO_POLL, each kept
 * until the events it waits for become ready on its end, then signalled
 * once and closed. One per (end, sending process): arming again replaces
 * the older one. The server holds at most MAX_WAITERS of these handles.
 */
#include "servers/pipe/server.h"

struct waiter {
	bool used;
	uint16_t end;		/* index in ends[] */
	uint64_t pid;		/* kernel id of the process that armed it */
	sk_handle_t notif;
	uint64_t bits;		/* to signal */
	uint32_t events;	/* IO_POLL* wanted, with IO_POLLERR | IO_POLLHUP */
};

static struct waiter waiters[MAX_WAITERS];

/* Forget waiter w; its handle is closed (signalled or not). */
static void
waiter_drop(struct waiter *w)
{
	struct pipe *p = end_pipe(&ends[w->end]);

	sk_handle_close(w->notif);
	w->used = false;
	if (p->nwaiters > 0)
		p->nwaiters--;
}

/*
 * Keep notif for end e and the process pid until one of events is ready
 * (the caller found none ready now). Takes notif in every case: it is
 * closed on failure. Returns 0, or SK_E_LIMIT when too many are armed.
 */
int64_t
waiter_arm(struct end *e, uint64_t pid, sk_handle_t notif, uint64_t bits,
    uint32_t events)
{
	struct pipe *p = end_pipe(e);
	uint16_t idx = (uint16_t)(e - ends);
	struct waiter *w = NULL;

	for (int i = 0; i < MAX_WAITERS; i++) {
		if (waiters[i].used && waiters[i].end == idx && waiters[i].pid == pid) {
			waiter_drop(&waiters[i]);	/* replaced */
			w = &waiters[i];
			break;
		}
		if (!waiters[i].used && w == NULL)
			w = &waiters[i];
	}
	if (w == NULL || p->nwaiters >= MAX_PIPE_WAITERS) {
		sk_handle_close(notif);
		return SK_ERRVAL(SK_E_LIMIT, 0);
	}
	w->used = true;
	w->end = idx;
	w->pid = pid;
	w->notif = notif;
	w->bits = bits;
	w->events = events;
	p->nwaiters++;
	return 0;
}

/* Something changed on p: signal (and forget) the waiters now ready. */
void
waiters_wake(struct pipe *p)
{
	uint16_t pi = (uint16_t)(p - pipes);

	for (int i = 0; i < MAX_WAITERS && p->nwaiters > 0; i++) {
		struct waiter *w = &waiters[i];

		if (!w->used || ends[w->end].pipe != pi)
			continue;
		if ((end_poll(&ends[w->end]) & w->events) == 0)
			continue;
		sk_notif_signal(w->notif, w->bits);
		waiter_drop(w);
	}
}

/*
 * End e goes away: its waiters are signalled all the same (a thread may
 * still wait while another closed the end; it wakes, tries, and learns).
 */
void
waiters_drop_end(const struct end *e)
{
	uint16_t idx = (uint16_t)(e - ends);

	for (int i = 0; i < MAX_WAITERS && end_pipe(e)->nwaiters > 0; i++)
		if (waiters[i].used && waiters[i].end == idx) {
			sk_notif_signal(waiters[i].notif, waiters[i].bits);
			waiter_drop(&waiters[i]);
		}
}

/* Touch the table at start-up (see main.c). */
void
waiters_init(void)
{
	memset(waiters, 0, sizeof(waiters));
}
