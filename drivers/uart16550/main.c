/*
 * uart16550: the driver of the first serial port (COM1), serving the
 * uart protocol (abi/skiff/proto/uart.h) to the tty server.
 *
 * It starts as a service (abi/skiff/proto/svc.h) with start handles
 * h[0] its endpoint, h[1] the I/O ports 0x3f8..0x3ff and h[2] IRQ line 4.
 * Without them, or without a UART at the port, it still answers, every
 * request with SK_E_NXIO, so that init does not restart it in a loop.
 */
#include "drivers/uart16550/uart.h"
#include "abi/skiff/proto/svc.h"
#include "abi/skiff/proto/uart.h"

static uint8_t rcv_buf[UART_IO_MAX];
static uint8_t snd_buf[UART_IO_MAX];
static int present;
static uint64_t instance;	/* w5 of every reply (uart.h) */

/* UART_ATTACH: keep the notification in h; 1 if it was taken. */
static int64_t
op_attach(struct sk_msg *m, sk_handle_t h, int *taken)
{
	struct sk_handle_info hi;
	uint64_t rx = m->w[0], tx = m->w[1];

	if (h == 0)
		return SK_ERRVAL(SK_E_BADHANDLE, 0);
	if (sk_handle_info(h, &hi) < 0 || hi.type != SK_OBJ_NOTIFICATION)
		return SK_ERRVAL(SK_E_WRONGTYPE, 0);
	if (!(hi.rights & SK_R_SIGNAL))
		return SK_ERRVAL(SK_E_RIGHTS, 0);
	if (rx == 0 || (rx >> 63) != 0)
		return SK_ERRVAL(SK_E_INVAL, 1);
	if (tx == 0 || (tx >> 63) != 0)
		return SK_ERRVAL(SK_E_INVAL, 2);
	hw_lock();
	if (hw.client != 0)
		sk_handle_close(hw.client);
	hw.client = h;
	hw.rx_bits = rx;
	hw.tx_bits = tx;
	hw.tx_wanted = 0;
	if (hw.rx.len > 0)
		hw_note_rx();
	hw_unlock();
	*taken = 1;
	return 0;
}

static int64_t
op_read(struct sk_msg *m, uint32_t *out_len)
{
	uint64_t max = m->w[0];
	size_t n;

	if (max == 0 || max > UART_IO_MAX)
		return SK_ERRVAL(SK_E_INVAL, 1);
	hw_lock();
	n = ring_get(&hw.rx, snd_buf, (size_t)max);
	hw_unlock();
	*out_len = (uint32_t)n;
	return (int64_t)n;
}

static int64_t
op_inject(uint64_t badge, uint32_t len)
{
	size_t n;

	if (SK_SVC_OF_BADGE(badge) != SVC_TEST)
		return SK_ERRVAL(SK_E_PERM, 0);
	hw_lock();
	n = ring_put(&hw.rx, rcv_buf, len);
	if (n > 0)
		hw_note_rx();
	hw_unlock();
	return (int64_t)n;
}

static int64_t
op_stats(struct sk_msg *m)
{
	hw_lock();
	m->w[1] = hw.st.rx_dropped;
	m->w[2] = hw.st.irqs;
	m->w[3] = hw.st.tx;
	m->w[4] = hw.tx.len;
	m->w[0] = hw.st.rx;
	hw_unlock();
	return (int64_t)m->w[0];
}

/*
 * One request in m (badge in m->badge); the reply goes back in m, with
 * *out_len payload bytes from snd_buf.
 */
static void
handle(struct sk_msg *m, uint32_t *out_len)
{
	struct sk_utcb *u = sk_utcb();
	uint32_t label = SK_TAG_LABEL(m->tag), len = 0, nh = 0;
	sk_handle_t h0 = 0;
	int taken = 0;
	int64_t r;

	if (m->tag & SK_TAG_LONG) {
		len = u->rcv_len;
		nh = u->rcv_nh;
		h0 = nh > 0 ? u->rcv_h[0] : 0;
	}
	*out_len = 0;
	if (label == SK_LABEL_CLOSED || label == SK_LABEL_FAULT) {
		r = 0;	/* nobody waits for an answer */
	} else if (SK_SVC_OF_BADGE(m->badge) == SVC_NONE) {
		r = SK_ERRVAL(SK_E_PERM, 0);
	} else if (!present && label != UART_STATS) {
		r = SK_ERRVAL(SK_E_NXIO, 0);
	} else {
		switch (label) {
		case UART_ATTACH:
			r = op_attach(m, h0, &taken);
			break;
		case UART_WRITE:
			r = (int64_t)hw_write(rcv_buf, len);
			break;
		case UART_READ:
			r = op_read(m, out_len);
			break;
		case UART_INJECT:
			r = op_inject(m->badge, len);
			break;
		case UART_STATS:
			r = op_stats(m);
			break;
		default:
			r = SK_ERRVAL(SK_E_NOSYS, 0);
			break;
		}
	}
	/* Handles nobody asked for are not kept. */
	for (uint32_t i = taken; i < nh && i < SK_MSG_HANDLES; i++)
		sk_handle_close(u->rcv_h[i]);
	if (label != UART_STATS)
		for (int i = 1; i < SK_MSG_WORDS; i++)
			m->w[i] = 0;
	m->w[0] = (uint64_t)r;
	m->w[5] = instance;
}

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);
	struct sk_utcb *u = sk_utcb();
	sk_handle_t ep, ports, irq;
	struct sk_msg m = { 0 };
	int64_t n, r;

	if (nh < 1 || h[0] == 0) {
		sk_printf("uart16550: started without an endpoint\n");
		return 1;
	}
	sk_prefault(16 * 1024);
	instance = (uint64_t)sk_clock() | 1;	/* later starts read a later clock */
	ep = h[0];
	ports = nh > 1 ? h[1] : 0;
	irq = nh > 2 ? h[2] : 0;
	if (ports == 0 || irq == 0 || sk_ioport_enable(ports) < 0)
		sk_printf("uart16550: no I/O ports or IRQ for COM1; answering SK_E_NXIO\n");
	else if (hw_init() < 0)
		sk_printf("uart16550: no UART at 0x%x; answering SK_E_NXIO\n", COM1);
	else if ((n = sk_notif_create()) < 0 ||
	    (r = sk_irq_bind(irq, COM1_IRQ, (sk_handle_t)n, 1)) < 0 ||
	    hw_start_irq_thread(irq, (sk_handle_t)n) != 0)
		sk_printf("uart16550: cannot take IRQ %d; answering SK_E_NXIO\n", COM1_IRQ);
	else
		present = 1;

	u->rcv_buf = (uint64_t)rcv_buf;
	u->rcv_max = sizeof(rcv_buf);
	if ((r = sk_recv(ep, &m, SK_FOREVER)) < 0) {
		sk_printf("uart16550: recv: %s\n", sk_errname(SK_ERR(r)));
		return 1;
	}
	for (;;) {
		uint32_t out_len;

		handle(&m, &out_len);
		m.tag = 0;
		if (out_len > 0) {
			m.tag = SK_TAG_LONG;
			u->snd_buf = (uint64_t)snd_buf;
			u->snd_len = out_len;
			u->snd_nh = 0;
		}
		while ((r = sk_reply_recv(ep, &m, SK_FOREVER)) < 0) {
			/* Only a bad endpoint fails here; nothing to do but retry. */
			sk_sleep(1000000);
			if ((r = sk_recv(ep, &m, SK_FOREVER)) >= 0)
				break;
		}
	}
}
