/*
 * Readiness: the notifications clients gave with IO_POLL. Each is a
 * registration of one (end, sending process): giving another replaces the
 * older one. A registration is armed while its process waits for events
 * on its end; when one of them becomes ready the server signals it once
 * and disarms it, but keeps the handle, so the next read or write of that
 * process with IO_RW_ARM can arm it again without an IO_POLL (io.h). The
 * server holds at most MAX_WAITERS of these handles; a registration that
 * is not armed is only an economy, and is closed when its end goes or
 * when its slot is needed for a new one.
 */
#include "servers/pipe/server.h"

struct waiter {
	bool used;
	bool armed;
	uint16_t end;		/* index in ends[] */
	uint64_t pid;		/* kernel id of the process that gave it */
	sk_handle_t notif;
	uint64_t bits;		/* to signal */
	uint32_t events;	/* IO_POLL* wanted, with IO_POLLERR | IO_POLLHUP */
};

static struct waiter waiters[MAX_WAITERS];

static void
disarm(struct waiter *w)
{
	struct pipe *p = end_pipe(&ends[w->end]);

	if (!w->armed)
		return;
	w->armed = false;
	if (p->nwaiters > 0)
		p->nwaiters--;
}

/* Forget registration w; its handle is closed (signalled or not). */
static void
waiter_drop(struct waiter *w)
{
	struct end *e = &ends[w->end];

	disarm(w);
	sk_handle_close(w->notif);
	w->used = false;
	if (e->nreg > 0)
		e->nreg--;
}

static struct waiter *
waiter_find(const struct end *e, uint64_t pid)
{
	uint16_t idx = (uint16_t)(e - ends);

	if (e->nreg == 0)
		return NULL;
	for (int i = 0; i < MAX_WAITERS; i++)
		if (waiters[i].used && waiters[i].end == idx && waiters[i].pid == pid)
			return &waiters[i];
	return NULL;
}

/* Arm w for events; the caller checked the limits. */
static void
arm(struct waiter *w, uint32_t events)
{
	if (!w->armed) {
		w->armed = true;
		end_pipe(&ends[w->end])->nwaiters++;
	}
	w->events = events;
}

/*
 * Register and arm notif for end e and the process pid until one of
 * events is ready (the caller found none ready now). Takes notif in every
 * case: it is closed on failure. Returns 0, or SK_E_LIMIT when too many
 * are armed.
 */
int64_t
waiter_arm(struct end *e, uint64_t pid, sk_handle_t notif, uint64_t bits,
    uint32_t events)
{
	struct pipe *p = end_pipe(e);
	struct waiter *w = waiter_find(e, pid);

	if (w != NULL)
		waiter_drop(w);		/* replaced */
	if (p->nwaiters >= MAX_PIPE_WAITERS) {
		sk_handle_close(notif);
		return SK_ERRVAL(SK_E_LIMIT, 0);
	}
	for (int i = 0; i < MAX_WAITERS && w == NULL; i++)
		if (!waiters[i].used)
			w = &waiters[i];
	for (int i = 0; i < MAX_WAITERS && w == NULL; i++)
		if (!waiters[i].armed) {
			waiter_drop(&waiters[i]);	/* only an economy */
			w = &waiters[i];
		}
	if (w == NULL) {
		sk_handle_close(notif);
		return SK_ERRVAL(SK_E_LIMIT, 0);
	}
	w->used = true;
	w->armed = false;
	w->end = (uint16_t)(e - ends);
	w->pid = pid;
	w->notif = notif;
	w->bits = bits;
	e->nreg++;
	arm(w, events);
	return 0;
}

/*
 * Arm the registration pid already has on end e for events, which the
 * caller found not ready. Returns false when there is none (or too many
 * are armed on the pipe): the client then arms with IO_POLL.
 */
bool
waiter_rearm(struct end *e, uint64_t pid, uint32_t events)
{
	struct waiter *w = waiter_find(e, pid);

	if (w == NULL)
		return false;
	if (!w->armed && end_pipe(e)->nwaiters >= MAX_PIPE_WAITERS)
		return false;
	arm(w, events);
	return true;
}

/* Something changed on p: signal (and disarm) the waiters now ready. */
void
waiters_wake(struct pipe *p)
{
	uint16_t pi = (uint16_t)(p - pipes);

	for (int i = 0; i < MAX_WAITERS && p->nwaiters > 0; i++) {
		struct waiter *w = &waiters[i];

		if (!w->armed || ends[w->end].pipe != pi)
			continue;
		if ((end_poll(&ends[w->end]) & w->events) == 0)
			continue;
		sk_notif_signal(w->notif, w->bits);
		disarm(w);
	}
}

/*
 * End e goes away: its armed waiters are signalled all the same (a
 * thread may still wait while another closed the end; it wakes, tries,
 * and learns), and its registrations are closed.
 */
void
waiters_drop_end(struct end *e)
{
	uint16_t idx = (uint16_t)(e - ends);

	for (int i = 0; i < MAX_WAITERS && e->nreg > 0; i++)
		if (waiters[i].used && waiters[i].end == idx) {
			if (waiters[i].armed)
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
