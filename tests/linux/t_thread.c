/*
 * Threads: pthread_create and pthread_join (CLONE_CHILD_CLEARTID and the
 * futex wake musl waits on), a mutex under contention, thread-local data.
 */
#include <pthread.h>
#include "check.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value;

static void *
worker(void *arg)
{
	tls_value = (int)(long)arg;
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return (void *)(long)(tls_value * 2);
}

int
main(void)
{
	pthread_t t[4];
	void *ret;
	int ok = 1;

	tls_value = 100;
	for (long i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(i + 1)) != 0)
			ok = 0;
	CHECK(ok, "pthread_create");
	for (long i = 0; i < 4; i++) {
		pthread_join(t[i], &ret);
		if ((long)ret != (i + 1) * 2)
			ok = 0;
	}
	CHECK(ok, "pthread_join returns each thread's value");
	CHECK(counter == 40000, "the mutex keeps the count exact");
	CHECK(tls_value == 100, "thread-local data is per thread");
	return CHECK_DONE();
}
