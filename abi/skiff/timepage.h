/*
 * The time page: one read-only page the kernel maps at SK_TIMEPAGE_VA in
 * every address space it creates, so that programs read both clocks
 * without a system call. Time since boot is
 *
 *	ns = ((rdtsc() - tsc_base) * mult) >> shift	(a 128-bit product)
 *
 * and the wall clock is that plus real_offset. mult and tsc_base never
 * change after boot; real_offset changes when the wall clock is set, under
 * seq: it is odd while the kernel writes, so a reader takes seq, reads,
 * and tries again if seq was odd or has changed. A page whose magic is
 * not SK_TIMEPAGE_MAGIC (an address space made before it, or one that
 * unmapped it) means: use the clock system calls.
 */
#ifndef SKIFF_TIMEPAGE_H
#define SKIFF_TIMEPAGE_H

#include <stdint.h>

/*
 * The last page of the libos's 2 MiB, above the descriptor table
 * (abi/skiff/proto/exec.h), so that in a Linux process it shares their
 * page table.
 */
#define SK_TIMEPAGE_VA		0x00000000701ff000ull
#define SK_TIMEPAGE_MAGIC	0x45474150454d4954ull	/* "TIMEPAGE" */

struct sk_timepage {
	uint64_t magic;
	volatile uint32_t seq;
	uint32_t shift;
	uint64_t tsc_base;
	uint64_t mult;
	volatile int64_t real_offset;
};
_Static_assert(sizeof(struct sk_timepage) == 40, "sk_timepage layout");

#endif
