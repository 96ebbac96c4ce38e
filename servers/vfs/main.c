/*
 * vfs: the name space server. Start-up (the standard mounts) and the
 * receive loop; the requests themselves are in ops*.c.
 *
 * Start handles (svc.h): h[0] our endpoint, then the dependencies in this
 * order, each 0 when absent: h[1] ramfs (mounted at /), h[2] devfs
 * (/dev), h[3] procfs (/proc), h[4] the pipe server (FIFOs).
 */
#include "sk.h"
#include "abi/skiff/proto/svc.h"
#include "abi/skiff/proto/vfs.h"
#include "servers/vfs/fsclient.h"
#include "servers/vfs/ops.h"

static struct fsclient fsc;
static struct vfs_fsops fsops;
static struct vfs vfs;
static char reqbuf[VFS_REQ_MAX];
static struct vfs_rep rep;

/* The standard mounts, in order; a parent comes before what it holds. */
static const struct {
	uint32_t fs;
	const char *path;
} std_mounts[] = {
	{ SVC_RAMFS, "/" },
	{ SVC_DEVFS, "/dev" },
	{ SVC_PROCFS, "/proc" },
};
#define NSTD	(sizeof(std_mounts) / sizeof(std_mounts[0]))

static uint32_t pending;	/* bit i: std_mounts[i] still to do */
static int64_t last_try;	/* sk_clock() of the last attempt */
#define RETRY_NS	1000000000ll

/*
 * Make the standard mounts still pending. A file system that failed to
 * answer (SK_E_IO) is tried again later, at most once a second; a missing
 * mount point is logged and skipped for good.
 */
static void
std_mount(void)
{
	last_try = sk_clock();
	for (uint32_t i = 0; i < NSTD; i++) {
		const char *name = mtab_fsname(std_mounts[i].fs);
		int e;

		if (!(pending & (1u << i)))
			continue;
		if (i > 0 && mtab_root(&vfs.mt) < 0)
			return;		/* nothing can go anywhere without / */
		e = vfs_mount_at(&vfs, std_mounts[i].fs, std_mounts[i].path);
		if (e == SK_E_IO)
			continue;	/* again later */
		pending &= ~(1u << i);
		if (e == SK_OK)
			sk_printf("vfs: %s mounted on %s\n", name, std_mounts[i].path);
		else
			sk_printf("vfs: cannot mount %s on %s: %s; skipped\n", name,
			    std_mounts[i].path, sk_errname(e));
	}
}

/*
 * Copy the attested credential c into *d up to its groups in use: nothing
 * reads a group at or past ngroups, which is at most SK_NGROUPS.
 */
static void
cred_copy(struct sk_cred *d, const struct sk_cred *c)
{
	uint32_t ng = c->ngroups < SK_NGROUPS ? c->ngroups : SK_NGROUPS;

	d->ruid = c->ruid;
	d->euid = c->euid;
	d->suid = c->suid;
	d->rgid = c->rgid;
	d->egid = c->egid;
	d->sgid = c->sgid;
	d->ngroups = ng;
	d->_pad = 0;
	for (uint32_t i = 0; i < ng; i++)
		d->groups[i] = c->groups[i];
}

/* Send rep as the answer to the message just received. */
static void
set_reply(struct sk_msg *m)
{
	struct sk_utcb *u = sk_utcb();

	m->tag = 0;
	m->w[0] = (uint64_t)rep.w0;
	m->w[1] = rep.w1;
	m->w[2] = rep.w2;
	for (int i = 3; i < SK_MSG_WORDS; i++)
		m->w[i] = 0;
	if (rep.len > 0 || rep.has_h) {
		m->tag |= SK_TAG_LONG;
		u->snd_buf = (uint64_t)rep.buf;
		u->snd_len = rep.len;
		u->snd_nh = rep.has_h ? 1 : 0;
		u->snd_h[0] = (sk_handle_t)rep.h;
	}
}

int
main(int argc, char **argv)
{
	uint32_t nh;
	const sk_handle_t *h = sk_start_handles(&nh);
	struct sk_utcb *u = sk_utcb();
	struct vfs_req q;
	struct sk_msg m = { 0 };
	sk_handle_t ep;
	int replying = 0;
	int64_t r;

	if (nh < 1 || h[0] == 0) {
		sk_printf("vfs: no endpoint given\n");
		return 1;
	}
	ep = h[0];
	sk_prefault(32 * 1024);
#define DEP(i)	((uint32_t)(i) < nh ? h[i] : 0)
	fsc.fs[SVC_RAMFS] = DEP(1);
	fsc.fs[SVC_DEVFS] = DEP(2);
	fsc.fs[SVC_PROCFS] = DEP(3);
	fsc.pipe = DEP(4);
#undef DEP
	fsclient_init(&fsops, &fsc);
	vfs.ops = &fsops;
	for (uint32_t i = 0; i < NSTD; i++)
		if (fsc.fs[std_mounts[i].fs] != 0)
			pending |= 1u << i;
		else
			sk_printf("vfs: no %s; %s is not mounted\n",
			    mtab_fsname(std_mounts[i].fs), std_mounts[i].path);
	std_mount();

	for (;;) {
		u->rcv_buf = (uint64_t)reqbuf;
		u->rcv_max = sizeof(reqbuf);
		r = replying ? sk_reply_recv(ep, &m, SK_FOREVER) : sk_recv(ep, &m, SK_FOREVER);
		replying = 0;
		if (r < 0) {
			sk_printf("vfs: receive failed: %s\n", sk_errname(SK_ERR(r)));
			sk_sleep(10000000);
			continue;
		}
		/* Close notices come from the kernel (a zero sender), and need no reply. */
		if (SK_TAG_LABEL(m.tag) == SK_LABEL_CLOSED && u->sender.pid == 0)
			continue;
		/* Copy what the kernel attested before any call overwrites it. */
		q.label = SK_TAG_LABEL(m.tag);
		memcpy(q.w, m.w, sizeof(q.w));
		q.buf = reqbuf;
		q.len = u->rcv_len;
		cred_copy(&q.cred, &u->sender.cred);
		/* vfs takes no handles: whatever came is closed. */
		for (uint32_t i = 0; i < u->rcv_nh && i < SK_MSG_HANDLES; i++)
			sk_handle_close(u->rcv_h[i]);
		if (pending != 0 && sk_clock() - last_try >= RETRY_NS)
			std_mount();
		vfs_handle(&vfs, &q, &rep);
		set_reply(&m);
		if (rep.has_h) {
			/* A handle that could not be delivered stays ours: close it. */
			if (sk_reply(&m) < 0)
				sk_handle_close((sk_handle_t)rep.h);
		} else {
			replying = 1;
		}
	}
}
