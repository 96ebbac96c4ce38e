/*
 * ramfs: the root file system in memory, loaded from the boot ramdisk.
 * Inode n is nodes[n - 1]. Directory entries keep their slot when one is
 * removed (the slot is reused later), so readdir cookies (slot + 2) stay
 * valid while a directory is being emptied, as rm -r does.
 */
#ifndef SERVERS_RAMFS_H
#define SERVERS_RAMFS_H

#include <stdlib.h>
#include <string.h>
#include "lib/fs/libfs.h"

struct dent {
	char *name;		/* NULL: free slot */
	uint64_t ino;
};

struct rnode {
	uint32_t mode;		/* 0: free inode */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	uint64_t rdev;
	struct io_time atime, mtime, ctime;
	/* Directories. */
	struct dent *ents;
	uint32_t nents, cap;
	uint64_t parent;
	/* Regular files: data in a memory object mapped at data. */
	sk_handle_t vmo;
	char *data;
	uint64_t dcap;
	/* Symbolic links. */
	char *target;
};

extern struct rnode *nodes;
extern uint64_t nnodes;

struct rnode *node(uint64_t ino);
int64_t node_new(uint32_t mode, uint32_t uid, uint32_t gid);
void node_put(uint64_t ino);		/* drop one link; free at zero */
int64_t dir_find(struct rnode *d, const char *name, uint32_t *slot);
int dir_add(uint64_t dir, const char *name, uint64_t ino);
int file_resize(struct rnode *n, uint64_t size);
int file_reserve(struct rnode *n, uint64_t size);
int64_t file_write(struct rnode *n, uint64_t off, const void *buf, uint64_t len);

/* load.c: the ramdisk into the tree. */
int ramfs_load(const void *cpio, size_t len);

extern const struct libfs_ops ramfs_ops;

#endif
