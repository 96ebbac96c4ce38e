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

/*
 * What acpi_init() found in the MADT, or the PC defaults when the tables
 * are missing or malformed. ISA IRQ n is wired to I/O APIC input
 * acpi_isa_irqs[n].gsi - acpi_ioapic_gsi_base with the given polarity and
 * trigger mode.
 */
struct acpi_isa_irq {
	uint32_t gsi;
	bool active_low;
	bool level;
};

extern uint64_t acpi_lapic_pa;
extern uint64_t acpi_ioapic_pa;
extern uint32_t acpi_ioapic_gsi_base;
extern struct acpi_isa_irq acpi_isa_irqs[16];

/*
 * PIT channel 2 as a one-shot stopwatch (kernel/clock.c), for calibrating
 * the TSC and the LAPIC timer. pit_oneshot_arm() loads a count of PIT
 * ticks (1193182 Hz) with the gate closed; pit_oneshot_start() opens the
 * gate; pit_oneshot_wait() returns true once the count has run out, or
 * false if the PIT never signalled (no usable PIT).
 */
#define PIT_HZ		1193182u
void pit_oneshot_arm(uint16_t ticks);
void pit_oneshot_start(void);
bool pit_oneshot_wait(void);

/* Raw ICR message (INIT, start-up) to an APIC id (kernel/lapic.c). */
bool lapic_send_raw(uint32_t apic_id, uint32_t icr_lo);

/* LAPIC timer calibration (kernel/lapic.c), run once on the boot CPU. */
void lapic_timer_calibrate(void);
uint64_t lapic_timer_hz(void);	/* timer counts per second, 0 if unknown */

/* The boot CPU's TSC frequency in Hz, 0 before clock_init(). */
uint64_t clock_tsc_hz(void);

/*
 * Entered by each application processor once it is set up; provided by
 * the scheduler. Runs with interrupts disabled and never returns.
 */
void sched_ap_start(void) __attribute__((noreturn));

#endif
