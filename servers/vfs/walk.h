/*
 * Path resolution across mounts. Pure: the file systems are reached
 * through struct vfs_fsops (vfs.h), so tests/host/test_vfs_walk.c runs the
 * walker against an in-memory file system.
 *
 * Rules: paths are absolute (SK_E_INVAL otherwise) and shorter than
 * FS_PATH_MAX (SK_E_NAMETOOLONG), components are split on runs of '/' and
 * at most FS_NAME_MAX bytes long (SK_E_NAMETOOLONG). "." stays, ".." goes
 * to the parent (FS_PARENT inside a file system; from the root of a mount
 * to the parent of its mount point; at the global root it stays). A
 * directory covered by a mount is replaced by the mounted root. Symbolic
 * links are followed (absolute targets restart at the root, relative ones
 * continue in the link's directory), at most VFS_MAXLINKS per walk
 * (SK_E_LOOP), except a final one under WALK_NOFOLLOW. A trailing slash
 * requires a directory (SK_E_NOTDIR) and makes a final symbolic link be
 * followed. A component after a non-directory is SK_E_NOTDIR. Every
 * directory searched needs search (X) permission for cred (SK_E_ACCESS).
 */
#ifndef SERVERS_VFS_WALK_H
#define SERVERS_VFS_WALK_H

#include "servers/vfs/vfs.h"
#include "abi/skiff/proto/vfs.h"

#define WALK_NOFOLLOW	(1u << 0)	/* do not follow a final symbolic link */
#define WALK_ENTRY	(1u << 1)	/* the operation is on the final entry itself
					   (create, remove, rename, link): a final
					   symbolic link with a trailing slash is
					   SK_E_NOTDIR instead of being followed */
#define WALK_REAL	(1u << 2)	/* search permission with the real ids */

enum walk_last {
	WALK_LAST_NAME,		/* the path ends in a name */
	WALK_LAST_DOT,		/* ... in "." */
	WALK_LAST_DOTDOT,	/* ... in ".." */
	WALK_LAST_ROOT,		/* the path has no component: "/" */
};

struct walk_loc {
	int mnt;		/* mount index */
	uint64_t ino;		/* inode in that mount's file system */
};

struct walk_result {
	int found;		/* the final entry exists */
	int last;		/* enum walk_last */
	int slash;		/* the path (after links) ended in '/' */
	int crossed;		/* the final entry is covered by a mount: obj is
				   the mounted root, ent the covered directory */
	/* With last == WALK_LAST_NAME: the directory holding the final name. */
	struct walk_loc dir;
	struct io_stat dirst;
	char name[FS_NAME_MAX + 1];
	/* With found: the final entry as its directory names it ... */
	struct walk_loc ent;
	struct io_stat entst;
	/* ... and what the path names (ent, or the root mounted on it). */
	struct walk_loc obj;
	struct io_stat st;
	/*
	 * The canonical path of obj (no ".", "..", links or repeated
	 * slashes), or when not found, that of dir followed by "/name".
	 */
	char path[FS_PATH_MAX];
	/* Scratch space of the walker. */
	char rem[FS_PATH_MAX];
	char link[FS_PATH_MAX];
};

/*
 * Resolve path for cred. Returns SK_OK with res->found set when it names
 * something, SK_OK with found clear when only the final name is missing
 * from an existing directory (res->dir, dirst, name and path are set for a
 * create), or the SK_E_* code that stopped the walk. Every io_stat in res
 * has dev set from the mount table.
 */
int walk(const struct vfs_fsops *ops, const struct vfs_mtab *mt,
    const struct sk_cred *cred, const char *path, uint32_t flags,
    struct walk_result *res);

/* The length of s if it has a NUL within max bytes, else -1. */
long walk_strnlen(const char *s, size_t max);

#endif
