/*
 * vfs: the name space server (abi/skiff/proto/vfs.h). This header holds
 * what its pure parts share: the table of file system calls, the mount
 * table and the error convention.
 *
 * The pure parts (mount.c, walk.c, ops*.c) make no system calls: they
 * reach file systems only through struct vfs_fsops, so that
 * tests/host/test_vfs_*.c run them against an in-memory file system. The
 * table that speaks fs.h over IPC is in fsclient.c.
 *
 * Error convention inside vfs: functions return SK_OK (0) or a positive
 * SK_E_* code; only the request handlers turn codes into the encoded
 * SK_ERRVAL(code, argno) of a reply.
 */
#ifndef SERVERS_VFS_VFS_H
#define SERVERS_VFS_VFS_H

#include <stdint.h>
#include <stddef.h>
#ifdef HOST_TEST
#include <string.h>
#else
#include "lib/common/string.h"
#endif
#include "abi/skiff/errors.h"
#include "abi/skiff/cred.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/fs.h"
#include "lib/fs/fswalk.h"

/*
 * The calls vfs makes to file systems (fs.h) and to the pipe server.
 * fs names a file system by its service id. Each returns SK_OK or a
 * positive SK_E_* code; a file system that died or did not answer in
 * time gives SK_E_IO. Stat results are the file system's own; vfs sets
 * their dev field from the mount table.
 */
struct vfs_fsops {
	void *ctx;
	/* Whether vfs can reach file system fs at all. */
	int (*known)(void *ctx, uint32_t fs);
	int (*root)(void *ctx, uint32_t fs, uint64_t *ino);
	int (*lookup)(void *ctx, uint32_t fs, uint64_t dir, const char *name,
	    uint64_t *ino, struct io_stat *st);
	int (*getattr)(void *ctx, uint32_t fs, uint64_t ino, struct io_stat *st);
	int (*parent)(void *ctx, uint32_t fs, uint64_t dir, uint64_t *parent);
	/* Copies at most max bytes of the target (no NUL) and sets *len. */
	int (*readlink)(void *ctx, uint32_t fs, uint64_t ino, char *buf, uint32_t max,
	    uint32_t *len);
	int (*setattr)(void *ctx, uint32_t fs, uint64_t ino, const struct io_setattr *sa);
	int (*create)(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint32_t mode,
	    uint32_t uid, uint32_t gid, uint64_t rdev, uint64_t *ino);
	/*
	 * create, then open the new inode as open does with flags (one
	 * FS_CREATE with FS_CREATE_OPEN); *h is the open object's handle.
	 */
	int (*create_open)(void *ctx, uint32_t fs, uint64_t dir, const char *name,
	    uint32_t mode, uint32_t uid, uint32_t gid, uint32_t flags, uint64_t *h);
	int (*symlink)(void *ctx, uint32_t fs, uint64_t dir, const char *name,
	    const char *target, uint32_t uid, uint32_t gid);
	int (*link)(void *ctx, uint32_t fs, uint64_t dir, uint64_t ino, const char *name);
	int (*unlink)(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint32_t flags);
	int (*rename)(void *ctx, uint32_t fs, uint64_t odir, const char *oname,
	    uint64_t ndir, const char *nname);
	/* Opens ino; *h is the open object's handle, to be passed on. */
	int (*open)(void *ctx, uint32_t fs, uint64_t ino, uint32_t flags, uint64_t *h);
	int (*statfs)(void *ctx, uint32_t fs, struct io_statfs *sfs);
	/* PIPE_FIFO_OPEN: one end of the named pipe with key (dev, ino). */
	int (*fifo_open)(void *ctx, uint64_t dev, uint64_t ino, uint32_t flags, uint64_t *h);
	/*
	 * FS_WALK (in->path, in->cover and in->cred as fs.h sends them).
	 * SK_E_NOSYS, or a NULL walk, when the file system has none: the
	 * walker then asks one component at a time.
	 */
	int (*walk)(void *ctx, uint32_t fs, const struct fswalk_in *in,
	    struct fs_walk_rep *rep);
	/*
	 * FS_OPEN with FS_OPEN_MAP: *h is a read-only memory object with the
	 * contents of regular file ino, *size its size. NULL: SK_E_NOSYS.
	 */
	int (*open_map)(void *ctx, uint32_t fs, uint64_t ino, uint64_t *h, uint64_t *size);
};

/*
 * The mount table. Entry 0 is not special: the root mount is the one
 * without a parent. A mount covers a directory (mp) of its parent mount;
 * mounts stack because a new mount point is resolved through the mounts
 * already there, so at most one mount ever covers a given (parent, mp).
 */
#define VFS_NMOUNT	32
#define VFS_MNT_PATHMAX	256	/* longest mount point path, with the NUL */

struct vfs_mount {
	int used;
	uint32_t fs;		/* the file system: its service id */
	uint64_t root;		/* its root inode */
	int parent;		/* index of the mount it covers, -1 for the root mount */
	uint64_t mp;		/* the covered directory's inode in the parent */
	uint64_t dev;		/* io_stat.dev of every file seen through this mount */
	char path[VFS_MNT_PATHMAX];	/* canonical mount point, for VFS_MOUNTS */
};

/*
 * n is one past the last entry in use, so that the searches a walk makes
 * at every step look at the mounts there are, not at all VFS_NMOUNT.
 * A zeroed table is empty.
 */
struct vfs_mtab {
	struct vfs_mount m[VFS_NMOUNT];
	int n;
};

/* The device number of file system fs: minor = service id, major 0. */
#define VFS_DEV_OF(fs)	((uint64_t)(fs))

/* Index of the root mount, or -1 when nothing is mounted at /. */
int mtab_root(const struct vfs_mtab *mt);
/* Index of the mount covering directory ino of mount mnt, or -1. */
int mtab_covering(const struct vfs_mtab *mt, int mnt, uint64_t ino);
/* Whether (mnt, ino) is the root of mount mnt. */
int mtab_is_root(const struct vfs_mtab *mt, int mnt, uint64_t ino);
/*
 * Add a mount of fs (root inode root) on directory mp of mount parent (-1
 * for the root mount, which must not exist yet). Returns the new index or
 * -SK_E_NOSPC (table full), -SK_E_BUSY (parent -1 but a root exists, or
 * (parent, mp) already covered), -SK_E_INVAL (bad parent),
 * -SK_E_NAMETOOLONG (path too long).
 */
int mtab_add(struct vfs_mtab *mt, uint32_t fs, uint64_t root, int parent,
    uint64_t mp, const char *path);
/* Remove mount idx: SK_E_BUSY if another mount covers a directory of it. */
int mtab_remove(struct vfs_mtab *mt, int idx);
/* Index of the n-th mount in use (counting from 0), or -1. */
int mtab_nth(const struct vfs_mtab *mt, uint32_t n);
/* The name of file system fs for VFS_MOUNTS ("ramfs", ...). */
const char *mtab_fsname(uint32_t fs);

#endif
