/*
 * Talking to the server behind a descriptor (abi/skiff/proto/io.h), and
 * waiting for readiness. Servers never block: a request that cannot make
 * progress answers SK_E_AGAIN, and the libos arms IO_POLL with a copy of
 * the process's event notification and waits on it. A blocking read or
 * write asks with IO_RW_ARM, so a server that kept that copy from an
 * earlier IO_POLL arms it in the same request and the IO_POLL is saved.
 * A signal arriving meanwhile (PROC_NOTE_SIGNAL) ends the wait with EINTR.
 */
#include "libos/libos.h"

int64_t
io_call(sk_handle_t h, struct sk_rpc *m)
{
	return l_err(sk_rpc(h, m, SK_FOREVER));
}

/*
 * Take the event bits that are set now (waiting up to timeout for some)
 * into L.notes. Returns 0 or -L_EAGAIN when none came in time.
 */
int64_t
l_take_notes(uint64_t timeout)
{
	int64_t bits = sk_notif_wait(L.h[SK_EXEC_H_EVENTS], timeout);

	if (bits < 0)
		return SK_ERR(bits) == SK_E_TIMEOUT ? -L_EAGAIN : l_err(bits);
	L.notes |= (uint64_t)bits;
	return 0;
}

/* Whether a signal needs handling (the wait it interrupts ends in EINTR). */
int64_t
l_pending_signal(void)
{
	return (L.notes & L_NOTE_SIGNAL) != 0;
}

/*
 * Wait for the readiness note a server was armed to signal, or a signal.
 * Returns 0 (worth retrying) or -L_EINTR.
 */
static int64_t
io_wait_armed(void)
{
	int64_t r;

	while (!(L.notes & (L_NOTE_IO | L_NOTE_SIGNAL)))
		if ((r = l_take_notes(SK_FOREVER)) < 0)
			return r;
	L.notes &= ~L_NOTE_IO;
	return l_pending_signal() ? -L_EINTR : 0;
}

/*
 * Wait until the object behind h is ready for one of events, or a signal
 * arrives. Returns 0 (ready, or worth retrying) or -L_EINTR.
 */
int64_t
io_wait(sk_handle_t h, uint32_t events)
{
	struct sk_rpc m = { .label = IO_POLL };
	int64_t n, r;

	if (L.h[SK_EXEC_H_EVENTS] == 0) {
		sk_sleep(10 * 1000 * 1000);	/* no notification: poll slowly */
		return 0;
	}
	if (l_pending_signal())
		return -L_EINTR;
	n = sk_handle_dup(L.h[SK_EXEC_H_EVENTS], SK_R_SIGNAL | SK_R_TRANSFER);
	if (n < 0)
		return l_err(n);
	m.w[0] = events;
	m.w[1] = L_NOTE_IO;
	m.snd_nh = 1;
	m.snd_h[0] = (sk_handle_t)n;
	r = sk_rpc(h, &m, SK_FOREVER);
	if (r < 0 && m.snd_nh == 1 && SK_ERR(r) != SK_E_PEERDIED)
		sk_handle_close((sk_handle_t)n);	/* may not have moved */
	if (r < 0)
		return l_err(r);
	if (r & (int64_t)(events | (events == IO_POLLPEER ? 0 :
	    IO_POLLERR | IO_POLLHUP | IO_POLLNVAL)))
		return 0;
	return io_wait_armed();
}

/*
 * Linux's blocking open of a FIFO: wait until the other side is there
 * (io.h IO_POLLPEER). Returns 0, or -L_EINTR when a signal came first.
 */
int64_t
io_wait_peer(sk_handle_t h)
{
	for (;;) {
		struct sk_rpc m = { .label = IO_POLL, .w = { IO_POLLPEER } };
		int64_t r = io_call(h, &m);

		if (r < 0)
			return r;
		if (r & IO_POLLPEER)
			return 0;
		if ((r = io_wait(h, IO_POLLPEER)) < 0)
			return r;
	}
}

/*
 * After a read or write of f answered SK_E_AGAIN (reply words in m): wait
 * for events. A server that armed the process's registration in the same
 * request (IO_ARMED, io.h) is only waited for; otherwise it is armed
 * with IO_POLL first.
 */
static int64_t
io_wait_after(struct l_fd *f, const struct sk_rpc *m, uint32_t events)
{
	if (m->r[1] == IO_ARMED && L.h[SK_EXEC_H_EVENTS] != 0) {
		if (l_pending_signal())
			return -L_EINTR;
		return io_wait_armed();
	}
	return io_wait(f->h, events);
}

#define L_SIGTTIN	21
#define L_SIGTTOU	22

/* Say who asks (io.h IO_WHO) in a request to a character device. */
static void
who(const struct l_fd *f, struct sk_rpc *m)
{
	int32_t pgid, sid;

	if ((f->type & IO_S_IFMT) == IO_S_IFCHR && L.h[SK_EXEC_H_PROC] != 0 &&
	    l_pgrp_sid(&pgid, &sid) == 0 && pgid > 0 && sid > 0) {
		m->w[3] = (uint64_t)pgid;
		m->w[4] = (uint64_t)sid;
	}
}

/*
 * The terminal answered that this process is in a background group
 * (SK_E_BACKGROUND). Unless sig is ignored or blocked, send it to the
 * group as Linux does and return -L_EINTR: the stop happens when the call
 * returns, and after SIGCONT the call is made again. Returns 1 when sig
 * is ignored or blocked (the caller decides what that means).
 */
static int64_t
background(int sig)
{
	struct sk_rpc m = { .label = PROC_KILL };
	int32_t pgid, sid;

	if (L.sa[sig - 1].handler == 1 /* SIG_IGN */ || (L.sig_blocked & (1ull << (sig - 1))))
		return 1;
	if (l_pgrp_sid(&pgid, &sid) < 0)
		return 1;
	m.w[0] = (uint64_t)(int64_t)-pgid;
	m.w[1] = (uint64_t)sig;
	if (io_call(L.h[SK_EXEC_H_PROC], &m) < 0)
		return 1;
	return -L_EINTR;
}

/* Write n bytes to the kernel log, for the boot console. */
static int64_t
klog_write(uint64_t buf, uint64_t n)
{
	char tmp[512];
	uint64_t done = 0;

	while (done < n) {
		uint64_t k = n - done > sizeof(tmp) ? sizeof(tmp) : n - done;

		if (l_copyin(tmp, buf + done, k) < 0)
			return done > 0 ? (int64_t)done : -L_EFAULT;
		sk_debug_log(tmp, k);
		done += k;
	}
	return (int64_t)done;
}

/*
 * read(2) on f into user memory, one request of at most IO_CHUNK bytes at
 * a time, until n bytes, a short answer (the end of a file, of what a pipe
 * holds, of a terminal line) or an object with nothing more ready just
 * now. So a large read of a file or of /dev/zero is whole, as on Linux,
 * and a read of a pipe or terminal never waits once it has data. off is
 * a file offset or IO_OFF_CUR.
 *
 * The libos shares the program's address space, so the reply's payload is
 * received straight into the program's buffer: the kernel checks every
 * page of it before it copies a byte, and a reply that cannot be
 * delivered fails the call with SK_E_FAULT (EFAULT) while the server keeps
 * its data (a pipe consumes only what was delivered).
 */
int64_t
io_read(struct l_fd *f, uint64_t buf, uint64_t n, uint64_t off)
{
	uint64_t total = 0;
	int64_t r;
	int interrupted = 0;

	if (f->klog)
		return -L_EBADF;
	while (total < n) {
		uint64_t k = n - total > IO_CHUNK ? IO_CHUNK : n - total;
		struct sk_rpc m;

		/* The request half, and r[1] for io_wait_after: sk_rpc
		   writes the rest of the reply half. */
		m.label = IO_READ;
		m.w[0] = k;
		m.w[1] = off == IO_OFF_CUR ? IO_OFF_CUR : off + total;
		m.w[2] = total == 0 && !f->nonblock ? IO_RW_ARM : 0;
		m.w[3] = m.w[4] = m.w[5] = 0;
		m.snd = NULL;
		m.snd_len = m.snd_nh = 0;
		m.rcv = (void *)(buf + total);
		m.rcv_max = (uint32_t)k;
		m.r[1] = 0;
		who(f, &m);
		r = sk_rpc(f->h, &m, SK_FOREVER);
		if (r < 0 && SK_ERR(r) == SK_E_BACKGROUND) {
			if (total > 0)
				break;
			/* Linux: EIO to a background reader that ignores SIGTTIN. */
			return (r = background(L_SIGTTIN)) == 1 ? -L_EIO : r;
		}
		r = l_err(r);
		if (r == -L_EAGAIN) {
			if (total > 0)
				break;
			if (f->nonblock)
				return -L_EAGAIN;
			if (interrupted)
				return -L_EINTR;
			/* Interrupted: look once more, as data that came with the
			   signal is returned rather than lost to EINTR. */
			if ((r = io_wait_after(f, &m, IO_POLLIN)) == -L_EINTR)
				interrupted = 1;
			else if (r < 0)
				return r;
			continue;
		}
		if (r < 0)
			return total > 0 ? (int64_t)total : r;
		if ((uint64_t)r > k || (uint64_t)r > m.rcv_len)
			return total > 0 ? (int64_t)total : -L_EIO;
		total += (uint64_t)r;
		if ((uint64_t)r < k)
			break;
	}
	return (int64_t)total;
}

/* A write to a pipe with no reader: SIGPIPE, then EPIPE if it returns. */
static int64_t
broken_pipe(void)
{
	struct sk_rpc m = { .label = PROC_KILL };

	m.w[0] = (uint64_t)L.pid;
	m.w[1] = 13;	/* SIGPIPE */
	if (L.h[SK_EXEC_H_PROC] != 0)
		sk_rpc(L.h[SK_EXEC_H_PROC], &m, SK_FOREVER);
	return -L_EPIPE;
}

/*
 * write(2) of n bytes of user memory to f; blocks until all are written.
 * The request's payload is the program's buffer itself: the kernel checks
 * all of it before the call is made and fails it with SK_E_FAULT (EFAULT)
 * otherwise, so a bad buffer never reaches the server.
 */
int64_t
io_write(struct l_fd *f, uint64_t buf, uint64_t n, uint64_t off)
{
	uint64_t total = 0;
	int64_t r;
	int anyway = 0;

	if (f->klog)
		return klog_write(buf, n);
	while (total < n) {
		uint64_t k = n - total > IO_CHUNK ? IO_CHUNK : n - total;
		struct sk_rpc m;

		/* As in io_read: the request half and r[1] only. */
		m.label = IO_WRITE;
		m.w[0] = 0;
		m.w[1] = off == IO_OFF_CUR ? IO_OFF_CUR : off + total;
		m.w[2] = f->nonblock ? 0 : IO_RW_ARM;
		m.w[3] = m.w[4] = m.w[5] = 0;
		m.snd = (const void *)(buf + total);
		m.snd_len = (uint32_t)k;
		m.snd_nh = 0;
		m.rcv = NULL;
		m.rcv_max = 0;
		m.r[1] = 0;
		if (!anyway)
			who(f, &m);
		r = sk_rpc(f->h, &m, SK_FOREVER);
		if (r < 0 && SK_ERR(r) == SK_E_BACKGROUND) {
			if (total > 0)
				break;
			/* Linux: a background writer that ignores SIGTTOU writes. */
			if ((r = background(L_SIGTTOU)) != 1)
				return r;
			anyway = 1;
			continue;
		}
		r = l_err(r);
		if (r == -L_EAGAIN) {
			if (f->nonblock)
				return total > 0 ? (int64_t)total : r;
			if ((r = io_wait_after(f, &m, IO_POLLOUT)) < 0)
				return total > 0 ? (int64_t)total : r;
			continue;
		}
		if (r == -L_EPIPE)
			return total > 0 ? (int64_t)total : broken_pipe();
		if (r < 0)
			return total > 0 ? (int64_t)total : r;
		if ((uint64_t)r > k)
			return -L_EIO;
		total += (uint64_t)r;
	}
	if (n == 0) {
		struct sk_rpc m = { .label = IO_WRITE };

		m.w[1] = off;
		return io_call(f->h, &m);
	}
	return (int64_t)total;
}

int64_t
io_stat(sk_handle_t h, struct io_stat *st)
{
	struct sk_rpc m = { .label = IO_STAT, .rcv = st, .rcv_max = sizeof(*st) };
	int64_t r = io_call(h, &m);

	if (r >= 0 && m.rcv_len != sizeof(*st))
		return -L_EIO;
	return r < 0 ? r : 0;
}

void
l_stat_from(struct l_stat *ls, const struct io_stat *st)
{
	memset(ls, 0, sizeof(*ls));
	ls->dev = st->dev;
	ls->ino = st->ino;
	ls->nlink = st->nlink;
	ls->mode = st->mode;
	ls->uid = st->uid;
	ls->gid = st->gid;
	ls->rdev = st->rdev;
	ls->size = (int64_t)st->size;
	ls->blksize = st->blksize ? st->blksize : 4096;
	ls->blocks = (int64_t)st->blocks;
	ls->atime = st->atime.sec;
	ls->atime_ns = st->atime.nsec;
	ls->mtime = st->mtime.sec;
	ls->mtime_ns = st->mtime.nsec;
	ls->ctime = st->ctime.sec;
	ls->ctime_ns = st->ctime.nsec;
}
