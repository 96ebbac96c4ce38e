/*
 * ramfs: start-up. Start handles: h[0] is the endpoint, h[1] the ramdisk
 * (a cpio newc archive in a memory object; 0 for an empty root).
 */
#include <stdio.h>
#include "servers/ramfs/ramfs.h"

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);
	int64_t root, size, va;
	int n = 0;

	if (nh < 1 || h[0] == 0) {
		fprintf(stderr, "ramfs: no endpoint\n");
		return 1;
	}
	if ((root = node_new(IO_S_IFDIR | 0755, 0, 0)) != 1) {
		fprintf(stderr, "ramfs: cannot make the root\n");
		return 1;
	}
	if (nh >= 2 && h[1] != 0 && (size = sk_vmo_size(h[1])) > 0) {
		va = sk_as_map(SK_H_SELF_AS, 0, (uint64_t)size, h[1], 0, SK_PROT_READ);
		if (va >= 0) {
			n = ramfs_load((const void *)va, (size_t)size);
			sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, (uint64_t)size);
		}
		sk_handle_close(h[1]);
	}
	printf("ramfs: %d entries from the ramdisk, %lu inodes\n", n, (unsigned long)nnodes);
	fflush(stdout);
	libfs_serve(NULL, &ramfs_ops, h[0]);
}
