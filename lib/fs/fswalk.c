/*
 * FS_WALK on a file system's operations (see fswalk.h and fs.h).
 */
#include "lib/fs/fswalk.h"
#include "lib/fs/perm.h"
#include "abi/skiff/errors.h"
#ifdef HOST_TEST
#include <string.h>
#else
#include "lib/common/string.h"
#endif

#define IS_DIR(st)	(((st)->mode & IO_S_IFMT) == IO_S_IFDIR)

static int
covered(const struct fswalk_in *in, uint64_t ino)
{
	for (uint32_t i = 0; i < in->ncover; i++)
		if (in->cover[i] == ino)
			return 1;
	return 0;
}

/* Stop before the component at off with reason stop (and error err). */
static int
stop_at(struct fs_walk_rep *rep, uint32_t off, uint32_t stop, int err)
{
	rep->off = off;
	rep->stop = stop;
	rep->err = (uint32_t)err;
	return SK_OK;
}

int
fswalk(const struct fswalk_ops *o, const struct fswalk_in *in, struct fs_walk_rep *rep)
{
	const char *p = in->path;
	int real = (in->flags & FS_WALK_REAL) != 0;
	char name[FS_NAME_MAX + 1];
	uint32_t i = 0;
	int64_t r;
	int e;

	/* st is written only for FS_WALK_ENTRY, the only stop that sends it. */
	rep->off = 0;
	rep->stop = FS_WALK_STOP;
	rep->err = 0;
	rep->_pad = 0;
	rep->ino = 0;
	if (p[0] == '\0' || p[0] == '/')
		return SK_E_INVAL;
	if ((e = o->getattr(o->fs, in->dir, &rep->dirst)) < 0)
		return -e;
	if (!IS_DIR(&rep->dirst))
		return SK_E_NOTDIR;
	rep->dir = in->dir;
	for (;;) {
		uint32_t start = i, clen, next;
		int last;

		while (p[i] != '\0' && p[i] != '/')
			i++;
		clen = i - start;
		next = i;
		while (p[next] == '/')
			next++;
		last = p[next] == '\0';
		if (clen > FS_NAME_MAX)
			return stop_at(rep, start, FS_WALK_ERROR, SK_E_NAMETOOLONG);
		if (!perm_may(in->cred, &rep->dirst, PERM_X, real))
			return stop_at(rep, start, FS_WALK_ERROR, SK_E_ACCESS);
		if (clen == 1 && p[start] == '.') {
			if (last)
				return stop_at(rep, start, FS_WALK_STOP, 0);
			i = next;
			continue;
		}
		if (clen == 2 && p[start] == '.' && p[start + 1] == '.') {
			struct io_stat st;

			if (last || rep->dir == in->root || o->parent == NULL)
				return stop_at(rep, start, FS_WALK_STOP, 0);
			if ((r = o->parent(o->fs, rep->dir)) < 0 || covered(in, (uint64_t)r))
				return stop_at(rep, start, FS_WALK_STOP, 0);
			if (o->getattr(o->fs, (uint64_t)r, &st) < 0 || !IS_DIR(&st))
				return stop_at(rep, start, FS_WALK_STOP, 0);
			rep->dir = (uint64_t)r;
			rep->dirst = st;
			i = next;
			continue;
		}
		memcpy(name, p + start, clen);
		name[clen] = '\0';
		if ((r = o->lookup(o->fs, rep->dir, name)) < 0)
			return stop_at(rep, start, FS_WALK_ERROR, (int)-r);
		if ((e = o->getattr(o->fs, (uint64_t)r, &rep->st)) < 0)
			return stop_at(rep, start, FS_WALK_ERROR, -e);
		if (last || !IS_DIR(&rep->st) || covered(in, (uint64_t)r)) {
			rep->ino = (uint64_t)r;
			return stop_at(rep, start, FS_WALK_ENTRY, 0);
		}
		rep->dir = (uint64_t)r;
		rep->dirst = rep->st;
		i = next;
	}
}
