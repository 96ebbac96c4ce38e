/*
 * Memory calls: brk and anonymous mmap/munmap/mprotect on the kernel's
 * address-space calls. Pages are allocated lazily by the kernel.
 */
#include "libos/libos.h"

#define PAGE		4096ull
#define PG_UP(x)	(((x) + PAGE - 1) & ~(PAGE - 1))
#define BRK_MAX		(1ull << 30)	/* how far the heap may grow */


static uint32_t
sk_prot(uint64_t lprot)
{
	return ((lprot & L_PROT_READ) ? SK_PROT_READ : 0) |
	    ((lprot & L_PROT_WRITE) ? SK_PROT_WRITE : 0) |
	    ((lprot & L_PROT_EXEC) ? SK_PROT_EXEC : 0);
}

/* brk(addr): move the end of the heap; returns the (new or old) end. */
L_HANDLER(brk)
{
	uint64_t want = l_arg(r, 0), top;

	if (want < L.brk_base || want > L.brk_base + BRK_MAX)
		return (int64_t)L.brk_cur;
	top = PG_UP(want);
	if (top > L.brk_mapped) {
		if (sk_as_map(SK_H_SELF_AS, L.brk_mapped, top - L.brk_mapped, 0, 0,
		    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED) < 0)
			return (int64_t)L.brk_cur;
		L.brk_mapped = top;
	} else if (top < L.brk_mapped) {
		sk_as_unmap(SK_H_SELF_AS, top, L.brk_mapped - top);
		L.brk_mapped = top;
	}
	L.brk_cur = want;
	return (int64_t)want;
}

static int64_t
map_error(int64_t e)
{
	switch (SK_ERR(e)) {
	case SK_E_NOMEM:	return -L_ENOMEM;
	case SK_E_EXISTS:	return -L_EEXIST;
	case SK_E_RANGE:	return -L_ENOMEM;
	default:		return -L_EINVAL;
	}
}

/*
 * A mapping of a file: its contents as a memory object (IO_MAP), mapped
 * copy-on-write for MAP_PRIVATE. MAP_SHARED is read-only for now (the
 * object the file system gives is), so shared writable mappings of files
 * fail with ENODEV.
 */
static int64_t
map_file(uint64_t addr, uint64_t len, uint32_t f, uint64_t flags, int64_t fd, uint64_t off)
{
	struct l_fd *d = fd_get(fd);
	struct sk_rpc m = { .label = IO_MAP };
	int64_t e, va;

	if (d == NULL || d->klog)
		return -L_EBADF;
	if (off & (PAGE - 1))
		return -L_EINVAL;
	if ((flags & L_MAP_SHARED) && (f & SK_PROT_WRITE))
		return -L_ENODEV;
	if ((e = io_call(d->h, &m)) < 0)
		return e == -L_ENOSYS ? -L_ENODEV : e;
	if (m.rcv_nh != 1)
		return -L_EIO;
	if (flags & (L_MAP_FIXED | L_MAP_FIXED_NOREPLACE)) {
		if (flags & L_MAP_FIXED)
			sk_as_unmap(SK_H_SELF_AS, addr, len);
		f |= SK_MAP_FIXED;
	} else {
		addr = 0;
	}
	if (flags & L_MAP_SHARED)
		f |= SK_MAP_SHARED;
	va = sk_as_map(SK_H_SELF_AS, addr, len, m.rcv_h[0], off, f);
	sk_handle_close(m.rcv_h[0]);
	if (va < 0)
		return SK_ERR(va) == SK_E_RIGHTS ? -L_EACCES : map_error(va);
	return va;
}

L_HANDLER(mmap)
{
	uint64_t addr = l_arg(r, 0), len = l_arg(r, 1), prot = l_arg(r, 2);
	uint64_t flags = l_arg(r, 3);
	uint32_t f = sk_prot(prot);
	int64_t va;

	if (len == 0 || (addr & (PAGE - 1)) || len > (1ull << 46))
		return -L_EINVAL;
	len = PG_UP(len);
	if (!(flags & L_MAP_ANONYMOUS))
		return map_file(addr, len, f, flags, (int64_t)(int32_t)l_arg(r, 4), l_arg(r, 5));
	if (flags & (L_MAP_FIXED | L_MAP_FIXED_NOREPLACE)) {
		/* MAP_FIXED replaces what was there; NOREPLACE fails instead. */
		if (flags & L_MAP_FIXED)
			sk_as_unmap(SK_H_SELF_AS, addr, len);
		f |= SK_MAP_FIXED;
	} else {
		addr = 0;	/* the kernel places it */
	}
	if (flags & L_MAP_SHARED) {
		int64_t v = sk_vmo_create(len, 0);

		if (v < 0)
			return -L_ENOMEM;
		va = sk_as_map(SK_H_SELF_AS, addr, len, (sk_handle_t)v, 0, f | SK_MAP_SHARED);
		sk_handle_close((sk_handle_t)v);
	} else {
		va = sk_as_map(SK_H_SELF_AS, addr, len, 0, 0, f);
	}
	return va < 0 ? map_error(va) : va;
}

L_HANDLER(munmap)
{
	uint64_t addr = l_arg(r, 0), len = l_arg(r, 1);
	int64_t e;

	if ((addr & (PAGE - 1)) || len == 0)
		return -L_EINVAL;
	e = sk_as_unmap(SK_H_SELF_AS, addr, PG_UP(len));
	return e < 0 ? -L_EINVAL : 0;
}

L_HANDLER(mprotect)
{
	uint64_t addr = l_arg(r, 0), len = l_arg(r, 1);
	int64_t e;

	if (addr & (PAGE - 1))
		return -L_EINVAL;
	if (len == 0)
		return 0;
	e = sk_as_protect(SK_H_SELF_AS, addr, PG_UP(len), sk_prot(l_arg(r, 2)));
	if (e < 0)
		return SK_ERR(e) == SK_E_RANGE || SK_ERR(e) == SK_E_NOENT ? -L_ENOMEM : -L_EINVAL;
	return 0;
}

L_HANDLER(madvise)
{
	return 0;
}

#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2

/*
 * mremap: shrink in place; grow in place when the pages after the mapping
 * are free; otherwise (with MREMAP_MAYMOVE) make a new anonymous mapping,
 * copy the contents and drop the old one.
 */
L_HANDLER(mremap)
{
	uint64_t old = l_arg(r, 0), olen = PG_UP(l_arg(r, 1)), nlen = PG_UP(l_arg(r, 2));
	uint64_t flags = l_arg(r, 3);
	char buf[4096];
	int64_t va;

	if ((old & (PAGE - 1)) || nlen == 0 || (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED)))
		return -L_EINVAL;
	if (flags & MREMAP_FIXED)
		return -L_EINVAL;	/* not yet */
	if (nlen <= olen) {
		if (nlen < olen)
			sk_as_unmap(SK_H_SELF_AS, old + nlen, olen - nlen);
		return (int64_t)old;
	}
	if (sk_as_map(SK_H_SELF_AS, old + olen, nlen - olen, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED) >= 0)
		return (int64_t)old;
	if (!(flags & MREMAP_MAYMOVE))
		return -L_ENOMEM;
	if ((va = sk_as_map(SK_H_SELF_AS, 0, nlen, 0, 0, SK_PROT_READ | SK_PROT_WRITE)) < 0)
		return -L_ENOMEM;
	for (uint64_t o = 0; o < olen; o += sizeof(buf)) {
		if (sk_as_read(SK_H_SELF_AS, old + o, buf, sizeof(buf)) < 0) {
			sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, nlen);
			return -L_EFAULT;
		}
		sk_as_write(SK_H_SELF_AS, (uint64_t)va + o, buf, sizeof(buf));
	}
	sk_as_unmap(SK_H_SELF_AS, old, olen);
	return va;
}
