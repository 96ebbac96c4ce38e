/*
 * vfs requests that look things up: open, stat, access, readlink,
 * setattr, chdir, statfs; the dispatcher and shared helpers. The name
 * space changes are in ops_ns.c, the mount requests in ops_mount.c.
 */
#include "servers/vfs/ops.h"
#include "abi/skiff/proto/vfs.h"
#include "lib/fs/perm.h"

int64_t
vfs_err(int code, int argno)
{
	return SK_ERRVAL(code, argno);
}

int
vfs_str(const struct vfs_req *q, uint32_t off, const char **s, uint32_t *next)
{
	long n;

	if (off >= q->len)
		return SK_E_INVAL;
	if ((n = walk_strnlen(q->buf + off, q->len - off)) < 0)
		return SK_E_INVAL;
	*s = q->buf + off;
	*next = off + (uint32_t)n + 1;
	return SK_OK;
}

void
vfs_rep_str(struct vfs_rep *p, const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof(p->buf))
		n = sizeof(p->buf) - 1;
	memcpy(p->buf, s, n);
	p->buf[n] = '\0';
	p->len = (uint32_t)n + 1;
}

uint32_t
vfs_new_gid(const struct sk_cred *c, const struct io_stat *dirst)
{
	return (dirst->mode & IO_S_ISGID) ? dirst->gid : c->egid;
}

uint32_t
vfs_fs(const struct vfs *v, int mnt)
{
	return v->mt.m[mnt].fs;
}

/* The one path of a request whose payload is just a path. */
static int
only_path(const struct vfs_req *q, const char **path)
{
	uint32_t next;

	return vfs_str(q, 0, path, &next);
}

/* Resolve the single path of q into v->wa; the result must exist. */
static int
lookup_path(struct vfs *v, const struct vfs_req *q, uint32_t wflags)
{
	const char *path;
	int e;

	if ((e = only_path(q, &path)) != SK_OK)
		return e;
	if ((e = walk(v->ops, &v->mt, &q->cred, path, wflags, &v->wa)) != SK_OK)
		return e;
	return v->wa.found ? SK_OK : SK_E_NOENT;
}

/* Open flags vfs passes on to the object's server. */
#define OPEN_PASS	(IO_O_ACCMODE | IO_APPEND | IO_NONBLOCK | IO_O_TRUNC | \
			IO_O_DIRECTORY | IO_O_NOCTTY | IO_O_PATH)

/*
 * Open the existing file of v->wa as flags ask. With VFS_O_EXEC *h is the
 * file's memory object and *size its size.
 */
static int
open_existing(struct vfs *v, const struct vfs_req *q, uint32_t flags, uint64_t *h,
    uint64_t *size)
{
	const struct walk_result *r = &v->wa;
	uint32_t acc = flags & IO_O_ACCMODE, type = VFS_TYPE(&r->st);
	uint32_t pass = flags & OPEN_PASS;
	void *ctx = v->ops->ctx;
	int want = 0;

	if ((flags & (IO_O_CREAT | IO_O_EXCL)) == (IO_O_CREAT | IO_O_EXCL))
		return SK_E_EXISTS;
	if (type == IO_S_IFLNK)
		return SK_E_LOOP;	/* only reached with IO_O_NOFOLLOW */
	if ((flags & IO_O_DIRECTORY) && type != IO_S_IFDIR)
		return SK_E_NOTDIR;
	if (type == IO_S_IFDIR && (acc != IO_O_RDONLY || (flags & (IO_O_CREAT | IO_O_TRUNC))))
		return SK_E_ISDIR;
	if (!(flags & IO_O_PATH)) {
		if (acc != IO_O_WRONLY)
			want |= PERM_R;
		if (acc != IO_O_RDONLY || (flags & IO_O_TRUNC))
			want |= PERM_W;
		if (flags & VFS_O_EXEC)
			want |= PERM_X;
		if (!perm_may(&q->cred, &r->st, want, 0))
			return SK_E_ACCESS;
	}
	if (flags & VFS_O_EXEC) {
		if (type != IO_S_IFREG)
			return SK_E_ACCESS;
		if (v->ops->open_map == NULL)
			return SK_E_NOSYS;
		return v->ops->open_map(ctx, vfs_fs(v, r->obj.mnt), r->obj.ino, h, size);
	}
	if (type != IO_S_IFREG)
		pass &= ~(uint32_t)IO_O_TRUNC;
	if (type == IO_S_IFSOCK)
		return SK_E_NXIO;
	if (type == IO_S_IFIFO && !(flags & IO_O_PATH))
		return v->ops->fifo_open(ctx, r->st.dev, r->obj.ino, pass, h);
	return v->ops->open(ctx, vfs_fs(v, r->obj.mnt), r->obj.ino, pass, h);
}

/* Create the missing final name of v->wa as a regular file and open it. */
static int
open_create(struct vfs *v, const struct vfs_req *q, uint32_t flags, uint32_t mode,
    uint64_t *h)
{
	const struct walk_result *r = &v->wa;
	uint32_t fs = vfs_fs(v, r->dir.mnt);
	uint32_t gid = vfs_new_gid(&q->cred, &r->dirst);

	if (r->slash)
		return SK_E_ISDIR;	/* "name/" cannot become a regular file */
	if (flags & IO_O_DIRECTORY)
		return SK_E_INVAL;
	if (!perm_may(&q->cred, &r->dirst, PERM_W | PERM_X, 0))
		return SK_E_ACCESS;
	if ((mode & IO_S_ISGID) && q->cred.euid != 0 && !perm_in_group(&q->cred, gid))
		mode &= ~(uint32_t)IO_S_ISGID;
	/* The creator may open what it made, whatever the mode says. */
	return v->ops->create_open(v->ops->ctx, fs, r->dir.ino, r->name, IO_S_IFREG | mode,
	    q->cred.euid, gid, flags & OPEN_PASS & ~(uint32_t)IO_O_TRUNC, h);
}

static int64_t
op_open(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	uint32_t flags = (uint32_t)q->w[0], mode = (uint32_t)q->w[1] & 07777, wf = 0;
	struct walk_result *r = &v->wa;
	const char *path;
	uint64_t h, size = 0;
	int e;

	if ((q->w[0] >> 32) != 0 || (flags & IO_O_ACCMODE) == IO_O_ACCMODE)
		return vfs_err(SK_E_INVAL, 1);
	if ((flags & VFS_O_EXEC) && ((flags & IO_O_ACCMODE) != IO_O_RDONLY ||
	    (flags & (IO_O_CREAT | IO_O_TRUNC | IO_O_PATH))))
		return vfs_err(SK_E_INVAL, 1);
	if ((e = only_path(q, &path)) != SK_OK)
		return vfs_err(e, 0);
	if ((flags & IO_O_NOFOLLOW) || (flags & (IO_O_CREAT | IO_O_EXCL)) ==
	    (IO_O_CREAT | IO_O_EXCL))
		wf |= WALK_NOFOLLOW;
	if ((e = walk(v->ops, &v->mt, &q->cred, path, wf, r)) != SK_OK)
		return vfs_err(e, 0);
	if (r->found)
		e = open_existing(v, q, flags, &h, &size);
	else if (flags & IO_O_CREAT)
		e = open_create(v, q, flags, mode, &h);
	else
		e = SK_E_NOENT;
	if (e != SK_OK)
		return vfs_err(e, 0);
	p->has_h = 1;
	p->h = h;
	p->w1 = r->found ? VFS_TYPE(&r->st) : IO_S_IFREG;
	p->w2 = size;
	if (!(flags & VFS_O_EXEC))
		vfs_rep_str(p, r->path);
	return 0;
}

static int64_t
op_stat(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	int e;

	if (q->w[1] & ~(uint64_t)VFS_NOFOLLOW)
		return vfs_err(SK_E_INVAL, 2);
	if ((e = lookup_path(v, q, (q->w[1] & VFS_NOFOLLOW) ? WALK_NOFOLLOW : 0)) != SK_OK)
		return vfs_err(e, 0);
	memcpy(p->buf, &v->wa.st, sizeof(v->wa.st));
	p->len = sizeof(v->wa.st);
	return 0;
}

static int64_t
op_access(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	int real = !(q->w[1] & VFS_EACCESS), want = (int)q->w[0], e;
	uint32_t wf = real ? WALK_REAL : 0;

	if (q->w[0] & ~(uint64_t)7)
		return vfs_err(SK_E_INVAL, 1);
	if (q->w[1] & ~(uint64_t)(VFS_EACCESS | VFS_NOFOLLOW))
		return vfs_err(SK_E_INVAL, 2);
	if (q->w[1] & VFS_NOFOLLOW)
		wf |= WALK_NOFOLLOW;
	if ((e = lookup_path(v, q, wf)) != SK_OK)
		return vfs_err(e, 0);
	if (want != 0 && !perm_may(&q->cred, &v->wa.st, want, real))
		return vfs_err(SK_E_ACCESS, 0);
	return 0;
}

static int64_t
op_readlink(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	const struct walk_result *r = &v->wa;
	uint32_t len;
	int e;

	if ((e = lookup_path(v, q, WALK_NOFOLLOW)) != SK_OK)
		return vfs_err(e, 0);
	if (VFS_TYPE(&r->st) != IO_S_IFLNK)
		return vfs_err(SK_E_INVAL, 0);
	e = v->ops->readlink(v->ops->ctx, vfs_fs(v, r->obj.mnt), r->obj.ino, p->buf,
	    sizeof(p->buf) - 1, &len);
	if (e != SK_OK)
		return vfs_err(e, 0);
	if (len >= sizeof(p->buf))
		return vfs_err(SK_E_IO, 0);
	/* The target, and a NUL the length does not count, for convenience. */
	p->buf[len] = '\0';
	p->len = len + 1;
	return len;
}

#define SETATTR_MASK	(IO_SET_MODE | IO_SET_UID | IO_SET_GID | IO_SET_SIZE | \
			IO_SET_ATIME | IO_SET_MTIME | IO_SET_ATIME_NOW | IO_SET_MTIME_NOW)

static int64_t
op_setattr(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	const struct walk_result *r = &v->wa;
	struct io_setattr sa;
	const char *path;
	uint32_t next;
	int e;

	if (q->w[1] & ~(uint64_t)VFS_NOFOLLOW)
		return vfs_err(SK_E_INVAL, 2);
	if (q->len < sizeof(sa))
		return vfs_err(SK_E_INVAL, 0);
	memcpy(&sa, q->buf, sizeof(sa));
	if ((sa.mask & ~(uint32_t)SETATTR_MASK) || ((sa.mask & IO_SET_MODE) && (sa.mode & ~07777u)))
		return vfs_err(SK_E_INVAL, 0);
	if (((sa.mask & IO_SET_ATIME) && sa.atime.nsec >= 1000000000u) ||
	    ((sa.mask & IO_SET_MTIME) && sa.mtime.nsec >= 1000000000u))
		return vfs_err(SK_E_INVAL, 0);
	if ((sa.mask & IO_SET_SIZE) && (int64_t)sa.size < 0)
		return vfs_err(SK_E_INVAL, 0);
	if ((e = vfs_str(q, sizeof(sa), &path, &next)) != SK_OK)
		return vfs_err(e, 0);
	e = walk(v->ops, &v->mt, &q->cred, path,
	    (q->w[1] & VFS_NOFOLLOW) ? WALK_NOFOLLOW : 0, &v->wa);
	if (e == SK_OK && !r->found)
		e = SK_E_NOENT;
	if (e != SK_OK)
		return vfs_err(e, 0);
	if ((e = perm_setattr(&q->cred, &r->st, &sa)) != SK_OK)
		return vfs_err(e, 0);
	if (sa.mask & IO_SET_SIZE) {
		if (VFS_TYPE(&r->st) != IO_S_IFREG)
			return vfs_err(SK_E_INVAL, 0);
		if (!perm_may(&q->cred, &r->st, PERM_W, 0))
			return vfs_err(SK_E_ACCESS, 0);
	}
	e = v->ops->setattr(v->ops->ctx, vfs_fs(v, r->obj.mnt), r->obj.ino, &sa);
	return e != SK_OK ? vfs_err(e, 0) : 0;
}

static int64_t
op_chdir(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	int e;

	if ((e = lookup_path(v, q, 0)) != SK_OK)
		return vfs_err(e, 0);
	if (!VFS_IS_DIR(&v->wa.st))
		return vfs_err(SK_E_NOTDIR, 0);
	if (!perm_may(&q->cred, &v->wa.st, PERM_X, 0))
		return vfs_err(SK_E_ACCESS, 0);
	vfs_rep_str(p, v->wa.path);
	return 0;
}

static int64_t
op_statfs(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	struct io_statfs sfs;
	int e;

	if ((e = lookup_path(v, q, 0)) != SK_OK)
		return vfs_err(e, 0);
	memset(&sfs, 0, sizeof(sfs));
	if ((e = v->ops->statfs(v->ops->ctx, vfs_fs(v, v->wa.obj.mnt), &sfs)) != SK_OK)
		return vfs_err(e, 0);
	memcpy(p->buf, &sfs, sizeof(sfs));
	p->len = sizeof(sfs);
	return 0;
}

void
vfs_handle(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	int64_t (*fn)(struct vfs *, const struct vfs_req *, struct vfs_rep *);

	p->w0 = 0;
	p->w1 = 0;
	p->w2 = 0;
	p->len = 0;
	p->has_h = 0;
	p->h = 0;
	switch (q->label) {
	case VFS_OPEN:		fn = op_open; break;
	case VFS_STAT:		fn = op_stat; break;
	case VFS_ACCESS:	fn = op_access; break;
	case VFS_MKNOD:		fn = vfs_op_mknod; break;
	case VFS_UNLINK:	fn = vfs_op_unlink; break;
	case VFS_RENAME:	fn = vfs_op_rename; break;
	case VFS_LINK:		fn = vfs_op_link; break;
	case VFS_SYMLINK:	fn = vfs_op_symlink; break;
	case VFS_READLINK:	fn = op_readlink; break;
	case VFS_SETATTR:	fn = op_setattr; break;
	case VFS_CHDIR:		fn = op_chdir; break;
	case VFS_STATFS:	fn = op_statfs; break;
	case VFS_MOUNT:		fn = vfs_op_mount; break;
	case VFS_UMOUNT:	fn = vfs_op_umount; break;
	case VFS_MOUNTS:	fn = vfs_op_mounts; break;
	default:
		p->w0 = vfs_err(SK_E_NOSYS, 0);
		return;
	}
	p->w0 = fn(v, q, p);
	if (p->w0 < 0) {
		/* A failed request carries nothing back. */
		p->w1 = 0;
		p->w2 = 0;
		p->len = 0;
	}
}
