/*
 * tty, the terminal server of the serial console: shared declarations.
 *
 * One terminal (the console on COM1, through drivers/uart16550) with its
 * line discipline (ldisc.c), handed out as open objects (io.h) minted with
 * SK_MINT_NOTIFY. The main thread runs a plain receive loop and owns all
 * state. A helper thread waits on the notification the driver signals
 * (input arrived, output space freed) and turns each wake-up into a call
 * on tty's own endpoint (TTY_WAKE with a badge only tty holds), so the
 * main loop sees device events as messages among the others. VTIME
 * deadlines are kept with the receive timeout.
 */
#ifndef SERVERS_TTY_TTY_H
#define SERVERS_TTY_TTY_H

#include "sk.h"
#include "abi/skiff/proto/svc.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/tty.h"
#include "servers/tty/ldisc.h"

#define NOPEN		128	/* open objects */
#define NWAITERS	256	/* armed IO_POLL notifications */

/*
 * Badges: open objects, and the helper thread's own handle. An open
 * object's badge is "tty", an epoch, a generation and its index. The
 * epoch (from the clock at start) keeps a restarted tty, which starts on
 * the same endpoint with empty tables, from taking handles minted by the
 * one before for its own new open objects.
 */
#define OBJ_BADGE_BASE	0x7474790000000000ull	/* "tty" */
#define OBJ_BADGE_HIGH(b) ((b) & ~0xffffffffull)	/* base and epoch */
#define OBJ_BADGE(i, gen) (tty.obj_base | ((uint64_t)(gen) << 16) | (uint64_t)(i))
#define WAKE_BADGE	0x7474780000000001ull

#define TTY_WAKE	0x6ff	/* internal: w0 = notification bits that came */
#define NOTE_RX		(1ull << 0)
#define NOTE_TX		(1ull << 1)

#define MS		1000000ull
#define UART_TIMEOUT	(1000 * MS)
#define PROC_TIMEOUT	(200 * MS)

/* Linux signal numbers tty sends besides the keyboard's. */
#define SIG_HUP		1
#define SIG_CONT	18
#define SIG_WINCH	28

struct topen {
	int used;
	uint16_t gen;
	uint32_t flags;		/* IO_O_ACCMODE bits, IO_APPEND, IO_NONBLOCK */
	uint64_t timer;		/* VTIME timer of a reader that waits (ldisc_read) */
};

struct waiter {
	int used;
	uint32_t obj;		/* index into opens[] */
	uint64_t pid;		/* kernel id of the process that armed it */
	sk_handle_t notif;
	uint64_t bits;
	uint32_t events;
};

struct tty {
	struct ldisc ld;
	struct tty_winsize ws;
	int has_session;	/* TIOCSCTTY made it a controlling terminal */
	int32_t sid;		/* its session (0: unknown) */
	int32_t pgrp;		/* the foreground process group (0: none) */
	uint64_t leader_pid;	/* kernel id of the process that did TIOCSCTTY */

	uint64_t obj_base;	/* OBJ_BADGE_BASE | epoch << 32 */
	sk_handle_t ep;		/* our endpoint */
	sk_handle_t uart;	/* the driver, or 0 */
	sk_handle_t proc;	/* proc, or 0 */
	sk_handle_t note;	/* the notification the driver signals */
	int attached;		/* UART_ATTACH went through */
	uint64_t uart_instance;	/* w5 of the driver's replies when it did */
	int tx_blocked;		/* the driver took less than offered: wait for NOTE_TX */
};

extern struct tty tty;
extern struct topen opens[NOPEN];
extern struct waiter waiters[NWAITERS];

/* The request being served: reply words and payload. */
struct req {
	struct sk_msg *m;
	uint32_t label;
	uint64_t badge;		/* without SK_BADGE_NOTIFY */
	uint64_t pid;		/* sender's kernel pid */
	const uint8_t *in;	/* payload that came */
	uint32_t in_len;
	sk_handle_t h;		/* first handle that came, or 0; set to 0 if kept */
	uint8_t *out;		/* reply payload (OUT_MAX bytes) */
	uint32_t out_len;
	sk_handle_t out_h;	/* a handle to send with the reply, or 0 */
};
#define OUT_MAX		LDISC_QMAX

/* ops.c */
int64_t op_open(struct req *r);
int64_t op_io(struct req *r, uint32_t idx);
void op_closed(uint32_t idx);
uint32_t ready_events(uint32_t idx, uint64_t now, uint64_t *deadline);

/* ioctl.c */
int64_t op_ioctl(struct req *r, uint32_t idx);
void send_signal(int32_t pgrp, int sig);
void keyboard_signal(void *ctx, int sig);

/* main.c */
uint64_t now_ns(void);
void pump_output(void);
void wake_waiters(void);

#endif
