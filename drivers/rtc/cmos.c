/* Decoding the CMOS clock registers (rtc.h). */
#include "drivers/rtc/rtc.h"

/* A BCD byte's value, or -1 when a nibble is not a decimal digit. */
static int
bcd(uint8_t v)
{
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}

static int
field(uint8_t v, int binary)
{
	return binary ? v : bcd(v);
}

int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Count years from March, so the leap day ends a year. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
month_days(int64_t y, unsigned m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int64_t
cmos_decode(const struct cmos_regs *r)
{
	int bin = (r->status_b & CMOS_B_BINARY) != 0;
	int sec = field(r->sec, bin), min = field(r->min, bin);
	int mday = field(r->mday, bin), mon = field(r->mon, bin);
	int yy = field(r->year, bin), cent = r->century ? field(r->century, bin) : 0;
	int pm = 0, hour;
	int64_t year;

	if (!(r->status_b & CMOS_B_24H)) {
		pm = (r->hour & 0x80) != 0;
		hour = field(r->hour & 0x7f, bin);
		if (hour < 1 || hour > 12)
			return -1;
		hour = hour % 12 + (pm ? 12 : 0);
	} else {
		hour = field(r->hour, bin);
	}
	if (sec < 0 || sec > 59 || min < 0 || min > 59 || hour < 0 || hour > 23 ||
	    mon < 1 || mon > 12 || yy < 0 || yy > 99 || cent < 0 || mday < 1)
		return -1;
	if (r->century != 0 && (cent < 19 || cent > 99))
		return -1;
	year = r->century != 0 ? cent * 100 + yy : yy < 70 ? 2000 + yy : 1900 + yy;
	if (year < 1970 || mday > month_days(year, (unsigned)mon))
		return -1;
	return days_from_civil(year, (unsigned)mon, (unsigned)mday) * 86400 +
	    hour * 3600 + min * 60 + sec;
}

/* The proleptic Gregorian date of a day count from 1970-01-01. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static uint8_t
enc(int v, int binary)
{
	return binary ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

int
cmos_encode(int64_t t, uint8_t status_b, struct cmos_regs *r)
{
	int bin = (status_b & CMOS_B_BINARY) != 0;
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned m, d;
	int hour;

	if (t < 0)
		return -1;
	civil_from_days(days, &y, &m, &d);
	if (y > 9999)
		return -1;
	hour = (int)(secs / 3600);
	r->sec = enc((int)(secs % 60), bin);
	r->min = enc((int)(secs / 60 % 60), bin);
	if (status_b & CMOS_B_24H)
		r->hour = enc(hour, bin);
	else
		r->hour = (uint8_t)(enc(hour % 12 == 0 ? 12 : hour % 12, bin) | (hour >= 12 ? 0x80 : 0));
	r->mday = enc((int)d, bin);
	r->mon = enc((int)m, bin);
	r->year = enc((int)(y % 100), bin);
	r->century = enc((int)(y / 100), bin);
	r->status_b = status_b;
	return 0;
}

void
cmos_to_tm(int64_t t, struct cmos_tm *tm)
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	tm->sec = (int32_t)(secs % 60);
	tm->min = (int32_t)(secs / 60 % 60);
	tm->hour = (int32_t)(secs / 3600);
	tm->mday = (int32_t)d;
	tm->mon = (int32_t)m - 1;
	tm->year = (int32_t)(y - 1900);
	tm->wday = (int32_t)((days % 7 + 11) % 7);	/* 1970-01-01 was a Thursday */
	tm->yday = (int32_t)(days - days_from_civil(y, 1, 1));
	tm->isdst = 0;
}

int64_t
cmos_from_tm(const struct cmos_tm *tm)
{
	int64_t y = (int64_t)tm->year + 1900;

	if (tm->sec < 0 || tm->sec > 59 || tm->min < 0 || tm->min > 59 || tm->hour < 0 ||
	    tm->hour > 23 || tm->mon < 0 || tm->mon > 11 || tm->mday < 1 ||
	    tm->mday > month_days(y, (unsigned)tm->mon + 1) || y < 1970 || y > 9999)
		return -1;
	return days_from_civil(y, (unsigned)tm->mon + 1, (unsigned)tm->mday) * 86400 +
	    tm->hour * 3600 + tm->min * 60 + tm->sec;
}
