/*
 * pbench: the POSIX workloads of `make bench`, one static musl program run
 * unchanged on Skiff and on Debian's Linux kernel in the same QEMU under
 * `-icount shift=0` (one guest instruction per virtual nanosecond), so
 * CLOCK_MONOTONIC ns per operation is instructions per operation. Prints
 * `posix <name> <instr-per-op>` per figure and `posix-done`.
 *
 * Workloads: getppid; a one-byte pipe round trip between two processes;
 * fork+exit+wait; fork+exec+wait (of this program, which exits at once);
 * create+write 4 KiB+close+unlink; stat; write and read back 4 KiB.
 * Each runs a warm-up of a tenth of its iterations first.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *self;

static unsigned long long
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void
report(const char *name, unsigned long long dt, long n)
{
	printf("posix %s %llu\n", name, dt / (unsigned long long)n);
	fflush(stdout);
}

#define TIMED(name, n, body) do { \
	for (long _i = 0; _i < (n) / 10; _i++) { body; } \
	unsigned long long _t = now(); \
	for (long _i = 0; _i < (n); _i++) { body; } \
	report(name, now() - _t, (n)); \
} while (0)

static void
pipe_roundtrip(long n)
{
	int a[2], b[2];
	char c = 'x';
	pid_t p;

	if (pipe(a) < 0 || pipe(b) < 0)
		return;
	if ((p = fork()) == 0) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1 && write(b[1], &c, 1) == 1)
			;
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	TIMED("pipe_roundtrip", n, { write(a[1], &c, 1); read(b[0], &c, 1); });
	close(a[1]);
	waitpid(p, NULL, 0);
	close(b[0]);
}

int
main(int argc, char **argv)
{
	static char buf[4096];
	struct stat st;
	int fd;

	if (argc > 1 && strcmp(argv[1], "exit") == 0)
		return 0;
	self = argv[0];
	mkdir("/tmp", 01777);
	memset(buf, 'b', sizeof(buf));
	TIMED("getppid", 20000, getppid());
	pipe_roundtrip(5000);
	TIMED("fork_exit_wait", 200, {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	});
	TIMED("fork_exec_wait", 50, {
		pid_t p = fork();
		if (p == 0) {
			execl(self, self, "exit", (char *)NULL);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	});
	TIMED("create_write4k_unlink", 1000, {
		fd = open("/tmp/pbench.f", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		write(fd, buf, sizeof(buf));
		close(fd);
		unlink("/tmp/pbench.f");
	});
	fd = open("/tmp/pbench.g", O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(fd, buf, sizeof(buf));
	TIMED("stat", 5000, stat("/tmp/pbench.g", &st));
	TIMED("write_read4k", 5000, {
		pwrite(fd, buf, sizeof(buf), 0);
		pread(fd, buf, sizeof(buf), 0);
	});
	close(fd);
	unlink("/tmp/pbench.g");
	printf("posix-done\n");
	return 0;
}
