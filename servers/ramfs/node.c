/*
 * ramfs inodes, directories and file data.
 */
#include "servers/ramfs/ramfs.h"

#define PAGE	4096ull
#define RESERVE_PAGES	1024	/* free memory a file never takes */

struct rnode *nodes;
uint64_t nnodes;
static uint64_t ncap;

struct rnode *
node(uint64_t ino)
{
	if (ino == 0 || ino > nnodes || nodes[ino - 1].mode == 0)
		return NULL;
	return &nodes[ino - 1];
}

/* A new inode with one link (two for a directory, whose parent is set later). */
int64_t
node_new(uint32_t mode, uint32_t uid, uint32_t gid)
{
	uint64_t i;
	struct rnode *n;

	for (i = 0; i < nnodes; i++)
		if (nodes[i].mode == 0)
			break;
	if (i == nnodes) {
		if (nnodes == ncap) {
			uint64_t nc = ncap ? ncap * 2 : 1024;
			struct rnode *nn = realloc(nodes, nc * sizeof(*nodes));

			if (nn == NULL)
				return -SK_E_NOSPC;
			memset(nn + ncap, 0, (nc - ncap) * sizeof(*nodes));
			nodes = nn;
			ncap = nc;
		}
		nnodes++;
	}
	n = &nodes[i];
	memset(n, 0, sizeof(*n));
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->nlink = (mode & IO_S_IFMT) == IO_S_IFDIR ? 2 : 1;
	n->atime = n->mtime = n->ctime = libfs_now();
	return (int64_t)(i + 1);
}

void
node_put(uint64_t ino)
{
	struct rnode *n = node(ino);

	if (n == NULL || --n->nlink > ((n->mode & IO_S_IFMT) == IO_S_IFDIR ? 1u : 0u))
		return;
	if (n->data != NULL)
		sk_as_unmap(SK_H_SELF_AS, (uint64_t)n->data, n->dcap);
	if (n->vmo != 0)
		sk_handle_close(n->vmo);
	for (uint32_t i = 0; i < n->nents; i++)
		free(n->ents[i].name);
	free(n->ents);
	free(n->target);
	memset(n, 0, sizeof(*n));
}

int64_t
dir_find(struct rnode *d, const char *name, uint32_t *slot)
{
	for (uint32_t i = 0; i < d->nents; i++)
		if (d->ents[i].name != NULL && strcmp(d->ents[i].name, name) == 0) {
			if (slot != NULL)
				*slot = i;
			return (int64_t)d->ents[i].ino;
		}
	return -SK_E_NOENT;
}

int
dir_add(uint64_t dir, const char *name, uint64_t ino)
{
	struct rnode *d = node(dir);
	uint32_t i;

	if (d == NULL || (d->mode & IO_S_IFMT) != IO_S_IFDIR)
		return -SK_E_NOTDIR;
	for (i = 0; i < d->nents; i++)
		if (d->ents[i].name == NULL)
			break;
	if (i == d->nents) {
		if (d->nents == d->cap) {
			uint32_t nc = d->cap ? d->cap * 2 : 8;
			struct dent *ne = realloc(d->ents, nc * sizeof(*ne));

			if (ne == NULL)
				return -SK_E_NOSPC;
			d = node(dir);	/* nodes[] did not move, but be plain about it */
			d->ents = ne;
			d->cap = nc;
		}
		d->nents++;
	}
	if ((d->ents[i].name = strdup(name)) == NULL)
		return -SK_E_NOSPC;
	d->ents[i].ino = ino;
	d->mtime = d->ctime = libfs_now();
	return SK_OK;
}

/*
 * Whether free memory holds bytes more of file data, with RESERVE_PAGES
 * left over. Without the kernel's statistics the kernel decides.
 */
static int
room_for(uint64_t bytes)
{
	struct sk_kstat ks;

	if (sk_kstat(&ks) < 0)
		return 1;
	return bytes / PAGE + RESERVE_PAGES <= ks.pages_free;
}

/*
 * Make room for size bytes of data: a larger memory object (capacity
 * doubling) with the old contents copied. Shrinking clears the tail so
 * that a later growth reads zeros. Files are not sparse: every byte up
 * to the size may be touched (by that clearing, and by the copy when the
 * object grows), so a growth free memory cannot hold fails with
 * SK_E_NOSPC, as a full tmpfs does, instead of faulting later.
 */
int
file_resize(struct rnode *n, uint64_t size)
{
	int e;

	if ((e = file_reserve(n, size)) < 0)
		return e;
	if (size < n->size)
		memset(n->data + size, 0, n->size - size);
	n->size = size;
	return SK_OK;
}

/*
 * Make room for size bytes of data as file_resize does, without changing
 * the size: the bytes past it stay zeros.
 */
int
file_reserve(struct rnode *n, uint64_t size)
{
	if (size > (1ull << 32))
		return -SK_E_FBIG;
	if (size > n->size &&
	    !room_for(size - n->size + (size > n->dcap ? n->size : 0)))
		return -SK_E_NOSPC;
	if (size <= n->dcap)
		return SK_OK;
	uint64_t cap = n->dcap ? n->dcap : PAGE;
	int64_t v, va;

	while (cap < size)
		cap *= 2;
	if ((v = sk_vmo_create(cap, 0)) < 0)
		return -SK_E_NOSPC;
	va = sk_as_map(SK_H_SELF_AS, 0, cap, (sk_handle_t)v, 0,
	    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_SHARED);
	if (va < 0) {
		sk_handle_close((sk_handle_t)v);
		return -SK_E_NOSPC;
	}
	if (n->data != NULL) {
		memcpy((char *)va, n->data, n->size);
		sk_as_unmap(SK_H_SELF_AS, (uint64_t)n->data, n->dcap);
		sk_handle_close(n->vmo);
	}
	n->vmo = (sk_handle_t)v;
	n->data = (char *)va;
	n->dcap = cap;
	return SK_OK;
}

int64_t
file_write(struct rnode *n, uint64_t off, const void *buf, uint64_t len)
{
	int e;

	if (off + len < off)
		return -SK_E_FBIG;
	if (off + len > n->size && (e = file_resize(n, off + len)) < 0)
		return e;
	memcpy(n->data + off, buf, len);
	n->mtime = n->ctime = libfs_now();
	return (int64_t)len;
}
