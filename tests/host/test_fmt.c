/*
 * lib/common/fmt.c against the host C library's snprintf, on every
 * conversion, flag, width, precision and length modifier fmt.c supports,
 * and on every buffer size from 0 to past the output: the return value is
 * always the full length, the output always NUL-terminated, and nothing is
 * written past the buffer (each buffer is malloc'ed at exactly its size).
 *
 * fmt.c defines vsnprintf and snprintf, which clash with libc's: include it
 * with them renamed to sk_*, then use the host's under the real names.
 */
#include <limits.h>
#include "tests/host/host.h"

#define vsnprintf sk_vsnprintf
#define snprintf sk_snprintf
#include "lib/common/fmt.c"
#undef vsnprintf
#undef snprintf

/* The format strings below are built at run time, on purpose. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-truncation"

static int compared;

static int
sk_call(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = sk_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Compare one formatting done by both implementations: want/wantlen from
 * the host, and a callback that formats with fmt.c into (buf, size).
 */
struct call {
	const char *fmt;
	int kind;		/* which argument list; see run_sk() */
	int64_t i;
	uint64_t u;
	const char *s;
	int star1, star2;
};

enum { K_NONE, K_INT, K_UINT, K_LONG, K_ULONG, K_LLONG, K_ULLONG, K_SIZE,
	K_SHORT, K_USHORT, K_CHAR, K_STR, K_STAR_INT, K_STAR_STR, K_STAR2_STR };

static int
run(int (*f)(char *, size_t, const char *, ...), char *buf, size_t size,
    const struct call *c)
{
	switch (c->kind) {
	case K_NONE:	return f(buf, size, c->fmt);
	case K_INT:	return f(buf, size, c->fmt, (int)c->i);
	case K_UINT:	return f(buf, size, c->fmt, (unsigned)c->u);
	case K_LONG:	return f(buf, size, c->fmt, (long)c->i);
	case K_ULONG:	return f(buf, size, c->fmt, (unsigned long)c->u);
	case K_LLONG:	return f(buf, size, c->fmt, (long long)c->i);
	case K_ULLONG:	return f(buf, size, c->fmt, (unsigned long long)c->u);
	case K_SIZE:	return f(buf, size, c->fmt, (size_t)c->u);
	case K_SHORT:	return f(buf, size, c->fmt, (int)c->i);	/* promoted */
	case K_USHORT:	return f(buf, size, c->fmt, (unsigned)c->u);
	case K_CHAR:	return f(buf, size, c->fmt, (int)c->i);
	case K_STR:	return f(buf, size, c->fmt, c->s);
	case K_STAR_INT: return f(buf, size, c->fmt, c->star1, (int)c->i);
	case K_STAR_STR: return f(buf, size, c->fmt, c->star1, c->s);
	case K_STAR2_STR: return f(buf, size, c->fmt, c->star1, c->star2, c->s);
	}
	abort();
}

static void
compare(const char *file, int line, const struct call *c)
{
	char want[4096];
	int wantlen = run(snprintf, want, sizeof(want), c);

	compared++;
	if (wantlen < 0 || wantlen >= (int)sizeof(want)) {
		host_fail(file, line, "host snprintf(\"%s\") failed", c->fmt);
		return;
	}
	/* Every size from 0 to two past the full output, exactly allocated. */
	for (size_t size = 0; size <= (size_t)wantlen + 2; size++) {
		char *buf = malloc(size ? size : 1);
		size_t keep = size ? (size - 1 < (size_t)wantlen ? size - 1 : (size_t)wantlen) : 0;
		int got;

		memset(buf, '@', size ? size : 1);
		got = run(sk_call, size ? buf : NULL, size, c);
		if (got != wantlen) {
			host_fail(file, line, "\"%s\" size %zu: returned %d, host %d",
			    c->fmt, size, got, wantlen);
			free(buf);
			return;
		}
		if (size > 0 && (memcmp(buf, want, keep) != 0 || buf[keep] != 0)) {
			host_fail(file, line, "\"%s\" size %zu: wrote \"%.*s\", host \"%.*s\"",
			    c->fmt, size, (int)keep, buf, (int)keep, want);
			free(buf);
			return;
		}
		free(buf);
		/* Past a handful of sizes, only the whole output is interesting. */
		if (size == 24 && wantlen > 40)
			size = wantlen - 3;
	}
}

#define CMP(...)	compare(__FILE__, __LINE__, &(struct call){ __VA_ARGS__ })

static const char *const flag_sets[] = { "", "-", "0", "-0", "0-", "00", "--" };
static const char *const widths[] = { "", "0", "1", "2", "5", "12", "21", "25" };

/* Every flag set and width around one conversion. */
static void
each_form(const char *mod, const char *conv, struct call c)
{
	char fmt[64];

	for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++) {
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s>", flag_sets[f], widths[w], mod, conv);
			c.fmt = fmt;
			CMP(.fmt = c.fmt, .kind = c.kind, .i = c.i, .u = c.u, .s = c.s);
		}
	}
}

static const int64_t svals[] = {
	0, 1, -1, 7, -7, 9, 10, 42, -42, 99, 100, -100, 255, 256, 1000, 32767,
	-32768, 32768, 65535, 65536, 123456789, -123456789, INT_MAX, INT_MIN,
	(int64_t)INT_MAX + 1, (int64_t)INT_MIN - 1, 4294967295ll, 1ll << 40,
	-(1ll << 40), 1000000000000000000ll, INT64_MAX, INT64_MIN, INT64_MIN + 1,
};

static const uint64_t uvals[] = {
	0, 1, 7, 8, 9, 10, 15, 16, 255, 256, 4095, 4096, 0xdeadbeef, 0x7fffffff,
	0x80000000, UINT_MAX, (uint64_t)UINT_MAX + 1, 0x123456789abcdefull,
	0x8000000000000000ull, INT64_MAX, UINT64_MAX - 1, UINT64_MAX,
};

TEST(signed_conversions)
{
	for (size_t i = 0; i < sizeof(svals) / sizeof(svals[0]); i++) {
		int64_t v = svals[i];

		each_form("", "d", (struct call){ .kind = K_INT, .i = v });
		each_form("", "i", (struct call){ .kind = K_INT, .i = v });
		each_form("l", "d", (struct call){ .kind = K_LONG, .i = v });
		each_form("l", "i", (struct call){ .kind = K_LONG, .i = v });
		each_form("ll", "d", (struct call){ .kind = K_LLONG, .i = v });
		each_form("ll", "i", (struct call){ .kind = K_LLONG, .i = v });
		each_form("z", "d", (struct call){ .kind = K_LONG, .i = v });
		each_form("h", "d", (struct call){ .kind = K_SHORT, .i = (int)v });
		each_form("h", "i", (struct call){ .kind = K_SHORT, .i = (int)v });
		each_form("hh", "d", (struct call){ .kind = K_SHORT, .i = (int)v });
	}
}

TEST(unsigned_conversions)
{
	static const char *const convs[] = { "u", "x", "X", "o" };

	for (size_t i = 0; i < sizeof(uvals) / sizeof(uvals[0]); i++) {
		uint64_t v = uvals[i];

		for (int k = 0; k < 4; k++) {
			each_form("", convs[k], (struct call){ .kind = K_UINT, .u = v });
			each_form("l", convs[k], (struct call){ .kind = K_ULONG, .u = v });
			each_form("ll", convs[k], (struct call){ .kind = K_ULLONG, .u = v });
			each_form("z", convs[k], (struct call){ .kind = K_SIZE, .u = v });
			each_form("h", convs[k], (struct call){ .kind = K_USHORT, .u = (unsigned)v });
			each_form("hh", convs[k], (struct call){ .kind = K_USHORT, .u = (unsigned)v });
		}
	}
}

/* '#' with %x, %X and %o (C leaves it undefined with the other conversions). */
TEST(alternate_forms)
{
	static const char *const flags[] = { "#", "#0", "-#" };
	static const char *const convs[] = { "x", "X", "o" };
	char fmt[64];

	for (size_t i = 0; i < sizeof(uvals) / sizeof(uvals[0]); i++)
		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
				for (int k = 0; k < 3; k++) {
					snprintf(fmt, sizeof(fmt), "<%%%s%sl%s>", flags[f], widths[w],
					    convs[k]);
					CMP(.fmt = fmt, .kind = K_ULONG, .u = uvals[i]);
				}
}

TEST(int64_extremes)
{
	CMP(.fmt = "%ld", .kind = K_LONG, .i = INT64_MIN);
	CMP(.fmt = "%lld", .kind = K_LLONG, .i = INT64_MIN);
	CMP(.fmt = "%25ld|", .kind = K_LONG, .i = INT64_MIN);
	CMP(.fmt = "%-25ld|", .kind = K_LONG, .i = INT64_MIN);
	CMP(.fmt = "%025ld|", .kind = K_LONG, .i = INT64_MIN);
	CMP(.fmt = "%lu", .kind = K_ULONG, .u = UINT64_MAX);
	CMP(.fmt = "%lo", .kind = K_ULONG, .u = UINT64_MAX);
	CMP(.fmt = "%lx", .kind = K_ULONG, .u = (uint64_t)INT64_MIN);
	CMP(.fmt = "%d", .kind = K_INT, .i = INT_MIN);

	char buf[32];
	CHECK_EQ(sk_snprintf(buf, sizeof(buf), "%ld", (long)INT64_MIN), 20);
	CHECK_STREQ(buf, "-9223372036854775808");
}

TEST(strings)
{
	static const char *const strs[] = {
		"", "a", "hi", "hello", "hello, world", "exactly twelve",
		"a longer string than any of the widths in the table",
	};
	static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".5", ".12", ".40" };
	char fmt[64];

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		for (size_t f = 0; f < 3; f++)
			for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
				for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
					snprintf(fmt, sizeof(fmt), "[%%%s%s%ss]", flag_sets[f],
					    widths[w], precs[p]);
					CMP(.fmt = fmt, .kind = K_STR, .s = strs[i]);
				}
		/* Width and precision from arguments, negative ones included. */
		for (int w = -8; w <= 8; w += 4) {
			CMP(.fmt = "[%*s]", .kind = K_STAR_STR, .star1 = w, .s = strs[i]);
			CMP(.fmt = "[%-*s]", .kind = K_STAR_STR, .star1 = w, .s = strs[i]);
			CMP(.fmt = "[%.*s]", .kind = K_STAR_STR, .star1 = w, .s = strs[i]);
			for (int p = -1; p <= 6; p += 7)
				CMP(.fmt = "[%*.*s]", .kind = K_STAR2_STR, .star1 = w,
				    .star2 = p, .s = strs[i]);
		}
	}
	/* A precision bounds the read: the string need not be terminated. */
	char *raw = malloc(3);
	memcpy(raw, "abc", 3);
	char out[8];
	CHECK_EQ(sk_snprintf(out, sizeof(out), "%.3s", raw), 3);
	CHECK_STREQ(out, "abc");
	CHECK_EQ(sk_snprintf(out, sizeof(out), "%.2s|", raw), 3);
	CHECK_STREQ(out, "ab|");
	free(raw);
	/* NULL prints as glibc does without a precision. */
	CMP(.fmt = "%s", .kind = K_STR, .s = NULL);
	CMP(.fmt = "%10s", .kind = K_STR, .s = NULL);
}

TEST(characters)
{
	static const int chars[] = { 'a', 'Z', ' ', '%', '\n', 0x7f, 0xe9 };
	char fmt[64];

	for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++) {
		for (size_t f = 0; f < 3; f++)
			for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
				snprintf(fmt, sizeof(fmt), "(%%%s%sc)", flag_sets[f], widths[w]);
				CMP(.fmt = fmt, .kind = K_CHAR, .i = chars[i]);
			}
	}
	/* A NUL character counts and is stored. */
	char out[8];
	memset(out, 'x', sizeof(out));
	CHECK_EQ(sk_snprintf(out, sizeof(out), "a%cb", 0), 3);
	CHECK(memcmp(out, "a\0b\0", 4) == 0);
}

TEST(percent_and_plain_text)
{
	CMP(.fmt = "");
	CMP(.fmt = "plain text, no conversions");
	CMP(.fmt = "%%");
	CMP(.fmt = "100%% sure, %%%% twice");
	CMP(.fmt = "%%d is not a conversion");
	CMP(.fmt = "[%d%%]", .kind = K_INT, .i = 50);
}

TEST(star_width)
{
	for (int w = -30; w <= 30; w += 3) {
		CMP(.fmt = "[%*d]", .kind = K_STAR_INT, .star1 = w, .i = -42);
		CMP(.fmt = "[%-*d]", .kind = K_STAR_INT, .star1 = w, .i = 42);
		CMP(.fmt = "[%0*d]", .kind = K_STAR_INT, .star1 = w, .i = -42);
		CMP(.fmt = "[%*x]", .kind = K_STAR_INT, .star1 = w, .i = 0xbeef);
	}
}

TEST(mixed_formats)
{
	char out[200], want[200];
	int n, m;

#define BOTH(...) do { \
	n = sk_snprintf(out, sizeof(out), __VA_ARGS__); \
	m = snprintf(want, sizeof(want), __VA_ARGS__); \
	CHECK_EQ(n, m); \
	CHECK_STREQ(out, want); \
} while (0)
	BOTH("[%3d] %-10s|%08lx|%c|%%|%zu|%5.2s|", 7, "init", 0xfeedUL, 'k', (size_t)12345, "xyz");
	BOTH("%s=%d (%s) at %x", "x", -1, "", 0x10);
	BOTH("cpu %d: %lu pages, %u KiB free, %o perms", 1, 131072UL, 524288u, 0755u);
	BOTH("%hd %hu %hhd %hhu %hx", (short)-3, (unsigned short)65535, (signed char)-128,
	    (unsigned char)200, (unsigned short)0xabcd);
	BOTH("%lld %llu %llx %lli", (long long)INT64_MIN, (unsigned long long)UINT64_MAX,
	    0x1234ull, -5ll);
	BOTH("%zu %zd %zx", (size_t)SIZE_MAX, (ssize_t)-1, (size_t)0x1000);
#undef BOTH
}

TEST(pointer)
{
	char out[64];

	/* fmt.c's %p is 0x and 16 digits, unlike glibc's. */
	CHECK_EQ(sk_snprintf(out, sizeof(out), "%p", (void *)0x1234), 18);
	CHECK_STREQ(out, "0x0000000000001234");
	CHECK_EQ(sk_snprintf(out, sizeof(out), "%p", (void *)0), 18);
	CHECK_STREQ(out, "0x0000000000000000");
	CHECK_EQ(sk_snprintf(out, sizeof(out), "<%p>", (void *)UINTPTR_MAX), 20);
	CHECK_STREQ(out, "<0xffffffffffffffff>");
}

TEST(truncation_and_size_zero)
{
	char out[16];

	/* The return value is the full length; the output is cut and ended. */
	memset(out, 'x', sizeof(out));
	CHECK_EQ(sk_snprintf(out, 5, "%s", "hello, world"), 12);
	CHECK_STREQ(out, "hell");
	CHECK_EQ(out[5], 'x');
	memset(out, 'x', sizeof(out));
	CHECK_EQ(sk_snprintf(out, 1, "%d", 12345), 5);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(out[1], 'x');
	/* Size 0 writes nothing, with or without a buffer. */
	memset(out, 'x', sizeof(out));
	CHECK_EQ(sk_snprintf(out, 0, "%d-%s", -77, "abc"), 7);
	CHECK_EQ(out[0], 'x');
	CHECK_EQ(sk_snprintf(NULL, 0, "%lu", (unsigned long)UINT64_MAX), 20);
	/* A width far wider than the buffer. */
	CMP(.fmt = "%300d|", .kind = K_INT, .i = 5);
	CMP(.fmt = "%-300s|", .kind = K_STR, .s = "left");
	CMP(.fmt = "%0300lx|", .kind = K_ULONG, .u = 0xabc);
}

/*
 * Formats that end in the middle of a directive: fmt.c must stop at the
 * NUL, not read past it (each format is exactly allocated).
 */
TEST(format_ends_mid_directive)
{
	static const char *const fmts[] = {
		"%", "abc%", "%-", "%0", "%-0", "%5", "%12", "%.", "%.3", "%l", "%ll",
		"%h", "%hh", "%z", "%5l", "%-08.3l", "%lz",
	};

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		size_t n = strlen(fmts[i]) + 1;
		char *f = malloc(n);
		char out[64];
		int r;

		memcpy(f, fmts[i], n);
		memset(out, 'x', sizeof(out));
		r = sk_snprintf(out, sizeof(out), f, 0, 0, 0);
		CHECK_MSG(r >= 0 && r < (int)sizeof(out) && (size_t)r == strlen(out),
		    "\"%s\": returned %d for \"%s\"", fmts[i], r, out);
		free(f);
	}
}

TEST(compared_enough)
{
	/* Guards against the tables above silently shrinking. */
	CHECK_MSG(compared > 5000, "only %d comparisons ran", compared);
}
