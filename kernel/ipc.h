/*
 * Endpoints and notifications.
 *
 * An endpoint is a rendezvous point: callers queue on it until a receiver
 * takes their message; receivers queue on it until a message arrives. The
 * message is copied straight from the sender's registers (and UTCB, for
 * long messages) into the receiver's; nothing is buffered in the kernel.
 * An endpoint counts the handles with SK_R_RECV; when the last one goes,
 * nobody can ever receive, so queued callers fail with SK_E_PEERDIED.
 *
 * A notification is a 64-bit word of bits: signal ORs bits in, wait takes
 * (and clears) them, blocking until some are set.
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include "kernel/object.h"
#include "kernel/list.h"

struct thread;
struct trapframe;

struct endpoint {
	struct kobject obj;
	struct list_head senders;	/* threads in BLOCK_SEND */
	struct list_head receivers;	/* threads in BLOCK_RECV */
	uint32_t nreceivers;		/* handles with SK_R_RECV */
	bool ever_had_receiver;
	/* Badges minted with SK_MINT_NOTIFY (ep_track.c). */
	struct list_head *buckets;	/* hash table of struct ep_track */
	uint32_t nbuckets;		/* a power of two, or 0 */
	uint32_t ntracked;
	struct list_head notices;	/* closed badges not yet received */
};

struct notif {
	struct kobject obj;
	uint64_t bits;
	struct list_head waiters;	/* struct waitnode */
};

struct waitnode {
	struct list_head link;
	struct thread *thread;
	struct notif *notif;
};

struct endpoint *endpoint_create(int *err);
void endpoint_receiver_added(struct endpoint *ep);
void endpoint_receiver_removed(struct endpoint *ep);
/* Remove t from whatever IPC wait it is in (timeout or kill). */
void ipc_cancel(struct thread *t);
/* t is dying: fail its caller (PEERDIED) and detach it from its callee. */
void ipc_thread_dying(struct thread *t);
/* Send a fault message for the current thread; false if none can be sent. */
/*
 * Close notices (ep_track.c). prepare makes room for a new tracked badge
 * before its first handle exists (SK_E_NOMEM or SK_OK); unprepare undoes
 * it if no handle was made after all. opened/closed count the handles
 * that carry a tracked badge; the last close posts a notice and hands it
 * to a waiting receiver. take_notice moves the oldest notice into r's
 * registers as a SK_LABEL_CLOSED message; ep->notices must not be empty.
 */
int ep_track_prepare(struct endpoint *ep, uint64_t badge);
void ep_track_unprepare(struct endpoint *ep, uint64_t badge);
void ep_track_opened(struct endpoint *ep, uint64_t badge);
void ep_track_closed(struct endpoint *ep, uint64_t badge);
void ep_take_notice(struct endpoint *ep, struct thread *r);
void ep_track_destroy(struct endpoint *ep);

/*
 * The fast path (ipc_fast.c): true if it handled the system call. It
 * takes payloads of up to IPC_FAST_PAYLOAD bytes (two pages on each side
 * at most), which covers a page of file or pipe data.
 */
#define IPC_FAST_PAYLOAD	4096u
bool ipc_fast_call(struct trapframe *tf);
bool ipc_fast_reply_recv(struct trapframe *tf);
extern uint64_t ipc_fast_count, ipc_slow_count;	/* for kstat */
extern uint64_t ipc_fast_long_count;
bool ipc_send_fault(struct thread *t, uint64_t addr, uint64_t access,
    uint64_t vector, uint64_t error);

struct notif *notif_create(int *err);
void notif_signal(struct notif *n, uint64_t bits);
void notif_cancel(struct thread *t);
int64_t notif_wait_many(struct notif **ns, uint64_t *bits, uint32_t n,
    struct waitnode *nodes, uint64_t deadline, bool poll);

/* System call handlers (syscall.c dispatches). */
int64_t sys_call(struct trapframe *tf);
int64_t sys_recv(struct trapframe *tf);
int64_t sys_reply(struct trapframe *tf);
int64_t sys_reply_recv(struct trapframe *tf);
int64_t sys_ipc_pull(struct trapframe *tf);

#endif
