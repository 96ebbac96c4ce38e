/*
 * devfs: /dev. A fixed set of device nodes on libfs: null, zero, full,
 * random and urandom are served here; tty, console and ttyS0 are opened
 * from the tty server (TTY_OPEN) and the client talks to tty directly.
 * /dev/rtc and /dev/rtc0 are the clock chip, read and set with the
 * RTC_RD_TIME and RTC_SET_TIME ioctls through the rtc driver. Start
 * handles: h[0] the endpoint, h[1] the tty service, h[2] the rtc driver
 * (0 when absent).
 */
#include <stdio.h>
#include "lib/fs/libfs.h"
#include "abi/skiff/proto/tty.h"
#include "abi/skiff/proto/rtc.h"
#include "lib/common/civil.h"

enum { D_ROOT = 1, D_NULL, D_ZERO, D_FULL, D_RANDOM, D_URANDOM, D_TTY, D_CONSOLE, D_TTYS0,
	D_RTC, D_RTC0, D_END };

static const struct dev {
	const char *name;
	uint32_t mode;
	uint32_t major, minor;
} devs[D_END] = {
	[D_NULL] = { "null", IO_S_IFCHR | 0666, 1, 3 },
	[D_ZERO] = { "zero", IO_S_IFCHR | 0666, 1, 5 },
	[D_FULL] = { "full", IO_S_IFCHR | 0666, 1, 7 },
	[D_RANDOM] = { "random", IO_S_IFCHR | 0666, 1, 8 },
	[D_URANDOM] = { "urandom", IO_S_IFCHR | 0666, 1, 9 },
	[D_TTY] = { "tty", IO_S_IFCHR | 0666, 5, 0 },
	[D_CONSOLE] = { "console", IO_S_IFCHR | 0600, 5, 1 },
	[D_TTYS0] = { "ttyS0", IO_S_IFCHR | 0620, 4, 64 },
	[D_RTC] = { "rtc", IO_S_IFCHR | 0600, 254, 0 },	/* root's, as setting it is */
	[D_RTC0] = { "rtc0", IO_S_IFCHR | 0600, 254, 0 },
};

#define RTC_RD_TIME	0x80247009u
#define RTC_SET_TIME	0x4024700au

static sk_handle_t tty, rtc;
static struct io_time boot;

static int64_t
d_lookup(void *fs, uint64_t dir, const char *name)
{
	if (dir != D_ROOT)
		return dir < D_END ? -SK_E_NOTDIR : -SK_E_NOENT;
	for (int i = D_NULL; i < D_END; i++)
		if (strcmp(devs[i].name, name) == 0)
			return i;
	return -SK_E_NOENT;
}

static int
d_getattr(void *fs, uint64_t ino, struct io_stat *st)
{
	if (ino < D_ROOT || ino >= D_END)
		return -SK_E_NOENT;
	memset(st, 0, sizeof(*st));
	st->dev = SVC_DEVFS;
	st->ino = ino;
	st->nlink = ino == D_ROOT ? 2 : 1;
	st->mode = ino == D_ROOT ? IO_S_IFDIR | 0755 : devs[ino].mode;
	st->rdev = ino == D_ROOT ? 0 : (devs[ino].major << 8) | devs[ino].minor;
	st->blksize = 4096;
	st->atime = st->mtime = st->ctime = boot;
	return SK_OK;
}

static int64_t
d_parent(void *fs, uint64_t dir)
{
	return dir == D_ROOT ? D_ROOT : -SK_E_NOTDIR;
}

static uint64_t
random64(void)
{
	static uint64_t s;
	uint64_t v;
	unsigned char ok = 0;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
	if (ok)
		return v;
	if (s == 0) {
		uint32_t lo, hi;

		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		s = ((uint64_t)hi << 32 | lo) | 1;
	}
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static int64_t
d_read(void *fs, uint64_t ino, uint64_t off, void *buf, uint32_t n)
{
	switch (ino) {
	case D_NULL:
		return 0;
	case D_ZERO:
	case D_FULL:
		memset(buf, 0, n);
		return n;
	case D_RANDOM:
	case D_URANDOM:
		for (uint32_t i = 0; i < n; i += 8) {
			uint64_t v = random64();

			memcpy((char *)buf + i, &v, n - i < 8 ? n - i : 8);
		}
		return n;
	default:
		return -SK_E_INVAL;
	}
}

static int64_t
d_write(void *fs, uint64_t ino, uint64_t off, const void *buf, uint32_t n)
{
	switch (ino) {
	case D_FULL:
		return -SK_E_NOSPC;
	case D_NULL: case D_ZERO: case D_RANDOM: case D_URANDOM:
		return n;
	default:
		return -SK_E_INVAL;
	}
}

static int
d_readdir(void *fs, uint64_t dir, uint64_t cookie, libfs_emit emit, void *ctx)
{
	if (dir != D_ROOT)
		return -SK_E_NOTDIR;
	for (uint64_t c = cookie; c < D_END + 1; c++) {
		int r;

		if (c == 0)
			r = emit(ctx, D_ROOT, IO_DT_DIR, ".", 1);
		else if (c == 1)
			r = emit(ctx, D_ROOT, IO_DT_DIR, "..", 2);
		else if (c - 1 >= D_NULL && c - 1 < D_END)
			r = emit(ctx, c - 1, IO_DT_CHR, devs[c - 1].name, c + 1);
		else
			continue;
		if (r)
			return 1;
	}
	return 0;
}

/* The terminals are the tty server's open objects. */
static int64_t
d_open(void *fs, uint64_t ino, uint32_t flags)
{
	struct sk_rpc m = { .label = TTY_OPEN };
	int64_t r;

	if (ino != D_TTY && ino != D_CONSOLE && ino != D_TTYS0)
		return 0;
	if (tty == 0)
		return -SK_E_NXIO;
	m.w[0] = TTY_MINOR_CONSOLE;
	m.w[1] = flags;
	if ((r = sk_rpc(tty, &m, 5ull * 1000 * 1000 * 1000)) < 0)
		return SK_ERR(r) == SK_E_PEERDIED || SK_ERR(r) == SK_E_TIMEOUT ? -SK_E_IO : r;
	if (m.rcv_nh != 1)
		return -SK_E_IO;
	return m.rcv_h[0];
}

/* An rtc request; the driver's answer, or an error for libfs. */
static int64_t
rtc_call(struct sk_rpc *m)
{
	int64_t r = sk_rpc(rtc, m, 5ull * 1000 * 1000 * 1000);

	if (r >= 0)
		return r;
	return SK_ERR(r) == SK_E_PEERDIED || SK_ERR(r) == SK_E_TIMEOUT ? -SK_E_IO : -SK_ERR(r);
}

/* The clock chip's ioctls, through the rtc driver. */
static int64_t
d_ioctl(void *fs, uint64_t ino, uint64_t cmd, uint64_t arg, const void *in, uint32_t in_len,
    void *out, uint32_t *out_len)
{
	struct sk_rpc m = { 0 };
	struct civil_tm tm;
	int64_t r, t;

	if (ino != D_RTC && ino != D_RTC0)
		return -SK_E_NOTTY;
	if (rtc == 0)
		return -SK_E_NXIO;
	switch (cmd) {
	case RTC_RD_TIME:
		m.label = RTC_READ;
		if ((r = rtc_call(&m)) < 0)
			return r;
		civil_to_tm(r, &tm);
		memcpy(out, &tm, sizeof(tm));
		*out_len = sizeof(tm);
		return 0;
	case RTC_SET_TIME:
		if (in_len != sizeof(tm))
			return -SK_E_INVAL;
		memcpy(&tm, in, sizeof(tm));
		if ((t = civil_from_tm(&tm)) < 0)
			return -SK_E_INVAL;
		m.label = RTC_WRITE;
		m.w[0] = (uint64_t)t;
		r = rtc_call(&m);
		return r < 0 ? r : 0;
	default:
		return -SK_E_NOTTY;
	}
}

static int
d_seekable(void *fs, uint64_t ino)
{
	return ino == D_ROOT;
}

static int
d_statfs(void *fs, struct io_statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = 0x1373;	/* devfs */
	st->bsize = 4096;
	st->namelen = FS_NAME_MAX;
	return SK_OK;
}

static const struct libfs_ops ops = {
	.root = D_ROOT,
	.lookup = d_lookup,
	.getattr = d_getattr,
	.parent = d_parent,
	.read = d_read,
	.write = d_write,
	.readdir = d_readdir,
	.open = d_open,
	.ioctl = d_ioctl,
	.seekable = d_seekable,
	.statfs = d_statfs,
};

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);

	if (nh < 1 || h[0] == 0) {
		fprintf(stderr, "devfs: no endpoint\n");
		return 1;
	}
	tty = nh >= 2 ? h[1] : 0;
	rtc = nh >= 3 ? h[2] : 0;
	boot = libfs_now();
	libfs_serve(NULL, &ops, h[0]);
}
