/*
 * Kernel object types, handle values and rights bits.
 *
 * A handle is a 32-bit value naming a slot in the calling process's handle
 * table: bits 0-19 are the slot index (slot 0 is never used, so 0 is never
 * a valid handle) and bits 20-31 a generation that changes whenever the
 * slot is reused, so a stale handle is reported as SK_E_CLOSED instead of
 * silently naming a newer object.
 */
#ifndef SKIFF_OBJECTS_H
#define SKIFF_OBJECTS_H

#include <stdint.h>

typedef uint32_t sk_handle_t;

#define SK_HANDLE_INDEX_BITS	20
#define SK_HANDLE_INDEX(h)	((h) & ((1u << SK_HANDLE_INDEX_BITS) - 1))
#define SK_HANDLE_GEN(h)	((h) >> SK_HANDLE_INDEX_BITS)
#define SK_HANDLE_MAKE(idx, gen) \
	(((uint32_t)(gen) << SK_HANDLE_INDEX_BITS) | (uint32_t)(idx))
#define SK_HANDLE_MAX_SLOTS	65536	/* per process */

/*
 * Pseudo-handles that always name the caller's own process, address space
 * and thread (with all rights). They occupy slot 0, which never holds a
 * real handle, and cannot be closed or transferred; a duplicate made
 * with handle_dup is a real handle and may carry SK_R_TRANSFER.
 */
#define SK_H_SELF_PROC		SK_HANDLE_MAKE(0, 1)
#define SK_H_SELF_AS		SK_HANDLE_MAKE(0, 2)
#define SK_H_SELF_THREAD	SK_HANDLE_MAKE(0, 3)

enum sk_objtype {
	SK_OBJ_NONE = 0,
	SK_OBJ_PROCESS,
	SK_OBJ_THREAD,
	SK_OBJ_ASPACE,
	SK_OBJ_VMO,
	SK_OBJ_ENDPOINT,
	SK_OBJ_NOTIFICATION,
	SK_OBJ_IRQ,
	SK_OBJ_IOPORT,
	SK_OBJ_MMIO,
	SK_OBJ_CRED,
	SK_OBJ_TYPES
};

/* Rights on a handle. A right that does not apply to a type is ignored. */
#define SK_R_READ	(1u << 0)	/* read contents or state */
#define SK_R_WRITE	(1u << 1)	/* change contents or state */
#define SK_R_EXEC	(1u << 2)	/* map executable */
#define SK_R_MAP	(1u << 3)	/* map into an address space */
#define SK_R_DUP	(1u << 4)	/* duplicate (and mint badges) */
#define SK_R_TRANSFER	(1u << 5)	/* send in a message or give away */
#define SK_R_SIGNAL	(1u << 6)	/* set notification bits */
#define SK_R_WAIT	(1u << 7)	/* wait on a notification */
#define SK_R_SEND	(1u << 8)	/* call an endpoint */
#define SK_R_RECV	(1u << 9)	/* receive on an endpoint */
#define SK_R_MANAGE	(1u << 10)	/* control: threads, kill, credentials */
#define SK_R_PHYS	(1u << 11)	/* learn physical addresses */
#define SK_R_ALL	0xfffu

/*
 * Process privileges (a per-process mask, MINIX style). A process can only
 * give a child a subset of its own mask.
 */
#define SK_PRIV_DMA	(1u << 0)	/* contiguous memory, physical addresses */
#define SK_PRIV_CRED	(1u << 1)	/* create credentials, set them on processes */
#define SK_PRIV_KSTAT	(1u << 2)	/* read kernel statistics */
#define SK_PRIV_CLOCK	(1u << 3)	/* set the wall clock */
#define SK_PRIV_ALL	0xfu

#endif
