/*
 * Handle tables. Each process owns one: an array of slots, grown on
 * demand up to SK_HANDLE_MAX_SLOTS. A slot in use holds a reference to its
 * object, the rights of the handle and, for endpoints, a badge. Handle
 * values carry the slot's generation (abi/skiff/objects.h) so that a stale
 * handle is told apart from one that never existed.
 *
 * Callers hold the big kernel lock. Lookups never change anything;
 * handle_close and handle_table_clear drop references, which may destroy
 * objects.
 */
#ifndef KERNEL_HANDLE_H
#define KERNEL_HANDLE_H

#include "kernel/object.h"

struct handle_slot {
	struct kobject *obj;	/* NULL when the slot is free */
	uint32_t rights;
	uint16_t gen;		/* generation of the current or next handle */
	uint16_t used_once;	/* the slot has held a handle */
	uint64_t badge;
	uint32_t next_free;	/* free-list link (slot index), 0 = end */
	uint32_t _pad;
};

struct handle_table {
	struct handle_slot *slots;
	uint32_t nslots;	/* allocated slots, slot 0 unused */
	uint32_t free_head;	/* first free slot index, 0 = none */
	uint32_t count;		/* handles in use */
};

void handle_table_init(struct handle_table *t);
/* Close every handle and free the slot array. */
void handle_table_clear(struct handle_table *t);

/*
 * Find h. type is the required object type or SK_OBJ_NONE for any; rights
 * are the rights all of which the handle must have. Returns SK_OK and the
 * slot, or SK_E_BADHANDLE, SK_E_CLOSED, SK_E_WRONGTYPE or SK_E_RIGHTS.
 */
int handle_lookup(struct handle_table *t, uint32_t h, uint32_t type,
    uint32_t rights, struct handle_slot **slot);

/*
 * Put a new handle to obj into t, taking a new reference. Returns SK_OK
 * with *out set, or SK_E_NOSPACE / SK_E_NOMEM (nothing changed).
 */
int handle_alloc(struct handle_table *t, struct kobject *obj, uint32_t rights,
    uint64_t badge, uint32_t *out);

/* Install at a fixed index (process set-up only); index must be free. */
int handle_install(struct handle_table *t, uint32_t index, struct kobject *obj,
    uint32_t rights);

/* Close h: SK_OK or the lookup error. */
int handle_close(struct handle_table *t, uint32_t h);

/*
 * Take the object out of slot h without dropping its reference (for moving
 * it to another table). The caller owns the reference it gets back.
 */
void handle_take(struct handle_table *t, uint32_t h, struct kobject **obj,
    uint32_t *rights, uint64_t *badge);

/* Make sure n handle_alloc calls will not fail for lack of memory. */
int handle_reserve(struct handle_table *t, uint32_t n);

#endif
