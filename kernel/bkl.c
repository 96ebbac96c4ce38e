/* The big kernel lock; see bkl.h. */
#include "kernel/bkl.h"
#include "kernel/cpu.h"
#include "kernel/aspace.h"
#include "kernel/arch/x86.h"

volatile uint32_t bkl_word;
volatile int bkl_owner = -1;

/*
 * bkl_acquire found the lock taken (or held by this CPU, a bug): spin
 * for it, answering TLB shootdowns meanwhile.
 */
void
bkl_acquire_slow(int me)
{
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
bkl_release_bad(void)
{
	panic("bkl_release: cpu %d does not hold the lock", this_cpu()->id);
}

bool
bkl_held(void)
{
	return bkl_owner == this_cpu()->id;
}
