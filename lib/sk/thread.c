/*
 * sk_thread_start: a second thread for a service (a musl program), made
 * with pthread_create, which reaches the libos's clone.
 */
#include <pthread.h>
#include "sk.h"

int
sk_thread_start(void *(*fn)(void *), void *arg, void *stack, size_t size)
{
	pthread_attr_t at;
	pthread_t t;
	int e;

	if ((e = pthread_attr_init(&at)) != 0)
		return e;
	if ((e = pthread_attr_setstack(&at, stack, size)) == 0 &&
	    (e = pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED)) == 0)
		e = pthread_create(&t, &at, fn, arg);
	pthread_attr_destroy(&at);
	return e;
}
