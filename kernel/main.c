/*
 * kmain: the boot CPU's path from the boot loader to the first user
 * process. The order matters: memory first, then CPU tables, interrupts,
 * the other CPUs, and finally the root task.
 */
#include "kernel/kernel.h"
#include "kernel/multiboot.h"
#include "kernel/pmm.h"
#include "kernel/vm.h"
#include "kernel/heap.h"
#include "kernel/cpu.h"
#include "kernel/smp.h"

struct cpu cpus[MAX_CPUS];
int ncpus = 1;

void kmain(uint32_t magic, uint64_t mbi);

void
kmain(uint32_t magic, uint64_t mbi)
{
	serial_init();
	printk("\nSkiff kernel booting\n");
	boot_info_parse(magic, mbi);
	pmm_init();
	vm_init();
	cpu_init_features();
	idt_init();
	cpus[0].id = 0;
	cpu_init_tables(&cpus[0]);
	cpu_print_features();
	acpi_init();
	lapic_init();
	ioapic_init();
	clock_init();
	/*
	 * The boot CPU's LAPIC timer (lapic_timer_start(HZ)) is started only
	 * once the scheduler exists: until then kernel code runs with
	 * interrupts disabled and nothing could take the tick.
	 */
	smp_boot_aps();
	printk("smp: %d CPUs online\n", ncpus);
	printk("skiff: boot ok, cmdline '%s', %d modules\n", boot_info.cmdline,
	    boot_info.nmodules);
	for (;;)
		__asm__ volatile("cli; hlt");
}
