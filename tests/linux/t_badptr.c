/*
 * Bad pointers to file and process system calls fail with EFAULT and the
 * program goes on (and no server falls over: the last checks still work).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "check.h"

#define BAD	((void *)8)
#define KBAD	((void *)0xffff800000001000ul)

static char dummy[8];

static void *
buf_dummy(void)
{
	return dummy;
}

static int
efault(long r)
{
	return r == -1 && errno == EFAULT;
}

int
main(void)
{
	int fd = open("/tmp/t_badptr.dat", O_RDWR | O_CREAT | O_TRUNC, 0600), fds[2];
	struct stat st;

	CHECK(fd >= 0, "open a scratch file");
	CHECK(efault(syscall(SYS_open, BAD, O_RDONLY)), "open: bad path");
	CHECK(efault(syscall(SYS_open, KBAD, O_RDONLY)), "open: kernel-space path");
	CHECK(efault(syscall(SYS_write, fd, BAD, 16)), "write: bad buffer");
	CHECK(write(fd, "0123456789", 10) == 10, "write still works");
	lseek(fd, 0, SEEK_SET);
	CHECK(efault(syscall(SYS_read, fd, KBAD, 10)), "read: kernel-space buffer");
	CHECK(efault(syscall(SYS_stat, BAD, &st)), "stat: bad path");
	CHECK(efault(syscall(SYS_stat, "/tmp", BAD)), "stat: bad buffer");
	CHECK(efault(syscall(SYS_fstat, fd, BAD)), "fstat: bad buffer");
	CHECK(efault(syscall(SYS_getdents64, open("/tmp", O_RDONLY | O_DIRECTORY), BAD, 4096)),
	    "getdents64: bad buffer");
	CHECK(efault(syscall(SYS_readlink, "/proc/self/exe", BAD, 64)) ||
	    (syscall(SYS_readlink, "/proc/self/exe", BAD, 64) < 0),
	    "readlink: bad buffer");
	CHECK(efault(syscall(SYS_pipe, BAD)), "pipe: bad array");
	CHECK(efault(syscall(SYS_poll, BAD, 1, 0)), "poll: bad array");
	CHECK(efault(syscall(SYS_getcwd, BAD, 128)), "getcwd: bad buffer");
	CHECK(efault(syscall(SYS_uname, BAD)), "uname: bad buffer");
	CHECK(efault(syscall(SYS_mkdir, BAD, 0700)), "mkdir: bad path");
	CHECK(efault(syscall(SYS_unlink, BAD)), "unlink: bad path");
	CHECK(efault(syscall(SYS_rename, BAD, "/tmp/x")), "rename: bad path");
	CHECK(efault(syscall(SYS_chdir, BAD)), "chdir: bad path");
	CHECK(efault(syscall(SYS_execve, BAD, NULL, NULL)), "execve: bad path");
	CHECK(efault(syscall(SYS_clock_gettime, 0, BAD)), "clock_gettime: bad buffer");
	CHECK(efault(syscall(SYS_clock_settime, 0, BAD)), "clock_settime: bad time");
	CHECK(efault(syscall(SYS_settimeofday, BAD, NULL)), "settimeofday: bad time");
	CHECK(efault(syscall(SYS_gettimeofday, BAD, NULL)), "gettimeofday: bad buffer");
	CHECK(efault(syscall(SYS_nanosleep, BAD, NULL)), "nanosleep: bad time");
	CHECK(efault(syscall(SYS_statx, AT_FDCWD, BAD, 0, 0x7ff, buf_dummy())), "statx: bad path");
	CHECK(efault(syscall(SYS_getgroups, 4, BAD)) || syscall(SYS_getgroups, 0, NULL) == 0,
	    "getgroups: bad list");
	CHECK(efault(syscall(SYS_setgroups, 1, BAD)), "setgroups: bad list");
	CHECK(efault(syscall(SYS_wait4, -1, BAD, 0, NULL)) || errno == ECHILD, "wait4: bad status");
	CHECK(efault(syscall(SYS_fcntl, fd, F_SETLK, BAD)), "fcntl F_SETLK: bad struct flock");
	CHECK(efault(syscall(SYS_fcntl, fd, F_GETLK, KBAD)), "fcntl F_GETLK: kernel-space flock");
	CHECK(efault(syscall(SYS_getrandom, BAD, 16, 0)), "getrandom: bad buffer");
	CHECK(efault(syscall(SYS_sched_getaffinity, 0, 128, BAD)), "sched_getaffinity: bad mask");
	CHECK(syscall(SYS_read, 12345, buf_dummy(), 1) < 0 && errno == EBADF, "read: bad descriptor");
	CHECK(pipe(fds) == 0 && write(fds[1], "ok", 2) == 2, "pipes still work afterwards");
	CHECK(stat("/tmp/t_badptr.dat", &st) == 0 && st.st_size == 10, "the file system still works");
	unlink("/tmp/t_badptr.dat");
	return CHECK_DONE();
}
