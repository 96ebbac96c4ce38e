/*
 * tty's requests: TTY_OPEN, and the io protocol on terminal open objects
 * (abi/skiff/proto/io.h). Every word and length is checked; a bad one
 * fails that request only.
 */
#include "servers/tty/tty.h"

struct topen opens[NOPEN];
struct waiter waiters[NWAITERS];

/*
 * A VTIME timer left by a read that was given up (a signal came) must
 * not end the next read at once: one older than its deadline by this
 * much is restarted.
 */
#define STALE_NS	(1000 * MS)

/* TTY_OPEN: services only (devfs). w0 = minor, w1 = IO_O_* flags. */
int64_t
op_open(struct req *r)
{
	uint64_t minor = r->m->w[0], flags = r->m->w[1];
	int64_t h;
	uint32_t i;

	if (SK_SVC_OF_BADGE(r->badge) == SVC_NONE)
		return SK_ERRVAL(SK_E_PERM, 0);
	if (minor != TTY_MINOR_CONSOLE)
		return SK_ERRVAL(SK_E_NXIO, 1);
	if ((flags & IO_O_ACCMODE) == IO_O_ACCMODE || flags >> 32 != 0)
		return SK_ERRVAL(SK_E_INVAL, 2);
	for (i = 0; i < NOPEN && opens[i].used; i++)
		;
	if (i == NOPEN)
		return SK_ERRVAL(SK_E_LIMIT, 0);
	opens[i].gen++;
	h = sk_ep_mint_notify(tty.ep, OBJ_BADGE(i, opens[i].gen),
	    SK_R_SEND | SK_R_DUP | SK_R_TRANSFER);
	if (h < 0)
		return SK_ERRVAL(SK_ERR(h), 0);
	opens[i].used = 1;
	opens[i].flags = (uint32_t)(flags & (IO_O_ACCMODE | IO_APPEND | IO_NONBLOCK));
	opens[i].timer = 0;
	r->out_h = (sk_handle_t)h;
	return 0;
}

/* The last handle of open object idx is gone: drop it and its waiters. */
void
op_closed(uint32_t idx)
{
	for (int i = 0; i < NWAITERS; i++)
		if (waiters[i].used && waiters[i].obj == idx) {
			sk_handle_close(waiters[i].notif);
			waiters[i].used = 0;
		}
	opens[idx].used = 0;
}

/* The IO_POLL* events of open object idx now (see ldisc_readable). */
uint32_t
ready_events(uint32_t idx, uint64_t now, uint64_t *deadline)
{
	uint32_t ev = 0;

	if (ldisc_readable(&tty.ld, 0, now, opens[idx].timer, deadline))
		ev |= IO_POLLIN;
	if (ldisc_writable(&tty.ld))
		ev |= IO_POLLOUT;
	return ev;
}

static int
can_read(const struct topen *o)
{
	return (o->flags & IO_O_ACCMODE) != IO_O_WRONLY;
}

static int
can_write(const struct topen *o)
{
	return (o->flags & IO_O_ACCMODE) != IO_O_RDONLY;
}

/*
 * Whether the request comes from a background group of the session this
 * is the controlling terminal of (io.h IO_WHO).
 */
static int
from_background(const struct req *r)
{
	int32_t pgid = (int32_t)r->m->w[3], sid = (int32_t)r->m->w[4];

	return tty.has_session && pgid > 0 && sid > 0 && sid == tty.sid &&
	    tty.pgrp > 0 && pgid != tty.pgrp;
}

static int64_t
op_read(struct req *r, struct topen *o)
{
	uint64_t max = r->m->w[0], now = now_ns();
	uint64_t vtime = (uint64_t)tty.ld.t.c_cc[TTY_VTIME] * LDISC_VTIME_NS;
	int64_t n;

	if (!can_read(o))
		return SK_ERRVAL(SK_E_BADF, 0);
	if (max > IO_CHUNK)
		return SK_ERRVAL(SK_E_INVAL, 1);
	if (from_background(r))
		return SK_ERRVAL(SK_E_BACKGROUND, 0);
	if (max == 0)
		return 0;
	if (max > OUT_MAX)
		max = OUT_MAX;
	if (o->timer != 0 && now > o->timer + vtime + STALE_NS)
		o->timer = 0;
	n = ldisc_read(&tty.ld, r->out, (size_t)max, now,
	    (o->flags & IO_NONBLOCK) ? NULL : &o->timer, NULL);
	if (n == LDISC_AGAIN)
		return SK_ERRVAL(SK_E_AGAIN, 0);
	r->out_len = (uint32_t)n;
	return n;
}

/*
 * IO_WRITE: output processing into the output queue, which is handed to
 * the driver as it fills. Short when the device cannot keep up.
 */
static int64_t
op_write(struct req *r, struct topen *o)
{
	size_t done = 0, k;

	if (!can_write(o))
		return SK_ERRVAL(SK_E_BADF, 0);
	if ((tty.ld.t.c_lflag & TTY_TOSTOP) && from_background(r))
		return SK_ERRVAL(SK_E_BACKGROUND, 0);
	while (done < r->in_len) {
		k = ldisc_write(&tty.ld, r->in + done, r->in_len - done);
		done += k;
		pump_output();
		if (k == 0 && !ldisc_writable(&tty.ld))
			break;
	}
	if (done == 0 && r->in_len > 0)
		return SK_ERRVAL(SK_E_AGAIN, 0);
	return (int64_t)done;
}

/*
 * IO_POLL: the wanted events ready now (and POLLERR, POLLHUP); with none
 * ready and a notification given, keep it (one per open object and
 * process, replacing an older one).
 */
static int64_t
op_poll(struct req *r, uint32_t idx)
{
	uint64_t events = r->m->w[0], bits = r->m->w[1];
	uint32_t ready = ready_events(idx, now_ns(), NULL);
	struct sk_handle_info hi;
	struct waiter *w = NULL;

	if (events >> 32 != 0)
		return SK_ERRVAL(SK_E_INVAL, 1);
	ready &= (uint32_t)events | IO_POLLERR | IO_POLLHUP;
	if (ready != 0 || r->h == 0)
		return ready;
	if (bits == 0 || bits >> 63 != 0)
		return SK_ERRVAL(SK_E_INVAL, 2);
	if (sk_handle_info(r->h, &hi) < 0 || hi.type != SK_OBJ_NOTIFICATION)
		return SK_ERRVAL(SK_E_WRONGTYPE, 0);
	if (!(hi.rights & SK_R_SIGNAL))
		return SK_ERRVAL(SK_E_RIGHTS, 0);
	for (int i = 0; i < NWAITERS; i++) {
		if (waiters[i].used && waiters[i].obj == idx && waiters[i].pid == r->pid) {
			sk_handle_close(waiters[i].notif);	/* replaced */
			w = &waiters[i];
			break;
		}
		if (!waiters[i].used && w == NULL)
			w = &waiters[i];
	}
	if (w == NULL)
		return SK_ERRVAL(SK_E_LIMIT, 0);
	w->used = 1;
	w->obj = idx;
	w->pid = r->pid;
	w->notif = r->h;
	w->bits = bits;
	w->events = (uint32_t)events;
	r->h = 0;	/* kept */
	return ready;
}

static int64_t
op_stat(struct req *r)
{
	struct io_stat st = { 0 };

	st.dev = SVC_TTY;
	st.ino = 1;
	st.mode = IO_S_IFCHR | TTY_MODE;
	st.nlink = 1;
	st.uid = 0;
	st.gid = 5;		/* the tty group */
	st.rdev = TTY_RDEV;
	st.blksize = 1024;
	memcpy(r->out, &st, sizeof(st));
	r->out_len = sizeof(st);
	return 0;
}

int64_t
op_io(struct req *r, uint32_t idx)
{
	struct topen *o = &opens[idx];

	switch (r->label) {
	case IO_READ:
		return op_read(r, o);
	case IO_WRITE:
		return op_write(r, o);
	case IO_POLL:
		return op_poll(r, idx);
	case IO_STAT:
		return op_stat(r);
	case IO_GETFL:
		return o->flags;
	case IO_SETFL:
		if (r->m->w[0] >> 32 != 0)
			return SK_ERRVAL(SK_E_INVAL, 1);
		o->flags = (o->flags & ~(uint32_t)(IO_APPEND | IO_NONBLOCK)) |
		    (uint32_t)(r->m->w[0] & (IO_APPEND | IO_NONBLOCK));
		return 0;
	case IO_IOCTL:
		return op_ioctl(r, idx);
	case IO_SEEK:
		return SK_ERRVAL(SK_E_SPIPE, 0);
	case IO_READDIR:
		return SK_ERRVAL(SK_E_NOTDIR, 0);
	case IO_FSYNC:
		return 0;
	case IO_TRUNCATE:
		return SK_ERRVAL(SK_E_INVAL, 0);
	case IO_SETATTR:
	case IO_MAP:
	case IO_STATFS:
		return SK_ERRVAL(SK_E_NOTSUP, 0);
	default:
		return SK_ERRVAL(SK_E_NOSYS, 0);
	}
}
