/*
 * uart16550, the serial port driver: shared declarations of its files.
 *
 * Two threads share the port. The main thread serves requests
 * (abi/skiff/proto/uart.h); the interrupt thread waits for IRQ 4 and
 * moves bytes between the port and the two rings. Everything they share
 * (the rings, the port registers, the client's notification) is touched
 * only under hw_lock, a spinlock held for a few register accesses at a
 * time. A second thread was chosen over polling with a receive timeout
 * because it answers typed input at once without waking up the machine
 * periodically (it does wake once a second, as insurance against a lost
 * edge-triggered interrupt).
 */
#ifndef DRIVERS_UART16550_UART_H
#define DRIVERS_UART16550_UART_H

#include "sk.h"

#define COM1		0x3f8
#define COM1_IRQ	4

/* Registers (offsets from the base) and bits. */
#define R_RBR		0	/* receive buffer (read) */
#define R_THR		0	/* transmit holding (write) */
#define R_IER		1
#define  IER_RX		0x01	/* received data available */
#define  IER_TX		0x02	/* transmit holding register empty */
#define R_IIR		2	/* interrupt identification (read) */
#define R_MCR		4
#define  MCR_DTR	0x01
#define  MCR_RTS	0x02
#define  MCR_OUT2	0x08	/* gates the interrupt line on PCs */
#define  MCR_LOOP	0x10
#define R_LSR		5
#define  LSR_DR		0x01	/* a received byte is waiting */
#define  LSR_THRE	0x20	/* the transmit FIFO is empty */
#define R_MSR		6

/*
 * At most this many bytes go into the 16-byte transmit FIFO after it was
 * seen empty: the kernel may put one byte of its log in at the same time.
 */
#define TX_BURST	15

#define RING_SIZE	4096

struct ring {
	uint8_t b[RING_SIZE];
	uint32_t head, len;
};

struct uart_stats {
	uint64_t rx, rx_dropped, irqs, tx;
};

/* What the two threads share; under hw_lock. */
struct uart_shared {
	struct ring rx, tx;
	struct uart_stats st;
	sk_handle_t client;	/* notification of UART_ATTACH, or 0 */
	uint64_t rx_bits, tx_bits;
	int tx_wanted;		/* a UART_WRITE was short: signal tx_bits */
	uint8_t ier;
};

extern struct uart_shared hw;

void hw_lock(void);
void hw_unlock(void);

size_t ring_put(struct ring *r, const uint8_t *b, size_t n);
size_t ring_get(struct ring *r, uint8_t *b, size_t n);

/* Take the port over (after ioport_enable); 0, or -1 if no UART answers. */
int hw_init(void);

/* Start the interrupt thread on the bound notification; 0 or an errno value. */
int hw_start_irq_thread(sk_handle_t irq, sk_handle_t notif);

/* UART_WRITE: send or queue up to n bytes; returns how many were taken. */
size_t hw_write(const uint8_t *b, size_t n);

/* Signal the client's rx bits (call under hw_lock). */
void hw_note_rx(void);

#endif
