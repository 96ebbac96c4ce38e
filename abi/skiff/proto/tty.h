/*
 * The tty protocol. The tty server runs the line discipline and termios
 * of the serial console on top of the UART driver (uart.h) and hands out
 * terminal open objects (io.h): IO_READ, IO_WRITE, IO_POLL, IO_STAT (an
 * IO_S_IFCHR) and IO_IOCTL with Linux's terminal ioctls (TCGETS, TCSETS,
 * TCSETSW, TCSETSF, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP,
 * TIOCSCTTY, TIOCNOTTY, FIONREAD). It sends ^C, ^Z and ^\ to the
 * foreground process group through proc (PROC_KILL with a service badge).
 */
#ifndef SKIFF_PROTO_TTY_H
#define SKIFF_PROTO_TTY_H

#include <stdint.h>

enum tty_op {
	TTY_OPEN = 0x600,	/* services only (devfs): w0 = minor (TTY_MINOR_*),
				   w1 = IO_O_* flags -> handle: a terminal open object */
};

#define TTY_MINOR_CONSOLE	0	/* /dev/console, /dev/ttyS0, /dev/tty */

#endif
