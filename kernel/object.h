/*
 * Every kernel object starts with a struct kobject: its type, a reference
 * count and a kernel object id (koid) unique for the boot. References are
 * held by handles, by other objects and by the kernel while it works on an
 * object. The last obj_unref() destroys the object through its type's
 * destroy function. All of it runs under the big kernel lock.
 */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include "kernel/kernel.h"
#include "abi/skiff/objects.h"

struct kobject {
	uint32_t type;		/* enum sk_objtype */
	uint32_t refcount;
	uint64_t koid;
};

void obj_init(struct kobject *o, uint32_t type);
static inline void obj_ref(struct kobject *o) { o->refcount++; }
void obj_unref(struct kobject *o);
uint64_t obj_live(uint32_t type);

/*
 * Called by handle tables when a handle to o is created or closed, so that
 * types that care (endpoints count their receivers) can track it.
 */
void obj_handle_opened(struct kobject *o, uint32_t rights, uint64_t badge);
void obj_handle_closed(struct kobject *o, uint32_t rights, uint64_t badge);

/* Per-type destructors, defined next to each type. */
void process_destroy(struct kobject *o);
void thread_destroy(struct kobject *o);
void aspace_destroy(struct kobject *o);
void vmo_destroy(struct kobject *o);
void endpoint_destroy(struct kobject *o);
void notif_destroy(struct kobject *o);
void resource_destroy(struct kobject *o);	/* IRQ, I/O port, MMIO ranges */
void cred_destroy(struct kobject *o);

#endif
