/*
 * Linux-syscall reflection: a foreign syscall runs the process's
 * registered entry with the saved registers, which it may change before
 * reflect_return resumes them (FS base included); bad frames are refused
 * and a process without an entry faults instead of crashing anything.
 */
#include "ktest.h"

#define SEC	1000000000ull

static char rstack[16384] __attribute__((aligned(16)));
static volatile int bad_rip_refused, nested;
static volatile uint64_t fs_word = 0x5eedf00d;

static void __attribute__((noreturn))
handler(struct sk_regs *r)
{
	uint64_t saved = r->rip;
	int64_t e;

	if (r->rax == 1000) {
		/* A foreign syscall inside the handler: the kernel faults us. */
		nested = 1;
		__asm__ volatile("syscall" :: "a"(39ull) : "rcx", "r11", "memory");
	}
	if (r->rax == 999) {
		/* A frame with a kernel or non-canonical rip is refused. */
		r->rip = 0x0000800000000000ull;
		e = sk_reflect_return();
		r->rip = 0xffff800000001000ull;
		if (e < 0 && SK_ERR(e) == SK_E_RANGE && SK_ERR(sk_reflect_return()) == SK_E_RANGE)
			bad_rip_refused = 1;
		r->rip = saved;
	}
	r->rax = 0x1234 + r->rdi;
	r->rbx = 0xb0b;
	r->fs_base = (uint64_t)&fs_word;
	sk_reflect_return();
	for (;;)
		;
}

/* A Linux-style syscall: number in rax, first argument in rdi. */
static uint64_t
foreign(uint64_t nr, uint64_t a0, uint64_t *rbx_out)
{
	uint64_t rax = nr, rbx = 0;

	__asm__ volatile("syscall" : "+a"(rax), "+b"(rbx) : "D"(a0) : "rcx", "r11", "memory");
	*rbx_out = rbx;
	return rax;
}

KTEST(reflect_entry_changes_registers)
{
	uint64_t rbx, v, fsv;

	sk_utcb()->reflect_stack = (uint64_t)rstack + sizeof(rstack);
	CHECK_OK(sk_reflect_set((void *)handler));
	v = foreign(39, 5, &rbx);
	CHECK(v == 0x1239 && rbx == 0xb0b);
	__asm__ volatile("mov %%fs:0, %0" : "=r"(fsv));
	if (fsv != 0x5eedf00d)
		FAIL("fs base not restored: %%fs:0 reads 0x%lx", (unsigned long)fsv);
	v = foreign(999, 1, &rbx);
	CHECK(v == 0x1235);
	CHECK(bad_rip_refused);
	/* reflect_return outside a reflected call is a state error. */
	CHECK_ERR(sk_reflect_return(), SK_E_STATE, -1);
	CHECK_ERR(sk_reflect_set((void *)0xffff800000000000ull), SK_E_RANGE, 1);
	return 0;
}

static int
no_entry_child(uint64_t arg, const sk_handle_t *h)
{
	uint64_t rbx;

	if (arg) {
		sk_utcb()->reflect_stack = (uint64_t)rstack + sizeof(rstack);
		if (sk_reflect_set((void *)handler) < 0)
			return 3;
		foreign(1000, 0, &rbx);
		return nested ? 4 : 5;
	}
	foreign(39, 0, &rbx);
	return 2;	/* must not get here */
}

KTEST(reflect_without_entry_faults)
{
	struct sk_proc_info pi;
	int64_t p;

	for (uint64_t nest = 0; nest < 2; nest++) {
		CHECK_OK(p = sk_spawn_fn("noentry", no_entry_child, nest, NULL, 0, 0));
		CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
		if (pi.state != SK_PROC_FAULTED)
			FAIL("%s: process %s with %ld, expected a fault",
			    nest ? "nested foreign syscall" : "no entry",
			    pi.state == SK_PROC_EXITED ? "exited" : "ended", (long)pi.exit_code);
		sk_handle_close((sk_handle_t)p);
	}
	return 0;
}
