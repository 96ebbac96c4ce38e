/*
 * The service table and starting services (abi/skiff/proto/svc.h).
 *
 * A service runs when the boot image has a module with its name. init
 * creates every present service's endpoint before starting any, so a
 * service may call a dependency that has not reached its receive loop yet
 * (the call waits in the endpoint's queue). Services start in table
 * order, which lists dependencies first. Every service is a musl
 * program carrying the service note, run under the libos module as a
 * service (exec_service).
 */
#include "servers/init/init.h"
#include "lib/common/elf.h"
#include "abi/skiff/proto/exec.h"

/* Extras a service gets after its dependencies. */
enum extra { X_NONE = 0, X_COM1_PORTS, X_COM1_IRQ, X_INITRD, X_CMOS_PORTS };

struct service_def {
	const char *name;
	enum sk_svc_id id;
	enum sk_svc_id deps[4];
	enum extra extras[2];
};

static const struct service_def defs[] = {
	{ "rtc",	SVC_RTC,	{ 0 },				{ X_CMOS_PORTS } },
	{ "uart16550",	SVC_UART,	{ 0 },				{ X_COM1_PORTS, X_COM1_IRQ } },
	{ "proc",	SVC_PROC,	{ 0 },				{ 0 } },
	{ "tty",	SVC_TTY,	{ SVC_UART, SVC_PROC },		{ 0 } },
	{ "ramfs",	SVC_RAMFS,	{ 0 },				{ X_INITRD } },
	{ "devfs",	SVC_DEVFS,	{ SVC_TTY, SVC_RTC },		{ 0 } },
	{ "pipe",	SVC_PIPE,	{ 0 },				{ 0 } },
	{ "procfs",	SVC_PROCFS,	{ SVC_PROC },			{ 0 } },
	{ "vfs",	SVC_VFS,	{ SVC_RAMFS, SVC_DEVFS, SVC_PROCFS, SVC_PIPE }, { 0 } },
};
#define NDEFS	(sizeof(defs) / sizeof(defs[0]))

#define MAX_RESTARTS	20	/* then the service is left failed */

struct service svcs[SVC_COUNT];

const char *
service_name(const struct service *s)
{
	return s->def->name;
}

static const struct sk_boot_module *
find_module(const struct sk_bootinfo *bi, const char *name)
{
	for (uint32_t i = 0; i < bi->nmodules; i++)
		if (strcmp(bi->modules[i].name, name) == 0)
			return &bi->modules[i];
	return NULL;
}

/* The ramdisk: a module named "initrd" or "initrd.cpio". */
static const struct sk_boot_module *
find_initrd(const struct sk_bootinfo *bi)
{
	const struct sk_boot_module *m = find_module(bi, "initrd.cpio");

	return m != NULL ? m : find_module(bi, "initrd");
}

int
is_service_module(const struct sk_bootinfo *bi, const struct sk_boot_module *m)
{
	if (strcmp(m->name, "command") == 0)
		return 1;	/* tools/skiff-exec's command line: data, not a program */
	for (size_t i = 0; i < NDEFS; i++)
		if (strcmp(defs[i].name, m->name) == 0)
			return 1;
	return m == find_initrd(bi);
}

/* A send handle to service id for a caller known as badge, or 0. */
sk_handle_t
service_handle(enum sk_svc_id id, uint64_t badge)
{
	int64_t h;

	if (id <= SVC_NONE || id >= SVC_COUNT || svcs[id].ep == 0)
		return 0;
	if (badge == 0)		/* unbadged: a plain copy with fewer rights */
		h = sk_handle_dup(svcs[id].ep, SK_R_SEND | SK_R_DUP | SK_R_TRANSFER);
	else
		h = sk_ep_mint(svcs[id].ep, badge, SK_R_SEND | SK_R_DUP | SK_R_TRANSFER);
	return h < 0 ? 0 : (sk_handle_t)h;
}

static sk_handle_t
extra_handle(const struct sk_bootinfo *bi, enum extra x)
{
	const struct sk_boot_module *m;
	int64_t h = 0;

	switch (x) {
	/* The root ranges carry every right but SK_R_PHYS; so do their parts. */
	case X_COM1_PORTS:
		h = sk_range_split(bi->ioports, 0x3f8, 8, SK_R_ALL & ~SK_R_PHYS);
		break;
	case X_CMOS_PORTS:
		h = sk_range_split(bi->ioports, 0x70, 2, SK_R_ALL & ~SK_R_PHYS);
		break;
	case X_COM1_IRQ:
		h = sk_range_split(bi->irqs, 4, 1, SK_R_ALL & ~SK_R_PHYS);
		break;
	case X_INITRD:
		if ((m = find_initrd(bi)) != NULL)
			h = sk_handle_dup(m->vmo, SK_R_READ | SK_R_MAP | SK_R_DUP | SK_R_TRANSFER);
		break;
	case X_NONE:
		break;
	}
	return h < 0 ? 0 : (sk_handle_t)h;
}

/*
 * Run service s's program, a musl program carrying the service note,
 * under the libos as a service (SK_EXEC_F_SERVICE): argv is its name,
 * there is no environment and no descriptor (the libos points 0, 1 and 2
 * at the kernel log), and give[0..n) travel as its start handles.
 * Returns the process handle or an error. svc_lock is held.
 */
static int64_t
exec_service(const struct sk_bootinfo *bi, const struct service *s, const sk_handle_t *give,
    int n)
{
	static struct sk_exec_start st;
	const struct sk_boot_module *libos = find_module(bi, "libos");
	const char *argv[2] = { s->def->name, NULL };
	struct sk_exec_args a;

	if (libos == NULL) {
		sk_printf("init: no libos module to run %s under\n", s->def->name);
		return SK_ERRVAL(SK_E_NOENT, 0);
	}
	memset(&st, 0, sizeof(st));
	st.flags = SK_EXEC_F_SERVICE;
	st.umask = 022;
	st.nstart = (uint32_t)n;
	for (int i = 0; i < n; i++)
		st.start_h[i] = give[i];
	memset(&a, 0, sizeof(a));
	a.prog = s->vmo;
	a.prog_size = s->size;
	a.libos = libos->vmo;
	a.libos_size = libos->size;
	a.name = s->def->name;
	a.argv = argv;
	a.privs = SK_PRIV_ALL;
	a.start = &st;
	return sk_exec_linux(&a);
}

/*
 * Start service s (its endpoint exists). Returns the process handle or
 * an error; the handles made for it are closed again here (the new
 * process holds its own copies). svc_lock is held.
 */
int64_t
service_start(const struct sk_bootinfo *bi, struct service *s)
{
	const struct service_def *d = s->def;
	sk_handle_t give[SK_EXEC_START_HANDLES];
	int n = 0;
	int64_t p;

	give[n++] = s->ep;
	for (int i = 0; i < 4 && d->deps[i] != SVC_NONE; i++)
		give[n++] = service_handle(d->deps[i], SK_SVC_BADGE(d->id));
	for (int i = 0; i < 2 && d->extras[i] != X_NONE; i++)
		give[n++] = extra_handle(bi, d->extras[i]);
	if (program_note(s->vmo, s->size, ELF_NOTE_SKIFF_SERVICE) == 1) {
		p = exec_service(bi, s, give, n);
	} else {
		sk_printf("init: %s is not a Skiff service program\n", d->name);
		p = SK_ERRVAL(SK_E_INVAL, 0);
	}
	for (int i = 1; i < n; i++)
		if (give[i] != 0)
			sk_handle_close(give[i]);
	if (p >= 0) {
		s->proc = (sk_handle_t)p;
		s->state = SVC_ST_RUNNING;
		sk_obj_watch(s->proc, watch_notif, 1ull << d->id);
	} else {
		s->state = SVC_ST_FAILED;
	}
	return p;
}

/* Create the endpoints of every service in the boot image, then start them. */
void
services_start(const struct sk_bootinfo *bi)
{
	for (size_t i = 0; i < NDEFS; i++) {
		const struct sk_boot_module *m = find_module(bi, defs[i].name);
		struct service *s = &svcs[defs[i].id];
		int64_t ep;

		if (m == NULL)
			continue;
		if ((ep = sk_ep_create()) < 0) {
			sk_printf("init: cannot create an endpoint for %s: %s\n", defs[i].name,
			    sk_errname(SK_ERR(ep)));
			continue;
		}
		s->def = &defs[i];
		s->ep = (sk_handle_t)ep;
		s->vmo = m->vmo;
		s->size = m->size;
	}
	svc_lock();
	for (size_t i = 0; i < NDEFS; i++) {
		struct service *s = &svcs[defs[i].id];
		int64_t r;

		if (s->ep == 0)
			continue;
		if ((r = service_start(bi, s)) < 0)
			sk_printf("init: cannot start %s: %s (argument %d)\n", defs[i].name,
			    sk_errname(SK_ERR(r)), SK_ERRARG(r));
	}
	svc_unlock();
}

/*
 * A watched service process ended (bits of ids in the notification):
 * log how, and start it again on the same endpoint unless it was stopped
 * on purpose.
 */
void
services_reap(const struct sk_bootinfo *bi, uint64_t bits)
{
	svc_lock();
	for (int id = SVC_NONE + 1; id < SVC_COUNT; id++) {
		struct service *s = &svcs[id];
		struct sk_proc_info info;

		if (!(bits & (1ull << id)) || s->proc == 0)
			continue;
		if (sk_proc_info(s->proc, &info) < 0 || info.state == SK_PROC_RUNNING)
			continue;
		sk_handle_close(s->proc);
		s->proc = 0;
		if (s->state != SVC_ST_RUNNING)
			continue;	/* stopped by svc */
		s->restarts++;
		sk_printf("init: service %s %s (status %ld, address 0x%lx); restarting it (restart %u)\n",
		    s->def->name, info.state == SK_PROC_FAULTED ? "crashed" :
		    info.state == SK_PROC_KILLED ? "was killed" : "ended",
		    (long)info.exit_code, (unsigned long)info.fault_addr, s->restarts);
		if (s->restarts > MAX_RESTARTS) {
			sk_printf("init: %s keeps failing; giving up on it\n", s->def->name);
			s->state = SVC_ST_FAILED;
			continue;
		}
		if (service_start(bi, s) < 0)
			sk_printf("init: cannot restart %s\n", s->def->name);
	}
	svc_unlock();
}
