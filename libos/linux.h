/*
 * The parts of the Linux x86-64 system call ABI the library OS speaks:
 * call numbers, errno values and the structures it fills in. The numbers
 * are the kernel's published ABI.
 */
#ifndef LIBOS_LINUX_H
#define LIBOS_LINUX_H

#include <stdint.h>

/* errno values */
#define L_EPERM		1
#define L_ENOENT	2
#define L_ESRCH		3
#define L_EINTR		4
#define L_EIO		5
#define L_EBADF		9
#define L_ECHILD	10
#define L_EAGAIN	11
#define L_ENOMEM	12
#define L_EACCES	13
#define L_EFAULT	14
#define L_EEXIST	17
#define L_ENODEV	19
#define L_ENOTDIR	20
#define L_EISDIR	21
#define L_EINVAL	22
#define L_EMFILE	24
#define L_ENOTTY	25
#define L_ENOSPC	28
#define L_ESPIPE	29
#define L_EPIPE		32
#define L_ERANGE	34
#define L_ENAMETOOLONG	36
#define L_ENOLCK	37
#define L_ENOSYS	38
#define L_ENOTEMPTY	39
#define L_ELOOP		40
#define L_ENXIO		6
#define L_E2BIG		7
#define L_ENOEXEC	8
#define L_EXDEV		18
#define L_ENFILE	23
#define L_ETXTBSY	26
#define L_EFBIG		27
#define L_EROFS		30
#define L_EMLINK	31
#define L_EOPNOTSUPP	95
#define L_EBUSY		16

/* The Linux system call names by number, for the log and strace. */
#define LINUX_SYSCALLS(X) \
	X(read, 0) X(write, 1) X(open, 2) X(close, 3) X(stat, 4) X(fstat, 5) \
	X(lstat, 6) X(poll, 7) X(lseek, 8) X(mmap, 9) X(mprotect, 10) \
	X(munmap, 11) X(brk, 12) X(rt_sigaction, 13) X(rt_sigprocmask, 14) \
	X(rt_sigreturn, 15) X(ioctl, 16) X(pread64, 17) X(pwrite64, 18) \
	X(readv, 19) X(writev, 20) X(access, 21) X(pipe, 22) X(select, 23) \
	X(sched_yield, 24) X(mremap, 25) X(madvise, 28) X(dup, 32) X(dup2, 33) \
	X(nanosleep, 35) X(getitimer, 36) X(alarm, 37) X(setitimer, 38) \
	X(getpid, 39) X(sendfile, 40) X(clone, 56) X(fork, 57) X(vfork, 58) \
	X(execve, 59) X(exit, 60) X(wait4, 61) X(kill, 62) X(uname, 63) \
	X(fcntl, 72) X(flock, 73) X(fsync, 74) X(truncate, 76) X(ftruncate, 77) \
	X(getdents, 78) X(getcwd, 79) X(chdir, 80) X(fchdir, 81) X(rename, 82) \
	X(mkdir, 83) X(rmdir, 84) X(creat, 85) X(link, 86) X(unlink, 87) \
	X(symlink, 88) X(readlink, 89) X(chmod, 90) X(fchmod, 91) X(chown, 92) \
	X(fchown, 93) X(lchown, 94) X(umask, 95) X(gettimeofday, 96) \
	X(getrlimit, 97) X(getrusage, 98) X(sysinfo, 99) X(times, 100) \
	X(getuid, 102) X(getgid, 104) X(setuid, 105) X(setgid, 106) \
	X(geteuid, 107) X(getegid, 108) X(setpgid, 109) X(getppid, 110) \
	X(getpgrp, 111) X(setsid, 112) X(setreuid, 113) X(setregid, 114) \
	X(getgroups, 115) X(setgroups, 116) X(setresuid, 117) X(getresuid, 118) \
	X(setresgid, 119) X(getresgid, 120) X(getpgid, 121) X(getsid, 124) \
	X(rt_sigpending, 127) X(rt_sigsuspend, 130) X(sigaltstack, 131) \
	X(mknod, 133) X(statfs, 137) X(fstatfs, 138) X(prctl, 157) \
	X(arch_prctl, 158) X(setrlimit, 160) X(sync, 162) X(settimeofday, 164) X(gettid, 186) \
	X(time, 201) X(futex, 202) X(sched_getaffinity, 204) \
	X(getdents64, 217) X(set_tid_address, 218) X(clock_settime, 227) \
	X(clock_gettime, 228) X(clock_getres, 229) X(clock_nanosleep, 230) \
	X(exit_group, 231) X(tgkill, 234) X(waitid, 247) X(openat, 257) \
	X(mkdirat, 258) X(fchownat, 260) X(newfstatat, 262) X(unlinkat, 263) \
	X(renameat, 264) X(linkat, 265) X(symlinkat, 266) X(readlinkat, 267) \
	X(fchmodat, 268) X(faccessat, 269) X(pselect6, 270) X(ppoll, 271) \
	X(set_robust_list, 273) X(utimensat, 280) X(dup3, 292) X(pipe2, 293) \
	X(prlimit64, 302) X(renameat2, 316) X(getrandom, 318) X(statx, 332) \
	X(rseq, 334) X(clone3, 435) X(faccessat2, 439) X(mknodat, 259) \
	X(fdatasync, 75) X(pause, 34) X(execveat, 322) X(tkill, 200) \
	X(reboot, 169)

enum {
#define LINUX_NR(name, nr) L_SYS_##name = nr,
	LINUX_SYSCALLS(LINUX_NR)
#undef LINUX_NR
	L_SYS_MAX = 512
};

/* arch_prctl codes */
#define L_ARCH_SET_GS	0x1001
#define L_ARCH_SET_FS	0x1002
#define L_ARCH_GET_FS	0x1003
#define L_ARCH_GET_GS	0x1004

/* mmap */
#define L_PROT_READ	1
#define L_PROT_WRITE	2
#define L_PROT_EXEC	4
#define L_MAP_SHARED	0x01
#define L_MAP_PRIVATE	0x02
#define L_MAP_FIXED	0x10
#define L_MAP_ANONYMOUS	0x20
#define L_MAP_FIXED_NOREPLACE 0x100000

/* open, fcntl, *at */
#define L_AT_FDCWD		(-100)
#define L_AT_SYMLINK_NOFOLLOW	0x100
#define L_AT_REMOVEDIR		0x200
#define L_AT_EACCESS		0x200
#define L_AT_SYMLINK_FOLLOW	0x400
#define L_AT_EMPTY_PATH		0x1000
#define L_O_CLOEXEC		02000000
#define L_F_DUPFD		0
#define L_F_GETFD		1
#define L_F_SETFD		2
#define L_F_GETFL		3
#define L_F_SETFL		4
#define L_F_GETLK		5
#define L_F_SETLK		6
#define L_F_SETLKW		7
#define L_F_DUPFD_CLOEXEC	1030
#define L_FD_CLOEXEC		1

/* struct stat of x86-64 */
struct l_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, _pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t _unused[3];
};
_Static_assert(sizeof(struct l_stat) == 144, "struct stat layout");

struct l_statx_time {
	int64_t sec;
	uint32_t nsec;
	int32_t _reserved;
};

struct l_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, _spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct l_statx_time atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t _spare3[12];
};
_Static_assert(sizeof(struct l_statx) == 256, "struct statx layout");
_Static_assert(__builtin_offsetof(struct l_statx, atime) == 64, "statx atime");
_Static_assert(__builtin_offsetof(struct l_statx, rdev_major) == 128, "statx rdev");

struct l_statfs {
	int64_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	int64_t namelen, frsize, flags, spare[4];
};
_Static_assert(sizeof(struct l_statfs) == 120, "struct statfs layout");

struct l_pollfd {
	int32_t fd;
	int16_t events, revents;
};

struct l_timespec {
	int64_t sec, nsec;
};

struct l_iovec {
	uint64_t base;
	uint64_t len;
};

struct l_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	    domainname[65];
};

struct l_rlimit {
	uint64_t cur, max;
};

#endif
