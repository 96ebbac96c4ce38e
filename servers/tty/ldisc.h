/*
 * The line discipline of a terminal: termios input and output processing,
 * line editing and echo, the input queue and the readiness rules of
 * read(2) on a terminal. Pure code (no system calls), so that a host unit
 * test (tests/host/test_ldisc.c) runs it as it is.
 *
 * It follows Linux's n_tty: canonical mode with erase (VERASE, and ^H
 * as well), kill, word erase, literal next, reprint, end of file and the
 * end-of-line characters; non-canonical mode with VMIN and VTIME; the
 * input flags ICRNL, INLCR, IGNCR, ISTRIP, IUCLC, IXON and IXANY (^S
 * stops the output and ^Q starts it; see ldisc_flow); ISIG; echo with ECHOE,
 * ECHOK, ECHOKE, ECHOCTL and ECHONL; output processing with OPOST and
 * ONLCR, OCRNL, ONOCR, ONLRET, OLCUC and tab expansion (XTABS). Where it
 * departs from Linux on purpose: a c_cc value of 0 disables the
 * character (POSIX), and only ASCII control characters echo as ^X (so a
 * UTF-8 sequence echoes as itself).
 *
 * The caller owns the clock: times are nanoseconds of any monotonic
 * clock, passed in. The device side is the output queue: the caller
 * takes bytes from it (ldisc_out_take) and hands them to the device.
 */
#ifndef SERVERS_TTY_LDISC_H
#define SERVERS_TTY_LDISC_H

#include <stddef.h>
#include <stdint.h>
#include "abi/skiff/proto/tty.h"

#define LDISC_QMAX	4096	/* input: queued bytes plus the line being edited */
#define LDISC_OMAX	4096	/* output waiting for the device */
#define LDISC_AGAIN	(-1)	/* ldisc_read: nothing to read yet */
#define LDISC_VTIME_NS	100000000ull	/* one unit of VTIME: 0.1 s */

/* Signals the keyboard generates (Linux numbers). */
#define LDISC_SIGINT	2
#define LDISC_SIGQUIT	3
#define LDISC_SIGTSTP	20

/* Flags of a byte in the input queue. */
#define LDISC_QF_EOL	0x1	/* the byte ends a line (canonical mode) */
#define LDISC_QF_EOF	0x2	/* an end-of-file mark, not data */

struct ldisc {
	struct tty_termios t;

	/* Input ready for reading: a ring of bytes and their flags. */
	uint8_t q[LDISC_QMAX];
	uint8_t qf[LDISC_QMAX];
	uint32_t qhead, qlen;
	uint32_t nlines;	/* EOL marks in q */
	uint32_t neof;		/* EOF marks in q */

	/* The line being edited in canonical mode. */
	uint8_t line[LDISC_QMAX];
	uint32_t linelen;
	uint8_t lnext;		/* the next byte is taken literally */

	/* Output waiting for the device, and where the cursor is. */
	uint8_t o[LDISC_OMAX];
	uint32_t ohead, olen;
	uint32_t column;	/* of the cursor, as output processing sees it */
	uint8_t ostopped;	/* ^S came (IXON): output waits for ^Q */
	uint8_t oflow_off;	/* tcflow(TCOOFF): output waits for TCOON */
	uint32_t canon_column;	/* where the line being edited starts */

	uint64_t last_rx;	/* when the last byte arrived (VTIME) */
	uint64_t dropped;	/* input bytes dropped: queue full */

	/* Called for each keyboard signal (ISIG), in order. */
	void (*signal)(void *ctx, int sig);
	void *ctx;
};

/* Linux's default termios for a serial console. */
void ldisc_default_termios(struct tty_termios *t);

/* Set up ld with the default termios and empty queues. */
void ldisc_init(struct ldisc *ld, void (*signal)(void *, int), void *ctx);

/*
 * Change the termios. Switching canonical mode off makes the line being
 * edited readable; switching it on ends the queued input as one line.
 */
void ldisc_set_termios(struct ldisc *ld, const struct tty_termios *t);

/* Bytes that arrived from the device at time now. */
void ldisc_input(struct ldisc *ld, const uint8_t *buf, size_t n, uint64_t now);

/*
 * read(2) of at most max (> 0) bytes into dst at time now. Returns the
 * count (0: end of file in canonical mode, or nothing with VMIN = 0 once
 * VTIME is over or when it is 0), or LDISC_AGAIN when the caller must
 * wait. *timer is the reader's VTIME timer for VMIN = 0 (0: not started;
 * a read that must wait starts it); timer is NULL for a reader that will
 * not wait (O_NONBLOCK). On LDISC_AGAIN, *deadline (if deadline is not
 * NULL) is the time the read becomes ready by itself, or 0 if only input
 * can make it ready.
 */
int64_t ldisc_read(struct ldisc *ld, uint8_t *dst, size_t max, uint64_t now,
    uint64_t *timer, uint64_t *deadline);

/* Whether a read (of up to max bytes; 0: any size) would not wait; as above. */
int ldisc_readable(const struct ldisc *ld, size_t max, uint64_t now, uint64_t timer,
    uint64_t *deadline);

/*
 * write(2): output processing of n bytes into the output queue. Returns
 * how many of them were taken (all, unless the queue filled up).
 */
size_t ldisc_write(struct ldisc *ld, const uint8_t *buf, size_t n);

/* Whether a write would take at least one byte. */
int ldisc_writable(const struct ldisc *ld);

/*
 * Flow control. Output is stopped after ^S (while IXON is set; ^Q, or with
 * IXANY any byte, starts it) or tcflow(TCOOFF) (until TCOON): the queue
 * keeps filling, but nothing goes to the device. ldisc_flow carries out
 * tcflow: LDISC_OOFF, LDISC_OON, and LDISC_IOFF / LDISC_ION, which send
 * the STOP or START character to the device.
 */
enum { LDISC_OOFF = 0, LDISC_OON, LDISC_IOFF, LDISC_ION };
int ldisc_out_stopped(const struct ldisc *ld);
void ldisc_flow(struct ldisc *ld, int action);

/*
 * Copy up to max bytes of output for the device to dst; returns the
 * count, 0 while output is stopped.
 */
size_t ldisc_out_peek(const struct ldisc *ld, uint8_t *dst, size_t max);
/* The device took n of them. */
void ldisc_out_consume(struct ldisc *ld, size_t n);
/* ldisc_out_peek and ldisc_out_consume at once. */
size_t ldisc_out_take(struct ldisc *ld, uint8_t *dst, size_t max);

void ldisc_flush_input(struct ldisc *ld);
void ldisc_flush_output(struct ldisc *ld);

/* FIONREAD: bytes a read could return now (lines only, in canonical mode). */
size_t ldisc_inq(const struct ldisc *ld);
/* TIOCOUTQ: bytes waiting for the device. */
size_t ldisc_outq(const struct ldisc *ld);

#endif
