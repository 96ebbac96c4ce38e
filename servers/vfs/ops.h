/*
 * The vfs requests (abi/skiff/proto/vfs.h), one function each. Pure: a
 * request comes in as struct vfs_req (already received, its sender's
 * credential copied), the answer goes out as struct vfs_rep, and file
 * systems are reached through the vfs_fsops table, so the host tests run
 * these functions against an in-memory file system.
 */
#ifndef SERVERS_VFS_OPS_H
#define SERVERS_VFS_OPS_H

#include "servers/vfs/walk.h"

/* The largest request payload: VFS_RENAME's two paths with their NULs. */
#define VFS_REQ_MAX	(2 * FS_PATH_MAX)
/* The largest reply payload: a canonical path or a link target, NUL included. */
#define VFS_REP_MAX	FS_PATH_MAX

struct vfs_req {
	uint32_t label;
	uint64_t w[6];
	const char *buf;	/* payload, len bytes */
	uint32_t len;
	struct sk_cred cred;	/* the sender's, as the kernel attested it */
};

struct vfs_rep {
	int64_t w0;		/* result or SK_ERRVAL(code, argno) */
	uint64_t w1, w2;
	uint32_t len;		/* payload bytes in buf */
	int has_h;		/* h is a handle to move to the client */
	uint64_t h;
	char buf[VFS_REP_MAX];
};

struct vfs {
	const struct vfs_fsops *ops;
	struct vfs_mtab mt;
	struct walk_result wa, wb;	/* scratch for the running request */
};

/* Answer request q in p (p is cleared first). */
void vfs_handle(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);

/*
 * Mount file system fs at path with root's authority: "/" makes it the
 * root mount. Returns SK_OK or the SK_E_* code (SK_E_NOENT or
 * SK_E_NOTDIR when the mount point is missing).
 */
int vfs_mount_at(struct vfs *v, uint32_t fs, const char *path);

/* Helpers shared by ops*.c. */
int64_t vfs_err(int code, int argno);
/*
 * The NUL-terminated string at offset off of q's payload: *s and the
 * offset just past its NUL in *next. SK_E_INVAL when there is no NUL
 * before the payload ends.
 */
int vfs_str(const struct vfs_req *q, uint32_t off, const char **s, uint32_t *next);
/* Put s (with its NUL) in p's payload. */
void vfs_rep_str(struct vfs_rep *p, const char *s);
/* The gid of a new file in directory dirst (set-group-ID directories pass theirs on). */
uint32_t vfs_new_gid(const struct sk_cred *c, const struct io_stat *dirst);
/* The file system of mount mnt. */
uint32_t vfs_fs(const struct vfs *v, int mnt);

int64_t vfs_op_mknod(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);
int64_t vfs_op_unlink(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);
int64_t vfs_op_rename(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);
int64_t vfs_op_link(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);
int64_t vfs_op_symlink(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);
int64_t vfs_op_mount(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);
int64_t vfs_op_umount(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);
int64_t vfs_op_mounts(struct vfs *v, const struct vfs_req *q, struct vfs_rep *p);

#define VFS_IS_DIR(st)	(((st)->mode & IO_S_IFMT) == IO_S_IFDIR)
#define VFS_TYPE(st)	((st)->mode & IO_S_IFMT)

#endif
