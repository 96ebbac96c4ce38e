/*
 * The tty line discipline on the host, the rest: non-canonical reads with
 * VMIN and VTIME, switching modes, the bounded queues, output processing,
 * and a random walk that checks the queues' invariants under ASan/UBSan.
 */
#include "tests/host/ldisc_helpers.h"

/* ---- non-canonical mode ------------------------------------------------------ */

TEST(raw_vmin1_reads_what_is_there)
{
	setup();
	set_lflag(0, TTY_ICANON);
	CHECK_EQ(rd(10), LDISC_AGAIN);
	type("x");
	CHECK_OUT("x");
	CHECK_READ("x");
	type("abc\x7f\n");
	CHECK_OUT("abc^?\r\n");	/* no editing in raw mode; NL echoes as NL */
	CHECK_READ("abc\x7f\n");
}

TEST(raw_vmin0_vtime0_polls)
{
	setup();
	set_lflag(0, TTY_ICANON);
	set_cc(TTY_VMIN, 0);
	CHECK_EQ(rd(10), 0);
	CHECK(ldisc_readable(&L, 0, 0, 0, NULL));
	type("q");
	CHECK_READ("q");
}

TEST(raw_vmin_waits_for_enough)
{
	setup();
	set_lflag(0, TTY_ICANON | TTY_ECHO);
	set_cc(TTY_VMIN, 3);
	type("ab");
	CHECK_EQ(rd(10), LDISC_AGAIN);
	CHECK(!ldisc_readable(&L, 0, 2000, 0, NULL));
	CHECK(ldisc_readable(&L, 2, 2000, 0, NULL));	/* a smaller read is ready */
	type("c");
	CHECK_READ("abc");
}

TEST(raw_vmin0_vtime_times_out)
{
	uint64_t t = 0, dl = 0, t0 = 5000 * MS;

	setup();
	set_lflag(0, TTY_ICANON);
	set_cc(TTY_VMIN, 0);
	set_cc(TTY_VTIME, 5);	/* 0.5 s */
	CHECK_EQ(rd_at(10, t0, &t, &dl), LDISC_AGAIN);
	CHECK_EQ(t, t0);
	CHECK_EQ(dl, t0 + 500 * MS);
	CHECK(!ldisc_readable(&L, 10, t0 + 499 * MS, t, &dl));
	CHECK_EQ(dl, t0 + 500 * MS);
	CHECK_EQ(rd_at(10, t0 + 499 * MS, &t, &dl), LDISC_AGAIN);
	CHECK_EQ(t, t0);	/* the timer runs from the first read */
	CHECK(ldisc_readable(&L, 10, t0 + 500 * MS, t, NULL));
	CHECK_EQ(rd_at(10, t0 + 500 * MS, &t, &dl), 0);
	CHECK_EQ(t, 0);
	/* Input before the end: the bytes, at once. */
	CHECK_EQ(rd_at(10, t0 + 600 * MS, &t, &dl), LDISC_AGAIN);
	type_at("z", t0 + 700 * MS);
	CHECK_EQ(rd_at(10, t0 + 700 * MS, &t, &dl), 1);
	CHECK_EQ(t, 0);
	/* A reader that does not wait starts no timer. */
	CHECK_EQ(rd_at(10, t0, NULL, &dl), LDISC_AGAIN);
	CHECK_EQ(dl, 0);
}

TEST(raw_vmin_vtime_is_an_interbyte_timer)
{
	uint64_t t = 0, dl = 1, t0 = 9000 * MS;

	setup();
	set_lflag(0, TTY_ICANON);
	set_cc(TTY_VMIN, 5);
	set_cc(TTY_VTIME, 2);	/* 0.2 s */
	CHECK_EQ(rd_at(10, t0, &t, &dl), LDISC_AGAIN);
	CHECK_EQ(dl, 0);	/* nothing yet: no timer */
	type_at("ab", t0);
	CHECK_EQ(rd_at(10, t0 + 100 * MS, &t, &dl), LDISC_AGAIN);
	CHECK_EQ(dl, t0 + 200 * MS);
	type_at("c", t0 + 150 * MS);
	CHECK_EQ(rd_at(10, t0 + 300 * MS, &t, &dl), LDISC_AGAIN);
	CHECK_EQ(dl, t0 + 350 * MS);
	CHECK_EQ(rd_at(10, t0 + 350 * MS, &t, &dl), 3);
	type_at("12345", t0);
	CHECK_EQ(rd_at(10, t0, &t, &dl), 5);
}

TEST(switching_canon_off_releases_the_line)
{
	setup();
	type("ab");
	CHECK_EQ(rd(10), LDISC_AGAIN);
	set_lflag(0, TTY_ICANON);
	CHECK_READ("ab");
}

TEST(switching_canon_on_makes_a_line)
{
	setup();
	set_lflag(0, TTY_ICANON);
	type("xy");
	set_lflag(TTY_ICANON, 0);
	CHECK_READ("xy");
	CHECK_EQ(rd(10), LDISC_AGAIN);
}

/* ---- bounds ---------------------------------------------------------------------- */

TEST(canon_queue_is_bounded_and_newline_still_fits)
{
	static uint8_t many[6000];
	size_t total = 0;
	int64_t n;

	setup();
	memset(many, 'a', sizeof(many));
	ldisc_input(&L, many, sizeof(many), 1);
	CHECK_EQ(L.linelen, LDISC_QMAX - 1);	/* one byte is kept for the end */
	CHECK(L.dropped > 0);
	out();
	type("\x7f");	/* editing still works */
	CHECK_OUT("\b \b");
	type("\n");
	while ((n = rd(1000)) > 0)
		total += (size_t)n;
	CHECK_EQ(total, LDISC_QMAX - 1);
	CHECK_EQ(rbuf[0], 'a');
	/* Empty lines fill the queue and stop there. */
	for (int i = 0; i < 5000; i++)
		type("\n");
	CHECK_EQ(L.qlen, LDISC_QMAX);
	CHECK_EQ(L.nlines, LDISC_QMAX);
	type("\x03");
	CHECK_EQ(L.qlen, 0);
}

TEST(raw_queue_is_bounded)
{
	static uint8_t many[6000];

	setup();
	set_lflag(0, TTY_ICANON | TTY_ECHO);
	memset(many, 'b', sizeof(many));
	ldisc_input(&L, many, sizeof(many), 1);
	CHECK_EQ(ldisc_inq(&L), LDISC_QMAX);
	CHECK_EQ(L.dropped, sizeof(many) - LDISC_QMAX);
	CHECK_EQ(rd(LDISC_QMAX + 10), LDISC_QMAX);
}

TEST(fionread_counts_readable_bytes)
{
	setup();
	type("abc");
	CHECK_EQ(ldisc_inq(&L), 0);
	type("\n");
	CHECK_EQ(ldisc_inq(&L), 4);
	type("\x04");
	CHECK_EQ(ldisc_inq(&L), 4);
	ldisc_flush_input(&L);
	CHECK_EQ(ldisc_inq(&L), 0);
	CHECK_EQ(rd(10), LDISC_AGAIN);
}

/* ---- output ---------------------------------------------------------------------- */

TEST(output_onlcr_and_raw)
{
	setup();
	CHECK_EQ(ldisc_write(&L, (const uint8_t *)"a\nb", 3), 3);
	CHECK_OUT("a\r\nb");
	set_oflag(0, TTY_OPOST);
	ldisc_write(&L, (const uint8_t *)"a\nb\t", 4);
	CHECK_OUT("a\nb\t");
	set_oflag(TTY_OPOST, TTY_ONLCR);
	ldisc_write(&L, (const uint8_t *)"a\n", 2);
	CHECK_OUT("a\n");
}

TEST(output_ocrnl_onocr_onlret_olcuc)
{
	setup();
	set_oflag(TTY_OCRNL, TTY_ONLCR);
	ldisc_write(&L, (const uint8_t *)"a\rb", 3);
	CHECK_OUT("a\nb");
	set_oflag(TTY_ONOCR, TTY_OCRNL);
	ldisc_write(&L, (const uint8_t *)"x\r\r", 3);	/* the second CR is at column 0 */
	CHECK_OUT("x\r");
	set_oflag(TTY_ONLRET, TTY_ONOCR);
	ldisc_write(&L, (const uint8_t *)"ab\n", 3);
	CHECK_EQ(L.column, 0);
	CHECK_OUT("ab\n");
	set_oflag(TTY_OLCUC, 0);
	ldisc_write(&L, (const uint8_t *)"Hi!", 3);
	CHECK_OUT("HI!");
}

TEST(output_tab_expansion)
{
	setup();
	set_oflag(TTY_XTABS, 0);
	ldisc_write(&L, (const uint8_t *)"ab\tc\t", 5);
	CHECK_OUT("ab      c       ");
	CHECK_EQ(L.column, 16);
}

TEST(output_queue_is_bounded)
{
	static uint8_t many[5000];
	uint8_t tmp[100];

	setup();
	memset(many, 'z', sizeof(many));
	CHECK_EQ(ldisc_write(&L, many, sizeof(many)), LDISC_OMAX);
	CHECK(!ldisc_writable(&L));
	CHECK_EQ(ldisc_write(&L, many, 1), 0);
	CHECK_EQ(ldisc_outq(&L), LDISC_OMAX);
	CHECK_EQ(ldisc_out_take(&L, tmp, 1), 1);
	/* One free byte is not enough for NL -> CR NL. */
	CHECK_EQ(ldisc_write(&L, (const uint8_t *)"\n", 1), 0);
	CHECK_EQ(ldisc_out_take(&L, tmp, 100), 100);
	CHECK(ldisc_writable(&L));
	CHECK_EQ(ldisc_write(&L, (const uint8_t *)"\n", 1), 1);
	/* An echo that finds no room is dropped, input is still taken. */
	CHECK_EQ(ldisc_write(&L, many, 1000), 99);
	type("q\n");
	CHECK_READ("q\n");
	ldisc_flush_output(&L);
	CHECK_EQ(ldisc_outq(&L), 0);
}

/* ---- a random walk ------------------------------------------------------------------ */

static void
check_invariants(void)
{
	uint32_t eol = 0, eof = 0;

	REQUIRE(L.qlen <= LDISC_QMAX);
	REQUIRE(L.qlen + L.linelen <= LDISC_QMAX);
	REQUIRE(L.olen <= LDISC_OMAX);
	for (uint32_t i = 0; i < L.qlen; i++) {
		uint8_t f = L.qf[(L.qhead + i) % LDISC_QMAX];

		eol += (f & LDISC_QF_EOL) != 0;
		eof += (f & LDISC_QF_EOF) != 0;
	}
	CHECK_EQ(eol, L.nlines);
	CHECK_EQ(eof, L.neof);
	if (L.t.c_lflag & TTY_ICANON)
		CHECK(L.linelen <= LDISC_QMAX - 1);
	else
		CHECK_EQ(L.linelen, 0);
}

TEST(random_walk_keeps_invariants)
{
	static const uint8_t alphabet[] = "ab \t\n\r\x7f\b\x15\x17\x16\x12\x04\x03\x1c\x1a\x13\x11\xc3\xa9\x01";
	uint64_t now = 1, timer = 0;

	setup();
	for (int step = 0; step < 200000 && host_cur_failures == 0; step++) {
		uint64_t r = host_rand();
		uint8_t buf[64];
		size_t n = 1 + host_rand_below(sizeof(buf));

		now += host_rand_below(50 * MS);
		switch (r % 16) {
		case 0: {
			struct tty_termios t = L.t;

			t.c_lflag ^= (uint32_t)(1u << host_rand_below(16));
			t.c_iflag ^= (uint32_t)(1u << host_rand_below(15));
			t.c_oflag ^= (uint32_t)(1u << host_rand_below(6));
			t.c_cc[TTY_VMIN] = (uint8_t)host_rand_below(4);
			t.c_cc[TTY_VTIME] = (uint8_t)host_rand_below(3);
			ldisc_set_termios(&L, &t);
			break;
		}
		case 1:
		case 2:
			ldisc_read(&L, buf, n, now, (r & 32) ? &timer : NULL, NULL);
			break;
		case 3:
			ldisc_out_take(&L, buf, n);
			break;
		case 4:
			for (size_t i = 0; i < n; i++)
				buf[i] = (uint8_t)host_rand();
			ldisc_write(&L, buf, n);
			break;
		default:
			for (size_t i = 0; i < n; i++)
				buf[i] = (r & 64) ? (uint8_t)host_rand() :
				    alphabet[host_rand_below(sizeof(alphabet) - 1)];
			ldisc_input(&L, buf, n, now);
			break;
		}
		check_invariants();
	}
}
