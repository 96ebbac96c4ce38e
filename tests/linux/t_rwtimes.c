/*
 * Reads and writes of a regular file and its time stamps: short reads at
 * the end, holes read as zeros, O_APPEND writes at the end whatever the
 * offset, reads from a directory fail with EISDIR, mtime and ctime move
 * with a write, and atime with a read by the relatime rule (a read moves
 * it when it is not later than mtime or ctime, a second read without a
 * change leaves it).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

/* Long enough for the coarsest file time clock (Linux: one tick). */
static void
pause_a_bit(void)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static int
later(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

static int
same(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

int
main(void)
{
	const char *path = "/tmp/t_rwtimes.dat";
	char buf[64], zero[16];
	struct stat s1, s2, s3, s4;
	DIR *d;
	int fd, afd, i, ok;

	memset(zero, 0, sizeof(zero));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0, "open a scratch file");
	CHECK(pwrite(fd, "hello", 5, 0) == 5, "pwrite 5 bytes");
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5 && memcmp(buf, "hello", 5) == 0,
	    "pread past the end is short");
	CHECK(pread(fd, buf, sizeof(buf), 5) == 0, "pread at the end reads nothing");
	CHECK(pread(fd, buf, sizeof(buf), 1000) == 0, "pread past the end reads nothing");
	CHECK(pwrite(fd, "x", 1, 40) == 1, "pwrite past the end");
	CHECK(pread(fd, buf, sizeof(buf), 0) == 41, "the size covers the hole");
	CHECK(memcmp(buf + 5, zero, 16) == 0 && memcmp(buf + 21, zero, 16) == 0 &&
	    buf[40] == 'x', "the hole reads as zeros");

	afd = open(path, O_WRONLY | O_APPEND);
	CHECK(afd >= 0, "open with O_APPEND");
	CHECK(write(afd, "ab", 2) == 2, "append 2 bytes");
	CHECK(pwrite(afd, "cd", 2, 0) == 2, "pwrite with O_APPEND");
	CHECK(fstat(fd, &s1) == 0 && s1.st_size == 45, "O_APPEND writes at the end");
	CHECK(pread(fd, buf, 4, 41) == 4 && memcmp(buf, "abcd", 4) == 0,
	    "the appended bytes are in order");
	CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0,
	    "O_APPEND left the start alone");
	CHECK(read(afd, buf, 1) == -1 && errno == EBADF, "no read on a write-only file");
	close(afd);

	pause_a_bit();
	CHECK(pwrite(fd, "H", 1, 0) == 1, "a write");
	CHECK(fstat(fd, &s1) == 0 && later(s1.st_mtim, s1.st_atim) &&
	    same(s1.st_mtim, s1.st_ctim), "a write moves mtime and ctime");
	pause_a_bit();
	CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == 'H', "a read after the write");
	CHECK(fstat(fd, &s2) == 0 && later(s2.st_atim, s1.st_mtim) &&
	    same(s2.st_mtim, s1.st_mtim), "a read after a change moves atime only");
	pause_a_bit();
	CHECK(pread(fd, buf, 1, 0) == 1, "a second read");
	CHECK(fstat(fd, &s3) == 0 && same(s3.st_atim, s2.st_atim),
	    "a second read without a change leaves atime");
	pause_a_bit();
	CHECK(pwrite(fd, "h", 1, 0) == 1, "another write");
	CHECK(fstat(fd, &s4) == 0 && later(s4.st_mtim, s3.st_atim) &&
	    same(s4.st_atim, s3.st_atim), "a write moves mtime, not atime");
	close(fd);
	CHECK(unlink(path) == 0, "remove the scratch file");

	CHECK(mkdir("/tmp/t_rwtimes.d", 0700) == 0, "make a directory");
	fd = open("/tmp/t_rwtimes.d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0, "open the directory");
	CHECK(read(fd, buf, sizeof(buf)) == -1 && errno == EISDIR, "read of a directory: EISDIR");
	close(fd);
	pause_a_bit();
	fd = open("/tmp/t_rwtimes.d/f", O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0, "a file in the directory");
	close(fd);
	CHECK(stat("/tmp/t_rwtimes.d", &s1) == 0 && later(s1.st_mtim, s1.st_atim),
	    "an entry made moves the directory's mtime");
	pause_a_bit();
	ok = (d = opendir("/tmp/t_rwtimes.d")) != NULL;
	for (i = 0; ok && readdir(d) != NULL; i++)
		;
	if (d != NULL)
		closedir(d);
	CHECK(ok && i == 3, "list the directory");
	CHECK(stat("/tmp/t_rwtimes.d", &s2) == 0 && later(s2.st_atim, s1.st_mtim),
	    "listing a changed directory moves its atime");
	CHECK(unlink("/tmp/t_rwtimes.d/f") == 0 && rmdir("/tmp/t_rwtimes.d") == 0,
	    "remove the directory");
	return CHECK_DONE();
}
