/*
 * One function per request of the pipe and io protocols. Each checks
 * its words, payload and handles and fills the reply; main.c sends it.
 * Handles left in rq->h[] afterwards are closed by main.c: a handler
 * that keeps one sets its slot to 0.
 */
#include "servers/pipe/server.h"

#define FIONREAD	0x541bull	/* Linux: bytes ready to read, an int */
#define PIPEFS_MAGIC	0x50495045ull	/* Linux's f_type for pipes */

#define ERR(code, arg)	SK_ERRVAL(code, arg)

/* Requests without a payload or handles: 0, or the error to answer. */
static int64_t
no_extras(const struct req *rq)
{
	return rq->len != 0 || rq->nh != 0 ? ERR(SK_E_INVAL, 0) : 0;
}

/* The credential the kernel attests for the sender names the owner. */
static void
set_owner(struct pipe *p, const struct req *rq)
{
	p->uid = rq->sender->cred.euid;
	p->gid = rq->sender->cred.egid;
}

/*
 * PIPE_CREATE: w0 = 0 or IO_NONBLOCK (set on both ends) -> the read end
 * and the write end.
 */
static void
op_create(struct req *rq, struct rep *rp)
{
	struct pipe *p;
	struct end *re, *we;
	int64_t r, rh, wh;

	if ((rp->w0 = no_extras(rq)) < 0)
		return;
	if (rq->w[0] & ~(uint64_t)IO_NONBLOCK) {
		rp->w0 = ERR(SK_E_INVAL, 1);
		return;
	}
	if ((r = pipe_alloc(&p)) < 0) {
		rp->w0 = r;
		return;
	}
	set_owner(p, rq);
	if ((r = end_alloc(p, PS_READ, (uint32_t)rq->w[0], &re)) < 0) {
		pipe_put(p);
		rp->w0 = r;
		return;
	}
	if ((r = end_alloc(p, PS_WRITE, (uint32_t)rq->w[0], &we)) < 0) {
		end_free(re);
		rp->w0 = r;
		return;
	}
	if ((rh = end_mint(re)) < 0) {
		end_free(re);
		end_free(we);
		rp->w0 = ERR(SK_E_NOMEM, 0);
		return;
	}
	if ((wh = end_mint(we)) < 0) {
		sk_handle_close((sk_handle_t)rh);	/* its notice frees re */
		end_free(we);
		rp->w0 = ERR(SK_E_NOMEM, 0);
		return;
	}
	rp->w0 = (int64_t)p->ino;
	rp->nh = 2;
	rp->h[0] = (sk_handle_t)rh;
	rp->h[1] = (sk_handle_t)wh;
}

/*
 * PIPE_FIFO_OPEN, for services: w0, w1 = the FIFO's key, w2 = open flags
 * -> one new end. Opens never wait for the other side (see README).
 */
static void
op_fifo_open(struct req *rq, struct rep *rp)
{
	uint32_t flags = (uint32_t)rq->w[2];
	unsigned access;
	struct pipe *p;
	struct end *e;
	int64_t r, h;

	if (SK_SVC_OF_BADGE(rq->badge) == SVC_NONE) {
		rp->w0 = ERR(SK_E_PERM, 0);
		return;
	}
	if ((rp->w0 = no_extras(rq)) < 0)
		return;
	if (rq->w[2] > 0xffffffffull) {
		rp->w0 = ERR(SK_E_INVAL, 3);
		return;
	}
	switch (flags & IO_O_ACCMODE) {
	case IO_O_RDONLY:	access = PS_READ; break;
	case IO_O_WRONLY:	access = PS_WRITE; break;
	case IO_O_RDWR:		access = PS_READ | PS_WRITE; break;
	default:
		rp->w0 = ERR(SK_E_INVAL, 3);
		return;
	}
	p = fifo_find(rq->w[0], rq->w[1]);
	/* Linux: a non-blocking write open with no reader fails. */
	if (access == PS_WRITE && (flags & IO_NONBLOCK) &&
	    (p == NULL || p->st.readers == 0)) {
		rp->w0 = ERR(SK_E_NXIO, 0);
		return;
	}
	if (p == NULL) {
		if ((r = pipe_alloc(&p)) < 0) {
			rp->w0 = r;
			return;
		}
		p->fifo = true;
		p->key_dev = rq->w[0];
		p->key_ino = rq->w[1];
		set_owner(p, rq);
	}
	if ((r = end_alloc(p, access, flags & (IO_NONBLOCK | IO_APPEND), &e)) < 0) {
		pipe_put(p);
		rp->w0 = r;
		return;
	}
	if ((h = end_mint(e)) < 0) {
		end_free(e);
		rp->w0 = ERR(SK_E_NOMEM, 0);
		return;
	}
	waiters_wake(p);
	rp->w0 = 0;
	rp->nh = 1;
	rp->h[0] = (sk_handle_t)h;
}

/*
 * An IO_READ or IO_WRITE on e found no room to make progress: with
 * IO_RW_ARM, arm the sender's registration for events (when it has one)
 * and say so in w1.
 */
static void
arm_on_again(struct req *rq, struct rep *rp, struct end *e, uint32_t events)
{
	events |= IO_POLLERR | IO_POLLHUP;
	if (!(rq->w[2] & IO_RW_ARM) || (end_poll(e) & events) != 0)
		return;
	if (waiter_rearm(e, rq->sender->pid, events))
		rp->w1 = IO_ARMED;
}

/*
 * IO_READ: w0 = max bytes, w1 = IO_OFF_CUR (pipes have no offsets),
 * w2 = 0 or IO_RW_ARM.
 */
static void
op_read(struct req *rq, struct rep *rp, struct end *e)
{
	struct pipe *p = end_pipe(e);
	int64_t r;

	if ((rp->w0 = no_extras(rq)) < 0)
		return;
	if (!(e->access & PS_READ)) {
		rp->w0 = ERR(SK_E_BADF, 0);
		return;
	}
	if (rq->w[0] > IO_CHUNK) {
		rp->w0 = ERR(SK_E_INVAL, 1);
		return;
	}
	if (rq->w[1] != IO_OFF_CUR) {
		rp->w0 = ERR(SK_E_SPIPE, 2);
		return;
	}
	if (rq->w[2] & ~IO_RW_ARM) {
		rp->w0 = ERR(SK_E_INVAL, 3);
		return;
	}
	r = ps_peek(&p->st, msg_buf, (uint32_t)rq->w[0]);
	rp->w0 = r;
	if (r == ERR(SK_E_AGAIN, 0))
		arm_on_again(rq, rp, e, IO_POLLIN);
	if (r > 0) {
		rp->data = msg_buf;
		rp->len = (uint32_t)r;
		rp->consume_end = e;
		rp->consume = (uint32_t)r;
	}
}

/* IO_WRITE: payload = data, w1 = IO_OFF_CUR, w2 = 0 or IO_RW_ARM. */
static void
op_write(struct req *rq, struct rep *rp, struct end *e)
{
	struct pipe *p = end_pipe(e);
	int64_t r;

	if (rq->nh != 0) {
		rp->w0 = ERR(SK_E_INVAL, 0);
		return;
	}
	if (!(e->access & PS_WRITE)) {
		rp->w0 = ERR(SK_E_BADF, 0);
		return;
	}
	if (rq->w[1] != IO_OFF_CUR) {
		rp->w0 = ERR(SK_E_SPIPE, 2);
		return;
	}
	if (rq->w[2] & ~IO_RW_ARM) {
		rp->w0 = ERR(SK_E_INVAL, 3);
		return;
	}
	if (rq->len > IO_CHUNK) {
		rp->w0 = ERR(SK_E_TOOBIG, 0);
		return;
	}
	r = ps_write(&p->st, rq->data, rq->len);
	if (r > 0) {
		p->mtime = sk_clock_real();
		waiters_wake(p);
	}
	rp->w0 = r;
	if (r == ERR(SK_E_AGAIN, 0))
		arm_on_again(rq, rp, e, IO_POLLOUT);
}

static void
set_time(struct io_time *t, int64_t ns)
{
	t->sec = ns / 1000000000;
	t->nsec = (uint32_t)(ns % 1000000000);
	t->_pad = 0;
}

static void
op_stat(struct req *rq, struct rep *rp, struct end *e)
{
	struct pipe *p = end_pipe(e);
	struct io_stat *st = (struct io_stat *)msg_buf;

	if ((rp->w0 = no_extras(rq)) < 0)
		return;
	memset(st, 0, sizeof(*st));
	st->dev = PIPE_DEV;
	st->ino = p->ino;
	st->mode = IO_S_IFIFO | 0600;
	st->nlink = 1;
	st->uid = p->uid;
	st->gid = p->gid;
	st->size = p->st.len;
	st->blksize = PIPE_BUF;
	set_time(&st->atime, p->atime);
	set_time(&st->mtime, p->mtime);
	set_time(&st->ctime, p->ctime);
	rp->data = st;
	rp->len = sizeof(*st);
}

static void
op_statfs(struct req *rq, struct rep *rp)
{
	struct io_statfs *sf = (struct io_statfs *)msg_buf;

	if ((rp->w0 = no_extras(rq)) < 0)
		return;
	memset(sf, 0, sizeof(*sf));
	sf->type = PIPEFS_MAGIC;
	sf->bsize = PIPE_BUF;
	sf->namelen = 255;
	rp->data = sf;
	rp->len = sizeof(*sf);
}

static uint64_t
access_mode(const struct end *e)
{
	switch (e->access) {
	case PS_READ:	return IO_O_RDONLY;
	case PS_WRITE:	return IO_O_WRONLY;
	default:	return IO_O_RDWR;
	}
}

/* IO_IOCTL: only FIONREAD (w0), answered with a 4-byte int payload. */
static void
op_ioctl(struct req *rq, struct rep *rp, struct end *e)
{
	int32_t n = (int32_t)end_pipe(e)->st.len;

	if (rq->nh != 0) {
		rp->w0 = ERR(SK_E_INVAL, 0);
		return;
	}
	if (rq->w[0] != FIONREAD) {
		rp->w0 = ERR(SK_E_NOTTY, 1);
		return;
	}
	memcpy(msg_buf, &n, sizeof(n));
	rp->w0 = 0;
	rp->data = msg_buf;
	rp->len = sizeof(n);
}

/*
 * IO_POLL: w0 = events wanted, w1 = bits, optional notification ->
 * w0 = events ready (errors and hang-ups always count, but for
 * IO_POLLPEER alone: a writer waiting for a reader is waiting out exactly
 * that error). With nothing ready the notification is kept and signalled
 * later.
 */
static void
op_poll(struct req *rq, struct rep *rp, struct end *e)
{
	uint32_t want, ready;
	struct sk_handle_info hi;

	if (rq->len != 0 || rq->nh > 1) {
		rp->w0 = ERR(SK_E_INVAL, 0);
		return;
	}
	if (rq->w[0] > 0xffff && rq->w[0] != IO_POLLPEER) {
		rp->w0 = ERR(SK_E_INVAL, 1);
		return;
	}
	want = rq->w[0] == IO_POLLPEER ? IO_POLLPEER : (uint32_t)rq->w[0] | IO_POLLERR | IO_POLLHUP;
	ready = end_poll(e) & want;
	if (rq->nh == 0 || ready != 0) {
		rp->w0 = ready;
		return;
	}
	if (rq->w[1] == 0) {
		rp->w0 = ERR(SK_E_INVAL, 2);
		return;
	}
	if (sk_handle_info(rq->h[0], &hi) < 0 || hi.type != SK_OBJ_NOTIFICATION) {
		rp->w0 = ERR(SK_E_WRONGTYPE, 0);
		return;
	}
	if (!(hi.rights & SK_R_SIGNAL)) {
		rp->w0 = ERR(SK_E_RIGHTS, 0);
		return;
	}
	rp->w0 = waiter_arm(e, rq->sender->pid, rq->h[0], rq->w[1], want);
	rq->h[0] = 0;	/* kept, or closed by waiter_arm */
}

/* The io protocol on open end e. */
static void
op_io(struct req *rq, struct rep *rp, struct end *e)
{
	switch (rq->label) {
	case IO_READ:	op_read(rq, rp, e); return;
	case IO_WRITE:	op_write(rq, rp, e); return;
	case IO_STAT:	op_stat(rq, rp, e); return;
	case IO_STATFS:	op_statfs(rq, rp); return;
	case IO_IOCTL:	op_ioctl(rq, rp, e); return;
	case IO_POLL:	op_poll(rq, rp, e); return;
	default:
		break;
	}
	if ((rp->w0 = no_extras(rq)) < 0)
		return;
	switch (rq->label) {
	case IO_SEEK:
		rp->w0 = ERR(SK_E_SPIPE, 0);
		break;
	case IO_READDIR:
		rp->w0 = ERR(SK_E_NOTDIR, 0);
		break;
	case IO_TRUNCATE:
	case IO_FSYNC:
		rp->w0 = ERR(SK_E_INVAL, 0);	/* as Linux answers for pipes */
		break;
	case IO_SETATTR:
	case IO_MAP:
		rp->w0 = ERR(SK_E_NOTSUP, 0);
		break;
	case IO_GETFL:
		rp->w0 = (int64_t)(access_mode(e) | e->flags);
		break;
	case IO_SETFL:
		if (rq->w[0] & ~(uint64_t)(IO_APPEND | IO_NONBLOCK)) {
			rp->w0 = ERR(SK_E_INVAL, 1);
			break;
		}
		e->flags = (uint32_t)rq->w[0];
		rp->w0 = 0;
		break;
	default:
		rp->w0 = ERR(SK_E_NOSYS, 0);
		break;
	}
}

void
op_dispatch(struct req *rq, struct rep *rp)
{
	struct end *e = end_lookup(rq->badge);

	switch (rq->label) {
	case PIPE_CREATE:
	case PIPE_FIFO_OPEN:
		/* Asked of the service, not of an open end. */
		if (e != NULL || (rq->badge & END_BADGE_MASK) == END_BADGE_TAG)
			rp->w0 = ERR(SK_E_NOSYS, 0);
		else if (rq->label == PIPE_CREATE)
			op_create(rq, rp);
		else
			op_fifo_open(rq, rp);
		return;
	}
	if (rq->label < IO_READ || rq->label > IO_STATFS) {
		rp->w0 = ERR(SK_E_NOSYS, 0);
		return;
	}
	if (e == NULL) {
		rp->w0 = ERR(SK_E_BADF, 0);
		return;
	}
	op_io(rq, rp, e);
}
