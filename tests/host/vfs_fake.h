/*
 * An in-memory stand-in for the file systems vfs talks to, for the host
 * tests of servers/vfs: a struct vfs_fsops whose calls work on small
 * tables of inodes and directory entries, one set per file system id,
 * with fs.h's semantics (SK_E_EXISTS, SK_E_NOTEMPTY, rename replacing its
 * target...). A file system can be marked dead (every call SK_E_IO, as
 * fsclient.c reports a server that died) and every call is counted.
 *
 * Include after host.h and the vfs sources under test.
 */
#ifndef TESTS_HOST_VFS_FAKE_H
#define TESTS_HOST_VFS_FAKE_H

#include "servers/vfs/vfs.h"
#include "abi/skiff/proto/svc.h"
#include "lib/fs/fswalk.c"

#define FK_NINO	64
#define FK_NENT	128

struct fk_ino {
	int used;
	struct io_stat st;
	uint64_t parent;		/* directories: the one holding them */
	char target[FS_PATH_MAX];	/* symbolic links */
	uint32_t tlen;
};

struct fk_ent {
	int used;
	uint64_t dir;
	char name[FS_NAME_MAX + 1];
	uint64_t ino;
};

struct fk_fs {
	int exists;
	int dead;
	struct fk_ino ino[FK_NINO];	/* inode i is ino[i]; 0 unused, 1 the root */
	struct fk_ent ent[FK_NENT];
};

static struct fk_fs fk[SVC_COUNT];
static int fk_calls;			/* calls made through the table */
static uint64_t fk_open_ino, fk_open_fs;	/* the last open */
static uint32_t fk_open_flags;
static uint64_t fk_fifo_dev, fk_fifo_ino;	/* the last FIFO open */
static int fk_fifo_opens;
static int fk_parent_non_dir;		/* FS_PARENT answers a regular file */
static int fk_nowalk;			/* FS_WALK answers SK_E_NOSYS */
static int fk_walks;			/* FS_WALK requests answered */

static struct fk_fs *
fk_get(uint32_t fs)
{
	return fs < SVC_COUNT && fk[fs].exists ? &fk[fs] : NULL;
}

static struct fk_ino *
fk_inode(struct fk_fs *f, uint64_t ino)
{
	return ino > 0 && ino < FK_NINO && f->ino[ino].used ? &f->ino[ino] : NULL;
}

static struct fk_ent *
fk_find(struct fk_fs *f, uint64_t dir, const char *name)
{
	for (int i = 0; i < FK_NENT; i++)
		if (f->ent[i].used && f->ent[i].dir == dir && strcmp(f->ent[i].name, name) == 0)
			return &f->ent[i];
	return NULL;
}

static int
fk_dir_empty(struct fk_fs *f, uint64_t dir)
{
	for (int i = 0; i < FK_NENT; i++)
		if (f->ent[i].used && f->ent[i].dir == dir)
			return 0;
	return 1;
}

static uint64_t
fk_new_inode(struct fk_fs *f, uint32_t mode, uint32_t uid, uint32_t gid)
{
	for (uint64_t i = 1; i < FK_NINO; i++)
		if (!f->ino[i].used) {
			memset(&f->ino[i], 0, sizeof(f->ino[i]));
			f->ino[i].used = 1;
			f->ino[i].st.ino = i;
			f->ino[i].st.mode = mode;
			f->ino[i].st.uid = uid;
			f->ino[i].st.gid = gid;
			f->ino[i].st.nlink = (mode & IO_S_IFMT) == IO_S_IFDIR ? 2 : 1;
			f->ino[i].st.dev = 0xdead;	/* vfs must replace it */
			return i;
		}
	return 0;
}

static int
fk_add_ent(struct fk_fs *f, uint64_t dir, const char *name, uint64_t ino)
{
	for (int i = 0; i < FK_NENT; i++)
		if (!f->ent[i].used) {
			f->ent[i].used = 1;
			f->ent[i].dir = dir;
			snprintf(f->ent[i].name, sizeof(f->ent[i].name), "%s", name);
			f->ent[i].ino = ino;
			return SK_OK;
		}
	return SK_E_NOSPC;
}

static void
fk_drop_link(struct fk_fs *f, struct fk_ent *e)
{
	struct fk_ino *n = fk_inode(f, e->ino);

	e->used = 0;
	if (n != NULL && (n->st.mode & IO_S_IFMT) == IO_S_IFDIR)
		n->used = 0;
	else if (n != NULL && --n->st.nlink == 0)
		n->used = 0;
}

/* ---- the vfs_fsops table ---- */

#define FK_FS(fs) \
	struct fk_fs *f = fk_get(fs); \
	fk_calls++; \
	if (f == NULL || f->dead) \
		return SK_E_IO

static int
fk_known(void *ctx, uint32_t fs)
{
	return fk_get(fs) != NULL;
}

static int
fk_root(void *ctx, uint32_t fs, uint64_t *ino)
{
	FK_FS(fs);
	*ino = 1;
	return SK_OK;
}

static int
fk_getattr(void *ctx, uint32_t fs, uint64_t ino, struct io_stat *st)
{
	FK_FS(fs);
	struct fk_ino *n = fk_inode(f, ino);

	if (n == NULL)
		return SK_E_NOENT;
	*st = n->st;
	return SK_OK;
}

static int
fk_lookup(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint64_t *ino,
    struct io_stat *st)
{
	FK_FS(fs);
	struct fk_ino *d = fk_inode(f, dir);
	struct fk_ent *e;

	if (d == NULL)
		return SK_E_NOENT;
	if ((d->st.mode & IO_S_IFMT) != IO_S_IFDIR)
		return SK_E_NOTDIR;
	if (strchr(name, '/') != NULL || !strcmp(name, ".") || !strcmp(name, "..") || !*name)
		return SK_E_INVAL;	/* vfs must never send these */
	if ((e = fk_find(f, dir, name)) == NULL)
		return SK_E_NOENT;
	*ino = e->ino;
	*st = f->ino[e->ino].st;
	return SK_OK;
}

static int
fk_parent(void *ctx, uint32_t fs, uint64_t dir, uint64_t *up)
{
	FK_FS(fs);
	struct fk_ino *d = fk_inode(f, dir);

	if (d == NULL)
		return SK_E_NOENT;
	if (fk_parent_non_dir) {
		for (uint64_t i = 1; i < FK_NINO; i++)
			if (f->ino[i].used && (f->ino[i].st.mode & IO_S_IFMT) == IO_S_IFREG) {
				*up = i;
				return SK_OK;
			}
	}
	*up = d->parent;
	return SK_OK;
}

static int
fk_readlink(void *ctx, uint32_t fs, uint64_t ino, char *buf, uint32_t max, uint32_t *len)
{
	FK_FS(fs);
	struct fk_ino *n = fk_inode(f, ino);

	if (n == NULL || (n->st.mode & IO_S_IFMT) != IO_S_IFLNK)
		return SK_E_INVAL;
	if (n->tlen > max)
		return SK_E_IO;
	memcpy(buf, n->target, n->tlen);
	*len = n->tlen;
	return SK_OK;
}

static int
fk_setattr(void *ctx, uint32_t fs, uint64_t ino, const struct io_setattr *sa)
{
	FK_FS(fs);
	struct fk_ino *n = fk_inode(f, ino);

	if (n == NULL)
		return SK_E_NOENT;
	if (sa->mask & IO_SET_MODE)
		n->st.mode = (n->st.mode & IO_S_IFMT) | (sa->mode & 07777);
	if (sa->mask & IO_SET_UID)
		n->st.uid = sa->uid;
	if (sa->mask & IO_SET_GID)
		n->st.gid = sa->gid;
	if (sa->mask & IO_SET_SIZE)
		n->st.size = sa->size;
	if (sa->mask & IO_SET_MTIME)
		n->st.mtime = sa->mtime;
	return SK_OK;
}

static int
fk_create(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint32_t mode,
    uint32_t uid, uint32_t gid, uint64_t rdev, uint64_t *ino)
{
	FK_FS(fs);
	struct fk_ino *d = fk_inode(f, dir);
	uint64_t i;

	if (d == NULL || (d->st.mode & IO_S_IFMT) != IO_S_IFDIR)
		return SK_E_NOTDIR;
	if (fk_find(f, dir, name) != NULL)
		return SK_E_EXISTS;
	if ((i = fk_new_inode(f, mode, uid, gid)) == 0)
		return SK_E_NOSPC;
	f->ino[i].st.rdev = rdev;
	f->ino[i].parent = dir;
	fk_add_ent(f, dir, name, i);
	*ino = i;
	return SK_OK;
}

static int fk_open(void *ctx, uint32_t fs, uint64_t ino, uint32_t flags, uint64_t *h);

/* As libfs answers FS_CREATE with FS_CREATE_OPEN: one call. */
static int
fk_create_open(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint32_t mode,
    uint32_t uid, uint32_t gid, uint32_t flags, uint64_t *h)
{
	uint64_t ino;
	int calls = fk_calls, e;

	if ((e = fk_create(ctx, fs, dir, name, mode, uid, gid, 0, &ino)) == SK_OK)
		e = fk_open(ctx, fs, ino, flags, h);
	fk_calls = calls + 1;
	return e;
}

static int
fk_symlink(void *ctx, uint32_t fs, uint64_t dir, const char *name, const char *target,
    uint32_t uid, uint32_t gid)
{
	uint64_t ino;
	int e = fk_create(ctx, fs, dir, name, IO_S_IFLNK | 0777, uid, gid, 0, &ino);

	if (e != SK_OK)
		return e;
	snprintf(fk[fs].ino[ino].target, FS_PATH_MAX, "%s", target);
	fk[fs].ino[ino].tlen = (uint32_t)strlen(target);
	return SK_OK;
}

static int
fk_link(void *ctx, uint32_t fs, uint64_t dir, uint64_t ino, const char *name)
{
	FK_FS(fs);
	struct fk_ino *n = fk_inode(f, ino);

	if (n == NULL || (n->st.mode & IO_S_IFMT) == IO_S_IFDIR)
		return SK_E_PERM;
	if (fk_find(f, dir, name) != NULL)
		return SK_E_EXISTS;
	n->st.nlink++;
	return fk_add_ent(f, dir, name, ino);
}

static int
fk_unlink(void *ctx, uint32_t fs, uint64_t dir, const char *name, uint32_t flags)
{
	FK_FS(fs);
	struct fk_ent *e = fk_find(f, dir, name);
	int isdir;

	if (e == NULL)
		return SK_E_NOENT;
	isdir = (f->ino[e->ino].st.mode & IO_S_IFMT) == IO_S_IFDIR;
	if (flags == FS_UNLINK_DIR && !isdir)
		return SK_E_NOTDIR;
	if (flags != FS_UNLINK_DIR && isdir)
		return SK_E_ISDIR;
	if (isdir && !fk_dir_empty(f, e->ino))
		return SK_E_NOTEMPTY;
	fk_drop_link(f, e);
	return SK_OK;
}

static int
fk_rename(void *ctx, uint32_t fs, uint64_t odir, const char *oname, uint64_t ndir,
    const char *nname)
{
	FK_FS(fs);
	struct fk_ent *o = fk_find(f, odir, oname), *n = fk_find(f, ndir, nname);

	if (o == NULL)
		return SK_E_NOENT;
	if (n != NULL) {
		struct fk_ino *t = fk_inode(f, n->ino);

		if ((t->st.mode & IO_S_IFMT) == IO_S_IFDIR && !fk_dir_empty(f, n->ino))
			return SK_E_NOTEMPTY;
		fk_drop_link(f, n);
	}
	o->dir = ndir;
	snprintf(o->name, sizeof(o->name), "%s", nname);
	if ((f->ino[o->ino].st.mode & IO_S_IFMT) == IO_S_IFDIR)
		f->ino[o->ino].parent = ndir;
	return SK_OK;
}

static int
fk_open(void *ctx, uint32_t fs, uint64_t ino, uint32_t flags, uint64_t *h)
{
	FK_FS(fs);
	struct fk_ino *n = fk_inode(f, ino);

	if (n == NULL)
		return SK_E_NOENT;
	if ((flags & IO_O_TRUNC) && (n->st.mode & IO_S_IFMT) == IO_S_IFREG)
		n->st.size = 0;
	fk_open_fs = fs;
	fk_open_ino = ino;
	fk_open_flags = flags;
	*h = 0x1000 + ino;
	return SK_OK;
}

static int
fk_statfs(void *ctx, uint32_t fs, struct io_statfs *sfs)
{
	FK_FS(fs);
	sfs->type = 0x858458f6;
	sfs->namelen = FS_NAME_MAX;
	sfs->bsize = 4096;
	sfs->flags = fs;
	return SK_OK;
}

static int
fk_fifo_open(void *ctx, uint64_t dev, uint64_t ino, uint32_t flags, uint64_t *h)
{
	fk_calls++;
	fk_fifo_opens++;
	fk_fifo_dev = dev;
	fk_fifo_ino = ino;
	*h = 0x2000 + ino;
	return SK_OK;
}

/*
 * FS_WALK is libfs's own (lib/fs/fswalk.c) over the fake's calls, as a
 * file system on libfs answers it; the calls it makes count as one.
 */
static int64_t
fkw_lookup(void *fs, uint64_t dir, const char *name)
{
	struct io_stat st;
	uint64_t ino;
	int e = fk_lookup(NULL, (uint32_t)(uintptr_t)fs, dir, name, &ino, &st);

	return e != SK_OK ? -e : (int64_t)ino;
}

static int
fkw_getattr(void *fs, uint64_t ino, struct io_stat *st)
{
	int e = fk_getattr(NULL, (uint32_t)(uintptr_t)fs, ino, st);

	return e != SK_OK ? -e : SK_OK;
}

static int64_t
fkw_parent(void *fs, uint64_t dir)
{
	uint64_t up;
	int e = fk_parent(NULL, (uint32_t)(uintptr_t)fs, dir, &up);

	return e != SK_OK ? -e : (int64_t)up;
}

static int
fk_walk(void *ctx, uint32_t fs, const struct fswalk_in *in, struct fs_walk_rep *rep)
{
	struct fswalk_ops o = { (void *)(uintptr_t)fs, fkw_lookup, fkw_getattr, fkw_parent };
	int calls, e;

	if (fk_nowalk)
		return SK_E_NOSYS;	/* no call: fsclient.c remembers the answer */
	FK_FS(fs);
	calls = fk_calls;
	e = fswalk(&o, in, rep);
	fk_calls = calls;
	fk_walks++;
	return e;
}

static int
fk_open_map(void *ctx, uint32_t fs, uint64_t ino, uint64_t *h, uint64_t *size)
{
	FK_FS(fs);
	struct fk_ino *n = fk_inode(f, ino);

	if (n == NULL)
		return SK_E_NOENT;
	fk_open_fs = fs;
	fk_open_ino = ino;
	fk_open_flags = FS_OPEN_MAP;
	*h = 0x2000 + ino;
	*size = n->st.size;
	return SK_OK;
}

static const struct vfs_fsops fk_ops = {
	NULL, fk_known, fk_root, fk_lookup, fk_getattr, fk_parent, fk_readlink,
	fk_setattr, fk_create, fk_create_open, fk_symlink, fk_link, fk_unlink, fk_rename, fk_open,
	fk_statfs, fk_fifo_open, fk_walk, fk_open_map,
};

/* ---- building trees ---- */

/* A new file system fs with an empty root directory (mode 0755, root's). */
static void
fk_mkfs(uint32_t fs)
{
	memset(&fk[fs], 0, sizeof(fk[fs]));
	fk[fs].exists = 1;
	fk_new_inode(&fk[fs], IO_S_IFDIR | 0755, 0, 0);
	fk[fs].ino[1].parent = 1;
}

/* Add name in directory dir of fs; returns the inode (fails the test if 0). */
static uint64_t
fk_add(uint32_t fs, uint64_t dir, const char *name, uint32_t mode, uint32_t uid, uint32_t gid)
{
	uint64_t ino = 0;

	if (fk_create(NULL, fs, dir, name, mode, uid, gid, 0, &ino) != SK_OK)
		return 0;
	return ino;
}

static uint64_t
fk_ln(uint32_t fs, uint64_t dir, const char *name, const char *target)
{
	struct fk_ent *e;

	if (fk_symlink(NULL, fs, dir, name, target, 0, 0) != SK_OK)
		return 0;
	e = fk_find(&fk[fs], dir, name);
	return e != NULL ? e->ino : 0;
}

/* The inode at path (no links, no mounts) in fs, or 0. */
static uint64_t
fk_at(uint32_t fs, const char *path)
{
	char buf[FS_PATH_MAX], *save = NULL, *c;
	uint64_t ino = 1;

	snprintf(buf, sizeof(buf), "%s", path);
	for (c = strtok_r(buf, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		struct fk_ent *e = fk_find(&fk[fs], ino, c);

		if (e == NULL)
			return 0;
		ino = e->ino;
	}
	return ino;
}

static struct fk_ino *
fk_node(uint32_t fs, const char *path)
{
	uint64_t ino = fk_at(fs, path);

	return ino != 0 ? &fk[fs].ino[ino] : NULL;
}

/*
 * The standard world of the tests: ramfs at /, devfs at /dev, procfs at
 * /proc, with
 *   /bin/busybox (0755), /bin/sh -> busybox, /bin/up -> ../dev,
 *   /dev /proc /lib (0755), /lib64 -> /lib, /tmp (1777), /etc/passwd (0644),
 *   /secret (0700) and /secret/file, /home/user (0755, uid 1000),
 *   /loop1 -> loop2, /loop2 -> loop1, /self -> self, /empty -> "",
 *   /dangling -> /tmp/newfile;
 *   devfs: /null (char device 1:3, 0666), /pts; procfs: /1.
 */
#define FK_UID	1000
static void
fk_world(struct vfs_mtab *mt)
{
	uint32_t r = SVC_RAMFS, d = SVC_DEVFS, p = SVC_PROCFS;
	uint64_t bin, etc, sec, home, n;

	memset(fk, 0, sizeof(fk));
	fk_calls = 0;
	fk_fifo_opens = 0;
	fk_parent_non_dir = 0;
	fk_nowalk = 0;
	fk_walks = 0;
	fk_mkfs(r);
	fk_mkfs(d);
	fk_mkfs(p);
	bin = fk_add(r, 1, "bin", IO_S_IFDIR | 0755, 0, 0);
	fk_add(r, bin, "busybox", IO_S_IFREG | 0755, 0, 0);
	fk_ln(r, bin, "sh", "busybox");
	fk_ln(r, bin, "up", "../dev");
	fk_add(r, 1, "dev", IO_S_IFDIR | 0755, 0, 0);
	fk_add(r, 1, "proc", IO_S_IFDIR | 0555, 0, 0);
	fk_add(r, 1, "lib", IO_S_IFDIR | 0755, 0, 0);
	fk_ln(r, 1, "lib64", "/lib");
	fk_add(r, 1, "tmp", IO_S_IFDIR | 01777, 0, 0);
	etc = fk_add(r, 1, "etc", IO_S_IFDIR | 0755, 0, 0);
	fk_add(r, etc, "passwd", IO_S_IFREG | 0644, 0, 0);
	sec = fk_add(r, 1, "secret", IO_S_IFDIR | 0700, 0, 0);
	fk_add(r, sec, "file", IO_S_IFREG | 0644, 0, 0);
	home = fk_add(r, 1, "home", IO_S_IFDIR | 0755, 0, 0);
	fk_add(r, home, "user", IO_S_IFDIR | 0755, FK_UID, FK_UID);
	fk_ln(r, 1, "loop1", "loop2");
	fk_ln(r, 1, "loop2", "loop1");
	fk_ln(r, 1, "self", "self");
	fk_ln(r, 1, "empty", "");
	fk_ln(r, 1, "dangling", "/tmp/newfile");
	n = fk_add(d, 1, "null", IO_S_IFCHR | 0666, 0, 0);
	fk[d].ino[n].st.rdev = 0x103;
	fk_add(d, 1, "pts", IO_S_IFDIR | 0755, 0, 0);
	fk_add(p, 1, "1", IO_S_IFDIR | 0555, 0, 0);

	memset(mt, 0, sizeof(*mt));
	mtab_add(mt, r, 1, -1, 0, "/");
	mtab_add(mt, d, 1, 0, fk_at(r, "/dev"), "/dev");
	mtab_add(mt, p, 1, 0, fk_at(r, "/proc"), "/proc");
}

static const struct sk_cred fk_root_cred;
static const struct sk_cred fk_user_cred = {
	FK_UID, FK_UID, FK_UID, FK_UID, FK_UID, FK_UID, 1, 0, { 100 }
};

#endif
