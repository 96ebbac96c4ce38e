/*
 * The in-guest test framework. KTEST(name) { ... return 0; } registers a
 * test; CHECK() and friends print the reason and end the test process
 * with a failure; SKIP() ends it as skipped. The suite runs each test in
 * a process of its own and passes it its struct ktest as arg.
 */
#ifndef KTEST_H
#define KTEST_H

#include "sk.h"
#include "abi/skiff/proto/svc.h"

/*
 * Every test gets, in given[], the hardware handles init handed to ktest
 * (the whole I/O port space, device memory and IRQ lines), in this order.
 * They are 0 (and given is NULL) if ktest was started without them.
 */
#define KT_IOPORTS	0
#define KT_MMIO		1
#define KT_IRQS		2
#define KT_NHW		3

/*
 * After them come handles to the running services (abi/skiff/proto/svc.h),
 * badged SVC_TEST. KT_SVC(given, id) is the one for service id, or 0 when
 * that service is not in the boot image.
 */
#define KT_SVC(given, id) \
	((given) != NULL && SK_START_SVC + (id) - 1 < SK_START_HANDLES ? \
	(given)[SK_START_SVC + (id) - 1] : 0)

/* given[i], or FAIL with the reason. */
#define KT_HW(given, i) ({ \
	if ((given) == NULL || (given)[i] == 0) \
		FAIL("no hardware handle %d: init did not pass it to ktest", (i)); \
	(given)[i]; })

struct ktest {
	const char *name;
	int (*fn)(uint64_t arg, const sk_handle_t *h);
};

#define KTEST(tname) \
	static int ktest_##tname(uint64_t, const sk_handle_t *); \
	static const struct ktest ktest_rec_##tname \
	    __attribute__((used, section("ktests"), aligned(8))) = { #tname, ktest_##tname }; \
	static int ktest_##tname(uint64_t arg __attribute__((unused)), \
	    const sk_handle_t *given __attribute__((unused)))

#define FAIL(...) do { \
	sk_printf("  %s:%d: ", __FILE__, __LINE__); \
	sk_printf(__VA_ARGS__); \
	sk_printf("\n"); \
	sk_proc_exit(1); \
} while (0)

/*
 * Skip the running test, with a reason (printf format). Only in a KTEST
 * body, whose arg names the test.
 */
#define SKIP(...) ktest_skip((const struct ktest *)arg, __VA_ARGS__)
#define KTEST_EXIT_SKIP	77	/* exit status of a skipped test process */
void ktest_skip(const struct ktest *t, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

#define CHECK(c) do { if (!(c)) FAIL("check failed: %s", #c); } while (0)

/* r must be >= 0. */
#define CHECK_OK(r) do { int64_t _r = (r); if (_r < 0) \
	FAIL("%s failed: %s (argument %d)", #r, sk_errname(SK_ERR(_r)), SK_ERRARG(_r)); } while (0)

/* r must be the error code e (and name argument a, if a >= 0). */
#define CHECK_ERR(r, e, a) do { int64_t _r = (r); \
	if (_r >= 0 || SK_ERR(_r) != (e) || ((a) >= 0 && SK_ERRARG(_r) != (a))) \
		FAIL("%s gave %ld (%s, argument %d), expected %s argument %d", #r, (long)_r, \
		    _r < 0 ? sk_errname(SK_ERR(_r)) : "success", _r < 0 ? SK_ERRARG(_r) : 0, \
		    sk_errname(e), (a)); } while (0)

#endif
