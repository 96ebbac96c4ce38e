/*
 * Access to user memory for the kernel (aspace.h): checks, copies in and
 * out, and copies between two address spaces, all through the page
 * tables and the direct map, never through a user address. See
 * docs/kernel.md, "User memory", for the rules a translation relies on.
 *
 * Lock: the big kernel lock.
 */
#include "kernel/aspace.h"
#include "kernel/vmo.h"
#include "kernel/vm.h"
#include "kernel/pmm.h"
#include "kernel/arch/x86.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/ipc.h"

/*
 * The leaf PTE of user address va in the page tables at pml4_pa, or 0
 * when a level is missing or a large page is in the way. Looks only.
 */
static inline pte_t
pte_of(uint64_t pml4_pa, uint64_t va)
{
	pte_t e = ((pte_t *)P2V(pml4_pa))[(va >> 39) & 511];

	if (!(e & PTE_P))
		return 0;
	e = ((pte_t *)P2V(e & PTE_ADDR))[(va >> 30) & 511];
	if ((e & (PTE_P | PTE_PS)) != PTE_P)
		return 0;
	e = ((pte_t *)P2V(e & PTE_ADDR))[(va >> 21) & 511];
	if ((e & (PTE_P | PTE_PS)) != PTE_P)
		return 0;
	return ((pte_t *)P2V(e & PTE_ADDR))[(va >> 12) & 511];
}

/*
 * Whether a PTE lets the kernel access its page for the user with access
 * (SK_PROT_READ or SK_PROT_WRITE): present, user, not device memory, and
 * writable or readable as the region allows (pte_prot_bits).
 */
static inline bool
pte_allows(pte_t e, uint32_t access)
{
	uint64_t need = PTE_P | PTE_U | ((access & SK_PROT_WRITE) ? PTE_W : 0);
	uint64_t deny = PTE_PCD | ((access & SK_PROT_READ) ? PTE_NOREAD : 0);

	return (e & (need | deny)) == need;
}

/* user_page when the PTE does not allow the access yet: fault, retry. */
static uint64_t
user_page_fault(struct aspace *as, uint64_t uaddr, uint32_t access)
{
	pte_t e;

	if (as_fault(as, uaddr, access) != SK_OK)
		return 0;
	e = pte_of(as->pml4_pa, uaddr);
	return pte_allows(e, access) ? (e & PTE_ADDR) + (uaddr % PAGE_SIZE) : 0;
}

/*
 * Translate uaddr for a kernel access of kind access, faulting the page in
 * like the user would. Returns the physical address or 0.
 */
static inline uint64_t
user_page(struct aspace *as, uint64_t uaddr, uint32_t access)
{
	pte_t e = pte_of(as->pml4_pa, uaddr);

	if (__builtin_expect(pte_allows(e, access), 1))
		return (e & PTE_ADDR) + (uaddr % PAGE_SIZE);
	return user_page_fault(as, uaddr, access);
}

int
as_user_ok(struct aspace *as, uint64_t uaddr, uint64_t len, uint32_t access)
{
	if (!user_range_ok(uaddr, len))
		return SK_E_FAULT;
	for (uint64_t va = ALIGN_DOWN(uaddr, PAGE_SIZE); va < uaddr + len; va += PAGE_SIZE)
		if (user_page(as, va, access) == 0)
			return SK_E_FAULT;
	return SK_OK;
}

int
as_copyin(struct aspace *as, void *dst, uint64_t uaddr, uint64_t len)
{
	char *d = dst;

	if (!user_range_ok(uaddr, len))
		return SK_E_FAULT;
	while (len > 0) {
		uint64_t n = MIN(len, PAGE_SIZE - uaddr % PAGE_SIZE);
		uint64_t pa = user_page(as, uaddr, SK_PROT_READ);

		if (pa == 0)
			return SK_E_FAULT;
		memcpy(d, P2V(pa), n);
		d += n;
		uaddr += n;
		len -= n;
	}
	return SK_OK;
}

int
as_copyout(struct aspace *as, uint64_t uaddr, const void *src, uint64_t len)
{
	const char *s = src;

	/* All or nothing: no byte is written unless every page can be. */
	if (as_user_ok(as, uaddr, len, SK_PROT_WRITE) != SK_OK)
		return SK_E_FAULT;
	while (len > 0) {
		uint64_t n = MIN(len, PAGE_SIZE - uaddr % PAGE_SIZE);
		uint64_t pa = user_page(as, uaddr, SK_PROT_WRITE);

		if (pa == 0)
			return SK_E_FAULT;
		memcpy(P2V(pa), s, n);
		s += n;
		uaddr += n;
		len -= n;
	}
	return SK_OK;
}

/* as_copy_between for more than a payload: check everything, then copy. */
static int
copy_between_large(struct aspace *dst, uint64_t dva, struct aspace *src,
    uint64_t sva, uint64_t len)
{
	if (as_user_ok(dst, dva, len, SK_PROT_WRITE) != SK_OK ||
	    as_user_ok(src, sva, len, SK_PROT_READ) != SK_OK)
		return SK_E_FAULT;
	while (len > 0) {
		uint64_t n = MIN(len, PAGE_SIZE - dva % PAGE_SIZE);
		uint64_t spa, dpa;

		n = MIN(n, PAGE_SIZE - sva % PAGE_SIZE);
		if ((dpa = user_page(dst, dva, SK_PROT_WRITE)) == 0 ||
		    (spa = user_page(src, sva, SK_PROT_READ)) == 0)
			return SK_E_FAULT;
		memcpy(P2V(dpa), P2V(spa), n);
		dva += n;
		sva += n;
		len -= n;
	}
	return SK_OK;
}

/* Pages a copy translates up front: a whole IPC payload, unaligned. */
#define COPY_PAGES	(SK_MSG_PAYLOAD_MAX / PAGE_SIZE + 1)

/*
 * Translate the n pages of [va, va + len) for access into pa[]. Returns
 * false if one of them cannot be accessed.
 */
static bool
user_pages(struct aspace *as, uint64_t va, uint64_t len, uint32_t access,
    uint64_t *pa)
{
	uint64_t p = ALIGN_DOWN(va, PAGE_SIZE);

	for (int i = 0; p < va + len; i++, p += PAGE_SIZE)
		if ((pa[i] = user_page(as, p, access)) == 0)
			return false;
	return true;
}

/*
 * Copy len bytes from sva in src to dva in dst, all or nothing: every
 * page of both ranges is checked (and faulted in) before a byte is
 * copied. Up to a whole IPC payload, each page is translated once and
 * the copy uses those translations. The destination is translated first,
 * so a copy-on-write break it causes is seen by the source's translation
 * when both are one address space; translating the source afterwards
 * only fills pages that were not present, so it cannot change a
 * destination translation.
 */
int
as_copy_between(struct aspace *dst, uint64_t dva, struct aspace *src,
    uint64_t sva, uint64_t len)
{
	uint64_t dpa[COPY_PAGES], spa[COPY_PAGES];
	uint64_t done;

	if (!user_range_ok(dva, len) || !user_range_ok(sva, len))
		return SK_E_FAULT;
	if (len == 0)
		return SK_OK;
	if (len > SK_MSG_PAYLOAD_MAX)
		return copy_between_large(dst, dva, src, sva, len);
	if (len <= PAGE_SIZE - dva % PAGE_SIZE && len <= PAGE_SIZE - sva % PAGE_SIZE) {
		/* Within one page on each side: the translations are the check. */
		if ((dpa[0] = user_page(dst, dva, SK_PROT_WRITE)) == 0 ||
		    (spa[0] = user_page(src, sva, SK_PROT_READ)) == 0)
			return SK_E_FAULT;
		memcpy(P2V(dpa[0]), P2V(spa[0]), len);
		return SK_OK;
	}
	if (!user_pages(dst, dva, len, SK_PROT_WRITE, dpa) ||
	    !user_pages(src, sva, len, SK_PROT_READ, spa))
		return SK_E_FAULT;
	for (done = 0; done < len;) {
		uint64_t d = dva + done, s = sva + done, n;
		uint64_t di = (d >> 12) - (dva >> 12), si = (s >> 12) - (sva >> 12);

		n = MIN(len - done, PAGE_SIZE - d % PAGE_SIZE);
		n = MIN(n, PAGE_SIZE - s % PAGE_SIZE);
		memcpy((char *)P2V(dpa[di]) + d % PAGE_SIZE,
		    (char *)P2V(spa[si]) + s % PAGE_SIZE, n);
		done += n;
	}
	return SK_OK;
}
