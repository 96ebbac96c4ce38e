/*
 * Terminal ioctls (Linux's numbers, abi/skiff/proto/tty.h) and the job
 * control state: the controlling session and the foreground process
 * group, and the signals sent to it through proc.
 *
 * tty knows callers by their kernel pid only. To learn the session and
 * group of the process making itself a controlling terminal (TIOCSCTTY),
 * it looks for that kernel pid in proc's table (PROC_INFO). Calls to proc
 * have a finite timeout and their errors are ignored: proc is not needed
 * for the terminal to work, only for job control.
 */
#include "servers/tty/tty.h"
#include "abi/skiff/proto/proc.h"

#define PROC_SCAN_MAX	4096

static struct proc_info pinfo;

/* PROC_KILL of the process group pgrp, if there is one and a proc. */
void
send_signal(int32_t pgrp, int sig)
{
	struct sk_rpc m = { .label = PROC_KILL };

	if (tty.proc == 0 || pgrp <= 0)
		return;
	m.w[0] = (uint64_t)-(int64_t)pgrp;
	m.w[1] = (uint64_t)sig;
	(void)sk_rpc(tty.proc, &m, PROC_TIMEOUT);
}

/* The line discipline's callback: ^C, ^\ and ^Z. */
void
keyboard_signal(void *ctx, int sig)
{
	(void)ctx;
	send_signal(tty.pgrp, sig);
}

/* proc's record of the process with kernel id pid, into pinfo; 0 or -1. */
static int
find_process(uint64_t pid)
{
	if (tty.proc == 0 || pid == 0)
		return -1;
	for (uint64_t i = 0; i < PROC_SCAN_MAX; i++) {
		struct sk_rpc m = { .label = PROC_INFO, .rcv = &pinfo,
		    .rcv_max = sizeof(pinfo), .w = { PROC_INFO_INDEX | i } };

		if (sk_rpc(tty.proc, &m, PROC_TIMEOUT) < 0 || m.rcv_len != sizeof(pinfo))
			return -1;
		if (pinfo.koid == pid)
			return 0;
	}
	return -1;
}

/* TIOCSCTTY: w1 = force (steal it from another session). */
static int64_t
set_ctty(struct req *r)
{
	int have = find_process(r->pid) == 0;

	if (have && pinfo.sid != pinfo.pid)
		return SK_ERRVAL(SK_E_PERM, 0);	/* not a session leader */
	if (tty.has_session && tty.leader_pid != r->pid && r->m->w[1] == 0 &&
	    (!have || (int32_t)pinfo.sid != tty.sid))
		return SK_ERRVAL(SK_E_PERM, 0);
	tty.has_session = 1;
	tty.leader_pid = r->pid;
	tty.sid = have ? (int32_t)pinfo.sid : 0;
	tty.pgrp = have ? (int32_t)pinfo.pgid : 0;
	return 0;
}

/* TIOCNOTTY: the session leader gives the terminal up (SIGHUP, SIGCONT). */
static int64_t
drop_ctty(struct req *r)
{
	if (!tty.has_session)
		return SK_ERRVAL(SK_E_NOTTY, 0);
	if (r->pid != tty.leader_pid)
		return 0;	/* only the caller loses it: proc's business */
	send_signal(tty.pgrp, SIG_HUP);
	send_signal(tty.pgrp, SIG_CONT);
	tty.has_session = 0;
	tty.sid = tty.pgrp = 0;
	tty.leader_pid = 0;
	return 0;
}

static int64_t
out_int(struct req *r, int32_t v)
{
	memcpy(r->out, &v, sizeof(v));
	r->out_len = sizeof(v);
	return 0;
}

/* The argument structure of a setting ioctl must be exactly n bytes. */
static int
in_is(const struct req *r, uint32_t n)
{
	return r->in_len == n;
}

static int64_t
set_termios(struct req *r, int flush)
{
	struct tty_termios t;

	if (!in_is(r, sizeof(t)))
		return SK_ERRVAL(SK_E_INVAL, 0);
	memcpy(&t, r->in, sizeof(t));
	if (flush)
		ldisc_flush_input(&tty.ld);
	ldisc_set_termios(&tty.ld, &t);
	/* The output queue is handed to the driver at once: nothing to wait for. */
	pump_output();
	return 0;
}

static int64_t
set_winsize(struct req *r)
{
	struct tty_winsize ws;

	if (!in_is(r, sizeof(ws)))
		return SK_ERRVAL(SK_E_INVAL, 0);
	memcpy(&ws, r->in, sizeof(ws));
	if (memcmp(&ws, &tty.ws, sizeof(ws)) != 0) {
		tty.ws = ws;
		send_signal(tty.pgrp, SIG_WINCH);
	}
	return 0;
}

static int64_t
flush(uint64_t what)
{
	if (what > 2)
		return SK_ERRVAL(SK_E_INVAL, 2);
	if (what != 1)
		ldisc_flush_input(&tty.ld);
	if (what != 0)
		ldisc_flush_output(&tty.ld);
	return 0;
}

int64_t
op_ioctl(struct req *r, uint32_t idx)
{
	uint64_t cmd = r->m->w[0], arg = r->m->w[1];
	int32_t v;

	(void)idx;
	switch (cmd) {
	case TTY_TCGETS:
		memcpy(r->out, &tty.ld.t, sizeof(tty.ld.t));
		r->out_len = sizeof(tty.ld.t);
		return 0;
	case TTY_TCSETS:
	case TTY_TCSETSW:
		return set_termios(r, 0);
	case TTY_TCSETSF:
		return set_termios(r, 1);
	case TTY_TIOCGWINSZ:
		memcpy(r->out, &tty.ws, sizeof(tty.ws));
		r->out_len = sizeof(tty.ws);
		return 0;
	case TTY_TIOCSWINSZ:
		return set_winsize(r);
	case TTY_FIONREAD:
		return out_int(r, (int32_t)ldisc_inq(&tty.ld));
	case TTY_TIOCOUTQ:
		return out_int(r, (int32_t)ldisc_outq(&tty.ld));
	case TTY_TCFLSH:
		return flush(arg);
	case TTY_TCXONC:
		if (arg > 3)
			return SK_ERRVAL(SK_E_INVAL, 2);
		ldisc_flow(&tty.ld, (int)arg);	/* TCOOFF, TCOON, TCIOFF, TCION */
		pump_output();
		return 0;
	case TTY_TIOCSCTTY:
		return set_ctty(r);
	case TTY_TIOCNOTTY:
		return drop_ctty(r);
	case TTY_TIOCGPGRP:
		if (!tty.has_session)
			return SK_ERRVAL(SK_E_NOTTY, 0);
		return out_int(r, tty.pgrp);
	case TTY_TIOCSPGRP:
		if (!in_is(r, sizeof(v)))
			return SK_ERRVAL(SK_E_INVAL, 0);
		memcpy(&v, r->in, sizeof(v));
		if (v <= 0)
			return SK_ERRVAL(SK_E_INVAL, 0);
		if (!tty.has_session)
			return SK_ERRVAL(SK_E_NOTTY, 0);
		tty.pgrp = v;
		return 0;
	case TTY_TIOCGSID:
		if (!tty.has_session)
			return SK_ERRVAL(SK_E_NOTTY, 0);
		return out_int(r, tty.sid);
	default:
		return SK_ERRVAL(SK_E_NOTTY, 0);
	}
}
