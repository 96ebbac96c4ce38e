/*
 * proc: the Linux process manager (abi/skiff/proto/proc.h). One table of
 * Linux processes; each is one kernel process at a time (exec moves it).
 * The pure rules (which child a wait matches, what a signal does by
 * default, wait status words) live in rules.c so the host test runs them.
 *
 * Threads: the main thread serves requests; a reaper thread waits for
 * watched kernel processes to end and tells the main thread with a call
 * on proc's own endpoint (badge REAP_BADGE), so the table has one owner.
 */
#ifndef SERVERS_PROC_H
#define SERVERS_PROC_H

#include "sk.h"
#include <stddef.h>
#include "abi/skiff/proto/exec.h"
#include "abi/skiff/proto/proc.h"
#include "abi/skiff/proto/svc.h"

#define MAX_PROCS	1024
#define NSIG		64
#define NRLIM		16

enum pstate { P_FREE = 0, P_RUN, P_STOPPED, P_ZOMBIE };

struct siginfo_rec {
	uint32_t pid, uid, code, status;
};

struct lproc {
	enum pstate state;
	uint32_t pid, ppid, pgid, sid;
	uint64_t koid;			/* the kernel process now running it */
	sk_handle_t kproc;		/* handle to it (0 once dead) */
	sk_handle_t notif;		/* its event notification (PROC_ATTACH) */
	sk_handle_t as;			/* its address space, read only (PROC_ATTACH) */
	uint32_t status;		/* wait status once a zombie */
	int report_stop, report_cont;	/* for WUNTRACED / WCONTINUED */
	int exited;			/* PROC_EXIT came: the death is not a crash */
	sk_handle_t spawn_notif;	/* init's: signalled when it ends (kept a zombie) */
	uint64_t spawn_bits;
	uint64_t pending, caught, ignored, blocked;
	struct siginfo_rec si[NSIG];
	uint32_t ruid, euid, suid, rgid, egid, sgid;
	uint32_t ngroups, groups[SK_NGROUPS];
	uint64_t rlim_cur[NRLIM], rlim_max[NRLIM];
	uint64_t alarm_at, alarm_every;	/* ns since boot; 0: none */
	uint64_t start_ns;
	char exe[256], cwd[256], cmdline[512];
	uint32_t cmdlen;
};

/*
 * The table. Every slot from procs_end on is free, so a scan for
 * processes in use stops there; proc_new raises it and proc_reap lowers
 * it past the free slots at the end.
 */
extern struct lproc procs[MAX_PROCS];
extern int procs_end;

/* rules.c: pure. */
int wait_matches(const struct lproc *child, int64_t sel, uint32_t caller_pgid);
int sig_default_ignored(int sig);
int sig_default_stops(int sig);
int sig_default_core(int sig);
uint32_t status_exited(uint32_t code);
uint32_t status_signaled(int sig);
int may_kill(const struct lproc *t, uint32_t ruid, uint32_t euid, uint32_t sid, int sig);
int setres_ok(uint32_t cur_r, uint32_t cur_e, uint32_t cur_s, uint32_t want, int privileged);
/*
 * Over the n slots of table t: whether process group pgid of session sid
 * is orphaned (no live member has a live parent in another group of the
 * same session; a group with no live member counts as orphaned), and
 * whether a member of it is stopped.
 */
int pgrp_orphaned(const struct lproc *t, int n, uint32_t pgid, uint32_t sid);
int pgrp_has_stopped(const struct lproc *t, int n, uint32_t pgid, uint32_t sid);

/* table.c */
struct lproc *by_pid(uint32_t pid);
struct lproc *by_koid(uint64_t koid);
struct lproc *proc_new(void);
void proc_watch(struct lproc *p);
void proc_set_cmd(struct lproc *p, const char *payload, uint32_t len);

/* life.c */
void proc_died(struct lproc *p, uint32_t status);
void proc_reap(struct lproc *p);
void reap_scan(void);
int64_t op_spawn(uint64_t badge, const struct sk_msg *m, const struct sk_utcb *u);
int64_t op_attach(struct lproc *p, const struct sk_utcb *u, struct sk_msg *m);
int64_t op_fork(struct lproc *p, struct sk_msg *m, const struct sk_utcb *u);
int64_t op_exec(struct lproc *p, const struct sk_utcb *u);
int64_t op_exit(struct lproc *p, const struct sk_msg *m);
int64_t op_wait(struct lproc *p, struct sk_msg *m);
int64_t op_wait_init(struct sk_msg *m);

/* sig.c */
void sig_post(struct lproc *p, int sig, uint32_t pid, uint32_t uid, uint32_t code,
    uint32_t status);
void note(struct lproc *p, uint64_t bits);
void wake(struct lproc *p, uint64_t bits);
int64_t op_kill(struct lproc *caller, uint64_t badge, const struct sk_msg *m,
    const struct sk_utcb *u);
int64_t op_sigtake(struct lproc *p, struct sk_msg *m);
int64_t op_sigstate(struct lproc *p, const struct sk_msg *m);
int64_t op_stopped(struct lproc *p, const struct sk_msg *m);
int64_t op_alarm(struct lproc *p, const struct sk_msg *m);
uint64_t alarms_run(void);

/* id.c */
int64_t op_ids(struct lproc *p, uint32_t label, struct sk_msg *m, const struct sk_utcb *u);
int64_t op_settime(struct lproc *p, const struct sk_msg *m);
int64_t op_info(const struct sk_msg *m, char *out, uint32_t *len);
int64_t op_fds(struct sk_msg *m, char *out, uint32_t *len);

#endif
