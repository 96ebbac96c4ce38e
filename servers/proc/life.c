/*
 * Birth and death: spawn, attach, fork, exec, exit, wait, and kernel
 * processes that end without saying so.
 */
#include "servers/proc/proc.h"

/* Free a zombie's slot; free slots at the end of the table leave procs_end. */
void
proc_reap(struct lproc *p)
{
	if (p->spawn_notif != 0)
		sk_handle_close(p->spawn_notif);
	memset(p, 0, sizeof(*p));
	while (procs_end > 0 && procs[procs_end - 1].state == P_FREE)
		procs_end--;
}

/*
 * p ended with wait status status: it becomes a zombie, its children go
 * to pid 1 (which reaps them itself), and its parent hears of it (or, if
 * the parent is pid 1 or ignores SIGCHLD, the slot is freed at once).
 */
/*
 * Process groups whose orphaning p's death may cause: its own and its
 * children's (p may have been the one member, or the parent, that tied
 * them to their session). Up to MAX_CAND, each with whether it was
 * orphaned before.
 */
#define MAX_CAND	16
struct cand {
	uint32_t pgid, sid;
	int was;
};

static int
candidates(const struct lproc *p, struct cand *c)
{
	int n = 0;

	for (int i = -1; i < procs_end && n < MAX_CAND; i++) {
		const struct lproc *m = i < 0 ? p : &procs[i];
		int dup = 0;

		if (i >= 0 && (m->ppid != p->pid || (m->state != P_RUN && m->state != P_STOPPED)))
			continue;
		for (int k = 0; k < n; k++)
			dup |= c[k].pgid == m->pgid && c[k].sid == m->sid;
		if (dup)
			continue;
		c[n].pgid = m->pgid;
		c[n].sid = m->sid;
		c[n].was = pgrp_orphaned(procs, procs_end, m->pgid, m->sid);
		n++;
	}
	return n;
}

/*
 * POSIX: a group newly orphaned with a stopped member gets SIGHUP, then
 * SIGCONT, in every member, so its stopped jobs do not wait forever for
 * a shell that is gone.
 */
static void
hang_up_orphans(const struct cand *c, int n)
{
	for (int k = 0; k < n; k++) {
		if (c[k].was || !pgrp_orphaned(procs, procs_end, c[k].pgid, c[k].sid) ||
		    !pgrp_has_stopped(procs, procs_end, c[k].pgid, c[k].sid))
			continue;
		for (int i = 0; i < procs_end; i++) {
			struct lproc *m = &procs[i];

			if ((m->state == P_RUN || m->state == P_STOPPED) && m->pgid == c[k].pgid &&
			    m->sid == c[k].sid) {
				sig_post(m, 1, 0, 0, 0x80, 0);		/* SIGHUP, SI_KERNEL */
				sig_post(m, 18, 0, 0, 0x80, 0);		/* SIGCONT */
			}
		}
	}
}

void
proc_died(struct lproc *p, uint32_t status)
{
	struct lproc *parent;
	struct cand cand[MAX_CAND];
	uint32_t code;
	int ncand;

	if (p->state == P_ZOMBIE || p->state == P_FREE)
		return;
	ncand = candidates(p, cand);
	p->state = P_ZOMBIE;
	p->status = status;
	p->pending = 0;
	p->alarm_at = 0;
	if (p->kproc != 0) {
		sk_proc_kill(p->kproc, (int64_t)status);
		sk_handle_close(p->kproc);
		p->kproc = 0;
	}
	if (p->notif != 0) {
		sk_handle_close(p->notif);
		p->notif = 0;
	}
	if (p->as != 0) {
		sk_handle_close(p->as);
		p->as = 0;
	}
	for (int i = 0; i < procs_end; i++) {
		struct lproc *c = &procs[i];

		if (c->state == P_FREE || c->ppid != p->pid || c == p)
			continue;
		c->ppid = 1;
		if (c->state == P_ZOMBIE && c->spawn_notif == 0)
			proc_reap(c);
		else
			wake(c, PROC_NOTE_IDS);
	}
	hang_up_orphans(cand, ncand);
	if (p->spawn_notif != 0) {
		/* init started it and waits for it (op_wait_init). */
		sk_notif_signal(p->spawn_notif, p->spawn_bits);
		return;
	}
	parent = by_pid(p->ppid);
	if (parent == NULL || parent->state == P_ZOMBIE || (parent->ignored & (1ull << 16))) {
		proc_reap(p);
		return;
	}
	code = (status & 0x7f) == 0 ? 1 : (status & 0x80) ? 3 : 2;	/* CLD_EXITED/KILLED/DUMPED */
	sig_post(parent, 17, p->pid, p->ruid, code, (status & 0x7f) == 0 ? status >> 8 : status & 0x7f);
	note(parent, PROC_NOTE_CHILD);
}

/* After the reaper's word: find the kernel processes that ended. */
void
reap_scan(void)
{
	for (int i = 0; i < procs_end; i++) {
		struct lproc *p = &procs[i];
		struct sk_proc_info info;
		uint32_t st;

		if ((p->state != P_RUN && p->state != P_STOPPED) || p->kproc == 0)
			continue;
		if (sk_proc_info(p->kproc, &info) < 0 || info.state == SK_PROC_RUNNING)
			continue;
		/* The libos ends with the wait status as exit code (l_exit). */
		if (info.state == SK_PROC_FAULTED)
			st = status_signaled(11);
		else if (info.exit_code >= 0 && info.exit_code <= 0xffff)
			st = (uint32_t)info.exit_code;
		else
			st = status_signaled(9);
		proc_died(p, st);
	}
}

/* A handle and the payload that came with a request. */
static sk_handle_t
take_handle(const struct sk_utcb *u, const struct sk_msg *m)
{
	if (!(m->tag & SK_TAG_LONG) || u->rcv_nh < 1)
		return 0;
	return u->rcv_h[0];
}

/*
 * Whether k can be the kernel process of a Linux process: a process
 * handle with the rights proc uses (read its state, watch, kill and
 * manage it) that runs no other Linux process. 0 or the error to answer.
 */
static int64_t
check_kproc(sk_handle_t k)
{
	struct sk_handle_info hi;

	if (k == 0)
		return SK_ERRVAL(SK_E_INVAL, 0);
	if (sk_handle_info(k, &hi) < 0 || hi.type != SK_OBJ_PROCESS)
		return SK_ERRVAL(SK_E_WRONGTYPE, 0);
	if ((hi.rights & (SK_R_READ | SK_R_MANAGE)) != (SK_R_READ | SK_R_MANAGE))
		return SK_ERRVAL(SK_E_RIGHTS, 0);
	if (by_koid(hi.koid) != NULL)
		return SK_ERRVAL(SK_E_EXISTS, 0);
	return 0;
}

/* Whether n is a notification proc may signal: 0 or the error to answer. */
static int64_t
check_notif(sk_handle_t n)
{
	struct sk_handle_info hi;

	if (n == 0)
		return SK_ERRVAL(SK_E_INVAL, 0);
	if (sk_handle_info(n, &hi) < 0 || hi.type != SK_OBJ_NOTIFICATION)
		return SK_ERRVAL(SK_E_WRONGTYPE, 0);
	if (!(hi.rights & SK_R_SIGNAL))
		return SK_ERRVAL(SK_E_RIGHTS, 0);
	return 0;
}

int64_t
op_spawn(uint64_t badge, const struct sk_msg *m, const struct sk_utcb *u)
{
	sk_handle_t k = take_handle(u, m);
	struct lproc *p;
	int64_t e;

	if (SK_SVC_OF_BADGE(badge) == SVC_NONE)
		return SK_ERRVAL(SK_E_PERM, 0);
	if ((e = check_kproc(k)) < 0)
		return e;
	if (u->rcv_nh >= 2 && (e = check_notif(u->rcv_h[1])) < 0)
		return e;
	if ((p = proc_new()) == NULL)
		return SK_ERRVAL(SK_E_LIMIT, 0);
	p->kproc = k;
	if (u->rcv_nh >= 2) {
		p->spawn_notif = u->rcv_h[1];
		p->spawn_bits = m->w[1] != 0 ? m->w[1] : PROC_NOTE_CHILD;
	}
	p->ppid = m->w[0] != 0 && by_pid((uint32_t)m->w[0]) != NULL ? (uint32_t)m->w[0] : 1;
	p->pgid = p->sid = p->pid;
	strlcpy(p->cwd, "/", sizeof(p->cwd));
	proc_set_cmd(p, (const char *)u->rcv_buf, (m->tag & SK_TAG_LONG) ? u->rcv_len : 0);
	proc_watch(p);
	return p->pid;
}

/* Whether as is 0 or a read-only address space: 0 or the error to answer. */
static int64_t
check_as(sk_handle_t as)
{
	struct sk_handle_info hi;

	if (as != 0 && (sk_handle_info(as, &hi) < 0 || hi.type != SK_OBJ_ASPACE ||
	    (hi.rights & ~(uint32_t)(SK_R_READ | SK_R_DUP | SK_R_TRANSFER)) != 0))
		return SK_ERRVAL(SK_E_INVAL, 0);
	return 0;
}

int64_t
op_attach(struct lproc *p, const struct sk_utcb *u, struct sk_msg *m)
{
	sk_handle_t n = take_handle(u, m), as = u->rcv_nh >= 2 ? u->rcv_h[1] : 0;
	int64_t e;

	if ((e = check_notif(n)) < 0 || (e = check_as(as)) < 0)
		return e;
	if (p->notif != 0)
		sk_handle_close(p->notif);
	p->notif = n;
	if (p->as != 0)
		sk_handle_close(p->as);
	p->as = as;
	if (p->pending & ~p->blocked)
		wake(p, PROC_NOTE_SIGNAL);
	m->w[1] = p->ppid;
	m->w[2] = p->pgid;
	m->w[3] = p->sid;
	return p->pid;
}

/*
 * A new child of p. With handles [1] and [2] (the child's event
 * notification and, optionally, its address space read-only) the child
 * is attached at once, as PROC_ATTACH would attach it, and the reply
 * carries what that reply would: w1 = ppid, w2 = pgid, w3 = sid.
 */
int64_t
op_fork(struct lproc *p, struct sk_msg *m, const struct sk_utcb *u)
{
	sk_handle_t k = take_handle(u, m);
	sk_handle_t nt = u->rcv_nh >= 2 ? u->rcv_h[1] : 0, as = u->rcv_nh >= 3 ? u->rcv_h[2] : 0;
	struct lproc *c;
	int64_t e;
	int n = 0;

	if ((e = check_kproc(k)) < 0)
		return e;
	if (nt != 0 && (e = check_notif(nt)) < 0)
		return e;
	if (as != 0 && (nt == 0 || (e = check_as(as)) < 0))
		return nt == 0 ? SK_ERRVAL(SK_E_INVAL, 0) : e;
	for (int i = 0; i < procs_end; i++)
		if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE &&
		    procs[i].ruid == p->ruid)
			n++;
	if (p->euid != 0 && (uint64_t)n >= p->rlim_cur[6])
		return SK_ERRVAL(SK_E_LIMIT, 0);
	if ((c = proc_new()) == NULL)
		return SK_ERRVAL(SK_E_LIMIT, 0);
	uint32_t pid = c->pid;
	uint64_t start = c->start_ns;

	*c = *p;		/* ids, group, session, limits, dispositions, names */
	c->pid = pid;
	c->start_ns = start;
	c->ppid = p->pid;
	c->state = P_RUN;
	c->kproc = k;
	c->notif = nt;
	c->as = as;
	c->pending = 0;
	c->alarm_at = c->alarm_every = 0;
	c->report_stop = c->report_cont = c->exited = 0;
	c->spawn_notif = 0;
	proc_watch(c);
	m->w[1] = c->ppid;
	m->w[2] = c->pgid;
	m->w[3] = c->sid;
	return c->pid;
}

int64_t
op_exec(struct lproc *p, const struct sk_utcb *u)
{
	sk_handle_t k = u->rcv_nh >= 1 ? u->rcv_h[0] : 0;
	int64_t e;

	if ((e = check_kproc(k)) < 0)
		return e;
	/* The old kernel process ends by itself; it is no longer watched. */
	if (p->kproc != 0)
		sk_handle_close(p->kproc);
	p->kproc = k;
	if (p->as != 0)		/* the new program attaches its own */
		sk_handle_close(p->as);
	p->as = 0;
	p->caught = 0;
	proc_set_cmd(p, (const char *)u->rcv_buf, u->rcv_len);
	proc_watch(p);
	return 0;
}

int64_t
op_exit(struct lproc *p, const struct sk_msg *m)
{
	p->exited = 1;
	proc_died(p, (uint32_t)m->w[0] & 0xffff);
	return 0;
}

#define WNOHANG		1
#define WUNTRACED	2
#define WCONTINUED	8
#define WNOWAIT		0x01000000

int64_t
op_wait(struct lproc *p, struct sk_msg *m)
{
	int64_t sel = (int64_t)m->w[0];
	uint64_t opt = m->w[1];
	int any = 0;

	if (opt & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT | PROC_WAIT_NOEXIT))
		return SK_ERRVAL(SK_E_INVAL, 2);
	for (int i = 0; i < procs_end; i++) {
		struct lproc *c = &procs[i];
		uint32_t pid = c->pid;

		if (c->state == P_FREE || c->ppid != p->pid || !wait_matches(c, sel, p->pgid))
			continue;
		any = 1;
		m->w[4] = c->ruid;
		if (c->state == P_ZOMBIE && !(opt & PROC_WAIT_NOEXIT)) {
			m->w[1] = c->status;
			m->w[2] = m->w[3] = 0;
			if (!(opt & WNOWAIT))
				proc_reap(c);
			return pid;
		}
		if ((opt & WUNTRACED) && c->report_stop && c->state == P_STOPPED) {
			m->w[1] = c->status;
			if (!(opt & WNOWAIT))
				c->report_stop = 0;
			return pid;
		}
		if ((opt & WCONTINUED) && c->report_cont) {
			m->w[1] = 0xffff;
			if (!(opt & WNOWAIT))
				c->report_cont = 0;
			return pid;
		}
	}
	if (!any)
		return SK_ERRVAL(SK_E_CHILD, 1);
	return (opt & WNOHANG) ? 0 : SK_ERRVAL(SK_E_AGAIN, 0);
}

/* init (a service) waits for a process it spawned: w0 = pid, never blocks. */
int64_t
op_wait_init(struct sk_msg *m)
{
	struct lproc *p = by_pid((uint32_t)m->w[0]);
	uint32_t pid;

	if (p == NULL || p->spawn_notif == 0)
		return SK_ERRVAL(SK_E_CHILD, 1);
	if (p->state != P_ZOMBIE)
		return 0;
	pid = p->pid;
	m->w[1] = p->status;
	proc_reap(p);
	return pid;
}
