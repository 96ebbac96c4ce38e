/*
 * svc: list and control Skiff's services from the shell.
 *
 *   svc                    list services with their state and restart count
 *   svc stop|start|restart|kill NAME
 *   svc load NAME FILE     run the program in FILE as service NAME from now on
 *
 * A Linux program built with musl-gcc: its C library calls go to the
 * library OS like any other program's, and it talks to init's svc
 * endpoint (abi/skiff/proto/svc.h) with native IPC. The libos tells it the
 * endpoint's handle through the skiff_handle system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "sk.h"
#include "abi/skiff/proto/svc.h"
#include "abi/skiff/proto/exec.h"

static const char *const state_names[] = { "stopped", "running", "failed" };

static sk_handle_t init_ep;

static int
request(uint32_t label, const char *name, sk_handle_t h, struct sk_rpc *m)
{
	int64_t r;

	memset(m, 0, sizeof(*m));
	m->label = label;
	if (name != NULL) {
		m->snd = name;
		m->snd_len = (uint32_t)strlen(name) + 1;
	}
	if (h != 0) {
		m->snd_nh = 1;
		m->snd_h[0] = h;
	}
	r = sk_rpc(init_ep, m, SK_FOREVER);
	if (r < 0 && SK_ERR(r) == SK_E_BUSY && label != SVC_START) {
		/* init refuses to stop a service whose state nobody else has. */
		fprintf(stderr, "svc: %s: refused: it holds state that a new instance "
		    "would not have\n", name);
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, "svc: %s: %s\n", name != NULL ? name : "init",
		    sk_errtext(SK_ERR(r)));
		return 1;
	}
	return 0;
}

static int
list(void)
{
	char name[64];

	printf("%-12s %-8s %s\n", "SERVICE", "STATE", "RESTARTS");
	for (uint64_t i = 0;; i++) {
		struct sk_rpc m = { .label = SVC_LIST, .rcv = name, .rcv_max = sizeof(name) - 1 };
		int64_t r;

		m.w[0] = i;
		if ((r = sk_rpc(init_ep, &m, SK_FOREVER)) < 0)
			return SK_ERR(r) == SK_E_NOENT ? 0 : 1;
		name[m.rcv_len < sizeof(name) ? m.rcv_len : sizeof(name) - 1] = '\0';
		printf("%-12s %-8s %lu\n", name, m.r[1] < 3 ? state_names[m.r[1]] : "?",
		    (unsigned long)m.r[2]);
	}
}

/* Read FILE into a new memory object. */
static int64_t
file_vmo(const char *path)
{
	char buf[16384];
	struct stat st;
	int64_t v;
	uint64_t off = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "svc: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((v = sk_vmo_create(((uint64_t)st.st_size + 4095) & ~4095ull, 0)) < 0) {
		fprintf(stderr, "svc: no memory for %s\n", path);
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		sk_vmo_write((sk_handle_t)v, off, buf, (uint64_t)n);
		off += (uint64_t)n;
	}
	close(fd);
	return v;
}

int
main(int argc, char **argv)
{
	struct sk_rpc m;
	long h = syscall(SK_LINUX_SYS_HANDLE, SK_EXEC_H_INIT);

	if (h <= 0) {
		fprintf(stderr, "svc: not running on Skiff (no handle to init)\n");
		return 1;
	}
	init_ep = (sk_handle_t)h;
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0))
		return list();
	if (argc == 3 && strcmp(argv[1], "stop") == 0)
		return request(SVC_STOP, argv[2], 0, &m);
	if (argc == 3 && strcmp(argv[1], "start") == 0)
		return request(SVC_START, argv[2], 0, &m);
	if (argc == 3 && strcmp(argv[1], "restart") == 0)
		return request(SVC_RESTART, argv[2], 0, &m);
	if (argc == 3 && strcmp(argv[1], "kill") == 0)
		return request(SVC_KILL, argv[2], 0, &m);
	if (argc == 4 && strcmp(argv[1], "load") == 0) {
		int64_t v = file_vmo(argv[3]);

		if (v < 0)
			return 1;
		return request(SVC_LOAD, argv[2], (sk_handle_t)v, &m);
	}
	fprintf(stderr, "usage: svc [list] | svc stop|start|restart|kill NAME | "
	    "svc load NAME FILE\n");
	return 2;
}
