/*
 * Memory: anonymous private and shared mappings (shared survives fork),
 * file-backed private mappings, mprotect, munmap, brk growth, mremap.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "check.h"

int
main(void)
{
	char *p, *q;
	int fd, st;
	pid_t pid;

	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && p[4096] == 0, "anonymous memory is zero");
	p[0] = 1;
	CHECK(munmap(p, 1 << 20) == 0, "munmap");

	q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid = fork();
	if (pid == 0) {
		q[0] = 'S';
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK(q[0] == 'S', "a shared mapping is shared with the child");

	fd = open("/tmp/t_mmap.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(fd, "file contents", 13);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED && memcmp(p, "file contents", 13) == 0, "a private file mapping");
	p[0] = 'F';
	char c;
	pread(fd, &c, 1, 0);
	CHECK(c == 'f', "writing a private mapping leaves the file alone");
	close(fd);
	unlink("/tmp/t_mmap.dat");

	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 'M';
	p = mremap(p, 8192, 65536, MREMAP_MAYMOVE);
	CHECK(p != MAP_FAILED && p[0] == 'M' && (p[65535] = 1) == 1, "mremap grows a mapping");
	CHECK(mprotect(p, 4096, PROT_READ) == 0, "mprotect");

	char *b = (char *)syscall(SYS_brk, 0);
	CHECK((char *)syscall(SYS_brk, b + 65536) == b + 65536 && (b[100] = 1) == 1,
	    "brk grows the heap");
	char *big = malloc(1 << 22);
	CHECK(big != NULL && (big[(1 << 22) - 1] = 2) == 2, "a large malloc");
	return CHECK_DONE();
}
