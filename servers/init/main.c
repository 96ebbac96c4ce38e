/*
 * init, the root task. For now it starts every boot module handed to it as
 * a program (in boot order, with all of init's privileges and handles to
 * the I/O ports, device memory and IRQ lines), waits for them
 * to finish, reports how each ended and powers the machine off through
 * QEMU's isa-debug-exit port (or halts where there is none).
 */
#include "sk.h"
#include "lib/common/elf.h"

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

static void
power_off(const struct sk_bootinfo *bi)
{
	if (sk_ioport_enable(bi->ioports) >= 0)
		__asm__ volatile("outb %0, %1" :: "a"((uint8_t)0), "Nd"((uint16_t)0xf4));
	sk_printf("init: power off not available; halting\n");
	for (;;)
		sk_sleep(SK_FOREVER);
}

/* Whether module m is a native Skiff program (it carries the Skiff note). */
static int
is_native(const struct sk_boot_module *m)
{
	uint64_t len = (m->size + 4095) & ~4095ull;
	int64_t va = sk_as_map(SK_H_SELF_AS, 0, len, m->vmo, 0, SK_PROT_READ);
	int native;

	if (va < 0)
		return 1;	/* sk_spawn_elf will report the problem */
	native = elf_has_note((const void *)va, m->size, ELF_NOTE_SKIFF, ELF_NOTE_SKIFF_NATIVE);
	sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, len);
	return native;
}

/*
 * Start a boot module: a native Skiff program (it carries the Skiff ELF
 * note) directly, anything else as a Linux program under the library OS
 * (the module named "libos"), with argv = its name and boot arguments.
 */
static int64_t
start_module(const struct sk_boot_module *m, const struct sk_boot_module *libos,
    const sk_handle_t *hw)
{
	static const char *const envp[] = { "PATH=/bin:/sbin", "HOME=/root", "TERM=vt100", NULL };
	const char *argv[16];
	char args[sizeof(m->args)];
	int64_t r;
	int argc = 0;

	if (is_native(m))
		return sk_spawn_elf(m->vmo, m->size, m->name, 0, hw, 3, SK_PRIV_ALL);
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
	r = sk_exec_linux(m->vmo, m->size, libos->vmo, libos->size, m->name, argv, envp, 0);
	return r;
}

int
main(uint64_t arg)
{
	const struct sk_bootinfo *bi = (const struct sk_bootinfo *)arg;
	const struct sk_boot_module *libos = NULL;
	int64_t procs[SK_BOOT_MAX_MODULES];

	if (bi->magic != SK_BOOTINFO_MAGIC) {
		sk_printf("init: bad boot information\n");
		return 1;
	}
	sk_printf("init: Skiff root task, %u CPUs, %u boot modules\n", bi->ncpus, bi->nmodules);
	for (uint32_t i = 0; i < bi->nmodules; i++)
		if (strcmp(bi->modules[i].name, "libos") == 0)
			libos = &bi->modules[i];
	for (uint32_t i = 0; i < bi->nmodules; i++) {
		const struct sk_boot_module *m = &bi->modules[i];
		/* For now every program gets the hardware: I/O ports, MMIO, IRQs. */
		sk_handle_t hw[3] = { bi->ioports, bi->mmio, bi->irqs };

		if (libos != NULL && m == libos) {
			procs[i] = -1;
			continue;
		}
		procs[i] = start_module(m, libos, hw);
		/*
		 * A Linux program started at boot runs to its end before the
		 * next module starts, so that (for now) boot-time commands and
		 * the test suite do not run into each other.
		 */
		if (procs[i] >= 0 && !is_native(m)) {
			struct sk_proc_info info;

			sk_proc_wait((sk_handle_t)procs[i], SK_FOREVER, &info);
		}
		if (procs[i] < 0)
			sk_printf("init: cannot start %s: %s (argument %d)\n", m->name,
			    sk_errname(SK_ERR(procs[i])), SK_ERRARG(procs[i]));
		else
			sk_printf("init: started %s\n", m->name);
	}
	for (uint32_t i = 0; i < bi->nmodules; i++) {
		struct sk_proc_info info;

		if (procs[i] < 0)
			continue;
		if (sk_proc_wait((sk_handle_t)procs[i], SK_FOREVER, &info) < 0)
			continue;
		sk_printf("init: %s %s with status %ld\n", bi->modules[i].name,
		    state_name(info.state), (long)info.exit_code);
		sk_handle_close((sk_handle_t)procs[i]);
	}
	if (bi->nmodules == 0)
		sk_printf("init: nothing to run (no boot modules)\n");
	power_off(bi);
	return 0;
}
