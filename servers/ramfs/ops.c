/*
 * ramfs's table of operations for libfs. Pointers into nodes[] are taken
 * again after node_new, which may move the table.
 */
#include "servers/ramfs/ramfs.h"

static int
is_dir(const struct rnode *n)
{
	return n != NULL && (n->mode & IO_S_IFMT) == IO_S_IFDIR;
}

static int64_t
r_lookup(void *fs, uint64_t dir, const char *name)
{
	struct rnode *d = node(dir);

	if (d == NULL)
		return -SK_E_NOENT;
	if (!is_dir(d))
		return -SK_E_NOTDIR;
	return dir_find(d, name, NULL);
}

static int
r_getattr(void *fs, uint64_t ino, struct io_stat *st)
{
	struct rnode *n = node(ino);

	if (n == NULL)
		return -SK_E_NOENT;
	/* Every field is written, the padding too: no memset of the whole. */
	st->dev = SVC_RAMFS;
	st->ino = ino;
	st->mode = n->mode;
	st->nlink = n->nlink;
	st->uid = n->uid;
	st->gid = n->gid;
	st->rdev = n->rdev;
	st->size = is_dir(n) ? 4096 : n->size;
	st->blocks = is_dir(n) ? 8 : ((n->size + 4095) / 4096) * 8;
	st->blksize = 4096;
	st->_pad = 0;
	st->atime = n->atime;
	st->mtime = n->mtime;
	st->ctime = n->ctime;
	return SK_OK;
}

static int
r_setattr(void *fs, uint64_t ino, const struct io_setattr *sa)
{
	struct rnode *n = node(ino);
	int e;

	if (n == NULL)
		return -SK_E_NOENT;
	if (sa->mask & IO_SET_SIZE) {
		if (is_dir(n))
			return -SK_E_ISDIR;
		if ((n->mode & IO_S_IFMT) != IO_S_IFREG)
			return -SK_E_INVAL;
		if ((e = file_resize(n, sa->size)) < 0)
			return e;
		n->mtime = libfs_now();
	}
	if (sa->mask & IO_SET_MODE)
		n->mode = (n->mode & IO_S_IFMT) | (sa->mode & 07777);
	if (sa->mask & IO_SET_UID)
		n->uid = sa->uid;
	if (sa->mask & IO_SET_GID)
		n->gid = sa->gid;
	if ((sa->mask & (IO_SET_UID | IO_SET_GID)) && !is_dir(n))
		n->mode &= ~(uint32_t)(IO_S_ISUID | IO_S_ISGID);
	if (sa->mask & IO_SET_ATIME)
		n->atime = sa->atime;
	if (sa->mask & IO_SET_MTIME)
		n->mtime = sa->mtime;
	if (sa->mask & IO_SET_ATIME_NOW)
		n->atime = libfs_now();
	if (sa->mask & IO_SET_MTIME_NOW)
		n->mtime = libfs_now();
	n->ctime = libfs_now();
	return SK_OK;
}

/* A new inode named name in dir. */
static int64_t
make(uint64_t dir, const char *name, uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct rnode *d = node(dir);
	int64_t ino;
	int e;

	if (d == NULL)
		return -SK_E_NOENT;
	if (!is_dir(d))
		return -SK_E_NOTDIR;
	if (dir_find(d, name, NULL) >= 0)
		return -SK_E_EXISTS;
	if ((ino = node_new(mode, uid, gid)) < 0)
		return ino;
	if ((e = dir_add(dir, name, (uint64_t)ino)) < 0) {
		node(ino)->nlink = 1;
		node_put((uint64_t)ino);
		return e;
	}
	if ((mode & IO_S_IFMT) == IO_S_IFDIR) {
		node((uint64_t)ino)->parent = dir;
		node(dir)->nlink++;
	}
	return ino;
}

static int64_t
r_create(void *fs, uint64_t dir, const char *name, uint32_t mode, uint32_t uid, uint32_t gid,
    uint64_t rdev)
{
	int64_t ino;

	switch (mode & IO_S_IFMT) {
	case IO_S_IFREG: case IO_S_IFDIR: case IO_S_IFIFO: case IO_S_IFCHR: case IO_S_IFBLK:
	case IO_S_IFSOCK:
		break;
	default:
		return -SK_E_INVAL;
	}
	if ((ino = make(dir, name, mode & (IO_S_IFMT | 07777), uid, gid)) >= 0)
		node((uint64_t)ino)->rdev = rdev;
	return ino;
}

static int64_t
r_symlink(void *fs, uint64_t dir, const char *name, const char *target, uint32_t uid,
    uint32_t gid)
{
	char *t = strdup(target);
	int64_t ino;

	if (t == NULL)
		return -SK_E_NOSPC;
	if ((ino = make(dir, name, IO_S_IFLNK | 0777, uid, gid)) < 0) {
		free(t);
		return ino;
	}
	node((uint64_t)ino)->target = t;
	node((uint64_t)ino)->size = strlen(t);
	return ino;
}

static int
r_link(void *fs, uint64_t dir, const char *name, uint64_t ino)
{
	struct rnode *d = node(dir), *n = node(ino);
	int e;

	if (d == NULL || n == NULL)
		return -SK_E_NOENT;
	if (!is_dir(d))
		return -SK_E_NOTDIR;
	if (is_dir(n))
		return -SK_E_PERM;
	if (dir_find(d, name, NULL) >= 0)
		return -SK_E_EXISTS;
	if ((e = dir_add(dir, name, ino)) < 0)
		return e;
	n->nlink++;
	n->ctime = libfs_now();
	return SK_OK;
}

static int
dir_empty(const struct rnode *d)
{
	for (uint32_t i = 0; i < d->nents; i++)
		if (d->ents[i].name != NULL)
			return 0;
	return 1;
}

/* Take entry slot of d out, dropping the link it held. */
static void
remove_slot(uint64_t dir, uint32_t slot)
{
	struct rnode *d = node(dir);
	uint64_t ino = d->ents[slot].ino;
	struct rnode *n = node(ino);

	free(d->ents[slot].name);
	d->ents[slot].name = NULL;
	d->mtime = d->ctime = libfs_now();
	if (is_dir(n)) {
		d->nlink--;
		n->nlink = 1;		/* "." goes with it */
	}
	n->ctime = libfs_now();
	node_put(ino);
}

static int
r_unlink(void *fs, uint64_t dir, const char *name, int isdir)
{
	struct rnode *d = node(dir), *n;
	uint32_t slot;
	int64_t ino;

	if (d == NULL)
		return -SK_E_NOENT;
	if (!is_dir(d))
		return -SK_E_NOTDIR;
	if ((ino = dir_find(d, name, &slot)) < 0)
		return (int)ino;
	n = node((uint64_t)ino);
	if (isdir && !is_dir(n))
		return -SK_E_NOTDIR;
	if (!isdir && is_dir(n))
		return -SK_E_ISDIR;
	if (isdir && !dir_empty(n))
		return -SK_E_NOTEMPTY;
	remove_slot(dir, slot);
	return SK_OK;
}

static int
r_rename(void *fs, uint64_t odir, const char *oname, uint64_t ndir, const char *nname)
{
	struct rnode *od = node(odir), *nd = node(ndir), *src, *dst;
	uint32_t oslot, nslot;
	int64_t sino, dino;
	int e;

	if (od == NULL || nd == NULL)
		return -SK_E_NOENT;
	if (!is_dir(od) || !is_dir(nd))
		return -SK_E_NOTDIR;
	if ((sino = dir_find(od, oname, &oslot)) < 0)
		return (int)sino;
	src = node((uint64_t)sino);
	if ((dino = dir_find(nd, nname, &nslot)) >= 0) {
		if (dino == sino)
			return SK_OK;
		dst = node((uint64_t)dino);
		if (is_dir(src) && !is_dir(dst))
			return -SK_E_NOTDIR;
		if (!is_dir(src) && is_dir(dst))
			return -SK_E_ISDIR;
		if (is_dir(dst) && !dir_empty(dst))
			return -SK_E_NOTEMPTY;
		remove_slot(ndir, nslot);
	}
	/* Add the new name first: the old one still holds the inode. */
	if ((e = dir_add(ndir, nname, (uint64_t)sino)) < 0)
		return e;
	od = node(odir);
	free(od->ents[oslot].name);
	od->ents[oslot].name = NULL;
	od->mtime = od->ctime = libfs_now();
	src = node((uint64_t)sino);
	if (is_dir(src) && odir != ndir) {
		src->parent = ndir;
		node(odir)->nlink--;
		node(ndir)->nlink++;
	}
	src->ctime = libfs_now();
	return SK_OK;
}

static int64_t
r_readlink(void *fs, uint64_t ino, char *buf, uint32_t max)
{
	struct rnode *n = node(ino);
	size_t l;

	if (n == NULL)
		return -SK_E_NOENT;
	if ((n->mode & IO_S_IFMT) != IO_S_IFLNK || n->target == NULL)
		return -SK_E_INVAL;
	l = strlen(n->target);
	if (l > max)
		l = max;
	memcpy(buf, n->target, l);
	return (int64_t)l;
}

static int64_t
r_parent(void *fs, uint64_t dir)
{
	struct rnode *d = node(dir);

	if (d == NULL)
		return -SK_E_NOENT;
	if (!is_dir(d))
		return -SK_E_NOTDIR;
	return (int64_t)(d->parent != 0 ? d->parent : dir);
}

/* Whether time a is later than time b. */
static int
time_after(const struct io_time *a, const struct io_time *b)
{
	return a->sec > b->sec || (a->sec == b->sec && a->nsec > b->nsec);
}

/*
 * A read or a directory listing of n: its access time, by relatime's rule
 * without the daily refresh. atime moves to now only when it is not
 * later than mtime or ctime, so reading a file that has not changed
 * since its last read costs no clock read.
 */
static void
accessed(struct rnode *n)
{
	if (time_after(&n->atime, &n->mtime) && time_after(&n->atime, &n->ctime))
		return;
	n->atime = libfs_now();
}

/*
 * Where a read of up to len bytes at off of regular file ino lies in
 * memory: sets *p and returns the byte count (0 at or past the end).
 */
static int64_t
r_span(void *fs, uint64_t ino, uint64_t off, uint32_t len, const void **p)
{
	struct rnode *n = node(ino);

	if (n == NULL)
		return -SK_E_NOENT;
	if ((n->mode & IO_S_IFMT) != IO_S_IFREG)
		return -SK_E_INVAL;
	if (len == 0)
		return 0;
	accessed(n);
	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = (uint32_t)(n->size - off);
	*p = n->data + off;
	return len;
}

static int64_t
r_read(void *fs, uint64_t ino, uint64_t off, void *buf, uint32_t len)
{
	const void *p;
	int64_t r;

	if ((r = r_span(fs, ino, off, len, &p)) > 0)
		memcpy(buf, p, (size_t)r);
	return r;
}

static int64_t
r_write(void *fs, uint64_t ino, uint64_t off, const void *buf, uint32_t len)
{
	struct rnode *n = node(ino);

	if (n == NULL)
		return -SK_E_NOENT;
	if ((n->mode & IO_S_IFMT) != IO_S_IFREG)
		return -SK_E_INVAL;
	return file_write(n, off, buf, len);
}

/* libfs's wspan and wdone: a write received straight into the file. */
static int
r_wspan(void *fs, uint64_t ino, uint64_t off, uint32_t len, void **p)
{
	struct rnode *n = node(ino);
	int e;

	if (n == NULL)
		return -SK_E_NOENT;
	if ((n->mode & IO_S_IFMT) != IO_S_IFREG)
		return -SK_E_INVAL;
	if (off + len < off)
		return -SK_E_FBIG;
	if ((e = file_reserve(n, off + len)) < 0)
		return e;
	*p = n->data + off;
	return SK_OK;
}

static int64_t
r_wdone(void *fs, uint64_t ino, uint64_t off, uint32_t len)
{
	struct rnode *n = node(ino);

	if (off + len > n->size)
		n->size = off + len;
	n->mtime = n->ctime = libfs_now();
	return (int64_t)len;
}

static int
r_truncate(void *fs, uint64_t ino, uint64_t size)
{
	struct io_setattr sa = { .mask = IO_SET_SIZE, .size = size };

	return r_setattr(fs, ino, &sa);
}

static int
r_readdir(void *fs, uint64_t dir, uint64_t cookie, libfs_emit emit, void *ctx)
{
	struct rnode *d = node(dir);

	if (d == NULL)
		return -SK_E_NOENT;
	accessed(d);
	if (cookie == 0) {
		if (emit(ctx, dir, IO_DT_DIR, ".", 1))
			return 1;
		cookie = 1;
	}
	if (cookie == 1) {
		if (emit(ctx, d->parent ? d->parent : dir, IO_DT_DIR, "..", 2))
			return 1;
		cookie = 2;
	}
	for (uint64_t i = cookie - 2; i < d->nents; i++) {
		struct dent *e = &d->ents[i];
		struct rnode *n;

		if (e->name == NULL || (n = node(e->ino)) == NULL)
			continue;
		if (emit(ctx, e->ino, libfs_dtype(n->mode), e->name, i + 3))
			return 1;
	}
	return 0;
}

static int
r_statfs(void *fs, struct io_statfs *st)
{
	uint64_t used = 0, files = 0;

	for (uint64_t i = 0; i < nnodes; i++)
		if (nodes[i].mode != 0) {
			files++;
			used += (nodes[i].dcap + 4095) / 4096;
		}
	memset(st, 0, sizeof(*st));
	st->type = 0x858458f6;
	st->bsize = 4096;
	st->blocks = used + 65536;
	st->bfree = st->bavail = 65536;
	st->files = files + 65536;
	st->ffree = 65536;
	st->namelen = FS_NAME_MAX;
	return SK_OK;
}

static int64_t
r_map(void *fs, uint64_t ino, uint64_t *size)
{
	struct rnode *n = node(ino);
	int64_t h;
	int e;

	if (n == NULL)
		return -SK_E_NOENT;
	if ((n->mode & IO_S_IFMT) != IO_S_IFREG)
		return -SK_E_INVAL;
	if (n->vmo == 0 && (e = file_resize(n, 0)) < 0)
		return e;
	if (n->vmo == 0) {
		/* An empty file still needs an object to map. */
		if ((e = file_resize(n, 1)) < 0)
			return e;
		n->size = 0;
	}
	h = sk_handle_dup(n->vmo, SK_R_READ | SK_R_MAP | SK_R_EXEC | SK_R_DUP | SK_R_TRANSFER);
	if (h < 0)
		return -SK_ERR(h);
	*size = n->size;
	return h;
}

const struct libfs_ops ramfs_ops = {
	.root = 1,
	.lookup = r_lookup,
	.getattr = r_getattr,
	.setattr = r_setattr,
	.create = r_create,
	.symlink = r_symlink,
	.link = r_link,
	.unlink = r_unlink,
	.rename = r_rename,
	.readlink = r_readlink,
	.parent = r_parent,
	.read = r_read,
	.write = r_write,
	.span = r_span,
	.wspan = r_wspan,
	.wdone = r_wdone,
	.truncate = r_truncate,
	.readdir = r_readdir,
	.statfs = r_statfs,
	.map = r_map,
};
