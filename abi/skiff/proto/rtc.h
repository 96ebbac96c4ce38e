/*
 * The rtc protocol: the driver of the CMOS real-time clock
 * (drivers/rtc). At start the driver reads the chip and sets the
 * kernel's wall clock (SK_SYS_clock_set_real) from it, so every
 * process's CLOCK_REALTIME is the date the machine keeps. Afterwards it
 * answers requests from services only (SK_SVC_BADGE; anything else gets
 * SK_E_PERM).
 *
 * Replies: w0 = result or SK_ERRVAL(code, argno).
 */
#ifndef SKIFF_PROTO_RTC_H
#define SKIFF_PROTO_RTC_H

#include <stdint.h>

enum rtc_op {
	RTC_READ = 0x800,	/* -> w0 = the chip's time, seconds since 1970-01-01
				   UTC; SK_E_NXIO without a chip, SK_E_IO when its
				   registers hold no valid time */
	RTC_SET_KERNEL,		/* read the chip again and set the kernel's wall
				   clock from it -> w0 = the time set */
	RTC_WRITE,		/* w0 = seconds since 1970-01-01 UTC -> sets the chip
				   (not the kernel's wall clock); SK_E_INVAL for a
				   time the chip cannot hold */
};

#endif
