/*
 * Processes: a handle table, an address space, a credential, a privilege
 * mask and a set of threads. A process is RUNNING until its last thread
 * dies or it is killed; then its handles and address space are released
 * and watchers are notified, while the object itself lives on as long as
 * handles to it exist (so its exit status can be read).
 */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include "kernel/object.h"
#include "kernel/handle.h"
#include "kernel/list.h"
#include "abi/skiff/info.h"

struct aspace;
struct cred;
struct endpoint;
struct notif;

/* A notification to signal when a process or thread dies. */
struct watch {
	struct list_head link;
	struct notif *notif;	/* counted reference */
	uint64_t bits;
};

struct process {
	struct kobject obj;
	char name[32];
	uint32_t state;			/* enum sk_proc_state */
	int64_t exit_code;
	uint64_t fault_addr;
	uint32_t privs;			/* SK_PRIV_* */
	struct handle_table handles;
	struct aspace *as;		/* counted; NULL after exit */
	struct cred *cred;		/* counted */
	struct list_head threads;
	uint32_t nthreads;
	struct endpoint *fault_ep;	/* counted, or NULL */
	uint64_t fault_badge;
	uint64_t reflect_entry;		/* 0 = no library OS registered */
	uint64_t reflect_leave;		/* its user-mode return (reflect.c) */
	uint64_t reflect_leave_len;	/* bytes; 0 = none */
	uint8_t *iomap;			/* 8 KiB I/O bitmap (1 = denied), or NULL */
	uint32_t iomap_gen;		/* bumped on every change of iomap */
	struct list_head watchers;
};

struct process *process_create(struct aspace *as, const char *name,
    uint32_t privs, struct cred *cred, int *err);
/* End the process: kill its threads; it finishes when the last one dies. */
void process_terminate(struct process *p, uint32_t state, int64_t code,
    uint64_t fault_addr);
/* The last thread of p died: release everything and notify watchers. */
void process_finish(struct process *p);
void watchers_fire(struct list_head *watchers);
void watchers_clear(struct list_head *watchers);

static inline struct process *current_process(void);
#include "kernel/thread.h"
static inline struct process *current_process(void) { return current_thread()->proc; }

#endif
