/* Memory: mapping, lazy allocation, protection, COW clone, faults. */
#include "ktest.h"

#define SEC	1000000000ull

KTEST(map_unmap_protect)
{
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, 3 * 4096, 0, 0, SK_PROT_READ | SK_PROT_WRITE);
	volatile char *p;

	CHECK_OK(va);
	p = (volatile char *)va;
	p[0] = 1;
	p[8191] = 2;
	CHECK(p[0] == 1 && p[4096] == 0 && p[8191] == 2);
	CHECK_OK(sk_as_protect(SK_H_SELF_AS, (uint64_t)va, 4096, SK_PROT_READ));
	CHECK(p[0] == 1);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, (uint64_t)va, 4096, 0, 0, SK_PROT_READ | SK_MAP_FIXED), SK_E_EXISTS, 2);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 123, 4096, 0, 0, SK_PROT_READ | SK_MAP_FIXED), SK_E_ALIGN, 2);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0xffff800000000000ull, 4096, 0, 0, SK_PROT_READ | SK_MAP_FIXED), SK_E_RANGE, 2);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, 0, 0, 0, SK_PROT_READ), SK_E_INVAL, 3);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, 4096, 0, 0, 0x80000), SK_E_INVAL, 6);
	CHECK_ERR(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va + 1, 4096), SK_E_ALIGN, 2);
	CHECK_OK(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, 3 * 4096));
	return 0;
}

KTEST(vmo_shared_mapping)
{
	int64_t v = sk_vmo_create(8192, 0), a, b, ro;
	char buf[8];

	CHECK_OK(v);
	CHECK(sk_vmo_size((sk_handle_t)v) == 8192);
	a = sk_as_map(SK_H_SELF_AS, 0, 8192, (sk_handle_t)v, 0, SK_PROT_READ | SK_PROT_WRITE | SK_MAP_SHARED);
	b = sk_as_map(SK_H_SELF_AS, 0, 4096, (sk_handle_t)v, 4096, SK_PROT_READ | SK_MAP_SHARED);
	CHECK_OK(a);
	CHECK_OK(b);
	((volatile char *)a)[4096] = 'x';
	CHECK(((volatile char *)b)[0] == 'x');
	CHECK_OK(sk_vmo_read((sk_handle_t)v, 4096, buf, 1));
	CHECK(buf[0] == 'x');
	CHECK_ERR(sk_vmo_read((sk_handle_t)v, 8190, buf, 8), SK_E_RANGE, 2);
	CHECK_ERR(sk_vmo_read((sk_handle_t)v, 0, (void *)0x1000, 8), SK_E_FAULT, 3);
	ro = sk_handle_dup((sk_handle_t)v, SK_R_READ | SK_R_MAP);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, 4096, (sk_handle_t)ro, 0, SK_PROT_READ | SK_PROT_WRITE | SK_MAP_SHARED), SK_E_RIGHTS, 4);
	CHECK_ERR(sk_vmo_write((sk_handle_t)ro, 0, "y", 1), SK_E_RIGHTS, 1);
	CHECK_ERR(sk_vmo_phys((sk_handle_t)v, 0), SK_E_RIGHTS, 1);
	CHECK_ERR(sk_as_map(SK_H_SELF_AS, 0, 4096, (sk_handle_t)v, 8192, SK_PROT_READ), SK_E_RANGE, 5);
	return 0;
}

static volatile int cow_value = 1;

static int
cow_child(uint64_t arg, const sk_handle_t *h)
{
	if (cow_value != 1)
		return 2;
	cow_value = 2;
	return cow_value == 2 ? 0 : 3;
}

KTEST(cow_clone_isolates)
{
	struct sk_proc_info pi;
	int64_t p;

	cow_value = 1;
	p = sk_spawn_fn("cow", cow_child, 0, NULL, 0, 0);
	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	CHECK(cow_value == 1);
	cow_value = 5;
	CHECK(cow_value == 5);
	return 0;
}

static int
crasher(uint64_t addr, const sk_handle_t *h)
{
	*(volatile int *)addr = 1;
	return 0;
}

KTEST(fault_without_handler_kills)
{
	struct sk_proc_info pi;
	int64_t p = sk_spawn_fn("crasher", crasher, 0x10, NULL, 0, 0);

	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_FAULTED);
	CHECK(pi.exit_code == 14 && pi.fault_addr == 0x10);
	/* Kernel addresses fault the same way, never the kernel. */
	p = sk_spawn_fn("crasher", crasher, 0xffffffff80100000ull, NULL, 0, 0);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_FAULTED);
	return 0;
}

static int
fixer_server(uint64_t arg, const sk_handle_t *h)
{
	struct sk_msg m = { 0 };

	if (sk_recv(h[0], &m, 10 * SEC) < 0 || SK_TAG_LABEL(m.tag) != SK_LABEL_FAULT)
		return 2;
	/* Map the page the child faulted on into the child, then resume it. */
	if (sk_as_map(h[1], m.w[0] & ~4095ull, 4096, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED) < 0)
		return 3;
	m.w[0] = SK_FAULT_RESUME;
	sk_reply(&m);
	return 0;
}

static int
faulty_child(uint64_t arg, const sk_handle_t *h)
{
	volatile uint64_t *p = (volatile uint64_t *)0x500000000ull;

	*p = 42;
	return *p == 42 ? 0 : 5;
}

static void __attribute__((noreturn))
faulty_entry(uint64_t arg)
{
	sk_proc_exit(faulty_child(arg, NULL));
	for (;;)
		;
}

KTEST(fault_handler_resumes)
{
	struct sk_proc_info pi;
	int64_t ep = sk_ep_create(), as, p, srv, th;
	sk_handle_t give[2];

	/* Build the child by hand so the handler gets its address space. */
	as = sk_as_clone(SK_H_SELF_AS);
	CHECK_OK(as);
	give[0] = (sk_handle_t)ep;
	give[1] = (sk_handle_t)as;
	srv = sk_spawn_fn("fixer", fixer_server, 0, give, 2, 0);
	CHECK_OK(srv);
	p = sk_proc_create((sk_handle_t)as, "faulty", 0);
	CHECK_OK(p);
	CHECK_OK(sk_proc_set_fault((sk_handle_t)p, (sk_handle_t)ep));
	{
		static uint64_t stack[512] __attribute__((aligned(16)));

		th = sk_thread_create((sk_handle_t)p, (void *)faulty_entry,
		    (uint64_t)&stack[510], 0, 0, SK_PRIO_DEFAULT);
	}
	CHECK_OK(th);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	CHECK_OK(sk_proc_wait((sk_handle_t)srv, 10 * SEC, &pi));
	CHECK(pi.exit_code == 0);
	return 0;
}
