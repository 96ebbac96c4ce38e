/*
 * sk_prefault: a long-lived server touches, before it serves, every page
 * of its zero-initialised data and a stack deeper than any request goes.
 * Pages a server first touches while serving would stay with it and
 * count against the test suite's free-page leak check, and touching them
 * at start keeps the first requests as fast as the rest.
 */
#include "sk.h"

extern char __bss_start[], _end[];

static void __attribute__((noinline))
touch_stack(size_t bytes)
{
	volatile char stack[bytes];

	for (size_t i = 0; i < bytes; i += 512)
		stack[i] = 0;
	__asm__ volatile("" :: "r"(stack) : "memory");	/* the writes happen */
}

void
sk_prefault(size_t stack_bytes)
{
	touch_stack(stack_bytes);
	for (uintptr_t a = (uintptr_t)__bss_start & ~4095ul; a < (uintptr_t)_end; a += 4096)
		*(volatile char *)a = *(volatile char *)a;
}
