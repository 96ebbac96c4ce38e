/*
 * The IPC fast path: call and reply_recv when the other side is already
 * waiting, of register-only messages and of long messages with a payload
 * of at most IPC_FAST_PAYLOAD bytes and no handles. Each is a straight
 * line of checks and then a direct switch to the other thread, without
 * the run queues. When any check fails the function returns false having
 * changed nothing the slow path would not change in the same way (the
 * payload copy may have faulted pages in, as the slow path's copy
 * would, and a receiver's pull_len may be cleared, as the slow path
 * clears it at every delivery), and the slow path in ipc.c handles the system call from the
 * start, so the two paths always agree on what a call means.
 *
 * Not taken here (slow path): handles in a message, payloads over the
 * bound or larger than the receiver's buffer, a payload copy that fails
 * on either side, SK_NOWAIT calls, finite timeouts of reply_recv, fault
 * replies, a busy endpoint (callers or close notices queued for
 * reply_recv), a missing handle or right, a partner outranked by another
 * ready thread, and a caller that has been killed (thread_block turns
 * that into an error). A call's finite timeout arms the caller's timer
 * exactly as thread_block does.
 *
 * Lock: the big kernel lock, held on entry and on return.
 */
#include "kernel/ipc_internal.h"
#include "kernel/handle.h"
#include "kernel/sched.h"
#include "kernel/aspace.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/ipc.h"

uint64_t ipc_fast_count;	/* system calls the fast path handled */
uint64_t ipc_fast_long_count;	/* ... of which with SK_TAG_LONG */

/*
 * Look up endpoint handle h of the current process with all of rights.
 * NULL for anything the slow path would report as an error.
 */
static inline struct handle_slot *
fast_ep_slot(struct thread *t, uint32_t h, uint32_t rights)
{
	struct handle_table *ht = &t->proc->handles;
	uint32_t idx = SK_HANDLE_INDEX(h);
	struct handle_slot *s;

	if (idx == 0 || idx >= ht->nslots)
		return NULL;
	s = &ht->slots[idx];
	if (s->obj == NULL || s->gen != SK_HANDLE_GEN(h))
		return NULL;
	if (s->obj->type != SK_OBJ_ENDPOINT || (s->rights & rights) != rights)
		return NULL;
	return s;
}

/* Whether next may run now on this CPU: no ready thread outranks it. */
static inline bool
fast_may_run(struct thread *next)
{
	return (this_cpu()->rq.bitmap >> next->prio) <= 1;
}

/* End a thread's wait without the run queue: it is about to run here. */
static inline void
fast_unblock(struct thread *t)
{
	list_del(&t->timer_link);
	t->deadline = 0;
	t->block = BLOCK_NONE;
	t->wake_result = SK_OK;
}

static inline void
fast_block(struct thread *t, enum block_kind k, uint64_t deadline)
{
	t->block = k;
	t->state = T_BLOCKED;
	t->wake_result = SK_OK;
	if (deadline != 0)
		timer_add(t, deadline);
}

/*
 * The payload of s's long message into r's receive buffer, for a message
 * the fast path may take: no handles, at most IPC_FAST_PAYLOAD bytes and
 * no more than r's buffer holds. Reads s's descriptor once. Returns the
 * length, or -1 with nothing copied when the slow path must decide
 * (which then reports the error, if there is one).
 */
static inline int64_t
fast_payload(struct thread *s, struct thread *r, bool request)
{
	struct sk_utcb *su = s->utcb, *ru = r->utcb;
	uint64_t buf = __atomic_load_n(&su->snd_buf, __ATOMIC_RELAXED);
	uint32_t len = __atomic_load_n(&su->snd_len, __ATOMIC_RELAXED);

	if (__atomic_load_n(&su->snd_nh, __ATOMIC_RELAXED) != 0 || len > IPC_FAST_PAYLOAD)
		return -1;
	if (len > ru->rcv_max) {
		/* Deferred (SK_RCV_DEFER) as long_deliver does it; ipc_pull checks it. */
		if (!request || !(ru->rcv_flags & SK_RCV_DEFER))
			return -1;
		r->pull_buf = buf;
		r->pull_len = len;
		return len;
	}
	if (len > 0 && as_copy_between(r->proc->as, ru->rcv_buf, s->proc->as,
	    buf, len) != SK_OK)
		return -1;
	return len;
}

/*
 * call(ep, message in registers, timeout = SK_FOREVER) with a receiver
 * waiting on ep: hand the message over and run the receiver; come back
 * here with the reply in tf (written by whoever replies).
 */
bool
ipc_fast_call(struct trapframe *tf)
{
	struct thread *t = current_thread(), *r;
	struct handle_slot *s;
	struct endpoint *ep;
	uint64_t deadline = 0;
	int64_t len = 0;

	if (tf->r14 == SK_NOWAIT || t->killed)
		return false;
	if ((s = fast_ep_slot(t, (uint32_t)tf->rdi, SK_R_SEND)) == NULL)
		return false;
	ep = (struct endpoint *)s->obj;
	if (list_empty(&ep->receivers))
		return false;
	r = list_first(&ep->receivers, struct thread, wait_link);
	if (!fast_may_run(r))
		return false;
	r->pull_len = 0;
	if ((tf->rsi & SK_TAG_LONG) && (len = fast_payload(t, r, true)) < 0)
		return false;

	/* Every check passed and the payload is there: the call cannot fail. */
	ipc_fast_count++;
	if (tf->rsi & SK_TAG_LONG)
		ipc_fast_long_count++;
	if (tf->r14 != SK_FOREVER)
		deadline = deadline_from_timeout(tf->r14);
	ipc_wait_off(r);		/* t's handle still holds ep */
	r->utcb->rcv_len = (uint32_t)len;
	r->utcb->rcv_nh = 0;
	ipc_copy_regs(r->tf, tf);
	r->tf->rdi = s->badge;
	ipc_write_sender(t, r, s->badge);
	r->caller = t;
	t->callee = r;
	t->send_badge = s->badge;
	t->long_msg = (tf->rsi & SK_TAG_LONG) != 0;
	t->fault_call = false;
	fast_unblock(r);
	fast_block(t, BLOCK_REPLY, deadline);
	sched_switch_to(r);

	/* Woken by the reply, or by an error (peer died, killed, timed out). */
	tf->rax = (uint64_t)t->wake_result;
	return true;
}

/*
 * reply_recv(ep, reply, timeout = SK_FOREVER) by a server that owes a
 * reply to a caller and finds no other caller queued: the reply (its
 * registers and payload) goes straight to the caller, which runs at once,
 * and the server waits on ep.
 */
bool
ipc_fast_reply_recv(struct trapframe *tf)
{
	struct thread *t = current_thread(), *c = t->caller;
	struct handle_slot *s;
	struct endpoint *ep;
	int64_t len = 0;

	if (tf->r14 != SK_FOREVER || t->killed)
		return false;
	if (c == NULL || c->fault_call)
		return false;
	if ((s = fast_ep_slot(t, (uint32_t)tf->rdi, SK_R_RECV)) == NULL)
		return false;
	ep = (struct endpoint *)s->obj;
	if (!list_empty(&ep->senders) || !list_empty(&ep->notices))
		return false;
	if (!fast_may_run(c))
		return false;
	if (c->state != T_BLOCKED || c->block != BLOCK_REPLY)
		panic("ipc_fast_reply_recv: caller %lu is not waiting for a reply",
		    c->obj.koid);
	if ((tf->rsi & SK_TAG_LONG) && (len = fast_payload(t, c, false)) < 0)
		return false;

	ipc_fast_count++;
	if (tf->rsi & SK_TAG_LONG)
		ipc_fast_long_count++;
	t->caller = NULL;
	c->callee = NULL;
	c->utcb->rcv_len = (uint32_t)len;
	c->utcb->rcv_nh = 0;
	ipc_copy_regs(c->tf, tf);
	c->tf->rsi &= ~SK_TAG_CHECKED;
	fast_unblock(c);
	t->utcb->rcv_len = 0;
	t->utcb->rcv_nh = 0;
	ipc_wait_on(t, ep, &ep->receivers);
	fast_block(t, BLOCK_RECV, 0);
	sched_switch_to(c);

	/* Woken with a message, or by an error (no receive handle, killed). */
	tf->rax = (uint64_t)t->wake_result;
	return true;
}
