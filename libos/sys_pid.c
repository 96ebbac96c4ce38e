/*
 * Process identity and life through proc (abi/skiff/proto/proc.h): exit,
 * wait4, kill, pids, groups and sessions, user and group ids. Without
 * proc (the early boot tests) a process is its own kernel process and
 * runs as root.
 */
#include "libos/libos.h"

#define L_WNOHANG	1

static sk_handle_t
proc_h(void)
{
	return L.h[SK_EXEC_H_PROC];
}

/* One proc request with words only. */
static int64_t
proc_req(uint32_t label, uint64_t w0, uint64_t w1, uint64_t w2, struct sk_rpc *m)
{
	memset(m, 0, sizeof(*m));
	m->label = label;
	m->w[0] = w0;
	m->w[1] = w1;
	m->w[2] = w2;
	if (proc_h() == 0)
		return -L_ENOSYS;
	return io_call(proc_h(), m);
}

/*
 * End this Linux process with a wait status. A service's kernel process
 * ends with the exit status as a shell reports it (the status given to
 * exit, or 128 + the signal), which is what init logs; any other keeps
 * the whole wait status as its exit code (init reads it for programs
 * proc does not know).
 */
void
l_exit(uint32_t status)
{
	struct sk_rpc m;

	l_threads_exit();
	l_lock_exit();
	proc_req(PROC_EXIT, status, 0, 0, &m);
	if (L.service)
		sk_proc_exit((status & 0x7f) != 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff);
	sk_proc_exit((int64_t)status);
	for (;;)
		sk_yield();
}

L_HANDLER(exit)
{
	if (l_thread_exit())
		return 0;	/* another thread of the process goes on */
	l_exit((uint32_t)(l_arg(r, 0) & 0xff) << 8);
}

L_HANDLER(exit_group)
{
	l_exit((uint32_t)(l_arg(r, 0) & 0xff) << 8);
}

/*
 * Wait through proc for a child selected by sel (wait4's rules) with
 * PROC_WAIT options; the reply is left in *m. Returns the child's pid, 0
 * (WNOHANG, nothing ready) or -errno.
 */
static int64_t
wait_child(int64_t sel, uint64_t options, struct sk_rpc *m)
{
	int64_t e;

	for (;;) {
		L.notes &= ~L_NOTE_CHILD;
		e = proc_req(PROC_WAIT, (uint64_t)sel, options, 0, m);
		if (e != -L_EAGAIN || (options & L_WNOHANG))
			return e;
		while (!(L.notes & (L_NOTE_CHILD | L_NOTE_SIGNAL)))
			if ((e = l_take_notes(SK_FOREVER)) < 0)
				return e;
		if (l_pending_signal() && !(L.notes & L_NOTE_CHILD))
			return -L_EINTR;
	}
}

/* A struct rusage with the times of a wait reply. */
static int64_t
put_rusage(uint64_t urusage, const struct sk_rpc *m)
{
	int64_t ru[18];

	memset(ru, 0, sizeof(ru));
	ru[0] = (int64_t)(m->r[2] / 1000000000ull);
	ru[1] = (int64_t)(m->r[2] % 1000000000ull / 1000);
	ru[2] = (int64_t)(m->r[3] / 1000000000ull);
	ru[3] = (int64_t)(m->r[3] % 1000000000ull / 1000);
	return l_copyout(urusage, ru, sizeof(ru));
}

static int64_t
do_wait(int64_t sel, uint64_t ustatus, uint64_t options, uint64_t urusage)
{
	struct sk_rpc m;
	int64_t e;

	if ((e = wait_child(sel, options, &m)) <= 0)
		return e;
	if (ustatus != 0) {
		int32_t st = (int32_t)m.r[1];

		if (l_copyout(ustatus, &st, sizeof(st)) < 0)
			return -L_EFAULT;
	}
	if (urusage != 0 && put_rusage(urusage, &m) < 0)
		return -L_EFAULT;
	return e;
}

#define L_P_ALL		0
#define L_P_PID		1
#define L_P_PGID	2
#define L_WSTOPPED	2
#define L_WEXITED	4
#define L_WCONTINUED	8
#define L_WNOWAIT	0x01000000
#define L_CLD_EXITED	1
#define L_CLD_KILLED	2
#define L_CLD_DUMPED	3
#define L_CLD_STOPPED	5
#define L_CLD_CONTINUED	6

/* The part of a Linux siginfo_t waitid fills (128 bytes in all). */
struct l_waitinfo {
	int32_t signo, errno_, code, _pad;
	int32_t pid;
	uint32_t uid;
	int32_t status, _pad2;
	int64_t utime, stime;
	uint8_t _rest[80];
};
_Static_assert(sizeof(struct l_waitinfo) == 128, "siginfo_t layout");

/*
 * waitid(idtype, id, infop, options, rusage): P_ALL, P_PID and P_PGID
 * (pidfds are not supported: EINVAL). Returns 0; with WNOHANG and no child
 * ready the siginfo is zeroed, as on Linux.
 */
L_HANDLER(waitid)
{
	uint64_t type = l_arg(r, 0), opt = l_arg(r, 3), popt;
	int64_t id = (int32_t)l_arg(r, 1), sel, e;
	struct l_waitinfo wi;
	struct sk_rpc m;
	uint32_t st;

	if (opt & ~(uint64_t)(L_WNOHANG | L_WSTOPPED | L_WEXITED | L_WCONTINUED | L_WNOWAIT |
	    0x40000000 | 0x80000000u))
		return -L_EINVAL;
	if (!(opt & (L_WEXITED | L_WSTOPPED | L_WCONTINUED)))
		return -L_EINVAL;
	switch (type) {
	case L_P_ALL:
		sel = -1;
		break;
	case L_P_PID:
		if (id <= 0)
			return -L_EINVAL;
		sel = id;
		break;
	case L_P_PGID:
		if (id < 0)
			return -L_EINVAL;
		sel = id == 0 ? 0 : -id;
		break;
	default:
		return -L_EINVAL;
	}
	popt = opt & (L_WNOHANG | L_WSTOPPED | L_WCONTINUED | L_WNOWAIT);
	if (!(opt & L_WEXITED))
		popt |= PROC_WAIT_NOEXIT;
	if ((e = wait_child(sel, popt, &m)) < 0)
		return e;
	memset(&wi, 0, sizeof(wi));
	if (e > 0) {
		st = (uint32_t)m.r[1];
		wi.signo = 17;	/* SIGCHLD */
		wi.pid = (int32_t)e;
		wi.uid = (uint32_t)m.r[4];
		if (st == 0xffff) {
			wi.code = L_CLD_CONTINUED;
			wi.status = 18;	/* SIGCONT */
		} else if ((st & 0xff) == 0x7f) {
			wi.code = L_CLD_STOPPED;
			wi.status = (int32_t)((st >> 8) & 0xff);
		} else if ((st & 0x7f) == 0) {
			wi.code = L_CLD_EXITED;
			wi.status = (int32_t)((st >> 8) & 0xff);
		} else {
			wi.code = (st & 0x80) ? L_CLD_DUMPED : L_CLD_KILLED;
			wi.status = (int32_t)(st & 0x7f);
		}
		wi.utime = (int64_t)(m.r[2] / 10000000ull);
		wi.stime = (int64_t)(m.r[3] / 10000000ull);
	}
	if (l_arg(r, 2) != 0 && l_copyout(l_arg(r, 2), &wi, sizeof(wi)) < 0)
		return -L_EFAULT;
	if (e > 0 && l_arg(r, 4) != 0 && put_rusage(l_arg(r, 4), &m) < 0)
		return -L_EFAULT;
	return 0;
}

L_HANDLER(wait4)
{
	if (l_arg(r, 2) & ~(uint64_t)(1 | 2 | 8 | 0x01000000 | 0x40000000 | 0x80000000u))
		return -L_EINVAL;
	return do_wait((int32_t)l_arg(r, 0), l_arg(r, 1), l_arg(r, 2) & 0x0100000b, l_arg(r, 3));
}

/*
 * pid 1 is init, a native program: the signals busybox's halt, poweroff
 * and reboot send it (SIGUSR1, SIGUSR2, SIGTERM) become svc requests.
 */
static int64_t
kill_init(int sig)
{
	struct sk_rpc m = { .label = SVC_POWEROFF };

	switch (sig) {
	case 0:
		return 0;
	case 10:	m.w[0] = SVC_HOW_HALT; break;
	case 12:	m.w[0] = SVC_HOW_POWEROFF; break;
	case 15:	m.w[0] = SVC_HOW_REBOOT; break;
	default:	return 0;	/* init ignores the rest */
	}
	if (L.h[SK_EXEC_H_INIT] == 0)
		return -L_ESRCH;
	return io_call(L.h[SK_EXEC_H_INIT], &m);
}

L_HANDLER(kill)
{
	struct sk_rpc m;

	if (l_arg(r, 1) > 64)
		return -L_EINVAL;
	if ((int32_t)l_arg(r, 0) == 1)
		return kill_init((int)l_arg(r, 1));
	return proc_req(PROC_KILL, (uint64_t)(int64_t)(int32_t)l_arg(r, 0), l_arg(r, 1), 0, &m);
}

L_HANDLER(tgkill)
{
	struct sk_rpc m;

	if (l_arg(r, 2) > 64 || (int32_t)l_arg(r, 0) <= 0)
		return -L_EINVAL;
	/* Signals go to the process; any of its threads may take them. */
	return proc_req(PROC_KILL, (uint64_t)(int32_t)l_arg(r, 0), l_arg(r, 2), 0, &m);
}

L_HANDLER(tkill)
{
	struct sk_rpc m;

	if (l_arg(r, 1) > 64)
		return -L_EINVAL;
	return proc_req(PROC_KILL, (uint64_t)L.pid, l_arg(r, 1), 0, &m);
}

L_HANDLER(getpid)
{
	return L.pid;
}

L_HANDLER(gettid)
{
	uint64_t tid = sk_utcb()->tid;

	return tid == L.main_tid ? L.pid : (int64_t)tid;
}

/*
 * Make the cached ppid, pgid and sid current. They change only when this
 * process calls setpgid or setsid (which drop the cache), when its parent
 * dies or its parent sets its group: proc then signals PROC_NOTE_IDS on the
 * event notification and interrupts the process, whose libos takes the
 * bit before it runs program code again (libos_entry), so a change proc
 * made before this call began is seen here. That is as current as Linux
 * is (it reparents a dying process's children after closing its files).
 * Returns 0 or -errno.
 */
static int64_t __attribute__((noinline))
grp_refresh(void)
{
	struct sk_rpc m;
	int64_t e;

	if (L.notes & L_NOTE_IDS) {
		L.notes &= ~L_NOTE_IDS;
		L.grp_valid = 0;
	}
	if (L.grp_valid)
		return 0;
	if ((e = proc_req(PROC_GETIDS, 0, 0, 0, &m)) < 0)
		return e;
	L.ppid = (int32_t)m.r[1];
	L.pgid = (int32_t)m.r[2];
	L.sid = (int32_t)m.r[3];
	L.grp_valid = 1;
	return 0;
}

/* grp_refresh, with the common case (the cache is current) inline. */
static inline int64_t
grp_fresh(void)
{
	struct libos_state *s = l_state();

	if (s->grp_valid && !(s->notes & L_NOTE_IDS))
		return 0;
	return grp_refresh();
}

/* This process's group and session, for terminal reads and writes. */
int
l_pgrp_sid(int32_t *pgid, int32_t *sid)
{
	if (grp_fresh() < 0)
		return -1;
	*pgid = L.pgid;
	*sid = L.sid;
	return 0;
}

L_HANDLER(getppid)
{
	return grp_fresh() < 0 ? 0 : L.ppid;
}

L_HANDLER(getpgrp)
{
	return grp_fresh() < 0 ? L.pid : L.pgid;
}

L_HANDLER(getpgid)
{
	struct sk_rpc m;
	int32_t pid = (int32_t)l_arg(r, 0);

	if ((pid == 0 || pid == L.pid) && grp_fresh() == 0)
		return L.pgid;
	return proc_req(PROC_GETPGID, (uint64_t)pid, 0, 0, &m);
}

L_HANDLER(setpgid)
{
	struct sk_rpc m;

	if ((int32_t)l_arg(r, 1) < 0)
		return -L_EINVAL;
	L.grp_valid = 0;
	return proc_req(PROC_SETPGID, (uint64_t)(int32_t)l_arg(r, 0),
	    (uint64_t)(int32_t)l_arg(r, 1), 0, &m);
}

L_HANDLER(setsid)
{
	struct sk_rpc m;

	L.grp_valid = 0;
	return proc_req(PROC_SETSID, 0, 0, 0, &m);
}

L_HANDLER(getsid)
{
	struct sk_rpc m;
	int32_t pid = (int32_t)l_arg(r, 0);

	if ((pid == 0 || pid == L.pid) && grp_fresh() == 0)
		return L.sid;
	return proc_req(PROC_GETSID, (uint64_t)pid, 0, 0, &m);
}

/* The ids proc keeps for this process (cached until a set*id call). */
static const struct proc_info *
my_info(void)
{
	static struct proc_info pi;
	static int32_t for_pid = -1;
	struct sk_rpc m = { .label = PROC_INFO, .rcv = &pi, .rcv_max = sizeof(pi) };

	if (for_pid == L.pid && L.ids_valid)
		return &pi;
	memset(&pi, 0, sizeof(pi));
	m.w[0] = (uint64_t)L.pid;
	if (proc_h() != 0 && io_call(proc_h(), &m) >= 0 && m.rcv_len == sizeof(pi)) {
		for_pid = L.pid;
		L.ids_valid = 1;
	}
	return &pi;
}

L_HANDLER(getuid)
{
	return my_info()->ruid;
}

L_HANDLER(geteuid)
{
	return my_info()->euid;
}

L_HANDLER(getgid)
{
	return my_info()->rgid;
}

L_HANDLER(getegid)
{
	return my_info()->egid;
}

static int64_t
set_ids(uint32_t label, uint64_t a, uint64_t b, uint64_t c)
{
	struct sk_rpc m;
	int64_t e = proc_req(label, (uint32_t)a, (uint32_t)b, (uint32_t)c, &m);

	L.ids_valid = 0;
	return e < 0 ? e : 0;
}

L_HANDLER(setuid)
{
	/* root sets all three ids; others only the effective one. */
	uint32_t id = (uint32_t)l_arg(r, 0);

	if (my_info()->euid == 0)
		return set_ids(PROC_SETRESUID, id, id, id);
	return set_ids(PROC_SETRESUID, ~0u, id, ~0u);
}

L_HANDLER(setgid)
{
	uint32_t id = (uint32_t)l_arg(r, 0);

	if (my_info()->euid == 0)
		return set_ids(PROC_SETRESGID, id, id, id);
	return set_ids(PROC_SETRESGID, ~0u, id, ~0u);
}

L_HANDLER(setreuid)
{
	return set_ids(PROC_SETRESUID, l_arg(r, 0), l_arg(r, 1), ~0u);
}

L_HANDLER(setregid)
{
	return set_ids(PROC_SETRESGID, l_arg(r, 0), l_arg(r, 1), ~0u);
}

L_HANDLER(setresuid)
{
	return set_ids(PROC_SETRESUID, l_arg(r, 0), l_arg(r, 1), l_arg(r, 2));
}

L_HANDLER(setresgid)
{
	return set_ids(PROC_SETRESGID, l_arg(r, 0), l_arg(r, 1), l_arg(r, 2));
}

L_HANDLER(getresuid)
{
	const struct proc_info *pi = my_info();
	uint32_t v[3] = { pi->ruid, pi->euid, pi->suid };

	for (int i = 0; i < 3; i++)
		if (l_copyout(l_arg(r, i), &v[i], 4) < 0)
			return -L_EFAULT;
	return 0;
}

L_HANDLER(getresgid)
{
	const struct proc_info *pi = my_info();
	uint32_t v[3] = { pi->rgid, pi->egid, pi->sgid };

	for (int i = 0; i < 3; i++)
		if (l_copyout(l_arg(r, i), &v[i], 4) < 0)
			return -L_EFAULT;
	return 0;
}

/*
 * getgroups(size, list): size 0 asks for the count only; a list too small
 * for the groups is EINVAL, as on Linux.
 */
L_HANDLER(getgroups)
{
	const struct proc_info *pi = my_info();
	int64_t size = (int32_t)l_arg(r, 0);
	uint32_t n = pi->ngroups <= SK_NGROUPS ? pi->ngroups : SK_NGROUPS;

	if (size < 0)
		return -L_EINVAL;
	if (size == 0)
		return n;
	if ((uint64_t)size < n)
		return -L_EINVAL;
	if (n > 0 && l_copyout(l_arg(r, 1), pi->groups, n * 4) < 0)
		return -L_EFAULT;
	return n;
}

L_HANDLER(setgroups)
{
	uint64_t n = l_arg(r, 0);
	uint32_t g[SK_NGROUPS];
	struct sk_rpc m = { .label = PROC_SETGROUPS, .snd = g };

	if (n > SK_NGROUPS)
		return -L_EINVAL;
	if (n > 0 && l_copyin(g, l_arg(r, 1), n * 4) < 0)
		return -L_EFAULT;
	m.snd_len = (uint32_t)(n * 4);
	if (proc_h() == 0)
		return -L_EPERM;
	L.ids_valid = 0;
	return io_call(proc_h(), &m) < 0 ? -L_EPERM : 0;
}

#define REBOOT_MAGIC1		0xfee1deadu
#define REBOOT_CMD_RESTART	0x01234567u
#define REBOOT_CMD_HALT		0xcdef0123u
#define REBOOT_CMD_POWER_OFF	0x4321fedcu
#define REBOOT_CMD_CAD_ON	0x89abcdefu
#define REBOOT_CMD_CAD_OFF	0x00000000u

/* reboot(2): init shuts the system down (SVC_POWEROFF); root only. */
L_HANDLER(reboot)
{
	uint32_t m2 = (uint32_t)l_arg(r, 1), cmd = (uint32_t)l_arg(r, 2);
	struct sk_rpc m = { .label = SVC_POWEROFF };

	if ((uint32_t)l_arg(r, 0) != REBOOT_MAGIC1 || (m2 != 672274793u && m2 != 85072278u &&
	    m2 != 369367448u && m2 != 537993216u))
		return -L_EINVAL;
	if (my_info()->euid != 0)
		return -L_EPERM;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	case REBOOT_CMD_RESTART:
		m.w[0] = SVC_HOW_REBOOT;
		break;
	case REBOOT_CMD_HALT:
		m.w[0] = SVC_HOW_HALT;
		break;
	case REBOOT_CMD_POWER_OFF:
		m.w[0] = SVC_HOW_POWEROFF;
		break;
	default:
		return -L_EINVAL;
	}
	if (L.h[SK_EXEC_H_INIT] == 0)
		return -L_EPERM;
	return io_call(L.h[SK_EXEC_H_INIT], &m);
}
