/*
 * System calls on descriptors: reading, writing, seeking, duplicating,
 * descriptor flags, terminal control, pipes and the attributes of what a
 * descriptor names.
 */
#include "libos/libos.h"

#define IOV_BATCH	64

L_HANDLER(read)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));

	if (f == NULL)
		return -L_EBADF;
	if ((int64_t)l_arg(r, 2) < 0)
		return -L_EINVAL;
	return io_read(f, l_arg(r, 1), l_arg(r, 2), IO_OFF_CUR);
}

L_HANDLER(write)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));

	if (f == NULL)
		return -L_EBADF;
	if ((int64_t)l_arg(r, 2) < 0)
		return -L_EINVAL;
	return io_write(f, l_arg(r, 1), l_arg(r, 2), IO_OFF_CUR);
}

L_HANDLER(pread64)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));

	if (f == NULL)
		return -L_EBADF;
	if ((int64_t)l_arg(r, 2) < 0 || (int64_t)l_arg(r, 3) < 0)
		return -L_EINVAL;
	return io_read(f, l_arg(r, 1), l_arg(r, 2), l_arg(r, 3));
}

L_HANDLER(pwrite64)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));

	if (f == NULL)
		return -L_EBADF;
	if ((int64_t)l_arg(r, 2) < 0 || (int64_t)l_arg(r, 3) < 0)
		return -L_EINVAL;
	return io_write(f, l_arg(r, 1), l_arg(r, 2), l_arg(r, 3));
}

/* readv and writev: one request per vector element, stopping when short. */
static int64_t
vec_io(struct sk_regs *r, int write)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	struct l_iovec iov[IOV_BATCH];
	uint64_t cnt = l_arg(r, 2), total = 0;

	if (f == NULL)
		return -L_EBADF;
	if (cnt > 1024)
		return -L_EINVAL;
	for (uint64_t i = 0; i < cnt; i += IOV_BATCH) {
		uint64_t k = cnt - i > IOV_BATCH ? IOV_BATCH : cnt - i;

		if (l_copyin(iov, l_arg(r, 1) + i * sizeof(iov[0]), k * sizeof(iov[0])) < 0)
			return total > 0 ? (int64_t)total : -L_EFAULT;
		for (uint64_t j = 0; j < k; j++) {
			int64_t n;

			if ((int64_t)iov[j].len < 0)
				return -L_EINVAL;
			if (iov[j].len == 0)
				continue;
			n = write ? io_write(f, iov[j].base, iov[j].len, IO_OFF_CUR) :
			    io_read(f, iov[j].base, iov[j].len, IO_OFF_CUR);
			if (n < 0)
				return total > 0 ? (int64_t)total : n;
			total += (uint64_t)n;
			if ((uint64_t)n < iov[j].len)
				return (int64_t)total;
		}
	}
	return (int64_t)total;
}

L_HANDLER(readv)
{
	return vec_io(r, 0);
}

L_HANDLER(writev)
{
	return vec_io(r, 1);
}

L_HANDLER(lseek)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	struct sk_rpc m = { .label = IO_SEEK };

	if (f == NULL)
		return -L_EBADF;
	if (f->klog)
		return -L_ESPIPE;
	if (l_arg(r, 2) > IO_SEEK_END)
		return -L_EINVAL;
	m.w[0] = l_arg(r, 1);
	m.w[1] = l_arg(r, 2);
	return io_call(f->h, &m);
}

L_HANDLER(close)
{
	return fd_close((int)(int64_t)l_arg(r, 0));
}

/* A new handle to the open object behind f, with the same rights. */
static int64_t
dup_handle(const struct l_fd *f)
{
	struct sk_handle_info hi;
	int64_t e;

	if ((e = sk_handle_info(f->h, &hi)) < 0)
		return l_err(e);
	return l_err(sk_handle_dup(f->h, hi.rights));
}

/* skiff_fd_handle(fd): a new handle to the open object behind fd. */
int64_t
l_fd_handle(int64_t fd)
{
	struct l_fd *f = fd_get(fd);

	if (f == NULL || f->h == 0)
		return -L_EBADF;
	return dup_handle(f);
}

/* Make newfd (>= min when exact is 0) a duplicate of oldfd. */
static int64_t
dup_to(int64_t oldfd, int64_t newfd, int exact, int cloexec)
{
	struct l_fd *f = fd_get(oldfd);
	int64_t h;
	int fd;

	if (f == NULL)
		return -L_EBADF;
	if (newfd < 0 || newfd >= L_MAXFD)
		return exact ? -L_EBADF : -L_EINVAL;
	if (exact && newfd == oldfd)
		return newfd;
	if (f->klog) {
		h = 0;
	} else if ((h = dup_handle(f)) < 0) {
		return h;
	}
	if (exact)
		fd_close((int)newfd);
	fd = fd_install((int)newfd, (sk_handle_t)h, f->type, cloexec, f->path);
	if (fd < 0) {
		if (h != 0)
			sk_handle_close((sk_handle_t)h);
		return fd;
	}
	L.fds[fd].klog = f->klog;
	L.fds[fd].nonblock = f->nonblock;
	return fd;
}

L_HANDLER(dup)
{
	return dup_to((int64_t)l_arg(r, 0), 0, 0, 0);
}

L_HANDLER(dup2)
{
	int64_t o = (int64_t)l_arg(r, 0), n = (int64_t)l_arg(r, 1);

	if (o == n)
		return fd_get(o) != NULL ? n : -L_EBADF;
	return dup_to(o, n, 1, 0);
}

L_HANDLER(dup3)
{
	uint64_t flags = l_arg(r, 2);

	if ((flags & ~(uint64_t)L_O_CLOEXEC) || l_arg(r, 0) == l_arg(r, 1))
		return -L_EINVAL;
	return dup_to((int64_t)l_arg(r, 0), (int64_t)l_arg(r, 1), 1, flags != 0);
}

L_HANDLER(fcntl)
{
	int64_t fd = (int64_t)l_arg(r, 0);
	uint64_t cmd = l_arg(r, 1), arg = l_arg(r, 2);
	struct l_fd *f = fd_get(fd);
	struct sk_rpc m = { 0 };
	int64_t e;

	if (f == NULL)
		return -L_EBADF;
	switch (cmd) {
	case L_F_DUPFD:
	case L_F_DUPFD_CLOEXEC:
		return dup_to(fd, (int64_t)arg, 0, cmd == L_F_DUPFD_CLOEXEC);
	case L_F_GETFD:
		return f->cloexec ? L_FD_CLOEXEC : 0;
	case L_F_SETFD:
		f->cloexec = (arg & L_FD_CLOEXEC) != 0;
		return 0;
	case L_F_GETFL:
		if (f->klog)
			return IO_O_WRONLY;
		m.label = IO_GETFL;
		return io_call(f->h, &m);
	case L_F_SETFL:
		f->nonblock = (arg & IO_NONBLOCK) != 0;
		if (f->klog)
			return 0;
		m.label = IO_SETFL;
		m.w[0] = arg & (IO_APPEND | IO_NONBLOCK);
		e = io_call(f->h, &m);
		return e < 0 ? e : 0;
	case L_F_GETLK:
	case L_F_SETLK:
	case L_F_SETLKW:
		return l_fcntl_lock(f, cmd, arg);
	default:
		return -L_EINVAL;
	}
}

/* Terminal and device control: the argument structure for known commands. */
struct ioctl_shape {
	uint32_t cmd;
	uint16_t in, out;	/* bytes going to and coming from the server */
};

static const struct ioctl_shape shapes[] = {
	{ 0x5401, 0, 36 },	/* TCGETS */
	{ 0x5402, 36, 0 },	/* TCSETS */
	{ 0x5403, 36, 0 },	/* TCSETSW */
	{ 0x5404, 36, 0 },	/* TCSETSF */
	{ 0x540F, 0, 4 },	/* TIOCGPGRP */
	{ 0x5410, 4, 0 },	/* TIOCSPGRP */
	{ 0x5413, 0, 8 },	/* TIOCGWINSZ */
	{ 0x5414, 8, 0 },	/* TIOCSWINSZ */
	{ 0x541B, 0, 4 },	/* FIONREAD */
	{ 0x5411, 0, 4 },	/* TIOCOUTQ */
	{ 0x5429, 0, 4 },	/* TIOCGSID */
	{ 0x80247009, 0, 36 },	/* RTC_RD_TIME */
	{ 0x4024700a, 36, 0 },	/* RTC_SET_TIME */
};

L_HANDLER(ioctl)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	uint32_t cmd = (uint32_t)l_arg(r, 1);
	uint64_t arg = l_arg(r, 2);
	struct sk_rpc m = { .label = IO_IOCTL };
	char in[64], out[64];
	const struct ioctl_shape *sh = NULL;
	int64_t e;

	if (f == NULL)
		return -L_EBADF;
	switch (cmd) {
	case 0x5450:	/* FIONCLEX */
	case 0x5451:	/* FIOCLEX */
		f->cloexec = cmd == 0x5451;
		return 0;
	case 0x5421: {	/* FIONBIO */
		int32_t on;
		struct sk_regs fr = { .rdi = l_arg(r, 0), .rsi = L_F_SETFL };

		if (l_copyin(&on, arg, sizeof(on)) < 0)
			return -L_EFAULT;
		fr.rdx = on ? IO_NONBLOCK : 0;
		return l_sys_fcntl(&fr);
	}
	}
	if (f->klog)
		return -L_ENOTTY;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (shapes[i].cmd == cmd)
			sh = &shapes[i];
	m.w[0] = cmd;
	m.w[1] = arg;
	if (sh != NULL && sh->in > 0) {
		if (l_copyin(in, arg, sh->in) < 0)
			return -L_EFAULT;
		m.snd = in;
		m.snd_len = sh->in;
	}
	if (sh != NULL && sh->out > 0) {
		m.rcv = out;
		m.rcv_max = sizeof(out);
	}
	if ((e = io_call(f->h, &m)) < 0)
		return e;
	if (sh != NULL && sh->out > 0) {
		if (m.rcv_len < sh->out)
			return -L_EIO;
		if (l_copyout(arg, out, sh->out) < 0)
			return -L_EFAULT;
	}
	return e;
}

L_HANDLER(pipe2)
{
	struct sk_rpc m = { .label = PIPE_CREATE };
	uint64_t flags = l_arg(r, 1);
	char target[32];
	int32_t fds[2];
	int64_t e;

	if (flags & ~(uint64_t)(L_O_CLOEXEC | IO_NONBLOCK))
		return -L_EINVAL;
	if (L.h[SK_EXEC_H_PIPE] == 0)
		return -L_ENFILE;
	if ((e = io_call(L.h[SK_EXEC_H_PIPE], &m)) < 0)
		return e;
	if (m.rcv_nh != 2)
		return -L_EIO;
	snprintf(target, sizeof(target), "pipe:[%lu]", (unsigned long)e);
	for (int i = 0; i < 2; i++) {
		fds[i] = fd_install(0, m.rcv_h[i], IO_S_IFIFO, (flags & L_O_CLOEXEC) != 0, target);
		if (fds[i] < 0) {
			if (i == 1)
				fd_close(fds[0]);
			sk_handle_close(m.rcv_h[0]);
			sk_handle_close(m.rcv_h[1]);
			return fds[i];
		}
		if (flags & IO_NONBLOCK) {
			struct sk_rpc s = { .label = IO_SETFL };

			s.w[0] = IO_NONBLOCK;
			io_call(m.rcv_h[i], &s);
			L.fds[fds[i]].nonblock = 1;
		}
	}
	if (l_copyout(l_arg(r, 0), fds, sizeof(fds)) < 0) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -L_EFAULT;
	}
	return 0;
}

L_HANDLER(pipe)
{
	struct sk_regs pr = { .rdi = l_arg(r, 0), .rsi = 0 };

	return l_sys_pipe2(&pr);
}

L_HANDLER(fstat)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	struct io_stat st;
	struct l_stat ls;
	int64_t e;

	if (f == NULL)
		return -L_EBADF;
	if (f->klog) {
		/* The boot console: a character device, as /dev/console is. */
		memset(&st, 0, sizeof(st));
		st.mode = IO_S_IFCHR | 0620;
		st.rdev = (5 << 8) | 1;
		st.nlink = 1;
	} else if ((e = io_stat(f->h, &st)) < 0) {
		return e;
	}
	l_stat_from(&ls, &st);
	return l_copyout(l_arg(r, 1), &ls, sizeof(ls));
}

L_HANDLER(getdents64)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	char tmp[IO_CHUNK];
	uint64_t n = l_arg(r, 2);
	struct sk_rpc m = { .label = IO_READDIR, .rcv = tmp, .rcv_max = sizeof(tmp) };
	int64_t e;

	if (f == NULL || f->klog)
		return -L_EBADF;
	if ((f->type & IO_S_IFMT) != 0 && (f->type & IO_S_IFMT) != IO_S_IFDIR)
		return -L_ENOTDIR;
	m.w[0] = n > sizeof(tmp) ? sizeof(tmp) : n;
	if ((e = io_call(f->h, &m)) < 0)
		return e;
	if ((uint64_t)e > m.rcv_len || (uint64_t)e > n)
		return -L_EIO;
	if (e == 0 && n < 24 + 8)
		return -L_EINVAL;
	return l_copyout(l_arg(r, 1), tmp, (uint64_t)e) < 0 ? -L_EFAULT : e;
}

L_HANDLER(ftruncate)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	struct sk_rpc m = { .label = IO_TRUNCATE };

	if (f == NULL || f->klog)
		return -L_EBADF;
	if ((int64_t)l_arg(r, 1) < 0)
		return -L_EINVAL;
	m.w[0] = l_arg(r, 1);
	return io_call(f->h, &m);
}

L_HANDLER(fsync)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	struct sk_rpc m = { .label = IO_FSYNC };

	if (f == NULL)
		return -L_EBADF;
	if (f->klog)
		return 0;
	return io_call(f->h, &m);
}

L_HANDLER(sendfile)
{
	struct l_fd *out = fd_get((int64_t)l_arg(r, 0));
	struct l_fd *in = fd_get((int64_t)l_arg(r, 1));
	uint64_t offp = l_arg(r, 2), count = l_arg(r, 3), done = 0;
	int64_t off = -1;
	char tmp[4096];

	if (in == NULL || out == NULL)
		return -L_EBADF;
	/* As on Linux, not from a terminal or device: callers fall back to read. */
	if ((in->type & IO_S_IFMT) == IO_S_IFCHR)
		return -L_EINVAL;
	if (offp != 0 && l_copyin(&off, offp, sizeof(off)) < 0)
		return -L_EFAULT;
	if (offp != 0 && off < 0)
		return -L_EINVAL;
	while (done < count) {
		uint64_t k = count - done > sizeof(tmp) ? sizeof(tmp) : count - done;
		struct sk_rpc m = { .label = IO_READ, .rcv = tmp, .rcv_max = sizeof(tmp) };
		int64_t n, w;

		m.w[0] = k;
		m.w[1] = off >= 0 ? (uint64_t)off + done : IO_OFF_CUR;
		if (in->klog)
			return -L_EBADF;
		n = io_call(in->h, &m);
		if (n == -L_EAGAIN && done == 0 && !in->nonblock) {
			if ((n = io_wait(in->h, IO_POLLIN)) < 0)
				return n;
			continue;
		}
		if (n <= 0) {
			if (done == 0 && n < 0)
				return n;
			break;
		}
		if ((uint64_t)n > m.rcv_len)
			return -L_EIO;
		/* io_write takes user memory; the bounce buffer is libos memory
		   in the same address space, so it can be passed as is. */
		w = io_write(out, (uint64_t)tmp, (uint64_t)n, IO_OFF_CUR);
		if (w < 0)
			return done > 0 ? (int64_t)done : w;
		done += (uint64_t)w;
		if (w < n)
			break;
	}
	if (offp != 0) {
		off += (int64_t)done;
		if (l_copyout(offp, &off, sizeof(off)) < 0)
			return -L_EFAULT;
	}
	return (int64_t)done;
}
