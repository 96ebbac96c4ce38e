/*
 * System calls on endpoints, notifications, hardware resources and
 * credentials. Lock: the big kernel lock.
 */
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/ipc.h"
#include "kernel/cred.h"
#include "kernel/resource.h"
#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "kernel/smp.h"
#include "kernel/arch/trapframe.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/info.h"

#define EP_RIGHTS	(SK_R_SEND | SK_R_RECV | SK_R_DUP | SK_R_TRANSFER)
#define NOTIF_RIGHTS	(SK_R_SIGNAL | SK_R_WAIT | SK_R_DUP | SK_R_TRANSFER)
#define WAIT_MAX	64

int64_t
sys_ep_create(struct trapframe *tf)
{
	struct endpoint *ep;
	int64_t h;
	int e;

	if ((ep = endpoint_create(&e)) == NULL)
		return SK_ERRVAL(e, 0);
	h = new_handle(&ep->obj, EP_RIGHTS, 0);
	obj_unref(&ep->obj);
	return h;
}

/* A copy of an unbadged endpoint handle with a badge and fewer rights. */
int64_t
sys_ep_mint(struct trapframe *tf)
{
	struct kobject *o;
	uint32_t rights;
	uint64_t badge;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_ENDPOINT, SK_R_DUP, &o, &rights, &badge)) != SK_OK)
		return SK_ERRVAL(e, 1);
	uint64_t want_badge = tf->rsi, flags = tf->r10;
	int64_t h;

	if (badge != 0)
		return SK_ERRVAL(SK_E_STATE, 1);	/* badges are set once */
	if (want_badge == 0 || (want_badge & SK_BADGE_NOTIFY))
		return SK_ERRVAL(SK_E_INVAL, 2);
	if ((uint32_t)tf->rdx & ~rights || (tf->rdx >> 32) != 0)
		return SK_ERRVAL(SK_E_RIGHTS, 3);
	if (flags & ~(uint64_t)SK_MINT_NOTIFY)
		return SK_ERRVAL(SK_E_INVAL, 4);
	if (!(flags & SK_MINT_NOTIFY))
		return new_handle(o, (uint32_t)tf->rdx, want_badge);
	want_badge |= SK_BADGE_NOTIFY;
	if ((e = ep_track_prepare((struct endpoint *)o, want_badge)) != SK_OK)
		return SK_ERRVAL(e, 0);
	if ((h = new_handle(o, (uint32_t)tf->rdx, want_badge)) < 0)
		ep_track_unprepare((struct endpoint *)o, want_badge);
	return h;
}

int64_t
sys_notif_create(struct trapframe *tf)
{
	struct notif *n;
	int64_t h;
	int e;

	if ((n = notif_create(&e)) == NULL)
		return SK_ERRVAL(e, 0);
	h = new_handle(&n->obj, NOTIF_RIGHTS, 0);
	obj_unref(&n->obj);
	return h;
}

int64_t
sys_notif_signal(struct trapframe *tf)
{
	struct kobject *o;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_NOTIFICATION, SK_R_SIGNAL, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (tf->rsi == 0 || (tf->rsi >> 63) != 0)
		return SK_ERRVAL(SK_E_INVAL, 2);
	notif_signal((struct notif *)o, tf->rsi);
	return SK_OK;
}

int64_t
sys_notif_wait(struct trapframe *tf)
{
	struct kobject *o;
	struct notif *n;
	struct waitnode node;
	uint64_t bits;
	int64_t r;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_NOTIFICATION, SK_R_WAIT, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	n = (struct notif *)o;
	obj_ref(o);
	r = notif_wait_many(&n, &bits, 1, &node, deadline_from_timeout(tf->rsi),
	    tf->rsi == SK_NOWAIT);
	obj_unref(o);
	if (r < 0)
		return r;
	return (int64_t)bits;
}

int64_t
sys_wait_many(struct trapframe *tf)
{
	struct sk_wait_item items[WAIT_MAX];
	struct notif *ns[WAIT_MAX];
	uint64_t bits[WAIT_MAX];
	struct waitnode *nodes;
	uint64_t n = tf->rsi;
	int64_t r;
	int e;

	if (n == 0 || n > WAIT_MAX)
		return SK_ERRVAL(SK_E_INVAL, 2);
	if (copyin(items, tf->rdi, n * sizeof(items[0])) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 1);
	for (uint64_t i = 0; i < n; i++) {
		struct kobject *o;

		if ((e = get_obj(items[i].handle, SK_OBJ_NOTIFICATION, SK_R_WAIT, &o,
		    NULL, NULL)) != SK_OK)
			return SK_ERRVAL(e, 1);
		ns[i] = (struct notif *)o;
	}
	if ((nodes = kmalloc(n * sizeof(*nodes))) == NULL)
		return SK_ERRVAL(SK_E_NOMEM, 0);
	for (uint64_t i = 0; i < n; i++)
		obj_ref(&ns[i]->obj);
	r = notif_wait_many(ns, bits, (uint32_t)n, nodes, deadline_from_timeout(tf->rdx),
	    tf->rdx == SK_NOWAIT);
	for (uint64_t i = 0; i < n; i++)
		obj_unref(&ns[i]->obj);
	kfree(nodes);
	if (r < 0)
		return r;
	for (uint64_t i = 0; i < n; i++)
		items[i].bits = bits[i];
	if (copyout(tf->rdi, items, n * sizeof(items[0])) != SK_OK) {
		/* Put the bits back rather than lose them. */
		for (uint64_t i = 0; i < n; i++)
			ns[i]->bits |= bits[i];
		return SK_ERRVAL(SK_E_FAULT, 1);
	}
	return r;
}

/* ---- hardware resources ---- */

struct irq_binding {
	struct resource *owner;	/* not counted: cleared when it dies */
	struct notif *notif;	/* counted */
	uint64_t bits;
	bool masked;
};
static struct irq_binding irq_bindings[NR_IRQS];

struct resource *
resource_create(uint32_t type, uint64_t base, uint64_t count, int *err)
{
	struct resource *r = kzalloc(sizeof(*r));

	if (r == NULL) {
		*err = SK_E_NOMEM;
		return NULL;
	}
	obj_init(&r->obj, type);
	r->base = base;
	r->count = count;
	*err = SK_OK;
	return r;
}

void
resource_destroy(struct kobject *o)
{
	for (int i = 0; i < NR_IRQS; i++)
		if (irq_bindings[i].owner == (struct resource *)o) {
			ioapic_mask((uint32_t)i, true);
			obj_unref(&irq_bindings[i].notif->obj);
			memset(&irq_bindings[i], 0, sizeof(irq_bindings[i]));
		}
	kfree(o);
}

/* An interrupt on line arrived: signal its driver and mask until ack. */
void
irq_dispatch(uint32_t line)
{
	struct irq_binding *b;

	if (line >= NR_IRQS)
		return;
	b = &irq_bindings[line];
	ioapic_mask(line, true);
	b->masked = true;
	if (b->notif != NULL)
		notif_signal(b->notif, b->bits);
}

static bool
in_range(struct resource *r, uint64_t base, uint64_t count)
{
	return base >= r->base && count <= r->count && base - r->base <= r->count - count;
}

int64_t
sys_irq_bind(struct trapframe *tf)
{
	struct kobject *o, *no;
	struct resource *r;
	struct irq_binding *b;
	uint64_t line = tf->rsi;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_IRQ, SK_R_MANAGE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	r = (struct resource *)o;
	if (line >= NR_IRQS || !in_range(r, line, 1))
		return SK_ERRVAL(SK_E_RANGE, 2);
	if ((e = get_obj((uint32_t)tf->rdx, SK_OBJ_NOTIFICATION, SK_R_SIGNAL, &no, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 3);
	if (tf->r10 == 0 || (tf->r10 >> 63) != 0)
		return SK_ERRVAL(SK_E_INVAL, 4);
	b = &irq_bindings[line];
	if (b->owner != NULL && b->owner != r)
		return SK_ERRVAL(SK_E_BUSY, 2);
	if (b->notif != NULL)
		obj_unref(&b->notif->obj);
	b->owner = r;
	b->notif = (struct notif *)no;
	b->bits = tf->r10;
	obj_ref(no);
	ioapic_route((uint32_t)line, (uint8_t)(VEC_IRQ_BASE + line), cpus[0].apic_id);
	b->masked = false;
	ioapic_mask((uint32_t)line, false);
	return SK_OK;
}

int64_t
sys_irq_ack(struct trapframe *tf)
{
	struct kobject *o;
	uint64_t line = tf->rsi;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_IRQ, SK_R_MANAGE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (line >= NR_IRQS || irq_bindings[line].owner != (struct resource *)o)
		return SK_ERRVAL(SK_E_RANGE, 2);
	irq_bindings[line].masked = false;
	ioapic_mask((uint32_t)line, false);
	return SK_OK;
}

int64_t
sys_range_split(struct trapframe *tf)
{
	struct kobject *o;
	struct resource *r, *nr;
	uint32_t rights, want = (uint32_t)tf->r10;
	int64_t h;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_NONE, SK_R_DUP, &o, &rights, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (o->type != SK_OBJ_IRQ && o->type != SK_OBJ_IOPORT && o->type != SK_OBJ_MMIO)
		return SK_ERRVAL(SK_E_WRONGTYPE, 1);
	r = (struct resource *)o;
	if (tf->rdx == 0 || !in_range(r, tf->rsi, tf->rdx))
		return SK_ERRVAL(SK_E_RANGE, 2);
	if (o->type == SK_OBJ_MMIO && (tf->rsi % PAGE_SIZE || tf->rdx % PAGE_SIZE))
		return SK_ERRVAL(SK_E_ALIGN, 2);
	if (want & ~rights)
		return SK_ERRVAL(SK_E_RIGHTS, 4);
	if ((nr = resource_create(o->type, tf->rsi, tf->rdx, &e)) == NULL)
		return SK_ERRVAL(e, 0);
	h = new_handle(&nr->obj, want, 0);
	obj_unref(&nr->obj);
	return h;
}

/* Let the calling process use the ports of an I/O port range. */
int64_t
sys_ioport_enable(struct trapframe *tf)
{
	struct process *p = current_process();
	struct kobject *o;
	struct resource *r;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_IOPORT, SK_R_MANAGE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	r = (struct resource *)o;
	if (p->iomap == NULL) {
		if ((p->iomap = kmalloc(8192)) == NULL)
			return SK_ERRVAL(SK_E_NOMEM, 0);
		memset(p->iomap, 0xff, 8192);
	}
	for (uint64_t port = r->base; port < r->base + r->count && port < 65536; port++)
		p->iomap[port / 8] &= (uint8_t)~(1u << (port % 8));
	/*
	 * Load it here now. Other CPUs running threads of p still have the
	 * old version; they load the new one at their next switch, or when
	 * a thread of p takes a #GP there (trap.c).
	 */
	p->iomap_gen++;
	iomap_load(this_cpu(), p);
	return SK_OK;
}

/*
 * Map device memory. The handle's SK_R_READ and SK_R_WRITE bound the
 * protection, now and for later as_protect calls on the mapping.
 */
int64_t
sys_mmio_map(struct trapframe *tf)
{
	struct kobject *aso, *o;
	struct resource *r;
	uint64_t off = tf->rdx, len = tf->r10, out;
	uint32_t prot = (uint32_t)tf->r9, rights, maxprot;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_ASPACE, SK_R_MAP | SK_R_WRITE, &aso, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if ((e = get_obj((uint32_t)tf->rsi, SK_OBJ_MMIO, SK_R_MAP, &o, &rights, NULL)) != SK_OK)
		return SK_ERRVAL(e, 2);
	r = (struct resource *)o;
	if (off % PAGE_SIZE || len % PAGE_SIZE)
		return SK_ERRVAL(SK_E_ALIGN, off % PAGE_SIZE ? 3 : 4);
	if (len == 0 || off > r->count || len > r->count - off)
		return SK_ERRVAL(SK_E_RANGE, 4);
	if (prot & ~(uint32_t)(SK_PROT_READ | SK_PROT_WRITE))
		return SK_ERRVAL(SK_E_INVAL, 6);
	maxprot = ((rights & SK_R_READ) ? SK_PROT_READ : 0) |
	    ((rights & SK_R_WRITE) ? SK_PROT_WRITE : 0);
	if (prot & ~maxprot)
		return SK_ERRVAL(SK_E_RIGHTS, 2);
	for (uint64_t pa = r->base + off; pa < r->base + off + len; pa += PAGE_SIZE)
		if (pa_is_ram(pa))
			return SK_ERRVAL(SK_E_RANGE, 3);	/* RAM is not device memory */
	e = as_map_max((struct aspace *)aso, tf->r8, len, NULL, 0, prot, maxprot,
	    REGION_DEVICE | (tf->r8 ? SK_MAP_FIXED : 0), r->base + off, &out);
	if (e != SK_OK)
		return SK_ERRVAL(e, e == SK_E_NOMEM ? 0 : 5);
	return (int64_t)out;
}

int64_t
sys_cred_create(struct trapframe *tf)
{
	struct sk_cred c;
	struct cred *cr;
	int64_t h;
	int e;

	if (!(current_process()->privs & SK_PRIV_CRED))
		return SK_ERRVAL(SK_E_PRIV, 0);
	if (copyin(&c, tf->rdi, sizeof(c)) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 1);
	if ((cr = cred_create(&c, &e)) == NULL)
		return SK_ERRVAL(e, 1);
	h = new_handle(&cr->obj, SK_R_READ | SK_R_DUP | SK_R_TRANSFER, 0);
	obj_unref(&cr->obj);
	return h;
}

int64_t
sys_cred_read(struct trapframe *tf)
{
	struct kobject *o;
	int e;

	if (tf->rdi == 0) {
		/* 0: the caller's own credential. */
		o = &current_process()->cred->obj;
	} else if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_CRED, SK_R_READ, &o, NULL, NULL)) != SK_OK) {
		return SK_ERRVAL(e, 1);
	}
	if (copyout(tf->rsi, &((struct cred *)o)->c, sizeof(struct sk_cred)) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 2);
	return SK_OK;
}
