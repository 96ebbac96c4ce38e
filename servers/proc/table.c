/*
 * The process table.
 */
#include "servers/proc/proc.h"

struct lproc procs[MAX_PROCS];
int procs_end;
static uint32_t next_pid = 2;		/* pid 1 is init */
extern sk_handle_t watch_notif;

struct lproc *
by_pid(uint32_t pid)
{
	for (int i = 0; i < procs_end; i++)
		if (procs[i].state != P_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

/* The live (not zombie) Linux process a kernel process runs. */
struct lproc *
by_koid(uint64_t koid)
{
	for (int i = 0; i < procs_end; i++)
		if ((procs[i].state == P_RUN || procs[i].state == P_STOPPED) &&
		    procs[i].koid == koid)
			return &procs[i];
	return NULL;
}

/* A fresh slot with a new pid, or NULL when the table is full. */
struct lproc *
proc_new(void)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		struct lproc *p = &procs[i];

		if (p->state != P_FREE)
			continue;
		memset(p, 0, sizeof(*p));
		do {
			p->pid = next_pid++;
			if (next_pid >= 32768)
				next_pid = 2;
		} while (by_pid(p->pid) != NULL);
		p->state = P_RUN;
		if (i >= procs_end)
			procs_end = i + 1;
		p->start_ns = (uint64_t)sk_clock();
		for (int r = 0; r < NRLIM; r++)
			p->rlim_cur[r] = p->rlim_max[r] = ~0ull;
		p->rlim_cur[3] = 8ull << 20;		/* RLIMIT_STACK */
		p->rlim_cur[6] = p->rlim_max[6] = 4096;	/* RLIMIT_NPROC */
		p->rlim_cur[7] = p->rlim_max[7] = 1024;	/* RLIMIT_NOFILE */
		return p;
	}
	return NULL;
}

/* Watch p's kernel process: the reaper learns when it ends. */
void
proc_watch(struct lproc *p)
{
	struct sk_handle_info hi;

	if (p->kproc == 0)
		return;
	if (sk_handle_info(p->kproc, &hi) >= 0)
		p->koid = hi.koid;
	sk_obj_watch(p->kproc, watch_notif, 1);
}

/* The exe path and argv from a SPAWN or EXEC payload (each NUL-ended). */
void
proc_set_cmd(struct lproc *p, const char *payload, uint32_t len)
{
	uint32_t n = 0;

	while (n < len && payload[n] != '\0')
		n++;
	if (n >= len) {
		p->exe[0] = '\0';
		p->cmdlen = 0;
		return;
	}
	strlcpy(p->exe, payload, sizeof(p->exe));
	len -= n + 1;
	payload += n + 1;
	if (len > sizeof(p->cmdline))
		len = sizeof(p->cmdline);
	memcpy(p->cmdline, payload, len);
	if (len > 0)
		p->cmdline[len - 1] = '\0';
	p->cmdlen = len;
}
