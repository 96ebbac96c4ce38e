/*
 * pipe: the pipe and FIFO server (abi/skiff/proto/pipe.h). It starts with
 * its endpoint in h[0] of its struct sk_start (svc.h) and has no
 * dependencies. A plain receive loop: every request is answered at once;
 * close notices free open ends (and pipes with their last end).
 */
#include "servers/pipe/server.h"

int main(uint64_t arg);

sk_handle_t pipe_ep;
uint8_t msg_buf[MSG_BUF_SIZE] __attribute__((aligned(16)));

/* Stack the deepest request may use, touched at start-up (see below). */
#define STACK_TOUCH	(16 * 1024)
/* Handles the server may hold at once: waiters, a request's, a reply's. */
#define HANDLES_HELD	(MAX_WAITERS + SK_MSG_HANDLES + 2 + 16)

static void __attribute__((noinline))
touch_stack(void)
{
	volatile uint8_t pad[STACK_TOUCH];

	for (size_t i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
}

/*
 * Grow the handle table to its working size now, by making HANDLES_HELD
 * handles and closing them again (the kernel never shrinks it).
 */
static void
grow_handle_table(void)
{
	static sk_handle_t tmp[HANDLES_HELD];
	int64_t n = sk_notif_create();
	int k = 0;

	if (n < 0)
		return;
	tmp[k++] = (sk_handle_t)n;
	while (k < HANDLES_HELD) {
		int64_t d = sk_handle_dup((sk_handle_t)n, SK_R_ALL);

		if (d < 0)
			break;
		tmp[k++] = (sk_handle_t)d;
	}
	while (k > 0)
		sk_handle_close(tmp[--k]);
}

/*
 * Everything the server will ever touch is touched here, before clients
 * come: the kernel keeps page tables, stack and data pages and handle
 * table room once made, and a server that made them while serving would
 * look like a leak to whoever measures free memory around their use.
 */
static int
warm_up(void)
{
	int r;

	memset(msg_buf, 0, sizeof(msg_buf));
	memset(pipes, 0, sizeof(pipes));
	memset(ends, 0, sizeof(ends));
	waiters_init();
	touch_stack();
	grow_handle_table();
	if ((r = pool_init()) < 0)
		sk_printf("pipe: cannot set up the buffer pool: %s\n", sk_errname(SK_ERR(r)));
	return r;
}

/* The kernel says the last handle of badge is gone. */
static void
closed(uint64_t badge)
{
	struct end *e = end_lookup(badge);

	if (e != NULL)
		end_free(e);
}

/*
 * Send a reply that carries a payload or handles. If the caller cannot
 * take it, the handles are closed (their close notices free what they
 * named) and no data is consumed; else a read's bytes leave the pipe.
 */
static void
reply_long(struct rep *rp)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };

	m.tag = SK_TAG_LONG;
	m.w[0] = (uint64_t)rp->w0;
	u->snd_buf = (uint64_t)rp->data;
	u->snd_len = rp->len;
	u->snd_nh = rp->nh;
	for (uint32_t i = 0; i < rp->nh; i++)
		u->snd_h[i] = rp->h[i];
	if (sk_reply(&m) < 0) {
		for (uint32_t i = 0; i < rp->nh; i++)
			sk_handle_close(rp->h[i]);
		return;
	}
	if (rp->consume_end != NULL) {
		struct pipe *p = end_pipe(rp->consume_end);

		ps_consume(&p->st, rp->consume);
		p->atime = sk_clock();
		waiters_wake(p);
	}
}

static void
serve(void)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	bool pending = false;	/* a short reply waits in m */

	for (;;) {
		struct req rq;
		struct rep rp;
		int64_t r;

		u->rcv_buf = (uint64_t)msg_buf;
		u->rcv_max = sizeof(msg_buf);
		if (pending)
			r = sk_reply_recv(pipe_ep, &m, SK_FOREVER);
		else
			r = sk_recv(pipe_ep, &m, SK_FOREVER);
		pending = false;
		if (r < 0)
			continue;
		if (SK_TAG_LABEL(m.tag) == SK_LABEL_CLOSED && u->sender.pid == 0) {
			closed(m.badge);
			continue;
		}
		memset(&rq, 0, sizeof(rq));
		memset(&rp, 0, sizeof(rp));
		rq.label = SK_TAG_LABEL(m.tag);
		for (int i = 0; i < SK_MSG_WORDS; i++)
			rq.w[i] = m.w[i];
		rq.badge = m.badge & ~SK_BADGE_NOTIFY;
		rq.data = msg_buf;
		rq.len = u->rcv_len;
		rq.nh = u->rcv_nh <= SK_MSG_HANDLES ? u->rcv_nh : SK_MSG_HANDLES;
		for (uint32_t i = 0; i < rq.nh; i++)
			rq.h[i] = u->rcv_h[i];
		rq.sender = &u->sender;
		op_dispatch(&rq, &rp);
		for (uint32_t i = 0; i < rq.nh; i++)
			if (rq.h[i] != 0)
				sk_handle_close(rq.h[i]);
		if (rp.len > 0 || rp.nh > 0) {
			reply_long(&rp);
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.w[0] = (uint64_t)rp.w0;
		pending = true;
	}
}

int
main(uint64_t arg)
{
	const struct sk_start *st = (const struct sk_start *)arg;

	if (st == NULL || st->nhandles < 1 || st->h[0] == 0) {
		sk_printf("pipe: started without an endpoint\n");
		return 1;
	}
	pipe_ep = st->h[0];
	if (warm_up() < 0)
		return 1;
	serve();
	return 0;
}
