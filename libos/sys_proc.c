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

/*
 * Resource limits live in proc (PROC_RLIMIT), which enforces RLIMIT_NPROC
 * at fork; the stack and descriptor limits are also the libos's own.
 */
static int64_t
rlimit(uint64_t res, uint64_t unew, uint64_t uold)
{
	struct l_rlimit lim = { L_RLIM_INFINITY, L_RLIM_INFINITY }, nl;
	struct sk_rpc m = { .label = PROC_RLIMIT };
	int64_t e = 0;

	if (res >= 16)
		return -L_EINVAL;
	if (unew != 0) {
		if (l_copyin(&nl, unew, sizeof(nl)) < 0)
			return -L_EFAULT;
		if (nl.cur > nl.max)
			return -L_EINVAL;
	}
	m.w[0] = res;
	m.w[1] = unew != 0 ? nl.cur : ~0ull;
	m.w[2] = unew != 0 ? nl.max : ~0ull;
	if (L.h[SK_EXEC_H_PROC] != 0 && (e = io_call(L.h[SK_EXEC_H_PROC], &m)) >= 0) {
		lim.cur = m.r[1];
		lim.max = m.r[2];
	} else if (L.h[SK_EXEC_H_PROC] != 0 && unew != 0) {
		return e;
	} else {
		if (res == L_RLIMIT_STACK)
			lim.cur = SK_LINUX_STACK_SIZE;
		if (res == L_RLIMIT_NOFILE)
			lim.cur = lim.max = L_MAXFD;
	}
	if (uold != 0)
		return l_copyout(uold, &lim, sizeof(lim));
	return 0;
}

L_HANDLER(prlimit64)
{
	if (l_arg(r, 0) != 0 && (int64_t)l_arg(r, 0) != L.pid)
		return -L_EPERM;	/* other processes' limits: not yet */
	return rlimit(l_arg(r, 1), l_arg(r, 2), l_arg(r, 3));
}

L_HANDLER(getrlimit)
{
	return rlimit(l_arg(r, 0), 0, l_arg(r, 1));
}

L_HANDLER(setrlimit)
{
	return rlimit(l_arg(r, 0), l_arg(r, 1), 0);
}

/* sysinfo: uptime, memory and the number of processes. */
L_HANDLER(sysinfo)
{
	struct {
		int64_t uptime;
		uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		uint16_t procs, pad;
		uint32_t pad2;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		char _f[4];
	} si;
	struct sk_kstat ks;

	memset(&si, 0, sizeof(si));
	si.uptime = sk_clock() / 1000000000;
	if (sk_kstat(&ks) >= 0) {
		si.totalram = ks.pages_total * 4096;
		si.freeram = ks.pages_free * 4096;
		si.procs = (uint16_t)ks.objects[SK_OBJ_PROCESS];
	}
	si.mem_unit = 1;
	return l_copyout(l_arg(r, 0), &si, sizeof(si));
}

/* times and getrusage: the kernel does not account CPU time per process yet. */
L_HANDLER(times)
{
	int64_t t[4] = { 0, 0, 0, 0 };

	if (l_arg(r, 0) != 0 && l_copyout(l_arg(r, 0), t, sizeof(t)) < 0)
		return -L_EFAULT;
	return sk_clock() / 10000000;	/* clock ticks (100 Hz) since boot */
}

L_HANDLER(getrusage)
{
	int64_t ru[18];

	if ((int64_t)l_arg(r, 0) < -1 || (int64_t)l_arg(r, 0) > 1)
		return -L_EINVAL;
	memset(ru, 0, sizeof(ru));
	return l_copyout(l_arg(r, 1), ru, sizeof(ru));
}

L_HANDLER(sched_getaffinity)
{
	uint64_t mask = 1;
	struct sk_kstat ks;

	if (l_arg(r, 1) < sizeof(mask) || (l_arg(r, 1) & 7))
		return -L_EINVAL;
	if (sk_kstat(&ks) >= 0 && ks.ncpus > 0 && ks.ncpus < 64)
		mask = (1ull << ks.ncpus) - 1;
	if (l_copyout(l_arg(r, 2), &mask, sizeof(mask)) < 0)
		return -L_EFAULT;
	return sizeof(mask);
}

#define PR_SET_NAME	15
#define PR_GET_NAME	16

L_HANDLER(prctl)
{
	switch (l_arg(r, 0)) {
	case PR_SET_NAME: {
		char n[16];

		if (l_copyin_str(n, l_arg(r, 1), sizeof(n)) < 0 && l_copyin(n, l_arg(r, 1), 15) < 0)
			return -L_EFAULT;
		n[15] = '\0';
		memcpy(L.comm, n, sizeof(n));
		return 0;
	}
	case PR_GET_NAME:
		return l_copyout(l_arg(r, 1), L.comm, sizeof(L.comm));
	default:
		return -L_EINVAL;
	}
}

/*
 * rseq: restartable sequences need the kernel to watch preemption; not
 * offered. glibc asks at every start and carries on without, so it is
 * refused quietly instead of being logged as unknown.
 */
L_HANDLER(rseq)
{
	return -L_ENOSYS;
}

L_HANDLER(sync)
{
	return 0;
}

L_HANDLER(clock_getres)
{
	struct l_timespec ts = { 0, 1 };

	if (l_clock_read(l_arg(r, 0)) < 0)
		return -L_EINVAL;
	if (l_arg(r, 1) != 0 && l_copyout(l_arg(r, 1), &ts, sizeof(ts)) < 0)
		return -L_EFAULT;
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

/*
 * Linux clock ids: the wall clocks (REALTIME, REALTIME_COARSE,
 * REALTIME_ALARM and TAI, which Skiff keeps equal to REALTIME) read the
 * kernel's wall clock; every other valid id reads time since boot.
 */
int
l_clock_is_real(uint64_t id)
{
	return id == 0 || id == 5 || id == 8 || id == 11;
}

/* The time of clock id in ns, or -L_EINVAL for an id Linux does not have. */
int64_t
l_clock_read(uint64_t id)
{
	if (id > 11 || id == 10)
		return -L_EINVAL;
	return l_clock_is_real(id) ? sk_clock_real() : sk_clock();
}

L_HANDLER(clock_gettime)
{
	int64_t ns = l_clock_read(l_arg(r, 0));
	struct l_timespec ts;

	if (ns < 0)
		return ns;
	ts.sec = ns / 1000000000;
	ts.nsec = ns % 1000000000;
	return l_copyout(l_arg(r, 1), &ts, sizeof(ts));
}

/* Set the wall clock to ns since the epoch (proc checks for root). */
static int64_t
set_real(int64_t ns)
{
	struct sk_rpc m = { .label = PROC_SETTIME };

	if (L.h[SK_EXEC_H_PROC] == 0)
		return -L_EPERM;
	m.w[0] = (uint64_t)ns;
	return io_call(L.h[SK_EXEC_H_PROC], &m) < 0 ? -L_EPERM : 0;
}

L_HANDLER(clock_settime)
{
	struct l_timespec ts;

	if (l_arg(r, 0) > 11 || l_arg(r, 0) == 10)
		return -L_EINVAL;
	if (l_copyin(&ts, l_arg(r, 1), sizeof(ts)) < 0)
		return -L_EFAULT;
	if (l_arg(r, 0) != 0)
		return -L_EINVAL;	/* only CLOCK_REALTIME can be set */
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000 || ts.sec > 9200000000ll)
		return -L_EINVAL;
	return set_real(ts.sec * 1000000000 + ts.nsec);
}

/* settimeofday(tv, tz): the time zone is obsolete and ignored, as on Linux. */
L_HANDLER(settimeofday)
{
	int64_t tv[2];

	if (l_arg(r, 0) == 0)
		return 0;
	if (l_copyin(tv, l_arg(r, 0), sizeof(tv)) < 0)
		return -L_EFAULT;
	if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000 || tv[0] > 9200000000ll)
		return -L_EINVAL;
	return set_real(tv[0] * 1000000000 + tv[1] * 1000);
}

L_HANDLER(gettimeofday)
{
	uint64_t ns = (uint64_t)sk_clock_real();
	int64_t tv[2] = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull / 1000) };

	if (l_arg(r, 0) == 0)
		return 0;
	return l_copyout(l_arg(r, 0), tv, sizeof(tv));
}

L_HANDLER(time)
{
	int64_t t = (int64_t)((uint64_t)sk_clock_real() / 1000000000ull);

	if (l_arg(r, 0) != 0 && l_copyout(l_arg(r, 0), &t, sizeof(t)) < 0)
		return -L_EFAULT;
	return t;
}

L_HANDLER(sched_yield)
{
	sk_yield();
	return 0;
}
