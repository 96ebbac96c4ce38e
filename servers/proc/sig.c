/*
 * Signals: posting (with the default actions proc carries out itself),
 * kill, taking pending signals, dispositions, stops and alarms.
 */
#include "servers/proc/proc.h"

#define BIT(s)		(1ull << ((s) - 1))
#define SIGKILL		9
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define STOPS		(BIT(19) | BIT(20) | BIT(21) | BIT(22))

void
note(struct lproc *p, uint64_t bits)
{
	if (p->notif != 0)
		sk_notif_signal(p->notif, bits);
}

/*
 * note(), and make p's threads enter their libos before they next run
 * program code (or when they leave the libos, if they are in it). The
 * libos does not look at its event notification at the end of every
 * call; this is how it learns of a signal it must act on, or of a change
 * to the ids it caches, at once.
 */
void
wake(struct lproc *p, uint64_t bits)
{
	note(p, bits);
	if (p->kproc != 0)
		sk_proc_interrupt(p->kproc);
}

/*
 * Make signal sig pending for p, or act on it at once: SIGKILL and
 * uncaught, unblocked default-terminate signals end the process here;
 * ignored ones are dropped; SIGCONT continues a stopped process. Caught,
 * blocked and stop signals wait for the process's libos, which is told
 * through the event notification and, for a thread busy in user code,
 * by proc_interrupt.
 */
void
sig_post(struct lproc *p, int sig, uint32_t pid, uint32_t uid, uint32_t code, uint32_t status)
{
	uint64_t b = BIT(sig);
	int caught = (p->caught & b) != 0;

	if (p->state == P_ZOMBIE || p->state == P_FREE || sig < 1 || sig > NSIG)
		return;
	if (sig == SIGKILL) {
		proc_died(p, status_signaled(SIGKILL));
		return;
	}
	if (sig == SIGCONT) {
		p->pending &= ~STOPS;
		if (p->state == P_STOPPED) {
			struct lproc *parent = by_pid(p->ppid);

			p->state = P_RUN;
			p->report_cont = 1;
			note(p, PROC_NOTE_SIGNAL);
			if (parent != NULL && parent->state != P_ZOMBIE) {
				sig_post(parent, SIGCHLD, p->pid, p->ruid, 6, SIGCONT);	/* CLD_CONTINUED */
				note(parent, PROC_NOTE_CHILD);
			}
		}
	}
	if (b & STOPS)
		p->pending &= ~BIT(SIGCONT);
	if ((p->ignored & b) && sig != SIGSTOP)
		return;
	if (!caught && sig_default_ignored(sig))
		return;
	if (!caught && !(p->blocked & b) && !(b & STOPS) && !sig_default_ignored(sig)) {
		proc_died(p, status_signaled(sig));
		return;
	}
	p->pending |= b;
	p->si[sig - 1].pid = pid;
	p->si[sig - 1].uid = uid;
	p->si[sig - 1].code = code;
	p->si[sig - 1].status = status;
	if (!(p->blocked & b) || sig == SIGSTOP)
		wake(p, PROC_NOTE_SIGNAL);
}

int64_t
op_kill(struct lproc *caller, uint64_t badge, const struct sk_msg *m, const struct sk_utcb *u)
{
	int64_t sel = (int64_t)m->w[0];
	int sig = (int)m->w[1], found = 0, allowed = 0;
	int service = SK_SVC_OF_BADGE(badge) != SVC_NONE;
	uint32_t pid = caller != NULL ? caller->pid : 0, sid = caller != NULL ? caller->sid : 0;
	const struct sk_cred *c = &u->sender.cred;

	if (m->w[1] > NSIG)
		return SK_ERRVAL(SK_E_INVAL, 2);
	if (caller == NULL && !service)
		return SK_ERRVAL(SK_E_SRCH, 0);
	if (sel == 0 && caller == NULL)
		return SK_ERRVAL(SK_E_INVAL, 1);
	if (sel == 1 || sel == INT64_MIN)
		return SK_ERRVAL(SK_E_SRCH, 1);	/* pid 1 is init, not a Linux process */
	for (int i = 0; i < procs_end; i++) {
		struct lproc *t = &procs[i];

		if (t->state == P_FREE)
			continue;
		if (sel > 0 && t->pid != (uint64_t)sel)
			continue;
		if (sel == 0 && t->pgid != caller->pgid)
			continue;
		if (sel == -1 && t == caller)
			continue;
		if (sel < -1 && t->pgid != (uint64_t)-sel)
			continue;
		found++;
		if (!service && !may_kill(t, c->ruid, c->euid, sid, sig))
			continue;
		allowed++;
		if (sig != 0)
			sig_post(t, sig, pid, c->ruid, 0, 0);	/* SI_USER */
	}
	if (found == 0)
		return SK_ERRVAL(SK_E_SRCH, 1);
	return allowed > 0 ? 0 : SK_ERRVAL(SK_E_PERM, 0);
}

int64_t
op_sigtake(struct lproc *p, struct sk_msg *m)
{
	uint64_t ready = p->pending & (~m->w[0] | BIT(SIGKILL) | BIT(SIGSTOP));

	for (int s = 1; s <= NSIG; s++) {
		if (!(ready & BIT(s)))
			continue;
		p->pending &= ~BIT(s);
		m->w[1] = p->si[s - 1].pid;
		m->w[2] = p->si[s - 1].uid;
		m->w[3] = p->si[s - 1].code;
		m->w[4] = p->si[s - 1].status;
		return s;
	}
	return 0;
}

int64_t
op_sigstate(struct lproc *p, const struct sk_msg *m)
{
	p->caught = m->w[0];
	p->ignored = m->w[1];
	p->blocked = m->w[2] & ~(BIT(SIGKILL) | BIT(SIGSTOP));
	p->pending &= ~(p->ignored & ~BIT(SIGSTOP));
	if (p->pending & ~p->blocked)
		wake(p, PROC_NOTE_SIGNAL);
	return 0;
}

int64_t
op_stopped(struct lproc *p, const struct sk_msg *m)
{
	struct lproc *parent = by_pid(p->ppid);
	int sig = (int)m->w[0];

	if (sig < 1 || sig > NSIG)
		return SK_ERRVAL(SK_E_INVAL, 1);
	if (p->pending & BIT(SIGCONT)) {
		/* SIGCONT came first: do not stop. */
		p->pending &= ~BIT(SIGCONT);
		wake(p, PROC_NOTE_SIGNAL);
		return 0;
	}
	p->state = P_STOPPED;
	p->status = ((uint32_t)sig << 8) | 0x7f;
	p->report_stop = 1;
	if (parent != NULL && parent->state != P_ZOMBIE) {
		sig_post(parent, SIGCHLD, p->pid, p->ruid, 5, (uint32_t)sig);	/* CLD_STOPPED */
		note(parent, PROC_NOTE_CHILD);
	}
	return 0;
}

int64_t
op_alarm(struct lproc *p, const struct sk_msg *m)
{
	uint64_t now = (uint64_t)sk_clock(), left = 0;

	if (p->alarm_at > now)
		left = p->alarm_at - now;
	p->alarm_at = m->w[0] != 0 ? now + m->w[0] : 0;
	p->alarm_every = m->w[0] != 0 ? m->w[1] : 0;
	return (int64_t)left;
}

/* Fire due alarms; returns ns until the next one (SK_FOREVER: none). */
uint64_t
alarms_run(void)
{
	uint64_t now = (uint64_t)sk_clock(), next = SK_FOREVER;

	for (int i = 0; i < procs_end; i++) {
		struct lproc *p = &procs[i];

		if (p->alarm_at == 0 || (p->state != P_RUN && p->state != P_STOPPED))
			continue;
		if (p->alarm_at <= now) {
			p->alarm_at = p->alarm_every ? now + p->alarm_every : 0;
			sig_post(p, 14, 0, 0, 0x80, 0);	/* SIGALRM, SI_KERNEL */
			if (p->alarm_at == 0 || p->state == P_FREE)
				continue;
		}
		if (p->alarm_at - now < next)
			next = p->alarm_at - now;
	}
	return next;
}
