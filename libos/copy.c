/*
 * Reading and writing the program's memory. The program may pass any
 * pointer, so the libos goes through the kernel, which checks every page
 * and fails instead of faulting.
 */
#include "libos/libos.h"

int
l_copyin(void *dst, uint64_t src, uint64_t n)
{
	if (n == 0)
		return 0;
	return sk_as_read(SK_H_SELF_AS, src, dst, n) < 0 ? -L_EFAULT : 0;
}

int
l_copyout(uint64_t dst, const void *src, uint64_t n)
{
	if (n == 0)
		return 0;
	return sk_as_write(SK_H_SELF_AS, dst, src, n) < 0 ? -L_EFAULT : 0;
}
