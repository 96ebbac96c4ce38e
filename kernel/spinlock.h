/*
 * Spinlocks. Kernel code runs with interrupts disabled, so a plain
 * test-and-set lock is enough; the holder must not block.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include "kernel/arch/x86.h"

struct spinlock {
	volatile uint32_t locked;
	int cpu;		/* holder, for debugging; -1 when free */
};

#define SPINLOCK_INIT	{ 0, -1 }

static inline void spin_lock_raw(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}

static inline int spin_trylock_raw(struct spinlock *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void spin_unlock_raw(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
