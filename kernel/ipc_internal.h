/*
 * Helpers shared by the IPC slow path (ipc.c) and fast path (ipc_fast.c).
 * Everything here runs under the big kernel lock.
 */
#ifndef KERNEL_IPC_INTERNAL_H
#define KERNEL_IPC_INTERNAL_H

#include "kernel/ipc.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/cred.h"
#include "kernel/arch/trapframe.h"

/* Queue t on q of ep; a waiting thread holds a reference to ep. */
static inline void
ipc_wait_on(struct thread *t, struct endpoint *ep, struct list_head *q)
{
	obj_ref(&ep->obj);
	t->wait_ep = ep;
	list_add_tail(&t->wait_link, q);
}

/* Take t off the endpoint queue it waits on and drop that reference. */
static inline void
ipc_wait_off(struct thread *t)
{
	struct endpoint *ep = t->wait_ep;

	list_del(&t->wait_link);
	t->wait_ep = NULL;
	if (ep != NULL)
		obj_unref(&ep->obj);
}

/* Write what the kernel attests about sender s into receiver r's UTCB. */
static inline void
ipc_write_sender(struct thread *s, struct thread *r, uint64_t badge)
{
	struct sk_sender *snd = &r->utcb->sender;
	struct cred *cr = s->proc->cred;

	snd->badge = badge;
	snd->pid = s->proc->obj.koid;
	snd->tid = s->obj.koid;
	snd->cred_id = cr->obj.koid;
	snd->cred = cr->c;
}

/*
 * The register words of a message (abi/skiff/ipc.h): tag in RSI, words in
 * RDX, R10, R8, R9, R12, R13.
 */
static inline void
ipc_msg_to_regs(struct trapframe *tf, const struct ipc_msg *m)
{
	tf->rsi = m->tag;
	tf->rdx = m->w[0];
	tf->r10 = m->w[1];
	tf->r8 = m->w[2];
	tf->r9 = m->w[3];
	tf->r12 = m->w[4];
	tf->r13 = m->w[5];
}

static inline void
ipc_regs_to_msg(struct ipc_msg *m, const struct trapframe *tf)
{
	m->tag = tf->rsi;
	m->w[0] = tf->rdx;
	m->w[1] = tf->r10;
	m->w[2] = tf->r8;
	m->w[3] = tf->r9;
	m->w[4] = tf->r12;
	m->w[5] = tf->r13;
}

static inline void
ipc_copy_regs(struct trapframe *to, const struct trapframe *from)
{
	to->rsi = from->rsi;
	to->rdx = from->rdx;
	to->r10 = from->r10;
	to->r8 = from->r8;
	to->r9 = from->r9;
	to->r12 = from->r12;
	to->r13 = from->r13;
}

#endif
