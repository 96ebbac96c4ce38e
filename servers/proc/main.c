/*
 * proc: start-up, the receive loop and the reaper thread.
 */
#include "servers/proc/proc.h"

#define REAP_LABEL	0x4ff
#define REAP_BADGE	0x70726f6372656170ull	/* "procreap" */

sk_handle_t watch_notif;
static sk_handle_t self_ep;		/* send handle with REAP_BADGE */
static char rbuf[SK_MSG_PAYLOAD_MAX] __attribute__((aligned(16)));
static char sbuf[sizeof(struct proc_info)] __attribute__((aligned(16)));
static char reaper_stack[32768] __attribute__((aligned(16)));

/* Wait for watched kernel processes to end; tell the main thread. */
static void * __attribute__((noreturn))
reaper(void *arg)
{
	for (;;) {
		struct sk_msg m = { .tag = REAP_LABEL };

		if (sk_notif_wait(watch_notif, SK_FOREVER) < 0) {
			sk_sleep(100 * 1000 * 1000);
			continue;
		}
		sk_call(self_ep, &m, SK_FOREVER);
	}
}

/*
 * How many of a request's handles (from the first) the operation keeps
 * when it succeeds: the kernel process and spawn notification of
 * PROC_SPAWN, the kernel process of PROC_EXEC, the event notification
 * and address space of PROC_ATTACH, and all three of PROC_FORK. The others, and all of a failed
 * request's, are closed by the receive loop.
 */
static uint32_t
handles_kept(uint32_t label)
{
	switch (label) {
	case PROC_FORK:
		return 3;
	case PROC_SPAWN: case PROC_ATTACH:
		return 2;
	case PROC_EXEC:
		return 1;
	default:
		return 0;
	}
}

static int64_t
dispatch(struct sk_msg *m, struct sk_utcb *u, uint32_t *reply_len)
{
	uint32_t label = SK_TAG_LABEL(m->tag);
	struct lproc *p;

	*reply_len = 0;
	if (label == REAP_LABEL && m->badge == REAP_BADGE) {
		reap_scan();
		return 0;
	}
	if (label == PROC_SPAWN)
		return op_spawn(m->badge, m, u);
	if (label == PROC_INFO)
		return op_info(m, sbuf, reply_len);
	if (label == PROC_FDS || label == PROC_FD)
		return SK_SVC_OF_BADGE(m->badge) == SVC_NONE ? SK_ERRVAL(SK_E_PERM, 0) :
		    op_fds(m, sbuf, reply_len);
	p = by_koid(u->sender.pid);
	if (label == PROC_KILL)
		return op_kill(p, m->badge, m, u);
	if (p == NULL && label == PROC_WAIT && SK_SVC_OF_BADGE(m->badge) != SVC_NONE)
		return op_wait_init(m);
	if (p == NULL)
		return SK_ERRVAL(SK_E_SRCH, 0);
	switch (label) {
	case PROC_ATTACH:	return op_attach(p, u, m);
	case PROC_FORK:		return op_fork(p, m, u);
	case PROC_EXEC:		return op_exec(p, u);
	case PROC_EXIT:		return op_exit(p, m);
	case PROC_WAIT:		return op_wait(p, m);
	case PROC_SIGTAKE:	return op_sigtake(p, m);
	case PROC_SIGSTATE:	return op_sigstate(p, m);
	case PROC_STOPPED:	return op_stopped(p, m);
	case PROC_ALARM:	return op_alarm(p, m);
	case PROC_SETTIME:	return op_settime(p, m);
	case PROC_GETIDS: case PROC_SETPGID: case PROC_GETPGID: case PROC_SETSID:
	case PROC_GETSID: case PROC_SETRESUID: case PROC_SETRESGID: case PROC_SETGROUPS:
	case PROC_RLIMIT: case PROC_SETCWD:
		return op_ids(p, label, m, u);
	default:
		return SK_ERRVAL(SK_E_NOSYS, 0);
	}
}

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);
	struct sk_utcb *u = sk_utcb();
	sk_handle_t ep;
	struct sk_msg m = { 0 };
	int64_t r, n;

	if (nh < 1 || h[0] == 0) {
		sk_printf("proc: no endpoint\n");
		return 1;
	}
	ep = h[0];
	if ((n = sk_notif_create()) < 0 || (r = sk_ep_mint(ep, REAP_BADGE, SK_R_SEND)) < 0) {
		sk_printf("proc: cannot set up the reaper\n");
		return 1;
	}
	watch_notif = (sk_handle_t)n;
	self_ep = (sk_handle_t)r;
	memset(procs, 0, sizeof(procs));
	memset(rbuf, 0, sizeof(rbuf));
	if (sk_thread_start(reaper, NULL, reaper_stack, sizeof(reaper_stack)) != 0) {
		sk_printf("proc: cannot start the reaper\n");
		return 1;
	}
	u->rcv_buf = (uint64_t)rbuf;
	u->rcv_max = sizeof(rbuf);
	r = sk_recv(ep, &m, alarms_run());
	for (;;) {
		uint32_t label, len = 0;
		int64_t res;

		if (r < 0) {
			u->rcv_buf = (uint64_t)rbuf;
			u->rcv_max = sizeof(rbuf);
			r = sk_recv(ep, &m, alarms_run());
			continue;
		}
		/* Close notices come from the kernel (a zero sender), and need no reply. */
		if (SK_TAG_LABEL(m.tag) == SK_LABEL_CLOSED && u->sender.pid == 0) {
			r = sk_recv(ep, &m, alarms_run());
			continue;
		}
		if (!(m.tag & SK_TAG_LONG))
			u->rcv_len = u->rcv_nh = 0;
		label = SK_TAG_LABEL(m.tag);
		res = dispatch(&m, u, &len);
		/* Handles a request carried and no operation kept. */
		for (uint32_t i = res < 0 ? 0 : handles_kept(label);
		    i < u->rcv_nh && i < SK_MSG_HANDLES; i++)
			sk_handle_close(u->rcv_h[i]);
		m.w[0] = (uint64_t)res;
		m.tag = 0;
		if (len > 0) {
			m.tag = SK_TAG_LONG;
			u->snd_buf = (uint64_t)sbuf;
			u->snd_len = len;
			u->snd_nh = 0;
		}
		u->rcv_buf = (uint64_t)rbuf;
		u->rcv_max = sizeof(rbuf);
		r = sk_reply_recv(ep, &m, alarms_run());
	}
}
