/*
 * Shared by the line discipline's host tests (test_ldisc*.c): the
 * discipline under test (its source, included once per test program),
 * a recorder of the signals it raises, typing, reading and exact output
 * checks with readable failure messages.
 */
#ifndef TESTS_HOST_LDISC_HELPERS_H
#define TESTS_HOST_LDISC_HELPERS_H

#include "tests/host/host.h"
#include "servers/tty/ldisc.c"
#include "servers/tty/ldisc_out.c"

#define MS	1000000ull

static struct ldisc L;
static int sigs[64], nsigs;
static char outbuf[LDISC_OMAX + 1];
static size_t outlen;

static inline void
on_signal(void *ctx, int sig)
{
	(void)ctx;
	if (nsigs < (int)(sizeof(sigs) / sizeof(sigs[0])))
		sigs[nsigs++] = sig;
}

static inline void
setup(void)
{
	ldisc_init(&L, on_signal, NULL);
	nsigs = 0;
}

static inline void
type_at(const char *s, uint64_t now)
{
	ldisc_input(&L, (const uint8_t *)s, strlen(s), now);
}

static inline void
type(const char *s)
{
	type_at(s, 1000);
}

/* Everything echoed or written since the last call, NUL-terminated. */
static inline const char *
out(void)
{
	outlen = ldisc_out_take(&L, (uint8_t *)outbuf, LDISC_OMAX);
	outbuf[outlen] = 0;
	return outbuf;
}

/* Show control characters of s readably (for failure messages). */
static inline const char *
vis(const char *s, size_t n)
{
	static char b[4][512];
	static int k;
	char *p = b[k++ & 3], *e = p + sizeof(b[0]) - 5;

	for (size_t i = 0; i < n && p < e; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			*p++ = (char)c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	*p = 0;
	return b[(k - 1) & 3];
}

/* The output since the last check must be exactly want. */
#define CHECK_OUT(want) do { \
	const char *got_ = out(); \
	size_t wl_ = sizeof(want) - 1; \
	CHECK_MSG(outlen == wl_ && memcmp(got_, want, wl_) == 0, \
	    "output \"%s\", expected \"%s\"", vis(got_, outlen), vis(want, wl_)); \
} while (0)

static char rbuf[LDISC_QMAX + 16];

/* Read up to max bytes at time now (blocking reader, timer t). */
static inline int64_t
rd_at(size_t max, uint64_t now, uint64_t *timer, uint64_t *deadline)
{
	int64_t n = ldisc_read(&L, (uint8_t *)rbuf, max, now, timer, deadline);

	if (n >= 0)
		rbuf[n] = 0;
	return n;
}

static inline int64_t
rd(size_t max)
{
	uint64_t t = 0;

	return rd_at(max, 2000, &t, NULL);
}

/* A read of 100 bytes must give exactly want. */
#define CHECK_READ(want) do { \
	int64_t n_ = rd(100); \
	size_t wl_ = sizeof(want) - 1; \
	CHECK_MSG(n_ == (int64_t)wl_ && memcmp(rbuf, want, wl_) == 0, \
	    "read %ld \"%s\", expected \"%s\"", (long)n_, n_ > 0 ? vis(rbuf, (size_t)n_) : "", \
	    vis(want, wl_)); \
} while (0)

static inline void
set_lflag(uint32_t on, uint32_t off)
{
	struct tty_termios t = L.t;

	t.c_lflag = (t.c_lflag | on) & ~off;
	ldisc_set_termios(&L, &t);
}

static inline void
set_iflag(uint32_t on, uint32_t off)
{
	struct tty_termios t = L.t;

	t.c_iflag = (t.c_iflag | on) & ~off;
	ldisc_set_termios(&L, &t);
}

static inline void
set_oflag(uint32_t on, uint32_t off)
{
	struct tty_termios t = L.t;

	t.c_oflag = (t.c_oflag | on) & ~off;
	ldisc_set_termios(&L, &t);
}

static inline void
set_cc(int i, uint8_t v)
{
	struct tty_termios t = L.t;

	t.c_cc[i] = v;
	ldisc_set_termios(&L, &t);
}


#endif
