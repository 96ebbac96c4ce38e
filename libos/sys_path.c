/*
 * System calls on names: open, stat, access, create and remove, rename,
 * links, attributes, the current directory. Each becomes one vfs request
 * with an absolute path (libos/path.c).
 */
#include "libos/libos.h"

#define UTIME_NOW	((1l << 30) - 1)
#define UTIME_OMIT	((1l << 30) - 2)

/* One vfs request with a single path in the payload, plen = strlen(path). */
static int64_t
path_req_n(uint32_t label, const char *path, size_t plen, uint64_t w0, uint64_t w1,
    uint64_t w2, void *rcv, uint32_t rcv_max, struct sk_rpc *m)
{
	/* The request half only: sk_rpc writes the reply half. */
	m->label = label;
	m->w[0] = w0;
	m->w[1] = w1;
	m->w[2] = w2;
	m->w[3] = m->w[4] = m->w[5] = 0;
	m->snd = path;
	m->snd_len = (uint32_t)plen + 1;
	m->snd_nh = 0;
	m->rcv = rcv;
	m->rcv_max = rcv_max;
	return vfs_call(m);
}

static int64_t
path_req(uint32_t label, const char *path, uint64_t w0, uint64_t w1, uint64_t w2,
    void *rcv, uint32_t rcv_max, struct sk_rpc *m)
{
	return path_req_n(label, path, strlen(path), w0, w1, w2, rcv, rcv_max, m);
}

static int64_t
do_open(int64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mode)
{
	char path[L_PATH_MAX], canon[L_PATH_MAX];
	struct sk_rpc m;
	int64_t e;
	int fd;

	if ((e = l_path(dirfd, upath, path, 0)) < 0)
		return e;
	/* VFS_O_EXEC is exec's own: no Linux flag, ignored like unknown ones. */
	e = path_req(VFS_OPEN, path, flags & ~(uint64_t)(L_O_CLOEXEC | VFS_O_EXEC),
	    (mode & 07777) & ~(uint64_t)L.umask, 0, canon, sizeof(canon) - 1, &m);
	if (e < 0)
		return e;
	if (m.rcv_nh != 1)
		return -L_EIO;
	canon[m.rcv_len < sizeof(canon) ? m.rcv_len : sizeof(canon) - 1] = '\0';
	/* A FIFO opened to read or to write waits for the other side. */
	if ((m.r[1] & IO_S_IFMT) == IO_S_IFIFO && !(flags & IO_NONBLOCK) &&
	    (flags & IO_O_ACCMODE) != IO_O_RDWR && (e = io_wait_peer(m.rcv_h[0])) < 0) {
		sk_handle_close(m.rcv_h[0]);
		return e;
	}
	fd = fd_install(0, m.rcv_h[0], (uint32_t)m.r[1], (flags & L_O_CLOEXEC) != 0, canon);
	if (fd < 0) {
		sk_handle_close(m.rcv_h[0]);
		return fd;
	}
	L.fds[fd].nonblock = (flags & IO_NONBLOCK) != 0;
	return fd;
}

L_HANDLER(open)
{
	return do_open(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), l_arg(r, 2));
}

L_HANDLER(openat)
{
	return do_open((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), l_arg(r, 3));
}

L_HANDLER(creat)
{
	return do_open(L_AT_FDCWD, l_arg(r, 0), IO_O_CREAT | IO_O_WRONLY | IO_O_TRUNC,
	    l_arg(r, 1));
}

/* stat of dirfd/upath into user memory at ubuf (flags: AT_*). */
static int64_t
do_stat(int64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t flags)
{
	char path[L_PATH_MAX];
	struct io_stat st;
	struct l_stat ls;
	struct sk_rpc m;
	size_t plen;
	int64_t e;

	if (flags & ~(uint64_t)(L_AT_SYMLINK_NOFOLLOW | L_AT_EMPTY_PATH | 0x800 /* NO_AUTOMOUNT */))
		return -L_EINVAL;
	if ((e = l_path(dirfd, upath, path, (flags & L_AT_EMPTY_PATH) != 0)) < 0)
		return e;
	plen = (size_t)e;	/* l_path returns the length */
	if (path[0] == '\0') {
		struct sk_regs fr = { .rdi = (uint64_t)dirfd, .rsi = ubuf };

		if ((int32_t)dirfd != L_AT_FDCWD)
			return l_sys_fstat(&fr);
		strlcpy(path, L.cwd, sizeof(path));
		plen = strlen(path);
	}
	e = path_req_n(VFS_STAT, path, plen, 0,
	    (flags & L_AT_SYMLINK_NOFOLLOW) ? VFS_NOFOLLOW : 0, 0, &st, sizeof(st), &m);
	if (e < 0)
		return e;
	if (m.rcv_len != sizeof(st))
		return -L_EIO;
	l_stat_from(&ls, &st);
	return l_copyout(ubuf, &ls, sizeof(ls));
}

L_HANDLER(stat)
{
	return do_stat(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), 0);
}

#define STATX_BASIC_STATS	0x7ffu
#define STATX_RESERVED		0x80000000u
#define AT_STATX_SYNC_TYPE	0x6000u

/* Linux's split of a dev_t into major and minor (glibc's gnu_dev_major/minor). */
static uint32_t
dev_major(uint64_t d)
{
	return (uint32_t)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffull));
}

static uint32_t
dev_minor(uint64_t d)
{
	return (uint32_t)((d & 0xff) | ((d >> 12) & ~0xffull));
}

/*
 * statx(dirfd, path, flags, mask, buf): the basic attributes whatever the
 * mask asks (Linux may give more than asked; there is no birth time), as
 * stx_mask says.
 */
L_HANDLER(statx)
{
	struct l_statx sx;
	struct l_stat ls;
	uint64_t flags = l_arg(r, 2), mask = l_arg(r, 3);
	int64_t e;

	if ((mask & STATX_RESERVED) || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -L_EINVAL;
	if ((e = do_stat((int64_t)l_arg(r, 0), l_arg(r, 1), (uint64_t)&ls,
	    flags & ~(uint64_t)AT_STATX_SYNC_TYPE)) < 0)
		return e;
	memset(&sx, 0, sizeof(sx));
	sx.mask = STATX_BASIC_STATS;
	sx.blksize = (uint32_t)ls.blksize;
	sx.nlink = (uint32_t)ls.nlink;
	sx.uid = ls.uid;
	sx.gid = ls.gid;
	sx.mode = (uint16_t)ls.mode;
	sx.ino = ls.ino;
	sx.size = (uint64_t)ls.size;
	sx.blocks = (uint64_t)ls.blocks;
	sx.atime.sec = ls.atime;
	sx.atime.nsec = (uint32_t)ls.atime_ns;
	sx.mtime.sec = ls.mtime;
	sx.mtime.nsec = (uint32_t)ls.mtime_ns;
	sx.ctime.sec = ls.ctime;
	sx.ctime.nsec = (uint32_t)ls.ctime_ns;
	sx.rdev_major = dev_major(ls.rdev);
	sx.rdev_minor = dev_minor(ls.rdev);
	sx.dev_major = dev_major(ls.dev);
	sx.dev_minor = dev_minor(ls.dev);
	return l_copyout(l_arg(r, 4), &sx, sizeof(sx));
}

L_HANDLER(lstat)
{
	return do_stat(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), L_AT_SYMLINK_NOFOLLOW);
}

L_HANDLER(newfstatat)
{
	return do_stat((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), l_arg(r, 3));
}

static int64_t
do_access(int64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags)
{
	char path[L_PATH_MAX];
	struct sk_rpc m;
	int64_t e;

	if (mode & ~7ull)
		return -L_EINVAL;
	if (flags & ~(uint64_t)(L_AT_EACCESS | L_AT_SYMLINK_NOFOLLOW | L_AT_EMPTY_PATH))
		return -L_EINVAL;
	if ((e = l_path(dirfd, upath, path, 0)) < 0)
		return e;
	return path_req(VFS_ACCESS, path, mode,
	    ((flags & L_AT_EACCESS) ? VFS_EACCESS : 0) |
	    ((flags & L_AT_SYMLINK_NOFOLLOW) ? VFS_NOFOLLOW : 0), 0, NULL, 0, &m);
}

L_HANDLER(access)
{
	return do_access(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), 0);
}

L_HANDLER(faccessat)
{
	return do_access((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), 0);
}

L_HANDLER(faccessat2)
{
	return do_access((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), l_arg(r, 3));
}

static int64_t
do_mknod(int64_t dirfd, uint64_t upath, uint64_t mode, uint64_t dev)
{
	char path[L_PATH_MAX];
	struct sk_rpc m;
	int64_t e;

	if ((e = l_path(dirfd, upath, path, 0)) < 0)
		return e;
	if ((mode & IO_S_IFMT) == 0)
		mode |= IO_S_IFREG;
	mode = (mode & IO_S_IFMT) | ((mode & 07777) & ~(uint64_t)L.umask);
	return path_req(VFS_MKNOD, path, mode, 0, dev, NULL, 0, &m);
}

L_HANDLER(mkdir)
{
	return do_mknod(L_AT_FDCWD, l_arg(r, 0), IO_S_IFDIR | (l_arg(r, 1) & 07777), 0);
}

L_HANDLER(mkdirat)
{
	return do_mknod((int64_t)l_arg(r, 0), l_arg(r, 1), IO_S_IFDIR | (l_arg(r, 2) & 07777), 0);
}

L_HANDLER(mknod)
{
	if ((l_arg(r, 1) & IO_S_IFMT) == IO_S_IFDIR)
		return -L_EINVAL;
	return do_mknod(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), l_arg(r, 2));
}

L_HANDLER(mknodat)
{
	if ((l_arg(r, 2) & IO_S_IFMT) == IO_S_IFDIR)
		return -L_EINVAL;
	return do_mknod((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), l_arg(r, 3));
}

static int64_t
do_unlink(int64_t dirfd, uint64_t upath, int dir)
{
	char path[L_PATH_MAX];
	struct sk_rpc m;
	int64_t e;

	if ((e = l_path(dirfd, upath, path, 0)) < 0)
		return e;
	return path_req(VFS_UNLINK, path, dir ? FS_UNLINK_DIR : 0, 0, 0, NULL, 0, &m);
}

L_HANDLER(unlink)
{
	return do_unlink(L_AT_FDCWD, l_arg(r, 0), 0);
}

L_HANDLER(rmdir)
{
	return do_unlink(L_AT_FDCWD, l_arg(r, 0), 1);
}

L_HANDLER(unlinkat)
{
	if (l_arg(r, 2) & ~(uint64_t)L_AT_REMOVEDIR)
		return -L_EINVAL;
	return do_unlink((int64_t)l_arg(r, 0), l_arg(r, 1), (l_arg(r, 2) & L_AT_REMOVEDIR) != 0);
}

/* A request whose payload is two strings, a NUL after each. */
static int64_t
two_path_req(uint32_t label, const char *a, const char *b, uint64_t w1)
{
	char buf[2 * L_PATH_MAX];
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;
	struct sk_rpc m = { .label = label, .snd = buf };

	memcpy(buf, a, la);
	memcpy(buf + la, b, lb);
	m.snd_len = (uint32_t)(la + lb);
	m.w[1] = w1;
	return vfs_call(&m);
}

static int64_t
do_rename(int64_t ofd, uint64_t op, int64_t nfd, uint64_t np, uint64_t flags)
{
	char from[L_PATH_MAX], to[L_PATH_MAX];
	int64_t e;

	if (flags != 0)
		return -L_EINVAL;	/* RENAME_NOREPLACE and friends: not yet */
	if ((e = l_path(ofd, op, from, 0)) < 0 || (e = l_path(nfd, np, to, 0)) < 0)
		return e;
	return two_path_req(VFS_RENAME, from, to, 0);
}

L_HANDLER(rename)
{
	return do_rename(L_AT_FDCWD, l_arg(r, 0), L_AT_FDCWD, l_arg(r, 1), 0);
}

L_HANDLER(renameat)
{
	return do_rename((int64_t)l_arg(r, 0), l_arg(r, 1), (int64_t)l_arg(r, 2), l_arg(r, 3), 0);
}

L_HANDLER(renameat2)
{
	return do_rename((int64_t)l_arg(r, 0), l_arg(r, 1), (int64_t)l_arg(r, 2), l_arg(r, 3),
	    l_arg(r, 4));
}

static int64_t
do_link(int64_t ofd, uint64_t op, int64_t nfd, uint64_t np, uint64_t flags)
{
	char from[L_PATH_MAX], to[L_PATH_MAX];
	int64_t e;

	if (flags & ~(uint64_t)(L_AT_SYMLINK_FOLLOW | L_AT_EMPTY_PATH))
		return -L_EINVAL;
	if ((e = l_path(ofd, op, from, 0)) < 0 || (e = l_path(nfd, np, to, 0)) < 0)
		return e;
	return two_path_req(VFS_LINK, from, to, (flags & L_AT_SYMLINK_FOLLOW) ? 0 : VFS_NOFOLLOW);
}

L_HANDLER(link)
{
	return do_link(L_AT_FDCWD, l_arg(r, 0), L_AT_FDCWD, l_arg(r, 1), 0);
}

L_HANDLER(linkat)
{
	return do_link((int64_t)l_arg(r, 0), l_arg(r, 1), (int64_t)l_arg(r, 2), l_arg(r, 3),
	    l_arg(r, 4));
}

static int64_t
do_symlink(uint64_t utarget, int64_t nfd, uint64_t np)
{
	char target[L_PATH_MAX], to[L_PATH_MAX];
	int64_t e;

	/* The target is stored as given, not joined to any directory. */
	if ((e = l_copyin_str(target, utarget, sizeof(target))) < 0)
		return e;
	if (e == 0)
		return -L_ENOENT;
	if ((e = l_path(nfd, np, to, 0)) < 0)
		return e;
	return two_path_req(VFS_SYMLINK, target, to, 0);
}

L_HANDLER(symlink)
{
	return do_symlink(l_arg(r, 0), L_AT_FDCWD, l_arg(r, 1));
}

L_HANDLER(symlinkat)
{
	return do_symlink(l_arg(r, 0), (int64_t)l_arg(r, 1), l_arg(r, 2));
}

static int64_t
do_readlink(int64_t dirfd, uint64_t upath, uint64_t ubuf, int64_t size)
{
	char path[L_PATH_MAX], target[L_PATH_MAX];
	struct sk_rpc m;
	int64_t e;

	if (size <= 0)
		return -L_EINVAL;
	if ((e = l_path(dirfd, upath, path, 0)) < 0)
		return e;
	if ((e = path_req(VFS_READLINK, path, 0, 0, 0, target, sizeof(target), &m)) < 0)
		return e;
	if ((uint64_t)e > m.rcv_len)
		return -L_EIO;
	if (e > size)
		e = size;
	return l_copyout(ubuf, target, (uint64_t)e) < 0 ? -L_EFAULT : e;
}

L_HANDLER(readlink)
{
	return do_readlink(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), (int64_t)l_arg(r, 2));
}

L_HANDLER(readlinkat)
{
	return do_readlink((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), (int64_t)l_arg(r, 3));
}

/*
 * Change attributes: of the file behind dirfd when the path is empty (or
 * absent, for futimens), else of the named file.
 */
static int64_t
do_setattr(int64_t dirfd, uint64_t upath, struct io_setattr *sa, int nofollow, int empty_ok)
{
	char buf[sizeof(*sa) + L_PATH_MAX];
	struct sk_rpc m = { 0 };
	int64_t e;

	if (upath == 0 && empty_ok) {
		buf[sizeof(*sa)] = '\0';
	} else if ((e = l_path(dirfd, upath, buf + sizeof(*sa), empty_ok)) < 0) {
		return e;
	}
	if (buf[sizeof(*sa)] == '\0') {
		struct l_fd *f = fd_get(dirfd);

		if (f == NULL || f->klog)
			return -L_EBADF;
		m.label = IO_SETATTR;
		m.snd = sa;
		m.snd_len = sizeof(*sa);
		return io_call(f->h, &m);
	}
	memcpy(buf, sa, sizeof(*sa));
	m.label = VFS_SETATTR;
	m.w[1] = nofollow ? VFS_NOFOLLOW : 0;
	m.snd = buf;
	m.snd_len = (uint32_t)(sizeof(*sa) + strlen(buf + sizeof(*sa)) + 1);
	return vfs_call(&m);
}

static int64_t
do_chmod(int64_t dirfd, uint64_t upath, uint64_t mode, int empty_ok)
{
	struct io_setattr sa = { .mask = IO_SET_MODE, .mode = (uint32_t)(mode & 07777) };

	return do_setattr(dirfd, upath, &sa, 0, empty_ok);
}

L_HANDLER(chmod)
{
	return do_chmod(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), 0);
}

L_HANDLER(fchmod)
{
	struct io_setattr sa = { .mask = IO_SET_MODE, .mode = (uint32_t)(l_arg(r, 1) & 07777) };

	return do_setattr((int64_t)l_arg(r, 0), 0, &sa, 0, 1);
}

L_HANDLER(fchmodat)
{
	return do_chmod((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), 0);
}

static int64_t
do_chown(int64_t dirfd, uint64_t upath, uint64_t uid, uint64_t gid, uint64_t flags)
{
	struct io_setattr sa = { 0 };

	if (flags & ~(uint64_t)(L_AT_SYMLINK_NOFOLLOW | L_AT_EMPTY_PATH))
		return -L_EINVAL;
	if ((uint32_t)uid != 0xffffffffu) {
		sa.mask |= IO_SET_UID;
		sa.uid = (uint32_t)uid;
	}
	if ((uint32_t)gid != 0xffffffffu) {
		sa.mask |= IO_SET_GID;
		sa.gid = (uint32_t)gid;
	}
	return do_setattr(dirfd, upath, &sa, (flags & L_AT_SYMLINK_NOFOLLOW) != 0,
	    (flags & L_AT_EMPTY_PATH) != 0);
}

L_HANDLER(chown)
{
	return do_chown(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), 0);
}

L_HANDLER(lchown)
{
	return do_chown(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), L_AT_SYMLINK_NOFOLLOW);
}

L_HANDLER(fchown)
{
	struct io_setattr sa = { 0 };

	if ((uint32_t)l_arg(r, 1) != 0xffffffffu) {
		sa.mask |= IO_SET_UID;
		sa.uid = (uint32_t)l_arg(r, 1);
	}
	if ((uint32_t)l_arg(r, 2) != 0xffffffffu) {
		sa.mask |= IO_SET_GID;
		sa.gid = (uint32_t)l_arg(r, 2);
	}
	return do_setattr((int64_t)l_arg(r, 0), 0, &sa, 0, 1);
}

L_HANDLER(fchownat)
{
	return do_chown((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), l_arg(r, 3), l_arg(r, 4));
}

L_HANDLER(utimensat)
{
	struct l_timespec ts[2];
	struct io_setattr sa = { 0 };
	uint64_t flags = l_arg(r, 3);

	if (flags & ~(uint64_t)(L_AT_SYMLINK_NOFOLLOW | L_AT_EMPTY_PATH))
		return -L_EINVAL;
	if (l_arg(r, 2) == 0) {
		sa.mask = IO_SET_ATIME_NOW | IO_SET_MTIME_NOW;
	} else {
		if (l_copyin(ts, l_arg(r, 2), sizeof(ts)) < 0)
			return -L_EFAULT;
		for (int i = 0; i < 2; i++) {
			struct io_time *t = i == 0 ? &sa.atime : &sa.mtime;

			if (ts[i].nsec == UTIME_OMIT)
				continue;
			if (ts[i].nsec == UTIME_NOW) {
				sa.mask |= i == 0 ? IO_SET_ATIME_NOW : IO_SET_MTIME_NOW;
				continue;
			}
			if (ts[i].nsec < 0 || ts[i].nsec >= 1000000000)
				return -L_EINVAL;
			sa.mask |= i == 0 ? IO_SET_ATIME : IO_SET_MTIME;
			t->sec = ts[i].sec;
			t->nsec = (uint32_t)ts[i].nsec;
		}
	}
	if (sa.mask == 0)
		return 0;
	return do_setattr((int64_t)l_arg(r, 0), l_arg(r, 1), &sa,
	    (flags & L_AT_SYMLINK_NOFOLLOW) != 0, 1);
}

L_HANDLER(truncate)
{
	struct io_setattr sa = { .mask = IO_SET_SIZE, .size = l_arg(r, 1) };

	if ((int64_t)l_arg(r, 1) < 0)
		return -L_EINVAL;
	return do_setattr(L_AT_FDCWD, l_arg(r, 0), &sa, 0, 0);
}

static int64_t
set_cwd(const char *path)
{
	char canon[L_PATH_MAX];
	struct sk_rpc m;
	int64_t e;

	if ((e = path_req(VFS_CHDIR, path, 0, 0, 0, canon, sizeof(canon) - 1, &m)) < 0)
		return e;
	if (m.rcv_len == 0 || canon[0] != '/')
		return -L_EIO;
	canon[m.rcv_len] = '\0';
	if (canon[m.rcv_len - 1] == '\0')
		canon[m.rcv_len - 1] = '\0';
	strlcpy(L.cwd, canon, sizeof(L.cwd));
	if (L.h[SK_EXEC_H_PROC] != 0) {
		struct sk_rpc p = { .label = PROC_SETCWD, .snd = L.cwd };

		p.snd_len = (uint32_t)strlen(L.cwd) + 1;
		sk_rpc(L.h[SK_EXEC_H_PROC], &p, SK_FOREVER);
	}
	return 0;
}

L_HANDLER(chdir)
{
	char path[L_PATH_MAX];
	int64_t e;

	if ((e = l_path(L_AT_FDCWD, l_arg(r, 0), path, 0)) < 0)
		return e;
	return set_cwd(path);
}

L_HANDLER(fchdir)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));

	if (f == NULL)
		return -L_EBADF;
	if ((f->type & IO_S_IFMT) != IO_S_IFDIR || f->path == NULL)
		return -L_ENOTDIR;
	return set_cwd(f->path);
}

L_HANDLER(getcwd)
{
	size_t n = strlen(L.cwd) + 1;

	if (l_arg(r, 1) < n)
		return -L_ERANGE;
	if (l_copyout(l_arg(r, 0), L.cwd, n) < 0)
		return -L_EFAULT;
	return (int64_t)n;
}

L_HANDLER(umask)
{
	uint32_t old = L.umask;

	L.umask = (uint32_t)(l_arg(r, 0) & 0777);
	return old;
}

static int64_t
put_statfs(uint64_t ubuf, const struct io_statfs *s)
{
	struct l_statfs ls;

	memset(&ls, 0, sizeof(ls));
	ls.type = (int64_t)s->type;
	ls.bsize = (int64_t)s->bsize;
	ls.blocks = s->blocks;
	ls.bfree = s->bfree;
	ls.bavail = s->bavail;
	ls.files = s->files;
	ls.ffree = s->ffree;
	ls.namelen = (int64_t)s->namelen;
	ls.frsize = (int64_t)s->bsize;
	ls.flags = (int64_t)s->flags;
	return l_copyout(ubuf, &ls, sizeof(ls));
}

L_HANDLER(statfs)
{
	char path[L_PATH_MAX];
	struct io_statfs s;
	struct sk_rpc m;
	int64_t e;

	if ((e = l_path(L_AT_FDCWD, l_arg(r, 0), path, 0)) < 0)
		return e;
	if ((e = path_req(VFS_STATFS, path, 0, 0, 0, &s, sizeof(s), &m)) < 0)
		return e;
	if (m.rcv_len != sizeof(s))
		return -L_EIO;
	return put_statfs(l_arg(r, 1), &s);
}

L_HANDLER(fstatfs)
{
	struct l_fd *f = fd_get((int64_t)l_arg(r, 0));
	struct io_statfs s;
	struct sk_rpc m = { .label = IO_STATFS, .rcv = &s, .rcv_max = sizeof(s) };
	int64_t e;

	if (f == NULL || f->klog)
		return -L_EBADF;
	if ((e = io_call(f->h, &m)) < 0)
		return e;
	if (m.rcv_len != sizeof(s))
		return -L_EIO;
	return put_statfs(l_arg(r, 1), &s);
}
