/*
 * libfs: the userland VFS API. A file system server is a table of
 * operations on inode numbers; libfs runs the receive loop, decodes and
 * checks the fs protocol (abi/skiff/proto/fs.h, from vfs) and the io
 * protocol (abi/skiff/proto/io.h, from clients holding open objects),
 * keeps the open-object table (badges, positions, flags, close notices)
 * and answers. The operations never see a message.
 *
 * Contract for operations: they return SK_OK / a value >= 0, or an SK_E_*
 * code as a negative number (-SK_E_NOENT). Names are NUL-terminated, at
 * most FS_NAME_MAX bytes, never "", "." or "..", never containing '/'.
 * vfs has checked permissions for name-space operations; libfs checks
 * the rest (access modes of open objects, setattr on open objects).
 * Operations may be NULL where a file system has no such thing
 * (SK_E_NOTSUP, or SK_E_ROFS for the changing ones).
 */
#ifndef LIB_FS_LIBFS_H
#define LIB_FS_LIBFS_H

#include "sk.h"
#include "abi/skiff/proto/fs.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/svc.h"

/* readdir's callback: one entry; returns 0 to go on, 1 when the buffer is full. */
typedef int (*libfs_emit)(void *ctx, uint64_t ino, uint8_t type, const char *name,
    uint64_t next_cookie);

struct libfs_ops {
	uint64_t root;				/* the root directory's inode */
	int64_t (*lookup)(void *fs, uint64_t dir, const char *name);	/* -> inode */
	int (*getattr)(void *fs, uint64_t ino, struct io_stat *st);
	int (*setattr)(void *fs, uint64_t ino, const struct io_setattr *sa);
	int64_t (*create)(void *fs, uint64_t dir, const char *name, uint32_t mode,
	    uint32_t uid, uint32_t gid, uint64_t rdev);			/* -> inode */
	int64_t (*symlink)(void *fs, uint64_t dir, const char *name, const char *target,
	    uint32_t uid, uint32_t gid);				/* -> inode */
	int (*link)(void *fs, uint64_t dir, const char *name, uint64_t ino);
	int (*unlink)(void *fs, uint64_t dir, const char *name, int isdir);
	int (*rename)(void *fs, uint64_t odir, const char *oname, uint64_t ndir,
	    const char *nname);
	int64_t (*readlink)(void *fs, uint64_t ino, char *buf, uint32_t max);	/* -> length */
	int64_t (*parent)(void *fs, uint64_t dir);			/* -> inode */
	/* Data. read may answer -SK_E_AGAIN (nothing yet: devices). */
	int64_t (*read)(void *fs, uint64_t ino, uint64_t off, void *buf, uint32_t n);
	int64_t (*write)(void *fs, uint64_t ino, uint64_t off, const void *buf, uint32_t n);
	/*
	 * Optional: a read answered straight from the file system's memory.
	 * Sets *p to where the bytes of ino from off lie and returns how many
	 * of the n asked for are there (0 at or past the end of the file),
	 * doing what read would besides (access times). The bytes must stay
	 * in place until the next request, which is after the reply has gone
	 * out. -SK_E_NOTSUP sends this one request to read instead.
	 */
	int64_t (*span)(void *fs, uint64_t ino, uint64_t off, uint32_t n, const void **p);
	/*
	 * Optional, both or neither: a write received straight into the
	 * file system's memory. wspan makes room for bytes [off, off + n) of
	 * regular file ino (the checks and limits of write) and sets *p to
	 * where they lie, with zeros at and past the file's size, changing
	 * nothing a client can see. libfs then copies the request's payload
	 * there, all of it or nothing, and calls wdone, which makes the
	 * bytes part of the file as write does (the size, the times) and
	 * returns n. Without a wdone (the copy failed) the file is as it was.
	 */
	int (*wspan)(void *fs, uint64_t ino, uint64_t off, uint32_t n, void **p);
	int64_t (*wdone)(void *fs, uint64_t ino, uint64_t off, uint32_t n);
	int (*truncate)(void *fs, uint64_t ino, uint64_t size);
	/* Entries from cookie on (0: the first); "." and ".." are the fs's to
	   give. Returns 1 when emit said the buffer is full, 0 at the end. */
	int (*readdir)(void *fs, uint64_t dir, uint64_t cookie, libfs_emit emit, void *ctx);
	int (*statfs)(void *fs, struct io_statfs *st);
	/* Optional: a read-only memory object with the file's contents. */
	int64_t (*map)(void *fs, uint64_t ino, uint64_t *size);	/* -> handle */
	/*
	 * Optional: open hook. Returns a handle to an open object some other
	 * server made (devfs: the terminal), 0 to let libfs make one, or an
	 * error.
	 */
	int64_t (*open)(void *fs, uint64_t ino, uint32_t flags);
	/* Optional: IO_IOCTL on an open object (default SK_E_NOTTY). */
	int64_t (*ioctl)(void *fs, uint64_t ino, uint64_t cmd, uint64_t arg,
	    const void *in, uint32_t in_len, void *out, uint32_t *out_len);
	/* Whether data has a position (regular files, directories) or not. */
	int (*seekable)(void *fs, uint64_t ino);
};

/*
 * Serve file system fs with ops on endpoint ep (with every right) forever.
 * Touches its tables first so that later requests find their pages.
 */
void libfs_serve(void *fs, const struct libfs_ops *ops, sk_handle_t ep)
    __attribute__((noreturn));

/* The current time for attributes, as libfs and file systems use it. */
struct io_time libfs_now(void);

/* The IO_DT_* type of a mode. */
uint8_t libfs_dtype(uint32_t mode);

#endif
