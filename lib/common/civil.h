/*
 * Calendar arithmetic on the proleptic Gregorian calendar, in UTC: day
 * counts from 1970-01-01 and Linux's broken-down time (struct tm's
 * first nine fields, the layout of struct rtc_time). Pure and
 * freestanding; tests/host/test_rtc.c checks it against the C library.
 */
#ifndef LIB_COMMON_CIVIL_H
#define LIB_COMMON_CIVIL_H

#include <stdint.h>

/* Days from 1970-01-01 to y-m-d (m 1-12, d 1-31). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* The date of day z (from 1970-01-01). */
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* Days in month m (1-12) of year y. */
int month_days(int64_t y, unsigned m);

struct civil_tm {
	int32_t sec, min, hour, mday, mon, year, wday, yday, isdst;	/* mon 0-11, year - 1900 */
};
_Static_assert(sizeof(struct civil_tm) == 36, "struct rtc_time layout");

/* t (seconds since the epoch, >= 0) broken down; and back (-1: out of range). */
void civil_to_tm(int64_t t, struct civil_tm *tm);
int64_t civil_from_tm(const struct civil_tm *tm);

#endif
