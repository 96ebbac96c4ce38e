/*
 * The libos's own memory (descriptor paths, per-thread blocks), kept apart
 * from the program's heap: libsk's allocator under the libos's lock.
 */
#include "libos/libos.h"

static volatile int lock;

static void
a_lock(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		sk_yield();
}

static void
a_unlock(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

void *
l_alloc(uint64_t n)
{
	void *p;

	a_lock();
	p = sk_malloc(n);
	a_unlock();
	return p;
}

void
l_free(void *p)
{
	a_lock();
	sk_free(p);
	a_unlock();
}

char *
l_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = l_alloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}
