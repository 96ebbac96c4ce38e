/*
 * POSIX's orphaned process groups: when a process's exit leaves a group
 * with a stopped member without a parent in another group of the
 * session, every member gets SIGHUP and then SIGCONT.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static int hup_fd;

static void
on_hup(int s)
{
	write(hup_fd, "h", 1);
}

int
main(void)
{
	int fds[2], st;
	char c = 0;
	pid_t a, b;

	CHECK(pipe(fds) == 0, "a pipe to hear from the grandchild");
	hup_fd = fds[1];
	a = fork();
	if (a == 0) {
		b = fork();
		if (b == 0) {
			signal(SIGHUP, on_hup);
			setpgid(0, 0);		/* a group of its own, tied to us by a */
			raise(SIGSTOP);
			write(hup_fd, "c", 1);	/* continued after the hang-up */
			_exit(0);
		}
		setpgid(b, b);
		if (waitpid(b, &st, WUNTRACED) != b || !WIFSTOPPED(st))
			_exit(2);
		_exit(0);		/* b's group is orphaned now, with b stopped */
	}
	CHECK(waitpid(a, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the middle process saw its child stop and ended");
	close(fds[1]);
	CHECK(read(fds[0], &c, 1) == 1 && c == 'h', "the stopped orphan got SIGHUP");
	CHECK(read(fds[0], &c, 1) == 1 && c == 'c', "and SIGCONT after it");
	return CHECK_DONE();
}
