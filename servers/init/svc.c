/*
 * The svc protocol (abi/skiff/proto/svc.h), served by a second thread of
 * init on init's own endpoint: list the services, stop, start and restart
 * them, load a new program for one, and shut the system down. The main
 * thread reaps and restarts services; svc_lock serialises both threads'
 * use of svcs[].
 */
#include "servers/init/init.h"
#include "lib/common/elf.h"

#define SVC_STACK	(64 * 1024)

static volatile int lock;
static const struct sk_bootinfo *bootinfo;
static sk_handle_t svc_ep;
static char stack[SVC_STACK] __attribute__((aligned(16)));
static char rbuf[256];

void
svc_lock(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		sk_yield();
}

void
svc_unlock(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static struct service *
by_name(const char *name)
{
	for (int id = SVC_NONE + 1; id < SVC_COUNT; id++)
		if (svcs[id].def != NULL && strcmp(service_name(&svcs[id]), name) == 0)
			return &svcs[id];
	return NULL;
}

/*
 * Stop s: no restart until started again. Waits (up to two seconds) until
 * the process has released everything, so a new instance can take the
 * same interrupt and ports. Lock held.
 */
static void
stop(struct service *s)
{
	struct sk_proc_info info;

	s->state = SVC_ST_STOPPED;
	if (s->proc != 0) {
		sk_proc_kill(s->proc, -1);
		if (sk_proc_wait(s->proc, 2000000000ull, &info) < 0)
			sk_printf("init: %s is slow to end; starting anyway\n", service_name(s));
		sk_handle_close(s->proc);
		s->proc = 0;
	}
}

/* The sender may manage services: it is root (or a service, or a test). */
static int
privileged(const struct sk_utcb *u)
{
	return u->sender.cred.euid == 0 || SK_SVC_OF_BADGE(u->sender.badge) != SVC_NONE;
}

/*
 * One request in m. The handles it carried are the caller's to close,
 * except the first when *kept is set (SVC_LOAD's program).
 */
static int64_t
handle(struct sk_msg *m, struct sk_utcb *u, uint32_t *reply_len, int *kept)
{
	uint32_t label = SK_TAG_LABEL(m->tag);
	struct service *s = NULL;
	int64_t r = 0;

	*reply_len = 0;
	if (label != SVC_LIST && label != SVC_POWEROFF) {
		if (u->rcv_len == 0 || u->rcv_len > sizeof(rbuf) - 1)
			return SK_ERRVAL(SK_E_INVAL, 0);
		rbuf[u->rcv_len] = '\0';
		if ((s = by_name(rbuf)) == NULL)
			return SK_ERRVAL(SK_E_NOENT, 0);
	}
	if (label != SVC_LIST && !privileged(u))
		return SK_ERRVAL(SK_E_PERM, 0);
	/*
	 * proc's table is the only record of every Linux process (pids,
	 * parents, groups, signals): a new proc would know none of them, and
	 * every one would be lost. It is restarted only after a crash, when
	 * nothing better is left.
	 */
	if ((label == SVC_STOP || label == SVC_RESTART || label == SVC_LOAD ||
	    label == SVC_KILL) && s == &svcs[SVC_PROC]) {
		sk_printf("init: %s holds the state of every process; not stopped\n", rbuf);
		return SK_ERRVAL(SK_E_BUSY, 0);
	}
	switch (label) {
	case SVC_LIST: {
		int n = 0;

		for (int id = SVC_NONE + 1; id < SVC_COUNT; id++) {
			if (svcs[id].def == NULL)
				continue;
			if ((uint64_t)n++ != m->w[0])
				continue;
			m->w[1] = svcs[id].state;
			m->w[2] = svcs[id].restarts;
			strlcpy(rbuf, service_name(&svcs[id]), sizeof(rbuf));
			*reply_len = (uint32_t)strlen(rbuf) + 1;
			return id;
		}
		return SK_ERRVAL(SK_E_NOENT, 1);
	}
	case SVC_STOP:
		svc_lock();
		stop(s);
		svc_unlock();
		sk_printf("init: service %s stopped\n", rbuf);
		return 0;
	case SVC_START:
	case SVC_RESTART:
	case SVC_LOAD:
		svc_lock();
		if (label == SVC_START && s->state == SVC_ST_RUNNING) {
			svc_unlock();
			return SK_ERRVAL(SK_E_BUSY, 0);
		}
		if (label == SVC_LOAD) {
			int64_t sz;

			if (u->rcv_nh != 1 || (sz = sk_vmo_size(u->rcv_h[0])) <= 0 ||
			    program_note(u->rcv_h[0], (uint64_t)sz, ELF_NOTE_SKIFF_SERVICE) != 1) {
				/* Nothing changes: the service keeps its program. */
				svc_unlock();
				if (u->rcv_nh == 1)
					sk_handle_close(u->rcv_h[0]);
				sk_printf("init: %s: not loaded (not a Skiff service program)\n", rbuf);
				return SK_ERRVAL(SK_E_INVAL, 0);
			}
			s->vmo = u->rcv_h[0];	/* the boot module's stays with init */
			*kept = 1;
			s->size = (uint64_t)sz;
		}
		stop(s);
		if (label != SVC_START)
			s->restarts++;
		r = service_start(bootinfo, s);
		svc_unlock();
		sk_printf("init: service %s %s%s\n", rbuf, label == SVC_LOAD ? "loaded and " : "",
		    r < 0 ? "failed to start" : "started");
		return r < 0 ? r : 0;
	case SVC_KILL:
		svc_lock();
		if (s->state != SVC_ST_RUNNING || s->proc == 0) {
			svc_unlock();
			return SK_ERRVAL(SK_E_STATE, 0);
		}
		/* The reaper sees it die and restarts it, as after a crash. */
		r = sk_proc_kill(s->proc, 128 + 9);
		svc_unlock();
		sk_printf("init: service %s killed on request\n", rbuf);
		return r < 0 ? r : 0;
	case SVC_POWEROFF:
		if (!privileged(u))
			return SK_ERRVAL(SK_E_PERM, 0);
		if (m->w[0] > SVC_HOW_HALT)
			return SK_ERRVAL(SK_E_INVAL, 1);
		sk_printf("init: %s\n", m->w[0] == SVC_HOW_REBOOT ? "rebooting" :
		    m->w[0] == SVC_HOW_HALT ? "halting" : "powering off");
		shutdown(bootinfo, (int)m->w[0]);
		return 0;
	default:
		return SK_ERRVAL(SK_E_NOSYS, 0);
	}
}

static void __attribute__((noreturn))
svc_main(uint64_t arg)
{
	struct sk_utcb *u = sk_utcb();
	struct sk_msg m = { 0 };
	int64_t r;

	u->rcv_buf = (uint64_t)rbuf;
	u->rcv_max = sizeof(rbuf) - 1;
	r = sk_recv(svc_ep, &m, SK_FOREVER);
	for (;;) {
		sk_handle_t h[SK_MSG_HANDLES];
		uint32_t len, nh;
		int kept = 0;

		if (r < 0) {
			r = sk_recv(svc_ep, &m, SK_FOREVER);
			continue;
		}
		/* Close notices come from the kernel (a zero sender), and need no reply. */
		if (SK_TAG_LABEL(m.tag) == SK_LABEL_CLOSED && u->sender.pid == 0) {
			r = sk_recv(svc_ep, &m, SK_FOREVER);
			continue;
		}
		nh = u->rcv_nh < SK_MSG_HANDLES ? u->rcv_nh : SK_MSG_HANDLES;
		memcpy(h, u->rcv_h, sizeof(h));
		r = handle(&m, u, &len, &kept);
		/* Handles that came with a request and were not kept. */
		for (uint32_t i = kept; i < nh; i++)
			sk_handle_close(h[i]);
		m.w[0] = (uint64_t)r;
		m.tag = 0;
		if (len > 0) {
			m.tag = SK_TAG_LONG;
			u->snd_buf = (uint64_t)rbuf;
			u->snd_len = len;
			u->snd_nh = 0;
		}
		u->rcv_buf = (uint64_t)rbuf;
		u->rcv_max = sizeof(rbuf) - 1;
		r = sk_reply_recv(svc_ep, &m, SK_FOREVER);
	}
}

/* Create init's endpoint and start the thread serving it. */
sk_handle_t
svc_serve(const struct sk_bootinfo *bi)
{
	int64_t ep = sk_ep_create(), th;

	bootinfo = bi;
	if (ep < 0)
		return 0;
	svc_ep = (sk_handle_t)ep;
	th = sk_thread_create(SK_H_SELF_PROC, (void *)svc_main, (uint64_t)stack + SVC_STACK - 8, 0,
	    0, SK_PRIO_DEFAULT);
	if (th < 0) {
		sk_printf("init: cannot start the svc thread\n");
		return svc_ep;
	}
	sk_handle_close((sk_handle_t)th);
	return svc_ep;
}
