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
#include "kernel/bkl.h"
#include "kernel/thread.h"

struct cpu cpus[MAX_CPUS];
int ncpus = 1;

void kmain(uint32_t magic, uint64_t mbi);
void roottask_start(void);

void
kmain(uint32_t magic, uint64_t mbi)
{
	struct cpu *c = &cpus[0];

	serial_init();
	printk("\nSkiff kernel booting\n");
	boot_info_parse(magic, mbi);
	serial_configure(boot_info.cmdline);
	pmm_init();
	vm_init();
	cpu_init_features();
	idt_init();
	c->id = 0;
	cpu_init_tables(c);
	cpu_print_features();
	acpi_init();
	lapic_init();
	ioapic_init();
	clock_init();

	/* The boot stack becomes CPU 0's idle thread. */
	sched_init_cpu();
	c->idle = thread_create_idle(0);
	c->current = c->idle;
	c->online = true;

	smp_boot_aps();
	printk("smp: %d CPUs online\n", ncpus);

	bkl_acquire();
	roottask_start();
	bkl_release();
	lapic_timer_start(HZ);
	cpu_idle_loop();
}
