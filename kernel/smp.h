/*
 * Local APIC, I/O APIC and multiprocessor start-up.
 *
 * Interrupt vectors: 0x20 LAPIC timer, 0x30 + n for I/O APIC input n,
 * 0xF0 reschedule IPI, 0xF1 TLB shootdown IPI, 0xF2 halt IPI (panic),
 * 0xFF spurious.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "kernel/kernel.h"

#define VEC_TIMER	0x20
#define VEC_IRQ_BASE	0x30
#define NR_IRQS		24
#define VEC_RESCHED	0xF0
#define VEC_TLB		0xF1
#define VEC_HALT	0xF2
#define VEC_SPURIOUS	0xFF

void acpi_init(void);		/* finds the LAPIC, I/O APIC and CPUs */
void lapic_init(void);		/* this CPU's LAPIC */
void lapic_eoi(void);
void lapic_timer_start(uint32_t hz);	/* periodic, calibrated */
uint32_t lapic_id(void);
void ipi_send(int cpu, uint8_t vector);
void smp_boot_aps(void);	/* starts every other CPU */
int smp_cpu_id(void);		/* works before per-CPU data is set up */
void smp_halt_others(void);

void ioapic_init(void);
void ioapic_route(uint32_t irq, uint8_t vector, uint32_t apic_id);
void ioapic_mask(uint32_t irq, bool masked);

/* Time since boot in nanoseconds (TSC based, calibrated at boot). */
uint64_t clock_ns(void);
void clock_init(void);

extern uint32_t acpi_cpu_apic_ids[];
extern int acpi_ncpus;

#endif
