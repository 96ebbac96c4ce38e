/*
 * The 16550's registers, the rings and the interrupt thread.
 *
 * The kernel set the line up (115200 8N1, FIFOs on with a 14-byte
 * receive trigger) and keeps writing its log with polled output; this
 * file never touches the divisor, the line control or the FIFO control
 * register (writing FCR could clear bytes of the kernel's log still in
 * the transmit FIFO). It only turns on the interrupts it needs and the
 * OUT2 line that lets them through.
 */
#include "drivers/uart16550/uart.h"

#define SPIN_MAX	2000	/* LSR reads to wait for an empty FIFO (~2 ms) */
#define RX_MAX		4096	/* bytes drained per pass, in case the port is stuck */
#define IRQ_POLL_NS	1000000000ull

struct uart_shared hw;

static volatile uint8_t lock_word;
static sk_handle_t irq_handle, irq_notif;
static uint64_t irq_stack[4096] __attribute__((aligned(16)));

static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void
outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

void
hw_lock(void)
{
	while (__atomic_test_and_set(&lock_word, __ATOMIC_ACQUIRE)) {
		for (int i = 0; i < 100 && lock_word; i++)
			__asm__ volatile("pause");
		if (lock_word)
			sk_yield();
	}
}

void
hw_unlock(void)
{
	__atomic_clear(&lock_word, __ATOMIC_RELEASE);
}

size_t
ring_put(struct ring *r, const uint8_t *b, size_t n)
{
	size_t k = 0;

	for (; k < n && r->len < RING_SIZE; k++, r->len++)
		r->b[(r->head + r->len) % RING_SIZE] = b[k];
	return k;
}

size_t
ring_get(struct ring *r, uint8_t *b, size_t n)
{
	size_t k = 0;

	for (; k < n && r->len > 0; k++, r->len--) {
		b[k] = r->b[r->head];
		r->head = (r->head + 1) % RING_SIZE;
	}
	if (r->len == 0)
		r->head = 0;
	return k;
}

static void
set_ier(uint8_t ier)
{
	if (ier != hw.ier) {
		hw.ier = ier;
		outb(COM1 + R_IER, ier);
	}
}

void
hw_note_rx(void)
{
	if (hw.client != 0)
		sk_notif_signal(hw.client, hw.rx_bits);
}

/* Move what was received into the rx ring. Under hw_lock. */
static void
drain_rx(void)
{
	size_t got = 0;

	for (int i = 0; i < RX_MAX && (inb(COM1 + R_LSR) & LSR_DR); i++) {
		uint8_t c = inb(COM1 + R_RBR);

		hw.st.rx++;
		if (ring_put(&hw.rx, &c, 1) == 1)
			got++;
		else
			hw.st.rx_dropped++;
	}
	if (got > 0)
		hw_note_rx();
}

/*
 * Feed the transmitter from the tx ring while its FIFO is empty, and
 * keep the transmit interrupt on exactly while bytes wait. Under hw_lock.
 */
static void
feed_tx(void)
{
	uint8_t burst[TX_BURST];
	size_t n;

	if (hw.tx.len > 0 && (inb(COM1 + R_LSR) & LSR_THRE)) {
		n = ring_get(&hw.tx, burst, TX_BURST);
		for (size_t i = 0; i < n; i++)
			outb(COM1 + R_THR, burst[i]);
		hw.st.tx += n;
	}
	set_ier(hw.tx.len > 0 ? IER_RX | IER_TX : IER_RX);
	if (hw.tx_wanted && hw.tx.len <= RING_SIZE / 2 && hw.client != 0) {
		hw.tx_wanted = 0;
		sk_notif_signal(hw.client, hw.tx_bits);
	}
}

static void
service(void)
{
	hw_lock();
	(void)inb(COM1 + R_IIR);	/* acknowledges a transmit interrupt */
	drain_rx();
	feed_tx();
	hw_unlock();
}

/*
 * The interrupt thread. The line is edge-triggered and the kernel masks
 * it until irq_ack, so after the ack the port is looked at once more: a
 * byte that arrived while the line was masked raised no new edge.
 */
static void * __attribute__((noreturn))
irq_thread(void *arg)
{
	for (;;) {
		int64_t r = sk_notif_wait(irq_notif, IRQ_POLL_NS);

		if (r > 0) {
			hw_lock();
			hw.st.irqs++;
			hw_unlock();
		}
		service();
		sk_irq_ack(irq_handle, COM1_IRQ);
		service();
	}
}

int
hw_start_irq_thread(sk_handle_t irq, sk_handle_t notif)
{
	irq_handle = irq;
	irq_notif = notif;
	return sk_thread_start(irq_thread, NULL, irq_stack, sizeof(irq_stack));
}

int
hw_init(void)
{
	if (inb(COM1 + R_LSR) == 0xff)
		return -1;	/* nothing decodes the port */
	/* Stale input and interrupt state from before us. */
	for (int i = 0; i < RX_MAX && (inb(COM1 + R_LSR) & LSR_DR); i++)
		(void)inb(COM1 + R_RBR);
	(void)inb(COM1 + R_IIR);
	(void)inb(COM1 + R_MSR);
	outb(COM1 + R_MCR, (uint8_t)((inb(COM1 + R_MCR) & ~MCR_LOOP) |
	    MCR_DTR | MCR_RTS | MCR_OUT2));
	hw.ier = 0xff;	/* unknown: make set_ier write */
	set_ier(IER_RX);
	return 0;
}

/*
 * Write b straight to the transmitter while it keeps up (so that output
 * is on the line when the request is answered, in order with the kernel's
 * log), and queue what it does not take for the transmit interrupt.
 */
size_t
hw_write(const uint8_t *b, size_t n)
{
	size_t done = 0, k;

	hw_lock();
	while (hw.tx.len == 0 && done < n) {
		int spin = 0;

		while (!(inb(COM1 + R_LSR) & LSR_THRE) && spin < SPIN_MAX)
			spin++;
		if (spin == SPIN_MAX)
			break;
		k = n - done < TX_BURST ? n - done : TX_BURST;
		for (size_t i = 0; i < k; i++)
			outb(COM1 + R_THR, b[done + i]);
		hw.st.tx += k;
		done += k;
	}
	done += ring_put(&hw.tx, b + done, n - done);
	if (done < n)
		hw.tx_wanted = 1;
	feed_tx();
	hw_unlock();
	return done;
}
