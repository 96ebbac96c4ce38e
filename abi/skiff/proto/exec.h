/*
 * The start of a Linux process: what the loader (lib/sk/exec_linux.c, run
 * by whoever creates the process) hands the library OS of the new process.
 * The new thread starts at the libos entry with RDI = the user address of
 * a struct sk_exec_start, which lies below the program's initial stack
 * (the program may overwrite it once it runs, so the libos copies it).
 * Handles named in it have been given to the new process by its creator;
 * their values are the new process's.
 */
#ifndef SKIFF_PROTO_EXEC_H
#define SKIFF_PROTO_EXEC_H

#include <stdint.h>
#include "abi/skiff/timepage.h"

#define SK_EXEC_MAGIC		0x3130434558454b53ull	/* "SKEXEC01" */

/* Where the pieces of a Linux process live. */
/*
 * The libos image sits below 2 GiB so that it links with the small code
 * model like every other native program, and above the 1 GiB a program
 * linked at the usual 4 MiB may grow its heap (brk) by. Maps without a
 * fixed address go above 4 GiB (the kernel's choice).
 */
#define SK_LIBOS_BASE		0x0000000070000000ull
#define SK_LINUX_STACK_TOP	0x00007ffffffff000ull
#define SK_LINUX_STACK_SIZE	(8ull << 20)		/* allocated lazily */

/* Handles a Linux process holds besides its file descriptors. */
enum sk_exec_role {
	SK_EXEC_H_PROC = 0,	/* proc (proc.h), unbadged */
	SK_EXEC_H_VFS,		/* vfs (vfs.h), unbadged */
	SK_EXEC_H_PIPE,		/* pipe (pipe.h), unbadged */
	SK_EXEC_H_LIBOS,	/* the libos image (a memory object), for exec */
	SK_EXEC_H_EVENTS,	/* its event notification (proc.h PROC_ATTACH) */
	SK_EXEC_H_INIT,		/* init's svc endpoint (svc.h), unbadged */
	SK_EXEC_H_COUNT = 8
};

/*
 * A Linux system call number no Linux kernel uses, answered by the libos:
 * skiff_handle(role) returns the handle the process holds for an
 * sk_exec_role, so that a program (a tool like svc) can talk to a server
 * with native IPC. Returns -ENOENT for a role it does not hold.
 */
#define SK_LINUX_SYS_HANDLE	1000

/*
 * skiff_fd_handle(fd) returns a new handle to the open object behind
 * descriptor fd, with the rights the descriptor's own handle has (the
 * program closes it with native handle_close; the descriptor is not
 * touched). -EBADF for a descriptor that is not open or has no handle
 * (the kernel log of a process started at boot).
 */
#define SK_LINUX_SYS_FD_HANDLE	1002

/*
 * The descriptor table a Linux process shows in /proc/<pid>/fd. The libos
 * keeps it at SK_LINUX_FDTAB in the process's own memory (private, so a
 * fork child's is its own copy; the loader maps it and writes the
 * descriptors a new program starts with) and gives proc a read-only
 * handle to its address space with PROC_ATTACH, so proc can read it for
 * procfs. It tells only about the process that wrote it, and readers
 * treat it as untrusted: a target without its NUL ends at
 * SK_FDTAB_TARGET. Descriptors from SK_FDTAB_FDS on are not shown.
 *
 * It lies near the end of the 2 MiB that starts at SK_LIBOS_BASE, above
 * the libos image (the loader refuses a libos image that reaches it), so
 * that the table and the libos share one page table.
 */
#define SK_LINUX_FDTAB		0x00000000701e0000ull
#define SK_FDTAB_FDS		256
#define SK_FDTAB_TARGET		256	/* a path, or "pipe:[ino]" */
struct sk_fdtab {
	uint64_t open[SK_FDTAB_FDS / 64];	/* bit fd % 64 of word fd / 64 */
	uint8_t _pad[SK_FDTAB_TARGET - SK_FDTAB_FDS / 8];
	char target[SK_FDTAB_FDS][SK_FDTAB_TARGET];
};
_Static_assert(sizeof(struct sk_fdtab) == SK_FDTAB_TARGET * (SK_FDTAB_FDS + 1), "sk_fdtab layout");
#define SK_FDTAB_SIZE		((sizeof(struct sk_fdtab) + 4095) & ~4095ull)
_Static_assert(SK_LINUX_FDTAB > SK_LIBOS_BASE &&
    SK_LINUX_FDTAB + SK_FDTAB_SIZE <= SK_LIBOS_BASE + (2ull << 20), "fdtab in the libos's 2 MiB");
_Static_assert(SK_LINUX_FDTAB + SK_FDTAB_SIZE <= SK_TIMEPAGE_VA, "fdtab below the time page");

/*
 * skiff_start_handles(buf, max), answered by the libos of a service
 * (SK_EXEC_F_SERVICE): copies the first min(n, max) of the n start
 * handles init gave the service (abi/skiff/proto/svc.h says which) as
 * uint32_t values to buf and returns n; 0 for a process that is not a
 * service, -EFAULT for a bad buf. 1001 is the libos's own resume call
 * (libos/libos.h), never made by programs.
 */
#define SK_LINUX_SYS_START_HANDLES	1003

#define SK_EXEC_MAXFD	256	/* descriptors carried across exec */
#define SK_EXEC_START_HANDLES	16	/* a service's start handles */
#define SK_EXEC_PATH	4096

/* One open file descriptor: fd number -> open object handle. */
struct sk_exec_fd {
	int32_t fd;
	uint32_t handle;	/* in the new process */
	uint32_t type;		/* IO_S_IF* of the object, 0 if unknown */
	uint32_t _pad;
};

/*
 * The loader writes only the used part of the block into the new process
 * (the header and fds[0..nfds)), just below the initial stack's vectors,
 * so that a small block shares the stack's top page: the libos must read
 * no more than that. The two strings are with the stack's strings.
 */
struct sk_exec_start {
	uint64_t magic;
	uint64_t entry;		/* the program's entry point */
	uint64_t sp;		/* its initial stack pointer (at argc) */
	uint64_t brk;		/* end of its highest segment, page aligned */
	uint64_t stack_low;	/* lowest address of the stack mapping */
	uint64_t sig_ignored;	/* signals set to SIG_IGN (they stay ignored) */
	uint64_t sig_blocked;	/* the blocked mask survives exec */
	uint32_t umask;
	uint32_t nfds;
	uint32_t flags;			/* SK_EXEC_F_* */
	uint32_t nstart;		/* entries of start_h in use */
	uint32_t h[SK_EXEC_H_COUNT];	/* by sk_exec_role, 0 when absent */
	uint32_t start_h[SK_EXEC_START_HANDLES];	/* a service's, in order; 0 stays 0 */
	uint64_t cwd;		/* address of the canonical cwd; "" means "/" */
	uint64_t exe;		/* address of the program file's path, or 0 */
	struct sk_exec_fd fds[SK_EXEC_MAXFD];
};
/*
 * SK_EXEC_F_CONSOLE: the process starts a new session and makes the
 * terminal on descriptor 0 its controlling terminal (as a login does),
 * before the program runs. For the console shell init starts.
 */
#define SK_EXEC_F_CONSOLE	(1u << 0)
/*
 * SK_EXEC_F_SERVICE: the process is a Skiff service (a server or driver
 * built with musl-gcc, which init starts): it is not a Linux process, so
 * its libos does not attach to proc and has no pid there; descriptors 0,
 * 1 and 2 are the kernel log; start_h[0..nstart) are the handles init
 * gave it (skiff_start_handles); exit and exit_group end the kernel
 * process with the exit status as its exit code (128 + the signal for a
 * death by signal). The loader gives start_h like h (a 0 stays 0).
 */
#define SK_EXEC_F_SERVICE	(1u << 1)

_Static_assert(sizeof(struct sk_exec_start) ==
    120 + 4 * SK_EXEC_START_HANDLES + 16 * SK_EXEC_MAXFD,
    "sk_exec_start layout");

#endif
