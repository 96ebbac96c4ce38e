/*
 * kbench: the kernel's microbenchmarks, booted by `make bench` under QEMU
 * with -icount shift=0, where one guest instruction takes one virtual
 * nanosecond. The clock syscall therefore counts instructions, and
 * elapsed ns / iterations is instructions per operation (counting every
 * CPU's instructions, idle loops included, which is why the benchmark
 * boots with one CPU).
 *
 * Output, read by tests/run.py: one line per figure,
 *   bench <name> <instructions-per-op> instr/op
 * then "KTEST DONE". A workload that fails prints "KTEST FAIL bench-<name>".
 */
#include "sk.h"

int main(uint64_t arg);

#define SEC		1000000000ull
#define PAGE		4096ull
#define BIG		(4 * 1024 * 1024ull)

static int failures;

static void
report(const char *name, uint64_t t0, uint64_t t1, uint64_t n)
{
	sk_printf("bench %s %lu instr/op\n", name, (unsigned long)((t1 - t0) / n));
}

static void
fail(const char *name, const char *what, int64_t r)
{
	sk_printf("KTEST FAIL bench-%s: %s: %s (argument %d)\n", name, what,
	    r < 0 ? sk_errname(SK_ERR(r)) : "unexpected result", r < 0 ? SK_ERRARG(r) : 0);
	failures++;
}

static uint64_t
now(void)
{
	return (uint64_t)sk_clock();
}

static void
bench_null_syscall(void)
{
	const uint64_t n = 200000;
	uint64_t t0;

	for (int i = 0; i < 1000; i++)
		sk_nop();
	t0 = now();
	for (uint64_t i = 0; i < n; i++)
		sk_nop();
	report("null_syscall", t0, now(), n);
}

/* Make m a long message of len bytes from buf, or register-only if len is 0. */
static void
set_payload(struct sk_msg *m, const char *buf, uint64_t len)
{
	struct sk_utcb *u = sk_utcb();

	m->tag = 1;
	if (len == 0)
		return;
	u->snd_buf = (uint64_t)buf;
	u->snd_len = (uint32_t)len;
	u->snd_nh = 0;
	m->tag |= SK_TAG_LONG;
}

/* Echo server: replies to every call with w0 + 1; stops on tag 0. */
static char srv_buf[PAGE];

static int
echo_server(uint64_t payload, const sk_handle_t *h)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	int64_t r;

	u->rcv_buf = (uint64_t)srv_buf;
	u->rcv_max = sizeof(srv_buf);
	r = sk_recv(h[0], &m, 60 * SEC);
	while (r >= 0 && m.tag != 0) {
		m.w[0]++;
		set_payload(&m, srv_buf, payload);
		r = sk_reply_recv(h[0], &m, SK_FOREVER);
	}
	if (r >= 0)
		sk_reply(&m);
	return r < 0 ? 1 : 0;
}

static char cli_buf[PAGE];

static void
bench_ipc(const char *name, uint64_t payload, uint64_t n)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_proc_info pi;
	struct sk_msg m = { 0 };
	int64_t ep, srv, r = 0;
	sk_handle_t give[1];
	uint64_t t0 = 0;

	if ((ep = sk_ep_create()) < 0)
		return fail(name, "ep_create", ep);
	give[0] = (sk_handle_t)ep;
	if ((srv = sk_spawn_fn("echo", echo_server, payload, give, 1, 0)) < 0) {
		sk_handle_close((sk_handle_t)ep);
		return fail(name, "spawn", srv);
	}
	u->rcv_buf = (uint64_t)cli_buf;
	u->rcv_max = sizeof(cli_buf);
	for (uint64_t i = 0; i < n + 100 && r >= 0; i++) {
		if (i == 100)
			t0 = now();
		m.w[0] = i;
		set_payload(&m, cli_buf, payload);
		r = sk_call((sk_handle_t)ep, &m, SK_FOREVER);
		if (r >= 0 && m.w[0] != i + 1)
			r = SK_ERRVAL(SK_E_INVAL, 0);
	}
	if (r >= 0)
		report(name, t0, now(), n);
	else
		fail(name, "call", r);
	m.tag = 0;
	sk_call((sk_handle_t)ep, &m, 10 * SEC);
	sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi);
	sk_handle_close((sk_handle_t)srv);
	sk_handle_close((sk_handle_t)ep);
}

/* Notification ping-pong: h[0] is signalled by the peer, h[1] answered. */
static int
notif_peer(uint64_t n, const sk_handle_t *h)
{
	for (uint64_t i = 0; i < n; i++) {
		if (sk_notif_wait(h[0], 60 * SEC) < 0)
			return 1;
		sk_notif_signal(h[1], 1);
	}
	return 0;
}

static void
bench_notify_wait(void)
{
	const uint64_t n = 20000, warm = 100;
	struct sk_proc_info pi;
	int64_t a = sk_notif_create(), b = sk_notif_create(), p, r = 0;
	sk_handle_t give[2];
	uint64_t t0 = 0;

	if (a < 0 || b < 0)
		return fail("notify_wait", "notif_create", a < 0 ? a : b);
	give[0] = (sk_handle_t)a;
	give[1] = (sk_handle_t)b;
	if ((p = sk_spawn_fn("notif", notif_peer, n + warm, give, 2, 0)) < 0)
		return fail("notify_wait", "spawn", p);
	for (uint64_t i = 0; i < n + warm && r >= 0; i++) {
		if (i == warm)
			t0 = now();
		sk_notif_signal((sk_handle_t)a, 1);
		r = sk_notif_wait((sk_handle_t)b, 60 * SEC);
	}
	if (r >= 0)
		report("notify_wait", t0, now(), n);
	else
		fail("notify_wait", "notif_wait", r);
	sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi);
	sk_handle_close((sk_handle_t)p);
	sk_handle_close((sk_handle_t)a);
	sk_handle_close((sk_handle_t)b);
}

/* First touch of lazily allocated anonymous pages, per page. */
static void
bench_page_fault(void)
{
	const uint64_t n = BIG / PAGE;
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, BIG, 0, 0, SK_PROT_READ | SK_PROT_WRITE);
	uint64_t t0;

	if (va < 0)
		return fail("page_fault", "as_map", va);
	t0 = now();
	for (uint64_t i = 0; i < n; i++)
		((volatile char *)va)[i * PAGE] = 1;
	report("page_fault", t0, now(), n);
	sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, BIG);
}

/* COW clone of this address space with 1 MiB of touched memory added. */
static void
bench_as_clone(void)
{
	const uint64_t n = 200, mib = 1024 * 1024;
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, mib, 0, 0, SK_PROT_READ | SK_PROT_WRITE);
	uint64_t t0;

	if (va < 0)
		return fail("as_clone", "as_map", va);
	for (uint64_t off = 0; off < mib; off += PAGE)
		((volatile char *)va)[off] = 1;
	t0 = now();
	for (uint64_t i = 0; i < n; i++) {
		int64_t as = sk_as_clone(SK_H_SELF_AS);

		if (as < 0) {
			fail("as_clone", "as_clone", as);
			break;
		}
		sk_handle_close((sk_handle_t)as);
	}
	report("as_clone", t0, now(), n);
	sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, mib);
}

static int
exit_at_once(uint64_t arg, const sk_handle_t *h)
{
	return 0;
}

/* A whole fork: clone, process, thread, run to exit, wait, close. */
static void
bench_spawn_wait(void)
{
	const uint64_t n = 100;
	struct sk_proc_info pi;
	uint64_t t0 = now();

	for (uint64_t i = 0; i < n; i++) {
		int64_t p = sk_spawn_fn("child", exit_at_once, 0, NULL, 0, 0);

		if (p < 0)
			return fail("spawn_wait", "spawn", p);
		sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi);
		sk_handle_close((sk_handle_t)p);
	}
	report("spawn_wait", t0, now(), n);
}

int
main(uint64_t arg)
{
	sk_printf("kbench: starting\n");
	bench_null_syscall();
	bench_ipc("ipc_roundtrip", 0, 100000);
	bench_ipc("ipc_roundtrip_4k", PAGE, 20000);
	bench_notify_wait();
	bench_page_fault();
	bench_as_clone();
	bench_spawn_wait();
	sk_printf("KTEST DONE\n");
	return failures ? 1 : 0;
}
