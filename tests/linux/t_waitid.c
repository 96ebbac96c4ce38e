/*
 * waitid as Linux does it (exited, killed, stopped and continued
 * children, WNOHANG, WNOWAIT, bad arguments) and statx next to stat.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

/* musl 1.2.3 has no statx wrapper: the layout the kernel writes. */
struct sx_time { long long sec; unsigned nsec; int r; };
struct sx {
	unsigned mask, blksize;
	unsigned long long attributes;
	unsigned nlink, uid, gid;
	unsigned short mode, pad;
	unsigned long long ino, size, blocks, amask;
	struct sx_time atime, btime, ctime, mtime;
	unsigned rdev_major, rdev_minor, dev_major, dev_minor;
	unsigned long long spare[14];
};

int
main(void)
{
	siginfo_t si;
	struct stat st;
	struct sx x;
	pid_t p;
	int fd;

	p = fork();
	if (p == 0)
		_exit(7);
	memset(&si, 0xff, sizeof(si));
	CHECK(waitid(P_PID, p, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == p &&
	    si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 7 &&
	    si.si_uid == getuid(), "waitid reports an exited child");
	CHECK(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == p && si.si_status == 7,
	    "WNOWAIT left it to be waited for again");
	CHECK(waitid(P_ALL, 0, &si, WEXITED) < 0 && errno == ECHILD, "then no child is left");

	p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	memset(&si, 0xff, sizeof(si));
	CHECK(waitid(P_PID, p, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0 &&
	    si.si_signo == 0, "WNOHANG with nothing ready gives 0 and a zero siginfo");
	kill(p, SIGSTOP);
	CHECK(waitid(P_PID, p, &si, WSTOPPED) == 0 && si.si_code == CLD_STOPPED &&
	    si.si_status == SIGSTOP, "a stopped child is reported with WSTOPPED");
	kill(p, SIGCONT);
	CHECK(waitid(P_PID, p, &si, WCONTINUED) == 0 && si.si_code == CLD_CONTINUED &&
	    si.si_status == SIGCONT, "a continued child is reported with WCONTINUED");
	kill(p, SIGKILL);
	CHECK(waitid(P_PGID, 0, &si, WEXITED) == 0 && si.si_pid == p &&
	    si.si_code == CLD_KILLED && si.si_status == SIGKILL,
	    "a killed child is reported with CLD_KILLED (P_PGID 0: our group)");
	CHECK(waitid(P_PID, 1234567, &si, 0) < 0 && errno == EINVAL,
	    "waitid without WEXITED, WSTOPPED or WCONTINUED is EINVAL");
	CHECK(waitid(P_PID, 0, &si, WEXITED) < 0 && errno == EINVAL, "P_PID 0 is EINVAL");
	CHECK(waitid(99, 0, &si, WEXITED) < 0 && errno == EINVAL, "an unknown idtype is EINVAL");

	fd = open("/tmp/t_waitid.f", O_WRONLY | O_CREAT | O_TRUNC, 0640);
	CHECK(fd >= 0 && write(fd, "12345", 5) == 5, "a file to look at");
	close(fd);
	memset(&x, 0, sizeof(x));
	CHECK(syscall(SYS_statx, AT_FDCWD, "/tmp/t_waitid.f", 0, 0x7ff, &x) == 0 &&
	    stat("/tmp/t_waitid.f", &st) == 0, "statx and stat of the file");
	CHECK((x.mask & 0x7ff) == 0x7ff && x.size == 5 && x.ino == st.st_ino &&
	    x.mode == st.st_mode && x.nlink == st.st_nlink && x.uid == st.st_uid &&
	    x.mtime.sec == st.st_mtim.tv_sec && x.mtime.nsec == (unsigned)st.st_mtim.tv_nsec &&
	    makedev(x.dev_major, x.dev_minor) == st.st_dev, "statx agrees with stat");
	CHECK(syscall(SYS_statx, AT_FDCWD, "/tmp/t_waitid.nope", 0, 0x7ff, &x) < 0 &&
	    errno == ENOENT, "statx of a missing file is ENOENT");
	CHECK(syscall(SYS_statx, AT_FDCWD, "/tmp/t_waitid.f", 0, 0x80000000u, &x) < 0 &&
	    errno == EINVAL, "statx with the reserved mask bit is EINVAL");
	CHECK(syscall(SYS_statx, AT_FDCWD, "/tmp/t_waitid.f", 0, 0x7ff, (void *)8) < 0 &&
	    errno == EFAULT, "statx into a bad buffer is EFAULT");
	unlink("/tmp/t_waitid.f");
	return CHECK_DONE();
}
