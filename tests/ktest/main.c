/*
 * ktest: the in-guest test suite of the kernel's system calls. Every test
 * runs in its own process (a copy-on-write clone of this one), so a crash
 * is counted as a failure, not fatal. Output, read by tests/run.py:
 *   KTEST PASS <name> | KTEST FAIL <name>: <reason> |
 *   KTEST SKIP <name>: <reason> | KTEST DONE
 * After the suite a leak check compares free pages, kernel heap and live
 * objects with the numbers before it.
 */
#include "ktest.h"

int main(uint64_t arg);

static const struct ktest *tests_begin(void);

extern const struct ktest __start_ktests[], __stop_ktests[];

static const struct ktest *
tests_begin(void)
{
	return __start_ktests;
}

void
ktest_skip(const struct ktest *t, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	sk_printf("KTEST SKIP %s: %s\n", t->name, why);
	sk_proc_exit(KTEST_EXIT_SKIP);
	for (;;)
		;
}

/* Run t in a process of its own: 0 passed, 1 failed, 2 skipped. */

/* The hardware handles init gave us (0 where it gave none); see ktest.h. */
static sk_handle_t hw[SK_START_HANDLES];
static int nhw;

static int
run_one(const struct ktest *t)
{
	struct sk_proc_info info;
	char pname[32];
	int64_t p, r;

	strlcpy(pname, t->name, sizeof(pname));	/* process names are short */
	p = sk_spawn_fn(pname, (sk_child_fn)t->fn, (uint64_t)t, hw, nhw,
	    SK_PRIV_ALL);
	if (p < 0) {
		sk_printf("KTEST FAIL %s: cannot start the test process: %s\n", t->name,
		    sk_errname(SK_ERR(p)));
		return 1;
	}
	r = sk_proc_wait((sk_handle_t)p, 60ull * 1000000000ull, &info);
	if (r < 0) {
		sk_printf("KTEST FAIL %s: did not finish in 60 s (%s)\n", t->name,
		    sk_errname(SK_ERR(r)));
		sk_proc_kill((sk_handle_t)p, -1);
		sk_proc_wait((sk_handle_t)p, SK_FOREVER, &info);
		sk_handle_close((sk_handle_t)p);
		return 1;
	}
	sk_handle_close((sk_handle_t)p);
	if (info.state == SK_PROC_EXITED && info.exit_code == 0) {
		sk_printf("KTEST PASS %s\n", t->name);
		return 0;
	}
	if (info.state == SK_PROC_EXITED && info.exit_code == KTEST_EXIT_SKIP)
		return 2;	/* the test printed its KTEST SKIP line */
	if (info.state == SK_PROC_FAULTED)
		sk_printf("KTEST FAIL %s: test process faulted (vector %ld, address 0x%lx)\n",
		    t->name, (long)info.exit_code, (unsigned long)info.fault_addr);
	else
		sk_printf("KTEST FAIL %s: test process %s with status %ld\n", t->name,
		    info.state == SK_PROC_KILLED ? "was killed" : "exited",
		    (long)info.exit_code);
	return 1;
}

static void
leak_check(const struct sk_kstat *a, const struct sk_kstat *b)
{
	int bad = 0;

	/* Pages cached by the kernel heap and the kernel stack cache count as free. */
	if (a->pages_free + a->heap_pages + a->kstack_pages !=
	    b->pages_free + b->heap_pages + b->kstack_pages) {
		sk_printf("KTEST FAIL leak-check: free pages %lu+%lu+%lu before, "
		    "%lu+%lu+%lu after\n",
		    (unsigned long)a->pages_free, (unsigned long)a->heap_pages,
		    (unsigned long)a->kstack_pages, (unsigned long)b->pages_free,
		    (unsigned long)b->heap_pages, (unsigned long)b->kstack_pages);
		bad = 1;
	}
	if (a->heap_bytes != b->heap_bytes) {
		sk_printf("KTEST FAIL leak-check: kernel heap %lu bytes before, %lu after\n",
		    (unsigned long)a->heap_bytes, (unsigned long)b->heap_bytes);
		bad = 1;
	}
	for (int i = 1; i < SK_OBJ_TYPES; i++)
		if (a->objects[i] != b->objects[i]) {
			sk_printf("KTEST FAIL leak-check: %lu objects of type %d before, %lu after\n",
			    (unsigned long)a->objects[i], i, (unsigned long)b->objects[i]);
			bad = 1;
		}
	if (!bad)
		sk_printf("KTEST PASS leak-check\n");
}

static int
warm_up(uint64_t arg, const sk_handle_t *h)
{
	return 0;
}

int
main(uint64_t arg)
{
	struct sk_kstat before, after;
	const struct ktest *t;
	const struct sk_start *st = (const struct sk_start *)arg;
	int failed = 0, skipped = 0, n = 0, r;

	sk_printf("ktest: starting\n");
	if (st != NULL && st->nhandles >= KT_NHW && st->nhandles <= SK_START_HANDLES) {
		nhw = (int)st->nhandles;
		for (int i = 0; i < nhw; i++)
			hw[i] = st->h[i];
	} else
		sk_printf("ktest: no hardware handles given; the I/O, MMIO and IRQ tests will fail\n");
	/*
	 * Warm up: one spawn and wait grows this process's handle table and
	 * the kernel's caches to their working size before measuring, and a
	 * clock read maps the time page (and its page tables) in ours.
	 */
	(void)sk_clock();
	{
		struct sk_proc_info info;
		int64_t p = sk_spawn_fn("warm-up", warm_up, 0, NULL, 0, 0);

		if (p >= 0) {
			sk_proc_wait((sk_handle_t)p, SK_FOREVER, &info);
			sk_handle_close((sk_handle_t)p);
		}
	}
	sk_kstat(&before);
	n = 0;
	for (t = tests_begin(); t < __stop_ktests; t++, n++) {
		r = run_one(t);
		failed += r == 1;
		skipped += r == 2;
	}
	sk_kstat(&after);
	leak_check(&before, &after);
	sk_printf("ktest: %d tests, %d failed, %d skipped\n", n, failed, skipped);
	sk_printf("KTEST DONE\n");
	return failed ? 1 : 0;
}
