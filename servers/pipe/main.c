/*
 * pipe: the pipe and FIFO server (abi/skiff/proto/pipe.h). It starts with
 * its endpoint as start handle 0 (svc.h) and has no
 * dependencies. A plain receive loop: every request is answered at once;
 * close notices free open ends (and pipes with their last end).
 */
#include <stdio.h>
#include "servers/pipe/server.h"

sk_handle_t pipe_ep;
uint64_t end_instance;
uint8_t msg_buf[MSG_BUF_SIZE] __attribute__((aligned(16)));

/* Stack the deepest request may use, touched at start-up (see warm_up). */
#define STACK_TOUCH	(16 * 1024)

/*
 * The kernel's tables that grow with use and never shrink: this process's
 * handle table and the endpoint's table of tracked badges (one entry per
 * live end; it doubles when the entries reach twice its buckets). Both
 * are grown here to what MAX_ENDS live ends and MAX_WAITERS held
 * notifications need, by minting WARM_BADGES distinct badges at once
 * (generation 0, which no real end has) and closing them again. Their
 * close notices are received, and ignored, by the receive loop.
 */
#define WARM_BADGES	(MAX_ENDS / 2 + 1)
_Static_assert(WARM_BADGES > MAX_WAITERS + SK_MSG_HANDLES + 16,
    "the warm-up also makes room for the handles the server holds");

static void
grow_kernel_tables(void)
{
	static sk_handle_t tmp[WARM_BADGES];
	int k;

	for (k = 0; k < WARM_BADGES; k++) {
		int64_t h = sk_ep_mint_notify(pipe_ep, END_BADGE(k, 0), SK_R_SEND);

		if (h < 0)
			break;
		tmp[k] = (sk_handle_t)h;
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
	struct sk_proc_info pi;
	int r;

	if (sk_proc_info(SK_H_SELF_PROC, &pi) >= 0)
		end_instance = (pi.koid & 0xffff) << 40;
	memset(msg_buf, 0, sizeof(msg_buf));
	memset(pipes, 0, sizeof(pipes));
	memset(ends, 0, sizeof(ends));
	waiters_init();
	sk_prefault(STACK_TOUCH);
	grow_kernel_tables();
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
 * Send a reply that carries handles (and no data). If the caller cannot
 * take it, the handles are closed: their close notices free what they
 * named.
 */
static void
reply_handles(struct rep *rp)
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
	if (sk_reply(&m) < 0)
		for (uint32_t i = 0; i < rp->nh; i++)
			sk_handle_close(rp->h[i]);
}

/*
 * A read whose bytes left the pipe before its reply was sent, so that
 * the writers it makes room for are woken before the server waits
 * again: what to put back if the reply is not taken.
 */
struct taken {
	struct pipe *p;		/* NULL: no read is outstanding */
	uint32_t head, len;	/* the pipe's state before the read */
	int64_t atime;
};

/*
 * Take a read's bytes out of its pipe ahead of the reply (which the
 * caller then sends with SK_TAG_CHECKED), and wake the writers waiting
 * for room. Should the reply fail, untake puts the bytes back; the
 * writers woken meanwhile find the pipe as full as before and wait again.
 */
static void
take(struct rep *rp, struct taken *tk)
{
	struct pipe *p = end_pipe(rp->consume_end);

	tk->p = p;
	tk->head = p->st.head;
	tk->len = p->st.len;
	tk->atime = p->atime;
	ps_consume(&p->st, rp->consume);
	p->atime = sk_clock_real();
	waiters_wake(p);
}

/* The reply of the read taken in tk was not delivered: undo the take. */
static void
untake(struct taken *tk)
{
	ps_unconsume(&tk->p->st, tk->head, tk->len);
	tk->p->atime = tk->atime;
	tk->p = NULL;
}

/*
 * Whether r, returned by a reply_recv with SK_TAG_CHECKED, is its
 * reply's failure: no caller (argument 0) or a payload the caller could
 * not take (argument 2). Then nothing was received.
 */
static bool
reply_failed(int64_t r)
{
	return r < 0 && ((SK_ERR(r) == SK_E_STATE && SK_ERRARG(r) == 0) ||
	    SK_ERRARG(r) == 2);
}

/*
 * The receive loop. A reply without handles, a read's data included,
 * goes out with the next receive in one reply_recv; a read's reply is
 * checked (SK_TAG_CHECKED), so that its bytes return to the pipe when
 * the caller does not take them.
 */
static void
serve(void)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	struct taken tk = { NULL, 0, 0, 0 };
	bool pending = false;	/* a reply waits in m (and the UTCB) */

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
		if (tk.p != NULL) {
			if (reply_failed(r))
				untake(&tk);
			tk.p = NULL;
		}
		if (r < 0)
			continue;
		if (SK_TAG_LABEL(m.tag) == SK_LABEL_CLOSED && u->sender.pid == 0) {
			closed(m.badge);
			continue;
		}
		/* Every field of rq is set below (h[] up to nh, all that is
		   read); the handlers fill only what they answer in rp. */
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
		if (rp.nh > 0) {
			reply_handles(&rp);
			continue;
		}
		m.tag = 0;
		m.w[0] = (uint64_t)rp.w0;
		m.w[1] = rp.w1;
		m.w[2] = m.w[3] = m.w[4] = m.w[5] = 0;
		if (rp.len > 0) {
			m.tag = SK_TAG_LONG;
			u->snd_buf = (uint64_t)rp.data;
			u->snd_len = rp.len;
			u->snd_nh = 0;
		}
		if (rp.consume_end != NULL) {
			m.tag |= SK_TAG_CHECKED;
			take(&rp, &tk);
		}
		pending = true;
	}
}

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);

	if (nh < 1 || h[0] == 0) {
		fprintf(stderr, "pipe: started without an endpoint\n");
		return 1;
	}
	pipe_ep = h[0];
	if (warm_up() < 0)
		return 1;
	serve();
	return 0;
}
