/* System calls on address spaces and memory objects. Lock: the BKL. */
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/process.h"
#include "kernel/aspace.h"
#include "kernel/vmo.h"
#include "kernel/pmm.h"
#include "kernel/timepage.h"
#include "kernel/arch/trapframe.h"
#include "abi/skiff/syscall.h"

#define AS_RIGHTS	(SK_R_ALL & ~SK_R_PHYS)
#define VMO_RIGHTS	(SK_R_READ | SK_R_WRITE | SK_R_EXEC | SK_R_MAP | SK_R_DUP | \
			 SK_R_TRANSFER)
#define MAP_FLAGS	(SK_PROT_READ | SK_PROT_WRITE | SK_PROT_EXEC | SK_MAP_FIXED | \
			 SK_MAP_SHARED)

int64_t
sys_as_create(struct trapframe *tf)
{
	struct aspace *as;
	int64_t h;
	int e;

	if ((as = aspace_create(&e)) == NULL)
		return SK_ERRVAL(e, 0);
	if ((e = timepage_map(as)) != SK_OK) {
		obj_unref(&as->obj);
		return SK_ERRVAL(e, 0);
	}
	h = new_handle(&as->obj, AS_RIGHTS, 0);
	obj_unref(&as->obj);
	return h;
}

int64_t
sys_as_clone(struct trapframe *tf)
{
	struct kobject *o;
	struct aspace *as;
	int64_t h;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_ASPACE, SK_R_READ, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if ((as = aspace_clone((struct aspace *)o, &e)) == NULL)
		return SK_ERRVAL(e, 0);
	h = new_handle(&as->obj, AS_RIGHTS, 0);
	obj_unref(&as->obj);
	return h;
}

int64_t
sys_as_map(struct trapframe *tf)
{
	struct kobject *aso, *vo = NULL;
	uint32_t vrights = 0, flags = (uint32_t)tf->r9, prot, maxprot, rflags = 0;
	uint64_t out;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_ASPACE, SK_R_MAP | SK_R_WRITE, &aso,
	    NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (tf->r10 != 0 && (e = get_obj((uint32_t)tf->r10, SK_OBJ_VMO, SK_R_MAP, &vo,
	    &vrights, NULL)) != SK_OK)
		return SK_ERRVAL(e, 4);
	if ((flags & ~MAP_FLAGS) || (tf->r9 >> 32) != 0)
		return SK_ERRVAL(SK_E_INVAL, 6);
	if (tf->rdx >= USER_TOP)
		return SK_ERRVAL(SK_E_RANGE, 3);	/* longer than user space */
	prot = flags & (SK_PROT_READ | SK_PROT_WRITE | SK_PROT_EXEC);
	maxprot = SK_PROT_READ | SK_PROT_WRITE | SK_PROT_EXEC;
	if (flags & SK_MAP_SHARED) {
		if (vo == NULL)
			return SK_ERRVAL(SK_E_INVAL, 6);	/* shared needs an object */
		rflags |= REGION_SHARED;
	}
	if (vo != NULL) {
		maxprot = 0;
		if (vrights & SK_R_READ)
			maxprot |= SK_PROT_READ;
		if ((vrights & SK_R_WRITE) || !(flags & SK_MAP_SHARED))
			maxprot |= SK_PROT_WRITE;
		if (vrights & SK_R_EXEC)
			maxprot |= SK_PROT_EXEC;
		if (prot & ~maxprot)
			return SK_ERRVAL(SK_E_RIGHTS, 4);
	}
	rflags |= flags & SK_MAP_FIXED;
	e = as_map_max((struct aspace *)aso, tf->rsi, tf->rdx, (struct vmo *)vo, tf->r8,
	    prot, maxprot, rflags, 0, &out);
	if (e != SK_OK) {
		int arg = e == SK_E_ALIGN ? (tf->rsi % PAGE_SIZE ? 2 : 5) :
		    e == SK_E_RANGE ? (vo != NULL && tf->r8 >= ((struct vmo *)vo)->size ? 5 : 2) :
		    e == SK_E_EXISTS ? 2 : e == SK_E_INVAL ? 3 : 0;
		if (e == SK_E_INVAL && tf->rdx != 0)
			arg = 6;
		return SK_ERRVAL(e, arg);
	}
	return (int64_t)out;
}

int64_t
sys_as_unmap(struct trapframe *tf)
{
	struct kobject *o;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_ASPACE, SK_R_MAP | SK_R_WRITE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (tf->rsi >= USER_TOP)
		return SK_ERRVAL(SK_E_RANGE, 2);
	if ((e = as_unmap((struct aspace *)o, tf->rsi, tf->rdx)) != SK_OK)
		return SK_ERRVAL(e, e == SK_E_NOMEM ? 0 : e == SK_E_ALIGN ? 2 : 3);
	return SK_OK;
}

int64_t
sys_as_protect(struct trapframe *tf)
{
	struct kobject *o;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_ASPACE, SK_R_MAP | SK_R_WRITE, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (tf->rsi >= USER_TOP)
		return SK_ERRVAL(SK_E_RANGE, 2);
	if ((e = as_protect((struct aspace *)o, tf->rsi, tf->rdx, (uint32_t)tf->r10)) != SK_OK)
		return SK_ERRVAL(e, e == SK_E_ALIGN ? 2 : e == SK_E_INVAL || e == SK_E_RIGHTS ? 4 :
		    e == SK_E_NOMEM ? 0 : 3);
	return SK_OK;
}

/* Copy between the caller and another address space, a page at a time. */
static int64_t
as_rw(struct trapframe *tf, bool write)
{
	struct kobject *o;
	struct aspace *other;
	uint64_t len = tf->r10;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_ASPACE, write ? SK_R_WRITE : SK_R_READ,
	    &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	if (len > (1ull << 30))
		return SK_ERRVAL(SK_E_TOOBIG, 4);
	other = (struct aspace *)o;
	/* The copy checks both sides before it copies a byte. */
	if (write)
		e = as_copy_between(other, tf->rsi, current_process()->as, tf->rdx, len);
	else
		e = as_copy_between(current_process()->as, tf->rdx, other, tf->rsi, len);
	if (e == SK_OK)
		return SK_OK;
	/* Nothing was copied; name the bad side, the other process's first. */
	if (as_user_ok(other, tf->rsi, len, write ? SK_PROT_WRITE : SK_PROT_READ) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 2);
	if (as_user_ok(current_process()->as, tf->rdx, len,
	    write ? SK_PROT_READ : SK_PROT_WRITE) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 3);
	return SK_ERRVAL(SK_E_FAULT, 0);
}

int64_t sys_as_read(struct trapframe *tf) { return as_rw(tf, false); }
int64_t sys_as_write(struct trapframe *tf) { return as_rw(tf, true); }

int64_t
sys_vmo_create(struct trapframe *tf)
{
	struct vmo *v;
	uint32_t flags = (uint32_t)tf->rsi, rights = VMO_RIGHTS;
	int64_t h;
	int e;

	if (tf->rdi == 0 || tf->rdi > VMO_MAX_SIZE)
		return SK_ERRVAL(SK_E_INVAL, 1);
	if ((tf->rsi & ~(uint64_t)SK_VMO_CONTIG) != 0)
		return SK_ERRVAL(SK_E_INVAL, 2);
	if (flags & SK_VMO_CONTIG) {
		if (!(current_process()->privs & SK_PRIV_DMA))
			return SK_ERRVAL(SK_E_PRIV, 2);
		rights |= SK_R_PHYS;
	}
	if ((v = vmo_create(tf->rdi, flags, &e)) == NULL)
		return SK_ERRVAL(e, e == SK_E_INVAL ? 1 : 0);
	h = new_handle(&v->obj, rights, 0);
	obj_unref(&v->obj);
	return h;
}

static int64_t
vmo_rw(struct trapframe *tf, bool write)
{
	struct kobject *o;
	struct vmo *v;
	uint64_t off = tf->rsi, buf = tf->rdx, len = tf->r10;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_VMO, write ? SK_R_WRITE : SK_R_READ,
	    &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	v = (struct vmo *)o;
	if (off > v->size || len > v->size - off)
		return SK_ERRVAL(SK_E_RANGE, 2);
	/* The whole buffer first, so that a bad one changes nothing. */
	if (as_user_ok(current_process()->as, buf, len,
	    write ? SK_PROT_READ : SK_PROT_WRITE) != SK_OK)
		return SK_ERRVAL(SK_E_FAULT, 3);
	while (len > 0) {
		uint64_t n = MIN(len, PAGE_SIZE - off % PAGE_SIZE);
		uint64_t pa = vmo_page(v, off, write);

		if (write) {
			if (pa == 0)
				return SK_ERRVAL(SK_E_NOMEM, 0);
			if (copyin((char *)P2V(pa) + off % PAGE_SIZE, buf, n) != SK_OK)
				return SK_ERRVAL(SK_E_FAULT, 3);
		} else {
			static const char zeros[256];
			uint64_t done = 0;

			if (pa != 0) {
				if (copyout(buf, (char *)P2V(pa) + off % PAGE_SIZE, n) != SK_OK)
					return SK_ERRVAL(SK_E_FAULT, 3);
			} else {
				for (; done < n; done += MIN(n - done, sizeof(zeros)))
					if (copyout(buf + done, zeros, MIN(n - done, sizeof(zeros))) != SK_OK)
						return SK_ERRVAL(SK_E_FAULT, 3);
			}
		}
		off += n;
		buf += n;
		len -= n;
	}
	return SK_OK;
}

int64_t sys_vmo_read(struct trapframe *tf) { return vmo_rw(tf, false); }
int64_t sys_vmo_write(struct trapframe *tf) { return vmo_rw(tf, true); }

int64_t
sys_vmo_size(struct trapframe *tf)
{
	struct kobject *o;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_VMO, 0, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	return (int64_t)((struct vmo *)o)->size;
}

int64_t
sys_vmo_phys(struct trapframe *tf)
{
	struct kobject *o;
	struct vmo *v;
	uint64_t pa;
	int e;

	if ((e = get_obj((uint32_t)tf->rdi, SK_OBJ_VMO, SK_R_PHYS, &o, NULL, NULL)) != SK_OK)
		return SK_ERRVAL(e, 1);
	v = (struct vmo *)o;
	if (tf->rsi >= v->size)
		return SK_ERRVAL(SK_E_RANGE, 2);
	if ((pa = vmo_page(v, tf->rsi, true)) == 0)
		return SK_ERRVAL(SK_E_NOMEM, 0);
	return (int64_t)(pa + tf->rsi % PAGE_SIZE);
}
