/*
 * Pipes with POSIX semantics: data in order, EOF when writers are gone,
 * EPIPE and SIGPIPE without readers, O_NONBLOCK and EAGAIN, poll, bad
 * buffers, blocked readers and writers in several processes, signals
 * during a blocked read.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define BADPTR	((void *)8)

static void
on_alarm(int s)
{
	(void)s;
}

/* A blocked read ends in EINTR, or goes on with SA_RESTART. */
static void
blocked_read_and_signals(void)
{
	struct sigaction sa;
	int fds[2], st;
	char c = 0;
	pid_t p;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	pipe(fds);
	alarm(1);
	n = read(fds[0], &c, 1);
	CHECK(n < 0 && errno == EINTR, "a signal ends a blocked read with EINTR");
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	p = fork();
	if (p == 0) {
		usleep(1500000);
		write(fds[1], "r", 1);
		_exit(0);
	}
	alarm(1);
	n = read(fds[0], &c, 1);
	CHECK(n == 1 && c == 'r', "SA_RESTART: the blocked read goes on and gets data");
	waitpid(p, &st, 0);
	close(fds[0]);
	close(fds[1]);
}

/* Two processes blocked reading one pipe end, a writer blocked on a full pipe. */
static void
blocked_in_several_processes(void)
{
	static char big[65536 + 100];
	int fds[2], res[2], st, ok = 1;
	pid_t p[2];
	char c;

	pipe(fds);
	pipe(res);
	for (int i = 0; i < 2; i++)
		if ((p[i] = fork()) == 0) {
			close(res[0]);
			if (read(fds[0], &c, 1) != 1)
				_exit(1);
			write(res[1], &c, 1);
			_exit(0);
		}
	close(res[1]);
	usleep(200000);
	write(fds[1], "a", 1);
	usleep(100000);
	write(fds[1], "b", 1);
	for (int i = 0; i < 2; i++) {
		waitpid(p[i], &st, 0);
		ok = ok && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	char got[3] = { 0 };
	ok = ok && read(res[0], got, 2) == 2;
	CHECK(ok && ((got[0] == 'a' && got[1] == 'b') || (got[0] == 'b' && got[1] == 'a')),
	    "two processes blocked on one read end each get a byte");
	close(res[0]);

	p[0] = fork();
	if (p[0] == 0) {
		memset(big, 'w', sizeof(big));
		_exit(write(fds[1], big, sizeof(big)) == (ssize_t)sizeof(big) ? 0 : 1);
	}
	usleep(200000);
	size_t total = 0;
	ssize_t n;
	while (total < sizeof(big) && (n = read(fds[0], big, 4096)) > 0)
		total += (size_t)n;
	waitpid(p[0], &st, 0);
	CHECK(total == sizeof(big) && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "a writer blocked on a full pipe finishes as the reader drains it");
	close(fds[0]);
	close(fds[1]);
}

int
main(void)
{
	int fds[2], st;
	char buf[70000];
	pid_t p;
	ssize_t n, total = 0;
	struct pollfd pf;

	CHECK(pipe(fds) == 0, "pipe");
	write(fds[1], "hello", 5);
	CHECK(read(fds[0], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0,
	    "read gets what was written");
	p = fork();
	if (p == 0) {
		close(fds[0]);
		memset(buf, 'z', 65536);
		write(fds[1], buf, 65536);
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		total += n;
	CHECK(total == 65536 && n == 0, "a big write arrives whole, then EOF");
	waitpid(p, &st, 0);
	close(fds[0]);

	pipe(fds);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK(write(fds[1], "x", 1) < 0 && errno == EPIPE, "EPIPE without readers");
	close(fds[1]);

	pipe(fds);
	p = fork();
	if (p == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(fds[0]);
		usleep(100000);
		write(fds[1], "x", 1);
		_exit(0);
	}
	close(fds[0]);
	close(fds[1]);
	waitpid(p, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "SIGPIPE kills a writer");

	pipe(fds);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	CHECK(read(fds[0], buf, 1) < 0 && errno == EAGAIN, "O_NONBLOCK read gives EAGAIN");
	pf.fd = fds[0];
	pf.events = POLLIN;
	CHECK(poll(&pf, 1, 0) == 0, "poll: nothing to read");
	write(fds[1], "y", 1);
	CHECK(poll(&pf, 1, 1000) == 1 && (pf.revents & POLLIN), "poll: readable");
	close(fds[0]);
	close(fds[1]);

	pipe(fds);
	write(fds[1], "kept", 4);
	errno = 0;
	CHECK(syscall(SYS_read, fds[0], BADPTR, 4) < 0 && errno == EFAULT,
	    "read into a bad buffer: EFAULT");
	CHECK(read(fds[0], buf, sizeof(buf)) == 4 && memcmp(buf, "kept", 4) == 0,
	    "the data is still there after EFAULT");
	errno = 0;
	CHECK(syscall(SYS_write, fds[1], BADPTR, 4) < 0 && errno == EFAULT,
	    "write from a bad buffer: EFAULT");
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	CHECK(read(fds[0], buf, sizeof(buf)) < 0 && errno == EAGAIN,
	    "nothing was written from the bad buffer");
	close(fds[0]);
	close(fds[1]);

	blocked_in_several_processes();
	blocked_read_and_signals();
	return CHECK_DONE();
}
