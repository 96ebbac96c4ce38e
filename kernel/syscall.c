/*
 * System call entry: the dispatcher, the handle calls and small calls
 * that belong to no object. Object calls live in sys_*.c.
 */
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/ipc.h"
#include "kernel/bkl.h"
#include "kernel/pmm.h"
#include "kernel/heap.h"
#include "kernel/kstack.h"
#include "kernel/smp.h"
#include "kernel/reflect.h"
#include "kernel/arch/trapframe.h"
#include "abi/skiff/syscall.h"
#include "abi/skiff/info.h"

static const syscall_fn table[SK_SYS_COUNT] = {
#define SYSCALL_ENTRY(name, num, nargs) [num] = sys_##name,
	SK_SYSCALLS(SYSCALL_ENTRY)
#undef SYSCALL_ENTRY
};

void syscall_dispatch(struct trapframe *tf);

void
syscall_dispatch(struct trapframe *tf)
{
	uint64_t i = tf->rax - SK_SYS_BASE;
	bool native = i < SK_SYS_COUNT;

	if (!native && reflect_syscall_fast(tf))
		return;
	bkl_acquire();
	if (!native)
		reflect_syscall(tf);
	else if (!(i == SK_SYS_call - SK_SYS_BASE && ipc_fast_call(tf)) &&
	    !(i == SK_SYS_reply_recv - SK_SYS_BASE && ipc_fast_reply_recv(tf)))
		tf->rax = (uint64_t)table[i](tf);
	kernel_exit_checks();
	reflect_interrupt_check(tf);
	bkl_release();
}

int
get_obj(uint32_t h, uint32_t type, uint32_t rights, struct kobject **obj,
    uint32_t *out_rights, uint64_t *badge)
{
	struct thread *t = current_thread();
	struct handle_slot *slot;
	struct kobject *o = NULL;
	int e;

	if (SK_HANDLE_INDEX(h) == 0) {
		if (h == SK_H_SELF_PROC)
			o = &t->proc->obj;
		else if (h == SK_H_SELF_AS)
			o = t->proc->as ? &t->proc->as->obj : NULL;
		else if (h == SK_H_SELF_THREAD)
			o = &t->obj;
		if (o == NULL)
			return SK_E_BADHANDLE;
		if (type != SK_OBJ_NONE && o->type != type)
			return SK_E_WRONGTYPE;
		*obj = o;
		if (out_rights)
			*out_rights = SK_R_ALL & ~SK_R_TRANSFER;
		if (badge)
			*badge = 0;
		return SK_OK;
	}
	if ((e = handle_lookup(&t->proc->handles, h, type, rights, &slot)) != SK_OK)
		return e;
	*obj = slot->obj;
	if (out_rights)
		*out_rights = slot->rights;
	if (badge)
		*badge = slot->badge;
	return SK_OK;
}

int
copyin(void *dst, uint64_t uaddr, uint64_t len)
{
	return as_copyin(current_process()->as, dst, uaddr, len);
}

int
copyout(uint64_t uaddr, const void *src, uint64_t len)
{
	return as_copyout(current_process()->as, uaddr, src, len);
}

int64_t
new_handle(struct kobject *obj, uint32_t rights, uint64_t badge)
{
	uint32_t h;
	int e = handle_alloc(&current_process()->handles, obj, rights, badge, &h);

	return e == SK_OK ? (int64_t)h : SK_ERRVAL(e, 0);
}

int64_t
sys_nop(struct trapframe *tf)
{
	return SK_OK;
}

int64_t
sys_debug_log(struct trapframe *tf)
{
	char buf[256];
	uint64_t len = tf->rsi, done = 0;

	if (len > 4096)
		return SK_ERRVAL(SK_E_TOOBIG, 2);
	/* A buffer that faults part-way prints nothing. */
	if (len > 0 && as_user_ok(current_process()->as, tf->rdi, len, SK_PROT_READ) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 1);
	while (done < len) {
		uint64_t n = MIN(len - done, sizeof(buf));

		if (copyin(buf, tf->rdi + done, n) != SK_OK)
			return SK_ERRVAL(SK_E_FAULT, 1);
		console_write(buf, n);
		done += n;
	}
	return (int64_t)len;
}

int64_t
sys_handle_close(struct trapframe *tf)
{
	uint32_t h = (uint32_t)tf->rdi;
	int e;

	if (SK_HANDLE_INDEX(h) == 0 && h != 0)
		return SK_ERRVAL(SK_E_INVAL, 1);	/* pseudo-handles stay */
	if ((e = handle_close(&current_process()->handles, h)) != SK_OK)
		return SK_ERRVAL(e, 1);
	return SK_OK;
}

int64_t
sys_handle_dup(struct trapframe *tf)
{
	struct kobject *o;
	uint32_t rights, want = (uint32_t)tf->rsi;
	uint64_t badge;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_NONE, SK_R_DUP, &o, &rights, &badge)) != SK_OK)
		return SK_ERRVAL(e, 1);
	/* A pseudo-handle cannot move, but a real copy of it can. */
	if (SK_HANDLE_INDEX((uint32_t)tf->rdi) == 0)
		rights |= SK_R_TRANSFER;
	if (want & ~rights)
		return SK_ERRVAL(SK_E_RIGHTS, 2);
	return new_handle(o, want, badge);
}

int64_t
sys_handle_info(struct trapframe *tf)
{
	struct sk_handle_info info;
	struct kobject *o;
	uint32_t rights;
	uint64_t badge;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_NONE, 0, &o, &rights, &badge)) != SK_OK)
		return SK_ERRVAL(e, 1);
	info.type = o->type;
	info.rights = rights;
	info.koid = o->koid;
	info.badge = badge;
	if (copyout(tf->rsi, &info, sizeof(info)) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 2);
	return SK_OK;
}

/* Copy a handle into another process (which needs SK_R_MANAGE). */
int64_t
sys_handle_give(struct trapframe *tf)
{
	struct kobject *po, *o;
	struct process *p;
	uint32_t rights, want = (uint32_t)tf->rdx, h;
	uint64_t badge;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_PROCESS, SK_R_MANAGE, &po, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if ((e = get_obj((uint32_t)tf->rsi, SK_OBJ_NONE, SK_R_TRANSFER, &o, &rights, &badge)) != SK_OK)
		return SK_ERRVAL(e, 2);
	if (want & ~rights)
		return SK_ERRVAL(SK_E_RIGHTS, 3);
	p = (struct process *)po;
	if (p->state != SK_PROC_RUNNING)
		return SK_ERRVAL(SK_E_STATE, 1);
	if ((e = handle_alloc(&p->handles, o, want, badge, &h)) != SK_OK)
		return SK_ERRVAL(e, 1);
	return h;
}

/*
 * Copies of n handles into another process (abi/skiff/syscall.h struct
 * sk_give): the target, the array and every entry are checked, and room
 * for all n is made in the target's table, before the first handle is
 * made, so a failure changes nothing.
 */
int64_t
sys_handle_give_many(struct trapframe *tf)
{
	struct sk_give g[SK_GIVE_MAX];
	struct kobject *po, *objs[SK_GIVE_MAX];
	uint64_t badges[SK_GIVE_MAX], uaddr = tf->rsi, n = tf->rdx;
	struct process *p;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_PROCESS, SK_R_MANAGE, &po, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	p = (struct process *)po;
	if (p->state != SK_PROC_RUNNING)
		return SK_ERRVAL(SK_E_STATE, 1);
	if (n > SK_GIVE_MAX)
		return SK_ERRVAL(SK_E_TOOBIG, 3);
	if (n == 0)
		return 0;
	if (!user_range_ok(uaddr, n * sizeof(g[0])) ||
	    as_user_ok(current_process()->as, uaddr, n * sizeof(g[0]), SK_PROT_WRITE) != SK_OK ||
	    copyin(g, uaddr, n * sizeof(g[0])) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 2);
	for (uint64_t i = 0; i < n; i++) {
		uint32_t rights;

		if ((e = get_obj(g[i].h, SK_OBJ_NONE, SK_R_TRANSFER, &objs[i], &rights,
		    &badges[i])) != SK_OK)
			return SK_ERRVAL(e, 2);
		if (g[i].rights == SK_GIVE_SAME)
			g[i].rights = rights;
		else if (g[i].rights & ~rights)
			return SK_ERRVAL(SK_E_RIGHTS, 2);
	}
	if ((e = handle_reserve(&p->handles, (uint32_t)n)) != SK_OK)
		return SK_ERRVAL(e, 1);
	for (uint64_t i = 0; i < n; i++)
		if ((e = handle_alloc(&p->handles, objs[i], g[i].rights, badges[i],
		    &g[i].out)) != SK_OK)
			panic("handle_give_many: a reserved slot was not there");
	if (copyout(uaddr, g, n * sizeof(g[0])) != SK_OK)
		panic("handle_give_many: a checked array could not be written");
	return (int64_t)n;
}

int64_t
sys_kstat(struct trapframe *tf)
{
	struct sk_kstat ks;

	if (!(current_process()->privs & SK_PRIV_KSTAT))
		return SK_ERRVAL(SK_E_PRIV, 0);
	memset(&ks, 0, sizeof(ks));
	ks.pages_total = pmm_total_pages();
	ks.pages_free = pmm_free_pages();
	for (uint32_t i = 0; i < SK_OBJ_TYPES; i++)
		ks.objects[i] = obj_live(i);
	ks.heap_bytes = heap_bytes_in_use();
	ks.heap_pages = heap_slab_pages();
	ks.kstack_pages = kstack_cached_pages();
	ks.ncpus = (uint32_t)ncpus;
	ks.ipc_fast = ipc_fast_count;
	ks.ipc_slow = ipc_slow_count;
	ks.ipc_fast_long = ipc_fast_long_count;
	if (copyout(tf->rdi, &ks, sizeof(ks)) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 1);
	return SK_OK;
}
