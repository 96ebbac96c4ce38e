/*
 * poll, ppoll, select and pselect6. Each descriptor's server answers
 * IO_POLL with the events ready now; when none is, every server is armed
 * with a copy of the event notification and the libos waits on it (until
 * the timeout, or a signal: EINTR), then asks again.
 */
#include "libos/libos.h"

#define POLL_MAX	1024

/* The events ready on fd now; arm the server too if arm is set. */
static uint32_t
poll_one(int32_t fd, uint32_t events, int arm)
{
	struct l_fd *f = fd_get(fd);
	struct sk_rpc m = { .label = IO_POLL };
	uint32_t mask = events | IO_POLLERR | IO_POLLHUP;
	int64_t r, n = -1;

	if (f == NULL)
		return IO_POLLNVAL;
	if (f->klog)
		return events & IO_POLLOUT;
	m.w[0] = events;
	if (arm && L.h[SK_EXEC_H_EVENTS] != 0 &&
	    (n = sk_handle_dup(L.h[SK_EXEC_H_EVENTS], SK_R_SIGNAL | SK_R_TRANSFER)) >= 0) {
		m.w[1] = L_NOTE_IO;
		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)n;
	}
	r = sk_rpc(f->h, &m, SK_FOREVER);
	if (r < 0) {
		if (n >= 0)
			sk_handle_close((sk_handle_t)n);
		return SK_ERR(r) == SK_E_PEERDIED ? IO_POLLHUP | IO_POLLERR : IO_POLLNVAL;
	}
	return (uint32_t)r & mask;
}

/*
 * Poll the n entries of p (libos memory) for up to timeout ns (SK_FOREVER:
 * no limit). Returns how many have events, 0 on timeout, or -L_EINTR.
 */
static int64_t
do_poll(struct l_pollfd *p, uint64_t n, uint64_t timeout)
{
	uint64_t deadline = timeout == SK_FOREVER ? SK_FOREVER : (uint64_t)sk_clock() + timeout;

	for (int arm = 0;; arm = 1) {
		int64_t ready = 0, e;

		L.notes &= ~L_NOTE_IO;
		for (uint64_t i = 0; i < n; i++) {
			p[i].revents = 0;
			if (p[i].fd < 0)
				continue;
			p[i].revents = (int16_t)poll_one(p[i].fd, (uint16_t)p[i].events, arm);
			if (p[i].revents != 0)
				ready++;
		}
		if (ready > 0 || timeout == 0)
			return ready;
		if (!arm)
			continue;	/* ask again, arming every server this time */
		if (l_pending_signal())
			return -L_EINTR;
		for (;;) {
			uint64_t now = (uint64_t)sk_clock(), left;

			if (deadline != SK_FOREVER && now >= deadline)
				return 0;
			left = deadline == SK_FOREVER ? SK_FOREVER : deadline - now;
			if ((e = l_take_notes(left)) < 0 && e != -L_EAGAIN)
				return e;
			if (l_pending_signal())
				return -L_EINTR;
			if (L.notes & L_NOTE_IO)
				break;
		}
	}
}

static int64_t
poll_user(uint64_t ufds, uint64_t n, uint64_t timeout)
{
	struct l_pollfd p[POLL_MAX];
	int64_t r;

	if (n > POLL_MAX)
		return -L_EINVAL;
	if (l_copyin(p, ufds, n * sizeof(p[0])) < 0)
		return -L_EFAULT;
	r = do_poll(p, n, timeout);
	if (r >= 0 && l_copyout(ufds, p, n * sizeof(p[0])) < 0)
		return -L_EFAULT;
	return r;
}

L_HANDLER(poll)
{
	int64_t ms = (int32_t)l_arg(r, 2);

	return poll_user(l_arg(r, 0), l_arg(r, 1), ms < 0 ? SK_FOREVER : (uint64_t)ms * 1000000);
}

/* A user timespec as ns (SK_FOREVER for NULL), or -errno. */
static int64_t
timespec_ns(uint64_t uts, uint64_t *ns)
{
	struct l_timespec ts;

	if (uts == 0) {
		*ns = SK_FOREVER;
		return 0;
	}
	if (l_copyin(&ts, uts, sizeof(ts)) < 0)
		return -L_EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -L_EINVAL;
	*ns = (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
	return 0;
}

L_HANDLER(ppoll)
{
	uint64_t ns;
	int64_t e;

	if ((e = timespec_ns(l_arg(r, 2), &ns)) < 0)
		return e;
	return poll_user(l_arg(r, 0), l_arg(r, 1), ns);
}

/* select: fd_set bitmaps to a poll array and back. */
static int64_t
do_select(uint64_t nfds, uint64_t urd, uint64_t uwr, uint64_t uex, uint64_t timeout)
{
	struct l_pollfd p[POLL_MAX];
	uint64_t rd[POLL_MAX / 64] = { 0 }, wr[POLL_MAX / 64] = { 0 }, ex[POLL_MAX / 64] = { 0 };
	uint64_t words = (nfds + 63) / 64, bytes = (nfds + 7) / 8, n = 0;
	int64_t res;

	if (nfds > POLL_MAX)
		return -L_EINVAL;
	if ((urd && l_copyin(rd, urd, bytes) < 0) || (uwr && l_copyin(wr, uwr, bytes) < 0) ||
	    (uex && l_copyin(ex, uex, bytes) < 0))
		return -L_EFAULT;
	for (uint64_t fd = 0; fd < nfds; fd++) {
		uint64_t bit = 1ull << (fd % 64), w = fd / 64;
		int16_t ev = 0;

		if (rd[w] & bit)
			ev |= IO_POLLIN;
		if (wr[w] & bit)
			ev |= IO_POLLOUT;
		if (ex[w] & bit)
			ev |= IO_POLLPRI;
		if (ev == 0)
			continue;
		if (fd_get((int64_t)fd) == NULL)
			return -L_EBADF;
		p[n].fd = (int32_t)fd;
		p[n].events = ev;
		n++;
	}
	if ((res = do_poll(p, n, timeout)) < 0)
		return res;
	for (uint64_t i = 0; i < words; i++)
		rd[i] = wr[i] = ex[i] = 0;
	res = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t bit = 1ull << (p[i].fd % 64), w = (uint64_t)p[i].fd / 64;

		if ((p[i].events & IO_POLLIN) && (p[i].revents & (IO_POLLIN | IO_POLLHUP | IO_POLLERR))) {
			rd[w] |= bit;
			res++;
		}
		if ((p[i].events & IO_POLLOUT) && (p[i].revents & (IO_POLLOUT | IO_POLLERR))) {
			wr[w] |= bit;
			res++;
		}
		if ((p[i].events & IO_POLLPRI) && (p[i].revents & IO_POLLPRI)) {
			ex[w] |= bit;
			res++;
		}
	}
	if ((urd && l_copyout(urd, rd, bytes) < 0) || (uwr && l_copyout(uwr, wr, bytes) < 0) ||
	    (uex && l_copyout(uex, ex, bytes) < 0))
		return -L_EFAULT;
	return res;
}

L_HANDLER(select)
{
	struct { int64_t sec, usec; } tv;
	uint64_t ns = SK_FOREVER;

	if (l_arg(r, 4) != 0) {
		if (l_copyin(&tv, l_arg(r, 4), sizeof(tv)) < 0)
			return -L_EFAULT;
		if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
			return -L_EINVAL;
		ns = (uint64_t)tv.sec * 1000000000ull + (uint64_t)tv.usec * 1000;
	}
	return do_select(l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), l_arg(r, 3), ns);
}

L_HANDLER(pselect6)
{
	uint64_t ns;
	int64_t e;

	if ((e = timespec_ns(l_arg(r, 4), &ns)) < 0)
		return e;
	return do_select(l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), l_arg(r, 3), ns);
}
