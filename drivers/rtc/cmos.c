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
