/*
 * The tty line discipline (servers/tty/ldisc.c, ldisc_out.c) on the host:
 * every editing, echo, signal, input-flag, output-flag and VMIN/VTIME
 * behaviour with the exact bytes echoed, the queue bounds, and a random
 * walk that checks the queue's invariants under ASan/UBSan.
 */
#include "tests/host/host.h"
#include "servers/tty/ldisc.c"
#include "servers/tty/ldisc_out.c"

#define MS	1000000ull

static struct ldisc L;
static int sigs[64], nsigs;
static char outbuf[LDISC_OMAX + 1];
static size_t outlen;

static void
on_signal(void *ctx, int sig)
{
	(void)ctx;
	if (nsigs < (int)(sizeof(sigs) / sizeof(sigs[0])))
		sigs[nsigs++] = sig;
}

static void
setup(void)
{
	ldisc_init(&L, on_signal, NULL);
	nsigs = 0;
}

static void
type_at(const char *s, uint64_t now)
{
	ldisc_input(&L, (const uint8_t *)s, strlen(s), now);
}

static void
type(const char *s)
{
	type_at(s, 1000);
}

/* Everything echoed or written since the last call, NUL-terminated. */
static const char *
out(void)
{
	outlen = ldisc_out_take(&L, (uint8_t *)outbuf, LDISC_OMAX);
	outbuf[outlen] = 0;
	return outbuf;
}

/* Show control characters of s readably (for failure messages). */
static const char *
vis(const char *s, size_t n)
{
	static char b[4][512];
	static int k;
	char *p = b[k++ & 3], *e = p + sizeof(b[0]) - 5;

	for (size_t i = 0; i < n && p < e; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			*p++ = (char)c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	*p = 0;
	return b[(k - 1) & 3];
}

/* The output since the last check must be exactly want. */
#define CHECK_OUT(want) do { \
	const char *got_ = out(); \
	size_t wl_ = sizeof(want) - 1; \
	CHECK_MSG(outlen == wl_ && memcmp(got_, want, wl_) == 0, \
	    "output \"%s\", expected \"%s\"", vis(got_, outlen), vis(want, wl_)); \
} while (0)

static char rbuf[LDISC_QMAX + 16];

/* Read up to max bytes at time now (blocking reader, timer t). */
static int64_t
rd_at(size_t max, uint64_t now, uint64_t *timer, uint64_t *deadline)
{
	int64_t n = ldisc_read(&L, (uint8_t *)rbuf, max, now, timer, deadline);

	if (n >= 0)
		rbuf[n] = 0;
	return n;
}

static int64_t
rd(size_t max)
{
	uint64_t t = 0;

	return rd_at(max, 2000, &t, NULL);
}

/* A read of 100 bytes must give exactly want. */
#define CHECK_READ(want) do { \
	int64_t n_ = rd(100); \
	size_t wl_ = sizeof(want) - 1; \
	CHECK_MSG(n_ == (int64_t)wl_ && memcmp(rbuf, want, wl_) == 0, \
	    "read %ld \"%s\", expected \"%s\"", (long)n_, n_ > 0 ? vis(rbuf, (size_t)n_) : "", \
	    vis(want, wl_)); \
} while (0)

static void
set_lflag(uint32_t on, uint32_t off)
{
	struct tty_termios t = L.t;

	t.c_lflag = (t.c_lflag | on) & ~off;
	ldisc_set_termios(&L, &t);
}

static void
set_iflag(uint32_t on, uint32_t off)
{
	struct tty_termios t = L.t;

	t.c_iflag = (t.c_iflag | on) & ~off;
	ldisc_set_termios(&L, &t);
}

static void
set_oflag(uint32_t on, uint32_t off)
{
	struct tty_termios t = L.t;

	t.c_oflag = (t.c_oflag | on) & ~off;
	ldisc_set_termios(&L, &t);
}

static void
set_cc(int i, uint8_t v)
{
	struct tty_termios t = L.t;

	t.c_cc[i] = v;
	ldisc_set_termios(&L, &t);
}

/* ---- defaults ----------------------------------------------------------- */

TEST(default_termios_is_linux_serial)
{
	static const uint8_t linux_cc[TTY_NCCS] =
	    "\003\034\177\025\004\0\1\0\021\023\032\0\022\017\027\026\0";

	setup();
	/* What `stty -g` prints on a Linux serial console. */
	CHECK_EQ(L.t.c_iflag, 0x500);
	CHECK_EQ(L.t.c_oflag, 0x5);
	CHECK_EQ(L.t.c_cflag, 0x4bf);
	CHECK_EQ(L.t.c_lflag, 0x8a3b);
	CHECK_EQ(L.t.c_line, 0);
	CHECK(memcmp(L.t.c_cc, linux_cc, TTY_NCCS) == 0);
	CHECK_EQ(sizeof(struct tty_termios), 36);
	CHECK_EQ(offsetof(struct tty_termios, c_line), 16);
	CHECK_EQ(offsetof(struct tty_termios, c_cc), 17);
}

/* ---- canonical mode ----------------------------------------------------- */

TEST(canon_line_assembly_and_echo)
{
	setup();
	type("abc");
	CHECK_OUT("abc");
	CHECK_EQ(rd(100), LDISC_AGAIN);
	CHECK_EQ(ldisc_inq(&L), 0);
	type("\r");	/* ICRNL */
	CHECK_OUT("\r\n");
	CHECK_EQ(ldisc_inq(&L), 4);
	CHECK_READ("abc\n");
	CHECK_EQ(rd(100), LDISC_AGAIN);
}

TEST(canon_reads_one_line_at_a_time)
{
	setup();
	type("a\nbc\n");
	CHECK_OUT("a\r\nbc\r\n");
	CHECK_READ("a\n");
	CHECK_READ("bc\n");
	CHECK_EQ(rd(100), LDISC_AGAIN);
}

TEST(canon_small_reads_split_a_line)
{
	setup();
	type("hello\n");
	CHECK_EQ(rd(2), 2);
	CHECK_STREQ(rbuf, "he");
	CHECK_EQ(rd(2), 2);
	CHECK_STREQ(rbuf, "ll");
	CHECK_EQ(rd(2), 2);
	CHECK_STREQ(rbuf, "o\n");
	CHECK_EQ(rd(2), LDISC_AGAIN);
}

TEST(erase_del_and_ctrl_h)
{
	setup();
	type("abc\x7f");
	CHECK_OUT("abc\b \b");
	type("\b");
	CHECK_OUT("\b \b");
	type("x\n");
	CHECK_OUT("x\r\n");
	CHECK_READ("ax\n");
}

TEST(erase_on_empty_line_does_nothing)
{
	setup();
	type("\x7f\b");
	CHECK_OUT("");
	type("\n");
	CHECK_READ("\n");
}

TEST(erase_without_echoe_echoes_the_char)
{
	setup();
	set_lflag(0, TTY_ECHOE);
	type("ab\x7f");
	CHECK_OUT("ab^?");
	set_lflag(0, TTY_ECHOCTL);
	type("\x7f");
	CHECK_OUT("\x7f");
	type("\n");
	CHECK_READ("\n");
}

TEST(erase_control_char_takes_two_columns)
{
	setup();
	type("a\x01");
	CHECK_OUT("a^A");
	type("\x7f");
	CHECK_OUT("\b \b\b \b");
	type("\x7f");
	CHECK_OUT("\b \b");
	set_lflag(0, TTY_ECHOCTL);
	type("\x01\x7f");
	CHECK_OUT("\x01");	/* nothing visible to rub out */
}

TEST(erase_tab_moves_back_to_its_column)
{
	setup();
	type("ab\t");
	CHECK_OUT("ab\t");
	type("\x7f");
	CHECK_OUT("\b\b\b\b\b\b");
	type("\n");
	CHECK_READ("ab\n");
	CHECK_OUT("\r\n");
	/* After a prompt: the line starts at column 2. */
	ldisc_write(&L, (const uint8_t *)"$ ", 2);
	type("\t");
	CHECK_OUT("$ \t");
	type("\x7f");
	CHECK_OUT("\b\b\b\b\b\b");
	/* A tab after a tab is a full 8 columns wide. */
	type("x\t\t\x7f");
	CHECK_OUT("x\t\t\b\b\b\b\b\b\b\b");
}

TEST(kill_with_echoke_rubs_out_the_line)
{
	setup();
	type("abc\x15");
	CHECK_OUT("abc\b \b\b \b\b \b");
	type("d\n");
	CHECK_OUT("d\r\n");
	CHECK_READ("d\n");
}

TEST(kill_with_echok_only_echoes_newline)
{
	setup();
	set_lflag(0, TTY_ECHOKE);
	type("abc\x15");
	CHECK_OUT("abc^U\r\n");
	type("d\n");
	CHECK_READ("d\n");
	set_lflag(0, TTY_ECHOK);
	type("xy\x15");
	CHECK_OUT("d\r\nxy^U");
	type("\n");
	CHECK_READ("\n");
}

TEST(kill_without_echo_is_silent)
{
	setup();
	set_lflag(0, TTY_ECHO);
	type("abc\x15z\n");
	CHECK_OUT("");
	CHECK_READ("z\n");
}

TEST(word_erase)
{
	setup();
	type("foo bar  \x17");
	CHECK_OUT("foo bar  \b \b\b \b\b \b\b \b\b \b");
	type("\n");
	CHECK_READ("foo \n");
	type("a.b\x17\n");
	CHECK_READ("a.\n");
	type("x_1\x17\n");
	CHECK_READ("\n");
	/* Without IEXTEN ^W is an ordinary character. */
	set_lflag(0, TTY_IEXTEN);
	out();
	type("a\x17\n");
	CHECK_OUT("a^W\r\n");
	CHECK_READ("a\x17\n");
}

TEST(eof_at_line_start_reads_zero)
{
	setup();
	type("\x04");
	CHECK_OUT("");
	CHECK_EQ(ldisc_inq(&L), 0);
	CHECK_EQ(rd(100), 0);
	CHECK_EQ(rd(100), LDISC_AGAIN);
	type("x\n");
	CHECK_READ("x\n");
}

TEST(eof_after_text_delivers_the_partial_line)
{
	setup();
	type("ab\x04");
	CHECK_OUT("ab");
	CHECK_EQ(ldisc_inq(&L), 2);
	CHECK_READ("ab");
	CHECK_EQ(rd(100), LDISC_AGAIN);
	/* A buffer just the size of the line takes the EOF mark with it. */
	type("cd\x04");
	CHECK_EQ(rd(2), 2);
	CHECK_EQ(rd(100), LDISC_AGAIN);
	/* Two EOFs: the line, then an end of file. */
	type("e\x04\x04");
	CHECK_READ("e");
	CHECK_EQ(rd(100), 0);
}

TEST(literal_next)
{
	setup();
	type("\x16");
	CHECK_OUT("^\b");
	type("\x03");
	CHECK_OUT("^C");
	CHECK_EQ(nsigs, 0);
	type("\x16\x7f\x16\x15\n");
	CHECK_OUT("^\b^?^\b^U\r\n");
	CHECK_READ("\x03\x7f\x15\n");
	type("\x16\n\n");
	CHECK_OUT("^\b\r\n\r\n");
	CHECK_READ("\n\n");
}

TEST(reprint)
{
	setup();
	type("ab\x12");
	CHECK_OUT("ab^R\r\nab");
	type("c\x01\x12");
	CHECK_OUT("c^A^R\r\nabc^A");
	type("\n");
	CHECK_READ("abc\x01\n");
	set_lflag(0, TTY_IEXTEN);
	type("\x12\n");
	CHECK_READ("\x12\n");
}

TEST(echoctl_and_plain_echo)
{
	setup();
	type("\x01\x1b[A\t");
	CHECK_OUT("^A^[[A\t");
	set_lflag(0, TTY_ECHOCTL);
	type("\x01\x1b");
	CHECK_OUT("\x01\x1b");
	/* UTF-8 echoes as itself. */
	type("\xc3\xa9");
	CHECK_OUT("\xc3\xa9");
}

TEST(echonl_without_echo)
{
	setup();
	set_lflag(TTY_ECHONL, TTY_ECHO);
	type("ab\n");
	CHECK_OUT("\r\n");
	CHECK_READ("ab\n");
	set_lflag(0, TTY_ECHONL);
	type("ab\n");
	CHECK_OUT("");
	CHECK_READ("ab\n");
}

TEST(veol_and_veol2_end_lines)
{
	setup();
	set_cc(TTY_VEOL, ';');
	set_cc(TTY_VEOL2, '|');
	type("ab;cd|");
	CHECK_OUT("ab;cd|");
	CHECK_READ("ab;");
	CHECK_READ("cd|");
	/* 0 is disabled: a NUL byte is data. */
	set_cc(TTY_VEOL, 0);
	type("x");
	ldisc_input(&L, (const uint8_t *)"\0\n", 2, 1);
	CHECK_EQ(rd(100), 3);
	CHECK(rbuf[0] == 'x' && rbuf[1] == 0 && rbuf[2] == '\n');
}

/* ---- signals -------------------------------------------------------------- */

TEST(isig_chars_signal_and_flush)
{
	setup();
	type("ab\x03");
	CHECK_EQ(nsigs, 1);
	CHECK_EQ(sigs[0], LDISC_SIGINT);
	CHECK_OUT("^C");	/* the echo of "ab" went with the flush */
	CHECK_EQ(rd(100), LDISC_AGAIN);
	type("x\n");
	CHECK_READ("x\n");
	out();
	type("\x1c");
	CHECK_OUT("^\\");
	/* Each signal flushes the output not yet sent, echoes included. */
	type("\x1c\x1a");
	CHECK_EQ(nsigs, 4);
	CHECK_EQ(sigs[1], LDISC_SIGQUIT);
	CHECK_EQ(sigs[2], LDISC_SIGQUIT);
	CHECK_EQ(sigs[3], LDISC_SIGTSTP);
	CHECK_OUT("^Z");
}

TEST(isig_flushes_queued_lines_too)
{
	setup();
	type("one\ntwo");
	type("\x03");
	CHECK_EQ(rd(100), LDISC_AGAIN);
	CHECK_EQ(ldisc_inq(&L), 0);
}

TEST(noflsh_keeps_input)
{
	setup();
	set_lflag(TTY_NOFLSH, 0);
	type("ab\x03");
	CHECK_EQ(nsigs, 1);
	CHECK_OUT("ab^C");
	type("\n");
	CHECK_READ("ab\n");
}

TEST(isig_off_makes_them_data)
{
	setup();
	set_lflag(0, TTY_ISIG);
	type("\x03\x1c\x1a\n");
	CHECK_EQ(nsigs, 0);
	CHECK_OUT("^C^\\^Z\r\n");
	CHECK_READ("\x03\x1c\x1a\n");
}

TEST(signal_without_echo_is_silent)
{
	setup();
	set_lflag(0, TTY_ECHO);
	type("\x03");
	CHECK_EQ(nsigs, 1);
	CHECK_OUT("");
}

TEST(raw_mode_signals_too)
{
	setup();
	set_lflag(0, TTY_ICANON);
	type("a\x1a");
	CHECK_EQ(nsigs, 1);
	CHECK_EQ(sigs[0], LDISC_SIGTSTP);
	CHECK_EQ(rd(100), LDISC_AGAIN);
}

/* ---- input flags ----------------------------------------------------------- */

TEST(cr_and_nl_mapping)
{
	setup();
	set_iflag(0, TTY_ICRNL);
	type("a\r");
	CHECK_OUT("a^M");
	CHECK_EQ(rd(100), LDISC_AGAIN);
	type("\n");
	CHECK_READ("a\r\n");
	set_iflag(TTY_IGNCR, 0);
	type("b\r\n");
	CHECK_READ("b\n");
	set_iflag(TTY_INLCR | TTY_ICRNL, TTY_IGNCR);
	type("c\n");		/* NL -> CR, which is no line end */
	CHECK_EQ(rd(100), LDISC_AGAIN);
	type("\r");		/* CR -> NL */
	CHECK_READ("c\r\n");
}

TEST(istrip_and_iuclc)
{
	setup();
	set_iflag(TTY_ISTRIP, 0);
	type("\xe1\n");
	CHECK_READ("a\n");
	set_iflag(TTY_IUCLC, TTY_ISTRIP);
	type("AbC\n");
	CHECK_READ("abc\n");
}

TEST(ixon_swallows_start_and_stop)
{
	setup();
	type("a\x13" "b\x11\n");
	CHECK_OUT("ab\r\n");
	CHECK_READ("ab\n");
	set_iflag(0, TTY_IXON);
	type("\x13\x11\n");
	CHECK_READ("\x13\x11\n");
}

TEST(utf8_erase_takes_whole_characters)
{
	setup();
	set_iflag(TTY_IUTF8, 0);
	type("a\xc3\xa9");
	CHECK_OUT("a\xc3\xa9");
	CHECK_EQ(L.column, 2);
	type("\x7f\n");
	CHECK_OUT("\b \b\r\n");
	CHECK_READ("a\n");
}

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
