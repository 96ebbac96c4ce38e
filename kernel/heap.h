/* Kernel heap. Callers hold the big kernel lock (or run single-threaded). */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include "kernel/kernel.h"

void *kmalloc(size_t size);	/* uninitialised, or NULL */
void *kzalloc(size_t size);	/* zeroed, or NULL */
void kfree(void *p);		/* NULL is allowed */
uint64_t heap_bytes_in_use(void);
uint64_t heap_slab_pages(void);	/* pages kept by the small-object caches */

#endif
