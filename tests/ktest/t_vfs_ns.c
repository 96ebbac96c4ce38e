/*
 * vfs in the guest, changing the name space under /tmp: create, write,
 * read and unlink a file; mkdir and rmdir; rename; symbolic links and
 * SK_E_LOOP; permission refusals for a non-root credential. SKIP when vfs
 * or the root file system is not in the boot image.
 */
#include "vfs_kt.h"

/* Make /tmp if the ramdisk has none, and remove what an earlier run left. */
static void
kv_tmp(sk_handle_t v, const char *const *leftovers, int n)
{
	int64_t r = kv_path(v, VFS_MKNOD, IO_S_IFDIR | 01777, 0, "/tmp");

	if (r < 0 && SK_ERR(r) != SK_E_EXISTS)
		FAIL("cannot make /tmp: %s", sk_errname(SK_ERR(r)));
	for (int i = 0; i < n; i++) {
		kv_path(v, VFS_UNLINK, 0, 0, leftovers[i]);
		kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, leftovers[i]);
	}
}

KTEST(vfs_tmp_file)
{
	static const char *const names[] = { "/tmp/kt_vfs_f" };
	sk_handle_t v = KV_VFS();
	static const char text[] = "written through vfs";
	char canon[64], back[64];
	struct io_stat st;
	uint32_t type = 0;
	int64_t h, n;

	kv_tmp(v, names, 1);
	h = kv_open(v, "/tmp//kt_vfs_f", IO_O_RDWR | IO_O_CREAT | IO_O_EXCL, 0640, &type,
	    canon, sizeof(canon));
	CHECK_OK(h);
	CHECK(type == IO_S_IFREG);
	if (strcmp(canon, "/tmp/kt_vfs_f") != 0)
		FAIL("canonical path \"%s\"", canon);
	CHECK(kv_write((sk_handle_t)h, text, sizeof(text), 0) == sizeof(text));
	sk_handle_close((sk_handle_t)h);
	CHECK_ERR(kv_open(v, "/tmp/kt_vfs_f", IO_O_RDWR | IO_O_CREAT | IO_O_EXCL, 0640,
	    NULL, NULL, 0), SK_E_EXISTS, 0);
	CHECK_OK(kv_stat(v, "/tmp/kt_vfs_f", 0, &st));
	CHECK(st.size == sizeof(text) && (st.mode & 07777) == 0640 && st.uid == 0);
	h = kv_open(v, "/tmp/kt_vfs_f", IO_O_RDONLY, 0, NULL, NULL, 0);
	CHECK_OK(h);
	n = kv_read((sk_handle_t)h, back, sizeof(back), 0);
	sk_handle_close((sk_handle_t)h);
	CHECK(n == sizeof(text) && memcmp(back, text, sizeof(text)) == 0);
	/* O_TRUNC empties it. */
	h = kv_open(v, "/tmp/kt_vfs_f", IO_O_WRONLY | IO_O_TRUNC, 0, NULL, NULL, 0);
	CHECK_OK(h);
	sk_handle_close((sk_handle_t)h);
	CHECK_OK(kv_stat(v, "/tmp/kt_vfs_f", 0, &st));
	CHECK(st.size == 0);
	CHECK_ERR(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/kt_vfs_f"), SK_E_NOTDIR, 0);
	CHECK_OK(kv_path(v, VFS_UNLINK, 0, 0, "/tmp/kt_vfs_f"));
	CHECK_ERR(kv_stat(v, "/tmp/kt_vfs_f", 0, &st), SK_E_NOENT, 0);
	CHECK_ERR(kv_path(v, VFS_UNLINK, 0, 0, "/tmp/kt_vfs_f"), SK_E_NOENT, 0);
	return 0;
}

KTEST(vfs_mkdir_rmdir)
{
	static const char *const names[] = { "/tmp/kt_vfs_d/f", "/tmp/kt_vfs_d" };
	sk_handle_t v = KV_VFS();
	struct io_stat st;

	kv_tmp(v, names, 2);
	CHECK_OK(kv_path(v, VFS_MKNOD, IO_S_IFDIR | 0755, 0, "/tmp/kt_vfs_d/"));
	CHECK_OK(kv_stat(v, "/tmp/kt_vfs_d", 0, &st));
	CHECK((st.mode & IO_S_IFMT) == IO_S_IFDIR);
	CHECK_ERR(kv_path(v, VFS_MKNOD, IO_S_IFDIR | 0755, 0, "/tmp/kt_vfs_d"), SK_E_EXISTS, 0);
	CHECK_OK(kv_path(v, VFS_MKNOD, IO_S_IFREG | 0644, 0, "/tmp/kt_vfs_d/f"));
	CHECK_ERR(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/kt_vfs_d"), SK_E_NOTEMPTY, 0);
	CHECK_ERR(kv_path(v, VFS_UNLINK, 0, 0, "/tmp/kt_vfs_d"), SK_E_ISDIR, 0);
	CHECK_ERR(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/kt_vfs_d/."), SK_E_INVAL, 0);
	CHECK_OK(kv_path(v, VFS_UNLINK, 0, 0, "/tmp/kt_vfs_d/f"));
	CHECK_OK(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/kt_vfs_d"));
	CHECK_ERR(kv_stat(v, "/tmp/kt_vfs_d", 0, &st), SK_E_NOENT, 0);
	CHECK_ERR(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/"), SK_E_BUSY, 0);
	if (KT_SVC(given, SVC_DEVFS) != 0)
		CHECK_ERR(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/dev"), SK_E_BUSY, 0);
	return 0;
}

KTEST(vfs_rename)
{
	static const char *const names[] = {
		"/tmp/kt_vfs_r1", "/tmp/kt_vfs_r2", "/tmp/kt_vfs_rd/sub", "/tmp/kt_vfs_rd",
	};
	sk_handle_t v = KV_VFS();
	struct io_stat a, b;

	kv_tmp(v, names, 4);
	CHECK_OK(kv_path(v, VFS_MKNOD, IO_S_IFREG | 0644, 0, "/tmp/kt_vfs_r1"));
	CHECK_OK(kv_stat(v, "/tmp/kt_vfs_r1", 0, &a));
	CHECK_OK(kv_two(v, VFS_RENAME, 0, "/tmp/kt_vfs_r1", "/tmp/kt_vfs_r2"));
	CHECK_ERR(kv_stat(v, "/tmp/kt_vfs_r1", 0, &b), SK_E_NOENT, 0);
	CHECK_OK(kv_stat(v, "/tmp/kt_vfs_r2", 0, &b));
	CHECK(a.ino == b.ino);
	CHECK_OK(kv_path(v, VFS_MKNOD, IO_S_IFDIR | 0755, 0, "/tmp/kt_vfs_rd"));
	CHECK_OK(kv_path(v, VFS_MKNOD, IO_S_IFDIR | 0755, 0, "/tmp/kt_vfs_rd/sub"));
	CHECK_ERR(kv_two(v, VFS_RENAME, 0, "/tmp/kt_vfs_rd", "/tmp/kt_vfs_rd/sub/x"),
	    SK_E_INVAL, 0);
	CHECK_ERR(kv_two(v, VFS_RENAME, 0, "/tmp/kt_vfs_r2", "/tmp/kt_vfs_rd"), SK_E_ISDIR, 0);
	CHECK_ERR(kv_two(v, VFS_RENAME, 0, "/tmp/kt_vfs_rd", "/tmp/kt_vfs_r2"), SK_E_NOTDIR, 0);
	if (KT_SVC(given, SVC_DEVFS) != 0)
		CHECK_ERR(kv_two(v, VFS_RENAME, 0, "/tmp/kt_vfs_r2", "/dev/kt_vfs_r2"),
		    SK_E_XDEV, 0);
	CHECK_OK(kv_path(v, VFS_UNLINK, 0, 0, "/tmp/kt_vfs_r2"));
	CHECK_OK(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/kt_vfs_rd/sub"));
	CHECK_OK(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/kt_vfs_rd"));
	return 0;
}

KTEST(vfs_symlink_loop)
{
	static const char *const names[] = { "/tmp/kt_vfs_l", "/tmp/kt_vfs_a", "/tmp/kt_vfs_b" };
	sk_handle_t v = KV_VFS();
	char target[64], canon[64];
	struct io_stat st;
	struct sk_rpc m;
	int64_t h;

	kv_tmp(v, names, 3);
	CHECK_OK(kv_two(v, VFS_SYMLINK, 0, "../bin/busybox", "/tmp/kt_vfs_l"));
	CHECK(kv_req(v, VFS_READLINK, 0, 0, 0, "/tmp/kt_vfs_l", 14, target, sizeof(target),
	    &m, 0) == 14);
	if (memcmp(target, "../bin/busybox", 14) != 0)
		FAIL("readlink gave \"%.14s\"", target);
	CHECK_OK(kv_stat(v, "/tmp/kt_vfs_l", VFS_NOFOLLOW, &st));
	CHECK((st.mode & IO_S_IFMT) == IO_S_IFLNK);
	CHECK_OK(kv_stat(v, "/tmp/kt_vfs_l", 0, &st));
	CHECK((st.mode & IO_S_IFMT) == IO_S_IFREG);
	h = kv_open(v, "/tmp/kt_vfs_l", IO_O_RDONLY, 0, NULL, canon, sizeof(canon));
	CHECK_OK(h);
	sk_handle_close((sk_handle_t)h);
	if (strcmp(canon, "/bin/busybox") != 0)
		FAIL("canonical path \"%s\"", canon);
	CHECK_ERR(kv_open(v, "/tmp/kt_vfs_l", IO_O_RDONLY | IO_O_NOFOLLOW, 0, NULL, NULL, 0),
	    SK_E_LOOP, 0);
	CHECK_ERR(kv_path(v, VFS_READLINK, 0, 0, "/bin/busybox"), SK_E_INVAL, 0);
	/* A cycle. */
	CHECK_OK(kv_two(v, VFS_SYMLINK, 0, "kt_vfs_b", "/tmp/kt_vfs_a"));
	CHECK_OK(kv_two(v, VFS_SYMLINK, 0, "/tmp/kt_vfs_a", "/tmp/kt_vfs_b"));
	CHECK_ERR(kv_stat(v, "/tmp/kt_vfs_a", 0, &st), SK_E_LOOP, 0);
	CHECK_ERR(kv_stat(v, "/tmp/kt_vfs_b/x", 0, &st), SK_E_LOOP, 0);
	for (int i = 0; i < 3; i++)
		CHECK_OK(kv_path(v, VFS_UNLINK, 0, 0, names[i]));
	return 0;
}

KTEST(vfs_user_refused)
{
	static const char *const names[] = { "/tmp/kt_vfs_s/f", "/tmp/kt_vfs_s" };
	static const struct sk_cred user = { 1000, 1000, 1000, 1000, 1000, 1000, 0, 0, { 0 } };
	sk_handle_t v = KV_VFS();
	struct io_stat st;
	int64_t cr;

	kv_tmp(v, names, 2);
	CHECK_OK(kv_path(v, VFS_MKNOD, IO_S_IFDIR | 0700, 0, "/tmp/kt_vfs_s"));
	CHECK_OK(kv_path(v, VFS_MKNOD, IO_S_IFREG | 0644, 0, "/tmp/kt_vfs_s/f"));
	/* From here on this process is uid 1000. */
	cr = sk_cred_create(&user);
	CHECK_OK(cr);
	CHECK_OK(sk_proc_set_cred(SK_H_SELF_PROC, (sk_handle_t)cr));
	CHECK_ERR(kv_stat(v, "/tmp/kt_vfs_s/f", 0, &st), SK_E_ACCESS, 0);
	CHECK_OK(kv_stat(v, "/tmp/kt_vfs_s", 0, &st));
	CHECK_ERR(kv_path(v, VFS_CHDIR, 0, 0, "/tmp/kt_vfs_s"), SK_E_ACCESS, 0);
	/* Sticky /tmp: SK_E_PERM; a /tmp the user may not write: SK_E_ACCESS. */
	cr = kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/kt_vfs_s");
	CHECK(cr < 0 && (SK_ERR(cr) == SK_E_PERM || SK_ERR(cr) == SK_E_ACCESS));
	CHECK_ERR(kv_open(v, "/bin/busybox", IO_O_WRONLY, 0, NULL, NULL, 0), SK_E_ACCESS, 0);
	CHECK_ERR(kv_path(v, VFS_MKNOD, IO_S_IFCHR | 0600, 0, "/tmp/kt_vfs_c"), SK_E_PERM, 1);
	CHECK_ERR(kv_path(v, VFS_MOUNT, SVC_DEVFS, 0, "/tmp"), SK_E_PERM, 0);
	CHECK_ERR(kv_path(v, VFS_UMOUNT, 0, 0, "/dev"), SK_E_PERM, 0);
	/* Back to root (the kernel attests whatever credential we hold now). */
	{
		static const struct sk_cred root;
		int64_t rc = sk_cred_create(&root);

		CHECK_OK(rc);
		CHECK_OK(sk_proc_set_cred(SK_H_SELF_PROC, (sk_handle_t)rc));
	}
	CHECK_OK(kv_path(v, VFS_UNLINK, 0, 0, "/tmp/kt_vfs_s/f"));
	CHECK_OK(kv_path(v, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/kt_vfs_s"));
	return 0;
}
