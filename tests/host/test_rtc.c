/*
 * The CMOS clock decoder (drivers/rtc/cmos.c): BCD and binary values,
 * 12- and 24-hour formats, the century register, and damaged values,
 * checked against the host's timegm().
 */
#define _GNU_SOURCE
#include "tests/host/host.h"
#include <time.h>
#include "lib/common/civil.c"
#include "drivers/rtc/cmos.c"

static uint8_t
tobcd(int v)
{
	return (uint8_t)((v / 10) << 4 | v % 10);
}

static int64_t
host_epoch(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return (int64_t)timegm(&tm);
}

TEST(bcd_24h_with_century)
{
	struct cmos_regs r = { tobcd(56), tobcd(34), tobcd(12), tobcd(1), tobcd(12),
	    tobcd(26), tobcd(20), CMOS_B_24H };

	CHECK_EQ(cmos_decode(&r), host_epoch(2026, 12, 1, 12, 34, 56));
}

TEST(binary_12h_pm_and_midnight)
{
	struct cmos_regs r = { 5, 6, 0x80 | 7, 29, 2, 24, 20, CMOS_B_BINARY };

	CHECK_EQ(cmos_decode(&r), host_epoch(2024, 2, 29, 19, 6, 5));
	r.hour = 12;		/* 12 AM is midnight */
	CHECK_EQ(cmos_decode(&r), host_epoch(2024, 2, 29, 0, 6, 5));
	r.hour = 0x80 | 12;	/* 12 PM is noon */
	CHECK_EQ(cmos_decode(&r), host_epoch(2024, 2, 29, 12, 6, 5));
}

TEST(no_century_register)
{
	struct cmos_regs r = { 0, 0, 0, tobcd(1), tobcd(1), tobcd(69), 0, CMOS_B_24H };

	CHECK_EQ(cmos_decode(&r), host_epoch(2069, 1, 1, 0, 0, 0));
	r.year = tobcd(70);
	CHECK_EQ(cmos_decode(&r), 0);
}

TEST(damaged_values_are_refused)
{
	struct cmos_regs ok = { 0, 0, 0, tobcd(28), tobcd(2), tobcd(23), tobcd(20), CMOS_B_24H };
	struct cmos_regs r;

	REQUIRE(cmos_decode(&ok) > 0);
	r = ok; r.mday = tobcd(29);		/* 2023 is not a leap year */
	CHECK_EQ(cmos_decode(&r), -1);
	r = ok; r.sec = 0x5a;			/* not BCD */
	CHECK_EQ(cmos_decode(&r), -1);
	r = ok; r.mon = tobcd(13);
	CHECK_EQ(cmos_decode(&r), -1);
	r = ok; r.hour = tobcd(24);
	CHECK_EQ(cmos_decode(&r), -1);
	r = ok; r.status_b = 0; r.hour = 0;	/* 12-hour clock has no hour 0 */
	CHECK_EQ(cmos_decode(&r), -1);
	r = ok; r.century = tobcd(5);
	CHECK_EQ(cmos_decode(&r), -1);
	r = ok; r.mday = 0;
	CHECK_EQ(cmos_decode(&r), -1);
}

TEST(every_day_matches_the_host_calendar)
{
	for (int64_t d = -800000; d < 800000; d += 7) {
		time_t t = (time_t)(d * 86400);
		struct tm tm;

		REQUIRE(gmtime_r(&t, &tm) != NULL);
		CHECK_EQ(days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
		    (unsigned)tm.tm_mday), d);
	}
}

TEST(encode_decodes_back_in_every_format)
{
	static const uint8_t formats[] = { CMOS_B_24H, 0, CMOS_B_24H | CMOS_B_BINARY,
	    CMOS_B_BINARY };

	for (int64_t t = 0; t < 4102444800ll; t += 86400 * 37 + 3671) {
		for (size_t f = 0; f < sizeof(formats); f++) {
			struct cmos_regs r;

			REQUIRE(cmos_encode(t, formats[f], &r) == 0);
			CHECK_EQ(cmos_decode(&r), t);
		}
	}
	CHECK_EQ(cmos_encode(-1, CMOS_B_24H, &(struct cmos_regs){ 0 }), -1);
}

TEST(broken_down_time_matches_gmtime)
{
	for (int64_t t = 0; t < 4102444800ll; t += 86400 * 11 + 4001) {
		struct civil_tm tm;
		struct tm h;
		time_t ht = (time_t)t;

		civil_to_tm(t, &tm);
		REQUIRE(gmtime_r(&ht, &h) != NULL);
		CHECK(tm.sec == h.tm_sec && tm.min == h.tm_min && tm.hour == h.tm_hour &&
		    tm.mday == h.tm_mday && tm.mon == h.tm_mon && tm.year == h.tm_year &&
		    tm.wday == h.tm_wday && tm.yday == h.tm_yday);
		CHECK_EQ(civil_from_tm(&tm), t);
	}
	struct civil_tm bad = { 0, 0, 0, 30, 1, 124, 0, 0, 0 };	/* 2024-02-30 */

	CHECK_EQ(civil_from_tm(&bad), -1);
}
