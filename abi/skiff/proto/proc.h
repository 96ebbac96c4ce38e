/*
 * The proc protocol: Linux processes. proc owns pids, the parent/child
 * tree, exit statuses, process groups and sessions, pending signals and
 * the credential changes of set*id. It knows a caller by the kernel id
 * the kernel attests (utcb->sender.pid), never by a pid in the message:
 * each Linux process is one kernel process at a time (exec moves the pid
 * to a new kernel process), and proc holds a handle to it (to watch it
 * die, to kill it, to set its credential).
 *
 * Each Linux process attaches an event notification (PROC_ATTACH); proc
 * sets PROC_NOTE_SIGNAL on it when a signal becomes pending and
 * PROC_NOTE_CHILD when a child changes state. The libos takes pending
 * signals with PROC_SIGTAKE and waits for children by retrying PROC_WAIT
 * after PROC_NOTE_CHILD. Signal handlers and the blocked mask live in the
 * libos; it reports their summary with PROC_SIGSTATE so that proc can drop
 * ignored signals and carry out default actions (terminate, stop,
 * continue) on a process that is not running its libos.
 *
 * Numbers follow Linux: signal numbers, wait options and statuses
 * (status = code << 8, or the signal | 0x80 for a core dump, or
 * sig << 8 | 0x7f when stopped, 0xffff when continued), pid selectors of
 * wait4 and kill (> 0 one pid, 0 own group, -1 all, < -1 group).
 * Replies: w0 = result or SK_ERRVAL(code, argno).
 */
#ifndef SKIFF_PROTO_PROC_H
#define SKIFF_PROTO_PROC_H

#include <stdint.h>
#include "abi/skiff/cred.h"

#define PROC_NOTE_SIGNAL	(1ull << 0)
#define PROC_NOTE_CHILD		(1ull << 1)
#define PROC_NOTE_IDS		(1ull << 4)	/* its ppid or pgid changed */

enum proc_op {
	PROC_SPAWN = 0x400,	/* services only (init): handle = a kernel process
				   running a Linux program, w0 = parent pid (0: init),
				   payload = its exe path NUL then argv, each NUL-ended
				   -> w0 = its pid */
	PROC_ATTACH,		/* handles: [0] the caller's event notification,
				   [1] optional, its address space with SK_R_READ
				   (for its descriptor table, exec.h sk_fdtab)
				   -> w0 = pid, w1 = ppid, w2 = pgid, w3 = sid */
	PROC_FORK,		/* handles: [0] the child's kernel process (rights
				   READ|MANAGE), optional [1] its event notification
				   and [2] its address space, as for PROC_ATTACH,
				   which the child then need not send;
				   w0 = PROC_FORK_* -> w0 = child pid, w1 = its
				   ppid, w2 = pgid, w3 = sid; SK_E_LIMIT past
				   RLIMIT_NPROC. The child inherits group, session,
				   credential, signal state summary. */
	PROC_EXEC,		/* handle = the new kernel process, payload = exe path
				   NUL then argv, each NUL-ended. The caller's pid moves
				   to the new process; the caller (the old kernel
				   process) is then killed by proc. */
	PROC_EXIT,		/* w0 = wait status. The caller then ends itself (or is
				   killed by proc); its parent may wait for it. */
	PROC_WAIT,		/* w0 = pid selector, w1 = options (WNOHANG 1, WUNTRACED
				   2, WCONTINUED 8, WNOWAIT 0x1000000, PROC_WAIT_NOEXIT)
				   -> w0 = pid, w1 = status, w2 = user ns, w3 = system
				   ns, w4 = the child's real uid; w0 = 0 with
				   WNOHANG when nothing is ready; SK_E_AGAIN without
				   WNOHANG when nothing is ready yet; SK_E_CHILD */
	PROC_KILL,		/* w0 = pid selector, w1 = signal (0: check only) */
	PROC_SIGTAKE,		/* w0 = blocked mask -> w0 = signal number or 0,
				   w1 = sender pid, w2 = sender uid, w3 = si_code,
				   w4 = si_status (SIGCHLD) */
	PROC_SIGSTATE,		/* w0 = caught mask, w1 = ignored mask, w2 = blocked
				   mask (bit n-1 for signal n) */
	PROC_STOPPED,		/* the caller stops for w0 = signal: proc records it,
				   tells the parent, and later sets PROC_NOTE_SIGNAL
				   when SIGCONT arrives */
	PROC_GETIDS,		/* -> w0 = pid, w1 = ppid, w2 = pgid, w3 = sid */
	PROC_SETPGID,		/* w0 = pid (0: self), w1 = pgid (0: = pid) */
	PROC_GETPGID,		/* w0 = pid (0: self) -> w0 = pgid */
	PROC_SETSID,		/* -> w0 = new sid */
	PROC_GETSID,		/* w0 = pid (0: self) -> w0 = sid */
	PROC_SETRESUID,		/* w0 = ruid, w1 = euid, w2 = suid (~0u: unchanged),
				   checked as setresuid(2) against the attested ids */
	PROC_SETRESGID,		/* same for gids */
	PROC_SETGROUPS,		/* payload = uint32_t gids[] (euid 0 only) */
	PROC_RLIMIT,		/* w0 = resource, w1 = soft, w2 = hard (~0: only get)
				   -> w0 = 0, w1 = soft, w2 = hard (~0: unlimited) */
	PROC_ALARM,		/* w0 = ns from now (0: cancel), w1 = interval ns ->
				   w0 = ns that were left; SIGALRM when it expires */
	PROC_SETCWD,		/* payload = the caller's new current directory */
	PROC_INFO,		/* w0 = pid, or PROC_INFO_INDEX | n for the n-th process
				   -> payload = struct proc_info; SK_E_SRCH / SK_E_NOENT */
	PROC_FDS,		/* services only (procfs): w0 = pid -> w0 = 0,
				   w1..w4 = bits of its open descriptors below
				   SK_FDTAB_FDS (sk_fdtab.open); SK_E_SRCH, SK_E_NOENT
				   when it published no table */
	PROC_FD,		/* services only: w0 = pid, w1 = fd -> payload = the
				   descriptor's target, NUL-ended; SK_E_BADHANDLE
				   (argument 2) when it is not open */
	PROC_SETTIME,		/* w0 = wall-clock time, ns since 1970-01-01 UTC
				   (euid 0 only) -> sets the system's wall clock */
};

#define PROC_FORK_VFORK		(1u << 0)	/* parent waits until exec or exit */
#define PROC_WAIT_NOEXIT	(1u << 30)	/* PROC_WAIT w1: ended children are
						   not reported (waitid without
						   WEXITED) */
#define PROC_INFO_INDEX		(1ull << 62)

struct proc_info {
	uint32_t pid, ppid, pgid, sid;
	uint32_t ruid, euid, rgid, egid;
	uint32_t suid, sgid;	/* saved set-user and set-group ids */
	uint32_t ngroups;	/* supplementary groups, at most SK_NGROUPS */
	uint32_t state;		/* 'R', 'S', 'T', 'Z' */
	uint32_t nthreads;
	uint32_t _pad;
	uint32_t groups[SK_NGROUPS];
	uint64_t start_ns;	/* since boot */
	uint64_t utime_ns, stime_ns;
	uint64_t vsize, rss_pages;
	uint64_t koid;		/* the kernel process now running it */
	char name[16];		/* basename of the exe, as Linux's comm */
	char exe[256];		/* path of the program file */
	char cwd[256];
	char cmdline[512];	/* argv, each NUL-ended */
};
_Static_assert(sizeof(struct proc_info) == 1144 + 4 * SK_NGROUPS, "proc_info layout");

#endif
