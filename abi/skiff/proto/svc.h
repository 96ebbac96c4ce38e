/*
 * Services: the servers init starts, how they find each other, and the
 * svc protocol init serves (list, stop, start, restart, load).
 *
 * init creates one endpoint per service before starting anything and
 * keeps it for the life of the system, so a restarted server receives on
 * the same endpoint and its clients' handles stay valid (a call that was
 * in flight when it died fails with SK_E_PEERDIED and may be retried).
 *
 * A service is a static musl program carrying the service note
 * (lib/common/elf.h), which init runs under the libos with
 * SK_EXEC_F_SERVICE (abi/skiff/proto/exec.h). Its start handles, which
 * it reads with sk_start_handles() (sk.h), are, in this order:
 *   h[0]            its own endpoint, with every right (it receives on it
 *                   and mints badged handles from it);
 *   h[1 .. n]       a send handle for each dependency named in its entry of
 *                   init's service table, in that order, or 0 where that
 *                   service is not in the boot image;
 *   h[n + 1 ..]     extras its entry names (hardware ranges, the ramdisk).
 * The handle a service uses to call another carries the badge
 * SK_SVC_BADGE(caller's id), so the callee knows which service is calling
 * and can refuse requests that only a service may make. Ordinary
 * processes hold unbadged (badge 0) handles, or badges a server minted.
 */
#ifndef SKIFF_PROTO_SVC_H
#define SKIFF_PROTO_SVC_H

#include <stdint.h>

enum sk_svc_id {
	SVC_NONE = 0,
	SVC_INIT,
	SVC_UART,	/* drivers/uart16550: the serial port */
	SVC_TTY,	/* servers/tty: line discipline and termios */
	SVC_RAMFS,	/* servers/ramfs: the root file system, from the ramdisk */
	SVC_DEVFS,	/* servers/devfs: /dev */
	SVC_PIPE,	/* servers/pipe: pipes and FIFOs */
	SVC_PROC,	/* servers/proc: Linux processes, signals */
	SVC_PROCFS,	/* servers/procfs: /proc */
	SVC_VFS,	/* servers/vfs: mount table and path resolution */
	SVC_RTC,	/* drivers/rtc: the CMOS clock, sets the wall clock */
	SVC_TEST,	/* in-guest test programs, trusted like a service */
	SVC_COUNT
};

#define SK_SVC_BADGE_BASE	0x5356430000000000ull	/* "SVC" */
#define SK_SVC_BADGE(id)	(SK_SVC_BADGE_BASE | (uint64_t)(id))
/* The service id a badge names, or SVC_NONE. */
#define SK_SVC_OF_BADGE(b) \
	((((b) & ~0xffffull) == SK_SVC_BADGE_BASE && ((b) & 0xffff) > 0 && \
	((b) & 0xffff) < SVC_COUNT) ? (enum sk_svc_id)((b) & 0xffff) : SVC_NONE)

/*
 * Freestanding programs in the boot image that are not services (the
 * in-guest tests, benchmarks) get, in their struct sk_start (sk.h): h[0..2] the I/O-port, MMIO and IRQ ranges, then
 * h[SK_START_SVC + id - 1] a handle to service id (badge SVC_TEST) for
 * every id from SVC_UART on, 0 where that service is not running.
 */
#define SK_START_SVC	2	/* so that id SVC_UART lands at h[3] */

/* The svc protocol (init's endpoint). Replies: w0 = result or error. */
enum svc_op {
	SVC_LIST = 0x5300,	/* w0 = index -> w0 = id, w1 = state, w2 = restarts,
				   payload: name (NUL-terminated); SK_E_NOENT past the end */
	SVC_STOP,		/* payload: name -> stops it (no restart) */
	SVC_START,		/* payload: name -> starts a stopped service */
	SVC_RESTART,		/* payload: name -> stop, then start */
	SVC_LOAD,		/* payload: name; handle: a memory object with the new
				   program -> replaces the service's program and restarts it */
	SVC_POWEROFF,		/* w0 = SVC_HOW_* -> shuts the system down */
	SVC_KILL,		/* payload: name -> kills its process as a crash would;
				   init restarts it (and counts the restart) as after
				   any death it did not ask for. SK_E_STATE when it is
				   not running */
};

enum svc_state { SVC_ST_STOPPED = 0, SVC_ST_RUNNING, SVC_ST_FAILED };
enum svc_how { SVC_HOW_POWEROFF = 0, SVC_HOW_REBOOT, SVC_HOW_HALT };

#endif
