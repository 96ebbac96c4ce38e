/*
 * The mount table (see vfs.h). Pure: no system calls.
 */
#include "servers/vfs/vfs.h"
#include "abi/skiff/proto/svc.h"

int
mtab_root(const struct vfs_mtab *mt)
{
	for (int i = 0; i < mt->n; i++)
		if (mt->m[i].used && mt->m[i].parent < 0)
			return i;
	return -1;
}

int
mtab_covering(const struct vfs_mtab *mt, int mnt, uint64_t ino)
{
	for (int i = 0; i < mt->n; i++)
		if (mt->m[i].used && mt->m[i].parent == mnt && mt->m[i].mp == ino)
			return i;
	return -1;
}

int
mtab_is_root(const struct vfs_mtab *mt, int mnt, uint64_t ino)
{
	return mnt >= 0 && mnt < VFS_NMOUNT && mt->m[mnt].used && mt->m[mnt].root == ino;
}

int
mtab_add(struct vfs_mtab *mt, uint32_t fs, uint64_t root, int parent,
    uint64_t mp, const char *path)
{
	struct vfs_mount *m;
	size_t len = 0;
	int i;

	while (len < VFS_MNT_PATHMAX && path[len] != '\0')
		len++;
	if (len >= VFS_MNT_PATHMAX)
		return -SK_E_NAMETOOLONG;
	if (parent < 0) {
		if (mtab_root(mt) >= 0)
			return -SK_E_BUSY;
	} else {
		if (parent >= VFS_NMOUNT || !mt->m[parent].used)
			return -SK_E_INVAL;
		if (mtab_covering(mt, parent, mp) >= 0)
			return -SK_E_BUSY;
	}
	for (i = 0; i < VFS_NMOUNT && mt->m[i].used; i++)
		continue;
	if (i == VFS_NMOUNT)
		return -SK_E_NOSPC;
	m = &mt->m[i];
	m->used = 1;
	m->fs = fs;
	m->root = root;
	m->parent = parent < 0 ? -1 : parent;
	m->mp = parent < 0 ? 0 : mp;
	m->dev = VFS_DEV_OF(fs);
	memcpy(m->path, path, len + 1);
	if (i >= mt->n)
		mt->n = i + 1;
	return i;
}

int
mtab_remove(struct vfs_mtab *mt, int idx)
{
	if (idx < 0 || idx >= VFS_NMOUNT || !mt->m[idx].used)
		return SK_E_INVAL;
	for (int i = 0; i < mt->n; i++)
		if (mt->m[i].used && mt->m[i].parent == idx)
			return SK_E_BUSY;
	memset(&mt->m[idx], 0, sizeof(mt->m[idx]));
	while (mt->n > 0 && !mt->m[mt->n - 1].used)
		mt->n--;
	return SK_OK;
}

int
mtab_nth(const struct vfs_mtab *mt, uint32_t n)
{
	for (int i = 0; i < mt->n; i++)
		if (mt->m[i].used && n-- == 0)
			return i;
	return -1;
}

const char *
mtab_fsname(uint32_t fs)
{
	static const char *const names[SVC_COUNT] = {
		[SVC_INIT] = "init", [SVC_UART] = "uart", [SVC_TTY] = "tty",
		[SVC_RAMFS] = "ramfs", [SVC_DEVFS] = "devfs", [SVC_PIPE] = "pipe",
		[SVC_PROC] = "proc", [SVC_PROCFS] = "procfs", [SVC_VFS] = "vfs", [SVC_RTC] = "rtc",
		[SVC_TEST] = "test",
	};

	if (fs < SVC_COUNT && names[fs] != NULL)
		return names[fs];
	return "fs";
}
