/*
 * The tty server's protocol (abi/skiff/proto/tty.h, io.h): opening the
 * console, writing, termios and window size, reads that would block and
 * poll arming, errors for bad requests, and freeing open objects on close.
 */
#include "kt_tty.h"

KTEST(tty_open_stat_flags)
{
	sk_handle_t svc = KT_TTY(), h;
	struct io_stat st;
	uint32_t len = 0;

	h = kt_tty_open(svc, IO_O_RDWR);
	CHECK_OK(kt_io(h, IO_STAT, 0, 0, NULL, 0, &st, sizeof(st), &len));
	CHECK(len == sizeof(st));
	if (st.mode != (IO_S_IFCHR | 0620) || st.rdev != ((4u << 8) | 64u))
		FAIL("IO_STAT gave mode 0%o rdev 0x%lx", st.mode, (unsigned long)st.rdev);
	CHECK(kt_io(h, IO_GETFL, 0, 0, NULL, 0, NULL, 0, NULL) == IO_O_RDWR);
	CHECK_OK(kt_io(h, IO_SETFL, IO_NONBLOCK | IO_O_CREAT, 0, NULL, 0, NULL, 0, NULL));
	CHECK(kt_io(h, IO_GETFL, 0, 0, NULL, 0, NULL, 0, NULL) == (IO_O_RDWR | IO_NONBLOCK));
	CHECK_ERR(kt_io(h, IO_SEEK, 0, 0, NULL, 0, NULL, 0, NULL), SK_E_SPIPE, -1);
	kt_tty_close(svc, h);

	/* Access modes are enforced. */
	h = kt_tty_open(svc, IO_O_WRONLY);
	CHECK_ERR(kt_io(h, IO_READ, 10, IO_OFF_CUR, NULL, 0, NULL, 0, NULL), SK_E_BADF, -1);
	kt_tty_close(svc, h);
	h = kt_tty_open(svc, IO_O_RDONLY);
	CHECK_ERR(kt_io(h, IO_WRITE, 0, IO_OFF_CUR, "x", 1, NULL, 0, NULL), SK_E_BADF, -1);
	kt_tty_close(svc, h);
	return 0;
}

KTEST(tty_write_appears)
{
	static const char line[] = "ktest: this line was written through tty\n";
	sk_handle_t svc = KT_TTY(), uart = KT_SVC(given, SVC_UART), h;
	struct sk_rpc st0 = { .label = UART_STATS }, st1 = { .label = UART_STATS };
	int64_t r;

	h = kt_tty_open(svc, IO_O_RDWR);
	kt_tty_mode(h, 0);
	if (uart != 0)
		CHECK_OK(sk_rpc(uart, &st0, 5 * KT_SEC));
	r = kt_io(h, IO_WRITE, 0, IO_OFF_CUR, line, sizeof(line) - 1, NULL, 0, NULL);
	if (r != (int64_t)sizeof(line) - 1)
		FAIL("IO_WRITE of %zu bytes gave %ld", sizeof(line) - 1, (long)r);
	CHECK(kt_io(h, IO_WRITE, 0, IO_OFF_CUR, NULL, 0, NULL, 0, NULL) == 0);
	if (uart != 0) {
		/* The driver sent it, with CR NL for NL (ONLCR). */
		CHECK_OK(sk_rpc(uart, &st1, 5 * KT_SEC));
		if (st1.r[3] - st0.r[3] < sizeof(line))
			FAIL("the driver sent %lu bytes for a %zu-byte line",
			    (unsigned long)(st1.r[3] - st0.r[3]), sizeof(line));
	}
	kt_tty_close(svc, h);
	return 0;
}

KTEST(tty_termios_roundtrip)
{
	sk_handle_t svc = KT_TTY(), h;
	struct tty_termios t, def, got;
	char big[100] = { 0 };

	h = kt_tty_open(svc, IO_O_RDWR);
	kt_tty_mode(h, 0);
	kt_default_termios(&def);
	CHECK_OK(kt_ioctl(h, TTY_TCGETS, 0, NULL, 0, &got, sizeof(got)));
	if (memcmp(&got, &def, sizeof(got)) != 0)
		FAIL("TCGETS: iflag %#x oflag %#x cflag %#x lflag %#x, not Linux's defaults",
		    got.c_iflag, got.c_oflag, got.c_cflag, got.c_lflag);
	t = def;
	t.c_lflag &= ~(uint32_t)(TTY_ICANON | TTY_ECHO);
	t.c_cc[TTY_VMIN] = 0;
	t.c_cc[TTY_VTIME] = 3;
	CHECK_OK(kt_ioctl(h, TTY_TCSETS, 0, &t, sizeof(t), NULL, 0));
	CHECK_OK(kt_ioctl(h, TTY_TCGETS, 0, NULL, 0, &got, sizeof(got)));
	CHECK(memcmp(&got, &t, sizeof(t)) == 0);
	CHECK_OK(kt_ioctl(h, TTY_TCSETSW, 0, &def, sizeof(def), NULL, 0));
	CHECK_OK(kt_ioctl(h, TTY_TCGETS, 0, NULL, 0, &got, sizeof(got)));
	CHECK(memcmp(&got, &def, sizeof(def)) == 0);
	/* Wrong sizes change nothing. */
	CHECK_ERR(kt_ioctl(h, TTY_TCSETS, 0, &t, sizeof(t) - 1, NULL, 0), SK_E_INVAL, -1);
	CHECK_ERR(kt_ioctl(h, TTY_TCSETS, 0, big, sizeof(big), NULL, 0), SK_E_INVAL, -1);
	CHECK_ERR(kt_ioctl(h, TTY_TCSETS, 0, NULL, 0, NULL, 0), SK_E_INVAL, -1);
	CHECK_OK(kt_ioctl(h, TTY_TCGETS, 0, NULL, 0, &got, sizeof(got)));
	CHECK(memcmp(&got, &def, sizeof(def)) == 0);
	kt_tty_close(svc, h);
	return 0;
}

KTEST(tty_winsize)
{
	sk_handle_t svc = KT_TTY(), h;
	struct tty_winsize ws = { 0 }, big = { .ws_row = 50, .ws_col = 132 };
	struct tty_winsize def = { .ws_row = 24, .ws_col = 80 };

	h = kt_tty_open(svc, IO_O_RDWR);
	CHECK_OK(kt_ioctl(h, TTY_TIOCGWINSZ, 0, NULL, 0, &ws, sizeof(ws)));
	if (ws.ws_row != 24 || ws.ws_col != 80)
		FAIL("TIOCGWINSZ: %ux%u, expected 24x80", ws.ws_row, ws.ws_col);
	CHECK_OK(kt_ioctl(h, TTY_TIOCSWINSZ, 0, &big, sizeof(big), NULL, 0));
	CHECK_OK(kt_ioctl(h, TTY_TIOCGWINSZ, 0, NULL, 0, &ws, sizeof(ws)));
	CHECK(ws.ws_row == 50 && ws.ws_col == 132);
	CHECK_ERR(kt_ioctl(h, TTY_TIOCSWINSZ, 0, &big, 4, NULL, 0), SK_E_INVAL, -1);
	CHECK_OK(kt_ioctl(h, TTY_TIOCSWINSZ, 0, &def, sizeof(def), NULL, 0));
	CHECK_OK(kt_ioctl(h, TTY_TIOCGWINSZ, 0, NULL, 0, &ws, sizeof(ws)));
	CHECK(ws.ws_row == 24 && ws.ws_col == 80);
	kt_tty_close(svc, h);
	return 0;
}

KTEST(tty_read_again_poll_arms)
{
	sk_handle_t svc = KT_TTY(), h;
	int64_t n = sk_notif_create(), r, ints;
	char buf[16];
	int32_t v = -1;

	CHECK_OK(n);
	h = kt_tty_open(svc, IO_O_RDWR);
	kt_tty_mode(h, 0);
	CHECK_ERR(kt_io(h, IO_READ, sizeof(buf), IO_OFF_CUR, NULL, 0, buf, sizeof(buf), NULL),
	    SK_E_AGAIN, -1);
	CHECK_OK(kt_ioctl(h, TTY_FIONREAD, 0, NULL, 0, &v, sizeof(v)));
	CHECK(v == 0);
	CHECK_OK(kt_ioctl(h, TTY_TIOCOUTQ, 0, NULL, 0, &v, sizeof(v)));
	CHECK(v == 0);
	/* Output is always possible; input is not there: POLLOUT only. */
	r = kt_io(h, IO_POLL, IO_POLLIN | IO_POLLOUT, 0, NULL, 0, NULL, 0, NULL);
	CHECK(r == IO_POLLOUT);
	/* Arm for input: nothing ready, the notification stays with tty. */
	{
		struct sk_rpc m = { .label = IO_POLL, .w = { IO_POLLIN, 0x10 } };
		int64_t d = sk_handle_dup((sk_handle_t)n, SK_R_SIGNAL | SK_R_TRANSFER);

		CHECK_OK(d);
		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)d;
		r = sk_rpc(h, &m, 5 * KT_SEC);
		CHECK(r == 0);
		/* Arming again replaces it (one per process and object). */
		CHECK_OK(d = sk_handle_dup((sk_handle_t)n, SK_R_SIGNAL | SK_R_TRANSFER));
		m.snd_h[0] = (sk_handle_t)d;
		CHECK(sk_rpc(h, &m, 5 * KT_SEC) == 0);
	}
	CHECK_ERR(sk_notif_wait((sk_handle_t)n, 50 * KT_MS), SK_E_TIMEOUT, -1);
	/* VMIN = VTIME = 0: a read answers 0 at once. */
	{
		struct tty_termios t;

		kt_default_termios(&t);
		t.c_lflag &= ~(uint32_t)(TTY_ICANON | TTY_ECHO);
		t.c_cc[TTY_VMIN] = 0;
		CHECK_OK(kt_ioctl(h, TTY_TCSETS, 0, &t, sizeof(t), NULL, 0));
		CHECK(kt_io(h, IO_READ, sizeof(buf), IO_OFF_CUR, NULL, 0, buf, sizeof(buf), NULL) == 0);
	}
	/* ... which makes the armed waiter ready: it is signalled once. */
	ints = sk_notif_wait((sk_handle_t)n, 2 * KT_SEC);
	if (ints != 0x10)
		FAIL("the armed notification gave %ld, expected 0x10", (long)ints);
	kt_tty_mode(h, 0);
	kt_tty_close(svc, h);
	CHECK_OK(sk_handle_close((sk_handle_t)n));
	return 0;
}

KTEST(tty_ioctl_errors)
{
	sk_handle_t svc = KT_TTY(), h;
	int32_t v = 0;

	h = kt_tty_open(svc, IO_O_RDWR);
	CHECK_ERR(kt_ioctl(h, 0x1234, 0, NULL, 0, NULL, 0), SK_E_NOTTY, -1);
	CHECK_ERR(kt_ioctl(h, 0x5401 + 0x100, 0, NULL, 0, NULL, 0), SK_E_NOTTY, -1);
	CHECK_ERR(kt_ioctl(h, TTY_TCFLSH, 3, NULL, 0, NULL, 0), SK_E_INVAL, 2);
	CHECK_OK(kt_ioctl(h, TTY_TCFLSH, 2, NULL, 0, NULL, 0));
	CHECK_OK(kt_ioctl(h, TTY_TCXONC, 1, NULL, 0, NULL, 0));
	CHECK_ERR(kt_ioctl(h, TTY_TCXONC, 9, NULL, 0, NULL, 0), SK_E_INVAL, 2);
	v = 0;
	CHECK_ERR(kt_ioctl(h, TTY_TIOCSPGRP, 0, &v, sizeof(v), NULL, 0), SK_E_INVAL, -1);
	CHECK_ERR(kt_ioctl(h, TTY_TIOCSPGRP, 0, &v, 2, NULL, 0), SK_E_INVAL, -1);
	kt_tty_close(svc, h);
	return 0;
}

KTEST(tty_job_control_ioctls)
{
	sk_handle_t svc = KT_TTY(), h;
	int32_t v = 0, pg = 77;

	h = kt_tty_open(svc, IO_O_RDWR);
	/* Not a controlling terminal yet: Linux's ENOTTY. */
	CHECK_ERR(kt_ioctl(h, TTY_TIOCGPGRP, 0, NULL, 0, &v, sizeof(v)), SK_E_NOTTY, -1);
	CHECK_ERR(kt_ioctl(h, TTY_TIOCGSID, 0, NULL, 0, &v, sizeof(v)), SK_E_NOTTY, -1);
	CHECK_ERR(kt_ioctl(h, TTY_TIOCSPGRP, 0, &pg, sizeof(pg), NULL, 0), SK_E_NOTTY, -1);
	CHECK_ERR(kt_ioctl(h, TTY_TIOCNOTTY, 0, NULL, 0, NULL, 0), SK_E_NOTTY, -1);
	/* This process (unknown to proc) takes it, sets a group, gives it up. */
	CHECK_OK(kt_ioctl(h, TTY_TIOCSCTTY, 0, NULL, 0, NULL, 0));
	CHECK_OK(kt_ioctl(h, TTY_TIOCGSID, 0, NULL, 0, &v, sizeof(v)));
	CHECK_OK(kt_ioctl(h, TTY_TIOCSPGRP, 0, &pg, sizeof(pg), NULL, 0));
	CHECK_OK(kt_ioctl(h, TTY_TIOCGPGRP, 0, NULL, 0, &v, sizeof(v)));
	CHECK(v == 77);
	CHECK_OK(kt_ioctl(h, TTY_TIOCNOTTY, 0, NULL, 0, NULL, 0));
	CHECK_ERR(kt_ioctl(h, TTY_TIOCGPGRP, 0, NULL, 0, &v, sizeof(v)), SK_E_NOTTY, -1);
	kt_tty_close(svc, h);
	return 0;
}

/* Bad requests fail one by one; tty goes on serving. */
KTEST(tty_garbage_requests)
{
	static char huge[SK_MSG_PAYLOAD_MAX + 8];
	sk_handle_t svc = KT_TTY(), h;
	struct tty_termios t;
	int64_t n, v;
	char buf[8];

	h = kt_tty_open(svc, IO_O_RDWR);
	/* Unknown labels, on the service handle and on an open object. */
	CHECK_ERR(kt_io(svc, 0x1234, 0, 0, NULL, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	CHECK_ERR(kt_io(svc, IO_READ, 1, 0, NULL, 0, buf, sizeof(buf), NULL), SK_E_NOSYS, -1);
	CHECK_ERR(kt_io(h, 0x1234, 0, 0, "zz", 2, NULL, 0, NULL), SK_E_NOSYS, -1);
	CHECK_ERR(kt_io(h, 0x6ff, 0, 0, NULL, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	CHECK_ERR(kt_io(svc, 0x6ff, 1, 0, NULL, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	/* TTY_OPEN: only from a service badge, a known minor, valid flags. */
	CHECK_ERR(kt_io(h, TTY_OPEN, 0, IO_O_RDWR, NULL, 0, NULL, 0, NULL), SK_E_PERM, -1);
	CHECK_ERR(kt_io(svc, TTY_OPEN, 5, IO_O_RDWR, NULL, 0, NULL, 0, NULL), SK_E_NXIO, 1);
	CHECK_ERR(kt_io(svc, TTY_OPEN, 0, 3, NULL, 0, NULL, 0, NULL), SK_E_INVAL, 2);
	CHECK_ERR(kt_io(svc, TTY_OPEN, 0, 1ull << 40, NULL, 0, NULL, 0, NULL), SK_E_INVAL, 2);
	/* Oversized lengths. */
	CHECK_ERR(kt_io(h, IO_READ, IO_CHUNK + 1, IO_OFF_CUR, NULL, 0, buf, sizeof(buf), NULL),
	    SK_E_INVAL, 1);
	CHECK_ERR(kt_io(h, IO_READ, ~0ull, IO_OFF_CUR, NULL, 0, buf, sizeof(buf), NULL),
	    SK_E_INVAL, 1);
	CHECK_ERR(kt_io(h, IO_WRITE, 0, IO_OFF_CUR, huge, sizeof(huge), NULL, 0, NULL),
	    SK_E_TOOBIG, -1);	/* refused by the kernel: tty never sees it */
	CHECK_ERR(kt_io(h, IO_SETFL, 1ull << 33, 0, NULL, 0, NULL, 0, NULL), SK_E_INVAL, 1);
	CHECK_ERR(kt_io(h, IO_POLL, 1ull << 40, 0, NULL, 0, NULL, 0, NULL), SK_E_INVAL, 1);
	/* Short payloads. */
	CHECK_ERR(kt_ioctl(h, TTY_TCSETSF, 0, "abc", 3, NULL, 0), SK_E_INVAL, -1);
	CHECK_ERR(kt_ioctl(h, TTY_TIOCSWINSZ, 0, "abc", 3, NULL, 0), SK_E_INVAL, -1);
	/* IO_POLL with bad bits or a handle that is no notification: dropped. */
	{
		struct sk_rpc m = { .label = IO_POLL, .w = { IO_POLLIN, 0 } };

		CHECK_OK(n = sk_notif_create());
		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)n;
		CHECK_ERR(sk_rpc(h, &m, 5 * KT_SEC), SK_E_INVAL, 2);
		CHECK_OK(n = sk_ep_create());
		m.w[1] = 1;
		m.snd_h[0] = (sk_handle_t)n;
		CHECK_ERR(sk_rpc(h, &m, 5 * KT_SEC), SK_E_WRONGTYPE, -1);
	}
	/* A forged close notice from a client changes nothing. */
	(void)kt_io(h, SK_LABEL_CLOSED, 0, 0, NULL, 0, NULL, 0, NULL);
	/* Still serving, the open object still works. */
	CHECK_OK(kt_ioctl(h, TTY_TCGETS, 0, NULL, 0, &t, sizeof(t)));
	v = kt_io(h, IO_GETFL, 0, 0, NULL, 0, NULL, 0, NULL);
	CHECK(v == IO_O_RDWR);
	kt_tty_close(svc, h);
	return 0;
}

/* Open objects are freed on close: many more opens than the table holds. */
KTEST(tty_close_frees_objects)
{
	sk_handle_t svc = KT_TTY(), h;
	struct sk_kstat ks;
	uint64_t notifs = 0;
	int64_t n;

	for (int i = 0; i < 400; i++) {
		h = kt_tty_open(svc, IO_O_RDWR);
		if (i % 2 == 0) {
			CHECK_OK(sk_handle_close(h));	/* no round trip needed */
		} else {
			sk_handle_t d;
			int64_t r;

			CHECK_OK(r = sk_handle_dup(h, SK_R_SEND));
			d = (sk_handle_t)r;
			CHECK_OK(sk_handle_close(h));
			CHECK(kt_io(d, IO_GETFL, 0, 0, NULL, 0, NULL, 0, NULL) == IO_O_RDWR);
			CHECK_OK(sk_handle_close(d));
		}
	}
	/* An armed poll notification goes with its open object. */
	CHECK_OK(sk_kstat(&ks));
	notifs = ks.objects[SK_OBJ_NOTIFICATION];
	h = kt_tty_open(svc, IO_O_RDWR);
	kt_tty_mode(h, 0);
	{
		struct sk_rpc m = { .label = IO_POLL, .w = { IO_POLLIN, 1 } };

		CHECK_OK(n = sk_notif_create());
		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)n;
		CHECK(sk_rpc(h, &m, 5 * KT_SEC) == 0);
	}
	CHECK_OK(sk_kstat(&ks));
	if (ks.objects[SK_OBJ_NOTIFICATION] != notifs + 1)
		FAIL("%lu notifications with one armed, %lu before",
		    (unsigned long)ks.objects[SK_OBJ_NOTIFICATION], (unsigned long)notifs);
	kt_tty_close(svc, h);
	for (int i = 0; i < 100; i++) {
		CHECK_OK(sk_kstat(&ks));
		if (ks.objects[SK_OBJ_NOTIFICATION] == notifs)
			return 0;
		sk_sleep(KT_MS);
	}
	FAIL("tty kept the armed notification of a closed object (%lu, expected %lu)",
	    (unsigned long)ks.objects[SK_OBJ_NOTIFICATION], (unsigned long)notifs);
	return 1;
}
