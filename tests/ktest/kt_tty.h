/*
 * Helpers of the tty and uart tests (t_tty*.c): opening the console,
 * io requests, and putting the terminal back into its default state.
 */
#ifndef KT_TTY_H
#define KT_TTY_H

#include "ktest.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/tty.h"
#include "abi/skiff/proto/uart.h"

#define KT_SEC	1000000000ull
#define KT_MS	1000000ull

/* The tty service, or SKIP. */
#define KT_TTY() ({ \
	sk_handle_t t_ = KT_SVC(given, SVC_TTY); \
	if (t_ == 0) \
		SKIP("no tty service in the boot image"); \
	t_; })

/* The uart16550 service (for UART_INJECT), or SKIP. */
#define KT_UART() ({ \
	sk_handle_t u_ = KT_SVC(given, SVC_UART); \
	if (u_ == 0) \
		SKIP("no uart16550 service in the boot image"); \
	u_; })

/* One request; returns the reply's w0 (or the call's error). */
static inline int64_t
kt_io(sk_handle_t h, uint32_t label, uint64_t w0, uint64_t w1, const void *snd,
    uint32_t snd_len, void *rcv, uint32_t rcv_max, uint32_t *rcv_len)
{
	struct sk_rpc m = { .label = label, .w = { w0, w1 }, .snd = snd,
	    .snd_len = snd_len, .rcv = rcv, .rcv_max = rcv_max };
	int64_t r = sk_rpc(h, &m, 5 * KT_SEC);

	if (rcv_len != NULL)
		*rcv_len = m.rcv_len;
	for (uint32_t i = 0; i < m.rcv_nh; i++)
		sk_handle_close(m.rcv_h[i]);
	return r;
}

/* TTY_OPEN of the console with flags; the open object's handle, or FAIL. */
static inline sk_handle_t
kt_tty_open(sk_handle_t svc, uint64_t flags)
{
	struct sk_rpc m = { .label = TTY_OPEN, .w = { TTY_MINOR_CONSOLE, flags } };
	int64_t r = sk_rpc(svc, &m, 5 * KT_SEC);

	if (r < 0)
		FAIL("TTY_OPEN: %s (argument %d)", sk_errname(SK_ERR(r)), SK_ERRARG(r));
	if (m.rcv_nh != 1)
		FAIL("TTY_OPEN answered %u handles, not 1", m.rcv_nh);
	return m.rcv_h[0];
}

static inline int64_t
kt_ioctl(sk_handle_t h, uint32_t cmd, uint64_t arg, const void *in, uint32_t in_len,
    void *out, uint32_t out_max)
{
	return kt_io(h, IO_IOCTL, cmd, arg, in, in_len, out, out_max, NULL);
}

/* Linux's default termios of a serial console (what tty starts with). */
static inline void
kt_default_termios(struct tty_termios *t)
{
	static const uint8_t cc[TTY_NCCS] =
	    "\003\034\177\025\004\0\1\0\021\023\032\0\022\017\027\026\0";

	t->c_iflag = 0x500;
	t->c_oflag = 0x5;
	t->c_cflag = 0x4bf;
	t->c_lflag = 0x8a3b;
	t->c_line = 0;
	memcpy(t->c_cc, cc, sizeof(cc));
}

/* Default termios with lflag bits off cleared; pending input flushed. */
static inline void
kt_tty_mode(sk_handle_t h, uint32_t lflag_off)
{
	struct tty_termios t;

	kt_default_termios(&t);
	t.c_lflag &= ~lflag_off;
	CHECK_OK(kt_ioctl(h, TTY_TCSETSF, 0, &t, sizeof(t), NULL, 0));
}

/*
 * Close an open object and make sure tty has taken the close notice: a
 * notice is received before calls queued after it.
 */
static inline void
kt_tty_close(sk_handle_t svc, sk_handle_t h)
{
	CHECK_OK(sk_handle_close(h));
	CHECK_ERR(kt_io(svc, 0x7fff, 0, 0, NULL, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
}

#endif
