/*
 * libfs: the receive loop, the open-object table and the decoding of the
 * fs and io protocols (see libfs.h). Single-threaded: one request at a
 * time, never blocking.
 */
#include "lib/fs/libfs.h"
#include "lib/fs/perm.h"
#include "lib/fs/fswalk.h"
#include "lib/fs/lock.h"

#define MAX_OPEN	1024
#define BADGE_IDX(b)	((uint32_t)((b) & 0xfffff))
#define BADGE_GEN(b)	((uint32_t)(((b) >> 20) & 0xfffff))
#define BADGE_INST(b)	((uint32_t)(((b) >> 40) & 0xffff))

struct ofile {
	uint64_t ino;
	uint64_t pos;
	uint32_t flags;		/* IO_O_ACCMODE bits, IO_APPEND, IO_NONBLOCK */
	uint32_t gen;		/* bumped at every reuse of the slot */
	uint32_t type;		/* IO_S_IFMT bits of the inode when opened */
	int used;
};

static struct ofile ofiles[MAX_OPEN];
static struct lk_table locks;	/* advisory locks of every file (io.h IO_LOCK) */
static uint32_t instance;	/* tells this run's badges from an earlier run's */
/*
 * Requests come into rbuf whole when their payload has at most RCV_INLINE
 * bytes; a longer one is deferred (SK_RCV_DEFER) and pulled: a write
 * straight into the file system's memory when it has wspan, anything else
 * into rbuf. Below this size a copy out of rbuf costs less than the pull.
 */
#define RCV_INLINE	2048
static char rbuf[SK_MSG_PAYLOAD_MAX + 1] __attribute__((aligned(16)));
static char sbuf[SK_MSG_PAYLOAD_MAX] __attribute__((aligned(16)));

struct reply {
	uint32_t len;		/* bytes of the payload to send */
	const void *buf;	/* the payload: sbuf when NULL */
	sk_handle_t h;		/* a handle to send, or 0 */
};

struct io_time
libfs_now(void)
{
	uint64_t ns = (uint64_t)sk_clock_real();
	struct io_time t = { (int64_t)(ns / 1000000000ull), (uint32_t)(ns % 1000000000ull), 0 };

	return t;
}

uint8_t
libfs_dtype(uint32_t mode)
{
	switch (mode & IO_S_IFMT) {
	case IO_S_IFREG:	return IO_DT_REG;
	case IO_S_IFDIR:	return IO_DT_DIR;
	case IO_S_IFLNK:	return IO_DT_LNK;
	case IO_S_IFCHR:	return IO_DT_CHR;
	case IO_S_IFBLK:	return IO_DT_BLK;
	case IO_S_IFIFO:	return IO_DT_FIFO;
	case IO_S_IFSOCK:	return IO_DT_SOCK;
	default:		return IO_DT_UNKNOWN;
	}
}

/* The open object a badge names, or NULL. */
static struct ofile *
ofile_of(uint64_t badge)
{
	struct ofile *o;

	if (!(badge & SK_BADGE_NOTIFY) || BADGE_INST(badge) != instance)
		return NULL;
	if (BADGE_IDX(badge) >= MAX_OPEN)
		return NULL;
	o = &ofiles[BADGE_IDX(badge)];
	return o->used && o->gen == BADGE_GEN(badge) ? o : NULL;
}

/* The name in the first len bytes of rbuf at off; NULL if malformed. */
static const char *
name_at(uint32_t off, uint32_t len, uint32_t *next)
{
	const char *s = rbuf + off;
	uint32_t n = 0;

	while (off + n < len && s[n] != '\0' && n <= FS_NAME_MAX)
		n++;
	if (off + n >= len || s[n] != '\0' || n == 0 || n > FS_NAME_MAX)
		return NULL;
	if (memchr(s, '/', n) != NULL || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return NULL;
	if (next != NULL)
		*next = off + n + 1;
	return s;
}

#define NEED(op)	do { if (ops->op == NULL) return -SK_E_NOTSUP; } while (0)
#define NEEDW(op)	do { if (ops->op == NULL) return -SK_E_ROFS; } while (0)

static int64_t
stat_reply(void *fs, const struct libfs_ops *ops, uint64_t ino, struct reply *rp)
{
	int e;

	if ((e = ops->getattr(fs, ino, (struct io_stat *)sbuf)) < 0)
		return e;
	rp->len = sizeof(struct io_stat);
	return (int64_t)ino;
}

static int64_t
fs_open(void *fs, const struct libfs_ops *ops, sk_handle_t ep, uint64_t ino, uint32_t flags,
    struct reply *rp)
{
	struct io_stat st;
	int64_t r;
	int e;

	if ((e = ops->getattr(fs, ino, &st)) < 0)
		return e;
	if ((flags & IO_O_ACCMODE) == 3)
		return -SK_E_INVAL;
	if (flags & FS_OPEN_MAP) {
		uint64_t size = 0;

		/* The file's memory object in place of an open object. */
		if (flags != (FS_OPEN_MAP | IO_O_RDONLY))
			return -SK_E_INVAL;
		if ((st.mode & IO_S_IFMT) != IO_S_IFREG)
			return -SK_E_ACCESS;
		if (ops->map == NULL)
			return -SK_E_NOSYS;
		if ((r = ops->map(fs, ino, &size)) < 0)
			return r;
		rp->h = (sk_handle_t)r;
		return (int64_t)size;
	}
	if (ops->open != NULL) {
		if ((r = ops->open(fs, ino, flags)) < 0)
			return r;
		if (r > 0) {
			rp->h = (sk_handle_t)r;
			return 0;
		}
	}
	if ((flags & IO_O_TRUNC) && (st.mode & IO_S_IFMT) == IO_S_IFREG &&
	    (flags & IO_O_ACCMODE) != IO_O_RDONLY && ops->truncate != NULL &&
	    (e = ops->truncate(fs, ino, 0)) < 0)
		return e;
	for (uint32_t i = 0; i < MAX_OPEN; i++) {
		struct ofile *o = &ofiles[i];
		uint64_t badge;

		if (o->used)
			continue;
		o->gen = (o->gen + 1) & 0xfffff;
		/* The kernel adds SK_BADGE_NOTIFY itself. */
		badge = ((uint64_t)instance << 40) | ((uint64_t)o->gen << 20) | i;
		r = sk_ep_mint_notify(ep, badge, SK_R_SEND | SK_R_DUP | SK_R_TRANSFER);
		if (r < 0)
			return -SK_ERR(r);
		o->used = 1;
		o->ino = ino;
		o->pos = 0;
		o->flags = flags & (IO_O_ACCMODE | IO_APPEND | IO_NONBLOCK | IO_O_DIRECTORY);
		o->type = st.mode & IO_S_IFMT;
		rp->h = (sk_handle_t)r;
		return 0;
	}
	return -SK_E_LIMIT;
}

/*
 * FS_WALK: decode the request in the first len bytes of rbuf (fs.h) and
 * walk with ops.
 */
static int64_t
fs_walk(void *fs, const struct libfs_ops *ops, const struct sk_msg *m, uint32_t len,
    struct reply *rp)
{
	struct fswalk_ops wo = { fs, ops->lookup, ops->getattr, ops->parent };
	struct fs_walk_rep *rep = (struct fs_walk_rep *)sbuf;
	const struct sk_cred *cred;
	struct fswalk_in in;
	uint32_t off, ng, clen;
	int e;

	if ((m->w[2] & ~(uint64_t)FS_WALK_REAL) != 0 || m->w[3] > FS_WALK_NCOVER)
		return -SK_E_INVAL;
	in.dir = m->w[0];
	in.root = m->w[1];
	in.flags = (uint32_t)m->w[2];
	in.ncover = (uint32_t)m->w[3];
	in.cover = (const uint64_t *)rbuf;	/* rbuf is aligned */
	off = in.ncover * (uint32_t)sizeof(uint64_t);
	if (len < off + FS_WALK_CRED_LEN(0))
		return -SK_E_INVAL;
	/*
	 * The credential is read where it lies (rbuf is aligned, off a
	 * multiple of 8): the permission rules read no group at or past
	 * ngroups, so its cut-off tail is never looked at.
	 */
	cred = (const struct sk_cred *)(rbuf + off);
	if ((ng = cred->ngroups) > SK_NGROUPS)
		return -SK_E_INVAL;
	clen = FS_WALK_CRED_LEN(ng);
	if (len < off + clen + 1)
		return -SK_E_INVAL;
	off += clen;
	/* The path ends at its NUL, which must be the payload's last byte. */
	if (rbuf[len - 1] != '\0' || strlen(rbuf + off) != len - off - 1 ||
	    len - off > FS_PATH_MAX)
		return -SK_E_INVAL;
	in.cred = cred;
	in.path = rbuf + off;
	in.plen = len - off - 1;
	if ((e = fswalk(&wo, &in, rep)) != SK_OK)
		return -e;
	rp->len = rep->stop == FS_WALK_ENTRY ? sizeof(*rep) : FS_WALK_REP_SHORT;
	return 0;
}

/* One fs.h request from vfs (or a test). */
static int64_t
fs_request(void *fs, const struct libfs_ops *ops, sk_handle_t ep, uint32_t label,
    const struct sk_msg *m, uint32_t len, struct reply *rp)
{
	const char *a, *b;
	uint32_t next;
	int64_t r;

	switch (label) {
	case FS_ROOT:
		return (int64_t)ops->root;
	case FS_LOOKUP:
		if ((a = name_at(0, len, NULL)) == NULL)
			return -SK_E_INVAL;
		if ((r = ops->lookup(fs, m->w[0], a)) < 0)
			return r;
		return stat_reply(fs, ops, (uint64_t)r, rp);
	case FS_GETATTR:
		r = stat_reply(fs, ops, m->w[0], rp);
		return r < 0 ? r : 0;
	case FS_SETATTR:
		NEEDW(setattr);
		if (len != sizeof(struct io_setattr))
			return -SK_E_INVAL;
		return ops->setattr(fs, m->w[0], (const struct io_setattr *)rbuf);
	case FS_CREATE:
		NEEDW(create);
		if ((a = name_at(0, len, NULL)) == NULL)
			return -SK_E_INVAL;
		if (m->w[5] != 0 && ((m->w[5] & ~0xffffffffull) != FS_CREATE_OPEN ||
		    (m->w[5] & FS_OPEN_MAP)))
			return -SK_E_INVAL;
		if ((r = ops->create(fs, m->w[0], a, (uint32_t)m->w[1], (uint32_t)m->w[2],
		    (uint32_t)m->w[3], m->w[4])) < 0)
			return r;
		if (m->w[5] & FS_CREATE_OPEN) {
			int64_t e = fs_open(fs, ops, ep, (uint64_t)r, (uint32_t)m->w[5], rp);

			if (e < 0)
				return e;
		}
		return r;
	case FS_SYMLINK:
		NEEDW(symlink);
		if ((a = name_at(0, len, &next)) == NULL || next >= len)
			return -SK_E_INVAL;
		b = rbuf + next;
		if (memchr(b, '\0', len - next) == NULL || b[0] == '\0' ||
		    strlen(b) >= FS_PATH_MAX)
			return -SK_E_INVAL;
		return ops->symlink(fs, m->w[0], a, b, (uint32_t)m->w[2], (uint32_t)m->w[3]);
	case FS_LINK:
		NEEDW(link);
		if ((a = name_at(0, len, NULL)) == NULL)
			return -SK_E_INVAL;
		return ops->link(fs, m->w[0], a, m->w[1]);
	case FS_UNLINK:
		NEEDW(unlink);
		if ((a = name_at(0, len, NULL)) == NULL || m->w[1] > FS_UNLINK_DIR)
			return -SK_E_INVAL;
		return ops->unlink(fs, m->w[0], a, m->w[1] == FS_UNLINK_DIR);
	case FS_RENAME:
		NEEDW(rename);
		if ((a = name_at(0, len, &next)) == NULL || (b = name_at(next, len, NULL)) == NULL)
			return -SK_E_INVAL;
		return ops->rename(fs, m->w[0], a, m->w[1], b);
	case FS_READLINK:
		NEED(readlink);
		if ((r = ops->readlink(fs, m->w[0], sbuf, FS_PATH_MAX)) < 0)
			return r;
		rp->len = (uint32_t)r;
		return r;
	case FS_OPEN:
		if (m->w[1] >> 32)
			return -SK_E_INVAL;
		return fs_open(fs, ops, ep, m->w[0], (uint32_t)m->w[1], rp);
	case FS_STATFS:
		NEED(statfs);
		if ((r = ops->statfs(fs, (struct io_statfs *)sbuf)) < 0)
			return r;
		rp->len = sizeof(struct io_statfs);
		return 0;
	case FS_PARENT:
		NEED(parent);
		return ops->parent(fs, m->w[0]);
	case FS_WALK:
		return fs_walk(fs, ops, m, len, rp);
	default:
		return -SK_E_NOSYS;
	}
}

struct rd_ctx {
	uint32_t used, max;
	uint64_t cookie;
};

static int
emit(void *ctx, uint64_t ino, uint8_t type, const char *name, uint64_t next_cookie)
{
	struct rd_ctx *c = ctx;
	size_t nl = strlen(name);
	uint32_t reclen = (uint32_t)((sizeof(struct io_dirent) + nl + 1 + 7) & ~7ul);
	struct io_dirent *d;

	if (c->used + reclen > c->max)
		return 1;
	d = (struct io_dirent *)(sbuf + c->used);
	memset(d, 0, reclen);
	d->ino = ino;
	d->off = next_cookie;
	d->reclen = (uint16_t)reclen;
	d->type = type;
	memcpy(d->name, name, nl + 1);
	c->used += reclen;
	c->cookie = next_cookie;
	return 0;
}

static int
seekable(void *fs, const struct libfs_ops *ops, uint64_t ino)
{
	return ops->seekable == NULL || ops->seekable(fs, ino);
}

/*
 * IO_LOCK on open object o (io.h): decode, then test or set. A flock lock
 * is owned by the open object, a record lock by the process id named.
 */
static int64_t
io_lock(struct ofile *o, struct sk_msg *m)
{
	uint64_t cmd = m->w[0], type = m->w[1], start = m->w[2], len = m->w[3];
	uint64_t owner = m->w[4], end;
	uint32_t obj = (uint32_t)(o - ofiles);
	int kind = owner == IO_LK_FLOCK ? LK_FLOCK : LK_RECORD;
	const struct lk *l;

	if (cmd != IO_LK_GET && cmd != IO_LK_SET)
		return -SK_E_INVAL;
	if (type != IO_LK_RD && type != IO_LK_WR && type != IO_LK_UN)
		return -SK_E_INVAL;
	if (kind == LK_FLOCK) {
		start = 0;
		end = LK_END;
		owner = ((uint64_t)o->gen << 20) | obj;	/* this open object */
	} else {
		if (owner == 0 || owner > 0x7fffffff || (int64_t)start < 0 || (int64_t)len < 0)
			return -SK_E_INVAL;
		end = len == 0 ? LK_END : start + len;
		if (end < start)
			return -SK_E_INVAL;
	}
	if (type == IO_LK_RD && (o->flags & IO_O_ACCMODE) == IO_O_WRONLY && kind == LK_RECORD)
		return -SK_E_BADF;	/* fcntl needs the file open for reading */
	if (type == IO_LK_WR && (o->flags & IO_O_ACCMODE) == IO_O_RDONLY && kind == LK_RECORD)
		return -SK_E_BADF;	/* and for writing */
	if (cmd == IO_LK_SET)
		return lk_set(&locks, o->ino, kind, owner, obj, (int)type, start, end);
	memset(m->w, 0, sizeof(m->w));
	if (type == IO_LK_UN ||
	    (l = lk_conflict(&locks, o->ino, kind, owner, (int)type, start, end)) == NULL)
		return IO_LK_UN;
	m->w[1] = l->start;
	m->w[2] = l->end == LK_END ? 0 : l->end - l->start;
	m->w[3] = l->kind == LK_FLOCK ? 0 : l->owner;
	return l->type;
}

/*
 * An io.h request on open object o, with a payload of len bytes: in rbuf,
 * or still with the client when pending (an IO_WRITE for wspan).
 */
static int64_t
io_request(void *fs, const struct libfs_ops *ops, struct ofile *o, uint32_t label,
    struct sk_msg *m, uint32_t len, int pending, const struct sk_utcb *u, struct reply *rp)
{
	uint32_t acc = o->flags & IO_O_ACCMODE;
	struct io_stat st;
	uint64_t off;
	int64_t r;
	int e;

	switch (label) {
	case IO_READ: {
		uint32_t n = m->w[0] > IO_CHUNK ? IO_CHUNK : (uint32_t)m->w[0];
		const void *p = NULL;

		/* An inode keeps its type: the one seen at the open holds. */
		if (acc == IO_O_WRONLY)
			return -SK_E_BADF;
		if (o->type == IO_S_IFDIR)
			return -SK_E_ISDIR;
		off = m->w[1] == IO_OFF_CUR ? o->pos : m->w[1];
		if ((int64_t)off < 0)
			return -SK_E_INVAL;
		r = -SK_E_NOTSUP;
		if (ops->span != NULL && (r = ops->span(fs, o->ino, off, n, &p)) > n)
			return -SK_E_IO;	/* a file system's broken answer */
		if (r == -SK_E_NOTSUP) {
			NEED(read);
			r = ops->read(fs, o->ino, off, sbuf, n);
			p = NULL;
		}
		if (r > 0) {
			rp->len = (uint32_t)r;
			rp->buf = p;
			if (m->w[1] == IO_OFF_CUR && seekable(fs, ops, o->ino))
				o->pos += (uint64_t)r;
		}
		return r;
	}
	case IO_WRITE:
		if (acc == IO_O_RDONLY)
			return -SK_E_BADF;
		NEEDW(write);
		if (len > IO_CHUNK)
			return -SK_E_TOOBIG;
		/* Only an appending write needs the size. */
		if (o->flags & IO_APPEND) {
			if ((e = ops->getattr(fs, o->ino, &st)) < 0)
				return e;
			off = st.size;
		} else {
			off = m->w[1] == IO_OFF_CUR ? o->pos : m->w[1];
		}
		if ((int64_t)off < 0)
			return -SK_E_INVAL;
		if (!pending) {
			r = ops->write(fs, o->ino, off, rbuf, len);
		} else {
			void *p;

			if ((r = ops->wspan(fs, o->ino, off, len, &p)) >= 0)
				r = sk_ipc_pull(p, 0, len) < 0 ? -SK_E_FAULT :
				    ops->wdone(fs, o->ino, off, len);
		}
		if (r > 0 && (m->w[1] == IO_OFF_CUR || (o->flags & IO_APPEND)) &&
		    seekable(fs, ops, o->ino))
			o->pos = off + (uint64_t)r;
		return r;
	case IO_SEEK:
		if (!seekable(fs, ops, o->ino))
			return -SK_E_SPIPE;
		switch (m->w[1]) {
		case IO_SEEK_SET:
			off = 0;
			break;
		case IO_SEEK_CUR:
			off = o->pos;
			break;
		case IO_SEEK_END:
			if ((e = ops->getattr(fs, o->ino, &st)) < 0)
				return e;
			off = st.size;
			break;
		default:
			return -SK_E_INVAL;
		}
		r = (int64_t)off + (int64_t)m->w[0];
		if (r < 0 || ((int64_t)m->w[0] > 0 && r < (int64_t)off))
			return -SK_E_INVAL;
		o->pos = (uint64_t)r;
		return r;
	case IO_STAT:
		r = stat_reply(fs, ops, o->ino, rp);
		return r < 0 ? r : 0;
	case IO_READDIR: {
		struct rd_ctx c = { 0, 0, o->pos };

		if ((e = ops->getattr(fs, o->ino, &st)) < 0)
			return e;
		if ((st.mode & IO_S_IFMT) != IO_S_IFDIR)
			return -SK_E_NOTDIR;
		NEED(readdir);
		c.max = m->w[0] > IO_CHUNK ? IO_CHUNK : (uint32_t)m->w[0];
		if ((e = ops->readdir(fs, o->ino, o->pos, emit, &c)) < 0)
			return e;
		if (c.used == 0 && c.cookie == o->pos && e > 0)
			return -SK_E_INVAL;	/* not even one entry fits */
		o->pos = c.cookie;
		rp->len = c.used;
		return c.used;
	}
	case IO_SETATTR: {
		struct io_setattr sa;

		if (len != sizeof(sa))
			return -SK_E_INVAL;
		memcpy(&sa, rbuf, sizeof(sa));
		if ((e = ops->getattr(fs, o->ino, &st)) < 0)
			return e;
		if ((e = perm_setattr(&u->sender.cred, &st, &sa)) != SK_OK)
			return -e;
		if ((sa.mask & IO_SET_SIZE) && acc == IO_O_RDONLY)
			return -SK_E_BADF;
		NEEDW(setattr);
		return ops->setattr(fs, o->ino, &sa);
	}
	case IO_TRUNCATE:
		if (acc == IO_O_RDONLY)
			return -SK_E_INVAL;
		if ((int64_t)m->w[0] < 0)
			return -SK_E_INVAL;
		NEEDW(truncate);
		return ops->truncate(fs, o->ino, m->w[0]);
	case IO_FSYNC:
		return 0;
	case IO_GETFL:
		return o->flags;
	case IO_SETFL:
		o->flags = (o->flags & ~(uint32_t)(IO_APPEND | IO_NONBLOCK)) |
		    ((uint32_t)m->w[0] & (IO_APPEND | IO_NONBLOCK));
		return 0;
	case IO_IOCTL: {
		uint32_t out_len = 0;

		if (ops->ioctl == NULL)
			return -SK_E_NOTTY;
		r = ops->ioctl(fs, o->ino, m->w[0], m->w[1], rbuf, len, sbuf, &out_len);
		if (r >= 0)
			rp->len = out_len > IO_CHUNK ? IO_CHUNK : out_len;
		return r;
	}
	case IO_LOCK:
		return io_lock(o, m);
	case IO_POLL:
		/* Files and these devices are always ready. */
		return (int64_t)(m->w[0] & (IO_POLLIN | IO_POLLOUT));
	case IO_MAP: {
		uint64_t size = 0;

		if (acc == IO_O_WRONLY)
			return -SK_E_BADF;
		if (ops->map == NULL)
			return -SK_E_NOSYS;
		if ((r = ops->map(fs, o->ino, &size)) < 0)
			return r;
		rp->h = (sk_handle_t)r;
		return (int64_t)size;
	}
	case IO_STATFS:
		NEED(statfs);
		if ((r = ops->statfs(fs, (struct io_statfs *)sbuf)) < 0)
			return r;
		rp->len = sizeof(struct io_statfs);
		return 0;
	default:
		return -SK_E_NOSYS;
	}
}

/* Make the kernel and this process set up what later requests need. */
static void
warm_up(sk_handle_t ep)
{
	int64_t h;

	sk_prefault(64 * 1024);
	/* The kernel makes its close-notice table at the first notify badge. */
	if ((h = sk_ep_mint_notify(ep, (uint64_t)0xffff << 40, SK_R_SEND)) >= 0)
		sk_handle_close((sk_handle_t)h);
}

/* The receive buffer for the next request. */
static void
rcv_set(struct sk_utcb *u)
{
	u->rcv_buf = (uint64_t)rbuf;
	u->rcv_max = RCV_INLINE;
	u->rcv_flags = SK_RCV_DEFER;
}

void
libfs_serve(void *fs, const struct libfs_ops *ops, sk_handle_t ep)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	int64_t r;

	instance = (uint32_t)(sk_clock() >> 10) & 0x7fff;
	warm_up(ep);
	rcv_set(u);
	r = sk_recv(ep, &m, SK_FOREVER);
	for (;;) {
		uint32_t label = SK_TAG_LABEL(m.tag), len, nh;
		sk_handle_t h[SK_MSG_HANDLES];
		struct reply rp = { 0, NULL, 0 };
		struct ofile *o;
		int64_t res;
		int pending, pulled = 1;

		if (r < 0) {
			rcv_set(u);
			r = sk_recv(ep, &m, SK_FOREVER);
			continue;
		}
		len = (m.tag & SK_TAG_LONG) ? u->rcv_len : 0;
		/*
		 * A close notice comes from the kernel, with a zero sender; a
		 * client's message with its label is an unknown request.
		 */
		if (label == SK_LABEL_CLOSED && u->sender.pid == 0) {
			if ((o = ofile_of(m.badge)) != NULL) {
				o->used = 0;
				lk_drop_obj(&locks, (uint32_t)(o - ofiles));
			}
			rcv_set(u);
			r = sk_recv(ep, &m, SK_FOREVER);
			continue;
		}
		/*
		 * A deferred payload comes into rbuf now, unless it is a write
		 * the file system takes into its own memory.
		 */
		pending = len > RCV_INLINE;
		if (pending && (label != IO_WRITE || ops->wspan == NULL)) {
			pending = 0;
			if (sk_ipc_pull(rbuf, 0, len) < 0)
				pulled = 0;
		}
		rbuf[len] = '\0';
		/* Operations may call other servers, which overwrites the UTCB. */
		nh = 0;
		if (m.tag & SK_TAG_LONG)
			for (; nh < u->rcv_nh && nh < SK_MSG_HANDLES; nh++)
				h[nh] = u->rcv_h[nh];
		if (!pulled)
			res = -SK_E_FAULT;
		else if (label >= FS_ROOT && label < 0x300 && SK_SVC_OF_BADGE(m.badge) != SVC_NONE)
			res = fs_request(fs, ops, ep, label, &m, len, &rp);
		else if ((o = ofile_of(m.badge)) != NULL)
			res = io_request(fs, ops, o, label, &m, len, pending, u, &rp);
		else if (m.badge & SK_BADGE_NOTIFY)
			res = -SK_E_BADF;
		else
			res = -SK_E_PERM;
		/* Handles that came with the request are not kept. */
		for (uint32_t i = 0; i < nh; i++)
			sk_handle_close(h[i]);
		if (res < 0 && res > -SK_E_COUNT)
			res = SK_ERRVAL(-res, 0);
		m.tag = 0;
		m.w[0] = (uint64_t)res;
		if (res >= 0 && (rp.len > 0 || rp.h != 0)) {
			m.tag = SK_TAG_LONG;
			u->snd_buf = (uint64_t)(rp.buf != NULL ? rp.buf : sbuf);
			u->snd_len = rp.len;
			u->snd_nh = rp.h != 0 ? 1 : 0;
			u->snd_h[0] = rp.h;
		}
		rcv_set(u);
		r = sk_reply_recv(ep, &m, SK_FOREVER);
		if (rp.h != 0 && r < 0 && SK_ERR(r) != SK_E_TIMEOUT)
			sk_handle_close(rp.h);	/* the reply failed: not delivered */
	}
}
