/*
 * The rtc driver: the MC146818-style CMOS real-time clock at I/O ports
 * 0x70 (index) and 0x71 (data). cmos.c turns register values into a time
 * (pure, host-tested); main.c reads the chip, sets the kernel's wall
 * clock at start and serves abi/skiff/proto/rtc.h.
 */
#ifndef DRIVERS_RTC_RTC_H
#define DRIVERS_RTC_RTC_H

#include <stdint.h>

/* The clock registers as read, before any decoding. */
struct cmos_regs {
	uint8_t sec, min, hour, mday, mon, year, century;	/* century 0: none */
	uint8_t status_b;	/* register B: format bits */
};

#define CMOS_B_24H	0x02	/* hours 0-23, else 1-12 with bit 7 for PM */
#define CMOS_B_BINARY	0x04	/* binary values, else BCD */

/*
 * Seconds since 1970-01-01 00:00 UTC for the time in r (the chip keeps
 * UTC, as Linux's default assumes). Years without a century register are
 * taken as 2000-2099 when below 70 and 1970-1999 otherwise. Returns -1 for
 * a value out of range (a damaged or uninitialised chip).
 */
int64_t cmos_decode(const struct cmos_regs *r);

/*
 * The registers for time t (seconds since the epoch, UTC) in the format
 * status_b says (BCD or binary, 12- or 24-hour), century included.
 * Returns -1 for a time before 1970 or after 9999.
 */
int cmos_encode(int64_t t, uint8_t status_b, struct cmos_regs *r);


#endif
