/*
 * Pipes with POSIX semantics: data in order, EOF when writers are gone,
 * EPIPE and SIGPIPE without readers, O_NONBLOCK and EAGAIN, poll.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

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
	return CHECK_DONE();
}
