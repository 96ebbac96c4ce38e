/*
 * Thread-area, system information, randomness and time calls. Time is
 * the kernel clock since boot.
 */
#include "libos/libos.h"

L_HANDLER(arch_prctl)
{
	uint64_t code = l_arg(r, 0), addr = l_arg(r, 1);

	switch (code) {
	case L_ARCH_SET_FS:
		if (addr >= 0x0000800000000000ull)
			return -L_EPERM;
		r->fs_base = addr;
		return 0;
	case L_ARCH_GET_FS:
		return l_copyout(addr, &r->fs_base, sizeof(r->fs_base));
	default:
		/* GS holds the thread's UTCB, which the libos needs. */
		return -L_EINVAL;
	}
}

L_HANDLER(set_tid_address)
{
	L.tid_address = l_arg(r, 0);
	return l_sys_gettid(r);
}

L_HANDLER(set_robust_list)
{
	return 0;
}

static void
put_field(char *dst, const char *s)
{
	strlcpy(dst, s, 65);
}

L_HANDLER(uname)
{
	struct l_utsname u;

	memset(&u, 0, sizeof(u));
	put_field(u.sysname, "Linux");
	put_field(u.nodename, "skiff");
	put_field(u.release, "6.1.0-skiff");
	put_field(u.version, "#1 Skiff microkernel");
	put_field(u.machine, "x86_64");
	put_field(u.domainname, "(none)");
	return l_copyout(l_arg(r, 0), &u, sizeof(u));
}

#define L_RLIMIT_STACK	3
#define L_RLIMIT_NOFILE	7
#define L_RLIM_INFINITY	(~0ull)

L_HANDLER(prlimit64)
{
	uint64_t res = l_arg(r, 1), old = l_arg(r, 3);
	struct l_rlimit lim = { L_RLIM_INFINITY, L_RLIM_INFINITY };

	if (l_arg(r, 0) != 0)
		return -L_ESRCH;
	if (res >= 16)
		return -L_EINVAL;
	if (res == L_RLIMIT_STACK)
		lim.cur = SK_LINUX_STACK_SIZE;
	if (res == L_RLIMIT_NOFILE)
		lim.cur = lim.max = 1024;
	if (old != 0)
		return l_copyout(old, &lim, sizeof(lim));
	return 0;
}

/*
 * getrandom: RDRAND where the CPU has it (QEMU -cpu max does), else a
 * mix of the clock. Neither is a substitute for a kernel entropy pool.
 */
static uint64_t
random64(void)
{
	static uint64_t state;
	uint64_t v;
	unsigned char ok = 0;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
	if (ok)
		return v;
	state += 0x9e3779b97f4a7c15ull ^ (uint64_t)sk_clock();
	v = state;
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
	return v ^ (v >> 31);
}

L_HANDLER(getrandom)
{
	uint64_t buf = l_arg(r, 0), len = l_arg(r, 1), done = 0;

	if (len > 33554431)
		len = 33554431;
	while (done < len) {
		uint64_t v = random64(), n = len - done > 8 ? 8 : len - done;

		if (l_copyout(buf + done, &v, n) < 0)
			return done > 0 ? (int64_t)done : -L_EFAULT;
		done += n;
	}
	return (int64_t)done;
}

L_HANDLER(clock_gettime)
{
	uint64_t ns = (uint64_t)sk_clock();
	struct l_timespec ts = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };

	if (l_arg(r, 0) > 11)
		return -L_EINVAL;
	return l_copyout(l_arg(r, 1), &ts, sizeof(ts));
}

L_HANDLER(gettimeofday)
{
	uint64_t ns = (uint64_t)sk_clock();
	int64_t tv[2] = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull / 1000) };

	if (l_arg(r, 0) == 0)
		return 0;
	return l_copyout(l_arg(r, 0), tv, sizeof(tv));
}

L_HANDLER(time)
{
	int64_t t = (int64_t)((uint64_t)sk_clock() / 1000000000ull);

	if (l_arg(r, 0) != 0 && l_copyout(l_arg(r, 0), &t, sizeof(t)) < 0)
		return -L_EFAULT;
	return t;
}

L_HANDLER(sched_yield)
{
	sk_yield();
	return 0;
}
