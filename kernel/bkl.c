/* The big kernel lock; see bkl.h. */
#include "kernel/bkl.h"
#include "kernel/cpu.h"
#include "kernel/aspace.h"
#include "kernel/arch/x86.h"

static volatile uint32_t bkl_word;
static volatile int bkl_owner = -1;

void
bkl_acquire(void)
{
	int me = this_cpu()->id;

	if (bkl_owner == me)
		panic("bkl_acquire: cpu %d already holds the lock", me);
	while (__atomic_exchange_n(&bkl_word, 1, __ATOMIC_ACQUIRE)) {
		while (bkl_word) {
			tlb_flush_local_if_needed();
			cpu_relax();
		}
	}
	bkl_owner = me;
}

void
bkl_release(void)
{
	if (bkl_owner != this_cpu()->id)
		panic("bkl_release: cpu %d does not hold the lock", this_cpu()->id);
	bkl_owner = -1;
	__atomic_store_n(&bkl_word, 0, __ATOMIC_RELEASE);
}

bool
bkl_held(void)
{
	return bkl_owner == this_cpu()->id;
}
