/*
 * execve as a library function (docs/userspace.md): read the program
 * through vfs (IO_MAP gives its contents as a memory object), build a new
 * process with lib/sk/exec_linux.c that inherits the descriptors without
 * close-on-exec, move the Linux pid to it with PROC_EXEC, start it and
 * end this kernel process. "#!" scripts run their interpreter.
 */
#include "libos/libos.h"

#define ARG_SPACE	(48 * 1024)	/* argv and envp strings together */
#define ARG_STRMAX	(L_PATH_MAX * 2)	/* one string, with its NUL */
#define MAX_ARGS	255
#define MAX_INTERP	4		/* nested "#!" scripts */

struct exec_args {
	char buf[ARG_SPACE];
	size_t used;
	const char *argv[MAX_ARGS + 1], *envp[MAX_ARGS + 1];
	int argc, envc;
};

static struct sk_exec_start exec_start;
static const char *exec_targets[SK_EXEC_MAXFD];	/* by exec_start.fds[] */

/* Append a NUL-terminated string to the argument space. */
static const char *
arg_add(struct exec_args *a, const char *s, size_t n)
{
	char *d;

	if (a->used + n + 1 > sizeof(a->buf))
		return NULL;
	d = a->buf + a->used;
	memcpy(d, s, n);
	d[n] = '\0';
	a->used += n + 1;
	return d;
}

/*
 * Copy a user vector of strings (argv or envp) into a, each string
 * straight into the argument space: one of more than ARG_STRMAX bytes
 * with its NUL, or one that does not fit the space left, is E2BIG.
 */
static int64_t
copy_vec(struct exec_args *a, uint64_t uvec, const char **out, int *count)
{
	*count = 0;
	if (uvec == 0)
		return 0;
	for (;;) {
		uint64_t p, room = sizeof(a->buf) - a->used;
		int64_t n;

		if (l_copyin(&p, uvec + (uint64_t)*count * 8, 8) < 0)
			return -L_EFAULT;
		if (p == 0)
			break;
		if (*count >= MAX_ARGS)
			return -L_E2BIG;
		if ((n = l_copyin_str(a->buf + a->used, p, room < ARG_STRMAX ? room :
		    ARG_STRMAX)) < 0)
			return n == -L_ENAMETOOLONG ? -L_E2BIG : n;
		out[*count] = a->buf + a->used;
		a->used += (size_t)n + 1;
		(*count)++;
	}
	out[*count] = NULL;
	return 0;
}

/*
 * Open path for execution and map it: one VFS_OPEN for exec answers the
 * file's memory object (abi/skiff/proto/vfs.h, VFS_O_EXEC). Returns 0
 * with *vmo and *size, or -errno. The first bytes are copied to head (hn
 * bytes).
 */
static int64_t
open_exec(const char *path, sk_handle_t *vmo, uint64_t *size, char *head, size_t hn)
{
	struct sk_rpc m = { .label = VFS_OPEN };
	int64_t e;

	m.w[0] = IO_O_RDONLY | VFS_O_EXEC;
	m.snd = path;
	m.snd_len = (uint32_t)strlen(path) + 1;
	if ((e = vfs_call(&m)) < 0)
		return e;
	if (m.rcv_nh != 1)
		return -L_EIO;
	*vmo = m.rcv_h[0];
	*size = m.r[2];
	memset(head, 0, hn);
	sk_vmo_read(*vmo, 0, head, *size < hn ? *size : hn);
	return 0;
}

/*
 * A "#!" line: interpreter and optional argument, prepended to argv with
 * the script's path replacing argv[0]. Returns 0 or -errno.
 */
static int64_t
shebang(struct exec_args *a, const char *head, const char *path, char *interp)
{
	const char *p = head + 2, *end, *arg = NULL;
	size_t an = 0, in;
	const char *nargv[MAX_ARGS + 1];
	int n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	for (end = p; *end != '\0' && *end != '\n' && *end != ' ' && *end != '\t'; end++)
		;
	in = (size_t)(end - p);
	if (in == 0 || in >= L_PATH_MAX)
		return -L_ENOEXEC;
	memcpy(interp, p, in);
	interp[in] = '\0';
	p = end;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0' && *p != '\n') {
		for (end = p; *end != '\0' && *end != '\n'; end++)
			;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		arg = p;
		an = (size_t)(end - p);
	}
	if (a->argc + 3 > MAX_ARGS)
		return -L_E2BIG;
	if ((nargv[n++] = arg_add(a, interp, in)) == NULL)
		return -L_E2BIG;
	if (arg != NULL && (nargv[n++] = arg_add(a, arg, an)) == NULL)
		return -L_E2BIG;
	if ((nargv[n++] = arg_add(a, path, strlen(path))) == NULL)
		return -L_E2BIG;
	for (int i = 1; i < a->argc; i++)
		nargv[n++] = a->argv[i];
	nargv[n] = NULL;
	for (int i = 0; i <= n; i++)
		a->argv[i] = nargv[i];
	a->argc = n;
	return 0;
}

/*
 * Fill exec_start with what survives exec (the caller's handle values).
 * Only its header and the descriptors in use are written: in a fork
 * child each page of it written is a fresh or copied page.
 */
static void
fill_start(void)
{
	struct sk_exec_start *st = &exec_start;
	int n = 0, klog = 0;

	/* The header only: the loader writes no more of the rest than is set. */
	memset(st, 0, offsetof(struct sk_exec_start, fds));
	for (int i = 0; i < SK_EXEC_H_COUNT; i++)
		st->h[i] = L.h[i];
	for (int fd = 0; fd < L.fd_end && n < SK_EXEC_MAXFD; fd++) {
		struct l_fd *f = &L.fds[fd];

		if (f->klog)
			klog = 1;
		if (f->h == 0 || f->cloexec)
			continue;
		st->fds[n].fd = fd;
		st->fds[n].handle = f->h;
		st->fds[n].type = f->type;
		exec_targets[n] = f->path;
		n++;
	}
	/* A process on the boot console passes it on (no descriptors at all). */
	st->nfds = (klog && n == 0) ? 0 : (uint32_t)n;
	st->umask = L.umask;
	st->sig_ignored = l_sig_ignored();
	st->sig_blocked = l_sig_blocked();
}

/* Move this Linux process to the new kernel process p. */
static int64_t
proc_exec(sk_handle_t p, const struct exec_args *a, const char *exe)
{
	char payload[1024];
	struct sk_rpc m = { .label = PROC_EXEC, .snd = payload };
	size_t n = 0;
	int64_t d;

	if (L.h[SK_EXEC_H_PROC] == 0)
		return 0;
	for (int i = -1; i < a->argc; i++) {
		const char *w = i < 0 ? exe : a->argv[i];
		size_t l = strlen(w) + 1;

		if (n + l > sizeof(payload))
			break;
		memcpy(payload + n, w, l);
		n += l;
	}
	m.snd_len = (uint32_t)n;
	if ((d = sk_handle_dup(p, SK_R_ALL)) < 0)
		return l_err(d);
	m.snd_nh = 1;
	m.snd_h[0] = (sk_handle_t)d;
	return io_call(L.h[SK_EXEC_H_PROC], &m);
}

static int64_t
do_execve(int64_t dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
	static struct exec_args a;
	static char interp[L_PATH_MAX];	/* touched by scripts only */
	char path[L_PATH_MAX], head[256];
	struct sk_exec_args ea;
	sk_handle_t vmo = 0;
	uint64_t size = 0;
	int64_t e, p;

	if ((e = l_path(dirfd, upath, path, 0)) < 0)
		return e;
	a.used = 0;
	if ((e = copy_vec(&a, uargv, a.argv, &a.argc)) < 0 ||
	    (e = copy_vec(&a, uenvp, a.envp, &a.envc)) < 0)
		return e;
	if (a.argc == 0) {
		/* Linux passes an empty argv as [""]. */
		a.argv[0] = arg_add(&a, "", 0);
		a.argv[1] = NULL;
		a.argc = 1;
	}
	for (int depth = 0;; depth++) {
		if ((e = open_exec(path, &vmo, &size, head, sizeof(head) - 1)) < 0)
			return e;
		head[sizeof(head) - 1] = '\0';
		if (head[0] == '#' && head[1] == '!') {
			sk_handle_close(vmo);
			if (depth >= MAX_INTERP)
				return -L_ELOOP;
			if ((e = shebang(&a, head, path, interp)) < 0)
				return e;
			strlcpy(path, interp, sizeof(path));
			continue;
		}
		if (size < 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
			sk_handle_close(vmo);
			return -L_ENOEXEC;
		}
		break;
	}
	fill_start();
	memset(&ea, 0, sizeof(ea));
	ea.prog = vmo;
	ea.prog_size = size;
	ea.libos = L.h[SK_EXEC_H_LIBOS];
	ea.libos_size = L.h[SK_EXEC_H_LIBOS] != 0 ? (uint64_t)sk_vmo_size(L.h[SK_EXEC_H_LIBOS]) : 0;
	ea.name = a.argv[0][0] != '\0' ? a.argv[0] : path;
	ea.argv = a.argv;
	ea.envp = a.envp;
	ea.suspended = 1;
	ea.start = &exec_start;
	ea.cwd = L.cwd;
	ea.exe = path;
	ea.fd_targets = exec_targets;
	p = sk_exec_linux(&ea);
	sk_handle_close(vmo);
	if (p < 0 && L.strace)
		sk_printf("libos: exec %s: %s (argument %d)\n", path, sk_errname(SK_ERR(p)),
		    SK_ERRARG(p));
	if (p < 0)
		return SK_ERR(p) == SK_E_INVAL ? -L_ENOEXEC : l_err(p);
	if ((e = proc_exec((sk_handle_t)p, &a, path)) < 0 ||
	    (e = l_err(sk_exec_linux_start((sk_handle_t)p, &ea))) < 0) {
		sk_proc_kill((sk_handle_t)p, -1);
		sk_handle_close((sk_handle_t)p);
		return e;
	}
	/* The new process carries on as this Linux process; this one ends. */
	sk_proc_exit(0);
	libos_fatal("exec: still running after exit");
}

L_HANDLER(execve)
{
	return do_execve(L_AT_FDCWD, l_arg(r, 0), l_arg(r, 1), l_arg(r, 2));
}

L_HANDLER(execveat)
{
	if (l_arg(r, 4) != 0)
		return -L_EINVAL;
	return do_execve((int64_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2), l_arg(r, 3));
}
