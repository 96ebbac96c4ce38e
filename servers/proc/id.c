/*
 * Ids, groups and sessions, credentials, limits, the current directory
 * and the information procfs and ps read.
 */
#include "servers/proc/proc.h"

/* Give p's kernel process a credential with p's ids. */
static int64_t
apply_cred(struct lproc *p)
{
	struct sk_cred c;
	int64_t h, r;

	memset(&c, 0, sizeof(c));
	c.ruid = p->ruid; c.euid = p->euid; c.suid = p->suid;
	c.rgid = p->rgid; c.egid = p->egid; c.sgid = p->sgid;
	c.ngroups = p->ngroups;
	memcpy(c.groups, p->groups, sizeof(c.groups));
	if ((h = sk_cred_create(&c)) < 0)
		return h;
	r = p->kproc != 0 ? sk_proc_set_cred(p->kproc, (sk_handle_t)h) : 0;
	sk_handle_close((sk_handle_t)h);
	return r;
}

static int64_t
setres(struct lproc *p, int gid, const struct sk_msg *m)
{
	uint32_t *r = gid ? &p->rgid : &p->ruid, *e = gid ? &p->egid : &p->euid;
	uint32_t *s = gid ? &p->sgid : &p->suid, w[3];
	int priv = p->euid == 0;

	for (int i = 0; i < 3; i++) {
		w[i] = (uint32_t)m->w[i];
		if (!setres_ok(*r, *e, *s, w[i], priv))
			return SK_ERRVAL(SK_E_PERM, i + 1);
	}
	if (w[0] != ~0u)
		*r = w[0];
	if (w[1] != ~0u)
		*e = w[1];
	if (w[2] != ~0u)
		*s = w[2];
	return apply_cred(p) < 0 ? SK_ERRVAL(SK_E_IO, 0) : 0;
}

static int
group_exists_in(uint32_t pgid, uint32_t sid)
{
	for (int i = 0; i < procs_end; i++)
		if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE &&
		    procs[i].pgid == pgid && procs[i].sid == sid)
			return 1;
	return 0;
}

/* PROC_SETTIME: root sets the kernel's wall clock for everyone. */
int64_t
op_settime(struct lproc *p, const struct sk_msg *m)
{
	int64_t r;

	if (p->euid != 0)
		return SK_ERRVAL(SK_E_PERM, 0);
	if ((int64_t)m->w[0] < 0)
		return SK_ERRVAL(SK_E_INVAL, 1);
	r = sk_clock_set_real((int64_t)m->w[0]);
	return r < 0 ? SK_ERRVAL(SK_ERR(r), 1) : 0;
}

int64_t
op_ids(struct lproc *p, uint32_t label, struct sk_msg *m, const struct sk_utcb *u)
{
	struct lproc *t;

	switch (label) {
	case PROC_GETIDS:
		m->w[1] = p->ppid;
		m->w[2] = p->pgid;
		m->w[3] = p->sid;
		return p->pid;
	case PROC_GETPGID:
	case PROC_GETSID:
		t = m->w[0] == 0 ? p : by_pid((uint32_t)m->w[0]);
		if (t == NULL || t->state == P_FREE)
			return SK_ERRVAL(SK_E_SRCH, 1);
		return label == PROC_GETPGID ? t->pgid : t->sid;
	case PROC_SETPGID: {
		uint32_t pgid = (uint32_t)m->w[1];

		t = m->w[0] == 0 ? p : by_pid((uint32_t)m->w[0]);
		if ((int64_t)m->w[1] < 0 || m->w[1] > 0x7fffffff)
			return SK_ERRVAL(SK_E_INVAL, 2);
		if (t == NULL || (t != p && t->ppid != p->pid))
			return SK_ERRVAL(SK_E_SRCH, 1);
		if (t->sid != p->sid || t->sid == t->pid)
			return SK_ERRVAL(SK_E_PERM, 1);
		if (pgid == 0)
			pgid = t->pid;
		if (pgid != t->pid && !group_exists_in(pgid, p->sid))
			return SK_ERRVAL(SK_E_PERM, 2);
		t->pgid = pgid;
		if (t != p)
			wake(t, PROC_NOTE_IDS);	/* its cached group is stale */
		return 0;
	}
	case PROC_SETSID:
		for (int i = 0; i < procs_end; i++)
			if (procs[i].state != P_FREE && procs[i].pgid == p->pid)
				return SK_ERRVAL(SK_E_PERM, 0);
		p->sid = p->pgid = p->pid;
		return p->sid;
	case PROC_SETRESUID:
		return setres(p, 0, m);
	case PROC_SETRESGID:
		return setres(p, 1, m);
	case PROC_SETGROUPS: {
		uint32_t len = (m->tag & SK_TAG_LONG) ? u->rcv_len : 0;

		if (p->euid != 0)
			return SK_ERRVAL(SK_E_PERM, 0);
		if (len % 4 || len / 4 > SK_NGROUPS)
			return SK_ERRVAL(SK_E_INVAL, 0);
		p->ngroups = len / 4;
		memcpy(p->groups, (const void *)u->rcv_buf, len);
		return apply_cred(p) < 0 ? SK_ERRVAL(SK_E_IO, 0) : 0;
	}
	case PROC_RLIMIT: {
		uint64_t r = m->w[0];

		if (r >= NRLIM)
			return SK_ERRVAL(SK_E_INVAL, 1);
		if (m->w[1] != ~0ull || m->w[2] != ~0ull) {
			if (m->w[1] > m->w[2])
				return SK_ERRVAL(SK_E_INVAL, 2);
			if (m->w[2] > p->rlim_max[r] && p->euid != 0)
				return SK_ERRVAL(SK_E_PERM, 3);
			p->rlim_cur[r] = m->w[1];
			p->rlim_max[r] = m->w[2];
		}
		m->w[1] = p->rlim_cur[r];
		m->w[2] = p->rlim_max[r];
		return 0;
	}
	case PROC_SETCWD: {
		uint32_t len = (m->tag & SK_TAG_LONG) ? u->rcv_len : 0;

		if (len == 0 || len > sizeof(p->cwd))
			return SK_ERRVAL(SK_E_INVAL, 0);
		memcpy(p->cwd, (const void *)u->rcv_buf, len);
		p->cwd[len - 1] = '\0';
		return 0;
	}
	default:
		return SK_ERRVAL(SK_E_NOSYS, 0);
	}
}

/*
 * PROC_FDS and PROC_FD: read the descriptor table process w0 published
 * in its own memory (exec.h). Its contents are the process's word about
 * itself: bits past the table and strings without a NUL are cut off.
 */
int64_t
op_fds(struct sk_msg *m, char *out, uint32_t *len)
{
	struct lproc *p = by_pid((uint32_t)m->w[0]);
	uint64_t open[SK_FDTAB_FDS / 64], fd = m->w[1];
	uint64_t label = SK_TAG_LABEL(m->tag);

	if (p == NULL || p->state == P_FREE || p->state == P_ZOMBIE)
		return SK_ERRVAL(SK_E_SRCH, 1);
	if (p->as == 0)
		return SK_ERRVAL(SK_E_NOENT, 1);
	if (sk_as_read(p->as, SK_LINUX_FDTAB, open, sizeof(open)) < 0)
		return SK_ERRVAL(SK_E_NOENT, 1);
	if (label == PROC_FDS) {
		for (int i = 0; i < SK_FDTAB_FDS / 64; i++)
			m->w[1 + i] = open[i];
		return 0;
	}
	if (fd >= SK_FDTAB_FDS || !(open[fd / 64] & (1ull << (fd % 64))))
		return SK_ERRVAL(SK_E_BADHANDLE, 2);
	if (sk_as_read(p->as, SK_LINUX_FDTAB + offsetof(struct sk_fdtab, target[fd]), out,
	    SK_FDTAB_TARGET) < 0)
		return SK_ERRVAL(SK_E_NOENT, 1);
	out[SK_FDTAB_TARGET - 1] = '\0';
	*len = (uint32_t)strlen(out) + 1;
	return 0;
}

static const char *
base(const char *path)
{
	const char *b = path;

	for (const char *s = path; *s != '\0'; s++)
		if (*s == '/' && s[1] != '\0')
			b = s + 1;
	return b;
}

int64_t
op_info(const struct sk_msg *m, char *out, uint32_t *len)
{
	struct proc_info *pi = (struct proc_info *)out;
	struct lproc *p = NULL;
	static const char states[] = { '?', 'R', 'T', 'Z' };

	if (m->w[0] & PROC_INFO_INDEX) {
		uint64_t n = m->w[0] & ~PROC_INFO_INDEX;

		for (int i = 0; i < procs_end; i++)
			if (procs[i].state != P_FREE && n-- == 0) {
				p = &procs[i];
				break;
			}
		if (p == NULL)
			return SK_ERRVAL(SK_E_NOENT, 1);
	} else if ((p = by_pid((uint32_t)m->w[0])) == NULL) {
		return SK_ERRVAL(SK_E_SRCH, 1);
	}
	memset(pi, 0, sizeof(*pi));
	pi->pid = p->pid;
	pi->ppid = p->ppid;
	pi->pgid = p->pgid;
	pi->sid = p->sid;
	pi->ruid = p->ruid;
	pi->euid = p->euid;
	pi->rgid = p->rgid;
	pi->egid = p->egid;
	pi->suid = p->suid;
	pi->sgid = p->sgid;
	pi->ngroups = p->ngroups;
	memcpy(pi->groups, p->groups, sizeof(pi->groups));
	pi->state = (uint32_t)states[p->state];
	if (p->state == P_RUN && p->kproc != 0) {
		struct sk_proc_info ki;

		if (sk_proc_info(p->kproc, &ki) >= 0)
			pi->nthreads = ki.nthreads;
		pi->state = 'S';
	}
	pi->start_ns = p->start_ns;
	pi->koid = p->koid;
	strlcpy(pi->name, base(p->exe), sizeof(pi->name));
	if (p->cmdlen > 0 && p->cmdline[0] != '\0')
		strlcpy(pi->name, base(p->cmdline), sizeof(pi->name));
	strlcpy(pi->exe, p->exe, sizeof(pi->exe));
	strlcpy(pi->cwd, p->cwd, sizeof(pi->cwd));
	memcpy(pi->cmdline, p->cmdline, p->cmdlen);
	*len = sizeof(*pi);
	return p->pid;
}
