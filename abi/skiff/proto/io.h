/*
 * The io protocol: operations on an open object (a file, a directory, a
 * terminal, a pipe end, a device). Every server that hands out open
 * objects speaks it: the file systems through libfs, tty, pipe.
 *
 * An open object is an endpoint handle the server minted with
 * SK_MINT_NOTIFY; its badge names the open object in the server. dup and
 * fork copy the handle, so every copy shares the object's file position
 * and status flags exactly as Linux file descriptions do. When the last
 * copy is gone the server gets SK_LABEL_CLOSED for the badge and frees
 * the open object (for a pipe end: readers see end of file, writers
 * EPIPE).
 *
 * Requests: the tag's label is an io_op; scalar arguments in w0..w5; data
 * to the server in the payload. Replies: label 0, w0 = the result (>= 0)
 * or SK_ERRVAL(code, argno) naming the bad word (1-based, 0 for none);
 * data from the server in the payload (into the caller's rcv_buf).
 * A server checks every word and length and answers a request it does not
 * understand with SK_E_NOSYS; bad input fails that one request only.
 *
 * Nothing blocks inside a server: a read or write that cannot make
 * progress answers SK_E_AGAIN. The client then arms readiness with
 * IO_POLL, giving a notification, and waits on it (with its signal
 * notification, which makes every wait interruptible).
 *
 * A server may keep the notification an IO_POLL gave after it has
 * signalled it, as the sending process's registration on that object.
 * A read or write with IO_RW_ARM in w2 that cannot make progress then
 * arms the registration in the same request: the answer is SK_E_AGAIN
 * with w1 = IO_ARMED, and the client waits without an IO_POLL. Any other
 * w1 with SK_E_AGAIN (no registration, or a server that does not keep
 * them) means nothing was armed and the client arms with IO_POLL.
 */
#ifndef SKIFF_PROTO_IO_H
#define SKIFF_PROTO_IO_H

#include <stdint.h>

#define IO_CHUNK	(60u * 1024)	/* largest read or write per request */
#define IO_OFF_CUR	(~0ull)		/* use (and advance) the file position */
#define IO_RW_ARM	1ull		/* IO_READ/IO_WRITE w2: arm on SK_E_AGAIN */
#define IO_ARMED	0x44454d5241ull	/* w1 of an SK_E_AGAIN that armed */

/*
 * IO_WHO: a read or write of a terminal may say who asks, w3 = the
 * caller's process group and w4 its session (both 0: not said, and
 * every other server ignores them). A terminal that is the controlling
 * terminal of that session and has another foreground group answers
 * SK_E_BACKGROUND to a read, and to a write when TOSTOP is set, so the
 * caller's library OS can stop it with SIGTTIN or SIGTTOU as Linux
 * would. The words are the caller's word about itself: they only decide
 * whether it is asked to stop.
 */

enum io_op {
	IO_READ = 0x100,	/* w0 = max bytes (<= IO_CHUNK), w1 = offset or IO_OFF_CUR,
				   w2 = 0 or IO_RW_ARM, w3 and w4 see IO_WHO below
				   -> w0 = bytes, payload = the data; 0 at end of file */
	IO_WRITE,		/* payload = data, w1 = offset or IO_OFF_CUR (ignored
				   with IO_APPEND), w2 = 0 or IO_RW_ARM, w3 and w4 see
				   IO_WHO below -> w0 = bytes written (may be short) */
	IO_SEEK,		/* w0 = offset (int64), w1 = IO_SEEK_* -> w0 = new position */
	IO_STAT,		/* -> payload = struct io_stat */
	IO_READDIR,		/* w0 = max bytes -> payload = struct io_dirent records
				   from the file position on, which advances; w0 = bytes,
				   0 at the end */
	IO_SETATTR,		/* payload = struct io_setattr (checked against the
				   sender's credential) */
	IO_TRUNCATE,		/* w0 = new size */
	IO_FSYNC,
	IO_GETFL,		/* -> w0 = IO_O_* status and access flags */
	IO_SETFL,		/* w0 = new IO_APPEND | IO_NONBLOCK bits */
	IO_IOCTL,		/* w0 = Linux ioctl command, w1 = the integer argument,
				   payload = the argument structure going in -> w0 = result,
				   payload = the argument structure coming out */
	IO_POLL,		/* w0 = IO_POLL* events wanted, w1 = notification bits;
				   optional handle: a notification -> w0 = events ready
				   now. If none is ready and a notification came, the
				   server keeps it and signals the bits once, when one
				   becomes ready (replacing any earlier one the same
				   process armed on this object); it may keep it
				   afterwards for IO_RW_ARM (see above). */
	IO_MAP,			/* -> handle: a read-only memory object with the file's
				   contents (for exec and private mappings), w0 = size */
	IO_STATFS,		/* -> payload = struct io_statfs */
	IO_LOCK,		/* advisory locks, see below: w0 = IO_LK_GET or
				   IO_LK_SET, w1 = IO_LK_RD, IO_LK_WR or IO_LK_UN,
				   w2 = start, w3 = length (0: to the end of the file),
				   w4 = the owner: IO_LK_FLOCK for a whole-file lock
				   of this open object (flock), else a process id for
				   a record lock (fcntl) -> IO_LK_SET: 0, or
				   SK_E_AGAIN while another owner's lock conflicts;
				   IO_LK_GET: w0 = IO_LK_UN when nothing conflicts,
				   else the conflicting lock's type with w1 = start,
				   w2 = length, w3 = its process id (0 for flock) */
};

/*
 * Advisory locks (IO_LOCK) are kept by the file system, per file. Locks
 * of different owners conflict when they overlap and one is a write lock;
 * flock locks and record locks never meet (as on Linux). A flock lock
 * belongs to the open object and goes with its last handle; a record
 * lock belongs to the process id the request names and also goes when
 * the open object it was set through goes. The process id is the
 * caller's word: advisory locks are a cooperation between processes,
 * not a protection. Requests never block: a library OS waits for a
 * blocking lock by trying again.
 */
#define IO_LK_GET	0
#define IO_LK_SET	1
#define IO_LK_RD	0
#define IO_LK_WR	1
#define IO_LK_UN	2
#define IO_LK_FLOCK	(~0ull)

enum io_seek { IO_SEEK_SET = 0, IO_SEEK_CUR = 1, IO_SEEK_END = 2 };

/* Open flags: the values are Linux's, so the libos passes them through. */
#define IO_O_ACCMODE	0003
#define IO_O_RDONLY	0000
#define IO_O_WRONLY	0001
#define IO_O_RDWR	0002
#define IO_O_CREAT	0100
#define IO_O_EXCL	0200
#define IO_O_NOCTTY	0400
#define IO_O_TRUNC	01000
#define IO_APPEND	02000
#define IO_NONBLOCK	04000
#define IO_O_DIRECTORY	0200000
#define IO_O_NOFOLLOW	0400000
#define IO_O_CLOEXEC	02000000
#define IO_O_PATH	010000000

/* Poll events: Linux's values. */
#define IO_POLLIN	0x001
#define IO_POLLPRI	0x002
#define IO_POLLOUT	0x004
#define IO_POLLERR	0x008
#define IO_POLLHUP	0x010
#define IO_POLLNVAL	0x020
/*
 * Skiff's own: the other side of a FIFO is there (for a reader: a writer
 * has it open, or opened it since this end was opened; for a writer: the
 * same for readers). A library OS waits for it to give Linux's blocking
 * FIFO opens. Only asked for, never reported unasked.
 */
#define IO_POLLPEER	0x10000

/* File types and permission bits in io_stat.mode: Linux's values. */
#define IO_S_IFMT	0170000
#define IO_S_IFSOCK	0140000
#define IO_S_IFLNK	0120000
#define IO_S_IFREG	0100000
#define IO_S_IFBLK	0060000
#define IO_S_IFDIR	0040000
#define IO_S_IFCHR	0020000
#define IO_S_IFIFO	0010000
#define IO_S_ISUID	04000
#define IO_S_ISGID	02000
#define IO_S_ISVTX	01000

struct io_time {
	int64_t sec;
	uint32_t nsec;
	uint32_t _pad;
};

struct io_stat {
	uint64_t dev;		/* the file system (its service id and instance) */
	uint64_t ino;
	uint32_t mode;		/* type and permissions */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t rdev;		/* for device files: (major << 8) | minor, Linux style */
	uint64_t size;
	uint64_t blocks;	/* 512-byte units */
	uint32_t blksize;
	uint32_t _pad;
	struct io_time atime, mtime, ctime;
};
_Static_assert(sizeof(struct io_stat) == 112, "io_stat layout");

/*
 * A directory entry: the layout of Linux's struct linux_dirent64 on
 * purpose, so the libos copies records straight to getdents64. reclen is
 * a multiple of 8; name is NUL-terminated; off is the directory position
 * after this entry.
 */
struct io_dirent {
	uint64_t ino;
	uint64_t off;
	uint16_t reclen;
	uint8_t type;		/* IO_DT_* */
	char name[];
};
_Static_assert(sizeof(struct io_dirent) == 24, "io_dirent header layout");
enum io_dt {
	IO_DT_UNKNOWN = 0, IO_DT_FIFO = 1, IO_DT_CHR = 2, IO_DT_DIR = 4,
	IO_DT_BLK = 6, IO_DT_REG = 8, IO_DT_LNK = 10, IO_DT_SOCK = 12
};

/* What IO_SETATTR and FS_SETATTR change: the fields named in mask. */
#define IO_SET_MODE	(1u << 0)	/* permission bits only (07777) */
#define IO_SET_UID	(1u << 1)
#define IO_SET_GID	(1u << 2)
#define IO_SET_SIZE	(1u << 3)
#define IO_SET_ATIME	(1u << 4)
#define IO_SET_MTIME	(1u << 5)
#define IO_SET_ATIME_NOW (1u << 6)	/* the server's clock instead of atime */
#define IO_SET_MTIME_NOW (1u << 7)
struct io_setattr {
	uint32_t mask;
	uint32_t mode;
	uint32_t uid, gid;
	uint64_t size;
	struct io_time atime, mtime;
};
_Static_assert(sizeof(struct io_setattr) == 56, "io_setattr layout");

struct io_statfs {
	uint64_t type;		/* Linux f_type magic (e.g. 0x858458f6 ramfs) */
	uint64_t bsize;
	uint64_t blocks, bfree, bavail;
	uint64_t files, ffree;
	uint64_t namelen;
	uint64_t flags;
};
_Static_assert(sizeof(struct io_statfs) == 72, "io_statfs layout");

#endif
