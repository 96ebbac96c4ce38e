/*
 * The fs protocol: what vfs asks of a file system server, on inode
 * numbers. libfs (lib/fs/) implements the server side; ramfs, devfs and
 * procfs are written on it.
 *
 * Only vfs (and in-guest tests) may send these: libfs refuses every fs_op
 * unless the badge of the handle used is a service badge (svc.h). vfs has
 * already resolved the path and checked permissions against the caller's
 * kernel-attested credential, and passes the owner for new files; a file
 * system does not check permissions on fs_ops. Open objects go straight
 * from the client to the file system (io.h), not through vfs.
 *
 * Names travel in the payload, NUL-terminated, at most FS_NAME_MAX bytes
 * before the NUL, never "", "." or ".." (vfs handles those) and never
 * containing '/'. Replies: w0 = result or SK_ERRVAL(code, argno).
 */
#ifndef SKIFF_PROTO_FS_H
#define SKIFF_PROTO_FS_H

#include <stdint.h>
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
				   w3 = gid, w4 = rdev, payload = name -> w0 = inode,
				   payload = struct io_stat; SK_E_EXISTS if taken.
				   Creates regular files, directories, FIFOs, devices. */
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
				   -> handle: the open object (io.h), w0 = 0 */
	FS_STATFS,		/* -> payload = struct io_statfs */
	FS_PARENT,		/* w0 = dir -> w0 = its parent (the root's is itself) */
};

#define FS_UNLINK_DIR	1

#endif
