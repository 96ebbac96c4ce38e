/*
 * Advisory locks as Linux keeps them: fcntl record locks conflict between
 * processes, F_GETLK names the holder, closing any descriptor of the file
 * drops the process's locks, F_SETLKW waits; flock locks belong to the
 * open file (shared across fork), conflict through another open, and do
 * not meet record locks.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define F "/tmp/t_lock.f"

static int
setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &l);
}

/* Run fn in a child; its exit status. */
static int
child(int (*fn)(int), int arg)
{
	int st;
	pid_t p = fork();

	if (p == 0)
		_exit(fn(arg));
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static int
conflicts(int fd)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1 };

	if (setlk(fd, F_SETLK, F_WRLCK, 0, 10) == 0 || (errno != EAGAIN && errno != EACCES))
		return 1;
	if (setlk(fd, F_SETLK, F_RDLCK, 0, 10) == 0)
		return 2;
	if (fcntl(fd, F_GETLK, &l) < 0 || l.l_type != F_WRLCK || l.l_pid != getppid() ||
	    l.l_start != 0 || l.l_len != 10)
		return 3;
	if (setlk(fd, F_SETLK, F_WRLCK, 10, 10) < 0)
		return 4;
	return 0;
}

static int
free_now(int fd)
{
	return setlk(fd, F_SETLK, F_WRLCK, 0, 10) == 0 ? 0 : 1;
}

static int
waits(int fd)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	if (setlk(fd, F_SETLKW, F_WRLCK, 0, 1) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 >= 100 ? 0 : 2;
}

static int
flock_other_open(int fd)
{
	int g = open(F, O_RDWR);

	if (g < 0)
		return 1;
	if (flock(g, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK)
		return 2;
	if (flock(g, LOCK_SH | LOCK_NB) == 0)
		return 3;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)	/* the inherited open file: ours too */
		return 4;
	if (setlk(g, F_SETLK, F_WRLCK, 0, 0) < 0)	/* record locks do not meet flock */
		return 5;
	return 0;
}

int
main(void)
{
	int fd = open(F, O_RDWR | O_CREAT | O_TRUNC, 0600), fd2;
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	pid_t p;

	CHECK(fd >= 0 && write(fd, "0123456789abcdef", 16) == 16, "a file to lock");
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 10) == 0, "a write lock on bytes 0-9");
	CHECK(fcntl(fd, F_GETLK, &l) == 0 && l.l_type == F_UNLCK,
	    "F_GETLK sees no conflict with our own lock");
	CHECK(child(conflicts, fd) == 0, "another process conflicts and F_GETLK names us");
	fd2 = open(F, O_RDONLY);
	close(fd2);
	CHECK(child(free_now, fd) == 0, "closing any descriptor of the file dropped our locks");

	CHECK(setlk(fd, F_SETLK, F_WRLCK, 0, 1) == 0, "lock byte 0 again");
	p = fork();
	if (p == 0)
		_exit(waits(fd));
	usleep(200000);
	setlk(fd, F_SETLK, F_UNLCK, 0, 0);
	{
		int st;

		waitpid(p, &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "F_SETLKW waits until the holder unlocks");
	}
	CHECK(setlk(fd, F_SETLK, 7, 0, 1) < 0 && errno == EINVAL, "a bad lock type is EINVAL");
	CHECK(fcntl(fd, F_SETLK, (void *)8) < 0 && errno == EFAULT, "a bad struct flock is EFAULT");

	CHECK(flock(fd, LOCK_EX) == 0, "flock LOCK_EX");
	CHECK(child(flock_other_open, fd) == 0,
	    "flock: another open conflicts, the shared one does not, record locks are apart");
	CHECK(flock(fd, LOCK_UN) == 0 && flock(fd, 0) < 0 && errno == EINVAL,
	    "flock LOCK_UN, and a bad operation is EINVAL");
	close(fd);
	unlink(F);
	return CHECK_DONE();
}
