/*
 * fs.h requests over IPC (see fsclient.h). Every reply is checked: a
 * payload of the wrong size, a length that does not match or a missing
 * handle is SK_E_IO, and handles a reply carries that were not asked for
 * are closed.
 */
#include "servers/vfs/fsclient.h"
#include "abi/skiff/proto/pipe.h"

/* Scratch for replies whose payload vfs does not use. */
static char scratch[sizeof(struct io_stat)];
/* Outgoing payloads built from two strings. */
static char two[FS_NAME_MAX + 1 + FS_PATH_MAX + 1];
/* FS_WALK's request payload: covered inodes, credential, path. */
static char walkbuf[FS_WALK_NCOVER * sizeof(uint64_t) + sizeof(struct sk_cred) +
    FS_PATH_MAX] __attribute__((aligned(8)));

static sk_handle_t
ep_of(const struct fsclient *c, uint32_t fs)
{
	return fs < SVC_COUNT ? c->fs[fs] : 0;
}

/*
 * Send m on ep and return SK_OK with the reply's w0 in *res, or the
 * SK_E_* code: the server's error, or SK_E_IO when the call itself failed
 * (dead server, time-out, oversized reply). The first keep handles of the
 * reply are the caller's; the others are closed.
 */
static int
call(sk_handle_t ep, struct sk_rpc *m, uint32_t keep, uint64_t *res)
{
	int64_t r;
	int code;

	if (ep == 0)
		return SK_E_IO;
	if (m->rcv == NULL) {
		m->rcv = scratch;
		m->rcv_max = sizeof(scratch);
	}
	m->r[0] = 1;		/* never an error: tells a kernel failure apart */
	r = sk_rpc(ep, m, FSC_TIMEOUT);
	if (r < 0 && m->r[0] != (uint64_t)r)
		return SK_E_IO;		/* the call failed, not the request */
	for (uint32_t i = r < 0 ? 0 : keep; i < m->rcv_nh && i < SK_MSG_HANDLES; i++)
		sk_handle_close(m->rcv_h[i]);
	if (r < 0) {
		code = SK_ERR(r);
		return code > 0 && code < SK_E_COUNT ? code : SK_E_IO;
	}
	if (m->rcv_nh < keep)
		return SK_E_IO;
	if (res != NULL)
		*res = (uint64_t)r;
	return SK_OK;
}

/* Fill the request half of m (sk_rpc writes the reply half). */
static void
rpc_init(struct sk_rpc *m, uint32_t label)
{
	m->label = label;
	for (int i = 0; i < SK_MSG_WORDS; i++)
		m->w[i] = 0;
	m->snd = NULL;
	m->snd_len = 0;
	m->snd_nh = 0;
	m->rcv = NULL;
	m->rcv_max = 0;
}

static void
rpc_name(struct sk_rpc *m, const char *name)
{
	m->snd = name;
	m->snd_len = (uint32_t)strlen(name) + 1;
}

static int
fsc_known(void *ctx, uint32_t fs)
{
	return ep_of(ctx, fs) != 0;
}

static int
fsc_root(void *ctx, uint32_t fs, uint64_t *ino)
{
	struct sk_rpc m;

	rpc_init(&m, FS_ROOT);
	return call(ep_of(ctx, fs), &m, 0, ino);
}

/* A call whose reply payload is exactly one struct io_stat. */
static int
stat_call(sk_handle_t ep, struct sk_rpc *m, uint64_t *res, struct io_stat *st)
{
	int e;

	m->rcv = st;
	m->rcv_max = sizeof(*st);
	if ((e = call(ep, m, 0, res)) != SK_OK)
		return e;
	return m->rcv_len == sizeof(*st) ? SK_OK : SK_E_IO;
}

static int
fsc_lookup(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint64_t *ino,
    struct io_stat *st)
{
	struct sk_rpc m;

	rpc_init(&m, FS_LOOKUP);
	m.w[0] = dir;
	rpc_name(&m, name);
	return stat_call(ep_of(ctx, fs), &m, ino, st);
}

static int
fsc_getattr(void *ctx, uint32_t fs, uint64_t ino, struct io_stat *st)
{
	struct sk_rpc m;

	rpc_init(&m, FS_GETATTR);
	m.w[0] = ino;
	return stat_call(ep_of(ctx, fs), &m, NULL, st);
}

static int
fsc_parent(void *ctx, uint32_t fs, uint64_t dir, uint64_t *up)
{
	struct sk_rpc m;

	rpc_init(&m, FS_PARENT);
	m.w[0] = dir;
	return call(ep_of(ctx, fs), &m, 0, up);
}

static int
fsc_readlink(void *ctx, uint32_t fs, uint64_t ino, char *buf, uint32_t max, uint32_t *len)
{
	struct sk_rpc m;
	uint64_t n;
	int e;

	rpc_init(&m, FS_READLINK);
	m.w[0] = ino;
	m.rcv = buf;
	m.rcv_max = max;
	if ((e = call(ep_of(ctx, fs), &m, 0, &n)) != SK_OK)
		return e;
	if (n > max || n != m.rcv_len)
		return SK_E_IO;
	*len = (uint32_t)n;
	return SK_OK;
}

static int
fsc_setattr(void *ctx, uint32_t fs, uint64_t ino, const struct io_setattr *sa)
{
	struct sk_rpc m;

	rpc_init(&m, FS_SETATTR);
	m.w[0] = ino;
	m.snd = sa;
	m.snd_len = sizeof(*sa);
	return call(ep_of(ctx, fs), &m, 0, NULL);
}

static int
fsc_create(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint32_t mode,
    uint32_t uid, uint32_t gid, uint64_t rdev, uint64_t *ino)
{
	struct sk_rpc m;

	rpc_init(&m, FS_CREATE);
	m.w[0] = dir;
	m.w[1] = mode;
	m.w[2] = uid;
	m.w[3] = gid;
	m.w[4] = rdev;
	rpc_name(&m, name);
	return call(ep_of(ctx, fs), &m, 0, ino);
}

static int
fsc_create_open(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint32_t mode,
    uint32_t uid, uint32_t gid, uint32_t flags, uint64_t *h)
{
	struct sk_rpc m;
	int e;

	rpc_init(&m, FS_CREATE);
	m.w[0] = dir;
	m.w[1] = mode;
	m.w[2] = uid;
	m.w[3] = gid;
	m.w[5] = FS_CREATE_OPEN | flags;
	rpc_name(&m, name);
	if ((e = call(ep_of(ctx, fs), &m, 1, NULL)) != SK_OK)
		return e;
	*h = m.rcv_h[0];
	return SK_OK;
}

/* two = a NUL b NUL; returns its length. */
static uint32_t
two_strings(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > FS_NAME_MAX)
		la = FS_NAME_MAX;
	if (lb > FS_PATH_MAX)
		lb = FS_PATH_MAX;
	memcpy(two, a, la);
	two[la] = '\0';
	memcpy(two + la + 1, b, lb);
	two[la + 1 + lb] = '\0';
	return (uint32_t)(la + lb + 2);
}

static int
fsc_symlink(void *ctx, uint32_t fs, uint64_t dir, const char *name, const char *target,
    uint32_t uid, uint32_t gid)
{
	struct sk_rpc m;

	rpc_init(&m, FS_SYMLINK);
	m.w[0] = dir;
	m.w[2] = uid;
	m.w[3] = gid;
	m.snd = two;
	m.snd_len = two_strings(name, target);
	return call(ep_of(ctx, fs), &m, 0, NULL);
}

static int
fsc_link(void *ctx, uint32_t fs, uint64_t dir, uint64_t ino, const char *name)
{
	struct sk_rpc m;

	rpc_init(&m, FS_LINK);
	m.w[0] = dir;
	m.w[1] = ino;
	rpc_name(&m, name);
	return call(ep_of(ctx, fs), &m, 0, NULL);
}

static int
fsc_unlink(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint32_t flags)
{
	struct sk_rpc m;

	rpc_init(&m, FS_UNLINK);
	m.w[0] = dir;
	m.w[1] = flags;
	rpc_name(&m, name);
	return call(ep_of(ctx, fs), &m, 0, NULL);
}

static int
fsc_rename(void *ctx, uint32_t fs, uint64_t odir, const char *oname, uint64_t ndir,
    const char *nname)
{
	struct sk_rpc m;

	rpc_init(&m, FS_RENAME);
	m.w[0] = odir;
	m.w[1] = ndir;
	m.snd = two;
	m.snd_len = two_strings(oname, nname);
	return call(ep_of(ctx, fs), &m, 0, NULL);
}

/* A call that answers with the handle of an open object. */
static int
handle_call(sk_handle_t ep, struct sk_rpc *m, uint64_t *h)
{
	int e;

	if ((e = call(ep, m, 1, NULL)) != SK_OK)
		return e;
	*h = m->rcv_h[0];
	return SK_OK;
}

static int
fsc_open(void *ctx, uint32_t fs, uint64_t ino, uint32_t flags, uint64_t *h)
{
	struct sk_rpc m;

	rpc_init(&m, FS_OPEN);
	m.w[0] = ino;
	m.w[1] = flags;
	return handle_call(ep_of(ctx, fs), &m, h);
}

static int
fsc_open_map(void *ctx, uint32_t fs, uint64_t ino, uint64_t *h, uint64_t *size)
{
	struct sk_rpc m;
	int e;

	rpc_init(&m, FS_OPEN);
	m.w[0] = ino;
	m.w[1] = FS_OPEN_MAP | IO_O_RDONLY;
	if ((e = handle_call(ep_of(ctx, fs), &m, h)) != SK_OK)
		return e;
	*size = m.r[0];
	return SK_OK;
}

static int
fsc_statfs(void *ctx, uint32_t fs, struct io_statfs *sfs)
{
	struct sk_rpc m;
	int e;

	rpc_init(&m, FS_STATFS);
	m.rcv = sfs;
	m.rcv_max = sizeof(*sfs);
	if ((e = call(ep_of(ctx, fs), &m, 0, NULL)) != SK_OK)
		return e;
	return m.rcv_len == sizeof(*sfs) ? SK_OK : SK_E_IO;
}

static int
fsc_fifo_open(void *ctx, uint64_t dev, uint64_t ino, uint32_t flags, uint64_t *h)
{
	const struct fsclient *c = ctx;
	struct sk_rpc m;

	if (c->pipe == 0)
		return SK_E_NXIO;	/* no pipe server: no FIFOs */
	rpc_init(&m, PIPE_FIFO_OPEN);
	m.w[0] = dev;
	m.w[1] = ino;
	m.w[2] = flags;
	return handle_call(c->pipe, &m, h);
}

/*
 * FS_WALK. A file system without it is remembered, and is not asked
 * again until vfs restarts.
 */
static int
fsc_walk(void *ctx, uint32_t fs, const struct fswalk_in *in, struct fs_walk_rep *rep)
{
	struct fsclient *c = ctx;
	uint32_t off, clen, ng = in->cred->ngroups;
	size_t plen = in->plen;
	struct sk_rpc m;
	int e;

	if (fs >= SVC_COUNT || c->nowalk[fs])
		return SK_E_NOSYS;
	if (in->ncover > FS_WALK_NCOVER || ng > SK_NGROUPS || plen >= FS_PATH_MAX)
		return SK_E_INVAL;
	off = in->ncover * (uint32_t)sizeof(uint64_t);
	memcpy(walkbuf, in->cover, off);
	clen = FS_WALK_CRED_LEN(ng);
	memcpy(walkbuf + off, in->cred, clen);
	off += clen;
	memcpy(walkbuf + off, in->path, plen + 1);
	rpc_init(&m, FS_WALK);
	m.w[0] = in->dir;
	m.w[1] = in->root;
	m.w[2] = in->flags;
	m.w[3] = in->ncover;
	m.snd = walkbuf;
	m.snd_len = off + (uint32_t)plen + 1;
	m.rcv = rep;
	m.rcv_max = sizeof(*rep);
	if ((e = call(ep_of(c, fs), &m, 0, NULL)) != SK_OK) {
		if (e == SK_E_NOSYS)
			c->nowalk[fs] = 1;
		return e;
	}
	if (m.rcv_len < FS_WALK_REP_SHORT || m.rcv_len != (rep->stop == FS_WALK_ENTRY ?
	    sizeof(*rep) : FS_WALK_REP_SHORT))
		return SK_E_IO;
	return SK_OK;
}

void
fsclient_init(struct vfs_fsops *ops, struct fsclient *c)
{
	/* Touch the buffers now: see prefault() in main.c. */
	memset(scratch, 0, sizeof(scratch));
	memset(two, 0, sizeof(two));
	memset(walkbuf, 0, sizeof(walkbuf));
	ops->ctx = c;
	ops->known = fsc_known;
	ops->root = fsc_root;
	ops->lookup = fsc_lookup;
	ops->getattr = fsc_getattr;
	ops->parent = fsc_parent;
	ops->readlink = fsc_readlink;
	ops->setattr = fsc_setattr;
	ops->create = fsc_create;
	ops->create_open = fsc_create_open;
	ops->symlink = fsc_symlink;
	ops->link = fsc_link;
	ops->unlink = fsc_unlink;
	ops->rename = fsc_rename;
	ops->open = fsc_open;
	ops->statfs = fsc_statfs;
	ops->fifo_open = fsc_fifo_open;
	ops->walk = fsc_walk;
	ops->open_map = fsc_open_map;
}
