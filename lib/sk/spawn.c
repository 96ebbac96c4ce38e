/*
 * Creating processes from user mode: a copy-on-write clone of the caller
 * running a function (sk_spawn_fn), or a static ELF program from a memory
 * object (sk_spawn_elf). Both are built only from native system calls.
 */
#include "sk.h"
#include "lib/common/elf.h"

#define CHILD_STACK	(64 * 1024)
#define ELF_STACK_TOP	0x00007fff00000000ull
#define ELF_STACK_SIZE	(256 * 1024)
#define MAX_GIVE	16

struct child_start {
	sk_child_fn fn;
	uint64_t arg;
	sk_handle_t h[MAX_GIVE];
};

static void __attribute__((noreturn, used))
child_entry(struct child_start *cs)
{
	int r = cs->fn(cs->arg, cs->h);

	sk_proc_exit(r);
	for (;;)
		sk_yield();
}

int64_t
sk_spawn_fn(const char *name, sk_child_fn fn, uint64_t arg,
    const sk_handle_t *give, int ngive, uint32_t privs)
{
	struct child_start cs;
	int64_t base, as, p, th, r;
	uint64_t top;

	if (ngive < 0 || ngive > MAX_GIVE)
		return SK_ERRVAL(SK_E_INVAL, 5);
	base = sk_as_map(SK_H_SELF_AS, 0, CHILD_STACK, 0, 0, SK_PROT_READ | SK_PROT_WRITE);
	if (base < 0)
		return base;
	as = sk_as_clone(SK_H_SELF_AS);
	sk_as_unmap(SK_H_SELF_AS, (uint64_t)base, CHILD_STACK);
	if (as < 0)
		return as;
	p = sk_proc_create((sk_handle_t)as, name, privs);
	if (p < 0) {
		sk_handle_close((sk_handle_t)as);
		return p;
	}
	memset(&cs, 0, sizeof(cs));
	cs.fn = fn;
	cs.arg = arg;
	/* "none" (0) stays 0. */
	if ((r = sk_give_list((sk_handle_t)p, give, cs.h, (uint32_t)ngive)) < 0) {
		sk_proc_kill((sk_handle_t)p, -1);
		sk_handle_close((sk_handle_t)p);
		sk_handle_close((sk_handle_t)as);
		return r;
	}
	top = (uint64_t)base + CHILD_STACK - sizeof(cs);
	top &= ~15ull;
	sk_as_write((sk_handle_t)as, top, &cs, sizeof(cs));
	th = sk_thread_create((sk_handle_t)p, (void *)child_entry, top - 8, top, 0,
	    SK_PRIO_DEFAULT);
	sk_handle_close((sk_handle_t)as);
	if (th < 0) {
		sk_handle_close((sk_handle_t)p);
		return th;
	}
	sk_handle_close((sk_handle_t)th);
	return p;
}

int64_t
sk_proc_wait(sk_handle_t proc, uint64_t timeout, struct sk_proc_info *info)
{
	int64_t n = sk_notif_create(), r;

	if (n < 0)
		return n;
	r = sk_obj_watch(proc, (sk_handle_t)n, 1);
	if (r >= 0)
		r = sk_notif_wait((sk_handle_t)n, timeout);
	sk_handle_close((sk_handle_t)n);
	if (r < 0)
		return r;
	return sk_proc_info(proc, info);
}

int64_t
sk_spawn_elf(sk_handle_t vmo, uint64_t size, const char *name, uint64_t arg,
    const sk_handle_t *give, int ngive, uint32_t privs)
{
	struct elf_info ei;
	struct sk_start st;
	int64_t img, as, p = -1, th, r;
	uint64_t top;
	int e;

	if (ngive < 0 || ngive > SK_START_HANDLES)
		return SK_ERRVAL(SK_E_INVAL, 6);
	img = sk_as_map(SK_H_SELF_AS, 0, size, vmo, 0, SK_PROT_READ);
	if (img < 0)
		return img;
	if ((e = elf_parse((const void *)img, size, 0x00007ff000000000ull, &ei)) != ELF_OK) {
		sk_printf("spawn: %s: %s\n", name, elf_strerror(e));
		r = SK_ERRVAL(SK_E_INVAL, 1);
		goto out_unmap;
	}
	if ((as = sk_as_create()) < 0) {
		r = as;
		goto out_unmap;
	}
	for (int i = 0; i < ei.nsegs; i++) {
		struct elf_segment *s = &ei.segs[i];
		uint64_t start = s->vaddr & ~4095ull;
		uint64_t end = (s->vaddr + s->memsz + 4095) & ~4095ull;

		if ((r = sk_as_map((sk_handle_t)as, start, end - start, 0, 0,
		    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED)) < 0 ||
		    (r = sk_as_write((sk_handle_t)as, s->vaddr,
		    (const char *)img + s->offset, s->filesz)) < 0)
			goto out_as;
	}
	for (int i = 0; i < ei.nsegs; i++) {
		struct elf_segment *s = &ei.segs[i];
		uint64_t start = s->vaddr & ~4095ull;
		uint32_t prot = ((s->flags & ELF_PF_R) ? SK_PROT_READ : 0) |
		    ((s->flags & ELF_PF_W) ? SK_PROT_WRITE : 0) |
		    ((s->flags & ELF_PF_X) ? SK_PROT_EXEC : 0);

		sk_as_protect((sk_handle_t)as, start,
		    ((s->vaddr + s->memsz + 4095) & ~4095ull) - start, prot);
	}
	if ((r = sk_as_map((sk_handle_t)as, ELF_STACK_TOP - ELF_STACK_SIZE, ELF_STACK_SIZE,
	    0, 0, SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED)) < 0)
		goto out_as;
	if ((p = sk_proc_create((sk_handle_t)as, name, privs)) < 0) {
		r = p;
		goto out_as;
	}
	memset(&st, 0, sizeof(st));
	st.arg = arg;
	/* "none" (0) stays 0. */
	if ((r = sk_give_list((sk_handle_t)p, give, st.h, (uint32_t)ngive)) < 0)
		goto out_proc;
	st.nhandles = (uint32_t)ngive;
	top = (ELF_STACK_TOP - sizeof(st)) & ~15ull;
	if ((r = sk_as_write((sk_handle_t)as, top, &st, sizeof(st))) < 0)
		goto out_proc;
	th = sk_thread_create((sk_handle_t)p, (void *)ei.entry, top, top, 0,
	    SK_PRIO_DEFAULT);
	if (th < 0) {
		r = th;
		goto out_proc;
	}
	sk_handle_close((sk_handle_t)th);
	r = p;
	goto out_as;
out_proc:
	sk_proc_kill((sk_handle_t)p, -1);
	sk_handle_close((sk_handle_t)p);
out_as:
	sk_handle_close((sk_handle_t)as);
out_unmap:
	sk_as_unmap(SK_H_SELF_AS, (uint64_t)img, size);
	return r;
}
