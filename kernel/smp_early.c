/* Placeholders until kernel/smp.c lands (uniprocessor, no timer). */
#include "kernel/kernel.h"
#include "kernel/smp.h"
#include "kernel/arch/x86.h"
uint32_t acpi_cpu_apic_ids[16];
int acpi_ncpus = 1;
int smp_cpu_id(void) { return 0; }
void smp_halt_others(void) {}
void acpi_init(void) {}
void lapic_init(void) {}
void lapic_eoi(void) {}
void lapic_timer_start(uint32_t hz) {}
uint32_t lapic_id(void) { return 0; }
void ipi_send(int cpu, uint8_t vector) {}
void smp_boot_aps(void) {}
void ioapic_init(void) { outb(0x21, 0xff); outb(0xa1, 0xff); }
void ioapic_route(uint32_t irq, uint8_t vector, uint32_t apic_id) {}
void ioapic_mask(uint32_t irq, bool masked) {}
static uint64_t tsc0;
uint64_t clock_ns(void) { return (rdtsc() - tsc0) / 2; }
void clock_init(void) { tsc0 = rdtsc(); }
