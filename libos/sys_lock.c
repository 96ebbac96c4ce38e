/*
 * Advisory locks: fcntl record locks (F_GETLK, F_SETLK, F_SETLKW) and
 * flock, kept by the file system that has the file (abi/skiff/proto/io.h
 * IO_LOCK). Requests never block there: a blocking lock is tried again
 * every few milliseconds until it is granted or a signal comes.
 */
#include "libos/libos.h"

#define LOCK_SH		1
#define LOCK_EX		2
#define LOCK_NB		4
#define LOCK_UN		8
#define RETRY_NS	5000000ull

/* struct flock of x86-64 Linux. */
struct l_flock {
	int16_t type, whence;
	int32_t _pad;
	int64_t start, len;
	int32_t pid, _pad2;
};
_Static_assert(sizeof(struct l_flock) == 32, "struct flock layout");

/* One IO_LOCK request; the reply words are left in *m. */
static int64_t
lock_req(struct l_fd *f, uint64_t cmd, uint64_t type, uint64_t start, uint64_t len,
    uint64_t owner, struct sk_rpc *m)
{
	int64_t e;

	memset(m, 0, sizeof(*m));
	m->label = IO_LOCK;
	m->w[0] = cmd;
	m->w[1] = type;
	m->w[2] = start;
	m->w[3] = len;
	m->w[4] = owner;
	e = io_call(f->h, m);
	return e == -L_ENOSYS || e == -L_EOPNOTSUPP ? -L_ENOLCK : e;
}

/* Set a lock, waiting for it when wait is set. -L_EAGAIN, -L_EINTR. */
static int64_t
lock_set(struct l_fd *f, uint64_t type, uint64_t start, uint64_t len, uint64_t owner,
    int wait)
{
	struct sk_rpc m;
	int64_t e;

	for (;;) {
		e = lock_req(f, IO_LK_SET, type, start, len, owner, &m);
		if (e != -L_EAGAIN || !wait)
			return e;
		if ((e = l_sleep_until((uint64_t)sk_clock() + RETRY_NS)) < 0)
			return e;
	}
}

/* The absolute start and the length of l on f (whence resolved). */
static int64_t
lock_range(struct l_fd *f, const struct l_flock *l, uint64_t *start, uint64_t *len)
{
	int64_t base = 0, s, n = l->len;

	if (l->whence == 1) {		/* SEEK_CUR */
		struct sk_rpc m = { .label = IO_SEEK, .w = { 0, IO_SEEK_CUR } };

		if ((base = io_call(f->h, &m)) < 0)
			return base;
	} else if (l->whence == 2) {	/* SEEK_END */
		struct io_stat st;
		int64_t e;

		if ((e = io_stat(f->h, &st)) < 0)
			return e;
		base = (int64_t)st.size;
	} else if (l->whence != 0) {
		return -L_EINVAL;
	}
	s = base + l->start;
	if (n < 0) {			/* [start + len, start) */
		s += n;
		n = -n;
	}
	if (s < 0)
		return -L_EINVAL;
	*start = (uint64_t)s;
	*len = (uint64_t)n;
	return 0;
}

int64_t
l_fcntl_lock(struct l_fd *f, uint64_t cmd, uint64_t uarg)
{
	struct l_flock l;
	struct sk_rpc m;
	uint64_t start, len;
	int64_t e;

	if (f->klog)
		return -L_EBADF;
	if (l_copyin(&l, uarg, sizeof(l)) < 0)
		return -L_EFAULT;
	if (l.type < IO_LK_RD || l.type > IO_LK_UN)
		return -L_EINVAL;
	if ((e = lock_range(f, &l, &start, &len)) < 0)
		return e;
	if (cmd == L_F_GETLK) {
		if (l.type == IO_LK_UN)
			return -L_EINVAL;
		if ((e = lock_req(f, IO_LK_GET, (uint64_t)l.type, start, len, (uint64_t)L.pid,
		    &m)) < 0)
			return e;
		l.type = (int16_t)e;
		if (e != IO_LK_UN) {
			l.whence = 0;
			l.start = (int64_t)m.r[1];
			l.len = (int64_t)m.r[2];
			l.pid = (int32_t)m.r[3];
		}
		return l_copyout(uarg, &l, sizeof(l)) < 0 ? -L_EFAULT : 0;
	}
	e = lock_set(f, (uint64_t)l.type, start, len, (uint64_t)L.pid, cmd == L_F_SETLKW);
	if (e == 0 && l.type != IO_LK_UN)
		L.record_locks = 1;
	return e;
}

/*
 * A process's record locks on a file go when it closes any descriptor of
 * that file (POSIX): called before f is closed; the file system removes
 * this pid's locks on f's file whatever open object set them.
 */
void
l_lock_close(struct l_fd *f)
{
	struct sk_rpc m;

	if (L.record_locks && f->h != 0 && (f->type & IO_S_IFMT) == IO_S_IFREG)
		(void)lock_req(f, IO_LK_SET, IO_LK_UN, 0, 0, (uint64_t)L.pid, &m);
}

/*
 * The process ends: its record locks go (POSIX), also those set through
 * an open file another process still holds. A process killed without
 * running its libos leaves those until that open file goes.
 */
void
l_lock_exit(void)
{
	if (!L.record_locks)
		return;
	for (int fd = 0; fd < L_MAXFD; fd++) {
		struct l_fd *f = &L.fds[fd];

		if (f->h != 0)
			l_lock_close(f);
	}
	L.record_locks = 0;
}

L_HANDLER(flock)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	uint64_t op = l_arg(r, 1), type;

	if (f == NULL || f->klog)
		return -L_EBADF;
	switch (op & ~(uint64_t)LOCK_NB) {
	case LOCK_SH:	type = IO_LK_RD; break;
	case LOCK_EX:	type = IO_LK_WR; break;
	case LOCK_UN:	type = IO_LK_UN; break;
	default:	return -L_EINVAL;
	}
	return lock_set(f, type, 0, 0, IO_LK_FLOCK, !(op & LOCK_NB) && type != IO_LK_UN);
}
