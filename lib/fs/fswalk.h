/*
 * The file-system side of FS_WALK (abi/skiff/proto/fs.h): a walk through
 * as many components of a path as a file system can resolve on its own.
 * Pure: the file system is reached through three of its libfs operations,
 * so libfs serves FS_WALK with it and the vfs host tests run the same code
 * against their in-memory file system.
 */
#ifndef LIB_FS_FSWALK_H
#define LIB_FS_FSWALK_H

#include <stdint.h>
#include "abi/skiff/cred.h"
#include "abi/skiff/proto/fs.h"

/*
 * The operations the walk needs, with libfs's contract (libfs.h): results
 * >= 0, errors as negative SK_E_* codes. parent may be NULL.
 */
struct fswalk_ops {
	void *fs;
	int64_t (*lookup)(void *fs, uint64_t dir, const char *name);
	int (*getattr)(void *fs, uint64_t ino, struct io_stat *st);
	int64_t (*parent)(void *fs, uint64_t dir);
};

/* One FS_WALK request, decoded. */
struct fswalk_in {
	uint64_t dir;			/* where the walk starts */
	uint64_t root;			/* ".." here stops the walk */
	uint32_t flags;			/* FS_WALK_* */
	uint32_t ncover;		/* at most FS_WALK_NCOVER */
	const uint64_t *cover;		/* directories other mounts cover */
	const struct sk_cred *cred;	/* search permission is checked for it */
	const char *path;		/* NUL-terminated, see fs.h */
	size_t plen;			/* strlen(path) */
};

/*
 * Walk in->path as fs.h describes and fill *rep. Returns SK_OK, or the
 * SK_E_* code of the request: SK_E_INVAL for a path that does not start
 * with a component, the start directory's getattr error, or SK_E_NOTDIR
 * when it is no directory.
 */
int fswalk(const struct fswalk_ops *o, const struct fswalk_in *in, struct fs_walk_rep *rep);

#endif
