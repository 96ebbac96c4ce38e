/*
 * The tty line discipline (servers/tty/ldisc.c, ldisc_out.c) on the host,
 * canonical side: the default termios, line editing with the exact bytes
 * echoed, end of file, literal next, reprint, keyboard signals and the
 * input flags. test_ldisc_raw.c has non-canonical mode, the bounds, output
 * processing and a random walk.
 */
#include "tests/host/ldisc_helpers.h"

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

/* ---- flow control --------------------------------------------------------- */

TEST(ctrl_s_holds_output_until_ctrl_q)
{
	setup();
	type("\023");			/* ^S: not input, not echoed */
	CHECK(ldisc_out_stopped(&L));
	type("ab");
	CHECK(ldisc_write(&L, (const uint8_t *)"xy", 2) == 2);
	CHECK_OUT("");			/* echo and output wait */
	CHECK(ldisc_outq(&L) == 4);
	type("\021");			/* ^Q */
	CHECK(!ldisc_out_stopped(&L));
	CHECK_OUT("abxy");
	type("\n");
	CHECK_READ("ab\n");		/* ^S and ^Q never reached the input */
}

TEST(ixany_and_ixon_off_and_tcflow)
{
	setup();
	L.t.c_iflag |= TTY_IXANY;
	type("\023");
	CHECK(ldisc_out_stopped(&L));
	type("z");			/* any byte starts output, and is input */
	CHECK(!ldisc_out_stopped(&L));
	CHECK_OUT("z");
	L.t.c_iflag &= ~(uint32_t)(TTY_IXANY | TTY_IXON);
	type("\023");			/* without IXON ^S is an ordinary byte */
	CHECK(!ldisc_out_stopped(&L));
	CHECK_OUT("^S");
	ldisc_flow(&L, LDISC_OOFF);
	CHECK(ldisc_out_stopped(&L));
	CHECK(ldisc_write(&L, (const uint8_t *)"q", 1) == 1);
	CHECK_OUT("");
	ldisc_flow(&L, LDISC_OON);
	CHECK_OUT("q");
	ldisc_flow(&L, LDISC_IOFF);	/* tcflow(TCIOFF) sends STOP to the device */
	CHECK_OUT("\023");
}
