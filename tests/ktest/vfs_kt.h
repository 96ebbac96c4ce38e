/*
 * Helpers of the vfs ktest cases (t_vfs*.c): requests to vfs through the
 * SVC_TEST handle ktest got, and the skip when vfs or a root file system
 * is not in the boot image.
 */
#ifndef TESTS_KTEST_VFS_KT_H
#define TESTS_KTEST_VFS_KT_H

#include "ktest.h"
#include "abi/skiff/proto/vfs.h"

#define KV_TIMEOUT	(10ull * 1000000000ull)

/*
 * vfs's handle, or SKIP the test: no vfs, or vfs without a root file
 * system (VFS_STAT of "/" fails with SK_E_NOENT). Only in a KTEST body.
 */
#define KV_VFS() ({ \
	sk_handle_t kv_h_ = KT_SVC(given, SVC_VFS); \
	struct io_stat kv_st_; \
	int64_t kv_r_; \
	if (kv_h_ == 0) \
		SKIP("no vfs in the boot image"); \
	kv_r_ = kv_stat(kv_h_, "/", 0, &kv_st_); \
	if (kv_r_ < 0 && SK_ERR(kv_r_) == SK_E_NOENT) \
		SKIP("vfs has no root file system (no ramfs in the boot image)"); \
	CHECK_OK(kv_r_); \
	kv_h_; })

/*
 * One request: words w0..w2, payload (len bytes), reply payload into rcv
 * (rmax bytes). Returns sk_rpc's result; the reply is in *m. A handle the
 * reply carries is closed unless keep is set.
 */
static inline int64_t
kv_req(sk_handle_t v, uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2,
    const void *pl, uint32_t len, void *rcv, uint32_t rmax, struct sk_rpc *m, int keep)
{
	int64_t r;

	memset(m, 0, sizeof(*m));
	m->label = label;
	m->w[0] = w0;
	m->w[1] = w1;
	m->w[2] = w2;
	m->snd = pl;
	m->snd_len = len;
	m->rcv = rcv;
	m->rcv_max = rmax;
	r = sk_rpc(v, m, KV_TIMEOUT);
	if (!keep)
		for (uint32_t i = 0; i < m->rcv_nh && i < SK_MSG_HANDLES; i++)
			sk_handle_close(m->rcv_h[i]);
	return r;
}

/* A request whose payload is one path and whose reply payload is ignored. */
static inline int64_t
kv_path(sk_handle_t v, uint32_t label, uint64_t w0, uint64_t w1, const char *path)
{
	static char scratch[FS_PATH_MAX];
	struct sk_rpc m;

	return kv_req(v, label, w0, w1, 0, path, (uint32_t)strlen(path) + 1, scratch,
	    sizeof(scratch), &m, 0);
}

/* A request whose payload is two strings. */
static inline int64_t
kv_two(sk_handle_t v, uint32_t label, uint64_t w1, const char *a, const char *b)
{
	static char buf[2 * FS_PATH_MAX];
	size_t la = strlen(a), lb = strlen(b);
	struct sk_rpc m;

	memcpy(buf, a, la + 1);
	memcpy(buf + la + 1, b, lb + 1);
	return kv_req(v, label, 0, w1, 0, buf, (uint32_t)(la + lb + 2), NULL, 0, &m, 0);
}

static inline int64_t
kv_stat(sk_handle_t v, const char *path, uint32_t flags, struct io_stat *st)
{
	struct sk_rpc m;
	int64_t r;

	r = kv_req(v, VFS_STAT, 0, flags, 0, path, (uint32_t)strlen(path) + 1, st,
	    sizeof(*st), &m, 0);
	if (r >= 0 && m.rcv_len != sizeof(*st))
		return SK_ERRVAL(SK_E_IO, 0);
	return r;
}

/* VFS_OPEN; returns the handle (>= 0) or the error; *type and canon if given. */
static inline int64_t
kv_open(sk_handle_t v, const char *path, uint32_t flags, uint32_t mode, uint32_t *type,
    char *canon, uint32_t cmax)
{
	static char scratch[FS_PATH_MAX];
	struct sk_rpc m;
	int64_t r;

	if (canon == NULL) {
		canon = scratch;
		cmax = sizeof(scratch);
	}
	r = kv_req(v, VFS_OPEN, flags, mode, 0, path, (uint32_t)strlen(path) + 1, canon,
	    cmax, &m, 1);
	if (r < 0)
		return r;
	if (m.rcv_nh != 1)
		return SK_ERRVAL(SK_E_IO, 0);
	if (type != NULL)
		*type = (uint32_t)m.r[1];
	return m.rcv_h[0];
}

/* IO_READ of up to n bytes at off from open object h. */
static inline int64_t
kv_read(sk_handle_t h, void *buf, uint32_t n, uint64_t off)
{
	struct sk_rpc m;

	return kv_req(h, IO_READ, n, off, 0, NULL, 0, buf, n, &m, 0);
}

static inline int64_t
kv_write(sk_handle_t h, const void *buf, uint32_t n, uint64_t off)
{
	struct sk_rpc m;

	return kv_req(h, IO_WRITE, 0, off, 0, buf, n, NULL, 0, &m, 0);
}

#endif
