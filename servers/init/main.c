/*
 * init, the root task. The kernel loads it from the first boot module
 * with no library OS, so init is a freestanding native program (entry
 * lib/sk/crt0.S, libsk's own string functions, no C library), unlike
 * the servers and drivers, which are musl programs it runs under the
 * libos. It starts the services in the boot image (services.c) and
 * supervises them, then runs every other boot module as
 * a program, one after the other (native test programs get the hardware
 * ranges and a handle to each service; Linux programs run under the
 * library OS). When the programs are done it powers the machine off
 * through QEMU's isa-debug-exit port (or halts where there is none).
 */
#include "servers/init/init.h"
#include "lib/common/elf.h"
#include "abi/skiff/proto/exec.h"
#include "abi/skiff/proto/proc.h"
#include "abi/skiff/proto/io.h"

sk_handle_t watch_notif;
sk_handle_t init_ep;

int main(uint64_t arg);

static const char *
state_name(uint32_t s)
{
	switch (s) {
	case SK_PROC_EXITED:	return "exited";
	case SK_PROC_KILLED:	return "killed";
	case SK_PROC_FAULTED:	return "faulted";
	default:		return "running";
	}
}

/*
 * End the system: QEMU's isa-debug-exit port powers off; a reboot goes
 * through the keyboard controller's reset line (QEMU started with
 * -no-reboot exits then too); halt stops here after saying so.
 */
void
shutdown(const struct sk_bootinfo *bi, int how)
{
	if (sk_ioport_enable(bi->ioports) >= 0) {
		if (how == SVC_HOW_REBOOT)
			__asm__ volatile("outb %0, %1" :: "a"((uint8_t)0xfe), "Nd"((uint16_t)0x64));
		__asm__ volatile("outb %0, %1" :: "a"((uint8_t)0), "Nd"((uint16_t)0xf4));
	}
	sk_printf("init: the system is halted\n");
	for (;;)
		sk_sleep(SK_FOREVER);
}

static void
power_off(const struct sk_bootinfo *bi)
{
	shutdown(bi, SVC_HOW_POWEROFF);
}

/*
 * Whether the program in memory object vmo (size bytes) carries the
 * Skiff note of the given type (lib/common/elf.h); -1 if it cannot be
 * mapped.
 */
int
program_note(sk_handle_t vmo, uint64_t size, uint32_t type)
{
	uint64_t len = (size + 4095) & ~4095ull;
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, len, vmo, 0, SK_PROT_READ);
	int has;

	if (va < 0)
		return -1;
	has = elf_has_note((const void *)va, size, ELF_NOTE_SKIFF, type);
	sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, len);
	return has;
}

/* Whether module m is a freestanding native Skiff program. */
static int
is_native(const struct sk_boot_module *m)
{
	/* One that cannot be mapped: sk_spawn_elf reports the problem. */
	return program_note(m->vmo, m->size, ELF_NOTE_SKIFF_NATIVE) != 0;
}

/*
 * Start a Linux program from memory object prog under the libos, with
 * the descriptors fds[0..nfds) (handles of init's, given to it as fds 0,
 * 1, 2...; none: its output goes to the kernel log) and handles to proc,
 * vfs and pipe. proc learns about it before it runs. Returns its process
 * handle or an error.
 */
/*
 * Tell proc about a Linux process init started (before it runs), with
 * init's watch notification to signal (WATCH_PROGRAM) when it ends.
 * Returns its pid, or 0 if proc does not know it.
 */
static int64_t
proc_spawn(sk_handle_t proc, sk_handle_t p, const char *exe, const char *const argv[])
{
	char payload[512];
	size_t n = 0;
	int64_t dp = sk_handle_dup(p, SK_R_ALL), r;
	struct sk_rpc m = { .label = PROC_SPAWN, .snd = payload };

	for (int i = -1; i < 0 || argv[i] != NULL; i++) {
		const char *w = i < 0 ? exe : argv[i];
		size_t l = strlen(w) + 1;

		if (n + l > sizeof(payload))
			break;
		memcpy(payload + n, w, l);
		n += l;
	}
	m.snd_len = (uint32_t)n;
	m.w[1] = WATCH_PROGRAM;
	if (dp >= 0) {
		int64_t wn = sk_handle_dup(watch_notif, SK_R_SIGNAL | SK_R_TRANSFER);

		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)dp;
		if (wn >= 0) {
			m.snd_nh = 2;
			m.snd_h[1] = (sk_handle_t)wn;
		}
	}
	if ((r = sk_rpc(proc, &m, 5ull * 1000 * 1000 * 1000)) <= 0) {
		sk_printf("init: proc does not know %s\n", argv[0]);
		return 0;
	}
	return r;
}

static const char *const console_targets[3] = { "/dev/console", "/dev/console", "/dev/console" };

int64_t
linux_start(sk_handle_t prog, uint64_t size, const struct sk_boot_module *libos,
    const char *exe, const char *const argv[], const char *const envp[],
    const char *cwd, const sk_handle_t *fds, int nfds, int64_t *pid)
{
	static struct sk_exec_start st;
	sk_handle_t mine[SK_EXEC_H_COUNT];
	struct sk_exec_args a;
	sk_handle_t proc = service_handle(SVC_PROC, SK_SVC_BADGE(SVC_INIT));
	int64_t p, lv;

	memset(&st, 0, sizeof(st));
	st.h[SK_EXEC_H_PROC] = service_handle(SVC_PROC, 0);
	st.h[SK_EXEC_H_VFS] = service_handle(SVC_VFS, 0);
	st.h[SK_EXEC_H_PIPE] = service_handle(SVC_PIPE, 0);
	if (init_ep != 0) {
		int64_t ih = sk_handle_dup(init_ep, SK_R_SEND | SK_R_DUP | SK_R_TRANSFER);

		st.h[SK_EXEC_H_INIT] = ih < 0 ? 0 : (sk_handle_t)ih;
	}
	lv = sk_handle_dup(libos->vmo, SK_R_READ | SK_R_MAP | SK_R_EXEC | SK_R_DUP | SK_R_TRANSFER);
	st.h[SK_EXEC_H_LIBOS] = lv < 0 ? 0 : (sk_handle_t)lv;
	st.umask = 022;
	for (int i = 0; i < nfds; i++) {
		st.fds[i].fd = i;
		st.fds[i].handle = fds[i];
		st.fds[i].type = IO_S_IFCHR;	/* the console */
	}
	st.nfds = (uint32_t)nfds;
	if (nfds > 0)
		st.flags = SK_EXEC_F_CONSOLE;
	memset(&a, 0, sizeof(a));
	a.prog = prog;
	a.prog_size = size;
	a.libos = libos->vmo;
	a.libos_size = libos->size;
	a.name = argv[0];
	a.argv = argv;
	a.cwd = cwd;
	a.exe = exe;
	a.envp = envp;
	a.suspended = 1;
	a.start = &st;
	/* Descriptors come only for the console. */
	a.fd_targets = nfds <= 3 ? console_targets : NULL;
	/* st's handles are rewritten with the new process's values: keep ours. */
	for (int i = 0; i < SK_EXEC_H_COUNT; i++)
		mine[i] = st.h[i];
	p = sk_exec_linux(&a);
	for (int i = 0; i < SK_EXEC_H_COUNT; i++)
		if (mine[i] != 0)
			sk_handle_close(mine[i]);
	*pid = 0;
	if (p >= 0 && proc != 0)
		*pid = proc_spawn(proc, (sk_handle_t)p, exe, argv);
	if (proc != 0)
		sk_handle_close(proc);
	if (p >= 0 && sk_exec_linux_start((sk_handle_t)p, &a) < 0) {
		sk_proc_kill((sk_handle_t)p, -1);
		sk_handle_close((sk_handle_t)p);
		return SK_ERRVAL(SK_E_NOMEM, 0);
	}
	return p;
}

/*
 * Start a boot module: a native Skiff program (it carries the Skiff ELF
 * note) directly, anything else as a Linux program under the library OS
 * (the module named "libos"), with argv = its name and boot arguments.
 */
static int64_t
start_module(const struct sk_boot_module *m, const struct sk_boot_module *libos,
    const sk_handle_t *hw, int64_t *pid)
{
	static const char *const envp[] = { "PATH=/bin:/sbin", "HOME=/root", "TERM=vt100", NULL };
	const char *argv[16];
	char args[sizeof(m->args)];
	int64_t r;
	int argc = 0;

	*pid = 0;
	if (is_native(m)) {
		sk_handle_t give[SK_START_HANDLES];
		int n = 0;
		int64_t p;

		for (; n < 3; n++)
			give[n] = hw[n];
		for (int id = SVC_UART; id < SVC_COUNT && SK_START_SVC + id - 1 < SK_START_HANDLES; id++)
			give[n++] = service_handle((enum sk_svc_id)id, SK_SVC_BADGE(SVC_TEST));
		p = sk_spawn_elf(m->vmo, m->size, m->name, 0, give, n, SK_PRIV_ALL);
		for (int i = 3; i < n; i++)
			if (give[i] != 0)
				sk_handle_close(give[i]);
		return p;
	}
	if (libos == NULL) {
		sk_printf("init: %s is not a native program and there is no libos module\n", m->name);
		return SK_ERRVAL(SK_E_INVAL, 0);
	}
	strlcpy(args, m->args, sizeof(args));
	argv[argc++] = m->name;
	for (char *p = args; *p != '\0' && argc < 15;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	argv[argc] = NULL;
	r = linux_start(m->vmo, m->size, libos, m->name, argv, envp, "/", NULL, 0, pid);
	return r;
}

/*
 * Wait for program p (Linux pid pid when proc knows it) to end,
 * restarting services that die meanwhile. A Linux program's end is its
 * pid's end, which proc reports (exec moves a pid to other kernel
 * processes); without proc, the kernel process's. Returns its wait status.
 */
int
wait_program(const struct sk_bootinfo *bi, sk_handle_t p, int64_t pid)
{
	sk_handle_t proc = pid > 0 ? service_handle(SVC_PROC, SK_SVC_BADGE(SVC_INIT)) : 0;
	struct sk_proc_info info;
	int64_t bits;
	int status = 0;

	if (proc == 0 && sk_obj_watch(p, watch_notif, WATCH_PROGRAM) < 0)
		return 0;
	for (;;) {
		if ((bits = sk_notif_wait(watch_notif, SK_FOREVER)) < 0)
			break;
		services_reap(bi, (uint64_t)bits & ~WATCH_PROGRAM);
		if (!(bits & WATCH_PROGRAM))
			continue;
		if (proc != 0) {
			struct sk_rpc m = { .label = PROC_WAIT };

			m.w[0] = (uint64_t)pid;
			m.w[1] = 1;	/* WNOHANG */
			if (sk_rpc(proc, &m, 5ull * 1000 * 1000 * 1000) == pid) {
				status = (int)m.r[1];
				break;
			}
			continue;
		}
		if (sk_proc_info(p, &info) >= 0 && info.state != SK_PROC_RUNNING) {
			status = info.state == SK_PROC_FAULTED ? 0x8b : (int)info.exit_code;
			break;
		}
	}
	if (proc != 0)
		sk_handle_close(proc);
	return status;
}

int
main(uint64_t arg)
{
	const struct sk_bootinfo *bi = (const struct sk_bootinfo *)arg;
	const struct sk_boot_module *libos = NULL;
	int nprogs = 0;
	int64_t n;

	if (bi->magic != SK_BOOTINFO_MAGIC) {
		sk_printf("init: bad boot information\n");
		return 1;
	}
	sk_printf("init: Skiff root task, %u CPUs, %u boot modules\n", bi->ncpus, bi->nmodules);
	if ((n = sk_notif_create()) < 0) {
		sk_printf("init: cannot create a notification\n");
		return 1;
	}
	watch_notif = (sk_handle_t)n;
	for (uint32_t i = 0; i < bi->nmodules; i++)
		if (strcmp(bi->modules[i].name, "libos") == 0)
			libos = &bi->modules[i];
	init_ep = svc_serve(bi);
	services_start(bi);
	for (uint32_t i = 0; i < bi->nmodules; i++) {
		const struct sk_boot_module *m = &bi->modules[i];
		/* For now every program gets the hardware: I/O ports, MMIO, IRQs. */
		sk_handle_t hw[3] = { bi->ioports, bi->mmio, bi->irqs };
		struct sk_proc_info info;
		int64_t p, pid;
		int st;

		if (m == libos || is_service_module(bi, m))
			continue;
		nprogs++;
		if ((p = start_module(m, libos, hw, &pid)) < 0) {
			sk_printf("init: cannot start %s: %s (argument %d)\n", m->name,
			    sk_errname(SK_ERR(p)), SK_ERRARG(p));
			continue;
		}
		sk_printf("init: started %s\n", m->name);
		st = wait_program(bi, (sk_handle_t)p, pid);
		if (pid > 0)
			sk_printf("init: %s (pid %ld) ended with wait status 0x%x\n", m->name,
			    (long)pid, st);
		else if (sk_proc_info((sk_handle_t)p, &info) >= 0)
			sk_printf("init: %s %s with status %ld\n", m->name,
			    state_name(info.state), (long)info.exit_code);
		sk_handle_close((sk_handle_t)p);
	}
	if (nprogs == 0) {
		console_session(bi, libos);
		if (exec_mode(bi))
			power_off(bi);
		sk_printf("init: supervising the services\n");
		for (;;) {
			int64_t bits = sk_notif_wait(watch_notif, SK_FOREVER);

			if (bits > 0)
				services_reap(bi, (uint64_t)bits);
		}
	}
	power_off(bi);
	return 0;
}
