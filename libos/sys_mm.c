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

L_HANDLER(mmap)
{
	uint64_t addr = l_arg(r, 0), len = l_arg(r, 1), prot = l_arg(r, 2);
	uint64_t flags = l_arg(r, 3);
	uint32_t f = sk_prot(prot);
	int64_t va;

	if (len == 0 || (addr & (PAGE - 1)) || len > (1ull << 46))
		return -L_EINVAL;
	if (!(flags & L_MAP_ANONYMOUS))
		return -L_ENODEV;	/* file mappings need the file servers */
	len = PG_UP(len);
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
