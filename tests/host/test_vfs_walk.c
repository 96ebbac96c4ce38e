/*
 * servers/vfs/walk.c and mount.c: path resolution across mounts against
 * the in-memory file systems of vfs_fake.h (the world fk_world builds).
 */
#include "tests/host/host.h"
#include "lib/fs/perm.c"
#include "servers/vfs/mount.c"
#include "servers/vfs/walk.c"
#include "tests/host/vfs_fake.h"

static struct vfs_mtab mt;
static struct walk_result res;

/* Walk path as root with flags; the result code. */
static int
w(const char *path, uint32_t flags)
{
	return walk(&fk_ops, &mt, &fk_root_cred, path, flags, &res);
}

static int
wu(const char *path, uint32_t flags)
{
	return walk(&fk_ops, &mt, &fk_user_cred, path, flags, &res);
}

/* path must resolve (with flags) to something whose canonical path is canon. */
#define CHECK_FOUND(p_, flags, canon) do { \
	CHECK_EQ(w(p_, flags), SK_OK); \
	CHECK_MSG(res.found, "%s not found", p_); \
	CHECK_STREQ(res.path, canon); \
} while (0)

TEST(root_and_plain_names)
{
	fk_world(&mt);
	CHECK_FOUND("/", 0, "/");
	CHECK_EQ(res.last, WALK_LAST_ROOT);
	CHECK_EQ(res.obj.mnt, 0);
	CHECK_EQ(res.obj.ino, 1);
	CHECK_EQ(res.st.dev, VFS_DEV_OF(SVC_RAMFS));
	CHECK_FOUND("/bin/busybox", 0, "/bin/busybox");
	CHECK_EQ(res.last, WALK_LAST_NAME);
	CHECK_STREQ(res.name, "busybox");
	CHECK_EQ(res.obj.ino, fk_at(SVC_RAMFS, "/bin/busybox"));
	CHECK_EQ(res.dir.ino, fk_at(SVC_RAMFS, "/bin"));
	CHECK_EQ(res.st.mode, IO_S_IFREG | 0755);
	CHECK_EQ(res.st.dev, VFS_DEV_OF(SVC_RAMFS));
	CHECK_EQ(res.dirst.dev, VFS_DEV_OF(SVC_RAMFS));
	CHECK(!res.crossed);
}

TEST(repeated_slashes_and_dots)
{
	fk_world(&mt);
	CHECK_FOUND("//bin///busybox", 0, "/bin/busybox");
	CHECK_FOUND("/bin/./busybox", 0, "/bin/busybox");
	CHECK_FOUND("/./bin/../bin/busybox", 0, "/bin/busybox");
	CHECK_FOUND("/bin/.", 0, "/bin");
	CHECK_EQ(res.last, WALK_LAST_DOT);
	CHECK_FOUND("/bin/..", 0, "/");
	CHECK_EQ(res.last, WALK_LAST_DOTDOT);
	CHECK_EQ(res.obj.ino, 1);
	/* ".." at the global root stays there. */
	CHECK_FOUND("/..", 0, "/");
	CHECK_FOUND("/../../..//bin", 0, "/bin");
	CHECK_FOUND("/home/user/../../etc/passwd", 0, "/etc/passwd");
	CHECK_FOUND("///", 0, "/");
}

TEST(relative_and_empty_paths_are_invalid)
{
	fk_world(&mt);
	CHECK_EQ(w("bin", 0), SK_E_INVAL);
	CHECK_EQ(w("", 0), SK_E_INVAL);
	CHECK_EQ(w("./bin", 0), SK_E_INVAL);
}

TEST(mounts_are_crossed)
{
	fk_world(&mt);
	CHECK_FOUND("/dev/null", 0, "/dev/null");
	CHECK_EQ(res.obj.mnt, 1);
	CHECK_EQ(res.st.mode & IO_S_IFMT, IO_S_IFCHR);
	CHECK_EQ(res.st.dev, VFS_DEV_OF(SVC_DEVFS));
	CHECK(res.st.dev != VFS_DEV_OF(SVC_RAMFS));
	/* The mount point itself: obj is devfs's root, ent ramfs's directory. */
	CHECK_FOUND("/dev", 0, "/dev");
	CHECK(res.crossed);
	CHECK_EQ(res.obj.mnt, 1);
	CHECK_EQ(res.obj.ino, 1);
	CHECK_EQ(res.ent.mnt, 0);
	CHECK_EQ(res.ent.ino, fk_at(SVC_RAMFS, "/dev"));
	CHECK_EQ(res.dir.mnt, 0);
	CHECK_EQ(res.st.dev, VFS_DEV_OF(SVC_DEVFS));
	CHECK_EQ(res.entst.dev, VFS_DEV_OF(SVC_RAMFS));
	CHECK_FOUND("/dev/", 0, "/dev");
	CHECK_FOUND("/proc/1", 0, "/proc/1");
	CHECK_EQ(res.obj.mnt, 2);
}

TEST(dotdot_leaves_a_mount)
{
	fk_world(&mt);
	CHECK_FOUND("/dev/..", 0, "/");
	CHECK_EQ(res.obj.mnt, 0);
	CHECK_EQ(res.obj.ino, 1);
	CHECK_FOUND("/dev/../bin/busybox", 0, "/bin/busybox");
	CHECK_FOUND("/dev/pts/../../proc/1", 0, "/proc/1");
	CHECK_EQ(res.obj.mnt, 2);
	CHECK_FOUND("/proc/1/../../dev/./null", 0, "/dev/null");
	CHECK_EQ(res.obj.mnt, 1);
	/* ".." back into a mount point lands on the mounted root. */
	CHECK_FOUND("/dev/pts/..", 0, "/dev");
	CHECK_EQ(res.obj.mnt, 1);
	CHECK_EQ(res.obj.ino, 1);
}

TEST(stacked_mounts)
{
	uint64_t extra;
	int top;

	fk_world(&mt);
	/* SVC_PIPE stands for a fourth file system, mounted on top of /dev. */
	fk_mkfs(SVC_PIPE);
	extra = fk_add(SVC_PIPE, 1, "x", IO_S_IFREG | 0644, 0, 0);
	fk_add(SVC_PIPE, 1, "d", IO_S_IFDIR | 0755, 0, 0);
	top = mtab_add(&mt, SVC_PIPE, 1, 1, 1, "/dev");
	REQUIRE(top >= 0);
	CHECK_FOUND("/dev/x", 0, "/dev/x");
	CHECK_EQ(res.obj.mnt, top);
	CHECK_EQ(res.obj.ino, extra);
	CHECK_EQ(w("/dev/null", 0), SK_OK);
	CHECK(!res.found);
	/* ".." from the top goes through both mount points to /. */
	CHECK_FOUND("/dev/..", 0, "/");
	CHECK_EQ(res.obj.mnt, 0);
	/* The lower mount may not go while the top one sits on it. */
	CHECK_EQ(mtab_remove(&mt, 1), SK_E_BUSY);
	CHECK_EQ(mtab_remove(&mt, top), SK_OK);
	CHECK_FOUND("/dev/null", 0, "/dev/null");
	/* A mount on the root itself: "/" and "/.." name its root. */
	top = mtab_add(&mt, SVC_PIPE, 1, 0, 1, "/");
	REQUIRE(top >= 0);
	CHECK_FOUND("/", 0, "/");
	CHECK_EQ(res.obj.mnt, top);
	CHECK_FOUND("/d/..", 0, "/");
	CHECK_EQ(res.obj.mnt, top);
}

TEST(symlinks_followed)
{
	fk_world(&mt);
	/* Relative target, in the link's directory. */
	CHECK_FOUND("/bin/sh", 0, "/bin/busybox");
	CHECK_EQ(res.obj.ino, fk_at(SVC_RAMFS, "/bin/busybox"));
	CHECK_EQ(res.dir.ino, fk_at(SVC_RAMFS, "/bin"));
	CHECK_STREQ(res.name, "busybox");
	/* Absolute target, in the middle of a path. */
	CHECK_FOUND("/lib64", 0, "/lib");
	CHECK_FOUND("/lib64/", 0, "/lib");
	CHECK_FOUND("/lib64/../bin/sh", 0, "/bin/busybox");
	/* A relative target with "..", into a mount. */
	CHECK_FOUND("/bin/up/null", 0, "/dev/null");
	CHECK_EQ(res.obj.mnt, 1);
	CHECK_FOUND("/bin/up", 0, "/dev");
	CHECK_EQ(res.obj.mnt, 1);
	/* ".." after a link is taken from where the link led. */
	CHECK_FOUND("/bin/up/..", 0, "/");
}

TEST(nofollow_final_only)
{
	fk_world(&mt);
	CHECK_FOUND("/bin/sh", WALK_NOFOLLOW, "/bin/sh");
	CHECK_EQ(res.st.mode & IO_S_IFMT, IO_S_IFLNK);
	CHECK_EQ(res.obj.ino, fk_at(SVC_RAMFS, "/bin/sh"));
	/* Links before the final component are always followed. */
	CHECK_FOUND("/lib64/..", WALK_NOFOLLOW, "/");
	CHECK_FOUND("/bin/up/null", WALK_NOFOLLOW, "/dev/null");
	/* A trailing slash follows the final link anyway ... */
	CHECK_FOUND("/lib64/", WALK_NOFOLLOW, "/lib");
	/* ... except for operations on the entry itself. */
	CHECK_EQ(w("/lib64/", WALK_NOFOLLOW | WALK_ENTRY), SK_E_NOTDIR);
	CHECK_FOUND("/lib64", WALK_NOFOLLOW | WALK_ENTRY, "/lib64");
}

TEST(symlink_loops)
{
	uint64_t prev = 1;
	char name[16], target[16];

	fk_world(&mt);
	CHECK_EQ(w("/loop1", 0), SK_E_LOOP);
	CHECK_EQ(w("/loop2/x", 0), SK_E_LOOP);
	CHECK_EQ(w("/self", 0), SK_E_LOOP);
	CHECK_EQ(w("/self/", WALK_NOFOLLOW), SK_E_LOOP);
	/* Not followed, no loop. */
	CHECK_FOUND("/self", WALK_NOFOLLOW, "/self");
	/* A chain of exactly VFS_MAXLINKS links resolves; one more is too many. */
	(void)prev;
	for (int i = 0; i < VFS_MAXLINKS + 1; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(target, sizeof(target), "c%d", i + 1);
		REQUIRE(fk_ln(SVC_RAMFS, 1, name, target) != 0);
	}
	/* c41 is missing: following c1..c40 (40 links) reaches it. */
	CHECK_EQ(w("/c1", 0), SK_OK);
	CHECK(!res.found);
	CHECK_STREQ(res.name, "c41");
	CHECK_STREQ(res.path, "/c41");
	CHECK_EQ(w("/c0", 0), SK_E_LOOP);
}

TEST(bad_link_targets)
{
	char big[FS_PATH_MAX];

	fk_world(&mt);
	CHECK_EQ(w("/empty", 0), SK_E_NOENT);
	CHECK_FOUND("/empty", WALK_NOFOLLOW, "/empty");
	/* A target that with the rest of the path would be too long. */
	memset(big, 'a', 3000);
	big[0] = '/';
	big[3000] = '\0';
	REQUIRE(fk_ln(SVC_RAMFS, 1, "big", big) != 0);
	memset(big, 'b', sizeof(big));
	memcpy(big, "/big/", 5);
	for (int i = 100; i < 2000; i += 100)
		big[i] = '/';
	big[2000] = '\0';
	CHECK_EQ(w(big, 0), SK_E_NAMETOOLONG);
}

TEST(missing_final_name)
{
	fk_world(&mt);
	CHECK_EQ(w("/tmp/newfile", 0), SK_OK);
	CHECK(!res.found);
	CHECK_EQ(res.last, WALK_LAST_NAME);
	CHECK_EQ(res.dir.ino, fk_at(SVC_RAMFS, "/tmp"));
	CHECK_EQ(res.dirst.mode, IO_S_IFDIR | 01777);
	CHECK_STREQ(res.name, "newfile");
	CHECK_STREQ(res.path, "/tmp/newfile");
	CHECK(!res.slash);
	CHECK_EQ(w("/tmp/newdir/", 0), SK_OK);
	CHECK(!res.found);
	CHECK(res.slash);
	/* Through a dangling link, the name it points to. */
	CHECK_EQ(w("/dangling", 0), SK_OK);
	CHECK(!res.found);
	CHECK_STREQ(res.path, "/tmp/newfile");
	CHECK_FOUND("/dangling", WALK_NOFOLLOW, "/dangling");
	/* A missing directory on the way is an error, not a result. */
	CHECK_EQ(w("/nope/x", 0), SK_E_NOENT);
	CHECK_EQ(w("/nope/", 0), SK_OK);
	CHECK_EQ(w("/dev/nope", 0), SK_OK);
	CHECK(!res.found);
	CHECK_EQ(res.dir.mnt, 1);
	CHECK_STREQ(res.path, "/dev/nope");
}

TEST(not_a_directory)
{
	fk_world(&mt);
	CHECK_EQ(w("/bin/busybox/x", 0), SK_E_NOTDIR);
	CHECK_EQ(w("/bin/busybox/", 0), SK_E_NOTDIR);
	CHECK_EQ(w("/bin/busybox/.", 0), SK_E_NOTDIR);
	CHECK_EQ(w("/bin/busybox/..", 0), SK_E_NOTDIR);
	CHECK_EQ(w("/bin/sh/", 0), SK_E_NOTDIR);
	CHECK_EQ(w("/dev/null/", 0), SK_E_NOTDIR);
	CHECK_FOUND("/bin/", 0, "/bin");
	CHECK(res.slash);
}

TEST(name_and_path_length_limits)
{
	static char p[FS_PATH_MAX + 16];
	char name[FS_NAME_MAX + 2];

	fk_world(&mt);
	memset(name, 'n', FS_NAME_MAX);
	name[FS_NAME_MAX] = '\0';
	snprintf(p, sizeof(p), "/tmp/%s", name);
	CHECK_EQ(w(p, 0), SK_OK);		/* 255 bytes: fine, just missing */
	CHECK(!res.found);
	strcat(p, "x");
	CHECK_EQ(w(p, 0), SK_E_NAMETOOLONG);	/* 256 */
	/* FS_PATH_MAX - 1 bytes is the longest path. */
	memset(p, 0, sizeof(p));
	p[0] = '/';
	for (int i = 1; i < FS_PATH_MAX - 1; i++)
		p[i] = (i % 100 == 0) ? '/' : 'a';
	CHECK_EQ(w(p, 0), SK_E_NOENT);
	p[FS_PATH_MAX - 1] = 'a';
	CHECK_EQ(w(p, 0), SK_E_NAMETOOLONG);
	/* The walker never reads past FS_PATH_MAX bytes (ASan checks). */
	{
		char *q = malloc(FS_PATH_MAX);

		memset(q, '/', FS_PATH_MAX);
		CHECK_EQ(w(q, 0), SK_E_NAMETOOLONG);
		free(q);
	}
}

TEST(search_permission)
{
	struct sk_cred c = fk_user_cred;

	fk_world(&mt);
	/* /secret is 0700 root: no search for a user. */
	CHECK_EQ(wu("/secret/file", 0), SK_E_ACCESS);
	CHECK_EQ(wu("/secret/nope", 0), SK_E_ACCESS);
	CHECK_EQ(wu("/secret/.", 0), SK_E_ACCESS);
	CHECK_EQ(wu("/secret/..", 0), SK_E_ACCESS);
	/* The final component itself needs none. */
	CHECK_EQ(wu("/secret", 0), SK_OK);
	CHECK(res.found);
	CHECK_EQ(w("/secret/file", 0), SK_OK);
	/* Group search: 0710 with the user's supplementary group 100. */
	fk_node(SVC_RAMFS, "/secret")->st.mode = IO_S_IFDIR | 0710;
	fk_node(SVC_RAMFS, "/secret")->st.gid = 100;
	CHECK_EQ(wu("/secret/file", 0), SK_OK);
	CHECK(res.found);
	c.ngroups = 0;
	CHECK_EQ(walk(&fk_ops, &mt, &c, "/secret/file", 0, &res), SK_E_ACCESS);
	/* Through a link into a closed directory. */
	fk_ln(SVC_RAMFS, 1, "s", "/secret/file");
	CHECK_EQ(walk(&fk_ops, &mt, &c, "/s", 0, &res), SK_E_ACCESS);
	CHECK_EQ(walk(&fk_ops, &mt, &c, "/s", WALK_NOFOLLOW, &res), SK_OK);
	/* The root directory closed: nothing below it for a user. */
	fk[SVC_RAMFS].ino[1].st.mode = IO_S_IFDIR | 0700;
	CHECK_EQ(wu("/bin", 0), SK_E_ACCESS);
	CHECK_EQ(wu("/", 0), SK_OK);
	CHECK_EQ(w("/bin", 0), SK_OK);
}

TEST(real_ids_with_walk_real)
{
	struct sk_cred c = fk_user_cred;

	fk_world(&mt);
	c.euid = 0;		/* set-user-ID root, real uid a user */
	CHECK_EQ(walk(&fk_ops, &mt, &c, "/secret/file", 0, &res), SK_OK);
	CHECK_EQ(walk(&fk_ops, &mt, &c, "/secret/file", WALK_REAL, &res), SK_E_ACCESS);
}

TEST(dead_file_system_is_io_error)
{
	fk_world(&mt);
	fk[SVC_DEVFS].dead = 1;
	CHECK_EQ(w("/dev/null", 0), SK_E_IO);
	CHECK_EQ(w("/dev", 0), SK_E_IO);
	CHECK_FOUND("/bin/busybox", 0, "/bin/busybox");
	fk[SVC_DEVFS].dead = 0;
	CHECK_FOUND("/dev/null", 0, "/dev/null");
	fk[SVC_RAMFS].dead = 1;
	CHECK_EQ(w("/", 0), SK_E_IO);
}

TEST(broken_parent_answer)
{
	fk_world(&mt);
	fk_parent_non_dir = 1;
	CHECK_EQ(w("/bin/..", 0), SK_E_IO);
}

TEST(no_root_mount)
{
	memset(&mt, 0, sizeof(mt));
	CHECK_EQ(w("/", 0), SK_E_NOENT);
	CHECK_EQ(w("/bin", 0), SK_E_NOENT);
}

TEST(mount_table)
{
	char path[VFS_MNT_PATHMAX + 1];
	int n = 0;

	fk_world(&mt);
	CHECK_EQ(mtab_root(&mt), 0);
	CHECK_EQ(mtab_add(&mt, SVC_PIPE, 1, -1, 0, "/"), -SK_E_BUSY);
	CHECK_EQ(mtab_add(&mt, SVC_PIPE, 1, 0, fk_at(SVC_RAMFS, "/dev"), "/dev"), -SK_E_BUSY);
	CHECK_EQ(mtab_add(&mt, SVC_PIPE, 1, 7, 1, "/x"), -SK_E_INVAL);
	CHECK_EQ(mtab_add(&mt, SVC_PIPE, 1, 99, 1, "/x"), -SK_E_INVAL);
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	CHECK_EQ(mtab_add(&mt, SVC_PIPE, 1, 0, 5, path), -SK_E_NAMETOOLONG);
	CHECK_EQ(mtab_covering(&mt, 0, fk_at(SVC_RAMFS, "/dev")), 1);
	CHECK_EQ(mtab_covering(&mt, 1, fk_at(SVC_RAMFS, "/dev")), -1);
	CHECK(mtab_is_root(&mt, 1, 1));
	CHECK(!mtab_is_root(&mt, 1, 2));
	CHECK(!mtab_is_root(&mt, -1, 1));
	CHECK(!mtab_is_root(&mt, VFS_NMOUNT, 1));
	CHECK_EQ(mtab_nth(&mt, 0), 0);
	CHECK_EQ(mtab_nth(&mt, 2), 2);
	CHECK_EQ(mtab_nth(&mt, 3), -1);
	CHECK_STREQ(mtab_fsname(SVC_RAMFS), "ramfs");
	CHECK_STREQ(mtab_fsname(SVC_DEVFS), "devfs");
	CHECK_STREQ(mtab_fsname(SVC_PROCFS), "procfs");
	CHECK_STREQ(mtab_fsname(12345), "fs");
	/* Fill the table. */
	for (uint64_t i = 100; mtab_add(&mt, SVC_PIPE, 1, 0, i, "/m") >= 0; i++)
		n++;
	CHECK_EQ(n, VFS_NMOUNT - 3);
	CHECK_EQ(mtab_add(&mt, SVC_PIPE, 1, 0, 999, "/m"), -SK_E_NOSPC);
	CHECK_EQ(mtab_remove(&mt, 0), SK_E_BUSY);
	CHECK_EQ(mtab_remove(&mt, 5), SK_OK);
	CHECK_EQ(mtab_remove(&mt, 5), SK_E_INVAL);
	CHECK_EQ(mtab_remove(&mt, -1), SK_E_INVAL);
	CHECK_EQ(mtab_nth(&mt, VFS_NMOUNT - 1), -1);
	/* The searches stop at the last entry in use, which follows removals. */
	CHECK_EQ(mt.n, VFS_NMOUNT);
	CHECK_EQ(mtab_covering(&mt, 0, 100 + VFS_NMOUNT - 4), VFS_NMOUNT - 1);
	CHECK_EQ(mtab_remove(&mt, VFS_NMOUNT - 1), SK_OK);
	CHECK_EQ(mt.n, VFS_NMOUNT - 1);
	CHECK_EQ(mtab_covering(&mt, 0, 100 + VFS_NMOUNT - 4), -1);
	CHECK_EQ(mtab_covering(&mt, 0, 100 + VFS_NMOUNT - 5), VFS_NMOUNT - 2);
	CHECK_EQ(mtab_add(&mt, SVC_PIPE, 1, 0, 998, "/m"), 5);
	CHECK_EQ(mt.n, VFS_NMOUNT - 1);
	CHECK_EQ(mtab_covering(&mt, 0, 998), 5);
	for (int i = VFS_NMOUNT - 2; i >= 3; i--)
		CHECK_EQ(mtab_remove(&mt, i), SK_OK);
	CHECK_EQ(mt.n, 3);
	CHECK_EQ(mtab_nth(&mt, 2), 2);
	CHECK_EQ(mtab_add(&mt, SVC_PIPE, 1, 0, 997, "/m"), 3);
	CHECK_EQ(mt.n, 4);
	CHECK_EQ(mtab_covering(&mt, 0, 997), 3);
}

/* Whether two successful walks found the same things. */
static int
same_result(const struct walk_result *a, const struct walk_result *b)
{
	return a->found == b->found && a->last == b->last && a->slash == b->slash &&
	    a->crossed == b->crossed && a->dir.mnt == b->dir.mnt && a->dir.ino == b->dir.ino &&
	    !memcmp(&a->dirst, &b->dirst, sizeof(a->dirst)) && !strcmp(a->name, b->name) &&
	    strcmp(a->path, b->path) == 0 && (!a->found || (a->ent.mnt == b->ent.mnt &&
	    a->ent.ino == b->ent.ino && a->obj.mnt == b->obj.mnt && a->obj.ino == b->obj.ino &&
	    !memcmp(&a->entst, &b->entst, sizeof(a->entst)) &&
	    !memcmp(&a->st, &b->st, sizeof(a->st))));
}

/* Walk path for c with flags with and without FS_WALK: the same code and result. */
static int
both(const struct sk_cred *c, const char *path, uint32_t flags)
{
	static struct walk_result slow;
	int e, e1;

	fk_nowalk = 1;
	e1 = walk(&fk_ops, &mt, c, path, flags, &slow);
	fk_nowalk = 0;
	fk_calls = 0;
	fk_walks = 0;
	e = walk(&fk_ops, &mt, c, path, flags, &res);
	CHECK_MSG(e == e1, "%s: %d with FS_WALK, %d without", path, e, e1);
	if (e == SK_OK)
		CHECK_MSG(same_result(&res, &slow), "%s differs without FS_WALK", path);
	return e;
}

TEST(fs_walk_one_request_per_file_system)
{
	fk_world(&mt);
	/* Two components, one request, no getattr of the root. */
	CHECK_EQ(both(&fk_root_cred, "/etc/passwd", 0), SK_OK);
	CHECK(res.found);
	CHECK_EQ(fk_calls, 1);
	CHECK_EQ(fk_walks, 1);
	CHECK_EQ(res.st.mode, IO_S_IFREG | 0644);
	CHECK_EQ(res.st.dev, VFS_DEV_OF(SVC_RAMFS));
	CHECK_EQ(res.dirst.dev, VFS_DEV_OF(SVC_RAMFS));
	CHECK_EQ(res.dir.ino, fk_at(SVC_RAMFS, "/etc"));
	/* A mount point in the middle: one walk on each side. */
	CHECK_EQ(both(&fk_root_cred, "/dev/null", 0), SK_OK);
	CHECK_STREQ(res.path, "/dev/null");
	CHECK_EQ(res.obj.mnt, 1);
	CHECK_EQ(res.st.dev, VFS_DEV_OF(SVC_DEVFS));
	CHECK_EQ(fk_calls, 2);
	/* The final component a mount point: the mounted root is read. */
	CHECK_EQ(both(&fk_root_cred, "/dev", 0), SK_OK);
	CHECK(res.crossed);
	CHECK_EQ(res.st.dev, VFS_DEV_OF(SVC_DEVFS));
	CHECK_EQ(fk_calls, 2);
	/* A symbolic link in the middle (bin/up -> ../dev), then a mount. */
	CHECK_EQ(both(&fk_root_cred, "/bin/up/null", 0), SK_OK);
	CHECK_STREQ(res.path, "/dev/null");
	CHECK_EQ(res.obj.mnt, 1);
	CHECK_EQ(fk_calls, 4);		/* walk, readlink, walk, walk */
	CHECK_EQ(both(&fk_root_cred, "/lib64/../etc/./passwd", 0), SK_OK);
	CHECK_STREQ(res.path, "/etc/passwd");
	/* ".." across a mount: devfs stops at its root, vfs climbs out. */
	CHECK_EQ(both(&fk_root_cred, "/dev/../etc/passwd", 0), SK_OK);
	CHECK_STREQ(res.path, "/etc/passwd");
	CHECK_EQ(res.obj.mnt, 0);
	CHECK_EQ(both(&fk_root_cred, "/dev/pts/../../proc/1", 0), SK_OK);
	CHECK_STREQ(res.path, "/proc/1");
	CHECK_EQ(res.obj.mnt, 2);
	/* ".." inside a file system is the file system's. */
	CHECK_EQ(both(&fk_root_cred, "/home/user/../../etc/passwd", 0), SK_OK);
	CHECK_EQ(fk_walks, 1);
	CHECK_EQ(both(&fk_root_cred, "/bin/..", 0), SK_OK);
	CHECK_EQ(res.last, WALK_LAST_DOTDOT);
	CHECK_EQ(both(&fk_root_cred, "/bin/.", 0), SK_OK);
	CHECK_EQ(res.last, WALK_LAST_DOT);
	CHECK_EQ(both(&fk_root_cred, "/bin//", 0), SK_OK);
	CHECK(res.slash);
}

TEST(fs_walk_stops_in_the_middle)
{
	uint64_t home = fk_at(SVC_RAMFS, "/home/user"), priv, a;

	fk_world(&mt);
	home = fk_at(SVC_RAMFS, "/home/user");
	priv = fk_add(SVC_RAMFS, home, "priv", IO_S_IFDIR | 0700, 0, 0);
	a = fk_add(SVC_RAMFS, priv, "a", IO_S_IFDIR | 0755, 0, 0);
	fk_add(SVC_RAMFS, a, "b", IO_S_IFREG | 0644, 0, 0);
	/* Permission denied in the middle, for a user; root passes. */
	CHECK_EQ(both(&fk_user_cred, "/home/user/priv/a/b", 0), SK_E_ACCESS);
	CHECK_EQ(fk_walks, 1);
	CHECK_EQ(both(&fk_user_cred, "/home/user/priv/../priv/a", 0), SK_E_ACCESS);
	CHECK_EQ(both(&fk_user_cred, "/home/user/priv", 0), SK_OK);
	CHECK_EQ(both(&fk_root_cred, "/home/user/priv/a/b", 0), SK_OK);
	CHECK_STREQ(res.path, "/home/user/priv/a/b");
	/* Not a directory in the middle. */
	CHECK_EQ(both(&fk_root_cred, "/etc/passwd/x/y", 0), SK_E_NOTDIR);
	CHECK_EQ(fk_walks, 1);
	CHECK_EQ(both(&fk_root_cred, "/etc/passwd/../passwd", 0), SK_E_NOTDIR);
	/* Missing in the middle, missing at the end. */
	CHECK_EQ(both(&fk_root_cred, "/etc/nope/x", 0), SK_E_NOENT);
	CHECK_EQ(both(&fk_root_cred, "/etc/nope", 0), SK_OK);
	CHECK(!res.found);
	CHECK_STREQ(res.path, "/etc/nope");
	CHECK_EQ(res.dir.ino, fk_at(SVC_RAMFS, "/etc"));
	CHECK_EQ(fk_calls, 1);
	/* Links to follow, or not, at the end. */
	CHECK_EQ(both(&fk_root_cred, "/bin/sh", WALK_NOFOLLOW), SK_OK);
	CHECK_EQ(res.st.mode & IO_S_IFMT, IO_S_IFLNK);
	CHECK_EQ(both(&fk_root_cred, "/bin/sh", 0), SK_OK);
	CHECK_EQ(res.st.mode & IO_S_IFMT, IO_S_IFREG);
	CHECK_EQ(both(&fk_root_cred, "/loop1/x", 0), SK_E_LOOP);
	CHECK_EQ(both(&fk_root_cred, "/bin/sh/", WALK_NOFOLLOW | WALK_ENTRY), SK_E_NOTDIR);
	/* The real ids under WALK_REAL reach the file system. */
	{
		struct sk_cred c = fk_user_cred;

		c.euid = 0;
		CHECK_EQ(both(&c, "/home/user/priv/a/b", 0), SK_OK);
		CHECK_EQ(both(&c, "/home/user/priv/a/b", WALK_REAL), SK_E_ACCESS);
	}
}

TEST(fs_walk_covered_directories)
{
	fk_world(&mt);
	/* devfs again, over /home: /home/user is hidden, /home/null is devfs's. */
	REQUIRE(mtab_add(&mt, SVC_DEVFS, 1, 0, fk_at(SVC_RAMFS, "/home"), "/home") >= 0);
	CHECK_EQ(both(&fk_root_cred, "/home/user", 0), SK_OK);
	CHECK(!res.found);
	CHECK_EQ(both(&fk_root_cred, "/home/null", 0), SK_OK);
	CHECK(res.found);
	CHECK_EQ(res.st.dev, VFS_DEV_OF(SVC_DEVFS));
	CHECK_EQ(both(&fk_root_cred, "/etc/../home/null", 0), SK_OK);
	CHECK(res.found);
	/* ".." into a covered directory is left to vfs, which crosses down. */
	CHECK_EQ(both(&fk_root_cred, "/home/pts/../null", 0), SK_OK);
	CHECK(res.found);
	CHECK_EQ(res.obj.mnt, 3);
}

TEST(fs_walk_long_names_and_paths)
{
	static char p[FS_PATH_MAX + 16];
	char name[FS_NAME_MAX + 2];
	uint64_t d;
	size_t n;

	fk_world(&mt);
	memset(name, 'n', FS_NAME_MAX);
	name[FS_NAME_MAX] = '\0';
	d = fk_add(SVC_RAMFS, fk_at(SVC_RAMFS, "/tmp"), name, IO_S_IFDIR | 0755, 0, 0);
	REQUIRE(d != 0);
	fk_add(SVC_RAMFS, d, "f", IO_S_IFREG | 0644, 0, 0);
	/* A name of 255 bytes in the middle. */
	snprintf(p, sizeof(p), "/tmp/%s/f", name);
	CHECK_EQ(both(&fk_root_cred, p, 0), SK_OK);
	CHECK(res.found);
	CHECK_EQ(fk_walks, 1);
	CHECK_STREQ(res.path, p);
	/* 256 bytes is too long, in the middle or at the end. */
	snprintf(p, sizeof(p), "/tmp/%sn/f", name);
	CHECK_EQ(both(&fk_root_cred, p, 0), SK_E_NAMETOOLONG);
	snprintf(p, sizeof(p), "/tmp/%sn", name);
	CHECK_EQ(both(&fk_root_cred, p, 0), SK_E_NAMETOOLONG);
	/* A path of FS_PATH_MAX - 1 bytes: "/tmp/./././.../<255 bytes>/f". */
	memset(p, 0, sizeof(p));
	strcpy(p, "/tmp");
	n = strlen(p);
	while (n + 2 + 1 + FS_NAME_MAX + 2 <= FS_PATH_MAX - 1) {
		memcpy(p + n, "/.", 2);
		n += 2;
	}
	while (n + 1 + FS_NAME_MAX + 2 < FS_PATH_MAX - 1)
		p[n++] = '/';
	snprintf(p + n, sizeof(p) - n, "/%s/f", name);
	REQUIRE_EQ(strlen(p), FS_PATH_MAX - 1);
	CHECK_EQ(both(&fk_root_cred, p, 0), SK_OK);
	CHECK(res.found);
	CHECK_EQ(fk_walks, 1);
	snprintf(res.link, sizeof(res.link), "/tmp/%s/f", name);
	CHECK_STREQ(res.path, res.link);
	/* One byte more is too long. */
	memmove(p + 1, p, FS_PATH_MAX);
	p[0] = '/';
	CHECK_EQ(both(&fk_root_cred, p, 0), SK_E_NAMETOOLONG);
	/* 4095 bytes of "etc/../" that end in passwd's directory. */
	memset(p, 0, sizeof(p));
	p[0] = '/';
	for (n = 1; n + 7 <= FS_PATH_MAX - 1 - 4;)
		n += (size_t)snprintf(p + n, sizeof(p) - n, "etc/../");
	while (n < FS_PATH_MAX - 1 - 3)
		p[n++] = '/';
	strcpy(p + n, "etc");
	REQUIRE_EQ(strlen(p), FS_PATH_MAX - 1);
	CHECK_EQ(both(&fk_root_cred, p, 0), SK_OK);
	CHECK_STREQ(res.path, "/etc");
	CHECK_EQ(fk_walks, 1);
}

TEST(fs_walk_missing_falls_back)
{
	fk_world(&mt);
	fk_nowalk = 1;
	fk_calls = 0;
	CHECK_FOUND("/etc/passwd", 0, "/etc/passwd");
	CHECK_EQ(fk_walks, 0);
	CHECK_EQ(fk_calls, 3);		/* getattr of the root, two lookups */
}

/* The file-system side on its own: requests it refuses. */
TEST(fswalk_bad_requests)
{
	struct fswalk_ops o = { (void *)(uintptr_t)SVC_RAMFS, fkw_lookup, fkw_getattr, fkw_parent };
	struct fswalk_in in = { 1, 1, 0, 0, NULL, &fk_root_cred, "etc/passwd", 10 };
	struct fs_walk_rep rep;

	fk_world(&mt);
	CHECK_EQ(fswalk(&o, &in, &rep), SK_OK);
	CHECK_EQ(rep.stop, FS_WALK_ENTRY);
	CHECK_EQ(rep.off, 4);
	CHECK_EQ(rep.dir, fk_at(SVC_RAMFS, "/etc"));
	CHECK_EQ(rep.ino, fk_at(SVC_RAMFS, "/etc/passwd"));
	in.path = "/etc";
	CHECK_EQ(fswalk(&o, &in, &rep), SK_E_INVAL);
	in.path = "";
	CHECK_EQ(fswalk(&o, &in, &rep), SK_E_INVAL);
	in.path = "x";
	in.dir = fk_at(SVC_RAMFS, "/etc/passwd");
	CHECK_EQ(fswalk(&o, &in, &rep), SK_E_NOTDIR);
	in.dir = 63;
	CHECK_EQ(fswalk(&o, &in, &rep), SK_E_NOENT);
	/* ".." at the root it is given stops before it. */
	in.dir = fk_at(SVC_RAMFS, "/etc");
	in.root = in.dir;
	in.path = "../bin";
	CHECK_EQ(fswalk(&o, &in, &rep), SK_OK);
	CHECK_EQ(rep.stop, FS_WALK_STOP);
	CHECK_EQ(rep.off, 0);
	CHECK_EQ(rep.dir, in.dir);
}

/*
 * Random paths over the world's names: the walker never crashes, reads
 * out of bounds or returns an unknown code, and what it finds has a
 * canonical path that resolves to the same place.
 */
TEST(random_paths)
{
	static const char *const parts[] = {
		"bin", "busybox", "sh", "up", "dev", "null", "pts", "proc", "1", "lib",
		"lib64", "tmp", "etc", "passwd", "secret", "file", "home", "user",
		"loop1", "self", "empty", "dangling", ".", "..", "", "nope",
	};
	char p[256];
	static struct walk_result again, slow;
	const struct sk_cred *c;
	uint32_t flags;

	fk_world(&mt);
	for (int n = 0; n < 20000; n++) {
		int len = 0, k = (int)host_rand_below(6), e;

		p[len++] = '/';
		for (int i = 0; i < k; i++) {
			const char *c = parts[host_rand_below(sizeof(parts) / sizeof(parts[0]))];

			len += snprintf(p + len, sizeof(p) - (size_t)len, "%s%s", c,
			    (i + 1 < k || host_rand_below(4) == 0) ? "/" : "");
		}
		c = host_rand_below(2) ? &fk_user_cred : &fk_root_cred;
		flags = (uint32_t)host_rand_below(8);
		e = walk(&fk_ops, &mt, c, p, flags, &res);
		REQUIRE(e >= 0 && e < SK_E_COUNT);
		/* A walk of one component at a time gives the same answer. */
		fk_nowalk = 1;
		CHECK_MSG(walk(&fk_ops, &mt, c, p, flags, &slow) == e, "%s: %d", p, e);
		fk_nowalk = 0;
		if (e == SK_OK)
			CHECK_MSG(same_result(&res, &slow), "%s differs without FS_WALK", p);
		if (e != SK_OK || !res.found || (res.st.mode & IO_S_IFMT) == IO_S_IFLNK)
			continue;
		REQUIRE(res.path[0] == '/');
		CHECK_MSG(strstr(res.path, "//") == NULL && strstr(res.path, "/./") == NULL &&
		    strstr(res.path, "/../") == NULL, "%s -> %s", p, res.path);
		CHECK_EQ(walk(&fk_ops, &mt, &fk_root_cred, res.path, 0, &again), SK_OK);
		CHECK_MSG(again.found && again.obj.mnt == res.obj.mnt &&
		    again.obj.ino == res.obj.ino, "%s -> %s resolves elsewhere", p, res.path);
	}
}
