/*
 * ramfs: start-up. h[0] is the endpoint, h[1] the ramdisk (a cpio newc
 * archive in a memory object; 0 for an empty root).
 */
#include "servers/ramfs/ramfs.h"

int main(uint64_t arg);

int
main(uint64_t arg)
{
	const struct sk_start *st = (const struct sk_start *)arg;
	int64_t root, size, va;
	int n = 0;

	if (st == NULL || st->nhandles < 1 || st->h[0] == 0) {
		sk_printf("ramfs: no endpoint\n");
		return 1;
	}
	if ((root = node_new(IO_S_IFDIR | 0755, 0, 0)) != 1) {
		sk_printf("ramfs: cannot make the root\n");
		return 1;
	}
	if (st->nhandles >= 2 && st->h[1] != 0 && (size = sk_vmo_size(st->h[1])) > 0) {
		va = sk_as_map(SK_H_SELF_AS, 0, (uint64_t)size, st->h[1], 0, SK_PROT_READ);
		if (va >= 0) {
			n = ramfs_load((const void *)va, (size_t)size);
			sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, (uint64_t)size);
		}
		sk_handle_close(st->h[1]);
	}
	sk_printf("ramfs: %d entries from the ramdisk, %lu inodes\n", n, (unsigned long)nnodes);
	libfs_serve(NULL, &ramfs_ops, st->h[0]);
}
