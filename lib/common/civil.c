/* Calendar arithmetic (civil.h). */
#include "lib/common/civil.h"

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

int
month_days(int64_t y, unsigned m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* The proleptic Gregorian date of a day count from 1970-01-01. */
void
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

void
civil_to_tm(int64_t t, struct civil_tm *tm)
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
civil_from_tm(const struct civil_tm *tm)
{
	int64_t y = (int64_t)tm->year + 1900;

	if (tm->sec < 0 || tm->sec > 59 || tm->min < 0 || tm->min > 59 || tm->hour < 0 ||
	    tm->hour > 23 || tm->mon < 0 || tm->mon > 11 || tm->mday < 1 ||
	    tm->mday > month_days(y, (unsigned)tm->mon + 1) || y < 1970 || y > 9999)
		return -1;
	return days_from_civil(y, (unsigned)tm->mon + 1, (unsigned)tm->mday) * 86400 +
	    tm->hour * 3600 + tm->min * 60 + tm->sec;
}
