/*
 * A tiny header-only framework for host unit tests.
 *
 * Each test program is one .c file, built by the Makefile with
 *   gcc -std=gnu11 -fsanitize=address,undefined -DHOST_TEST -I. -o ... file.c
 * It includes this header once and then the source files it tests
 * directly (e.g. #include "lib/common/elf.c").
 *
 *   TEST(parses_empty) {
 *           CHECK(f(0) == 0);
 *           CHECK_EQ(g(1), 2);
 *           CHECK_STREQ(h(), "x");
 *           REQUIRE(p != NULL);         // stops this test if false
 *   }
 *
 * CHECK* records a failure (file:line and the expression) and goes on;
 * REQUIRE* also returns from the test. main() runs every test in source
 * order and prints "PASS <name>" or "FAIL <name>: <reason>" for each (the
 * format tests/run.py reads); it exits 1 if any test failed. Arguments
 * are substrings: only tests whose names contain one of them run.
 *
 * host_rand() is a deterministic PRNG for fuzz loops; set HOST_SEED in
 * the environment to vary it.
 */
#ifndef TESTS_HOST_HOST_H
#define TESTS_HOST_HOST_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct host_test {
	const char *name;
	void (*fn)(void);
	int line;
	struct host_test *next;
};

static struct host_test *host_tests;
static int host_cur_failures;		/* failed checks in the running test */
static char host_cur_reason[512];	/* the first of them */

static inline void
host_register(struct host_test *t)
{
	/* Keep the list sorted by source line, whatever order constructors run in. */
	struct host_test **pp = &host_tests;

	while (*pp != NULL && (*pp)->line <= t->line)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
}

#define TEST(name) \
	static void host_test_##name(void); \
	__attribute__((constructor)) static void host_register_##name(void) \
	{ \
		static struct host_test t = { #name, host_test_##name, __LINE__, NULL }; \
		host_register(&t); \
	} \
	static void host_test_##name(void)

__attribute__((format(printf, 3, 4))) static inline void
host_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Every failed check goes to stderr; the first becomes the reason. */
	fprintf(stderr, "  %s:%d: %s\n", file, line, msg);
	if (host_cur_failures++ == 0)
		snprintf(host_cur_reason, sizeof(host_cur_reason), "%s:%d: %s", file, line, msg);
}

/* Integers are compared and shown as 128-bit values: no sign surprises. */
static inline const char *
host_int_str(char *buf, size_t size, __int128 v)
{
	if (v >= INT64_MIN && v <= INT64_MAX)
		snprintf(buf, size, "%" PRId64 " (0x%" PRIx64 ")", (int64_t)v, (uint64_t)v);
	else
		snprintf(buf, size, "%" PRIu64 " (0x%" PRIx64 ")", (uint64_t)v, (uint64_t)v);
	return buf;
}

static inline int
host_check_eq(const char *file, int line, const char *ea, const char *eb,
    __int128 a, __int128 b)
{
	char sa[64], sb[64];

	if (a == b)
		return 1;
	host_fail(file, line, "CHECK_EQ(%s, %s) failed: %s != %s", ea, eb,
	    host_int_str(sa, sizeof(sa), a), host_int_str(sb, sizeof(sb), b));
	return 0;
}

static inline int
host_check_streq(const char *file, int line, const char *ea, const char *eb,
    const char *a, const char *b)
{
	if (a != NULL && b != NULL && strcmp(a, b) == 0)
		return 1;
	host_fail(file, line, "CHECK_STREQ(%s, %s) failed: \"%s\" != \"%s\"", ea, eb,
	    a ? a : "(null)", b ? b : "(null)");
	return 0;
}

/* Each evaluates to 1 if the check held, 0 if it failed. */
#define CHECK(cond) ({ \
	int host_ok_ = !!(cond); \
	if (!host_ok_) \
		host_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
	host_ok_; })
#define CHECK_MSG(cond, ...) ({ \
	int host_ok_ = !!(cond); \
	if (!host_ok_) \
		host_fail(__FILE__, __LINE__, __VA_ARGS__); \
	host_ok_; })
#define CHECK_EQ(a, b) ({ \
	host_check_eq(__FILE__, __LINE__, #a, #b, (__int128)(a), (__int128)(b)); })
#define CHECK_STREQ(a, b) ({ \
	host_check_streq(__FILE__, __LINE__, #a, #b, (a), (b)); })

#define REQUIRE(cond)		do { if (!CHECK(cond)) return; } while (0)
#define REQUIRE_EQ(a, b)	do { if (!CHECK_EQ(a, b)) return; } while (0)

/* xorshift64*: deterministic, seeded by HOST_SEED if set. */
static uint64_t host_rand_state;

static inline uint64_t
host_rand(void)
{
	uint64_t x = host_rand_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	host_rand_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n) for tests; n > 0. */
static inline uint64_t
host_rand_below(uint64_t n)
{
	return host_rand() % n;
}

static inline int
host_selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]) != NULL)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	const char *seed = getenv("HOST_SEED");
	int failed = 0, ran = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct host_test *t = host_tests; t != NULL; t = t->next) {
		if (!host_selected(t->name, argc, argv))
			continue;
		/* Every test sees the same random sequence, whatever runs before it. */
		host_rand_state = seed ? strtoull(seed, NULL, 0) : 0x5eed5eed5eedull;
		if (host_rand_state == 0)
			host_rand_state = 1;
		host_cur_failures = 0;
		host_cur_reason[0] = 0;
		t->fn();
		ran++;
		if (host_cur_failures == 0) {
			printf("PASS %s\n", t->name);
		} else {
			failed++;
			if (host_cur_failures > 1)
				printf("FAIL %s: %s (and %d more failed checks)\n", t->name,
				    host_cur_reason, host_cur_failures - 1);
			else
				printf("FAIL %s: %s\n", t->name, host_cur_reason);
		}
	}
	if (ran == 0) {
		fprintf(stderr, "%s: no test matched\n", argv[0]);
		return 1;
	}
	return failed ? 1 : 0;
}

#endif
