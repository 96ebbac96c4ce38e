/*
 * Threads. A thread belongs to one process, runs in that process's address
 * space, and owns a kernel stack, an FPU save area and a UTCB page mapped
 * into its process. Its user register state lives in the trapframe at the
 * top of its kernel stack while it is in the kernel.
 *
 * A thread is READY (on a run queue), RUNNING (on a CPU), BLOCKED (waiting,
 * see enum block_kind) or DEAD. Everything here runs under the big kernel
 * lock.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include "kernel/object.h"
#include "kernel/list.h"
#include "abi/skiff/utcb.h"

struct process;
struct endpoint;
struct waitnode;

enum thread_state { T_NEW, T_READY, T_RUNNING, T_BLOCKED, T_DEAD };

enum block_kind {
	BLOCK_NONE,
	BLOCK_SLEEP,		/* sleep(): only the timeout wakes it */
	BLOCK_SEND,		/* call: queued on ep->senders */
	BLOCK_REPLY,		/* call: message taken, waiting for the reply */
	BLOCK_RECV,		/* recv: queued on ep->receivers */
	BLOCK_NOTIF,		/* notif_wait / wait_many: on waitnodes */
};

struct ipc_msg {
	uint64_t tag;
	uint64_t w[6];
};

struct thread {
	struct kobject obj;
	struct process *proc;		/* counted reference */
	struct list_head proc_link;	/* in proc->threads */
	enum thread_state state;
	bool killed;			/* die at the next kernel exit */
	bool interrupt;			/* enter the library OS before user code runs */
	bool full_restore;		/* return to user with iretq */
	uint8_t prio;
	uint8_t slice;			/* ticks left */
	int cpu;			/* last CPU it ran on */
	struct list_head rq_link;	/* in a run queue */

	uint64_t kstack;		/* base of KSTACK_SIZE bytes (kstack.h) */
	uint64_t ksp;			/* saved kernel rsp while switched out */
	struct trapframe *tf;		/* user state at the top of kstack */
	void *fpu;
	uint64_t fs_base, gs_base;	/* user segment bases */

	uint64_t utcb_va;		/* user address of the UTCB */
	uint64_t utcb_pa;
	struct sk_utcb *utcb;		/* kernel view (direct map) */

	/* Blocking. */
	enum block_kind block;
	struct list_head wait_link;	/* in an endpoint queue */
	struct endpoint *wait_ep;	/* endpoint of BLOCK_SEND/BLOCK_RECV */
	uint64_t deadline;		/* ns since boot, 0 = none */
	struct list_head timer_link;	/* in the timeout list */
	int64_t wake_result;		/* SK_OK or an encoded error */
	struct waitnode *waitnodes;	/* BLOCK_NOTIF */
	uint32_t nwaitnodes;

	/* IPC. */
	struct ipc_msg msg;		/* message in flight */
	uint64_t send_badge;		/* badge of the handle used to call */
	struct thread *caller;		/* client this thread must reply to */
	struct thread *callee;		/* server holding this thread's call */
	bool fault_call;		/* the call in flight is a fault message */
	bool long_msg;			/* the message has a payload/handles */
	/*
	 * The payload of the request this thread owes a reply to, when its
	 * delivery was deferred (SK_RCV_DEFER): the caller's address and
	 * length, for ipc_pull. pull_len is 0 for any other request.
	 */
	uint64_t pull_buf;
	uint32_t pull_len;

	struct list_head watchers;	/* struct watch: notify on death */
	int64_t exit_code;
};

extern struct list_head timeouts;

struct thread *thread_create(struct process *p, uint64_t entry, uint64_t stack,
    uint64_t arg, uint64_t utcb_va, uint8_t prio, int *err);
struct thread *thread_create_idle(int cpu);
void thread_start(struct thread *t);
void thread_reap(struct thread *t);		/* after it switched away for good */
void thread_kill(struct thread *t);		/* async, any state */
__attribute__((noreturn)) void thread_exit_current(void);

/*
 * Block the current thread with kind k until thread_wake() or the
 * deadline (0 = none). Returns the wake result. The caller has already
 * put the thread on whatever queue k implies.
 */
int64_t thread_block(enum block_kind k, uint64_t deadline);
void thread_wake(struct thread *t, int64_t result);
void timeouts_expire(uint64_t now);
uint64_t deadline_from_timeout(uint64_t timeout_ns);
/*
 * Put t, which is about to block, on the timeout list: at deadline (ns
 * since boot) its wait is cancelled and it wakes with SK_E_TIMEOUT.
 */
void timer_add(struct thread *t, uint64_t deadline);

static inline struct thread *current_thread(void);

/* kernel_exit_checks' work when there is any: kill, resched, TLB flush. */
void kernel_exit_work(void);

#include "kernel/cpu.h"
static inline struct thread *current_thread(void) { return this_cpu()->current; }

/*
 * Called on the way back to user mode (BKL held): a killed thread dies,
 * a reschedule and a requested TLB flush happen. Inline, so that an exit
 * with nothing to do costs three tests.
 */
static inline void
kernel_exit_checks(void)
{
	struct cpu *c = this_cpu();

	if (c->current->killed || c->need_resched || c->tlb_flush)
		kernel_exit_work();
}

#endif
