/*
 * Input through the whole path: bytes injected into the UART driver's
 * receive ring (UART_INJECT, as if typed on the serial line) reach tty,
 * go through the line discipline and wake a reader armed with IO_POLL.
 * Echo is off except in the echo test, whose echo is one whole line.
 */
#include "kt_tty.h"

static void
inject(sk_handle_t uart, const char *s, uint32_t n)
{
	int64_t r = kt_io(uart, UART_INJECT, 0, 0, s, n, NULL, 0, NULL);

	if (r != (int64_t)n)
		FAIL("UART_INJECT of %u bytes gave %ld", n, (long)r);
}

/* Wait (up to ~5 s) until a read of h would not block, through IO_POLL. */
static void
wait_input(sk_handle_t h, sk_handle_t n)
{
	for (int i = 0; i < 50; i++) {
		struct sk_rpc m = { .label = IO_POLL, .w = { IO_POLLIN, 1 } };
		int64_t d = sk_handle_dup(n, SK_R_SIGNAL | SK_R_TRANSFER), r;

		CHECK_OK(d);
		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)d;
		r = sk_rpc(h, &m, 5 * KT_SEC);
		CHECK_OK(r);
		if (r & IO_POLLIN)
			return;
		(void)sk_notif_wait(n, 100 * KT_MS);
	}
	FAIL("no input became readable in 5 s");
}

/* Read once; the bytes must be exactly want (want_len of them). */
static void
expect_read(sk_handle_t h, const char *want, int64_t want_len)
{
	char buf[64];
	int64_t r = kt_io(h, IO_READ, sizeof(buf), IO_OFF_CUR, NULL, 0, buf, sizeof(buf), NULL);

	if (r != want_len || (r > 0 && memcmp(buf, want, (size_t)r) != 0))
		FAIL("read gave %ld bytes, expected %ld", (long)r, (long)want_len);
}

struct kt_in {
	sk_handle_t svc, uart, h, n;
};

static void
in_setup(struct kt_in *t, uint32_t lflag_off)
{
	int64_t n = sk_notif_create();

	CHECK_OK(n);
	t->n = (sk_handle_t)n;
	t->h = kt_tty_open(t->svc, IO_O_RDWR);
	kt_tty_mode(t->h, lflag_off);
}

static void
in_done(struct kt_in *t)
{
	kt_tty_mode(t->h, 0);
	kt_tty_close(t->svc, t->h);
	CHECK_OK(sk_handle_close(t->n));
}

KTEST(tty_input_canonical_line)
{
	struct kt_in t = { KT_TTY(), KT_UART(), 0, 0 };

	in_setup(&t, TTY_ECHO);
	inject(t.uart, "ab\x7f", 3);
	inject(t.uart, "c\r", 2);
	wait_input(t.h, t.n);
	expect_read(t.h, "ac\n", 3);
	CHECK_ERR(kt_io(t.h, IO_READ, 8, IO_OFF_CUR, NULL, 0, NULL, 0, NULL), SK_E_AGAIN, -1);
	/* Two lines, one read each; ^U kills, ^W erases a word. */
	inject(t.uart, "junk\x15one\ntwo three\x17\n", 21);
	wait_input(t.h, t.n);
	expect_read(t.h, "one\n", 4);
	expect_read(t.h, "two \n", 5);
	in_done(&t);
	return 0;
}

KTEST(tty_input_eof)
{
	struct kt_in t = { KT_TTY(), KT_UART(), 0, 0 };

	in_setup(&t, TTY_ECHO);
	inject(t.uart, "\x04", 1);
	wait_input(t.h, t.n);
	expect_read(t.h, "", 0);
	inject(t.uart, "xy\x04", 3);
	wait_input(t.h, t.n);
	expect_read(t.h, "xy", 2);
	in_done(&t);
	return 0;
}

KTEST(tty_input_intr_flushes)
{
	struct kt_in t = { KT_TTY(), KT_UART(), 0, 0 };

	in_setup(&t, TTY_ECHO);
	inject(t.uart, "lost\x03", 5);
	inject(t.uart, "kept\n", 5);
	wait_input(t.h, t.n);
	expect_read(t.h, "kept\n", 5);
	/* Literal next makes ^C data. */
	inject(t.uart, "\x16\x03\n", 3);
	wait_input(t.h, t.n);
	expect_read(t.h, "\x03\n", 2);
	in_done(&t);
	return 0;
}

/* VMIN = 0, VTIME = 2: the read waits 0.2 s, kept by tty's receive timeout. */
KTEST(tty_input_vtime_timeout)
{
	struct kt_in t = { KT_TTY(), KT_UART(), 0, 0 };
	struct tty_termios tio;
	char buf[8];
	int64_t r, t0, dt;

	in_setup(&t, TTY_ECHO);
	kt_default_termios(&tio);
	tio.c_lflag &= ~(uint32_t)(TTY_ICANON | TTY_ECHO);
	tio.c_cc[TTY_VMIN] = 0;
	tio.c_cc[TTY_VTIME] = 2;
	CHECK_OK(kt_ioctl(t.h, TTY_TCSETS, 0, &tio, sizeof(tio), NULL, 0));
	t0 = sk_clock();
	r = kt_io(t.h, IO_READ, sizeof(buf), IO_OFF_CUR, NULL, 0, buf, sizeof(buf), NULL);
	CHECK_ERR(r, SK_E_AGAIN, -1);
	wait_input(t.h, t.n);
	expect_read(t.h, "", 0);
	dt = sk_clock() - t0;
	if (dt < 150 * (int64_t)KT_MS || dt > 3 * (int64_t)KT_SEC)
		FAIL("VTIME 0.2 s ended the read after %ld ms", (long)(dt / (int64_t)KT_MS));
	/* Input before VTIME is over: the read has it. */
	r = kt_io(t.h, IO_READ, sizeof(buf), IO_OFF_CUR, NULL, 0, buf, sizeof(buf), NULL);
	CHECK_ERR(r, SK_E_AGAIN, -1);
	inject(t.uart, "k", 1);
	wait_input(t.h, t.n);
	expect_read(t.h, "k", 1);
	in_done(&t);
	return 0;
}

KTEST(tty_input_echo_line)
{
	static const char line[] = "ktest: this line was typed and echoed\r";
	struct kt_in t = { KT_TTY(), KT_UART(), 0, 0 };
	struct sk_rpc s0 = { .label = UART_STATS }, s1 = { .label = UART_STATS };
	int32_t v = -1;

	in_setup(&t, 0);
	CHECK_OK(sk_rpc(t.uart, &s0, 5 * KT_SEC));
	inject(t.uart, line, sizeof(line) - 1);
	wait_input(t.h, t.n);
	CHECK_OK(kt_ioctl(t.h, TTY_FIONREAD, 0, NULL, 0, &v, sizeof(v)));
	CHECK(v == (int32_t)sizeof(line) - 1);
	CHECK_OK(sk_rpc(t.uart, &s1, 5 * KT_SEC));
	/* The echo: the line and CR NL for the CR (ICRNL, then ONLCR). */
	if (s1.r[3] - s0.r[3] != sizeof(line))
		FAIL("echo of a %zu-byte line sent %lu bytes", sizeof(line) - 1,
		    (unsigned long)(s1.r[3] - s0.r[3]));
	CHECK_OK(kt_ioctl(t.h, TTY_TCFLSH, 0, NULL, 0, NULL, 0));
	CHECK_OK(kt_ioctl(t.h, TTY_FIONREAD, 0, NULL, 0, &v, sizeof(v)));
	CHECK(v == 0);
	in_done(&t);
	return 0;
}

/* The input queue is bounded and a newline still fits when it is full. */
KTEST(tty_input_bounded)
{
	static char many[2000];
	struct kt_in t = { KT_TTY(), KT_UART(), 0, 0 };
	char buf[1024];
	int64_t total = 0, r;
	char last = 0;

	in_setup(&t, TTY_ECHO);
	memset(many, 'a', sizeof(many));
	for (int i = 0; i < 3; i++) {
		inject(t.uart, many, sizeof(many));
		sk_sleep(50 * KT_MS);	/* let tty take it from the driver's ring */
	}
	inject(t.uart, "\n", 1);
	wait_input(t.h, t.n);
	while ((r = kt_io(t.h, IO_READ, sizeof(buf), IO_OFF_CUR, NULL, 0, buf, sizeof(buf),
	    NULL)) > 0) {
		total += r;
		last = buf[r - 1];
		if (last == '\n')
			break;
	}
	if (total < 2001 || total > 4096 || last != '\n')
		FAIL("read %ld bytes ending in 0x%x after 6000 typed and a newline",
		    (long)total, (unsigned)(uint8_t)last);
	in_done(&t);
	return 0;
}

KTEST(uart_protocol_errors)
{
	sk_handle_t uart = KT_UART();
	struct sk_rpc m = { .label = UART_ATTACH, .w = { 1, 2 } };
	char buf[8];
	int64_t e;

	CHECK_ERR(kt_io(uart, UART_READ, 0, 0, NULL, 0, buf, sizeof(buf), NULL), SK_E_INVAL, 1);
	CHECK_ERR(kt_io(uart, UART_READ, UART_IO_MAX + 1, 0, NULL, 0, buf, sizeof(buf), NULL),
	    SK_E_INVAL, 1);
	CHECK_ERR(kt_io(uart, 0x7777, 0, 0, NULL, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	CHECK_ERR(kt_io(uart, UART_ATTACH, 1, 2, NULL, 0, NULL, 0, NULL), SK_E_BADHANDLE, -1);
	CHECK_OK(e = sk_ep_create());
	m.snd_nh = 1;
	m.snd_h[0] = (sk_handle_t)e;
	CHECK_ERR(sk_rpc(uart, &m, 5 * KT_SEC), SK_E_WRONGTYPE, -1);
	/* A notification with bad bits (a good one would take tty's place). */
	CHECK_OK(e = sk_notif_create());
	m.w[0] = 0;
	m.snd_h[0] = (sk_handle_t)e;
	CHECK_ERR(sk_rpc(uart, &m, 5 * KT_SEC), SK_E_INVAL, 1);
	CHECK_OK(e = sk_notif_create());
	m.w[0] = 1;
	m.w[1] = 1ull << 63;
	m.snd_h[0] = (sk_handle_t)e;
	CHECK_ERR(sk_rpc(uart, &m, 5 * KT_SEC), SK_E_INVAL, 2);
	CHECK(kt_io(uart, UART_INJECT, 0, 0, NULL, 0, NULL, 0, NULL) == 0);
	CHECK_OK(kt_io(uart, UART_STATS, 0, 0, NULL, 0, NULL, 0, NULL));
	return 0;
}
