/*
 * fork, vfork, exec and wait as Linux does them: statuses, WNOHANG,
 * memory separation after fork and sharing under vfork, descriptors
 * shared across fork (one file offset), close-on-exec.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

int
main(int argc, char **argv)
{
	int st, fds[2];
	pid_t p;
	volatile int shared = 0;
	char buf[16];

	if (argc > 1 && strcmp(argv[1], "exit3") == 0)
		return 3;
	if (argc > 1 && strcmp(argv[1], "fdcheck") == 0)
		return fcntl(atoi(argv[2]), F_GETFD) < 0 && errno == EBADF ? 0 : 1;

	p = fork();
	if (p == 0)
		_exit(42);
	CHECK(p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	    "fork and wait give the exit status");

	int x = 1;
	p = fork();
	if (p == 0) {
		x = 2;
		_exit(x);
	}
	waitpid(p, &st, 0);
	CHECK(x == 1 && WEXITSTATUS(st) == 2, "fork copies memory");

	p = vfork();
	if (p == 0) {
		shared = 7;
		_exit(0);
	}
	waitpid(p, &st, 0);
	CHECK(shared == 7, "vfork shares memory until exit");

	p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	CHECK(waitpid(p, &st, WNOHANG) == 0, "WNOHANG returns 0 while the child runs");
	kill(p, SIGTERM);
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	    "a child killed by SIGTERM reports it");

	CHECK(waitpid(-1, &st, 0) < 0 && errno == ECHILD, "no children gives ECHILD");

	p = fork();
	if (p == 0) {
		execl(argv[0], argv[0], "exit3", (char *)NULL);
		_exit(99);
	}
	waitpid(p, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "exec runs the new program");

	p = vfork();
	if (p == 0) {
		execl("/nonexistent/program", "x", (char *)NULL);
		shared = errno;
		_exit(127);
	}
	waitpid(p, &st, 0);
	CHECK(shared == ENOENT && WEXITSTATUS(st) == 127, "a failed exec in a vfork child");

	pipe(fds);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	snprintf(buf, sizeof(buf), "%d", fds[0]);
	p = fork();
	if (p == 0) {
		execl(argv[0], argv[0], "fdcheck", buf, (char *)NULL);
		_exit(99);
	}
	waitpid(p, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "close-on-exec closes at exec");
	close(fds[0]);
	close(fds[1]);

	int fd = open("/tmp/t_proc.off", O_RDWR | O_CREAT | O_TRUNC, 0600);
	p = fork();
	if (p == 0) {
		write(fd, "abc", 3);
		_exit(0);
	}
	waitpid(p, &st, 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 3, "fork shares the file offset");
	close(fd);
	unlink("/tmp/t_proc.off");

	CHECK(getppid() > 0 && getpid() != getppid(), "getpid and getppid");

	/* An orphan sees its new parent (ppid changes under a cached value). */
	if (pipe(fds) == 0 && (p = fork()) == 0) {
		pid_t mid = getpid();

		if (fork() == 0) {
			int n = 0;

			while (getppid() == mid && n++ < 3000)
				usleep(10000);
			buf[0] = getppid() != mid ? 'y' : 'n';
			write(fds[1], buf, 1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(p, &st, 0);
	close(fds[1]);
	CHECK(read(fds[0], buf, 1) == 1 && buf[0] == 'y', "an orphan's getppid names its new parent");
	close(fds[0]);

	/* A parent moves its child into a new group; the child sees it. */
	if (pipe(fds) == 0 && (p = fork()) == 0) {
		(void)getpgrp();	/* cache it, if anything caches */
		read(fds[0], buf, 1);
		_exit(getpgrp() == getpid() && getpgid(0) == getpid() ? 0 : 1);
	}
	setpgid(p, p);
	write(fds[1], "g", 1);
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "a child sees the group its parent put it in");
	close(fds[0]);
	close(fds[1]);
	return CHECK_DONE();
}
