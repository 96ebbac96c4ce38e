/* Structures that information and wait calls fill in. */
#ifndef SKIFF_INFO_H
#define SKIFF_INFO_H

#include <stdint.h>
#include "abi/skiff/objects.h"

struct sk_handle_info {
	uint32_t type;		/* enum sk_objtype */
	uint32_t rights;
	uint64_t koid;		/* kernel object id, unique for the boot */
	uint64_t badge;		/* endpoints only */
};
_Static_assert(sizeof(struct sk_handle_info) == 24, "sk_handle_info layout");

enum sk_proc_state {
	SK_PROC_RUNNING = 1,
	SK_PROC_EXITED,		/* called proc_exit or its last thread exited */
	SK_PROC_KILLED,		/* proc_kill */
	SK_PROC_FAULTED,	/* unhandled fault */
};

struct sk_proc_info {
	uint64_t koid;
	uint32_t state;		/* enum sk_proc_state */
	uint32_t nthreads;
	int64_t exit_code;	/* exit code, kill code or fault vector */
	uint64_t fault_addr;	/* for SK_PROC_FAULTED */
	char name[32];
};
_Static_assert(sizeof(struct sk_proc_info) == 64, "sk_proc_info layout");

struct sk_wait_item {
	sk_handle_t handle;	/* a notification with SK_R_WAIT */
	uint32_t _pad;
	uint64_t bits;		/* out: bits taken from it (0 if none) */
};
_Static_assert(sizeof(struct sk_wait_item) == 16, "sk_wait_item layout");

struct sk_kstat {
	uint64_t pages_total;
	uint64_t pages_free;
	uint64_t objects[SK_OBJ_TYPES];	/* live objects per type */
	uint64_t heap_bytes;		/* kernel heap in use */
	uint64_t heap_pages;		/* pages the kernel heap holds */
	uint32_t ncpus;
	uint32_t _pad;
	uint64_t kstack_pages;		/* pages of free kernel stacks kept for reuse */
	uint64_t ipc_fast;		/* calls and reply_recvs on the fast path */
	uint64_t ipc_slow;		/* ... and on the slow path */
	uint64_t ipc_fast_long;		/* of ipc_fast, those with a payload */
};
_Static_assert(sizeof(struct sk_kstat) == 8 * 5 + 8 * SK_OBJ_TYPES + 8 + 24,
    "sk_kstat layout");

#endif
