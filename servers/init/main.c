/*
 * init, the root task. For now it starts every boot module handed to it as
 * a program (in boot order, with all of init's privileges and handles to
 * the I/O ports, device memory and IRQ lines), waits for them
 * to finish, reports how each ended and powers the machine off through
 * QEMU's isa-debug-exit port (or halts where there is none).
 */
#include "sk.h"

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

int
main(uint64_t arg)
{
	const struct sk_bootinfo *bi = (const struct sk_bootinfo *)arg;
	int64_t procs[SK_BOOT_MAX_MODULES];

	if (bi->magic != SK_BOOTINFO_MAGIC) {
		sk_printf("init: bad boot information\n");
		return 1;
	}
	sk_printf("init: Skiff root task, %u CPUs, %u boot modules\n", bi->ncpus, bi->nmodules);
	for (uint32_t i = 0; i < bi->nmodules; i++) {
		const struct sk_boot_module *m = &bi->modules[i];
		/* For now every program gets the hardware: I/O ports, MMIO, IRQs. */
		sk_handle_t hw[3] = { bi->ioports, bi->mmio, bi->irqs };

		procs[i] = sk_spawn_elf(m->vmo, m->size, m->name, 0, hw, 3, SK_PRIV_ALL);
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
