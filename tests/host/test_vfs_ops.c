/*
 * servers/vfs/ops*.c: the vfs requests (abi/skiff/proto/vfs.h) as a
 * client sends them, answered over the in-memory file systems of
 * vfs_fake.h: results, replies, permission refusals and garbage.
 */
#include "tests/host/host.h"
#include "lib/fs/perm.c"
#include "servers/vfs/mount.c"
#include "servers/vfs/walk.c"
#include "servers/vfs/ops.c"
#include "servers/vfs/ops_ns.c"
#include "servers/vfs/ops_mount.c"
#include "tests/host/vfs_fake.h"

static struct vfs v;
static struct vfs_rep rep;

#define R	SVC_RAMFS
#define ROOT	(&fk_root_cred)
#define USER	(&fk_user_cred)
#define E(code)	SK_ERRVAL(code, 0)

static void
setup(void)
{
	fk_world(&v.mt);
	v.ops = &fk_ops;
}

/* One request; the payload is copied to a buffer of exactly len bytes. */
static int64_t
req(const struct sk_cred *c, uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2,
    const void *buf, uint32_t len)
{
	struct vfs_req q;
	char *copy = malloc(len ? len : 1);

	memset(&q, 0, sizeof(q));
	if (len > 0)
		memcpy(copy, buf, len);
	q.label = label;
	q.w[0] = w0;
	q.w[1] = w1;
	q.w[2] = w2;
	q.buf = copy;
	q.len = len;
	q.cred = *c;
	vfs_handle(&v, &q, &rep);
	free(copy);
	return rep.w0;
}

/* A request whose payload is one path. */
static int64_t
req1(const struct sk_cred *c, uint32_t label, uint64_t w0, uint64_t w1, const char *path)
{
	return req(c, label, w0, w1, 0, path, (uint32_t)strlen(path) + 1);
}

/* A request whose payload is two strings. */
static int64_t
req2(const struct sk_cred *c, uint32_t label, uint64_t w1, const char *a, const char *b)
{
	char buf[2 * FS_PATH_MAX];
	size_t la = strlen(a), lb = strlen(b);

	memcpy(buf, a, la + 1);
	memcpy(buf + la + 1, b, lb + 1);
	return req(c, label, 0, w1, 0, buf, (uint32_t)(la + lb + 2));
}

static int64_t
mkdir_(const struct sk_cred *c, const char *path, uint32_t mode)
{
	return req1(c, VFS_MKNOD, IO_S_IFDIR | mode, 0, path);
}

static int64_t
stat_(const struct sk_cred *c, const char *path, uint32_t flags, struct io_stat *st)
{
	int64_t r = req1(c, VFS_STAT, 0, flags, path);

	if (r == 0 && rep.len == sizeof(*st))
		memcpy(st, rep.buf, sizeof(*st));
	return r;
}

TEST(open_existing_file)
{
	setup();
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY, 0, "/bin//./busybox"), 0);
	CHECK(rep.has_h);
	CHECK_EQ(rep.h, 0x1000 + fk_at(R, "/bin/busybox"));
	CHECK_EQ(rep.w1, IO_S_IFREG);
	CHECK_EQ(rep.len, strlen("/bin/busybox") + 1);
	CHECK_STREQ(rep.buf, "/bin/busybox");
	CHECK_EQ(fk_open_fs, R);
	/* Through a link: the canonical path is the target's. */
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY, 0, "/bin/sh"), 0);
	CHECK_STREQ(rep.buf, "/bin/busybox");
	/* A directory, read-only. */
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY | IO_O_DIRECTORY, 0, "/dev"), 0);
	CHECK_EQ(rep.w1, IO_S_IFDIR);
	CHECK_EQ(fk_open_fs, SVC_DEVFS);
	/* A device from devfs. */
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDWR, 0, "/dev/null"), 0);
	CHECK_EQ(rep.w1, IO_S_IFCHR);
	CHECK_EQ(fk_open_fs, SVC_DEVFS);
	CHECK_EQ(fk_open_flags, IO_O_RDWR);
}

TEST(open_refusals)
{
	setup();
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY, 0, "/nope"), E(SK_E_NOENT));
	CHECK(!rep.has_h);
	CHECK_EQ(rep.len, 0);
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_WRONLY, 0, "/bin"), E(SK_E_ISDIR));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY | IO_O_TRUNC, 0, "/bin"), E(SK_E_ISDIR));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY | IO_O_DIRECTORY, 0, "/bin/busybox"),
	    E(SK_E_NOTDIR));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY | IO_O_NOFOLLOW, 0, "/bin/sh"), E(SK_E_LOOP));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY, 0, "/loop1"), E(SK_E_LOOP));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY, 0, "/bin/busybox/"), E(SK_E_NOTDIR));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_ACCMODE, 0, "/bin/busybox"), SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(ROOT, VFS_OPEN, 1ull << 40, 0, "/bin/busybox"), SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(ROOT, VFS_OPEN, 0, 0, "bin/busybox"), E(SK_E_INVAL));
	/* Permissions from the access mode. */
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY, 0, "/etc/passwd"), 0);
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_WRONLY, 0, "/etc/passwd"), E(SK_E_ACCESS));
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDWR, 0, "/etc/passwd"), E(SK_E_ACCESS));
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY | IO_O_TRUNC, 0, "/etc/passwd"), E(SK_E_ACCESS));
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY, 0, "/secret/file"), E(SK_E_ACCESS));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDWR, 0, "/etc/passwd"), 0);
	fk_node(R, "/etc/passwd")->st.mode = IO_S_IFREG | 0200;
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY, 0, "/etc/passwd"), E(SK_E_ACCESS));
	/* O_PATH needs no read or write permission. */
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_PATH, 0, "/etc/passwd"), 0);
}

TEST(open_create)
{
	struct fk_ino *n;

	setup();
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT, 0640, "/tmp/f"), 0);
	CHECK(rep.has_h);
	CHECK_EQ(rep.w1, IO_S_IFREG);
	CHECK_STREQ(rep.buf, "/tmp/f");
	REQUIRE((n = fk_node(R, "/tmp/f")) != NULL);
	CHECK_EQ(n->st.mode, IO_S_IFREG | 0640);
	CHECK_EQ(n->st.uid, FK_UID);
	CHECK_EQ(n->st.gid, FK_UID);
	CHECK_EQ(rep.h, 0x1000 + fk_at(R, "/tmp/f"));
	/* Mode 0 still opens for the creator. */
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDWR | IO_O_CREAT, 0, "/tmp/g"), 0);
	CHECK_EQ(fk_node(R, "/tmp/g")->st.mode, IO_S_IFREG);
	/* Again without O_EXCL opens it; with O_EXCL it exists. */
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT, 0640, "/tmp/f"), 0);
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT | IO_O_EXCL, 0640, "/tmp/f"),
	    E(SK_E_EXISTS));
	/* O_CREAT follows a dangling link, O_CREAT|O_EXCL does not. */
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT | IO_O_EXCL, 0644, "/dangling"),
	    E(SK_E_EXISTS));
	CHECK_EQ(fk_at(R, "/tmp/newfile"), 0);
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT, 0644, "/dangling"), 0);
	CHECK_STREQ(rep.buf, "/tmp/newfile");
	CHECK(fk_at(R, "/tmp/newfile") != 0);
	/* Where the user may not write, or with a trailing slash. */
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT, 0644, "/etc/x"), E(SK_E_ACCESS));
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT, 0644, "/tmp/d/"), E(SK_E_ISDIR));
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_CREAT, 0644, "/nope/x"), E(SK_E_NOENT));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY | IO_O_CREAT, 0, "/bin"), E(SK_E_ISDIR));
	/* Creating in a set-group-ID directory takes its group. */
	mkdir_(ROOT, "/sg", 02777);
	fk_node(R, "/sg")->st.gid = 55;
	fk_node(R, "/sg")->st.mode = IO_S_IFDIR | 02777;
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT, 02755, "/sg/f"), 0);
	CHECK_EQ(fk_node(R, "/sg/f")->st.gid, 55);
	/* ... and loses set-group-ID when the user is not in that group. */
	CHECK_EQ(fk_node(R, "/sg/f")->st.mode, IO_S_IFREG | 0755);
}

TEST(open_truncates_and_opens_fifos)
{
	struct io_stat st;

	setup();
	fk_node(R, "/etc/passwd")->st.size = 100;
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_WRONLY | IO_O_TRUNC, 0, "/etc/passwd"), 0);
	CHECK(fk_open_flags & IO_O_TRUNC);
	CHECK_EQ(fk_node(R, "/etc/passwd")->st.size, 0);
	/* Flags vfs handles itself are not passed on. */
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_WRONLY | IO_O_CREAT | IO_O_CLOEXEC | IO_APPEND, 0644,
	    "/tmp/a"), 0);
	CHECK_EQ(fk_open_flags, IO_O_WRONLY | IO_APPEND);
	CHECK_EQ(req1(USER, VFS_MKNOD, IO_S_IFIFO | 0666, 0, "/tmp/fifo"), 0);
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY | IO_NONBLOCK, 0, "/tmp/fifo"), 0);
	CHECK_EQ(rep.w1, IO_S_IFIFO);
	CHECK_EQ(fk_fifo_opens, 1);
	CHECK_EQ(rep.h, 0x2000 + fk_at(R, "/tmp/fifo"));
	CHECK_EQ(stat_(ROOT, "/tmp/fifo", 0, &st), 0);
	CHECK_EQ(fk_fifo_dev, st.dev);
	CHECK_EQ(fk_fifo_ino, st.ino);
}

TEST(stat_and_devices)
{
	struct io_stat a, b;

	setup();
	CHECK_EQ(stat_(USER, "/", 0, &a), 0);
	CHECK_EQ(rep.len, sizeof(struct io_stat));
	CHECK_EQ(a.mode & IO_S_IFMT, IO_S_IFDIR);
	CHECK_EQ(stat_(USER, "/dev/null", 0, &b), 0);
	CHECK_EQ(b.mode & IO_S_IFMT, IO_S_IFCHR);
	CHECK_EQ(b.rdev, 0x103);
	CHECK(a.dev != b.dev);
	CHECK_EQ(stat_(USER, "/dev", 0, &b), 0);
	CHECK(a.dev != b.dev);
	CHECK_EQ(stat_(USER, "/bin/sh", 0, &a), 0);
	CHECK_EQ(a.mode & IO_S_IFMT, IO_S_IFREG);
	CHECK_EQ(stat_(USER, "/bin/sh", VFS_NOFOLLOW, &a), 0);
	CHECK_EQ(a.mode & IO_S_IFMT, IO_S_IFLNK);
	CHECK_EQ(req1(USER, VFS_STAT, 0, 0x80, "/"), SK_ERRVAL(SK_E_INVAL, 2));
	CHECK_EQ(req1(USER, VFS_STAT, 0, 0, "/nope"), E(SK_E_NOENT));
	CHECK_EQ(req1(USER, VFS_STAT, 0, 0, "/secret/file"), E(SK_E_ACCESS));
}

TEST(access_real_and_effective)
{
	struct sk_cred c = fk_user_cred;

	setup();
	CHECK_EQ(req1(USER, VFS_ACCESS, 4, 0, "/etc/passwd"), 0);
	CHECK_EQ(req1(USER, VFS_ACCESS, 2, 0, "/etc/passwd"), E(SK_E_ACCESS));
	CHECK_EQ(req1(USER, VFS_ACCESS, 1, 0, "/bin/busybox"), 0);
	CHECK_EQ(req1(USER, VFS_ACCESS, 0, 0, "/nope"), E(SK_E_NOENT));
	CHECK_EQ(req1(USER, VFS_ACCESS, 8, 0, "/"), SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(USER, VFS_ACCESS, 0, 0x40, "/"), SK_ERRVAL(SK_E_INVAL, 2));
	/* Effective root, real user: access() answers for the user. */
	c.euid = 0;
	CHECK_EQ(req1(&c, VFS_ACCESS, 2, 0, "/etc/passwd"), E(SK_E_ACCESS));
	CHECK_EQ(req1(&c, VFS_ACCESS, 2, VFS_EACCESS, "/etc/passwd"), 0);
	CHECK_EQ(req1(&c, VFS_ACCESS, 0, 0, "/secret/file"), E(SK_E_ACCESS));
	CHECK_EQ(req1(&c, VFS_ACCESS, 0, VFS_EACCESS, "/secret/file"), 0);
}

/* VFS_O_EXEC: the open checks execute permission as VFS_ACCESS X_OK does. */
TEST(open_exec)
{
	setup();
	fk_node(R, "/bin/busybox")->st.size = 12345;
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY | VFS_O_EXEC, 0, "/bin/sh"), 0);
	CHECK(rep.has_h);
	CHECK_EQ(rep.h, 0x2000 + fk_at(R, "/bin/busybox"));	/* the memory object */
	CHECK_EQ(fk_open_flags, FS_OPEN_MAP);
	CHECK_EQ(rep.w1, IO_S_IFREG);
	CHECK_EQ(rep.w2, 12345);
	CHECK_EQ(rep.len, 0);		/* no canonical path */
	/* Only regular files: a directory one may search is not a program. */
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY | VFS_O_EXEC, 0, "/bin"), E(SK_E_ACCESS));
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY | VFS_O_EXEC, 0, "/etc/passwd"),
	    E(SK_E_ACCESS));
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY | VFS_O_EXEC, 0, "/nope"), E(SK_E_NOENT));
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY | VFS_O_EXEC, 0, "/secret/file"),
	    E(SK_E_ACCESS));
	/* Root needs an x bit too, any one of them. */
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY | VFS_O_EXEC, 0, "/etc/passwd"),
	    E(SK_E_ACCESS));
	fk_node(R, "/etc/passwd")->st.mode = IO_S_IFREG | 0601;
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY | VFS_O_EXEC, 0, "/etc/passwd"), 0);
	/* Execute without read is not enough for exec, which reads the file. */
	fk_node(R, "/etc/passwd")->st.mode = IO_S_IFREG | 0711;
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY | VFS_O_EXEC, 0, "/etc/passwd"),
	    E(SK_E_ACCESS));
	/* Read-only opens only. */
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDWR | VFS_O_EXEC, 0, "/bin/sh"),
	    SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(ROOT, VFS_OPEN, IO_O_RDONLY | IO_O_CREAT | VFS_O_EXEC, 0, "/bin/x"),
	    SK_ERRVAL(SK_E_INVAL, 1));
}

TEST(mknod_kinds)
{
	struct fk_ino *n;

	setup();
	CHECK_EQ(mkdir_(USER, "/tmp/d", 0755), 0);
	REQUIRE((n = fk_node(R, "/tmp/d")) != NULL);
	CHECK_EQ(n->st.mode, IO_S_IFDIR | 0755);
	CHECK_EQ(n->st.uid, FK_UID);
	CHECK_EQ(mkdir_(USER, "/tmp/e/", 0700), 0);
	CHECK_EQ(mkdir_(USER, "/tmp/d", 0755), E(SK_E_EXISTS));
	CHECK_EQ(mkdir_(USER, "/tmp/.", 0755), E(SK_E_EXISTS));
	CHECK_EQ(mkdir_(USER, "/", 0755), E(SK_E_EXISTS));
	CHECK_EQ(mkdir_(USER, "/dangling", 0755), E(SK_E_EXISTS));
	CHECK_EQ(mkdir_(USER, "/etc/x", 0755), E(SK_E_ACCESS));
	CHECK_EQ(mkdir_(USER, "/nope/x", 0755), E(SK_E_NOENT));
	CHECK_EQ(req1(USER, VFS_MKNOD, IO_S_IFREG | 0600, 0, "/tmp/r"), 0);
	CHECK_EQ(fk_node(R, "/tmp/r")->st.mode, IO_S_IFREG | 0600);
	CHECK_EQ(req1(USER, VFS_MKNOD, 0600, 0, "/tmp/r0"), 0);
	CHECK_EQ(fk_node(R, "/tmp/r0")->st.mode, IO_S_IFREG | 0600);
	CHECK_EQ(req1(USER, VFS_MKNOD, IO_S_IFREG | 0600, 0, "/tmp/r1/"), E(SK_E_NOENT));
	CHECK_EQ(req(USER, VFS_MKNOD, IO_S_IFCHR | 0600, 0, 0x105, "/tmp/c", 7),
	    SK_ERRVAL(SK_E_PERM, 1));
	CHECK_EQ(req(ROOT, VFS_MKNOD, IO_S_IFCHR | 0600, 0, 0x105, "/tmp/c", 7), 0);
	CHECK_EQ(fk_node(R, "/tmp/c")->st.rdev, 0x105);
	CHECK_EQ(req1(ROOT, VFS_MKNOD, IO_S_IFLNK | 0777, 0, "/tmp/l"), SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(ROOT, VFS_MKNOD, 0170000, 0, "/tmp/l"), SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(ROOT, VFS_MKNOD, 01000000, 0, "/tmp/l"), SK_ERRVAL(SK_E_INVAL, 1));
	/* A new directory in a set-group-ID one is set-group-ID too. */
	fk_node(R, "/tmp/d")->st.mode = IO_S_IFDIR | 02777;
	fk_node(R, "/tmp/d")->st.gid = 77;
	CHECK_EQ(mkdir_(ROOT, "/tmp/d/sub", 0755), 0);
	CHECK_EQ(fk_node(R, "/tmp/d/sub")->st.mode, IO_S_IFDIR | 02755);
	CHECK_EQ(fk_node(R, "/tmp/d/sub")->st.gid, 77);
}

TEST(unlink_and_rmdir)
{
	setup();
	CHECK_EQ(req1(USER, VFS_MKNOD, IO_S_IFREG | 0600, 0, "/tmp/f"), 0);
	CHECK_EQ(mkdir_(USER, "/tmp/d", 0755), 0);
	CHECK_EQ(req1(USER, VFS_UNLINK, 0, 0, "/tmp/d"), E(SK_E_ISDIR));
	CHECK_EQ(req1(USER, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/f"), E(SK_E_NOTDIR));
	CHECK_EQ(req1(USER, VFS_UNLINK, 0, 0, "/tmp/f/"), E(SK_E_NOTDIR));
	CHECK_EQ(req1(USER, VFS_UNLINK, 0, 0, "/tmp/f"), 0);
	CHECK_EQ(fk_at(R, "/tmp/f"), 0);
	CHECK_EQ(req1(USER, VFS_UNLINK, 0, 0, "/tmp/f"), E(SK_E_NOENT));
	CHECK_EQ(req1(USER, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/d/."), E(SK_E_INVAL));
	CHECK_EQ(req1(USER, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/d/.."), E(SK_E_NOTEMPTY));
	CHECK_EQ(req1(USER, VFS_UNLINK, 0, 0, "/tmp/."), E(SK_E_ISDIR));
	CHECK_EQ(req1(ROOT, VFS_UNLINK, FS_UNLINK_DIR, 0, "/"), E(SK_E_BUSY));
	CHECK_EQ(req1(ROOT, VFS_UNLINK, FS_UNLINK_DIR, 0, "/dev"), E(SK_E_BUSY));
	CHECK_EQ(req1(ROOT, VFS_UNLINK, FS_UNLINK_DIR, 0, "/dev/"), E(SK_E_BUSY));
	CHECK_EQ(req1(USER, VFS_UNLINK, FS_UNLINK_DIR, 0, "/tmp/d/"), 0);
	CHECK_EQ(fk_at(R, "/tmp/d"), 0);
	CHECK_EQ(req1(USER, VFS_UNLINK, 2, 0, "/tmp/x"), SK_ERRVAL(SK_E_INVAL, 1));
	/* A link goes, not what it points to. */
	CHECK_EQ(req1(ROOT, VFS_UNLINK, 0, 0, "/bin/sh"), 0);
	CHECK(fk_at(R, "/bin/busybox") != 0);
	CHECK_EQ(req1(ROOT, VFS_UNLINK, 0, 0, "/lib64/"), E(SK_E_NOTDIR));
	/* Write permission on the directory. */
	CHECK_EQ(req1(USER, VFS_UNLINK, 0, 0, "/etc/passwd"), E(SK_E_ACCESS));
	CHECK_EQ(req1(ROOT, VFS_UNLINK, FS_UNLINK_DIR, 0, "/etc"), E(SK_E_NOTEMPTY));
}

TEST(sticky_directory)
{
	struct sk_cred other = fk_user_cred;

	setup();
	other.ruid = other.euid = 2000;
	CHECK_EQ(req1(ROOT, VFS_MKNOD, IO_S_IFREG | 0666, 0, "/tmp/roots"), 0);
	CHECK_EQ(req1(USER, VFS_MKNOD, IO_S_IFREG | 0666, 0, "/tmp/mine"), 0);
	CHECK_EQ(req1(&other, VFS_UNLINK, 0, 0, "/tmp/mine"), E(SK_E_PERM));
	CHECK_EQ(req2(&other, VFS_RENAME, 0, "/tmp/mine", "/tmp/x"), E(SK_E_PERM));
	CHECK_EQ(req2(&other, VFS_RENAME, 0, "/tmp/x", "/tmp/mine"), E(SK_E_NOENT));
	CHECK_EQ(req1(&other, VFS_MKNOD, IO_S_IFREG | 0666, 0, "/tmp/x"), 0);
	CHECK_EQ(req2(&other, VFS_RENAME, 0, "/tmp/x", "/tmp/mine"), E(SK_E_PERM));
	CHECK_EQ(req1(USER, VFS_UNLINK, 0, 0, "/tmp/roots"), E(SK_E_PERM));
	CHECK_EQ(req1(USER, VFS_UNLINK, 0, 0, "/tmp/mine"), 0);
	CHECK_EQ(req1(ROOT, VFS_UNLINK, 0, 0, "/tmp/x"), 0);
}

TEST(rename_rules)
{
	setup();
	CHECK_EQ(req1(ROOT, VFS_MKNOD, IO_S_IFREG | 0644, 0, "/tmp/a"), 0);
	CHECK_EQ(mkdir_(ROOT, "/tmp/d", 0755), 0);
	CHECK_EQ(mkdir_(ROOT, "/tmp/d/e", 0755), 0);
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/a", "/tmp/b"), 0);
	CHECK_EQ(fk_at(R, "/tmp/a"), 0);
	CHECK(fk_at(R, "/tmp/b") != 0);
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/b", "/tmp/b"), 0);
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/b", "/dev/b"), E(SK_E_XDEV));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/d", "/tmp/d/e/f"), E(SK_E_INVAL));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/d", "/tmp/d/f"), E(SK_E_INVAL));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/d", "/tmp/b"), E(SK_E_NOTDIR));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/b", "/tmp/d"), E(SK_E_ISDIR));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/b", "/tmp/c/"), E(SK_E_NOTDIR));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/d", "/tmp/nope/x"), E(SK_E_NOENT));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/nope", "/tmp/x"), E(SK_E_NOENT));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/dev", "/tmp/x"), E(SK_E_BUSY));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/d", "/proc"), E(SK_E_BUSY));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/", "/tmp/x"), E(SK_E_BUSY));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/.", "/tmp/x"), E(SK_E_INVAL));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/b", "/tmp/.."), E(SK_E_INVAL));
	/* A directory moves; over an empty directory too. */
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/d/e", "/tmp/e"), 0);
	CHECK_EQ(fk[R].ino[fk_at(R, "/tmp/e")].parent, fk_at(R, "/tmp"));
	CHECK_EQ(req2(ROOT, VFS_RENAME, 0, "/tmp/e", "/tmp/d/"), 0);
	CHECK_EQ(fk_at(R, "/tmp/e"), 0);
	/* Permissions: write on both directories. */
	CHECK_EQ(req2(USER, VFS_RENAME, 0, "/tmp/b", "/etc/b"), E(SK_E_ACCESS));
	CHECK_EQ(req2(USER, VFS_RENAME, 0, "/etc/passwd", "/tmp/p"), E(SK_E_ACCESS));
	/* Garbage payloads. */
	CHECK_EQ(req(ROOT, VFS_RENAME, 0, 0, 0, "/tmp/b", 7), E(SK_E_INVAL));
	CHECK_EQ(req(ROOT, VFS_RENAME, 0, 0, 0, "/tmp/b\0/tmp/c", 13), E(SK_E_INVAL));
}

TEST(rename_moving_directory_needs_write_on_it)
{
	setup();
	CHECK_EQ(mkdir_(USER, "/tmp/a", 0755), 0);
	CHECK_EQ(mkdir_(USER, "/tmp/b", 0777), 0);
	fk_node(R, "/tmp/a")->st.mode = IO_S_IFDIR | 0555;
	CHECK_EQ(req2(USER, VFS_RENAME, 0, "/tmp/a", "/tmp/b/a"), E(SK_E_ACCESS));
	CHECK_EQ(req2(USER, VFS_RENAME, 0, "/tmp/a", "/tmp/c"), 0);
}

TEST(link_rules)
{
	setup();
	CHECK_EQ(req2(ROOT, VFS_LINK, 0, "/bin/busybox", "/bin/ash"), 0);
	CHECK_EQ(fk_at(R, "/bin/ash"), fk_at(R, "/bin/busybox"));
	CHECK_EQ(fk_node(R, "/bin/busybox")->st.nlink, 2);
	/* The old path's link is followed unless VFS_NOFOLLOW. */
	CHECK_EQ(req2(ROOT, VFS_LINK, 0, "/bin/sh", "/tmp/s1"), 0);
	CHECK_EQ(fk_at(R, "/tmp/s1"), fk_at(R, "/bin/busybox"));
	CHECK_EQ(req2(ROOT, VFS_LINK, VFS_NOFOLLOW, "/bin/sh", "/tmp/s2"), 0);
	CHECK_EQ(fk_at(R, "/tmp/s2"), fk_at(R, "/bin/sh"));
	CHECK_EQ(req2(ROOT, VFS_LINK, 0, "/bin", "/tmp/b"), E(SK_E_PERM));
	CHECK_EQ(req2(ROOT, VFS_LINK, 0, "/bin/busybox", "/dev/bb"), E(SK_E_XDEV));
	CHECK_EQ(req2(ROOT, VFS_LINK, 0, "/dev/null", "/tmp/null"), E(SK_E_XDEV));
	CHECK_EQ(req2(ROOT, VFS_LINK, 0, "/bin/busybox", "/bin/ash"), E(SK_E_EXISTS));
	CHECK_EQ(req2(ROOT, VFS_LINK, 0, "/bin/busybox", "/tmp/x/"), E(SK_E_NOENT));
	CHECK_EQ(req2(ROOT, VFS_LINK, 0, "/nope", "/tmp/x"), E(SK_E_NOENT));
	CHECK_EQ(req2(USER, VFS_LINK, 0, "/bin/busybox", "/bin/x"), E(SK_E_ACCESS));
	CHECK_EQ(req2(ROOT, VFS_LINK, 4, "/bin/busybox", "/bin/x"), SK_ERRVAL(SK_E_INVAL, 2));
}

TEST(symlink_and_readlink)
{
	setup();
	CHECK_EQ(req2(USER, VFS_SYMLINK, 0, "../etc/passwd", "/tmp/pw"), 0);
	CHECK_EQ(fk_node(R, "/tmp/pw")->st.uid, FK_UID);
	CHECK_EQ(req1(USER, VFS_READLINK, 0, 0, "/tmp/pw"), 13);
	CHECK_EQ(rep.len, 14);
	CHECK_STREQ(rep.buf, "../etc/passwd");
	CHECK_EQ(req1(USER, VFS_OPEN, IO_O_RDONLY, 0, "/tmp/pw"), 0);
	CHECK_STREQ(rep.buf, "/etc/passwd");
	CHECK_EQ(req2(USER, VFS_SYMLINK, 0, "x", "/tmp/pw"), E(SK_E_EXISTS));
	CHECK_EQ(req2(USER, VFS_SYMLINK, 0, "", "/tmp/e"), E(SK_E_NOENT));
	CHECK_EQ(req2(USER, VFS_SYMLINK, 0, "x", "/etc/e"), E(SK_E_ACCESS));
	CHECK_EQ(req2(USER, VFS_SYMLINK, 0, "x", "/tmp/e/"), E(SK_E_NOENT));
	CHECK_EQ(req1(USER, VFS_READLINK, 0, 0, "/etc/passwd"), E(SK_E_INVAL));
	CHECK_EQ(req1(USER, VFS_READLINK, 0, 0, "/"), E(SK_E_INVAL));
	CHECK_EQ(req1(USER, VFS_READLINK, 0, 0, "/nope"), E(SK_E_NOENT));
	CHECK_EQ(req1(USER, VFS_READLINK, 0, 0, "/self"), 4);
	CHECK_STREQ(rep.buf, "self");
}

static int64_t
setattr_(const struct sk_cred *c, const char *path, const struct io_setattr *sa)
{
	char buf[sizeof(*sa) + FS_PATH_MAX];
	size_t n = strlen(path) + 1;

	memcpy(buf, sa, sizeof(*sa));
	memcpy(buf + sizeof(*sa), path, n);
	return req(c, VFS_SETATTR, 0, 0, 0, buf, (uint32_t)(sizeof(*sa) + n));
}

TEST(setattr_rules)
{
	struct io_setattr sa;

	setup();
	CHECK_EQ(req1(USER, VFS_MKNOD, IO_S_IFREG | 0644, 0, "/tmp/f"), 0);
	memset(&sa, 0, sizeof(sa));
	sa.mask = IO_SET_MODE;
	sa.mode = 0600;
	CHECK_EQ(setattr_(USER, "/tmp/f", &sa), 0);
	CHECK_EQ(fk_node(R, "/tmp/f")->st.mode, IO_S_IFREG | 0600);
	CHECK_EQ(setattr_(USER, "/etc/passwd", &sa), E(SK_E_PERM));
	sa.mask = IO_SET_UID;
	sa.uid = 0;
	CHECK_EQ(setattr_(USER, "/tmp/f", &sa), E(SK_E_PERM));
	CHECK_EQ(setattr_(ROOT, "/tmp/f", &sa), 0);
	CHECK_EQ(fk_node(R, "/tmp/f")->st.uid, 0);
	/* Truncation needs write permission on the file itself. */
	sa.mask = IO_SET_SIZE;
	sa.size = 10;
	CHECK_EQ(setattr_(USER, "/etc/passwd", &sa), E(SK_E_ACCESS));
	CHECK_EQ(setattr_(ROOT, "/etc/passwd", &sa), 0);
	CHECK_EQ(fk_node(R, "/etc/passwd")->st.size, 10);
	CHECK_EQ(setattr_(ROOT, "/tmp", &sa), E(SK_E_ISDIR));
	CHECK_EQ(setattr_(ROOT, "/dev/null", &sa), E(SK_E_INVAL));
	/* Garbage. */
	sa.mask = 1u << 20;
	CHECK_EQ(setattr_(ROOT, "/tmp/f", &sa), E(SK_E_INVAL));
	sa.mask = IO_SET_MODE;
	sa.mode = 0170777;
	CHECK_EQ(setattr_(ROOT, "/tmp/f", &sa), E(SK_E_INVAL));
	sa.mask = IO_SET_MTIME;
	sa.mtime.nsec = 1000000000u;
	CHECK_EQ(setattr_(ROOT, "/tmp/f", &sa), E(SK_E_INVAL));
	CHECK_EQ(req(ROOT, VFS_SETATTR, 0, 0, 0, &sa, sizeof(sa) - 1), E(SK_E_INVAL));
	CHECK_EQ(req(ROOT, VFS_SETATTR, 0, 0, 0, &sa, sizeof(sa)), E(SK_E_INVAL));
	CHECK_EQ(req(ROOT, VFS_SETATTR, 0, 2, 0, &sa, sizeof(sa)), SK_ERRVAL(SK_E_INVAL, 2));
}

TEST(chdir_and_statfs)
{
	struct io_statfs sfs;

	setup();
	CHECK_EQ(req1(USER, VFS_CHDIR, 0, 0, "/lib64/../dev/pts/"), 0);
	CHECK_STREQ(rep.buf, "/dev/pts");
	CHECK_EQ(req1(USER, VFS_CHDIR, 0, 0, "/etc/passwd"), E(SK_E_NOTDIR));
	CHECK_EQ(req1(USER, VFS_CHDIR, 0, 0, "/secret"), E(SK_E_ACCESS));
	CHECK_EQ(req1(ROOT, VFS_CHDIR, 0, 0, "/secret"), 0);
	CHECK_EQ(req1(USER, VFS_STATFS, 0, 0, "/dev/null"), 0);
	REQUIRE(rep.len == sizeof(sfs));
	memcpy(&sfs, rep.buf, sizeof(sfs));
	CHECK_EQ(sfs.flags, SVC_DEVFS);
	CHECK_EQ(req1(USER, VFS_STATFS, 0, 0, "/bin"), 0);
	memcpy(&sfs, rep.buf, sizeof(sfs));
	CHECK_EQ(sfs.flags, SVC_RAMFS);
}

TEST(mount_umount_and_list)
{
	struct io_stat st;

	setup();
	CHECK_EQ(req1(ROOT, VFS_MOUNTS, 0, 0, ""), 7);
	CHECK_STREQ(rep.buf, "ramfs /");
	CHECK_EQ(req(ROOT, VFS_MOUNTS, 1, 0, 0, NULL, 0), 10);
	CHECK_STREQ(rep.buf, "devfs /dev");
	CHECK_EQ(req(ROOT, VFS_MOUNTS, 2, 0, 0, NULL, 0), 12);
	CHECK_STREQ(rep.buf, "procfs /proc");
	CHECK_EQ(req(ROOT, VFS_MOUNTS, 3, 0, 0, NULL, 0), SK_ERRVAL(SK_E_NOENT, 1));
	CHECK_EQ(req(ROOT, VFS_MOUNTS, ~0ull, 0, 0, NULL, 0), SK_ERRVAL(SK_E_NOENT, 1));

	CHECK_EQ(mkdir_(ROOT, "/mnt", 0755), 0);
	CHECK_EQ(req1(USER, VFS_MOUNT, SVC_PROCFS, 0, "/mnt"), E(SK_E_PERM));
	CHECK_EQ(req1(ROOT, VFS_MOUNT, SVC_PIPE, 0, "/mnt"), SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(ROOT, VFS_MOUNT, 0, 0, "/mnt"), SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(ROOT, VFS_MOUNT, 9999, 0, "/mnt"), SK_ERRVAL(SK_E_INVAL, 1));
	CHECK_EQ(req1(ROOT, VFS_MOUNT, SVC_PROCFS, 0, "/etc/passwd"), E(SK_E_NOTDIR));
	CHECK_EQ(req1(ROOT, VFS_MOUNT, SVC_PROCFS, 0, "/nope"), E(SK_E_NOENT));
	CHECK_EQ(req1(ROOT, VFS_MOUNT, SVC_PROCFS, 0, "/mnt/"), 0);
	CHECK_EQ(stat_(ROOT, "/mnt/1", 0, &st), 0);
	CHECK_EQ(st.dev, VFS_DEV_OF(SVC_PROCFS));
	CHECK_EQ(req(ROOT, VFS_MOUNTS, 3, 0, 0, NULL, 0), 11);
	CHECK_STREQ(rep.buf, "procfs /mnt");
	/* Stacked on it, then the lower one is busy. */
	CHECK_EQ(req1(ROOT, VFS_MOUNT, SVC_DEVFS, 0, "/mnt"), 0);
	CHECK_EQ(stat_(ROOT, "/mnt/null", 0, &st), 0);
	CHECK_EQ(req1(ROOT, VFS_MOUNT, SVC_DEVFS, 0, "/mnt/pts"), 0);
	CHECK_EQ(req1(ROOT, VFS_UMOUNT, 0, 0, "/mnt"), E(SK_E_BUSY));
	CHECK_EQ(req1(ROOT, VFS_UMOUNT, 0, 0, "/mnt/pts"), 0);
	CHECK_EQ(req1(ROOT, VFS_UMOUNT, 0, 0, "/mnt"), 0);
	CHECK_EQ(stat_(ROOT, "/mnt/1", 0, &st), 0);
	CHECK_EQ(req1(USER, VFS_UMOUNT, 0, 0, "/mnt"), E(SK_E_PERM));
	CHECK_EQ(req1(ROOT, VFS_UMOUNT, 0, 0, "/mnt"), 0);
	CHECK_EQ(stat_(ROOT, "/mnt/1", 0, &st), E(SK_E_NOENT));
	CHECK_EQ(req1(ROOT, VFS_UMOUNT, 0, 0, "/mnt"), E(SK_E_INVAL));
	CHECK_EQ(req1(ROOT, VFS_UMOUNT, 0, 0, "/"), E(SK_E_BUSY));
	CHECK_EQ(req1(ROOT, VFS_UMOUNT, 0, 0, "/bin"), E(SK_E_INVAL));
	CHECK_EQ(req1(ROOT, VFS_UMOUNT, 0, 0, "/dev"), 0);
	CHECK_EQ(stat_(ROOT, "/dev/null", 0, &st), E(SK_E_NOENT));
}

TEST(mount_at_start)
{
	memset(&v, 0, sizeof(v));
	fk_world(&v.mt);
	memset(&v.mt, 0, sizeof(v.mt));
	v.ops = &fk_ops;
	CHECK_EQ(req1(ROOT, VFS_STAT, 0, 0, "/"), E(SK_E_NOENT));
	CHECK_EQ(vfs_mount_at(&v, SVC_DEVFS, "/dev"), SK_E_NOENT);
	CHECK_EQ(vfs_mount_at(&v, SVC_RAMFS, "/"), SK_OK);
	CHECK_EQ(vfs_mount_at(&v, SVC_RAMFS, "/"), SK_E_BUSY);
	CHECK_EQ(vfs_mount_at(&v, SVC_DEVFS, "/dev"), SK_OK);
	CHECK_EQ(vfs_mount_at(&v, SVC_PROCFS, "/nope"), SK_E_NOENT);
	CHECK_EQ(vfs_mount_at(&v, SVC_PROCFS, "/etc/passwd"), SK_E_NOTDIR);
	fk[SVC_PROCFS].dead = 1;
	CHECK_EQ(vfs_mount_at(&v, SVC_PROCFS, "/proc"), SK_E_IO);
	fk[SVC_PROCFS].dead = 0;
	CHECK_EQ(vfs_mount_at(&v, SVC_PROCFS, "/proc"), SK_OK);
	CHECK_EQ(req1(ROOT, VFS_STAT, 0, 0, "/proc/1"), 0);
}

TEST(garbage_requests)
{
	setup();
	CHECK_EQ(req(ROOT, 0x12345, 0, 0, 0, NULL, 0), E(SK_E_NOSYS));
	CHECK_EQ(req(ROOT, VFS_OPEN - 1, 0, 0, 0, NULL, 0), E(SK_E_NOSYS));
	CHECK_EQ(req(ROOT, VFS_MOUNTS + 1, 0, 0, 0, NULL, 0), E(SK_E_NOSYS));
	/* No payload, or no NUL in it. */
	for (uint32_t op = VFS_OPEN; op <= VFS_UMOUNT; op++) {
		int64_t r = req(ROOT, op, 0, 0, 0, NULL, 0);

		CHECK_MSG(r < 0, "op 0x%x without a payload succeeded", op);
		r = req(ROOT, op, 0, 0, 0, "/bin", 4);
		CHECK_MSG(r < 0, "op 0x%x with an unterminated path succeeded", op);
	}
	/* Random words and payloads: errors, never a crash (ASan watches). */
	for (int n = 0; n < 20000; n++) {
		char buf[64];
		uint32_t len = (uint32_t)host_rand_below(sizeof(buf) + 1);
		uint32_t op = VFS_OPEN + (uint32_t)host_rand_below(16);

		for (uint32_t i = 0; i < len; i++)
			buf[i] = "/.a\0b/"[host_rand_below(6)];
		if (host_rand_below(2) && len > 0)
			buf[0] = '/';
		req(host_rand_below(2) ? ROOT : USER, op,
		    host_rand_below(2) ? host_rand() : host_rand_below(8),
		    host_rand_below(2) ? host_rand() : host_rand_below(4), host_rand(), buf, len);
		REQUIRE(rep.w0 < 0 || rep.len <= sizeof(rep.buf));
		if (rep.w0 < 0)
			CHECK(SK_ERR(rep.w0) > 0 && SK_ERR(rep.w0) < SK_E_COUNT);
	}
}

TEST(dead_file_system)
{
	setup();
	fk[SVC_DEVFS].dead = 1;
	CHECK_EQ(req1(ROOT, VFS_STAT, 0, 0, "/dev/null"), E(SK_E_IO));
	CHECK_EQ(req1(ROOT, VFS_OPEN, 0, 0, "/dev/null"), E(SK_E_IO));
	CHECK_EQ(req1(ROOT, VFS_STAT, 0, 0, "/bin/busybox"), 0);
	fk[SVC_DEVFS].dead = 0;
	CHECK_EQ(req1(ROOT, VFS_STAT, 0, 0, "/dev/null"), 0);
}
