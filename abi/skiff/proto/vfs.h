/*
 * The vfs protocol: the name space. vfs keeps the mount table, resolves
 * paths across mounts (".", "..", symbolic links with SK_E_LOOP after
 * VFS_MAXLINKS) by asking each file system to walk as much of the path
 * as it can (FS_WALK in fs.h), and checks permissions against the
 * caller's kernel-attested credential (utcb->sender.cred: effective ids,
 * or real ids for
 * VFS_ACCESS without VFS_EACCESS). A message body never carries a uid.
 *
 * Paths travel in the payload, NUL-terminated, at most FS_PATH_MAX bytes
 * with the NUL, and must be absolute: the libos joins relative paths to
 * the canonical path of the current directory or of the directory a
 * dirfd names (VFS_OPEN and VFS_CHDIR return canonical paths).
 * Replies: w0 = result or SK_ERRVAL(code, argno), argno naming the word
 * (1-based) or 0 for the path.
 */
#ifndef SKIFF_PROTO_VFS_H
#define SKIFF_PROTO_VFS_H

#include <stdint.h>
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/fs.h"

#define VFS_MAXLINKS	40

/* Lookup flags (w1 of the calls that take them). */
#define VFS_NOFOLLOW	(1u << 0)	/* do not follow a final symbolic link */
#define VFS_EACCESS	(1u << 1)	/* VFS_ACCESS: use the effective ids */
#define VFS_EMPTY_OK	(1u << 2)	/* reserved */

/*
 * VFS_OPEN flag (w0, with the IO_O_* flags; read-only opens only): open
 * for exec. The open fails with SK_E_ACCESS unless the caller may also
 * execute the file, by the rule VFS_ACCESS X_OK applies (root too needs
 * an x bit), with the effective ids the open checks everything else with,
 * and unless it is a regular file. The handle answered is no open object
 * but the file's contents as IO_MAP gives them (a read-only memory
 * object), w2 is the file's size, and there is no canonical path.
 */
#define VFS_O_EXEC	(1u << 30)
_Static_assert((VFS_O_EXEC & (IO_O_ACCMODE | IO_O_CREAT | IO_O_EXCL | IO_O_NOCTTY |
    IO_O_TRUNC | IO_APPEND | IO_NONBLOCK | IO_O_DIRECTORY | IO_O_NOFOLLOW |
    IO_O_CLOEXEC | IO_O_PATH)) == 0, "VFS_O_EXEC is no IO_O_* flag");

enum vfs_op {
	VFS_OPEN = 0x300,	/* w0 = IO_O_* flags, w1 = mode for IO_O_CREAT (umask
				   already applied), payload = path -> handle: the open
				   object, w0 = 0, w1 = its IO_S_IF* type,
				   payload = the canonical path of what was opened */
	VFS_STAT,		/* w1 = VFS_NOFOLLOW?, payload = path
				   -> payload = struct io_stat */
	VFS_ACCESS,		/* w0 = R_OK 4 | W_OK 2 | X_OK 1 (0: exists),
				   w1 = VFS_EACCESS?, payload = path */
	VFS_MKNOD,		/* w0 = mode (type: dir, fifo, reg, chr, blk; umask
				   applied), w2 = rdev, payload = path */
	VFS_UNLINK,		/* w0 = FS_UNLINK_DIR for rmdir, payload = path */
	VFS_RENAME,		/* payload = old path NUL new path NUL */
	VFS_LINK,		/* w1 = VFS_NOFOLLOW? (of old),
				   payload = old path NUL new path NUL */
	VFS_SYMLINK,		/* payload = target NUL link path NUL */
	VFS_READLINK,		/* payload = path -> payload = target, w0 = length */
	VFS_SETATTR,		/* w1 = VFS_NOFOLLOW?, payload = struct io_setattr
				   then the path (chmod, chown, truncate, utimensat) */
	VFS_CHDIR,		/* payload = path -> payload = canonical path; fails
				   unless a directory the caller may search */
	VFS_STATFS,		/* payload = path -> payload = struct io_statfs */
	VFS_MOUNT,		/* w0 = service id of the file system (svc.h), payload =
				   mount point path (privileged: euid 0) */
	VFS_UMOUNT,		/* payload = mount point path (euid 0) */
	VFS_MOUNTS,		/* w0 = index -> payload = "fsname mountpoint" of
				   entry index; SK_E_NOENT past the end */
};

#endif
