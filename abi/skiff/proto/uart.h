/*
 * The uart protocol: between the tty server and the serial port driver
 * (drivers/uart16550). Only service badges may use it (SK_SVC_BADGE);
 * anything else gets SK_E_PERM.
 *
 * The driver owns the port's registers and its interrupt. Received bytes
 * go into a receive ring in the driver (bytes that find it full are
 * dropped and counted); output goes straight to the transmitter while it
 * keeps up, and into a transmit ring drained by the transmitter interrupt
 * when it does not. No request ever blocks: UART_READ answers what is
 * there, UART_WRITE what fit. The client learns of new input and of freed
 * output space from the notification it attached.
 *
 * The kernel writes its log to the same port by polling (kernel/serial.c)
 * and never reads from it, so every received byte reaches the driver.
 * The driver leaves the line settings (speed, framing, FIFO) as the
 * kernel set them.
 *
 * Replies: w0 = result or SK_ERRVAL(code, argno); w5 = the driver
 * instance, a number that changes whenever the driver starts again (a
 * restart by init keeps the endpoint, so a client learns of it only this
 * way and attaches again).
 */
#ifndef SKIFF_PROTO_UART_H
#define SKIFF_PROTO_UART_H

#include <stdint.h>

#define UART_IO_MAX	4096	/* largest UART_WRITE payload or UART_READ */

enum uart_op {
	UART_ATTACH = 0x700,	/* handle: a notification (SK_R_SIGNAL), w0 = bits to
				   signal when input arrives, w1 = bits to signal when
				   output space frees after a short UART_WRITE (both
				   non-zero, bit 63 clear) -> 0. Replaces an earlier
				   attachment; signals at once if input is waiting. */
	UART_WRITE,		/* payload = bytes (<= UART_IO_MAX) -> w0 = bytes
				   accepted, in order; fewer than sent when the transmit
				   ring is full (then the w1 bits come later) */
	UART_READ,		/* w0 = max bytes (1 .. UART_IO_MAX) -> w0 = count,
				   payload = the bytes; 0 when none are waiting */
	UART_INJECT,		/* SVC_TEST only: payload = bytes (<= UART_IO_MAX) put
				   into the receive ring as if they had arrived on the
				   line -> w0 = bytes taken */
	UART_STATS,		/* -> w0 = bytes received, w1 = received bytes dropped
				   (ring full), w2 = interrupts taken, w3 = bytes
				   transmitted, w4 = bytes waiting in the transmit ring */
};

#endif
