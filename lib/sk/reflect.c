/*
 * Leaving the library OS: resume the frame of a reflected system call or
 * interrupt in user mode when the frame allows it, through the kernel
 * (reflect_return) otherwise.
 */
#include "sk.h"

/* Flags a user may set with popfq, without TF (which would trap early). */
#define FAST_RFLAGS	(0x0cd5ull | (1ull << 18) | (1ull << 21))
#define FIXED_RFLAGS	0x202ull	/* IF and the always-one bit */
#define USER_END	0x0000800000000000ull	/* first non-canonical address */

int64_t
sk_reflect_resume(uint64_t fs_base)
{
	struct sk_utcb *u = sk_utcb();
	const struct sk_regs *r = &u->reflect;

	if (r->rip < USER_END && r->fs_base == fs_base && r->gs_base == u->self &&
	    (r->rflags & ~FAST_RFLAGS) == FIXED_RFLAGS)
		sk_reflect_leave();	/* returns only when an interrupt is due */
	return sk_reflect_return();
}
