/*
 * The local APIC in xAPIC mode, through its MMIO page. Every CPU's LAPIC
 * sits at the same physical address; the boot CPU maps that page once
 * (uncached) and the others reuse the mapping. The timer runs from the
 * bus clock divided by 16; its rate is measured once against the PIT on
 * the boot CPU and assumed equal on every CPU.
 */
#include "kernel/kernel.h"
#include "kernel/smp.h"
#include "kernel/cpu.h"
#include "kernel/vm.h"
#include "kernel/arch/x86.h"

#define LAPIC_ID	0x020
#define LAPIC_VERSION	0x030
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0B0
#define LAPIC_SVR	0x0F0
#define LAPIC_ESR	0x280
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_PERF	0x340
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERROR	0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	0x390
#define LAPIC_TIMER_DIV	0x3E0

#define SVR_ENABLE	(1u << 8)
#define LVT_MASKED	(1u << 16)
#define LVT_PERIODIC	(1u << 17)
#define LVT_NMI		(4u << 8)
#define ICR_PENDING	(1u << 12)	/* delivery status: send pending */
#define ICR_ASSERT	(1u << 14)
#define TIMER_DIV_16	0x3

#define APIC_BASE_BSP	(1u << 8)
#define APIC_BASE_EXTD	(1u << 10)	/* x2APIC mode */
#define APIC_BASE_EN	(1u << 11)
#define APIC_BASE_ADDR	0x000ffffffffff000ull

#define CAL_TICKS	29830		/* 25 ms of PIT ticks per run */
#define CAL_RUNS	3

static volatile uint32_t *lapic;	/* NULL until the boot CPU maps it */
static uint64_t timer_hz;		/* counts per second at divide by 16 */

static inline uint32_t
lapic_read(uint32_t reg)
{
	return lapic[reg / 4];
}

static inline void
lapic_write(uint32_t reg, uint32_t v)
{
	lapic[reg / 4] = v;
	(void)lapic[LAPIC_ID / 4];	/* wait for the write to land */
}

/*
 * Put this CPU's LAPIC in xAPIC mode, enabled, and return the physical
 * address the MSR gives for it. Firmware may have left the LAPIC in
 * x2APIC mode, which can only be left through the disabled state.
 */
static uint64_t
lapic_enable_xapic(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (base & APIC_BASE_EXTD) {
		base &= ~(uint64_t)(APIC_BASE_EXTD | APIC_BASE_EN);
		wrmsr(MSR_APIC_BASE, base);
	}
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
	return base & APIC_BASE_ADDR;
}

/*
 * Set up the calling CPU's LAPIC: xAPIC mode, software enabled with
 * spurious vector VEC_SPURIOUS, accept all priorities, timer and LINT0
 * masked (the 8259s are not used), LINT1 as NMI on the boot CPU, errors
 * masked. The first call must come from the boot CPU (it maps the MMIO
 * page) after acpi_init().
 */
void
lapic_init(void)
{
	uint32_t a, b, c, d;
	uint64_t pa;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!((d >> 9) & 1))
		panic("lapic_init: this CPU has no local APIC");
	pa = lapic_enable_xapic();
	if (lapic == NULL) {
		/* The MSR is what the hardware decodes; the MADT can be stale. */
		if (pa != acpi_lapic_pa) {
			printk("lapic: MADT says 0x%lx but the MSR says 0x%lx; using the MSR\n",
			    acpi_lapic_pa, pa);
			acpi_lapic_pa = pa;
		}
		lapic = vm_map_mmio(acpi_lapic_pa, PAGE_SIZE);
	} else if (pa != acpi_lapic_pa) {
		panic("lapic_init: LAPIC at 0x%lx, not at the boot CPU's 0x%lx",
		    pa, acpi_lapic_pa);
	}

	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	if (rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP)
		lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	else
		lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	/* The performance counter LVT exists from version 4 of the LAPIC. */
	if (((lapic_read(LAPIC_VERSION) >> 16) & 0xff) >= 4)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED | VEC_SPURIOUS);
	/* The ESR is cleared by back-to-back writes. */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	/* Retire anything left in service by the firmware. */
	lapic_write(LAPIC_EOI, 0);
}

void
lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* This CPU's APIC id; 0 before the boot CPU has mapped the LAPIC. */
uint32_t
lapic_id(void)
{
	if (lapic == NULL)
		return 0;
	return lapic_read(LAPIC_ID) >> 24;
}

/*
 * Write the ICR and wait for the LAPIC to accept the message. Returns
 * false if it stays pending for about 100 ms.
 */
static bool
icr_send(uint32_t apic_id, uint32_t lo)
{
	uint64_t flags = read_rflags();
	uint64_t deadline;
	bool ok = false;

	cli();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, lo);
	deadline = clock_ns() + 100000000;
	for (uint32_t spins = 0;; spins++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_PENDING)) {
			ok = true;
			break;
		}
		/* Before clock_init() clock_ns() is 0: bound by spins instead. */
		if (clock_ns() > deadline || spins > 10000000)
			break;
		cpu_relax();
	}
	if (flags & RFLAGS_IF)
		sti();
	return ok;
}

/*
 * Send an interprocessor message with ICR low word icr_lo (INIT, SIPI) to
 * the given APIC id. Returns false if the LAPIC is not set up or never
 * accepts the message.
 */
bool
lapic_send_raw(uint32_t apic_id, uint32_t icr_lo)
{
	if (lapic == NULL)
		return false;
	return icr_send(apic_id, icr_lo);
}

/*
 * Send a fixed interrupt with the given vector to CPU index cpu. A bad
 * index or vector is a caller bug; a LAPIC that never accepts the
 * message is reported and otherwise ignored.
 */
void
ipi_send(int cpu, uint8_t vector)
{
	if (cpu < 0 || cpu >= MAX_CPUS || vector < 0x20)
		panic("ipi_send: bad cpu %d or vector 0x%x", cpu, vector);
	if (lapic == NULL)
		return;
	if (!icr_send(cpus[cpu].apic_id, ICR_ASSERT | vector))
		printk("lapic: IPI 0x%x to cpu %d (apic %u) not delivered\n",
		    vector, cpu, cpus[cpu].apic_id);
}

/*
 * Count down the LAPIC timer from its maximum over CAL_TICKS PIT ticks,
 * CAL_RUNS times, and keep the shortest run. The boot CPU calls this once
 * (from clock_init()); the result serves every CPU.
 */
void
lapic_timer_calibrate(void)
{
	uint64_t best = UINT64_MAX;

	if (lapic == NULL)
		panic("lapic_timer_calibrate: LAPIC not initialised");
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	for (int run = 0; run < CAL_RUNS; run++) {
		uint32_t left;
		bool ok;

		pit_oneshot_arm(CAL_TICKS);
		lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
		pit_oneshot_start();
		ok = pit_oneshot_wait();
		left = lapic_read(LAPIC_TIMER_CUR);
		if (!ok || left == 0) {
			best = UINT64_MAX;
			break;
		}
		best = MIN(best, 0xffffffffull - left);
	}
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (best == UINT64_MAX || best == 0) {
		/* QEMU and most real parts: a 1 GHz or slower bus clock. */
		timer_hz = 1000000000ull / 16;
		printk("lapic: timer calibration failed; assuming %lu Hz\n", timer_hz);
		return;
	}
	timer_hz = best * PIT_HZ / CAL_TICKS;
}

uint64_t
lapic_timer_hz(void)
{
	return timer_hz;
}

/*
 * Start this CPU's timer firing VEC_TIMER hz times a second. Interrupts
 * are delivered only once the CPU enables them.
 */
void
lapic_timer_start(uint32_t hz)
{
	uint64_t count;

	if (lapic == NULL || timer_hz == 0)
		panic("lapic_timer_start: LAPIC or its calibration missing");
	if (hz == 0)
		panic("lapic_timer_start: zero frequency");
	count = timer_hz / hz;
	if (count == 0)
		count = 1;
	if (count > 0xffffffff)
		count = 0xffffffff;
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
}
