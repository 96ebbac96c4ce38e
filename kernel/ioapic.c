/*
 * The I/O APIC that serves the ISA interrupts (the one acpi_init() chose,
 * with the lowest GSI base), and the retirement of the legacy 8259 pair.
 * IRQ numbers here are ISA numbers below 16, translated through the MADT
 * interrupt source overrides, and GSIs from 16 up to NR_IRQS - 1. Every
 * input starts masked; a driver unmasks its line once it has a handler.
 */
#include "kernel/kernel.h"
#include "kernel/smp.h"
#include "kernel/vm.h"
#include "kernel/spinlock.h"
#include "kernel/arch/x86.h"

#define IOREGSEL	0x00
#define IOWIN		0x10

#define IOAPIC_ID	0x00
#define IOAPIC_VER	0x01
#define IOAPIC_REDTBL(n)	(0x10 + 2 * (n))

#define RTE_ACTIVE_LOW	(1u << 13)
#define RTE_LEVEL	(1u << 15)
#define RTE_MASKED	(1u << 16)

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xA0
#define PIC2_DATA	0xA1

static volatile uint32_t *ioapic;	/* NULL until ioapic_init() */
static uint32_t npins;			/* redirection entries */
static struct spinlock ioapic_lock = SPINLOCK_INIT;

static uint32_t
ioapic_read(uint32_t reg)
{
	ioapic[IOREGSEL / 4] = reg;
	return ioapic[IOWIN / 4];
}

static void
ioapic_write(uint32_t reg, uint32_t v)
{
	ioapic[IOREGSEL / 4] = reg;
	ioapic[IOWIN / 4] = v;
}

static void
io_wait(void)
{
	outb(0x80, 0);		/* an unused port: gives the 8259 time */
}

/*
 * Reprogram the two 8259s to vectors 0x20-0x2F, so that a stray
 * interrupt cannot look like an exception, and mask every line.
 */
static void
pic_disable(void)
{
	outb(PIC1_CMD, 0x11);	/* ICW1: edge, cascade, ICW4 follows */
	io_wait();
	outb(PIC2_CMD, 0x11);
	io_wait();
	outb(PIC1_DATA, 0x20);	/* ICW2: vector base */
	io_wait();
	outb(PIC2_DATA, 0x28);
	io_wait();
	outb(PIC1_DATA, 0x04);	/* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, 0x02);	/* ICW3: slave identity */
	io_wait();
	outb(PIC1_DATA, 0x01);	/* ICW4: 8086 mode */
	io_wait();
	outb(PIC2_DATA, 0x01);
	io_wait();
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

/*
 * Mask the 8259s and every I/O APIC input. Must run on the boot CPU
 * after acpi_init() and before any IRQ is routed.
 */
void
ioapic_init(void)
{
	pic_disable();
	ioapic = vm_map_mmio(acpi_ioapic_pa, PAGE_SIZE);
	npins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	for (uint32_t i = 0; i < npins; i++) {
		ioapic_write(IOAPIC_REDTBL(i) + 1, 0);
		ioapic_write(IOAPIC_REDTBL(i), RTE_MASKED);
	}
	printk("ioapic: id %u, %u inputs from GSI %u, all masked; 8259s masked\n",
	    (ioapic_read(IOAPIC_ID) >> 24) & 0xf, npins, acpi_ioapic_gsi_base);
}

/*
 * Translate irq to this I/O APIC's input and its polarity and trigger
 * mode. ISA IRQs default to active high, edge; other GSIs (PCI) are
 * active low, level. Returns false if the input does not exist here.
 */
static bool
irq_to_pin(uint32_t irq, uint32_t *pin, uint32_t *mode)
{
	uint32_t gsi;

	if (irq >= NR_IRQS || ioapic == NULL)
		return false;
	if (irq < 16) {
		gsi = acpi_isa_irqs[irq].gsi;
		*mode = (acpi_isa_irqs[irq].active_low ? RTE_ACTIVE_LOW : 0) |
		    (acpi_isa_irqs[irq].level ? RTE_LEVEL : 0);
	} else {
		gsi = irq;
		*mode = RTE_ACTIVE_LOW | RTE_LEVEL;
	}
	if (gsi < acpi_ioapic_gsi_base || gsi - acpi_ioapic_gsi_base >= npins)
		return false;
	*pin = gsi - acpi_ioapic_gsi_base;
	return true;
}

/*
 * Route irq to the given vector on the CPU with the given APIC id, fixed
 * delivery, physical destination, left masked. An IRQ this I/O APIC does
 * not serve is reported and ignored.
 */
void
ioapic_route(uint32_t irq, uint8_t vector, uint32_t apic_id)
{
	uint32_t pin, mode;

	if (vector < 0x20 || apic_id >= 0xFF)
		panic("ioapic_route: bad vector 0x%x or APIC id %u", vector, apic_id);
	if (!irq_to_pin(irq, &pin, &mode)) {
		printk("ioapic: IRQ %u has no input on this I/O APIC\n", irq);
		return;
	}
	spin_lock_raw(&ioapic_lock);
	ioapic_write(IOAPIC_REDTBL(pin), RTE_MASKED);
	ioapic_write(IOAPIC_REDTBL(pin) + 1, apic_id << 24);
	ioapic_write(IOAPIC_REDTBL(pin), RTE_MASKED | mode | vector);
	spin_unlock_raw(&ioapic_lock);
}

/* Mask or unmask irq; an IRQ without an input here is ignored. */
void
ioapic_mask(uint32_t irq, bool masked)
{
	uint32_t pin, mode, v;

	if (!irq_to_pin(irq, &pin, &mode)) {
		printk("ioapic: IRQ %u has no input on this I/O APIC\n", irq);
		return;
	}
	spin_lock_raw(&ioapic_lock);
	v = ioapic_read(IOAPIC_REDTBL(pin));
	if (masked)
		v |= RTE_MASKED;
	else
		v &= ~RTE_MASKED;
	ioapic_write(IOAPIC_REDTBL(pin), v);
	spin_unlock_raw(&ioapic_lock);
}
