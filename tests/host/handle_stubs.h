/*
 * Stand-ins for the host tests of kernel/handle.c (test_handle.c and
 * test_handle_model.c): the kernel heap, whose kmalloc can be made to
 * fail, and the object reference functions, which count references, open
 * handles and destructions so that a double release or an underflow is
 * caught on the spot. Include it instead of kernel/handle.c.
 */
#ifndef TESTS_HOST_HANDLE_STUBS_H
#define TESTS_HOST_HANDLE_STUBS_H

#include "tests/host/host.h"
#include "kernel/handle.c"
#include "abi/skiff/errors.h"

/* ---- stand-ins for the kernel heap ---------------------------------- */

static long heap_live;		/* blocks handed out and not yet freed */
static long heap_fail_in = -1;	/* fail the kmalloc after this many; -1 never */

void *
kmalloc(size_t size)
{
	void *p;

	if (heap_fail_in == 0)
		return NULL;
	if (heap_fail_in > 0)
		heap_fail_in--;
	if ((p = malloc(size)) != NULL)
		heap_live++;
	return p;
}

void
kfree(void *p)
{
	if (p != NULL)
		heap_live--;
	free(p);
}

/* ---- stand-ins for the object functions ----------------------------- */

/*
 * A test object. The kobject comes first so that a struct kobject pointer
 * from the table converts back. destroyed counts how often the last
 * reference went away; anything but 0 or 1 is a bug.
 */
struct tobj {
	struct kobject k;
	int destroyed;
	int handles;		/* handles open to it, as told by the table */
	int receivers;		/* of them, handles with SK_R_RECV */
	int misuse;		/* unref or close of an object in a bad state */
};

void
obj_unref(struct kobject *o)
{
	struct tobj *t = (struct tobj *)o;

	if (o->refcount == 0 || t->destroyed) {
		t->misuse++;
		return;
	}
	if (--o->refcount == 0)
		t->destroyed++;
}

void
obj_handle_opened(struct kobject *o, uint32_t rights, uint64_t badge)
{
	struct tobj *t = (struct tobj *)o;

	if (t->destroyed)
		t->misuse++;
	t->handles++;
	if (rights & SK_R_RECV)
		t->receivers++;
}

void
obj_handle_closed(struct kobject *o, uint32_t rights, uint64_t badge)
{
	struct tobj *t = (struct tobj *)o;

	if (t->handles == 0 || t->destroyed)
		t->misuse++;
	t->handles--;
	if (rights & SK_R_RECV)
		t->receivers--;
}

/* A new object of the given type holding one reference, the test's own. */
static inline void
tobj_init(struct tobj *t, uint32_t type)
{
	memset(t, 0, sizeof(*t));
	t->k.type = type;
	t->k.refcount = 1;
	t->k.koid = (uint64_t)(uintptr_t)t;
}

/* Drop the test's own reference and check the object went exactly once. */
static inline int
tobj_release(struct tobj *t)
{
	obj_unref(&t->k);
	return CHECK_EQ(t->destroyed, 1) & CHECK_EQ(t->misuse, 0) &
	    CHECK_EQ(t->handles, 0) & CHECK_EQ(t->receivers, 0);
}

/*
 * Duplicate h with the given rights, the way sys_handle_dup does it: the
 * source must have SK_R_DUP and the new rights must be a subset. The
 * object, rights and badge are copied out of the slot before the
 * allocation, which may move the slot array.
 */
static inline int
dup(struct handle_table *t, uint32_t h, uint32_t want, uint32_t *out)
{
	struct handle_slot *s;
	struct kobject *o;
	uint64_t badge;
	int e;

	if ((e = handle_lookup(t, h, SK_OBJ_NONE, SK_R_DUP, &s)) != SK_OK)
		return e;
	if (want & ~s->rights)
		return SK_E_RIGHTS;
	o = s->obj;
	badge = s->badge;
	return handle_alloc(t, o, want, badge, out);
}

/* The error from looking h up, or SK_OK. */
static inline int
look(struct handle_table *t, uint32_t h, uint32_t type, uint32_t rights)
{
	struct handle_slot *s = NULL;

	return handle_lookup(t, h, type, rights, &s);
}

#endif
