/*
 * Reading cpio "newc" archives (the initial ramdisk) in memory. Pure code
 * with no system calls: tests/host/test_cpio.c runs it on the host.
 */
#ifndef LIB_FS_CPIO_H
#define LIB_FS_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
	const char *name;	/* NUL-terminated, inside the archive */
	uint32_t namelen;	/* without the NUL */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	const void *data;	/* file data or symlink target */
	uint32_t size;
};

enum cpio_err {
	CPIO_OK = 0,
	CPIO_END,		/* the TRAILER!!! entry: no more entries */
	CPIO_TRUNCATED,		/* the archive ends inside an entry */
	CPIO_BADMAGIC,		/* not 070701 / 070702 */
	CPIO_BADFIELD,		/* a header field is not 8 hex digits */
	CPIO_BADNAME,		/* no NUL where the name must end, or empty */
};

/*
 * Parse the entry at *off in the archive a (len bytes) into e and move *off
 * to the next entry. Never reads outside [a, a + len).
 */
int cpio_next(const void *a, size_t len, size_t *off, struct cpio_entry *e);
const char *cpio_strerror(int err);

#endif
