/*
 * FS_WALK (abi/skiff/proto/fs.h) straight to ramfs through ktest's
 * SVC_TEST handle: a walk that ends at an entry, one that stops at a
 * missing name or a closed directory, and malformed requests, each of
 * which must fail alone with SK_E_INVAL. SKIP when ramfs is not in the
 * boot image.
 */
#include "ktest.h"
#include "abi/skiff/proto/fs.h"

#define FW_TIMEOUT	(10ull * 1000000000ull)

static char fw_buf[FS_WALK_NCOVER * 8 + sizeof(struct sk_cred) + FS_PATH_MAX + 16];

/*
 * FS_WALK from dir (root rt) with ncover covered inodes cover, credential
 * c cut to clen bytes and payload ending with path (plen bytes, its NUL
 * included). The reply goes to *rep.
 */
static int64_t
fw(sk_handle_t fs, uint64_t dir, uint64_t rt, uint64_t flags, uint64_t ncover,
    const uint64_t *cover, uint32_t nc, const struct sk_cred *c, uint32_t clen,
    const char *path, uint32_t plen, struct fs_walk_rep *rep, uint32_t *rlen)
{
	struct sk_rpc m;
	uint32_t off = nc * 8;
	int64_t r;

	memcpy(fw_buf, cover, off);
	memcpy(fw_buf + off, c, clen);
	off += clen;
	memcpy(fw_buf + off, path, plen);
	off += plen;
	memset(&m, 0, sizeof(m));
	m.label = FS_WALK;
	m.w[0] = dir;
	m.w[1] = rt;
	m.w[2] = flags;
	m.w[3] = ncover;
	m.snd = fw_buf;
	m.snd_len = off;
	m.rcv = rep;
	m.rcv_max = sizeof(*rep);
	r = sk_rpc(fs, &m, FW_TIMEOUT);
	if (rlen != NULL)
		*rlen = m.rcv_len;
	return r;
}

KTEST(fs_walk_ramfs)
{
	sk_handle_t fs = KT_SVC(given, SVC_RAMFS);
	struct sk_cred root, user;
	struct fs_walk_rep rep;
	uint64_t cover[1];
	uint32_t rl = 0, cl = FS_WALK_CRED_LEN(0);
	struct sk_rpc m;
	int64_t rt;

	if (fs == 0)
		SKIP("no ramfs in the boot image");
	memset(&m, 0, sizeof(m));
	m.label = FS_ROOT;
	CHECK_OK(rt = sk_rpc(fs, &m, FW_TIMEOUT));
	memset(&root, 0, sizeof(root));
	memset(&user, 0, sizeof(user));
	user.ruid = user.euid = user.suid = 1000;
	user.rgid = user.egid = user.sgid = 1000;

	/* Two components in one request, ending at the regular file. */
	CHECK_OK(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "bin//busybox",
	    13, &rep, &rl));
	CHECK(rl == sizeof(rep));
	CHECK(rep.stop == FS_WALK_ENTRY && rep.off == 5);
	CHECK((rep.st.mode & IO_S_IFMT) == IO_S_IFREG);
	CHECK((rep.dirst.mode & IO_S_IFMT) == IO_S_IFDIR && rep.dir != (uint64_t)rt);
	/* "..", "." and a covered directory. */
	CHECK_OK(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &user, cl,
	    "bin/./../bin/busybox", 21, &rep, NULL));
	CHECK(rep.stop == FS_WALK_ENTRY && rep.off == 13);
	cover[0] = rep.dir;		/* /bin, as if something were mounted on it */
	CHECK_OK(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 1, cover, 1, &root, cl, "bin/busybox",
	    12, &rep, NULL));
	CHECK(rep.stop == FS_WALK_ENTRY && rep.off == 0 && rep.ino == cover[0]);
	/* ".." at the root it is given is left to vfs. */
	CHECK_OK(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "../bin", 7,
	    &rep, NULL));
	CHECK(rep.stop == FS_WALK_STOP && rep.off == 0 && rep.dir == (uint64_t)rt);
	/* A missing name in the middle. */
	CHECK_OK(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "bin/nope/x", 11,
	    &rep, NULL));
	CHECK(rep.stop == FS_WALK_ERROR && rep.err == SK_E_NOENT && rep.off == 4);
	/* The file system decides search permission with the credential sent. */
	user.ngroups = 1;
	user.groups[0] = 5;
	CHECK_OK(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &user,
	    FS_WALK_CRED_LEN(1), "bin/busybox/x", 14, &rep, NULL));
	CHECK(rep.stop == FS_WALK_ENTRY && rep.off == 4);	/* busybox is no directory */

	/* Malformed requests. */
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 4, 0, NULL, 0, &root, cl, "bin", 4,
	    &rep, NULL), SK_E_INVAL, 0);
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, FS_WALK_NCOVER + 1, NULL, 0, &root, cl,
	    "bin", 4, &rep, NULL), SK_E_INVAL, 0);
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 3, cover, 1, &root, cl, "bin", 4,
	    &rep, NULL), SK_E_INVAL, 0);
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, 16, "", 0,
	    &rep, NULL), SK_E_INVAL, 0);
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "bin", 3,
	    &rep, NULL), SK_E_INVAL, 0);			/* no NUL */
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "b\0in", 5,
	    &rep, NULL), SK_E_INVAL, 0);			/* a NUL inside */
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "/bin", 5,
	    &rep, NULL), SK_E_INVAL, 0);
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "", 1,
	    &rep, NULL), SK_E_INVAL, 0);
	root.ngroups = SK_NGROUPS + 1;
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, sizeof(root), "bin",
	    4, &rep, NULL), SK_E_INVAL, 0);
	root.ngroups = 2;
	CHECK_ERR(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "bin",
	    4, &rep, NULL), SK_E_INVAL, 0);			/* groups cut short */
	root.ngroups = 0;
	CHECK_ERR(fw(fs, ~0ull, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "bin", 4, &rep, NULL),
	    SK_E_NOENT, 0);
	/* ramfs still answers. */
	CHECK_OK(fw(fs, (uint64_t)rt, (uint64_t)rt, 0, 0, NULL, 0, &root, cl, "bin", 4, &rep,
	    NULL));
	CHECK(rep.stop == FS_WALK_ENTRY);
	return 0;
}
