/*
 * proc's pure rules: no system calls (tests/host/test_proc.c).
 */
#include "servers/proc/proc.h"

/* Whether child is selected by wait's pid selector sel (Linux's rules). */
int
wait_matches(const struct lproc *c, int64_t sel, uint32_t caller_pgid)
{
	if (sel > 0)
		return c->pid == (uint32_t)sel;
	if (sel == 0)
		return c->pgid == caller_pgid;
	if (sel == -1)
		return 1;
	return c->pgid == (uint32_t)-sel;
}

static const struct lproc *
find(const struct lproc *t, int n, uint32_t pid)
{
	for (int i = 0; i < n; i++)
		if (t[i].state != P_FREE && t[i].pid == pid)
			return &t[i];
	return NULL;
}

static int
live(const struct lproc *p)
{
	return p->state == P_RUN || p->state == P_STOPPED;
}

int
pgrp_orphaned(const struct lproc *t, int n, uint32_t pgid, uint32_t sid)
{
	for (int i = 0; i < n; i++) {
		const struct lproc *m = &t[i], *q;

		if (!live(m) || m->pgid != pgid || m->sid != sid)
			continue;
		q = find(t, n, m->ppid);
		if (q != NULL && live(q) && q->pgid != pgid && q->sid == sid)
			return 0;
	}
	return 1;
}

int
pgrp_has_stopped(const struct lproc *t, int n, uint32_t pgid, uint32_t sid)
{
	for (int i = 0; i < n; i++)
		if (t[i].state == P_STOPPED && t[i].pgid == pgid && t[i].sid == sid)
			return 1;
	return 0;
}

int
sig_default_ignored(int s)
{
	return s == 17 || s == 18 || s == 23 || s == 28;	/* CHLD CONT URG WINCH */
}

int
sig_default_stops(int s)
{
	return s == 19 || s == 20 || s == 21 || s == 22;	/* STOP TSTP TTIN TTOU */
}

int
sig_default_core(int s)
{
	/* QUIT ILL TRAP ABRT BUS FPE SEGV XCPU XFSZ SYS */
	return s == 3 || s == 4 || s == 5 || s == 6 || s == 7 || s == 8 || s == 11 ||
	    s == 24 || s == 25 || s == 31;
}

uint32_t
status_exited(uint32_t code)
{
	return (code & 0xff) << 8;
}

uint32_t
status_signaled(int sig)
{
	return (uint32_t)sig | (sig_default_core(sig) ? 0x80 : 0);
}

/*
 * kill(2) permission: root, a real or effective uid equal to the target's
 * real or saved uid, or SIGCONT within the same session.
 */
int
may_kill(const struct lproc *t, uint32_t ruid, uint32_t euid, uint32_t sid, int sig)
{
	if (euid == 0)
		return 1;
	if (ruid == t->ruid || ruid == t->suid || euid == t->ruid || euid == t->suid)
		return 1;
	return sig == 18 && sid == t->sid;
}

/* setresuid(2): an unprivileged caller may only pick among its own ids. */
int
setres_ok(uint32_t r, uint32_t e, uint32_t s, uint32_t want, int privileged)
{
	return want == ~0u || privileged || want == r || want == e || want == s;
}
