/*
 * Time since boot. The TSC is calibrated once against PIT channel 2 on
 * the boot CPU; clock_ns() scales TSC cycles since boot to nanoseconds
 * with a 64x64->128-bit multiply, so it neither overflows nor loses
 * precision for as long as the 64-bit TSC itself does not wrap.
 *
 * All CPUs share the boot CPU's calibration: Skiff assumes the TSCs are
 * synchronised and, where the CPU says so, invariant (constant rate in
 * every P- and C-state).
 */
#include "kernel/kernel.h"
#include "kernel/smp.h"
#include "kernel/arch/x86.h"
#include "kernel/timepage.h"

#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PORT_B		0x61	/* keyboard controller port B */
#define PORTB_GATE2	0x01	/* gate input of channel 2 */
#define PORTB_SPEAKER	0x02	/* route channel 2 to the speaker */
#define PORTB_OUT2	0x20	/* output of channel 2 (read only) */

#define CAL_TICKS	29830	/* 25 ms of PIT ticks per calibration run */
#define CAL_RUNS	3
#define SHIFT		32

static uint64_t tsc_boot;
static uint64_t tsc_hz;
static uint64_t ns_mult;	/* nanoseconds per cycle, scaled by 2^SHIFT */

/*
 * Program channel 2 for mode 0 (interrupt on terminal count) with the
 * gate closed and the speaker off: the output goes low now and rises
 * when `ticks` PIT clocks have passed after the gate opens.
 */
void
pit_oneshot_arm(uint16_t ticks)
{
	outb(PORT_B, inb(PORT_B) & ~(PORTB_GATE2 | PORTB_SPEAKER));
	outb(PIT_CMD, 0xB0);	/* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, ticks & 0xff);
	outb(PIT_CH2, ticks >> 8);
}

void
pit_oneshot_start(void)
{
	outb(PORT_B, (inb(PORT_B) & ~PORTB_SPEAKER) | PORTB_GATE2);
}

/*
 * Spin until channel 2's output rises. The bound is far beyond any
 * count the 16-bit counter can hold, so that a missing PIT makes the
 * calibration fail instead of hanging the boot.
 */
bool
pit_oneshot_wait(void)
{
	for (uint32_t i = 0; i < 100000000u; i++)
		if (inb(PORT_B) & PORTB_OUT2)
			return true;
	return false;
}

/*
 * Measure TSC cycles over CAL_TICKS PIT ticks, CAL_RUNS times, and keep
 * the shortest run: interruptions (SMIs, a preempted virtual CPU) only
 * ever make a run longer. Returns the frequency in Hz, or 0 on failure.
 */
static uint64_t
tsc_calibrate(void)
{
	uint64_t best = UINT64_MAX;

	for (int run = 0; run < CAL_RUNS; run++) {
		uint64_t t0, t1;

		pit_oneshot_arm(CAL_TICKS);
		/* A 0xff read means there is no port B: nothing to poll. */
		if (inb(PORT_B) & PORTB_OUT2)
			return 0;
		t0 = rdtsc();
		pit_oneshot_start();
		if (!pit_oneshot_wait())
			return 0;
		t1 = rdtsc();
		best = MIN(best, t1 - t0);
	}
	return best * PIT_HZ / CAL_TICKS;
}

/* The CPU's own statement of its base frequency (CPUID leaf 0x16), or 0. */
static uint64_t
tsc_hz_from_cpuid(void)
{
	uint32_t a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 0x16)
		return 0;
	cpuid(0x16, 0, &a, &b, &c, &d);
	return (uint64_t)(a & 0xffff) * 1000000;
}

static bool
tsc_is_invariant(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000007)
		return false;
	cpuid(0x80000007, 0, &a, &b, &c, &d);
	return (d >> 8) & 1;
}

/* Print hz as MHz with three decimals, using integer arithmetic only. */
static void
print_mhz(const char *what, uint64_t hz)
{
	printk("clock: %s %lu.%03lu MHz\n", what, hz / 1000000,
	    (hz % 1000000) / 1000);
}

void
clock_init(void)
{
	uint64_t hz;

	tsc_boot = rdtsc();
	if (!tsc_is_invariant())
		printk("clock: warning: the TSC is not invariant; time may drift\n");
	hz = tsc_calibrate();
	/* Below 1 MHz the measurement cannot be right. */
	if (hz < 1000000) {
		hz = tsc_hz_from_cpuid();
		if (hz == 0)
			hz = 1000000000;
		printk("clock: PIT calibration failed; assuming a %lu MHz TSC\n",
		    hz / 1000000);
	}
	tsc_hz = hz;
	/* 10^9 << 32 fits in 64 bits; below 1 THz mult keeps >= 22 bits. */
	ns_mult = (1000000000ull << SHIFT) / hz;
	print_mhz("TSC", tsc_hz);
	timepage_init(tsc_boot, ns_mult, SHIFT);

	lapic_timer_calibrate();
	if (lapic_timer_hz() != 0)
		print_mhz("LAPIC timer (divide by 16)", lapic_timer_hz());
}

uint64_t
clock_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t
clock_ns(void)
{
	uint64_t delta;

	if (ns_mult == 0)
		return 0;
	delta = rdtsc() - tsc_boot;
	return (uint64_t)(((unsigned __int128)delta * ns_mult) >> SHIFT);
}
