/*
 * The fs protocol: what vfs asks of a file system server, on inode
 * numbers. libfs (lib/fs/) implements the server side; ramfs, devfs and
 * procfs are written on it.
 *
 * Only vfs (and in-guest tests) may send these: libfs refuses every fs_op
 * unless the badge of the handle used is a service badge (svc.h). vfs has
 * already resolved the path and checked permissions against the caller's
 * kernel-attested credential, and passes the owner for new files; a file
 * system does not check permissions on fs_ops, except search permission
 * on the directories an FS_WALK passes, with the credential vfs forwards
 * in it. Open objects go straight
 * from the client to the file system (io.h), not through vfs.
 *
 * Names travel in the payload, NUL-terminated, at most FS_NAME_MAX bytes
 * before the NUL, never "", "." or ".." (vfs handles those) and never
 * containing '/'. Replies: w0 = result or SK_ERRVAL(code, argno).
 */
#ifndef SKIFF_PROTO_FS_H
#define SKIFF_PROTO_FS_H

#include <stdint.h>
#include <stddef.h>
#include "abi/skiff/cred.h"
#include "abi/skiff/proto/io.h"

#define FS_NAME_MAX	255
#define FS_PATH_MAX	4096	/* symlink targets, whole paths */

enum fs_op {
	FS_ROOT = 0x200,	/* -> w0 = root inode */
	FS_LOOKUP,		/* w0 = dir, payload = name -> w0 = inode,
				   payload = struct io_stat of it */
	FS_GETATTR,		/* w0 = inode -> payload = struct io_stat */
	FS_SETATTR,		/* w0 = inode, payload = struct io_setattr */
	FS_CREATE,		/* w0 = dir, w1 = mode (type and permissions), w2 = uid,
				   w3 = gid, w4 = rdev, w5 = 0 or FS_CREATE_OPEN | IO_O_*
				   flags, payload = name -> w0 = inode; SK_E_EXISTS if
				   taken. Creates regular files, directories, FIFOs,
				   devices. With FS_CREATE_OPEN it also opens the new
				   file as FS_OPEN does with those flags and answers
				   the handle; if that fails, the file stays, the
				   request fails with the open's error. */
	FS_SYMLINK,		/* w0 = dir, w2 = uid, w3 = gid,
				   payload = name NUL target NUL -> w0 = inode */
	FS_LINK,		/* w0 = dir, w1 = inode (not a directory), payload = name */
	FS_UNLINK,		/* w0 = dir, w1 = FS_UNLINK_DIR to remove an empty
				   directory (else it must not be one), payload = name */
	FS_RENAME,		/* w0 = old dir, w1 = new dir,
				   payload = old name NUL new name NUL; replaces the
				   target as rename(2) does (same-type, empty dir rules) */
	FS_READLINK,		/* w0 = inode -> payload = target (no NUL), w0 = length */
	FS_OPEN,		/* w0 = inode, w1 = IO_O_* flags (IO_O_TRUNC honoured)
				   -> handle: the open object (io.h), w0 = 0. With
				   w1 = FS_OPEN_MAP | IO_O_RDONLY: the file's contents
				   as IO_MAP answers them, a read-only memory object,
				   w0 = the file's size, and no open object; a regular
				   file only (SK_E_ACCESS otherwise) */
	FS_STATFS,		/* -> payload = struct io_statfs */
	FS_PARENT,		/* w0 = dir -> w0 = its parent (the root's is itself) */
	FS_WALK,		/* w0 = dir, w1 = root, w2 = FS_WALK_* flags, w3 = n,
				   payload = n uint64_t covered inodes, the caller's
				   credential cut short (FS_WALK_CRED_LEN), the path
				   -> w0 = 0, payload = struct fs_walk_rep. See below. */
};

#define FS_UNLINK_DIR	1
#define FS_CREATE_OPEN	(1ull << 32)	/* FS_CREATE's w5: open what it made */
#define FS_OPEN_MAP	(1u << 30)	/* FS_OPEN's w1: the memory object (exec) */

/*
 * FS_WALK: resolve as much of a path as the file system can on its own,
 * in one request instead of an FS_LOOKUP per component. The path is the
 * rest of a walk vfs is doing, relative to directory w0: it starts with a
 * component (not '/'), components are separated by runs of '/', and it
 * is shorter than FS_PATH_MAX. The credential is the one of vfs's
 * client, as the kernel attested it to vfs: struct sk_cred (cred.h) up
 * to its ngroups groups (at most SK_NGROUPS), FS_WALK_CRED_LEN(ngroups)
 * bytes; search permission is checked with its effective ids, or with
 * the real ids under FS_WALK_REAL, by the rules of lib/fs/perm.h.
 *
 * For each component the file system checks, in this order: the name's
 * length (SK_E_NAMETOOLONG above FS_NAME_MAX), search permission on the
 * directory it is in (SK_E_ACCESS), then "." (stays), ".." (FS_PARENT's
 * answer) or the name's entry (FS_LOOKUP's answer and error). It passes
 * a component, going on with the next, only when that is not the last
 * one and it leads to a directory that is neither a symbolic link nor
 * one of the n covered inodes (vfs sends the directories of this mount
 * that other mounts cover); a ".." passes only when the directory is not
 * root (the mount's root, w1) and the parent is not covered either. It
 * stops:
 *   FS_WALK_ENTRY	with the entry of the next component looked up (a
 *			symbolic link, a covered directory, a non-directory,
 *			or the last component): ino and st are its inode and
 *			attributes;
 *   FS_WALK_ERROR	when the check or lookup of the next component
 *			failed with err (SK_E_ACCESS, SK_E_NOENT, ...);
 *   FS_WALK_STOP	before a next component it leaves to vfs ("." or
 *			".." as the last component, ".." at root or into a
 *			covered directory, or a parent it could not read).
 * In every case off is the offset in the path of that next component
 * (past the components passed and the slashes after them) and dir,
 * dirst the directory it is in (w0 itself when off is 0). The reply's
 * payload is the whole struct fs_walk_rep with FS_WALK_ENTRY and its
 * first FS_WALK_REP_SHORT bytes (without st) with the other stops. The
 * request
 * fails (SK_E_INVAL) on a malformed payload and with the start
 * directory's error if that cannot be read or is no directory.
 */
#define FS_WALK_REAL	(1u << 0)	/* search permission with the real ids */
#define FS_WALK_NCOVER	32		/* at most this many covered inodes */
#define FS_WALK_CRED_LEN(ngroups) (32u + 4u * (uint32_t)(ngroups))

enum fs_walk_stop { FS_WALK_STOP = 0, FS_WALK_ENTRY = 1, FS_WALK_ERROR = 2 };

struct fs_walk_rep {
	uint32_t off;		/* offset of the next component */
	uint32_t stop;		/* enum fs_walk_stop */
	uint32_t err;		/* FS_WALK_ERROR: the SK_E_* code */
	uint32_t _pad;
	uint64_t dir;		/* the directory the next component is in */
	uint64_t ino;		/* FS_WALK_ENTRY: the next component's inode */
	struct io_stat dirst;	/* dir's attributes */
	struct io_stat st;	/* FS_WALK_ENTRY: ino's attributes */
};
_Static_assert(sizeof(struct fs_walk_rep) == 256, "fs_walk_rep layout");
#define FS_WALK_REP_SHORT	((uint32_t)offsetof(struct fs_walk_rep, st))
_Static_assert(FS_WALK_REP_SHORT == 144, "fs_walk_rep without st");
_Static_assert(offsetof(struct sk_cred, groups) == FS_WALK_CRED_LEN(0),
    "FS_WALK credential prefix");

#endif
