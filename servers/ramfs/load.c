/*
 * Loading the boot ramdisk (cpio newc) into the tree: directories and
 * files in archive order, parents made as needed, hard links joined by
 * the archive's inode numbers (the data comes with the last of them).
 */
#include "servers/ramfs/ramfs.h"
#include "lib/fs/cpio.h"

#define MAX_LINKED	4096

static struct { uint32_t cino; uint64_t ino; } linked[MAX_LINKED];
static uint32_t nlinked;

/* Find or make the directory path[0..len) (relative to the root). */
static int64_t
walk_dirs(const char *path, size_t len, int make_missing)
{
	uint64_t dir = 1;
	size_t i = 0;
	char comp[FS_NAME_MAX + 1];

	while (i < len) {
		size_t j = i;
		int64_t ino;

		while (j < len && path[j] != '/')
			j++;
		if (j - i == 0 || j - i > FS_NAME_MAX) {
			i = j + 1;
			continue;
		}
		memcpy(comp, path + i, j - i);
		comp[j - i] = '\0';
		i = j + 1;
		if (strcmp(comp, ".") == 0)
			continue;
		if ((ino = dir_find(node(dir), comp, NULL)) < 0) {
			if (!make_missing)
				return ino;
			if ((ino = ramfs_ops.create(NULL, dir, comp, IO_S_IFDIR | 0755, 0, 0, 0)) < 0)
				return ino;
		}
		if ((node((uint64_t)ino)->mode & IO_S_IFMT) != IO_S_IFDIR)
			return -SK_E_NOTDIR;
		dir = (uint64_t)ino;
	}
	return (int64_t)dir;
}

static int
load_one(const struct cpio_entry *e)
{
	const char *name = e->name, *base;
	size_t nl = e->namelen;
	int64_t dir, ino;
	struct rnode *n;

	while (nl > 0 && name[0] == '/') {
		name++;
		nl--;
	}
	if (nl == 0 || (nl == 1 && name[0] == '.'))
		return 0;	/* the root itself */
	base = name + nl;
	while (base > name && base[-1] != '/')
		base--;
	if ((size_t)(name + nl - base) > FS_NAME_MAX)
		return -SK_E_NAMETOOLONG;
	if ((dir = walk_dirs(name, (size_t)(base - name), 1)) < 0)
		return (int)dir;
	if ((ino = dir_find(node((uint64_t)dir), base, NULL)) >= 0) {
		/* A directory listed after one of its children: take its attributes. */
		n = node((uint64_t)ino);
		if ((e->mode & IO_S_IFMT) == IO_S_IFDIR && (n->mode & IO_S_IFMT) == IO_S_IFDIR) {
			n->mode = e->mode;
			n->uid = e->uid;
			n->gid = e->gid;
			n->mtime = n->ctime = (struct io_time){ e->mtime, 0, 0 };
			return 0;
		}
		return -SK_E_EXISTS;
	}
	if ((e->mode & IO_S_IFMT) != IO_S_IFDIR && e->nlink > 1) {
		for (uint32_t i = 0; i < nlinked; i++)
			if (linked[i].cino == e->ino) {
				int r = ramfs_ops.link(NULL, (uint64_t)dir, base, linked[i].ino);

				if (r == 0 && e->size > 0)
					r = (int)file_write(node(linked[i].ino), 0, e->data, e->size);
				return r < 0 ? r : 0;
			}
	}
	if ((e->mode & IO_S_IFMT) == IO_S_IFLNK) {
		char target[FS_PATH_MAX];

		if (e->size == 0 || e->size >= sizeof(target))
			return -SK_E_INVAL;
		memcpy(target, e->data, e->size);
		target[e->size] = '\0';
		ino = ramfs_ops.symlink(NULL, (uint64_t)dir, base, target, e->uid, e->gid);
	} else {
		ino = ramfs_ops.create(NULL, (uint64_t)dir, base, e->mode, e->uid, e->gid,
		    ((uint64_t)e->rdevmajor << 8) | e->rdevminor);
	}
	if (ino < 0)
		return (int)ino;
	n = node((uint64_t)ino);
	if ((e->mode & IO_S_IFMT) == IO_S_IFREG && e->size > 0 &&
	    file_write(n, 0, e->data, e->size) < 0)
		return -SK_E_NOSPC;
	n = node((uint64_t)ino);
	n->mtime = n->ctime = n->atime = (struct io_time){ e->mtime, 0, 0 };
	if ((e->mode & IO_S_IFMT) != IO_S_IFDIR && e->nlink > 1 && nlinked < MAX_LINKED) {
		linked[nlinked].cino = e->ino;
		linked[nlinked].ino = (uint64_t)ino;
		nlinked++;
	}
	return 0;
}

int
ramfs_load(const void *cpio, size_t len)
{
	struct cpio_entry e;
	size_t off = 0;
	int r, n = 0, bad = 0;

	while ((r = cpio_next(cpio, len, &off, &e)) == CPIO_OK) {
		int x = load_one(&e);

		if (x < 0 && bad++ < 5)
			sk_printf("ramfs: ramdisk entry %.*s: %s\n", (int)e.namelen, e.name,
			    sk_errname(-x));
		n++;
	}
	if (r != CPIO_END && len > 0)
		sk_printf("ramfs: ramdisk: %s after %d entries\n", cpio_strerror(r), n);
	return n;
}
