/*
 * Building a Linux process: a static Linux program and the library OS in
 * a new address space, with the initial stack (argv, envp, auxv) that
 * glibc and musl expect, and a struct sk_exec_start for the libos
 * (abi/skiff/proto/exec.h). Used to start the first Linux processes and,
 * from inside the libos, by execve.
 */
#include <stddef.h>
#include "sk.h"
#include "lib/common/elf.h"
#include "abi/skiff/proto/exec.h"

#define PAGE		4096ull
#define PG_DOWN(x)	((x) & ~(PAGE - 1))
#define PG_UP(x)	(((x) + PAGE - 1) & ~(PAGE - 1))
#define STACK_IMAGE	(64 * 1024)	/* argv, envp, auxv and strings */

/* Linux auxiliary vector types. */
#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_EXECFN	31

static uint32_t
seg_prot(uint32_t f)
{
	return ((f & ELF_PF_R) ? SK_PROT_READ : 0) | ((f & ELF_PF_W) ? SK_PROT_WRITE : 0) |
	    ((f & ELF_PF_X) ? SK_PROT_EXEC : 0);
}

/*
 * Map the segments of img (parsed into ei) into as. Segments may share a
 * page; such a page gets both segments' protections. *end is set to the
 * page-aligned end of the highest segment.
 */
static int64_t
load_image(sk_handle_t as, const char *img, const struct elf_info *ei, uint64_t *end)
{
	uint64_t mapped = 0;
	int64_t r;

	for (int i = 0; i < ei->nsegs; i++) {
		const struct elf_segment *s = &ei->segs[i];
		uint64_t start = PG_DOWN(s->vaddr), e = PG_UP(s->vaddr + s->memsz);

		if (start < mapped)
			start = mapped;
		if (start < e && (r = sk_as_map(as, start, e - start, 0, 0,
		    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED)) < 0)
			return r;
		if (e > mapped)
			mapped = e;
		if (s->filesz > 0 && (r = sk_as_write(as, s->vaddr, img + s->offset,
		    s->filesz)) < 0)
			return r;
	}
	for (int i = 0; i < ei->nsegs; i++) {
		const struct elf_segment *s = &ei->segs[i];
		uint64_t start = PG_DOWN(s->vaddr), e = PG_UP(s->vaddr + s->memsz);
		uint32_t prot = seg_prot(s->flags);

		if ((r = sk_as_protect(as, start, e - start, prot)) < 0)
			return r;
		if (i > 0 && PG_UP(ei->segs[i - 1].vaddr + ei->segs[i - 1].memsz) > start &&
		    (r = sk_as_protect(as, start, PAGE, prot | seg_prot(ei->segs[i - 1].flags))) < 0)
			return r;
	}
	*end = mapped;
	return 0;
}

/*
 * Whether every segment can be mapped straight from the file's memory
 * object: file offset and address agree modulo the page size and no two
 * segments share a page.
 */
static int
mappable(const struct elf_info *ei)
{
	uint64_t prev_end = 0;

	for (int i = 0; i < ei->nsegs; i++) {
		const struct elf_segment *s = &ei->segs[i];

		if ((s->vaddr & (PAGE - 1)) != (s->offset & (PAGE - 1)))
			return 0;
		if (PG_DOWN(s->vaddr) < prev_end)
			return 0;
		prev_end = PG_UP(s->vaddr + s->memsz);
	}
	return 1;
}

/*
 * Map the segments of the ELF in memory object vmo privately
 * (copy-on-write) into as: no copy of the program is made; pages are
 * shared with the file until written. The end of the last file page of a
 * segment with a .bss is cleared, the rest of the .bss is fresh memory.
 */
static int64_t
map_image(sk_handle_t as, sk_handle_t vmo, const struct elf_info *ei, uint64_t *end)
{
	static const char zeros[PAGE];
	int64_t r;

	*end = 0;
	for (int i = 0; i < ei->nsegs; i++) {
		const struct elf_segment *s = &ei->segs[i];
		uint64_t start = PG_DOWN(s->vaddr), fend = s->vaddr + s->filesz;
		uint64_t mend = PG_UP(s->vaddr + s->memsz), fpend = PG_UP(fend);
		uint32_t prot = seg_prot(s->flags);
		int tail = s->memsz > s->filesz && (fend & (PAGE - 1)) != 0;

		if (fpend > mend)
			fpend = mend;
		if (s->filesz > 0 && (r = sk_as_map(as, start, fpend - start, vmo,
		    PG_DOWN(s->offset), (tail ? prot | SK_PROT_WRITE : prot) | SK_MAP_FIXED)) < 0)
			return r;
		if (s->filesz == 0)
			fpend = start;
		if (tail) {
			if ((r = sk_as_write(as, fend, zeros, fpend - fend)) < 0)
				return r;
			if (!(prot & SK_PROT_WRITE) &&
			    (r = sk_as_protect(as, PG_DOWN(fend), PAGE, prot)) < 0)
				return r;
		}
		if (mend > fpend && (r = sk_as_map(as, fpend, mend - fpend, 0, 0,
		    prot | SK_MAP_FIXED)) < 0)
			return r;
		if (mend > *end)
			*end = mend;
	}
	return 0;
}

/* Map a memory object of size bytes read-only here and parse it as ELF. */
static int64_t
open_image(sk_handle_t vmo, uint64_t size, uint64_t top, struct elf_info *ei,
    const char **img)
{
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, PG_UP(size), vmo, 0, SK_PROT_READ);
	int e;

	if (va < 0)
		return va;
	if ((e = elf_parse((const void *)va, size, top, ei)) != ELF_OK) {
		sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, PG_UP(size));
		return SK_ERRVAL(SK_E_INVAL, 0);
	}
	*img = (const char *)va;
	return 0;
}

struct stack_builder {
	char *buf;		/* local image of the stack's top STACK_IMAGE bytes */
	uint64_t strtop;	/* strings grow down from the top ... */
	int bad;
};

/* Copy a string to the top of the stack image; returns its user address. */
static uint64_t
push_str(struct stack_builder *sb, const char *s, size_t n)
{
	if (sb->strtop - (SK_LINUX_STACK_TOP - STACK_IMAGE) < n + 4096) {
		sb->bad = 1;
		return 0;
	}
	sb->strtop -= n;
	memcpy(sb->buf + (sb->strtop - (SK_LINUX_STACK_TOP - STACK_IMAGE)), s, n);
	return sb->strtop;
}

static uint64_t
cpu_hwcap(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
}

/*
 * Write the initial stack: strings at the top, then (going down) auxv,
 * envp, argv and argc, with rsp 16-byte aligned at argc; the start block
 * below that. Returns the start block's address or an error.
 */
static int64_t
build_stack(sk_handle_t as, const struct elf_info *ei, uint64_t brk,
    const struct sk_exec_args *a, struct sk_exec_start *st)
{
	const char *const *argv = a->argv, *const *envp = a->envp;
	const char *cwd = a->cwd != NULL ? a->cwd : "";
	const uint64_t base = SK_LINUX_STACK_TOP - STACK_IMAGE;
	struct stack_builder sb;
	uint64_t vec[1024], nv = 0, argp[256], envpp[256], execfn, rnd, plat, sp, stp, used;
	int argc = 0, envc = 0;
	uint64_t seed = (uint64_t)sk_clock() ^ 0x9e3779b97f4a7c15ull, rbytes[2];
	int64_t r;

	sb.buf = (char *)sk_as_map(SK_H_SELF_AS, 0, STACK_IMAGE, 0, 0, SK_PROT_READ | SK_PROT_WRITE);
	if ((int64_t)sb.buf < 0)
		return (int64_t)sb.buf;
	sb.strtop = SK_LINUX_STACK_TOP;
	sb.bad = 0;
	for (int i = 0; i < 2; i++) {
		seed += 0x9e3779b97f4a7c15ull;
		rbytes[i] = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ull;
	}
	rnd = push_str(&sb, (const char *)rbytes, 16);
	plat = push_str(&sb, "x86_64", 7);
	if (a->exe != NULL && a->exe[0] != '\0') {
		execfn = push_str(&sb, a->exe, strlen(a->exe) + 1);
		st->exe = execfn;
	} else {
		execfn = push_str(&sb, argv[0], strlen(argv[0]) + 1);
		st->exe = 0;
	}
	st->cwd = push_str(&sb, cwd, strlen(cwd) + 1);
	for (; argv[argc] != NULL && argc < 255; argc++)
		argp[argc] = push_str(&sb, argv[argc], strlen(argv[argc]) + 1);
	for (; envp != NULL && envp[envc] != NULL && envc < 255; envc++)
		envpp[envc] = push_str(&sb, envp[envc], strlen(envp[envc]) + 1);
	if (sb.bad || argv[argc] != NULL || (envp != NULL && envp[envc] != NULL)) {
		r = SK_ERRVAL(SK_E_TOOBIG, 0);
		goto out;
	}

	vec[nv++] = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		vec[nv++] = argp[i];
	vec[nv++] = 0;
	for (int i = 0; i < envc; i++)
		vec[nv++] = envpp[i];
	vec[nv++] = 0;
#define AUX(t, v) do { vec[nv++] = (t); vec[nv++] = (v); } while (0)
	AUX(AT_PHDR, ei->phdr_vaddr);
	AUX(AT_PHENT, ei->phentsize);
	AUX(AT_PHNUM, ei->phnum);
	AUX(AT_PAGESZ, PAGE);
	AUX(AT_ENTRY, ei->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_HWCAP, cpu_hwcap());
	AUX(AT_CLKTCK, 100);
	AUX(AT_PLATFORM, plat);
	AUX(AT_RANDOM, rnd);
	AUX(AT_EXECFN, execfn);
	AUX(AT_NULL, 0);
#undef AUX
	sp = (sb.strtop & ~15ull) - nv * 8;
	sp &= ~15ull;
	memcpy(sb.buf + (sp - base), vec, nv * 8);

	st->magic = SK_EXEC_MAGIC;
	st->entry = ei->entry;
	st->sp = sp;
	st->brk = brk;
	st->stack_low = SK_LINUX_STACK_TOP - SK_LINUX_STACK_SIZE;
	used = offsetof(struct sk_exec_start, fds) + st->nfds * sizeof(st->fds[0]);
	stp = (sp - 128 - used) & ~15ull;
	if (stp < base) {
		r = SK_ERRVAL(SK_E_TOOBIG, 0);
		goto out;
	}
	/*
	 * The stack's contents, then only the used part of the start block:
	 * its header and descriptors (the libos reads no further).
	 */
	r = sk_as_write(as, sp, sb.buf + (sp - base), SK_LINUX_STACK_TOP - sp);
	if (r >= 0)
		r = sk_as_write(as, stp, st, used);
	if (r >= 0)
		r = (int64_t)stp;
out:
	sk_as_unmap(SK_H_SELF_AS, (uint64_t)sb.buf, STACK_IMAGE);
	return r;
}

/*
 * Map the descriptor table (exec.h sk_fdtab) of the new process in as
 * and write the descriptors it starts with, with their targets.
 */
static int64_t
write_fdtab(sk_handle_t as, const struct sk_exec_start *st, const char *const *targets)
{
	uint64_t open[SK_FDTAB_FDS / 64] = { 0 };
	int64_t r;

	if ((r = sk_as_map(as, SK_LINUX_FDTAB, SK_FDTAB_SIZE, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED)) < 0)
		return r;
	for (uint32_t i = 0; i < st->nfds; i++) {
		int32_t fd = st->fds[i].fd;
		const char *t = targets != NULL && targets[i] != NULL ? targets[i] : "";
		size_t l = strlen(t);

		if (fd < 0 || fd >= SK_FDTAB_FDS)
			continue;
		open[fd / 64] |= 1ull << (fd % 64);
		if (l >= SK_FDTAB_TARGET)
			l = SK_FDTAB_TARGET - 1;
		if (l > 0 && (r = sk_as_write(as, SK_LINUX_FDTAB + offsetof(struct sk_fdtab,
		    target[fd]), t, l)) < 0)
			return r;
	}
	return sk_as_write(as, SK_LINUX_FDTAB, open, sizeof(open));
}

/*
 * Give the handles named in st (the caller's values: roles, start
 * handles, descriptors) to process p and rewrite st with the values they
 * have there.
 */
static int64_t
give_handles(sk_handle_t p, struct sk_exec_start *st)
{
	sk_handle_t src[SK_EXEC_MAXFD], out[SK_EXEC_MAXFD];
	int64_t r;

	if ((r = sk_give_list(p, st->h, st->h, SK_EXEC_H_COUNT)) < 0 ||
	    (r = sk_give_list(p, st->start_h, st->start_h, st->nstart)) < 0)
		return r;
	for (uint32_t i = 0; i < st->nfds; i++)
		src[i] = st->fds[i].handle;
	if ((r = sk_give_list(p, src, out, st->nfds)) < 0)
		return r;
	for (uint32_t i = 0; i < st->nfds; i++)
		st->fds[i].handle = out[i];
	return 0;
}

int64_t
sk_exec_linux(struct sk_exec_args *a)
{
	struct elf_info pe, le;
	const char *pimg = NULL, *limg = NULL;
	uint64_t brk, lend;
	int64_t as = -1, p = -1, th, r, start;

	if (a->argv == NULL || a->argv[0] == NULL)
		return SK_ERRVAL(SK_E_INVAL, 0);
	if (a->start == NULL || a->start->nfds > SK_EXEC_MAXFD ||
	    a->start->nstart > SK_EXEC_START_HANDLES)
		return SK_ERRVAL(SK_E_INVAL, 0);
	if ((r = open_image(a->prog, a->prog_size, SK_LIBOS_BASE, &pe, &pimg)) < 0)
		return SK_ERRVAL(SK_ERR(r), 1);
	/* The libos lies between SK_LIBOS_BASE and the descriptor table. */
	if ((r = open_image(a->libos, a->libos_size, SK_LINUX_FDTAB, &le, &limg)) < 0) {
		r = SK_ERRVAL(SK_ERR(r), 3);
		goto out;
	}
	if (le.segs[0].vaddr < SK_LIBOS_BASE) {
		r = SK_ERRVAL(SK_E_RANGE, 3);
		goto out;
	}
	if ((as = sk_as_create()) < 0) {
		r = as;
		goto out;
	}
	r = mappable(&pe) ? map_image((sk_handle_t)as, a->prog, &pe, &brk) :
	    load_image((sk_handle_t)as, pimg, &pe, &brk);
	if (r < 0)
		goto out;
	r = mappable(&le) ? map_image((sk_handle_t)as, a->libos, &le, &lend) :
	    load_image((sk_handle_t)as, limg, &le, &lend);
	if (r < 0)
		goto out;
	if ((r = sk_as_map((sk_handle_t)as, SK_LINUX_STACK_TOP - SK_LINUX_STACK_SIZE,
	    SK_LINUX_STACK_SIZE, 0, 0, SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED)) < 0)
		goto out;
	if ((r = write_fdtab((sk_handle_t)as, a->start, a->fd_targets)) < 0)
		goto out;
	if ((p = sk_proc_create((sk_handle_t)as, a->name, a->privs)) < 0) {
		r = p;
		goto out;
	}
	if ((r = give_handles((sk_handle_t)p, a->start)) < 0)
		goto out_kill;
	if ((start = build_stack((sk_handle_t)as, &pe, brk, a, a->start)) < 0) {
		r = start;
		goto out_kill;
	}
	a->out_entry = le.entry;
	a->out_arg = (uint64_t)start;
	if (!a->suspended) {
		if ((th = sk_thread_create((sk_handle_t)p, (void *)le.entry, (uint64_t)start,
		    (uint64_t)start, 0, SK_PRIO_DEFAULT)) < 0) {
			r = th;
			goto out_kill;
		}
		sk_handle_close((sk_handle_t)th);
	}
	r = p;
	goto out;
out_kill:
	sk_proc_kill((sk_handle_t)p, -1);
	sk_handle_close((sk_handle_t)p);
out:
	if (as >= 0)
		sk_handle_close((sk_handle_t)as);
	if (pimg != NULL)
		sk_as_unmap(SK_H_SELF_AS, (uint64_t)pimg, PG_UP(a->prog_size));
	if (limg != NULL)
		sk_as_unmap(SK_H_SELF_AS, (uint64_t)limg, PG_UP(a->libos_size));
	return r;
}

int64_t
sk_exec_linux_start(sk_handle_t p, const struct sk_exec_args *a)
{
	int64_t th = sk_thread_create(p, (void *)a->out_entry, a->out_arg, a->out_arg, 0,
	    SK_PRIO_DEFAULT);

	if (th < 0)
		return th;
	sk_handle_close((sk_handle_t)th);
	return 0;
}
