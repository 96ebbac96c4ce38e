/*
 * Advisory locks of a file system (abi/skiff/proto/io.h IO_LOCK), as pure
 * logic: a fixed table of byte-range locks, each with its file, kind
 * (flock or record), owner and the open object it was set through. libfs
 * keeps one; tests/host/test_lock.c tests it on the host.
 */
#ifndef LIB_FS_LOCK_H
#define LIB_FS_LOCK_H

#include <stddef.h>
#include <stdint.h>

#define LK_MAX		256
#define LK_END		(~0ull)		/* an end past every offset */

enum lk_kind { LK_FLOCK = 1, LK_RECORD };

struct lk {
	uint64_t ino;
	uint64_t start, end;		/* [start, end) */
	uint64_t owner;			/* open object (flock) or process id */
	uint32_t obj;			/* open object it was set through */
	uint8_t kind;			/* enum lk_kind, 0: free */
	uint8_t type;			/* IO_LK_RD or IO_LK_WR */
};

struct lk_table {
	struct lk l[LK_MAX];
};

/*
 * The first lock of another owner of the same kind on ino that conflicts
 * with a lock of type (IO_LK_RD or IO_LK_WR) over [start, end), or NULL.
 */
const struct lk *lk_conflict(const struct lk_table *t, uint64_t ino, int kind,
    uint64_t owner, int type, uint64_t start, uint64_t end);

/*
 * Set (type IO_LK_RD or IO_LK_WR) or remove (IO_LK_UN) the owner's lock
 * of kind over [start, end) on ino, set through open object obj: the
 * owner's locks there are replaced (split where they stick out). Returns
 * 0, -SK_E_AGAIN on a conflict, -SK_E_LIMIT when the table is full; on an
 * error nothing changed.
 */
int lk_set(struct lk_table *t, uint64_t ino, int kind, uint64_t owner, uint32_t obj,
    int type, uint64_t start, uint64_t end);

/* Open object obj went: every lock set through it goes. Returns how many. */
int lk_drop_obj(struct lk_table *t, uint32_t obj);

#endif
