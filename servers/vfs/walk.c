/*
 * Path resolution (see walk.h for the rules).
 *
 * The walker keeps the rest of the path still to resolve in res->rem.
 * Following a symbolic link replaces the component by the target in
 * place: rem becomes the target followed by what came after the link
 * (slashes included), so a trailing slash survives and the final
 * component is always the last one of rem. The canonical path is built
 * beside: a name is appended when the walk enters it, ".." removes the
 * last one, an absolute link target resets it to "/".
 *
 * Where the file system has FS_WALK, the walker hands it the rest of the
 * path and takes back where it stopped: the components it passed (only
 * directories, no links, nothing covered) are added to the canonical
 * path, and the entry or error of the component it stopped at replaces
 * the walker's own FS_LOOKUP of it; everything else (mounts, links, the
 * final component) goes on as in a walk of one component at a time, so
 * both give the same answers. The attributes of the directory the walk
 * is in are fetched only when needed (FS_WALK answers them too).
 */
#include "servers/vfs/walk.h"
#include "lib/fs/perm.h"

#define IS_DIR(st)	(((st)->mode & IO_S_IFMT) == IO_S_IFDIR)
#define IS_LNK(st)	(((st)->mode & IO_S_IFMT) == IO_S_IFLNK)

long
walk_strnlen(const char *s, size_t max)
{
	for (size_t i = 0; i < max; i++)
		if (s[i] == '\0')
			return (long)i;
	return -1;
}

/* The walk in progress. */
struct walker {
	const struct vfs_fsops *ops;
	const struct vfs_mtab *mt;
	struct walk_result *res;
	struct walk_loc cur;	/* the directory the walk is in */
	struct io_stat curst;	/* its attributes, when cur_ok */
	int cur_ok;
	int nondir;		/* the error when cur turns out to be no directory */
	size_t plen;		/* length of res->path */
	struct fs_walk_rep wr;	/* the last FS_WALK answer */
	uint64_t cover[FS_WALK_NCOVER];
};

static uint32_t
fs_of(const struct walker *w, int mnt)
{
	return w->mt->m[mnt].fs;
}

static int
getattr(struct walker *w, struct walk_loc l, struct io_stat *st)
{
	int e = w->ops->getattr(w->ops->ctx, fs_of(w, l.mnt), l.ino, st);

	if (e == SK_OK)
		st->dev = w->mt->m[l.mnt].dev;
	return e;
}

/*
 * Replace *l by the root mounted on it, as long as one is. Sets *crossed
 * if it moved. Mount chains are acyclic, so VFS_NMOUNT steps are enough;
 * more means a broken table.
 */
static int
cross_down(const struct vfs_mtab *mt, struct walk_loc *l, int *crossed)
{
	for (int n = 0; n <= VFS_NMOUNT; n++) {
		int m = mtab_covering(mt, l->mnt, l->ino);

		if (m < 0)
			return SK_OK;
		l->mnt = m;
		l->ino = mt->m[m].root;
		if (crossed != NULL)
			*crossed = 1;
	}
	return SK_E_IO;
}

/* Make w->curst the attributes of w->cur if they are not yet. */
static int
cur_attr(struct walker *w)
{
	int e;

	if (w->cur_ok)
		return SK_OK;
	if ((e = getattr(w, w->cur, &w->curst)) != SK_OK)
		return e;
	if (!IS_DIR(&w->curst))
		return w->nondir;
	w->cur_ok = 1;
	return SK_OK;
}

/* Go to the global root (after an absolute link target or at the start). */
static int
to_root(struct walker *w)
{
	int r = mtab_root(w->mt), e;

	if (r < 0)
		return SK_E_NOENT;
	w->cur.mnt = r;
	w->cur.ino = w->mt->m[r].root;
	if ((e = cross_down(w->mt, &w->cur, NULL)) != SK_OK)
		return e;
	w->cur_ok = 0;
	w->nondir = SK_E_IO;	/* a root that is not a directory */
	w->res->path[0] = '/';
	w->res->path[1] = '\0';
	w->plen = 1;
	return SK_OK;
}

/* Append "/name" to the canonical path. */
static int
path_push(struct walker *w, const char *name, size_t len)
{
	char *p = w->res->path;

	if (w->plen == 1) {
		if (1 + len >= FS_PATH_MAX)
			return SK_E_NAMETOOLONG;
		memcpy(p + 1, name, len);
		w->plen = 1 + len;
	} else {
		if (w->plen + 1 + len >= FS_PATH_MAX)
			return SK_E_NAMETOOLONG;
		p[w->plen] = '/';
		memcpy(p + w->plen + 1, name, len);
		w->plen += 1 + len;
	}
	p[w->plen] = '\0';
	return SK_OK;
}

static void
path_pop(struct walker *w)
{
	char *p = w->res->path;

	while (w->plen > 1 && p[w->plen - 1] != '/')
		w->plen--;
	if (w->plen > 1)
		w->plen--;	/* the slash before the name */
	p[w->plen] = '\0';
}

/* "..": see walk.h. */
static int
dotdot(struct walker *w)
{
	const struct vfs_mtab *mt = w->mt;
	struct walk_loc l = w->cur;
	int n, e;

	for (n = 0; n <= VFS_NMOUNT && mtab_is_root(mt, l.mnt, l.ino) &&
	    mt->m[l.mnt].parent >= 0; n++) {
		l.ino = mt->m[l.mnt].mp;
		l.mnt = mt->m[l.mnt].parent;
	}
	if (n > VFS_NMOUNT)
		return SK_E_IO;
	if (!mtab_is_root(mt, l.mnt, l.ino)) {
		uint64_t p;

		if ((e = w->ops->parent(w->ops->ctx, fs_of(w, l.mnt), l.ino, &p)) != SK_OK)
			return e;
		l.ino = p;
	}
	if ((e = cross_down(mt, &l, NULL)) != SK_OK)
		return e;
	if ((e = getattr(w, l, &w->curst)) != SK_OK)
		return e;
	if (!IS_DIR(&w->curst))
		return SK_E_IO;		/* a file system's parent that is no directory */
	w->cur = l;
	w->cur_ok = 1;
	path_pop(w);
	return SK_OK;
}

/*
 * Replace the component of rem that ends at index end (the link) by the
 * target of link ent: rem = target + rem[end..].
 */
static int
expand_link(struct walker *w, struct walk_loc ent, size_t end)
{
	struct walk_result *res = w->res;
	uint32_t tlen;
	size_t rest;
	int e;

	e = w->ops->readlink(w->ops->ctx, fs_of(w, ent.mnt), ent.ino, res->link,
	    FS_PATH_MAX - 1, &tlen);
	if (e != SK_OK)
		return e;
	if (tlen == 0)
		return SK_E_NOENT;
	if (tlen >= FS_PATH_MAX)
		return SK_E_NAMETOOLONG;
	for (uint32_t i = 0; i < tlen; i++)
		if (res->link[i] == '\0')
			return SK_E_IO;		/* a file system's target with a NUL */
	rest = strlen(res->rem + end);
	if (tlen + rest >= FS_PATH_MAX)
		return SK_E_NAMETOOLONG;
	memcpy(res->link + tlen, res->rem + end, rest + 1);
	memcpy(res->rem, res->link, tlen + rest + 1);
	return SK_OK;
}

/*
 * Ask the file system of w->cur for FS_WALK over rem from index *i (the
 * start of a component). On SK_OK, *i has moved past what it passed, the
 * canonical path and w->cur follow, and *stop tells what w->wr holds
 * about the component now at *i. A file system without FS_WALK, or one
 * that failed it for a reason the walk of one component will meet again,
 * leaves everything as it was with *stop = FS_WALK_STOP.
 */
static int
fast_walk(struct walker *w, const struct sk_cred *cred, int real, size_t *i, uint32_t *stop)
{
	const struct vfs_mtab *mt = w->mt;
	struct walk_result *res = w->res;
	struct fs_walk_rep *wr = &w->wr;
	const char *p = res->rem + *i;
	struct fswalk_in in;
	size_t plen, k;
	int e;

	*stop = FS_WALK_STOP;
	if (w->ops->walk == NULL)
		return SK_OK;
	in.dir = w->cur.ino;
	in.root = mt->m[w->cur.mnt].root;
	in.flags = real ? FS_WALK_REAL : 0;
	in.ncover = 0;
	for (int m = 0; m < mt->n; m++)
		if (mt->m[m].used && mt->m[m].parent == w->cur.mnt)
			w->cover[in.ncover++] = mt->m[m].mp;
	in.cover = w->cover;
	in.cred = cred;
	in.path = p;
	in.plen = plen = strlen(p);
	e = w->ops->walk(w->ops->ctx, fs_of(w, w->cur.mnt), &in, wr);
	if (e == SK_E_IO)
		return e;
	if (e != SK_OK)
		return SK_OK;	/* no FS_WALK, or its error is met again below */
	/* The answer must stop at the start of a component of p. */
	if (wr->off >= plen || p[wr->off] == '/' || (wr->off > 0 && p[wr->off - 1] != '/') ||
	    wr->stop > FS_WALK_ERROR || (wr->stop == FS_WALK_ERROR &&
	    (wr->err == 0 || wr->err >= SK_E_COUNT)) || !IS_DIR(&wr->dirst))
		return SK_E_IO;
	if (wr->off > 0 && mtab_covering(mt, w->cur.mnt, wr->dir) >= 0)
		return SK_E_IO;
	/* The components passed, into the canonical path. */
	for (k = 0; k < wr->off;) {
		size_t s = k;

		while (k < wr->off && p[k] != '/')
			k++;
		if (k - s > FS_NAME_MAX)
			return SK_E_IO;
		if (k - s == 2 && p[s] == '.' && p[s + 1] == '.')
			path_pop(w);
		else if (!(k - s == 1 && p[s] == '.') &&
		    (e = path_push(w, p + s, k - s)) != SK_OK)
			return e;
		while (k < wr->off && p[k] == '/')
			k++;
	}
	w->cur.ino = wr->dir;
	w->curst = wr->dirst;
	w->curst.dev = mt->m[w->cur.mnt].dev;
	w->cur_ok = 1;
	*i += wr->off;
	*stop = wr->stop;
	return SK_OK;
}

static void
set_found(struct walker *w, int last, struct walk_loc obj, const struct io_stat *st)
{
	struct walk_result *res = w->res;

	res->found = 1;
	res->last = last;
	res->obj = obj;
	res->st = *st;
	if (last != WALK_LAST_NAME) {
		res->dir = obj;
		res->dirst = *st;
		res->ent = obj;
		res->entst = *st;
		res->name[0] = '\0';
	}
}

int
walk(const struct vfs_fsops *ops, const struct vfs_mtab *mt,
    const struct sk_cred *cred, const char *path, uint32_t flags,
    struct walk_result *res)
{
	struct walker w;
	int real = (flags & WALK_REAL) != 0;
	int nlinks = 0, e;
	long len;
	size_t i;

	w.ops = ops;
	w.mt = mt;
	w.res = res;
	w.cur_ok = 0;
	w.plen = 0;
	/*
	 * Only the scalar fields are cleared: every io_stat and the name are
	 * written before a successful return says they hold anything.
	 */
	res->found = 0;
	res->last = WALK_LAST_NAME;
	res->slash = 0;
	res->crossed = 0;
	res->dir.mnt = res->ent.mnt = res->obj.mnt = 0;
	res->dir.ino = res->ent.ino = res->obj.ino = 0;
	res->name[0] = '\0';
	res->path[0] = '\0';
	if ((len = walk_strnlen(path, FS_PATH_MAX)) < 0)
		return SK_E_NAMETOOLONG;
	if (path[0] != '/')
		return SK_E_INVAL;
	memcpy(res->rem, path, (size_t)len + 1);
	i = 0;
	for (;;) {
		struct walk_loc ent, obj;
		struct io_stat st, objst, *stp = &st;
		const struct io_stat *objstp;
		size_t start, clen, end;
		int islast, slash, crossed = 0, dots;
		uint32_t stop;

		if (res->rem[i] == '/' && i == 0 && (e = to_root(&w)) != SK_OK)
			return e;
		while (res->rem[i] == '/')
			i++;
		if (res->rem[i] == '\0') {
			/* Nothing but slashes: the path named the root. */
			if ((e = cur_attr(&w)) != SK_OK)
				return e;
			res->slash = 1;
			set_found(&w, WALK_LAST_ROOT, w.cur, &w.curst);
			return SK_OK;
		}
		if ((e = fast_walk(&w, cred, real, &i, &stop)) != SK_OK)
			return e;
		if ((e = cur_attr(&w)) != SK_OK)
			return e;
		start = i;
		while (res->rem[i] != '\0' && res->rem[i] != '/')
			i++;
		end = i;
		clen = end - start;
		if (clen > FS_NAME_MAX)
			return SK_E_NAMETOOLONG;
		memcpy(res->name, res->rem + start, clen);
		res->name[clen] = '\0';
		slash = 0;
		while (res->rem[i] == '/') {
			i++;
			slash = 1;
		}
		islast = res->rem[i] == '\0';
		res->slash = islast && slash;

		if (!perm_may(cred, &w.curst, PERM_X, real))
			return SK_E_ACCESS;
		dots = strcmp(res->name, ".") == 0 || strcmp(res->name, "..") == 0;
		if (dots) {
			int dd = res->name[1] == '.';

			if (dd && (e = dotdot(&w)) != SK_OK)
				return e;
			if (islast) {
				set_found(&w, dd ? WALK_LAST_DOTDOT : WALK_LAST_DOT, w.cur, &w.curst);
				return SK_OK;
			}
			continue;
		}
		/* The entry's attributes stay in the FS_WALK answer, not copied. */
		if (stop == FS_WALK_ENTRY) {
			ent.ino = w.wr.ino;
			stp = &w.wr.st;
			e = SK_OK;
		} else if (stop == FS_WALK_ERROR) {
			e = (int)w.wr.err;
		} else {
			e = ops->lookup(ops->ctx, fs_of(&w, w.cur.mnt), w.cur.ino, res->name,
			    &ent.ino, &st);
		}
		if (e == SK_E_NOENT && islast) {
			res->last = WALK_LAST_NAME;
			res->dir = w.cur;
			res->dirst = w.curst;
			return path_push(&w, res->name, clen);
		}
		if (e != SK_OK)
			return e;
		ent.mnt = w.cur.mnt;
		stp->dev = mt->m[ent.mnt].dev;

		if (IS_LNK(stp) && (!islast || slash || !(flags & WALK_NOFOLLOW))) {
			if (islast && slash && (flags & WALK_ENTRY))
				return SK_E_NOTDIR;
			if (++nlinks > VFS_MAXLINKS)
				return SK_E_LOOP;
			if ((e = expand_link(&w, ent, end)) != SK_OK)
				return e;
			/*
			 * An absolute target restarts at the root (rem[0] is
			 * '/' with i == 0 above); a relative one goes on in
			 * the link's directory.
			 */
			i = 0;
			continue;
		}

		obj = ent;
		objstp = stp;
		if ((e = cross_down(mt, &obj, &crossed)) != SK_OK)
			return e;
		/* A mounted root on the way is read by the next step. */
		if (crossed && islast) {
			if ((e = getattr(&w, obj, &objst)) != SK_OK)
				return e;
			objstp = &objst;
		}
		if ((e = path_push(&w, res->name, clen)) != SK_OK)
			return e;
		if (crossed && !islast) {
			w.cur = obj;
			w.cur_ok = 0;
			w.nondir = SK_E_NOTDIR;
			continue;
		}
		if (islast) {
			if (slash && !IS_DIR(objstp))
				return SK_E_NOTDIR;
			res->dir = w.cur;
			res->dirst = w.curst;
			res->ent = ent;
			res->entst = *stp;
			res->crossed = crossed;
			set_found(&w, WALK_LAST_NAME, obj, objstp);
			return SK_OK;
		}
		if (!IS_DIR(objstp))
			return SK_E_NOTDIR;
		w.cur = obj;
		w.curst = *objstp;
		w.cur_ok = 1;
	}
}
