/*
 * vfs requests on the mount table: mount, umount (both for euid 0 only)
 * and the listing; and vfs_mount_at, which main.c uses at start-up.
 */
#include "servers/vfs/ops.h"
#include "abi/skiff/proto/svc.h"

/* The root inode of fs, checked to be a directory. */
static int
fs_root(struct vfs *v, uint32_t fs, uint64_t *root)
{
	struct io_stat st;
	int e;

	if ((e = v->ops->root(v->ops->ctx, fs, root)) != SK_OK)
		return e;
	if ((e = v->ops->getattr(v->ops->ctx, fs, *root, &st)) != SK_OK)
		return e;
	return VFS_IS_DIR(&st) ? SK_OK : SK_E_NOTDIR;
}

/* Mount fs on the directory path resolves to, with credential c. */
static int
mount_on(struct vfs *v, const struct sk_cred *c, uint32_t fs, const char *path)
{
	struct walk_result *r = &v->wa;
	uint64_t root;
	int e, idx;

	if ((e = walk(v->ops, &v->mt, c, path, 0, r)) != SK_OK)
		return e;
	if (!r->found)
		return SK_E_NOENT;
	if (!VFS_IS_DIR(&r->st))
		return SK_E_NOTDIR;
	if ((e = fs_root(v, fs, &root)) != SK_OK)
		return e;
	idx = mtab_add(&v->mt, fs, root, r->obj.mnt, r->obj.ino, r->path);
	return idx < 0 ? -idx : SK_OK;
}

int
vfs_mount_at(struct vfs *v, uint32_t fs, const char *path)
{
	struct sk_cred root_cred;
	uint64_t root;
	int e, idx;

	memset(&root_cred, 0, sizeof(root_cred));
	if (strcmp(path, "/") != 0)
		return mount_on(v, &root_cred, fs, path);
	if ((e = fs_root(v, fs, &root)) != SK_OK)
		return e;
	idx = mtab_add(&v->mt, fs, root, -1, 0, "/");
	return idx < 0 ? -idx : SK_OK;
}

int64_t
vfs_op_mount(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	const char *path;
	uint32_t next;
	int e;

	if (q->cred.euid != 0)
		return vfs_err(SK_E_PERM, 0);
	if (q->w[0] == SVC_NONE || q->w[0] >= SVC_COUNT ||
	    !v->ops->known(v->ops->ctx, (uint32_t)q->w[0]))
		return vfs_err(SK_E_INVAL, 1);
	if ((e = vfs_str(q, 0, &path, &next)) != SK_OK)
		return vfs_err(e, 0);
	if ((e = mount_on(v, &q->cred, (uint32_t)q->w[0], path)) != SK_OK)
		return vfs_err(e, 0);
	return 0;
}

int64_t
vfs_op_umount(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	struct walk_result *r = &v->wa;
	const char *path;
	uint32_t next;
	int e;

	if (q->cred.euid != 0)
		return vfs_err(SK_E_PERM, 0);
	if ((e = vfs_str(q, 0, &path, &next)) != SK_OK)
		return vfs_err(e, 0);
	if ((e = walk(v->ops, &v->mt, &q->cred, path, 0, r)) != SK_OK)
		return vfs_err(e, 0);
	if (!r->found)
		return vfs_err(SK_E_NOENT, 0);
	if (!mtab_is_root(&v->mt, r->obj.mnt, r->obj.ino))
		return vfs_err(SK_E_INVAL, 0);		/* not a mount point */
	if (v->mt.m[r->obj.mnt].parent < 0)
		return vfs_err(SK_E_BUSY, 0);		/* the root mount */
	if ((e = mtab_remove(&v->mt, r->obj.mnt)) != SK_OK)
		return vfs_err(e, 0);
	return 0;
}

int64_t
vfs_op_mounts(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p)
{
	const struct vfs_mount *m;
	int idx;

	if (q->w[0] >= VFS_NMOUNT || (idx = mtab_nth(&v->mt, (uint32_t)q->w[0])) < 0)
		return vfs_err(SK_E_NOENT, 1);
	m = &v->mt.m[idx];
	p->len = (uint32_t)snprintf(p->buf, sizeof(p->buf), "%s %s", mtab_fsname(m->fs),
	    m->path) + 1;
	return p->len - 1;
}
