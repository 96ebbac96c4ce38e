/*
 * tty: start-up, the receive loop, and the traffic with the UART driver
 * (abi/skiff/proto/uart.h). See tty.h for how the threads divide the work.
 *
 * Start handles (abi/skiff/proto/svc.h): h[0] our endpoint, h[1] the
 * uart16550 driver, h[2] proc (either may be 0). Without a driver the
 * terminal still works as an endpoint: output is discarded and no input
 * ever comes.
 */
#include "servers/tty/tty.h"
#include "abi/skiff/proto/uart.h"

struct tty tty;

static uint8_t rcv_buf[SK_MSG_PAYLOAD_MAX];
static uint8_t snd_buf[OUT_MAX];
static uint8_t io_buf[UART_IO_MAX];
static uint64_t helper_stack[4096] __attribute__((aligned(16)));
static sk_handle_t wake_h;

uint64_t
now_ns(void)
{
	int64_t t = sk_clock();

	return t > 0 ? (uint64_t)t : 1;
}

/*
 * The helper thread: every batch of notification bits from the driver
 * becomes a TTY_WAKE call to the main loop. The call times out rather
 * than wait forever; bits that came meanwhile are sticky and come with
 * the next wait. A second without any bits is a TTY_WAKE too, so the
 * main loop asks the driver, and so notices a driver that was restarted
 * while nothing happened (it has no attachment, so it would never
 * signal).
 */
static void * __attribute__((noreturn))
helper(void *arg)
{
	for (;;) {
		struct sk_msg m = { .tag = TTY_WAKE };
		int64_t bits = sk_notif_wait(tty.note, 1000 * MS);

		if (bits < 0 && SK_ERR(bits) == SK_E_TIMEOUT)
			bits = 0;
		else if (bits <= 0) {
			sk_sleep(10 * MS);
			continue;
		}
		m.w[0] = (uint64_t)bits;
		sk_call(wake_h, &m, 5000 * MS);
	}
}

/* Attach our notification to the driver; remember which instance took it. */
static int64_t
uart_attach(void)
{
	struct sk_rpc a = { .label = UART_ATTACH, .w = { NOTE_RX, NOTE_TX } };
	int64_t n = sk_handle_dup(tty.note, SK_R_SIGNAL | SK_R_TRANSFER), r;

	if (n < 0)
		return n;
	a.snd_nh = 1;
	a.snd_h[0] = (sk_handle_t)n;
	if ((r = sk_rpc(tty.uart, &a, UART_TIMEOUT)) < 0) {
		if (SK_ERR(r) != SK_E_PEERDIED)
			sk_handle_close((sk_handle_t)n);
		return r;
	}
	tty.attached = 1;
	tty.uart_instance = a.r[5];
	tty.tx_blocked = 0;
	return 0;
}

/*
 * A call to the driver (never UART_ATTACH). Attaches first when not
 * attached. When the driver died during the call, attaches to the one
 * init started instead and makes the call once more; when a new instance
 * answered (uart.h w5), the call went through and we attach to it.
 */
static int64_t
uart_call(struct sk_rpc *m)
{
	int64_t r;

	if (tty.uart == 0)
		return SK_ERRVAL(SK_E_NXIO, 0);
	if (!tty.attached && (r = uart_attach()) < 0)
		return r;
	r = sk_rpc(tty.uart, m, UART_TIMEOUT);
	if (r < 0 && SK_ERR(r) == SK_E_PEERDIED) {
		tty.attached = 0;
		if ((r = uart_attach()) < 0)
			return r;
		return sk_rpc(tty.uart, m, UART_TIMEOUT);
	}
	if (r >= 0 && m->r[5] != tty.uart_instance) {
		tty.attached = 0;
		(void)uart_attach();
	}
	return r;
}

/* Hand queued output to the driver while it takes it. */
void
pump_output(void)
{
	while (ldisc_outq(&tty.ld) > 0 && !tty.tx_blocked && !ldisc_out_stopped(&tty.ld)) {
		struct sk_rpc m = { .label = UART_WRITE, .snd = io_buf };
		size_t n = ldisc_out_peek(&tty.ld, io_buf, sizeof(io_buf));
		int64_t r;

		m.snd_len = (uint32_t)n;
		r = uart_call(&m);
		if (r < 0) {
			/* No device: the output has nowhere to go. */
			ldisc_flush_output(&tty.ld);
			return;
		}
		if ((uint64_t)r > n)
			r = (int64_t)n;
		ldisc_out_consume(&tty.ld, (size_t)r);
		if ((size_t)r < n)
			tty.tx_blocked = 1;
	}
}

/* Take what the driver received into the line discipline. */
static void
pump_input(void)
{
	for (int i = 0; i < 16; i++) {
		struct sk_rpc m = { .label = UART_READ, .rcv = io_buf,
		    .rcv_max = sizeof(io_buf), .w = { sizeof(io_buf) } };
		int64_t r = uart_call(&m);

		if (r <= 0 || (uint64_t)r > m.rcv_len)
			return;
		ldisc_input(&tty.ld, io_buf, (size_t)r, now_ns());
		pump_output();	/* the echo */
		if ((uint64_t)r < sizeof(io_buf))
			return;
	}
}

/*
 * Signal every armed waiter whose events are ready, once. Returns (in
 * the receive timeout) the nearest VTIME deadline of a waiting reader.
 */
static uint64_t
check_waiters(void)
{
	uint64_t now = now_ns(), next = SK_FOREVER;

	for (int i = 0; i < NWAITERS; i++) {
		struct waiter *w = &waiters[i];
		uint64_t dl = 0;

		if (!w->used)
			continue;
		if (ready_events(w->obj, now, &dl) & (w->events | IO_POLLERR | IO_POLLHUP)) {
			sk_notif_signal(w->notif, w->bits);
			sk_handle_close(w->notif);
			w->used = 0;
		} else if (dl != 0) {
			uint64_t left = dl > now ? dl - now : 1;

			if (left < next)
				next = left;
		}
	}
	return next;
}

void
wake_waiters(void)
{
	(void)check_waiters();
}

static int64_t
dispatch(struct req *r)
{
	uint64_t b = r->badge;

	if (r->label == TTY_WAKE) {
		if (b != WAKE_BADGE)
			return SK_ERRVAL(SK_E_NOSYS, 0);
		if (r->m->w[0] & NOTE_TX)
			tty.tx_blocked = 0;
		pump_input();
		pump_output();
		return 0;
	}
	if (OBJ_BADGE_HIGH(b) == tty.obj_base) {
		uint32_t idx = (uint32_t)(b & 0xffff);

		if (idx >= NOPEN || !opens[idx].used || opens[idx].gen != (uint16_t)(b >> 16))
			return SK_ERRVAL(SK_E_BADF, 0);
		if (r->label == SK_LABEL_CLOSED) {
			if (r->pid == 0)	/* from the kernel only */
				op_closed(idx);
			return 0;
		}
		if (r->label == TTY_OPEN)
			return SK_ERRVAL(SK_E_PERM, 0);	/* services only */
		return op_io(r, idx);
	}
	if (r->label == SK_LABEL_CLOSED)
		return 0;
	if ((b & 0xffffff0000000000ull) == OBJ_BADGE_BASE)
		return SK_ERRVAL(SK_E_BADF, 0);	/* from a tty before a restart */
	if (r->label == TTY_OPEN)
		return op_open(r);
	return SK_ERRVAL(SK_E_NOSYS, 0);
}

static void
serve(void)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	uint64_t timeout = SK_FOREVER;

	for (int first = 1;; first = 0) {
		struct req r = { .m = &m, .out = snd_buf };
		int64_t e;

		/* Every sk_rpc to the driver or proc points these elsewhere. */
		u->rcv_buf = (uint64_t)rcv_buf;
		u->rcv_max = sizeof(rcv_buf);
		/* With no caller waiting the reply half does nothing. */
		e = first ? sk_recv(tty.ep, &m, timeout) : sk_reply_recv(tty.ep, &m, timeout);
		if (e < 0) {
			m.tag = 0;
			if (SK_ERR(e) != SK_E_TIMEOUT)
				sk_sleep(MS);
			for (int i = 0; i < SK_MSG_WORDS; i++)
				m.w[i] = 0;
			timeout = check_waiters();
			continue;
		}
		r.label = SK_TAG_LABEL(m.tag);
		r.badge = m.badge & ~SK_BADGE_NOTIFY;
		r.pid = u->sender.pid;
		if (m.tag & SK_TAG_LONG) {
			r.in = rcv_buf;
			r.in_len = u->rcv_len;
			r.h = u->rcv_nh > 0 ? u->rcv_h[0] : 0;
			for (uint32_t i = 1; i < u->rcv_nh && i < SK_MSG_HANDLES; i++)
				sk_handle_close(u->rcv_h[i]);
		}
		m.w[0] = (uint64_t)dispatch(&r);
		if (r.h != 0)
			sk_handle_close(r.h);	/* not kept */
		for (int i = 1; i < SK_MSG_WORDS; i++)
			m.w[i] = 0;
		m.tag = 0;
		if (r.out_len > 0 || r.out_h != 0) {
			m.tag = SK_TAG_LONG;
			u->snd_buf = (uint64_t)snd_buf;
			u->snd_len = r.out_len;
			u->snd_nh = r.out_h != 0;
			u->snd_h[0] = r.out_h;
		}
		pump_output();
		timeout = check_waiters();
	}
}

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);
	int64_t n;
	int e;

	if (nh < 1 || h[0] == 0) {
		sk_printf("tty: started without an endpoint\n");
		return 1;
	}
	sk_prefault(32 * 1024);
	tty.obj_base = OBJ_BADGE_BASE | (((uint64_t)sk_clock() >> 10) & 0xff) << 32;
	tty.ep = h[0];
	tty.uart = nh > 1 ? h[1] : 0;
	tty.proc = nh > 2 ? h[2] : 0;
	ldisc_init(&tty.ld, keyboard_signal, NULL);
	tty.ws.ws_row = 24;
	tty.ws.ws_col = 80;
	if ((n = sk_notif_create()) < 0) {
		sk_printf("tty: cannot create a notification\n");
		return 1;
	}
	tty.note = (sk_handle_t)n;
	if ((n = sk_ep_mint(tty.ep, WAKE_BADGE, SK_R_SEND)) < 0) {
		sk_printf("tty: cannot mint the helper's handle: %s\n", sk_errname(SK_ERR(n)));
		return 1;
	}
	wake_h = (sk_handle_t)n;
	if ((e = sk_thread_start(helper, NULL, helper_stack, sizeof(helper_stack))) != 0) {
		sk_printf("tty: cannot start the helper thread (errno %d)\n", e);
		return 1;
	}
	/*
	 * The kernel gives an endpoint its table of tracked badges at the
	 * first SK_MINT_NOTIFY and keeps it: make it now, not at the first
	 * open (its notice comes as an unknown badge and is ignored).
	 */
	if ((n = sk_ep_mint_notify(tty.ep, WAKE_BADGE + 1, SK_R_SEND)) >= 0)
		sk_handle_close((sk_handle_t)n);
	if (tty.uart != 0) {
		struct sk_rpc m = { .label = UART_STATS };

		int64_t r = uart_call(&m);

		if (r < 0)
			sk_printf("tty: the UART driver does not answer (%s); output is discarded\n",
			    sk_errname(SK_ERR(r)));
	}
	serve();
	return 0;
}
