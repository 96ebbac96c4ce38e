/*
 * lbench: the Linux side of `make bench`.
 *
 * This program is /init (PID 1) of a tiny initramfs booted on Debian's cloud
 * kernel in the same QEMU that runs Skiff's benchmarks, under
 * `-icount shift=0`: every guest instruction advances the virtual clock by one
 * nanosecond, so CLOCK_MONOTONIC nanoseconds elapsed over a loop, divided by
 * its iteration count, is the number of guest instructions per operation.
 * It runs the workloads, prints one line `linux <name> <instr-per-op>` per
 * figure (plus a few `linux-config ...` lines describing the set-up) to the
 * console, and powers the machine off so that QEMU exits.
 *
 * Why one CPU (tools/linux-bench.sh boots with -smp 1):
 * under icount the virtual clock only counts executed instructions while some
 * vCPU runs; when every vCPU is halted it advances with host wall-clock time
 * (QEMU's default icount sleep=on), which is neither deterministic nor an
 * instruction count.  In a cross-process ping-pong on two CPUs each side
 * halts while waiting for the other, so those figures pick up host-dependent
 * idle time, IPI latencies and idle-loop entry/exit, and futex waits sometimes
 * do not sleep at all.  With one CPU a blocked process always hands the CPU
 * straight to the runnable one, nothing ever idles during a measurement, and
 * the figures are pure instruction counts that repeat run to run.  They are
 * therefore same-CPU round trips (block, switch, wake, switch back).  (Two
 * CPUs are not an option anyway with QEMU 7.2: under -icount this kernel
 * hangs at "x86: Booting SMP configuration" and never starts CPU 1.)  The
 * program itself works on any CPU count and prints `linux-config smp=N`.
 *
 * Method: each workload runs a warm-up (a tenth of its iterations, not
 * timed), then the timed loop; the result is integer elapsed ns / iterations.
 * Timer ticks (HZ=250, i.e. one every 4 ms of virtual time = 4 M instructions)
 * land inside the loops and are amortised in; they add well under 1%.
 *
 * Built with `musl-gcc -static -O2`; no other files are needed at run time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* <linux/futex.h> is not on musl's include path. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

#define PAGE 4096

static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof buf - 1)
		n = sizeof buf - 1;
	for (int off = 0; off < n;) {
		ssize_t w = write(1, buf + off, n - off);
		if (w <= 0)
			return;
		off += w;
	}
}

static void die(const char *what)
{
	say("linux-error %s: %s\n", what, strerror(errno));
	sync();
	reboot(RB_POWER_OFF);
	_exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report(const char *name, uint64_t ns, uint64_t iters)
{
	say("linux %s %llu\n", name, (unsigned long long)(ns / iters));
}

/* The kernel opens /dev/console as fds 0-2 for init when the initramfs has
 * it (Debian's built-in initramfs does).  If not, get it from devtmpfs. */
static void console_setup(void)
{
	if (fcntl(1, F_GETFD) >= 0)
		return;
	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0)
		_exit(1);
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		_exit(1);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* ---- null_syscall: getppid() through syscall(), never cached by libc ---- */
static void bench_null_syscall(void)
{
	const uint64_t n = 1000000;
	for (uint64_t i = 0; i < n / 10; i++)
		syscall(SYS_getppid);
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_getppid);
	report("null_syscall", now_ns() - t0, n);
}

/* ---- ipc_roundtrip(_4k): pipe ping-pong between two processes ---------- */
static void xfer(int fd, char *buf, size_t len, int out)
{
	size_t off = 0;
	while (off < len) {
		ssize_t r = out ? write(fd, buf + off, len - off) : read(fd, buf + off, len - off);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			die(out ? "pipe write" : "pipe read");
		}
		off += (size_t)r;
	}
}

static void bench_pipe(const char *name, size_t len, uint64_t n)
{
	static char buf[PAGE];
	int down[2], up[2]; /* parent -> child, child -> parent */
	if (pipe(down) < 0 || pipe(up) < 0)
		die("pipe");
	uint64_t total = n + n / 10;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		for (uint64_t i = 0; i < total; i++) {
			xfer(down[0], buf, len, 0);
			xfer(up[1], buf, len, 1);
		}
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	memset(buf, 'x', sizeof buf);
	for (uint64_t i = 0; i < n / 10; i++) {
		xfer(down[1], buf, len, 1);
		xfer(up[0], buf, len, 0);
	}
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		xfer(down[1], buf, len, 1);
		xfer(up[0], buf, len, 0);
	}
	uint64_t dt = now_ns() - t0;
	waitpid(pid, NULL, 0);
	close(down[1]);
	close(up[0]);
	report(name, dt, n);
}

/* ---- notify_wait: futex wait/wake ping-pong on MAP_SHARED memory ---------
 * Chosen over eventfd because it is the thinnest Linux wakeup primitive, the
 * closest analog of a Skiff notification: one word, no file, no data copied.
 * The word holds whose turn it is (0 = parent, 1 = child); each side flips it,
 * wakes the other and sleeps until it is flipped back.  Shared (not
 * FUTEX_PRIVATE) futexes, because the two are different processes. */
static long futex(volatile int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void wait_for(volatile int *turn, int mine)
{
	int v;
	while ((v = __atomic_load_n(turn, __ATOMIC_ACQUIRE)) != mine)
		futex(turn, FUTEX_WAIT, v);
}

static void pass_to(volatile int *turn, int other)
{
	__atomic_store_n(turn, other, __ATOMIC_RELEASE);
	futex(turn, FUTEX_WAKE, 1);
}

static void bench_notify_wait(void)
{
	const uint64_t n = 20000;
	uint64_t total = n + n / 10;
	volatile int *turn = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (turn == MAP_FAILED)
		die("mmap shared");
	*turn = 0;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (uint64_t i = 0; i < total; i++) {
			wait_for(turn, 1);
			pass_to(turn, 0);
		}
		_exit(0);
	}
	for (uint64_t i = 0; i < n / 10; i++) {
		pass_to(turn, 1);
		wait_for(turn, 0);
	}
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		pass_to(turn, 1);
		wait_for(turn, 0);
	}
	uint64_t dt = now_ns() - t0;
	waitpid(pid, NULL, 0);
	munmap((void *)turn, PAGE);
	report("notify_wait", dt, n);
}

/* ---- page_fault: first touch (write) of fresh anonymous pages ------------
 * Each round maps a 32 MiB region with transparent huge pages disabled on it
 * (Debian's kernel has THP "always", which would otherwise fault in 2 MiB at
 * a time), writes one byte per 4 KiB page, and unmaps it.  Only the touching
 * loop is timed: mmap and munmap are outside the measurement, so the figure
 * is fault entry + page allocation + zeroing + PTE install + return. */
static void bench_page_fault(void)
{
	const size_t len = 32u << 20, pages = len / PAGE;
	const int rounds = 8, warm = 1;
	uint64_t dt = 0;
	for (int r = 0; r < warm + rounds; r++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		if (madvise(p, len, MADV_NOHUGEPAGE) < 0)
			die("madvise");
		uint64_t t0 = now_ns();
		for (size_t i = 0; i < pages; i++)
			((volatile char *)p)[i * PAGE] = 1;
		uint64_t t1 = now_ns();
		if (r >= warm)
			dt += t1 - t0;
		munmap(p, len);
	}
	report("page_fault", dt, (uint64_t)rounds * pages);
}

/* ---- as_clone: fork + child _exit(0) + waitpid, 1 MiB touched ------------ */
static void bench_as_clone(void)
{
	const uint64_t n = 2000;
	const size_t len = 1u << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = 1;
	uint64_t t0 = 0;
	for (uint64_t i = 0; i < n + n / 10; i++) {
		if (i == n / 10)
			t0 = now_ns();
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
	uint64_t dt = now_ns() - t0;
	munmap(p, len);
	report("as_clone", dt, n);
}

/* The POSIX workloads (tests/bench/posix/pbench.c), the same binary as on Skiff. */
static void
run_pbench(void)
{
	pid_t p = fork();

	if (p == 0) {
		execl("/pbench", "/pbench", (char *)NULL);
		_exit(127);
	}
	if (p > 0)
		waitpid(p, NULL, 0);
}

int main(int argc, char **argv)
{
	console_setup();
	if (argc > 1 && strcmp(argv[1], "boot_only") == 0) {
		/* Boot-time run: say so at once and power off. */
		say("\nlinux-booted\n");
		reboot(RB_POWER_OFF);
	}
	struct utsname u;
	uname(&u);
	/* The leading newline ends whatever the firmware left on the line. */
	say("\nlinux-config kernel=%s\n", u.release);
	say("linux-config smp=%ld\n", sysconf(_SC_NPROCESSORS_ONLN));

	bench_null_syscall();
	bench_pipe("ipc_roundtrip", 1, 20000);
	bench_pipe("ipc_roundtrip_4k", PAGE, 10000);
	bench_notify_wait();
	bench_page_fault();
	bench_as_clone();
	run_pbench();

	say("linux-done\n");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
