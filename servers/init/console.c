/*
 * The console session: init runs busybox's shell on /dev/console once the
 * services are up. Interactively (`make run`) it runs a login shell and
 * starts a new one when it ends. With a boot module named "command"
 * (tools/skiff-exec) it runs that command with `sh -c`, writes
 * "SKIFF-EXIT <status>" to the console and powers off.
 */
#include "servers/init/init.h"
#include "abi/skiff/proto/vfs.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/proc.h"

/* The last slot takes SKIFF_STRACE=1 when the command line says "strace". */
static const char *envp[] = {
	"HOME=/root", "PATH=/sbin:/usr/sbin:/bin:/usr/bin", "TERM=vt100", "SHELL=/bin/sh",
	"USER=root", "LOGNAME=root", NULL, NULL
};

static int
cmdline_has(const struct sk_bootinfo *bi, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = bi->cmdline; *p != '\0'; p++)
		if ((p == bi->cmdline || p[-1] == ' ') && strncmp(p, word, n) == 0 &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/* Open path through vfs; returns the handle (and its type) or an error. */
static int64_t
vfs_open(sk_handle_t vfs, const char *path, uint32_t flags, uint32_t *type)
{
	static char canon[FS_PATH_MAX];	/* the reply carries the canonical path */
	struct sk_rpc m = { .label = VFS_OPEN, .snd = path, .rcv = canon,
	    .rcv_max = sizeof(canon) };
	int64_t r;

	m.w[0] = flags;
	m.snd_len = (uint32_t)strlen(path) + 1;
	if ((r = sk_rpc(vfs, &m, 10ull * 1000 * 1000 * 1000)) < 0)
		return r;
	if (m.rcv_nh != 1)
		return SK_ERRVAL(SK_E_IO, 0);
	if (type != NULL)
		*type = (uint32_t)m.r[1];
	return m.rcv_h[0];
}

/* The contents of a file as a memory object (IO_MAP). */
static int64_t
vfs_map(sk_handle_t vfs, const char *path, uint64_t *size)
{
	struct sk_rpc m = { .label = IO_MAP };
	int64_t h = vfs_open(vfs, path, IO_O_RDONLY, NULL), r;

	if (h < 0) {
		sk_printf("init: cannot open %s: %s\n", path, sk_errname(SK_ERR(h)));
		return h;
	}
	r = sk_rpc((sk_handle_t)h, &m, 10ull * 1000 * 1000 * 1000);
	sk_handle_close((sk_handle_t)h);
	if (r < 0)
		return r;
	if (m.rcv_nh != 1)
		return SK_ERRVAL(SK_E_IO, 0);
	*size = m.r[0];
	return m.rcv_h[0];
}

static void
console_write(sk_handle_t con, const char *s)
{
	struct sk_rpc m = { .label = IO_WRITE, .snd = s };

	m.snd_len = (uint32_t)strlen(s);
	m.w[1] = IO_OFF_CUR;
	sk_rpc(con, &m, 5ull * 1000 * 1000 * 1000);
}

/*
 * The command of tools/skiff-exec: a boot module named "command" holding
 * the command line (any length), or NULL.
 */
static const char *
exec_command(const struct sk_bootinfo *bi)
{
	static char *cmd;
	static int looked;

	if (looked)
		return cmd;
	looked = 1;
	for (uint32_t i = 0; i < bi->nmodules; i++) {
		const struct sk_boot_module *m = &bi->modules[i];

		if (strcmp(m->name, "command") != 0 || m->size == 0 || m->size > 65536)
			continue;
		if ((cmd = sk_malloc(m->size + 1)) == NULL ||
		    sk_vmo_read(m->vmo, 0, cmd, m->size) < 0) {
			cmd = NULL;
			return NULL;
		}
		cmd[m->size] = '\0';
		return cmd;
	}
	return NULL;
}

int
exec_mode(const struct sk_bootinfo *bi)
{
	return exec_command(bi) != NULL;
}

/*
 * Run the console session. Returns only in exec mode, after the command
 * ended, with its exit status.
 */
int
console_session(const struct sk_bootinfo *bi, const struct sk_boot_module *libos)
{
	sk_handle_t vfs = service_handle(SVC_VFS, SK_SVC_BADGE(SVC_INIT));
	const char *cmd = exec_command(bi);
	const char *argv[4];
	int64_t con, shell, p, pid;
	int st, code;
	uint64_t size;
	sk_handle_t fds[3];
	char line[64];

	if (cmdline_has(bi, "strace"))
		envp[6] = "SKIFF_STRACE=1";
	if (vfs == 0 || libos == NULL) {
		sk_printf("init: no vfs or libos in the boot image: no console shell\n");
		return 1;
	}
	for (;;) {
		int64_t started = sk_clock();

		/*
		 * Open the console for every shell: a restarted tty refuses the
		 * objects its previous instance handed out.
		 */
		if ((con = vfs_open(vfs, "/dev/console", IO_O_RDWR, NULL)) < 0) {
			sk_printf("init: cannot open /dev/console: %s\n", sk_errname(SK_ERR(con)));
			return 1;
		}
		if ((shell = vfs_map(vfs, "/bin/sh", &size)) < 0) {
			sk_printf("init: cannot read /bin/sh: %s\n", sk_errname(SK_ERR(shell)));
			return 1;
		}
		for (int i = 0; i < 3; i++) {
			int64_t d = sk_handle_dup((sk_handle_t)con, SK_R_SEND | SK_R_DUP | SK_R_TRANSFER);

			fds[i] = d < 0 ? 0 : (sk_handle_t)d;
		}
		if (cmd != NULL) {
			console_write((sk_handle_t)con, "SKIFF-BEGIN\n");
			argv[0] = "sh";
			argv[1] = "-c";
			argv[2] = cmd;
			argv[3] = NULL;
		} else {
			argv[0] = "-sh";
			argv[1] = NULL;
		}
		p = linux_start((sk_handle_t)shell, size, libos, "/bin/sh", argv, envp,
		    cmd != NULL ? "/" : "/root", fds, 3, &pid);
		sk_handle_close((sk_handle_t)shell);
		for (int i = 0; i < 3; i++)
			if (fds[i] != 0)
				sk_handle_close(fds[i]);
		if (p < 0) {
			sk_printf("init: cannot start the shell: %s\n", sk_errname(SK_ERR(p)));
			return 1;
		}
		st = wait_program(bi, (sk_handle_t)p, pid);
		sk_handle_close((sk_handle_t)p);
		if (cmd != NULL) {
			code = (st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f);
			snprintf(line, sizeof(line), "\nSKIFF-EXIT %d\n", code);
			console_write((sk_handle_t)con, line);
			return code;
		}
		sk_handle_close((sk_handle_t)con);
		sk_printf("init: the console shell ended; starting a new one\n");
		/* A shell that cannot even start must not spin the CPU. */
		if (sk_clock() - started < 1000000000)
			sk_sleep(500000000);
	}
}
