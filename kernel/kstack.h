/*
 * Kernel stacks for threads: KSTACK_SIZE bytes of physically contiguous
 * memory, used through the direct map. Freed stacks are cached for reuse
 * (see kstack.c). Callers hold the big kernel lock.
 */
#ifndef KERNEL_KSTACK_H
#define KERNEL_KSTACK_H

#include "kernel/kernel.h"

/*
 * A stack's lowest address, or 0 when memory is short. The contents are
 * undefined, apart from an overflow canary in the lowest word that the
 * stack's user must not touch.
 */
uint64_t kstack_alloc(void);

/*
 * Give back a stack from kstack_alloc that no CPU runs on any more.
 * Panics if its canary shows that it overflowed.
 */
void kstack_free(uint64_t base);

/* Pages held by the cache: free memory, as far as accounting goes. */
uint64_t kstack_cached_pages(void);

#endif
