/*
 * Hardware resources: IRQ lines bound to notifications (driven by the
 * RTC's periodic interrupt), I/O port ranges and device memory (MMIO).
 * The handles come from init through ktest (given[], see ktest.h).
 */
#include "ktest.h"

#define SEC	1000000000ull
#define MS	1000000ull

#define RTC_PORT	0x70	/* CMOS index; data at 0x71 */
#define RTC_IRQ		8
#define LAPIC_PA	0xfee00000ull
#define IOAPIC_PA	0xfec00000ull

static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void
outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static uint8_t
cmos_read(uint8_t reg)
{
	outb(RTC_PORT, reg);
	return inb(RTC_PORT + 1);
}

static void
cmos_write(uint8_t reg, uint8_t v)
{
	outb(RTC_PORT, reg);
	outb(RTC_PORT + 1, v);
}

KTEST(irq_rtc_bind_ack_unbind)
{
	sk_handle_t io = KT_HW(given, KT_IOPORTS), irqs = KT_HW(given, KT_IRQS);
	int64_t rtcio, irq, irq2, n, n2, r, t0;
	uint8_t b;

	rtcio = sk_range_split(io, RTC_PORT, 2, SK_R_MANAGE);
	CHECK_OK(rtcio);
	CHECK_OK(sk_ioport_enable((sk_handle_t)rtcio));
	n = sk_notif_create();
	n2 = sk_notif_create();
	irq = sk_range_split(irqs, RTC_IRQ, 1, SK_R_MANAGE);
	irq2 = sk_range_split(irqs, RTC_IRQ, 1, SK_R_MANAGE);
	CHECK_OK(n);
	CHECK_OK(n2);
	CHECK_OK(irq);
	CHECK_OK(irq2);

	/* Bad binds change nothing. */
	CHECK_ERR(sk_irq_bind((sk_handle_t)irq, RTC_IRQ + 1, (sk_handle_t)n, 1), SK_E_RANGE, 2);
	CHECK_ERR(sk_irq_bind((sk_handle_t)irq, 24, (sk_handle_t)n, 1), SK_E_RANGE, 2);
	CHECK_ERR(sk_irq_bind((sk_handle_t)irq, RTC_IRQ, (sk_handle_t)n, 0), SK_E_INVAL, 4);
	CHECK_ERR(sk_irq_bind((sk_handle_t)irq, RTC_IRQ, (sk_handle_t)n, 1ull << 63), SK_E_INVAL, 4);
	CHECK_ERR(sk_irq_bind((sk_handle_t)irq, RTC_IRQ, (sk_handle_t)irq2, 1), SK_E_WRONGTYPE, 3);
	CHECK_ERR(sk_irq_bind((sk_handle_t)n, RTC_IRQ, (sk_handle_t)n, 1), SK_E_WRONGTYPE, 1);
	CHECK_ERR(sk_irq_ack((sk_handle_t)irq, RTC_IRQ), SK_E_RANGE, 2);	/* not bound */

	/* Periodic interrupt at 1024 Hz; reading register C acknowledges it. */
	cmos_read(0x0c);
	CHECK_OK(sk_irq_bind((sk_handle_t)irq, RTC_IRQ, (sk_handle_t)n, 0x4));
	cmos_write(0x0a, (uint8_t)((cmos_read(0x0a) & 0xf0) | 6));
	b = cmos_read(0x0b);
	cmos_write(0x0b, (uint8_t)(b | 0x40));
	r = sk_notif_wait((sk_handle_t)n, 5 * SEC);
	if (r < 0)
		FAIL("no RTC interrupt within 5 s: %s", sk_errname(SK_ERR(r)));
	CHECK(r == 0x4);
	CHECK((cmos_read(0x0c) & 0x40) != 0);	/* the periodic flag was set */
	CHECK_OK(sk_irq_ack((sk_handle_t)irq, RTC_IRQ));
	r = sk_notif_wait((sk_handle_t)n, 5 * SEC);
	if (r < 0)
		FAIL("no second RTC interrupt after irq_ack: %s", sk_errname(SK_ERR(r)));
	CHECK(r == 0x4);
	cmos_read(0x0c);

	/* One owner per line; a handle that does not own it cannot ack it. */
	CHECK_ERR(sk_irq_bind((sk_handle_t)irq2, RTC_IRQ, (sk_handle_t)n2, 1), SK_E_BUSY, 2);
	CHECK_ERR(sk_irq_ack((sk_handle_t)irq2, RTC_IRQ), SK_E_RANGE, 2);

	/* Closing the owner's handle unbinds the line: another can bind it. */
	CHECK_OK(sk_handle_close((sk_handle_t)irq));
	CHECK_ERR(sk_irq_ack((sk_handle_t)irq, RTC_IRQ), SK_E_CLOSED, 1);
	CHECK_OK(sk_irq_bind((sk_handle_t)irq2, RTC_IRQ, (sk_handle_t)n2, 0x1));
	r = sk_notif_wait((sk_handle_t)n2, 5 * SEC);
	if (r < 0)
		FAIL("no RTC interrupt for the new binding: %s", sk_errname(SK_ERR(r)));
	CHECK(r == 0x1);
	/* The old notification gets nothing any more. */
	CHECK_ERR(sk_notif_wait((sk_handle_t)n, 20 * MS), SK_E_TIMEOUT, -1);

	/* Stop the RTC, unbind, and see that the clock still ticks. */
	cmos_write(0x0b, (uint8_t)(b & ~0x40));
	cmos_read(0x0c);
	CHECK_OK(sk_handle_close((sk_handle_t)irq2));
	t0 = sk_clock();
	CHECK_OK(sk_sleep(5 * MS));
	CHECK(sk_clock() - t0 >= (int64_t)(5 * MS));
	return 0;
}

/* Read CMOS register D (bit 7 is always set) with or without permission. */
static int
port_child(uint64_t port, const sk_handle_t *h)
{
	if (h != NULL && h[0] != 0 && sk_ioport_enable(h[0]) < 0)
		return 2;
	outb(RTC_PORT, 0x0d);
	return (inb((uint16_t)port) & 0x80) ? 0 : 3;
}

static void
expect_gp(sk_handle_t *give, int ngive, uint64_t port, const char *what)
{
	struct sk_proc_info pi;
	int64_t p = sk_spawn_fn("port-child", port_child, port, give, ngive, 0);

	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	if (pi.state != SK_PROC_FAULTED || pi.exit_code != 13)
		FAIL("%s: child ended in state %u with %ld, expected a #GP (vector 13)",
		    what, pi.state, (long)pi.exit_code);
	CHECK_OK(sk_handle_close((sk_handle_t)p));
}

KTEST(ioport_enable_and_gp)
{
	sk_handle_t io = KT_HW(given, KT_IOPORTS), irqs = KT_HW(given, KT_IRQS);
	struct sk_proc_info pi;
	int64_t r, ro, n, p;
	sk_handle_t give[1];

	/* Splitting: inside the range, non-empty, rights a subset. */
	CHECK_ERR(sk_range_split(io, 65535, 2, SK_R_MANAGE), SK_E_RANGE, 2);
	CHECK_ERR(sk_range_split(io, 65536, 1, SK_R_MANAGE), SK_E_RANGE, 2);
	CHECK_ERR(sk_range_split(io, 0x70, 0, SK_R_MANAGE), SK_E_RANGE, 2);
	CHECK_ERR(sk_range_split(io, 0, ~0ull, SK_R_MANAGE), SK_E_RANGE, 2);
	CHECK_ERR(sk_range_split(io, 0x70, 2, SK_R_ALL), SK_E_RIGHTS, 4);
	r = sk_range_split(io, RTC_PORT, 2, SK_R_MANAGE | SK_R_DUP | SK_R_TRANSFER);
	CHECK_OK(r);
	CHECK_ERR(sk_range_split((sk_handle_t)r, 0x72, 1, SK_R_MANAGE), SK_E_RANGE, 2);

	/* Wrong handles. */
	n = sk_notif_create();
	CHECK_OK(n);
	ro = sk_handle_dup((sk_handle_t)r, SK_R_DUP);
	CHECK_OK(ro);
	CHECK_ERR(sk_ioport_enable((sk_handle_t)ro), SK_E_RIGHTS, 1);
	CHECK_ERR(sk_ioport_enable((sk_handle_t)n), SK_E_WRONGTYPE, 1);
	CHECK_ERR(sk_ioport_enable(irqs), SK_E_WRONGTYPE, 1);
	CHECK_ERR(sk_ioport_enable(0), SK_E_BADHANDLE, 1);
	CHECK_OK(sk_handle_close((sk_handle_t)ro));
	CHECK_ERR(sk_ioport_enable((sk_handle_t)ro), SK_E_CLOSED, 1);

	/* Without permission an in is a #GP, delivered as a fault. */
	expect_gp(NULL, 0, RTC_PORT + 1, "no ioport_enable");
	/* With 0x70-0x71 enabled, the port just past them still faults. */
	give[0] = (sk_handle_t)r;
	expect_gp(give, 1, RTC_PORT + 2, "port 0x72 outside the range");
	/* And the ports inside work. */
	p = sk_spawn_fn("port-child", port_child, RTC_PORT + 1, give, 1, 0);
	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
		FAIL("child with ports enabled ended in state %u with %ld", pi.state,
		    (long)pi.exit_code);
	CHECK_OK(sk_handle_close((sk_handle_t)p));

	/* Here too, across a reschedule. */
	CHECK_OK(sk_ioport_enable((sk_handle_t)r));
	outb(RTC_PORT, 0x0d);
	CHECK((inb(RTC_PORT + 1) & 0x80) != 0);
	CHECK_OK(sk_sleep(MS));
	outb(RTC_PORT, 0x0d);
	CHECK((inb(RTC_PORT + 1) & 0x80) != 0);
	return 0;
}

static int
poke_child(uint64_t va, const sk_handle_t *h)
{
	*(volatile uint32_t *)(va + 0x80) = 0;	/* LAPIC TPR, through a read-only map */
	return 0;
}

KTEST(mmio_map_rules)
{
	sk_handle_t mm = KT_HW(given, KT_MMIO);
	struct sk_proc_info pi;
	int64_t lapic, ioapic, ram, low, n, va, va2, p;
	volatile uint32_t *reg;
	uint32_t v;

	/* Splitting device memory takes whole pages below 2^40. */
	CHECK_ERR(sk_range_split(mm, LAPIC_PA + 1, 4096, SK_R_MAP), SK_E_ALIGN, 2);
	CHECK_ERR(sk_range_split(mm, LAPIC_PA, 100, SK_R_MAP), SK_E_ALIGN, 2);
	CHECK_ERR(sk_range_split(mm, 1ull << 40, 4096, SK_R_MAP), SK_E_RANGE, 2);
	lapic = sk_range_split(mm, LAPIC_PA, 4096, SK_R_MAP | SK_R_READ);
	ioapic = sk_range_split(mm, IOAPIC_PA, 4096, SK_R_MAP | SK_R_READ | SK_R_WRITE);
	ram = sk_range_split(mm, 0x100000, 4096, SK_R_MAP | SK_R_READ);	/* the kernel */
	low = sk_range_split(mm, 0x1000, 4096, SK_R_MAP | SK_R_READ);
	n = sk_notif_create();
	CHECK_OK(lapic);
	CHECK_OK(ioapic);
	CHECK_OK(ram);
	CHECK_OK(low);

	/* RAM is never device memory. */
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)ram, 0, 4096, 0, SK_PROT_READ), SK_E_RANGE, 3);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)low, 0, 4096, 0, SK_PROT_READ), SK_E_RANGE, 3);
	/* Alignment, length, protection, placement, handles. */
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 1, 4096, 0, SK_PROT_READ), SK_E_ALIGN, 3);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 0, 100, 0, SK_PROT_READ), SK_E_ALIGN, 4);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 0, 0, 0, SK_PROT_READ), SK_E_RANGE, 4);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 0, 8192, 0, SK_PROT_READ), SK_E_RANGE, 4);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 4096, 4096, 0, SK_PROT_READ), SK_E_RANGE, 4);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 1ull << 62, 4096, 0, SK_PROT_READ), SK_E_RANGE, 4);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 0, 4096, 0, SK_PROT_READ | SK_PROT_EXEC), SK_E_INVAL, 6);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 0, 4096, 123, SK_PROT_READ), SK_E_ALIGN, 5);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 0, 4096, 0xffff800000000000ull, SK_PROT_READ), SK_E_RANGE, 5);
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)n, 0, 4096, 0, SK_PROT_READ), SK_E_WRONGTYPE, 2);
	CHECK_ERR(sk_mmio_map((sk_handle_t)n, (sk_handle_t)lapic, 0, 4096, 0, SK_PROT_READ), SK_E_WRONGTYPE, 1);
	/* A handle without SK_R_WRITE maps read-only, and stays read-only. */
	CHECK_ERR(sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 0, 4096, 0, SK_PROT_READ | SK_PROT_WRITE), SK_E_RIGHTS, 2);

	va = sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)lapic, 0, 4096, 0, SK_PROT_READ);
	CHECK_OK(va);
	v = ((volatile uint32_t *)va)[0x30 / 4];	/* LAPIC version */
	if ((v & 0xff) < 0x10 || (v & 0xff) > 0x15 || ((v >> 16) & 0xff) < 3)
		FAIL("LAPIC version register reads 0x%x through the mapping", v);
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, (uint64_t)va, 4096, SK_PROT_READ | SK_PROT_WRITE), SK_E_RIGHTS, 4);
	CHECK_ERR(sk_as_protect(SK_H_SELF_AS, (uint64_t)va, 4096, SK_PROT_READ | SK_PROT_EXEC), SK_E_RIGHTS, 4);
	/* The kernel does not copy through device memory. */
	CHECK_ERR(sk_debug_log((void *)va, 4), SK_E_FAULT, 1);
	/* A write through the read-only map faults (in a child with the same map). */
	p = sk_spawn_fn("poke", poke_child, (uint64_t)va, NULL, 0, 0);
	CHECK_OK(p);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 10 * SEC, &pi));
	if (pi.state != SK_PROC_FAULTED || pi.exit_code != 14 || pi.fault_addr != (uint64_t)va + 0x80)
		FAIL("write to a read-only MMIO map: child state %u, %ld at 0x%lx; expected a page fault",
		    pi.state, (long)pi.exit_code, (unsigned long)pi.fault_addr);
	CHECK_OK(sk_handle_close((sk_handle_t)p));
	CHECK_OK(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va, 4096));

	/*
	 * Read-write: select I/O APIC register 1 (version) and read it. No
	 * IRQ is bound while this runs, so the kernel is not using the
	 * I/O APIC's index register at the same time.
	 */
	va2 = sk_mmio_map(SK_H_SELF_AS, (sk_handle_t)ioapic, 0, 4096, 0, SK_PROT_READ | SK_PROT_WRITE);
	CHECK_OK(va2);
	reg = (volatile uint32_t *)va2;
	reg[0] = 1;
	v = reg[4];
	if (((v >> 16) & 0xff) != 23)
		FAIL("I/O APIC version register reads 0x%x; expected 24 redirection entries", v);
	CHECK_OK(sk_as_unmap(SK_H_SELF_AS, (uint64_t)va2, 4096));
	return 0;
}

/*
 * ioport_enable is for the whole process: a thread of it that is already
 * running on another CPU gets the ports too.
 */
static volatile int spin_go, spin_ready;
static volatile int64_t spin_result;
static uint64_t spin_stack[1024] __attribute__((aligned(16)));

static void __attribute__((noreturn))
spin_thread(uint64_t arg)
{
	spin_ready = 1;
	while (!spin_go)
		__asm__ volatile("pause");
	outb(RTC_PORT, 0x0d);
	spin_result = inb(RTC_PORT + 1);
	sk_thread_exit(0);
	for (;;)
		;
}

static int
two_thread_child(uint64_t arg, const sk_handle_t *h)
{
	int64_t th, n = sk_notif_create();

	th = sk_thread_create(SK_H_SELF_PROC, (void *)spin_thread,
	    (uint64_t)&spin_stack[1023], 0, 0, SK_PRIO_DEFAULT);
	if (th < 0 || n < 0 || sk_obj_watch((sk_handle_t)th, (sk_handle_t)n, 1) < 0)
		return 2;
	while (!spin_ready)
		__asm__ volatile("pause");
	if (sk_ioport_enable(h[0]) < 0)
		return 3;
	spin_go = 1;
	if (sk_notif_wait((sk_handle_t)n, 10 * SEC) < 0)
		return 4;
	return (spin_result & 0x80) ? 0 : 5;
}

KTEST(ioport_enable_all_threads)
{
	sk_handle_t io = KT_HW(given, KT_IOPORTS);
	struct sk_proc_info pi;
	int64_t r, p;
	sk_handle_t give[1];

	r = sk_range_split(io, RTC_PORT, 2, SK_R_MANAGE | SK_R_TRANSFER);
	CHECK_OK(r);
	give[0] = (sk_handle_t)r;
	for (int i = 0; i < 5; i++) {
		spin_go = 0;
		spin_ready = 0;
		p = sk_spawn_fn("two-threads", two_thread_child, 0, give, 1, 0);
		CHECK_OK(p);
		CHECK_OK(sk_proc_wait((sk_handle_t)p, 20 * SEC, &pi));
		if (pi.state != SK_PROC_EXITED || pi.exit_code != 0)
			FAIL("round %d: a thread running during ioport_enable: state %u, %ld (13 = #GP)",
			    i, pi.state, (long)pi.exit_code);
		CHECK_OK(sk_handle_close((sk_handle_t)p));
	}
	return 0;
}
