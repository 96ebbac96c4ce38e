/*
 * Signals as Linux delivers them: handlers with siginfo, masks and
 * pending signals, SA_RESTART, EINTR, sigsuspend, SIGCHLD, alarm.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t got, got_chld, info_pid;

static void
on_usr1(int s, siginfo_t *si, void *uc)
{
	got = s;
	info_pid = si->si_pid;
}

static void
on_chld(int s)
{
	got_chld = 1;
}

static void
on_alrm(int s)
{
	got = s;
}

int
main(void)
{
	struct sigaction sa;
	sigset_t set, old;
	pid_t p;
	int st, fds[2];
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	CHECK(got == SIGUSR1 && info_pid == getpid(), "a handler runs with siginfo");

	got = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	CHECK(got == 0, "a blocked signal waits");
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK(got == SIGUSR1, "unblocking delivers it");

	got = 0;
	sigprocmask(SIG_BLOCK, &set, &old);
	p = fork();
	if (p == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigsuspend(&old);
	CHECK(got == SIGUSR1, "sigsuspend waits for a signal from a child");
	sigprocmask(SIG_SETMASK, &old, NULL);
	waitpid(p, &st, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	p = fork();
	if (p == 0)
		_exit(0);
	while (!got_chld)
		usleep(1000);
	waitpid(p, &st, 0);
	CHECK(got_chld, "SIGCHLD reaches the parent");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alrm;
	sigaction(SIGALRM, &sa, NULL);
	got = 0;
	pipe(fds);
	alarm(1);
	CHECK(read(fds[0], &c, 1) < 0 && errno == EINTR && got == SIGALRM,
	    "alarm interrupts a blocked read with EINTR");

	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	p = fork();
	if (p == 0) {
		sleep(2);
		write(fds[1], "x", 1);
		_exit(0);
	}
	got = 0;
	alarm(1);
	CHECK(read(fds[0], &c, 1) == 1 && got == SIGALRM, "SA_RESTART restarts the read");
	waitpid(p, &st, 0);

	signal(SIGUSR2, SIG_IGN);
	kill(getpid(), SIGUSR2);
	CHECK(1, "an ignored signal does nothing");

	p = fork();
	if (p == 0) {
		signal(SIGTERM, SIG_DFL);
		for (;;)
			pause();
	}
	usleep(100000);
	kill(p, SIGTERM);
	waitpid(p, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "default action terminates");
	return CHECK_DONE();
}
