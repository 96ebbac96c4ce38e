/*
 * The time page (abi/skiff/timepage.h): one page of the kernel's, filled
 * once the clock is calibrated and mapped read-only into every address
 * space sys_as_create and the root task make (a clone inherits the
 * mapping like any shared one). The wall-clock offset is written here
 * under the page's sequence count, with the big kernel lock held.
 */
#include "kernel/kernel.h"
#include "kernel/aspace.h"
#include "kernel/vmo.h"
#include "kernel/timepage.h"
#include "abi/skiff/timepage.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/errors.h"

static struct vmo *page_vmo;
static struct sk_timepage *tp;

void
timepage_init(uint64_t tsc_base, uint64_t mult, uint32_t shift)
{
	uint64_t pa;
	int e;

	if ((page_vmo = vmo_create(PAGE_SIZE, 0, &e)) == NULL ||
	    (pa = vmo_page(page_vmo, 0, true)) == 0)
		panic("timepage_init: out of memory");
	tp = P2V(pa);
	tp->shift = shift;
	tp->tsc_base = tsc_base;
	tp->mult = mult;
	tp->real_offset = 0;
	tp->seq = 0;
	tp->magic = SK_TIMEPAGE_MAGIC;
}

int
timepage_map(struct aspace *as)
{
	uint64_t out;

	int e;

	if (page_vmo == NULL)
		return SK_OK;	/* before the clock: programs use the calls */
	if ((e = as_map_max(as, SK_TIMEPAGE_VA, PAGE_SIZE, page_vmo, 0, SK_PROT_READ,
	    SK_PROT_READ, SK_MAP_FIXED | REGION_SHARED, 0, &out)) != SK_OK)
		return e;
	/*
	 * Map the page now, so that its page tables come with the address
	 * space and not with some later first clock read.
	 */
	if ((e = as_fault(as, SK_TIMEPAGE_VA, SK_PROT_READ)) != SK_OK)
		as_unmap(as, SK_TIMEPAGE_VA, PAGE_SIZE);
	return e;
}

void
timepage_set_real(int64_t offset)
{
	if (tp == NULL)
		return;
	tp->seq++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	tp->real_offset = offset;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	tp->seq++;
}
