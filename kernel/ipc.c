/*
 * Synchronous IPC through endpoints: call, recv, reply, reply_recv, and
 * the fault messages the kernel sends on behalf of a faulting thread.
 *
 * A caller is BLOCK_SEND while queued on ep->senders and BLOCK_REPLY once
 * a receiver has its message; the receiver's ->caller points back at it
 * until it replies. A waiting thread holds a reference to the endpoint it
 * waits on. The timeout of a call covers the wait for the reply too.
 *
 * Lock: the big kernel lock.
 */
#include "kernel/ipc_internal.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/cred.h"
#include "kernel/heap.h"
#include "kernel/syscall.h"
#include "kernel/arch/trapframe.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/ipc.h"

struct endpoint *
endpoint_create(int *err)
{
	struct endpoint *ep = kzalloc(sizeof(*ep));

	if (ep == NULL) {
		*err = SK_E_NOMEM;
		return NULL;
	}
	obj_init(&ep->obj, SK_OBJ_ENDPOINT);
	list_init(&ep->senders);
	list_init(&ep->receivers);
	list_init(&ep->notices);
	*err = SK_OK;
	return ep;
}

void
endpoint_destroy(struct kobject *o)
{
	struct endpoint *ep = (struct endpoint *)o;

	if (!list_empty(&ep->senders) || !list_empty(&ep->receivers))
		panic("endpoint_destroy: endpoint %lu still has waiters", o->koid);
	ep_track_destroy(ep);
	kfree(ep);
}

void
endpoint_receiver_added(struct endpoint *ep)
{
	ep->nreceivers++;
	ep->ever_had_receiver = true;
}

/* With no receive handle left, nobody can ever take a queued call. */
void
endpoint_receiver_removed(struct endpoint *ep)
{
	if (ep->nreceivers == 0)
		panic("endpoint_receiver_removed: count underflow on %lu", ep->obj.koid);
	if (--ep->nreceivers > 0)
		return;
	obj_ref(&ep->obj);
	while (!list_empty(&ep->senders)) {
		struct thread *s = list_first(&ep->senders, struct thread, wait_link);

		ipc_cancel(s);
		thread_wake(s, SK_ERRVAL(SK_E_PEERDIED, 1));
	}
	obj_unref(&ep->obj);
}

void
ipc_cancel(struct thread *t)
{
	switch (t->block) {
	case BLOCK_SEND:
	case BLOCK_RECV:
		ipc_wait_off(t);
		break;
	case BLOCK_REPLY:
		if (t->callee != NULL) {
			t->callee->caller = NULL;
			t->callee = NULL;
		}
		break;
	default:
		break;
	}
}

/*
 * Validate the long part of s's message against receiver r: payload size
 * and buffers, handles and room in r's table. Reads s's UTCB once (other
 * threads of s's process may change it) into *d, and with check_buf that
 * all of the payload is readable. Returns SK_OK or an error for the
 * sender; nothing is changed.
 */
struct long_desc {
	uint64_t buf;
	uint32_t len, nh;
	uint32_t h[SK_MSG_HANDLES];
};

static int
long_check_sender(struct thread *s, struct long_desc *d, bool check_buf)
{
	struct sk_utcb *u = s->utcb;

	d->buf = __atomic_load_n(&u->snd_buf, __ATOMIC_RELAXED);
	d->len = __atomic_load_n(&u->snd_len, __ATOMIC_RELAXED);
	d->nh = __atomic_load_n(&u->snd_nh, __ATOMIC_RELAXED);
	if (d->len > SK_MSG_PAYLOAD_MAX)
		return SK_E_TOOBIG;
	if (d->nh > SK_MSG_HANDLES)
		return SK_E_TOOBIG;
	if (check_buf && d->len > 0 &&
	    as_user_ok(s->proc->as, d->buf, d->len, SK_PROT_READ) != SK_OK)
		return SK_E_FAULT;	/* all of the payload must be readable */
	for (uint32_t i = 0; i < d->nh; i++) {
		struct handle_slot *slot;
		int e;

		d->h[i] = __atomic_load_n(&u->snd_h[i], __ATOMIC_RELAXED);
		if ((e = handle_lookup(&s->proc->handles, d->h[i], SK_OBJ_NONE,
		    SK_R_TRANSFER, &slot)) != SK_OK)
			return e;
		for (uint32_t j = 0; j < i; j++)
			if (d->h[j] == d->h[i])
				return SK_E_INVAL;
	}
	return SK_OK;
}

/*
 * Move the payload and handles of s's message into r. A request (not a
 * reply) whose payload r's buffer cannot hold is deferred when r asked
 * for it (SK_RCV_DEFER): its payload stays with s for ipc_pull, which
 * checks it (sys_call has checked it too).
 */
static int
long_deliver(struct thread *s, struct thread *r, bool request)
{
	struct long_desc d;
	struct sk_utcb *ru = r->utcb;
	uint64_t rbuf = ru->rcv_buf;
	uint32_t rmax = ru->rcv_max;
	bool defer;
	int e;

	/* The copy checks the payload itself, before it copies a byte. */
	if ((e = long_check_sender(s, &d, false)) != SK_OK)
		return e;
	defer = request && d.len > rmax && (ru->rcv_flags & SK_RCV_DEFER);
	if (d.len > rmax && !defer)
		return SK_E_TOOBIG;
	if (d.nh > 0 && (e = handle_reserve(&r->proc->handles, d.nh)) != SK_OK)
		return e;
	if (defer) {
		r->pull_buf = d.buf;
		r->pull_len = d.len;
	} else if (d.len > 0 && as_copy_between(r->proc->as, rbuf, s->proc->as, d.buf,
	    d.len) != SK_OK)
		return SK_E_FAULT;
	for (uint32_t i = 0; i < d.nh; i++) {
		struct handle_slot *slot;
		struct kobject *obj;
		uint32_t rights, nh;
		uint64_t badge;

		handle_lookup(&s->proc->handles, d.h[i], SK_OBJ_NONE, 0, &slot);
		if (handle_alloc(&r->proc->handles, slot->obj, slot->rights,
		    slot->badge, &nh) != SK_OK)
			panic("long_deliver: reserved handle slot vanished");
		handle_take(&s->proc->handles, d.h[i], &obj, &rights, &badge);
		obj_unref(obj);
		ru->rcv_h[i] = nh;
	}
	ru->rcv_len = d.len;
	ru->rcv_nh = d.nh;
	return SK_OK;
}

/*
 * Hand s's message to receiver r (which is not queued any more). On
 * success r's registers and UTCB hold the message, r->caller = s and s is
 * waiting for the reply. Returns SK_OK or the sender's error.
 */
static int
deliver(struct thread *s, struct thread *r)
{
	int e;

	r->pull_len = 0;
	if (s->long_msg) {
		if ((e = long_deliver(s, r, true)) != SK_OK)
			return e;
	} else {
		r->utcb->rcv_len = 0;
		r->utcb->rcv_nh = 0;
	}
	ipc_msg_to_regs(r->tf, &s->msg);
	r->tf->rdi = s->send_badge;
	ipc_write_sender(s, r, s->send_badge);
	r->caller = s;
	s->callee = r;
	s->block = BLOCK_REPLY;
	return SK_OK;
}

/* The receiver takes over the CPU right away when it can. */
static void
wake_receiver(struct thread *r)
{
	r->cpu = this_cpu()->id;
	thread_wake(r, SK_OK);
}

/* Fail a caller r owed a reply to, because r went on without replying. */
static void
abandon_caller(struct thread *r)
{
	struct thread *c = r->caller;

	if (c == NULL)
		return;
	r->caller = NULL;
	c->callee = NULL;
	thread_wake(c, SK_ERRVAL(SK_E_NOREPLY, 0));
}

/*
 * Send the current thread's message (already in t->msg) on ep and wait
 * for the reply. Returns the wake result.
 */
static int64_t
do_call(struct thread *t, struct endpoint *ep, uint64_t deadline)
{
	while (!list_empty(&ep->receivers)) {
		struct thread *r = list_first(&ep->receivers, struct thread, wait_link);
		int e;

		ipc_wait_off(r);
		if ((e = deliver(t, r)) != SK_OK) {
			/* The receiver keeps waiting; the sender's call fails. */
			ipc_wait_on(r, ep, &ep->receivers);
			list_del(&r->wait_link);
			list_add_head(&r->wait_link, &ep->receivers);
			return SK_ERRVAL(e, 0);
		}
		wake_receiver(r);
		return thread_block(BLOCK_REPLY, deadline);
	}
	ipc_wait_on(t, ep, &ep->senders);
	return thread_block(BLOCK_SEND, deadline);
}

uint64_t ipc_slow_count;	/* calls and reply_recvs the slow path took */

int64_t
sys_call(struct trapframe *tf)
{
	struct thread *t = current_thread();
	struct handle_slot *slot;
	struct endpoint *ep;
	struct long_desc d;
	int e;

	ipc_slow_count++;
	if ((e = handle_lookup(&t->proc->handles, (uint32_t)tf->rdi, SK_OBJ_ENDPOINT,
	    SK_R_SEND, &slot)) != SK_OK)
		return SK_ERRVAL(e, 1);
	ep = (struct endpoint *)slot->obj;
	t->long_msg = (tf->rsi & SK_TAG_LONG) != 0;
	if (t->long_msg && (e = long_check_sender(t, &d, true)) != SK_OK)
		return SK_ERRVAL(e, 2);
	if (ep->nreceivers == 0)
		return SK_ERRVAL(SK_E_PEERDIED, 1);
	ipc_regs_to_msg(&t->msg, tf);
	t->send_badge = slot->badge;
	t->fault_call = false;
	return do_call(t, ep, deadline_from_timeout(tf->r14));
}

/* Take a message for t from ep, or queue t on it. */
static int64_t
do_recv(struct thread *t, struct endpoint *ep, uint64_t deadline)
{
	abandon_caller(t);
	t->utcb->rcv_len = 0;
	t->utcb->rcv_nh = 0;
	if (!list_empty(&ep->notices)) {
		ep_take_notice(ep, t);
		return SK_OK;
	}
	while (!list_empty(&ep->senders)) {
		struct thread *s = list_first(&ep->senders, struct thread, wait_link);
		int e;

		ipc_wait_off(s);
		s->block = BLOCK_REPLY;
		if ((e = deliver(s, t)) != SK_OK) {
			s->callee = NULL;
			thread_wake(s, SK_ERRVAL(e, 0));
			continue;
		}
		return SK_OK;
	}
	ipc_wait_on(t, ep, &ep->receivers);
	return thread_block(BLOCK_RECV, deadline);
}

int64_t
sys_recv(struct trapframe *tf)
{
	struct thread *t = current_thread();
	struct handle_slot *slot;
	int e;

	if ((e = handle_lookup(&t->proc->handles, (uint32_t)tf->rdi, SK_OBJ_ENDPOINT,
	    SK_R_RECV, &slot)) != SK_OK)
		return SK_ERRVAL(e, 1);
	return do_recv(t, (struct endpoint *)slot->obj, deadline_from_timeout(tf->r14));
}

/* Deliver the reply in t's registers to t's caller. */
static int
do_reply(struct thread *t, struct trapframe *tf)
{
	struct thread *c = t->caller;
	int e = SK_OK;

	if (c == NULL)
		return SK_E_STATE;
	t->caller = NULL;
	c->callee = NULL;
	if (c->fault_call) {
		c->fault_call = false;
		if (tf->rdx != SK_FAULT_RESUME)
			process_terminate(c->proc, SK_PROC_FAULTED, (int64_t)c->tf->vector,
			    c->proc->fault_addr);
		/* Termination may have woken c already. */
		if (c->state == T_BLOCKED)
			thread_wake(c, SK_OK);
		return SK_OK;
	}
	if (tf->rsi & SK_TAG_LONG) {
		/* The reply's payload goes to the caller's receive buffer. */
		t->long_msg = true;
		e = long_deliver(t, c, false);
		if (e != SK_OK) {
			thread_wake(c, SK_ERRVAL(e, 0));
			return e;
		}
	} else {
		c->utcb->rcv_len = 0;
		c->utcb->rcv_nh = 0;
	}
	ipc_regs_to_msg(&c->msg, tf);
	c->msg.tag &= ~SK_TAG_CHECKED;
	ipc_msg_to_regs(c->tf, &c->msg);
	c->cpu = this_cpu()->id;
	thread_wake(c, SK_OK);
	return SK_OK;
}

int64_t
sys_reply(struct trapframe *tf)
{
	int e = do_reply(current_thread(), tf);

	return e == SK_OK ? SK_OK : SK_ERRVAL(e, e == SK_E_STATE ? 0 : 2);
}

int64_t
sys_reply_recv(struct trapframe *tf)
{
	struct thread *t = current_thread();
	struct handle_slot *slot;
	int e;

	ipc_slow_count++;
	/* Decode first: a bad endpoint fails before the reply is sent. */
	if ((e = handle_lookup(&t->proc->handles, (uint32_t)tf->rdi, SK_OBJ_ENDPOINT,
	    SK_R_RECV, &slot)) != SK_OK)
		return SK_ERRVAL(e, 1);
	/*
	 * A caller that went away (timeout, death) is not the server's error,
	 * unless the server asked to hear of it with SK_TAG_CHECKED.
	 */
	e = do_reply(t, tf);
	if (e != SK_OK && (tf->rsi & SK_TAG_CHECKED))
		return SK_ERRVAL(e, e == SK_E_STATE ? 0 : 2);
	return do_recv(t, (struct endpoint *)slot->obj, deadline_from_timeout(tf->r14));
}

/*
 * ipc_pull(buf, off, len): copy len bytes at off of the deferred payload
 * of the request the current thread owes a reply to into buf. SK_E_STATE
 * without such a request, SK_E_INVAL for a range outside the payload,
 * SK_E_FAULT if either side cannot be accessed (nothing is copied then).
 */
int64_t
sys_ipc_pull(struct trapframe *tf)
{
	struct thread *t = current_thread(), *c = t->caller;
	uint64_t buf = tf->rdi, off = tf->rsi, len = tf->rdx;

	if (c == NULL || c->fault_call)
		return SK_ERRVAL(SK_E_STATE, 0);
	if (off > t->pull_len || len > t->pull_len - off)
		return SK_ERRVAL(SK_E_INVAL, 1);
	if (as_copy_between(t->proc->as, buf, c->proc->as, t->pull_buf + off, len) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 0);
	return SK_OK;
}

/*
 * t (dying) owes a reply: its caller fails with SK_E_PEERDIED, so a client
 * learns at once that its server is gone.
 */
void
ipc_thread_dying(struct thread *t)
{
	struct thread *c = t->caller;

	if (c != NULL) {
		t->caller = NULL;
		c->callee = NULL;
		thread_wake(c, SK_ERRVAL(SK_E_PEERDIED, 0));
	}
}

/*
 * Send a fault message for thread t (current) to its process's fault
 * endpoint and wait for the answer. Returns true if the thread may retry
 * the faulting instruction, false if the fault could not be delivered or
 * the handler did not resume it.
 */
bool
ipc_send_fault(struct thread *t, uint64_t addr, uint64_t access,
    uint64_t vector, uint64_t error)
{
	struct process *p = t->proc;
	struct endpoint *ep = p->fault_ep;
	int64_t r;

	if (ep == NULL || ep->nreceivers == 0)
		return false;
	t->msg.tag = SK_LABEL_FAULT;
	t->msg.w[0] = addr;
	t->msg.w[1] = access;
	t->msg.w[2] = t->tf->rip;
	t->msg.w[3] = vector;
	t->msg.w[4] = error;
	t->msg.w[5] = t->obj.koid;
	t->send_badge = p->fault_badge;
	t->long_msg = false;
	t->fault_call = true;
	p->fault_addr = addr;
	r = do_call(t, ep, 0);
	t->fault_call = false;
	return r == SK_OK && p->state == SK_PROC_RUNNING && !t->killed;
}
