/*
 * vfs requests that change the name space: mknod (and mkdir), unlink
 * (and rmdir), rename, link, symlink. Each resolves the final entry
 * itself (WALK_NOFOLLOW | WALK_ENTRY), checks write and search permission
 * on the directories it changes and the sticky-bit rule on what it
 * removes, then asks the file system.
 */
#include "servers/vfs/ops.h"
#include "abi/skiff/proto/vfs.h"
#include "lib/fs/perm.h"

#define ENTRY_FLAGS	(WALK_NOFOLLOW | WALK_ENTRY)

/* Whether c may add or remove names in directory dirst. */
static int
may_change(const struct sk_cred *c, const struct io_stat *dirst)
{
	return perm_may(c, dirst, PERM_W | PERM_X, 0);
}

/*
 * A new name at path: resolved into r, not there yet, in a directory c
 * may change. A trailing slash is only allowed when dir_ok.
 */
static int
new_name(struct vfs *v, const struct sk_cred *c, const char *path,
    struct walk_result *r, int dir_ok)
{
	int e;

	if ((e = walk(v->ops, &v->mt, c, path, ENTRY_FLAGS, r)) != SK_OK)
		return e;
	if (r->found)
		return SK_E_EXISTS;
	if (r->slash && !dir_ok)
		return SK_E_NOENT;
	if (!may_change(c, &r->dirst))
		return SK_E_ACCESS;
	return SK_OK;
}

int64_t
vfs_op_mknod(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	struct walk_result *r = &v->wa;
	uint32_t mode = (uint32_t)q->w[0], type = mode & IO_S_IFMT, gid;
	uint64_t rdev = 0, ino;
	const char *path;
	uint32_t next;
	int e;

	if ((q->w[0] >> 32) != 0 || (mode & ~(uint32_t)(IO_S_IFMT | 07777)))
		return vfs_err(SK_E_INVAL, 1);
	switch (type) {
	case 0:
		type = IO_S_IFREG;
		break;
	case IO_S_IFREG: case IO_S_IFDIR: case IO_S_IFIFO: case IO_S_IFSOCK:
		break;
	case IO_S_IFCHR: case IO_S_IFBLK:
		if (q->cred.euid != 0)
			return vfs_err(SK_E_PERM, 1);
		rdev = q->w[2];
		break;
	default:
		return vfs_err(SK_E_INVAL, 1);
	}
	mode &= 07777;
	if ((e = vfs_str(q, 0, &path, &next)) != SK_OK)
		return vfs_err(e, 0);
	if ((e = new_name(v, &q->cred, path, r, type == IO_S_IFDIR)) != SK_OK)
		return vfs_err(e, 0);
	gid = vfs_new_gid(&q->cred, &r->dirst);
	if (type == IO_S_IFDIR) {
		if (r->dirst.mode & IO_S_ISGID)
			mode |= IO_S_ISGID;
	} else if ((mode & IO_S_ISGID) && q->cred.euid != 0 &&
	    !perm_in_group(&q->cred, gid)) {
		mode &= ~(uint32_t)IO_S_ISGID;
	}
	e = v->ops->create(v->ops->ctx, vfs_fs(v, r->dir.mnt), r->dir.ino, r->name,
	    type | mode, q->cred.euid, gid, rdev, &ino);
	return e != SK_OK ? vfs_err(e, 0) : 0;
}

int64_t
vfs_op_unlink(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	struct walk_result *r = &v->wa;
	int rmdir = q->w[0] == FS_UNLINK_DIR, e;
	const char *path;
	uint32_t next;

	if (q->w[0] != 0 && !rmdir)
		return vfs_err(SK_E_INVAL, 1);
	if ((e = vfs_str(q, 0, &path, &next)) != SK_OK)
		return vfs_err(e, 0);
	if ((e = walk(v->ops, &v->mt, &q->cred, path, ENTRY_FLAGS, r)) != SK_OK)
		return vfs_err(e, 0);
	if (!r->found)
		return vfs_err(SK_E_NOENT, 0);
	switch (r->last) {
	case WALK_LAST_ROOT:
		return vfs_err(SK_E_BUSY, 0);
	case WALK_LAST_DOT:
		return vfs_err(rmdir ? SK_E_INVAL : SK_E_ISDIR, 0);
	case WALK_LAST_DOTDOT:
		return vfs_err(rmdir ? SK_E_NOTEMPTY : SK_E_ISDIR, 0);
	}
	if (r->crossed)
		return vfs_err(SK_E_BUSY, 0);	/* a mount point */
	if (rmdir && !VFS_IS_DIR(&r->entst))
		return vfs_err(SK_E_NOTDIR, 0);
	if (!rmdir && VFS_IS_DIR(&r->entst))
		return vfs_err(SK_E_ISDIR, 0);
	if (!may_change(&q->cred, &r->dirst))
		return vfs_err(SK_E_ACCESS, 0);
	if (!perm_may_delete(&q->cred, &r->dirst, &r->entst))
		return vfs_err(SK_E_PERM, 0);
	e = v->ops->unlink(v->ops->ctx, vfs_fs(v, r->dir.mnt), r->dir.ino, r->name,
	    rmdir ? FS_UNLINK_DIR : 0);
	return e != SK_OK ? vfs_err(e, 0) : 0;
}

/* The two paths of a request: "a NUL b NUL". */
static int
two_paths(const struct vfs_req *q, const char **a, const char **b)
{
	uint32_t next, end;
	int e;

	if ((e = vfs_str(q, 0, a, &next)) != SK_OK)
		return e;
	return vfs_str(q, next, b, &end);
}

/* An entry that rename may take away or replace: a plain name, no mount point. */
static int
movable(const struct walk_result *r)
{
	if (r->last == WALK_LAST_ROOT)
		return SK_E_BUSY;
	if (r->last != WALK_LAST_NAME)
		return SK_E_INVAL;
	if (r->found && r->crossed)
		return SK_E_BUSY;
	return SK_OK;
}

/*
 * Whether directory dir of file system fs is dir anc or below it: climbs
 * with FS_PARENT to the file system's root (whose parent is itself).
 */
static int
is_below(struct vfs *v, uint32_t fs, uint64_t dir, uint64_t anc, int *below)
{
	for (int n = 0; n < FS_PATH_MAX / 2; n++) {
		uint64_t up;
		int e;

		if (dir == anc) {
			*below = 1;
			return SK_OK;
		}
		if ((e = v->ops->parent(v->ops->ctx, fs, dir, &up)) != SK_OK)
			return e;
		if (up == dir) {
			*below = 0;
			return SK_OK;
		}
		dir = up;
	}
	return SK_E_IO;		/* deeper than any path: a broken file system */
}

int64_t
vfs_op_rename(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	struct walk_result *o = &v->wa, *n = &v->wb;
	const struct sk_cred *c = &q->cred;
	const char *opath, *npath;
	int odir, e, below = 0;

	if ((e = two_paths(q, &opath, &npath)) != SK_OK)
		return vfs_err(e, 0);
	if ((e = walk(v->ops, &v->mt, c, opath, ENTRY_FLAGS, o)) != SK_OK)
		return vfs_err(e, 0);
	if (!o->found)
		return vfs_err(SK_E_NOENT, 0);
	if ((e = movable(o)) != SK_OK)
		return vfs_err(e, 0);
	if ((e = walk(v->ops, &v->mt, c, npath, ENTRY_FLAGS, n)) != SK_OK)
		return vfs_err(e, 0);
	if ((e = movable(n)) != SK_OK)
		return vfs_err(e, 0);
	if (o->dir.mnt != n->dir.mnt)
		return vfs_err(SK_E_XDEV, 0);
	odir = VFS_IS_DIR(&o->entst);
	if (!odir && n->slash)
		return vfs_err(SK_E_NOTDIR, 0);
	if (!may_change(c, &o->dirst) || !may_change(c, &n->dirst))
		return vfs_err(SK_E_ACCESS, 0);
	if (!perm_may_delete(c, &o->dirst, &o->entst))
		return vfs_err(SK_E_PERM, 0);
	if (n->found) {
		if (n->ent.ino == o->ent.ino)
			return 0;	/* two names of one file: nothing to do */
		if (!perm_may_delete(c, &n->dirst, &n->entst))
			return vfs_err(SK_E_PERM, 0);
		if (odir && !VFS_IS_DIR(&n->entst))
			return vfs_err(SK_E_NOTDIR, 0);
		if (!odir && VFS_IS_DIR(&n->entst))
			return vfs_err(SK_E_ISDIR, 0);
	}
	if (odir) {
		/* A directory moving elsewhere rewrites its "..": write permission on it. */
		if (o->dir.ino != n->dir.ino && !perm_may(c, &o->entst, PERM_W, 0))
			return vfs_err(SK_E_ACCESS, 0);
		e = is_below(v, vfs_fs(v, n->dir.mnt), n->dir.ino, o->ent.ino, &below);
		if (e != SK_OK)
			return vfs_err(e, 0);
		if (below)
			return vfs_err(SK_E_INVAL, 0);	/* into its own subtree */
	}
	e = v->ops->rename(v->ops->ctx, vfs_fs(v, o->dir.mnt), o->dir.ino, o->name,
	    n->dir.ino, n->name);
	return e != SK_OK ? vfs_err(e, 0) : 0;
}

int64_t
vfs_op_link(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	struct walk_result *o = &v->wa, *n = &v->wb;
	const char *opath, *npath;
	int e;

	if (q->w[1] & ~(uint64_t)VFS_NOFOLLOW)
		return vfs_err(SK_E_INVAL, 2);
	if ((e = two_paths(q, &opath, &npath)) != SK_OK)
		return vfs_err(e, 0);
	e = walk(v->ops, &v->mt, &q->cred, opath,
	    (q->w[1] & VFS_NOFOLLOW) ? WALK_NOFOLLOW : 0, o);
	if (e == SK_OK && !o->found)
		e = SK_E_NOENT;
	if (e != SK_OK)
		return vfs_err(e, 0);
	if (VFS_IS_DIR(&o->st))
		return vfs_err(SK_E_PERM, 0);
	if ((e = new_name(v, &q->cred, npath, n, 0)) != SK_OK)
		return vfs_err(e, 0);
	if (o->obj.mnt != n->dir.mnt)
		return vfs_err(SK_E_XDEV, 0);
	e = v->ops->link(v->ops->ctx, vfs_fs(v, n->dir.mnt), n->dir.ino, o->obj.ino, n->name);
	return e != SK_OK ? vfs_err(e, 0) : 0;
}

int64_t
vfs_op_symlink(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	struct walk_result *r = &v->wa;
	const char *target, *path;
	int e;

	if ((e = two_paths(q, &target, &path)) != SK_OK)
		return vfs_err(e, 0);
	if (target[0] == '\0')
		return vfs_err(SK_E_NOENT, 0);
	if (strlen(target) >= FS_PATH_MAX)
		return vfs_err(SK_E_NAMETOOLONG, 0);
	if ((e = new_name(v, &q->cred, path, r, 0)) != SK_OK)
		return vfs_err(e, 0);
	e = v->ops->symlink(v->ops->ctx, vfs_fs(v, r->dir.mnt), r->dir.ino, r->name,
	    target, q->cred.euid, vfs_new_gid(&q->cred, &r->dirst));
	return e != SK_OK ? vfs_err(e, 0) : 0;
}
