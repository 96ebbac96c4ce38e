/* Decoding the CMOS clock registers (rtc.h). */
#include "drivers/rtc/rtc.h"
#include "lib/common/civil.h"

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
