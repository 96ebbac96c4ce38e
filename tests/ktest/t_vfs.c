/*
 * vfs in the guest, looking things up: open and read /bin/busybox, stat
 * across mounts, the mount list, the errors of path resolution and
 * messages vfs must refuse. SKIP when vfs or the root file system is not
 * in the boot image.
 */
#include "vfs_kt.h"

KTEST(vfs_open_busybox)
{
	sk_handle_t v = KV_VFS();
	char canon[64], head[4];
	uint32_t type = 0;
	int64_t h;

	h = kv_open(v, "/bin/../bin//busybox", IO_O_RDONLY, 0, &type, canon, sizeof(canon));
	CHECK_OK(h);
	CHECK(type == IO_S_IFREG);
	if (strcmp(canon, "/bin/busybox") != 0)
		FAIL("canonical path \"%s\", expected /bin/busybox", canon);
	CHECK(kv_read((sk_handle_t)h, head, 4, 0) == 4);
	CHECK(head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F');
	sk_handle_close((sk_handle_t)h);
	/* Writing needs a writable open; busybox is not a directory. */
	CHECK_ERR(kv_open(v, "/bin/busybox", IO_O_RDONLY | IO_O_DIRECTORY, 0, NULL, NULL, 0),
	    SK_E_NOTDIR, 0);
	CHECK_ERR(kv_open(v, "/bin", IO_O_WRONLY, 0, NULL, NULL, 0), SK_E_ISDIR, 0);
	return 0;
}

KTEST(vfs_stat_mounts)
{
	sk_handle_t v = KV_VFS();
	struct io_stat root, null, bb;
	char name[128];
	struct sk_rpc m;

	CHECK_OK(kv_stat(v, "/", 0, &root));
	CHECK((root.mode & IO_S_IFMT) == IO_S_IFDIR);
	CHECK_OK(kv_stat(v, "/bin/busybox", 0, &bb));
	CHECK((bb.mode & IO_S_IFMT) == IO_S_IFREG && bb.size > 100000);
	CHECK(bb.dev == root.dev);
	CHECK_OK(kv_req(v, VFS_MOUNTS, 0, 0, 0, NULL, 0, name, sizeof(name), &m, 0));
	if (strcmp(name, "ramfs /") != 0)
		FAIL("mount 0 is \"%s\", expected \"ramfs /\"", name);
	CHECK_ERR(kv_req(v, VFS_MOUNTS, 1000, 0, 0, NULL, 0, name, sizeof(name), &m, 0),
	    SK_E_NOENT, 1);
	if (KT_SVC(given, SVC_DEVFS) == 0)
		return 0;	/* no devfs: no /dev/null to look at */
	CHECK_OK(kv_stat(v, "/dev/null", 0, &null));
	CHECK((null.mode & IO_S_IFMT) == IO_S_IFCHR);
	CHECK(null.dev != root.dev);
	CHECK_OK(kv_stat(v, "/dev/../bin/busybox", 0, &bb));
	CHECK(bb.dev == root.dev);
	return 0;
}

KTEST(vfs_lookup_errors)
{
	sk_handle_t v = KV_VFS();
	struct io_stat st;
	char longname[300];

	CHECK_ERR(kv_stat(v, "/no/such/file", 0, &st), SK_E_NOENT, 0);
	CHECK_ERR(kv_stat(v, "/nosuchfile", 0, &st), SK_E_NOENT, 0);
	CHECK_ERR(kv_stat(v, "/bin/busybox/x", 0, &st), SK_E_NOTDIR, 0);
	CHECK_ERR(kv_stat(v, "/bin/busybox/", 0, &st), SK_E_NOTDIR, 0);
	CHECK_ERR(kv_stat(v, "bin/busybox", 0, &st), SK_E_INVAL, 0);
	CHECK_ERR(kv_stat(v, "/bin/busybox", 0x40, &st), SK_E_INVAL, 2);
	memset(longname, 'x', sizeof(longname));
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	CHECK_ERR(kv_stat(v, longname, 0, &st), SK_E_NAMETOOLONG, 0);
	CHECK_OK(kv_stat(v, "/..//./bin/./", 0, &st));
	CHECK((st.mode & IO_S_IFMT) == IO_S_IFDIR);
	return 0;
}

KTEST(vfs_garbage)
{
	sk_handle_t v = KV_VFS();
	static char big[3 * FS_PATH_MAX];	/* vfs takes 2 * FS_PATH_MAX */
	char path[8] = "/bin";
	struct io_stat st;
	struct sk_rpc m;
	int64_t n;

	/* Unknown labels. */
	CHECK_ERR(kv_req(v, 0x12345, 1, 2, 3, NULL, 0, NULL, 0, &m, 0), SK_E_NOSYS, 0);
	CHECK_ERR(kv_req(v, IO_READ, 1, 2, 3, NULL, 0, NULL, 0, &m, 0), SK_E_NOSYS, 0);
	/* No payload, a path without its NUL, random words. */
	for (uint32_t op = VFS_OPEN; op <= VFS_UMOUNT; op++) {
		CHECK(kv_req(v, op, ~0ull, ~0ull, ~0ull, NULL, 0, &st, sizeof(st), &m, 0) < 0);
		CHECK(kv_req(v, op, 0, 0, 0, path, 4, &st, sizeof(st), &m, 0) < 0);
	}
	/* A payload larger than vfs takes: the kernel refuses it, vfs lives on. */
	memset(big, '/', sizeof(big));
	n = kv_req(v, VFS_STAT, 0, 0, 0, big, sizeof(big), &st, sizeof(st), &m, 0);
	CHECK(n < 0);
	/* A handle sent along is taken and dropped. */
	{
		int64_t nt = sk_notif_create();

		CHECK_OK(nt);
		memset(&m, 0, sizeof(m));
		m.label = VFS_STAT;
		m.snd = "/";
		m.snd_len = 2;
		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)nt;
		m.rcv = &st;
		m.rcv_max = sizeof(st);
		CHECK_OK(sk_rpc(v, &m, KV_TIMEOUT));
	}
	/* A reply too big for the receive buffer fails only that call. */
	CHECK(kv_req(v, VFS_STAT, 0, 0, 0, "/", 2, &st, 8, &m, 0) < 0);
	/* Still serving. */
	CHECK_OK(kv_stat(v, "/bin/busybox", 0, &st));
	return 0;
}

/*
 * vfs without a root file system (ramfs not in the boot image): every
 * path names nothing, the mount list is empty, and vfs still refuses
 * garbage and serves on. SKIP when there is a root file system (the
 * other cases cover that) or no vfs.
 */
KTEST(vfs_without_root)
{
	sk_handle_t v = KT_SVC(given, SVC_VFS);
	struct io_stat st;
	struct sk_rpc m;
	char buf[64];
	int64_t r;

	if (v == 0)
		SKIP("no vfs in the boot image");
	r = kv_stat(v, "/", 0, &st);
	if (r >= 0)
		SKIP("vfs has a root file system");
	CHECK_ERR(r, SK_E_NOENT, 0);
	CHECK_ERR(kv_open(v, "/bin/busybox", IO_O_RDONLY, 0, NULL, NULL, 0), SK_E_NOENT, 0);
	CHECK_ERR(kv_path(v, VFS_MKNOD, IO_S_IFDIR | 0755, 0, "/tmp"), SK_E_NOENT, 0);
	CHECK_ERR(kv_two(v, VFS_RENAME, 0, "/a", "/b"), SK_E_NOENT, 0);
	CHECK_ERR(kv_stat(v, "relative", 0, &st), SK_E_INVAL, 0);
	CHECK_ERR(kv_req(v, VFS_MOUNTS, 0, 0, 0, NULL, 0, buf, sizeof(buf), &m, 0),
	    SK_E_NOENT, 1);
	CHECK_ERR(kv_path(v, VFS_MOUNT, SVC_COUNT + 5, 0, "/"), SK_E_INVAL, 1);
	CHECK_ERR(kv_req(v, 0x777, 0, 0, 0, NULL, 0, NULL, 0, &m, 0), SK_E_NOSYS, 0);
	CHECK_ERR(kv_req(v, VFS_STAT, 0, 0, 0, "/bin", 4, &st, sizeof(st), &m, 0),
	    SK_E_INVAL, 0);
	CHECK_ERR(kv_stat(v, "/", 0, &st), SK_E_NOENT, 0);
	return 0;
}
