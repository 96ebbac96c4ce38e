/*
 * The tty protocol. The tty server runs the line discipline and termios
 * of the serial console on top of the UART driver (uart.h) and hands out
 * terminal open objects (io.h): IO_READ, IO_WRITE, IO_POLL, IO_STAT (an
 * IO_S_IFCHR) and IO_IOCTL with Linux's terminal ioctls (TCGETS, TCSETS,
 * TCSETSW, TCSETSF, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP,
 * TIOCSCTTY, TIOCNOTTY, FIONREAD). It sends ^C, ^Z and ^\ to the
 * foreground process group through proc (PROC_KILL with a service badge).
 *
 * Like every server it never blocks: IO_READ answers SK_E_AGAIN while
 * no input is ready for the mode in force (a whole line in canonical
 * mode; VMIN bytes, or the VTIME timer, in non-canonical mode; with
 * VMIN = VTIME = 0 it answers 0 at once), and IO_POLL keeps one
 * notification per (open object, sending process), signalled once when
 * input or output space becomes ready.
 */
#ifndef SKIFF_PROTO_TTY_H
#define SKIFF_PROTO_TTY_H

#include <stdint.h>

enum tty_op {
	TTY_OPEN = 0x600,	/* services only (devfs): w0 = minor (TTY_MINOR_*),
				   w1 = IO_O_* flags -> handle: a terminal open object */
};

#define TTY_MINOR_CONSOLE	0	/* /dev/console, /dev/ttyS0, /dev/tty */

/* What IO_STAT says of a terminal: a character device 4:64 (ttyS0). */
#define TTY_RDEV	((4u << 8) | 64u)
#define TTY_MODE	0620

/*
 * IO_IOCTL commands: Linux's numbers. The argument structure travels in
 * the payload (TCSETS*: struct tty_termios in; TCGETS: out; TIOCSWINSZ:
 * struct tty_winsize in; TIOCGWINSZ: out; TIOCSPGRP: int32 in; TIOCGPGRP,
 * TIOCGSID, FIONREAD, TIOCOUTQ: int32 out); TCFLSH, TCXONC and TIOCSCTTY
 * take the integer argument in w1. Any other command: SK_E_NOTTY.
 */
#define TTY_TCGETS	0x5401
#define TTY_TCSETS	0x5402
#define TTY_TCSETSW	0x5403	/* after output drains (it always has: no wait) */
#define TTY_TCSETSF	0x5404	/* same, and flush pending input */
#define TTY_TCXONC	0x540A
#define TTY_TCFLSH	0x540B	/* w1 = 0 input, 1 output, 2 both */
#define TTY_TIOCSCTTY	0x540E
#define TTY_TIOCGPGRP	0x540F
#define TTY_TIOCSPGRP	0x5410
#define TTY_TIOCOUTQ	0x5411
#define TTY_TIOCGWINSZ	0x5413
#define TTY_TIOCSWINSZ	0x5414
#define TTY_FIONREAD	0x541B
#define TTY_TIOCNOTTY	0x5422
#define TTY_TIOCGSID	0x5429

/* struct termios as Linux's kernel has it for TCGETS (asm-generic). */
#define TTY_NCCS	19
struct tty_termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[TTY_NCCS];
};
_Static_assert(sizeof(struct tty_termios) == 36, "tty_termios layout");

struct tty_winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};
_Static_assert(sizeof(struct tty_winsize) == 8, "tty_winsize layout");

/* c_cc indices (x86 Linux). A c_cc value of 0 disables that character. */
#define TTY_VINTR	0
#define TTY_VQUIT	1
#define TTY_VERASE	2
#define TTY_VKILL	3
#define TTY_VEOF	4
#define TTY_VTIME	5
#define TTY_VMIN	6
#define TTY_VSWTC	7
#define TTY_VSTART	8
#define TTY_VSTOP	9
#define TTY_VSUSP	10
#define TTY_VEOL	11
#define TTY_VREPRINT	12
#define TTY_VDISCARD	13
#define TTY_VWERASE	14
#define TTY_VLNEXT	15
#define TTY_VEOL2	16

/* c_iflag */
#define TTY_IGNBRK	0000001
#define TTY_BRKINT	0000002
#define TTY_IGNPAR	0000004
#define TTY_PARMRK	0000010
#define TTY_INPCK	0000020
#define TTY_ISTRIP	0000040
#define TTY_INLCR	0000100
#define TTY_IGNCR	0000200
#define TTY_ICRNL	0000400
#define TTY_IUCLC	0001000
#define TTY_IXON	0002000
#define TTY_IXANY	0004000
#define TTY_IXOFF	0010000
#define TTY_IMAXBEL	0020000
#define TTY_IUTF8	0040000

/* c_oflag */
#define TTY_OPOST	0000001
#define TTY_OLCUC	0000002
#define TTY_ONLCR	0000004
#define TTY_OCRNL	0000010
#define TTY_ONOCR	0000020
#define TTY_ONLRET	0000040
#define TTY_TABDLY	0014000
#define TTY_XTABS	0014000	/* expand tabs to spaces */

/* c_cflag */
#define TTY_CBAUD	0010017
#define TTY_B38400	0000017
#define TTY_CSIZE	0000060
#define TTY_CS8		0000060
#define TTY_CSTOPB	0000100
#define TTY_CREAD	0000200
#define TTY_PARENB	0000400
#define TTY_HUPCL	0002000
#define TTY_CLOCAL	0004000

/* c_lflag */
#define TTY_ISIG	0000001
#define TTY_ICANON	0000002
#define TTY_ECHO	0000010
#define TTY_ECHOE	0000020
#define TTY_ECHOK	0000040
#define TTY_ECHONL	0000100
#define TTY_NOFLSH	0000200
#define TTY_TOSTOP	0000400
#define TTY_ECHOCTL	0001000
#define TTY_ECHOPRT	0002000
#define TTY_ECHOKE	0004000
#define TTY_FLUSHO	0010000
#define TTY_PENDIN	0040000
#define TTY_IEXTEN	0100000

#endif
