/*
 * Garbage straight to the servers: a Linux program takes the handles its
 * libos holds (skiff_handle) and sends each server thousands of random
 * requests with native IPC: random labels near and far from the real ones,
 * random words, random payloads. Every request must get an answer (an
 * error, mostly), and afterwards every server must still do its job.
 * Requests that would legitimately end this process or the system (kill,
 * exit, power off, credential changes, mounts) are left out: they are
 * errors only when malformed, which the servers' own tests cover.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "sk.h"
#include "abi/skiff/proto/exec.h"
#include "abi/skiff/proto/proc.h"
#include "abi/skiff/proto/vfs.h"
#include "abi/skiff/proto/pipe.h"
#include "abi/skiff/proto/svc.h"

static uint64_t seed = 0x1234567887654321ull;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static int
forbidden(uint32_t label)
{
	switch (label) {
	case PROC_KILL: case PROC_EXIT: case PROC_EXEC: case PROC_SETRESUID:
	case PROC_SETRESGID: case PROC_SETGROUPS: case PROC_STOPPED: case PROC_ATTACH:
	case PROC_SIGSTATE: case PROC_SETSID: case PROC_SETPGID: case PROC_ALARM:
	case PROC_SETTIME:
	case VFS_MOUNT: case VFS_UMOUNT:
	case SVC_STOP: case SVC_START: case SVC_RESTART: case SVC_LOAD: case SVC_POWEROFF:
		return 1;
	default:
		return 0;
	}
}

/* n random requests to ep around label base; returns how many got no answer. */
static int
storm(sk_handle_t ep, uint32_t base, int n)
{
	static char payload[2048], reply[4096];
	int lost = 0;

	for (int i = 0; i < n; i++) {
		struct sk_rpc m = { 0 };
		int64_t r;

		m.label = (rnd() % 4 == 0) ? (uint32_t)rnd() : base + (uint32_t)(rnd() % 32);
		if (forbidden(m.label))
			continue;
		for (int w = 0; w < SK_MSG_WORDS; w++)
			m.w[w] = (rnd() % 3 == 0) ? rnd() : rnd() % 8;
		if (rnd() % 2) {
			m.snd_len = (uint32_t)(rnd() % sizeof(payload));
			for (uint32_t k = 0; k < m.snd_len; k++)
				payload[k] = (char)rnd();
			m.snd = payload;
		}
		m.rcv = reply;
		m.rcv_max = sizeof(reply);
		r = sk_rpc(ep, &m, 2ull * 1000 * 1000 * 1000);
		if (r < 0 && (SK_ERR(r) == SK_E_TIMEOUT || SK_ERR(r) == SK_E_PEERDIED))
			lost++;
		for (uint32_t k = 0; k < m.rcv_nh && k < SK_MSG_HANDLES; k++)
			sk_handle_close(m.rcv_h[k]);
	}
	return lost;
}

int
main(void)
{
	struct { int role; uint32_t base; const char *name; } t[] = {
		{ SK_EXEC_H_PROC, PROC_SPAWN, "proc" },
		{ SK_EXEC_H_VFS, VFS_OPEN, "vfs" },
		{ SK_EXEC_H_PIPE, PIPE_CREATE, "pipe" },
		{ SK_EXEC_H_INIT, SVC_LIST, "init" },
	};
	struct stat st;
	int fds[2], bad = 0;

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long h = syscall(SK_LINUX_SYS_HANDLE, t[i].role);
		int lost;

		if (h <= 0) {
			printf("no handle for %s\n", t[i].name);
			bad = 1;
			continue;
		}
		lost = storm((sk_handle_t)h, t[i].base, 2000);
		printf("%s: %s\n", t[i].name, lost ? "requests went unanswered" : "answered everything");
		bad |= lost != 0;
	}
	/* Every server still serves. */
	printf("vfs %s\n", stat("/bin/busybox", &st) == 0 ? "works" : "broken");
	printf("pipe %s\n", pipe(fds) == 0 && write(fds[1], "x", 1) == 1 ? "works" : "broken");
	printf("proc %s\n", getppid() > 0 ? "works" : "broken");
	fflush(stdout);
	return bad;
}
