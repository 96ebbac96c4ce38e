/*
 * fork, vfork and clone, built from native calls in the calling process
 * (docs/userspace.md):
 *   fork   a copy-on-write clone of the address space in a new kernel
 *          process that gets copies of every descriptor's handle, so the
 *          child's descriptors name the same open objects;
 *   vfork  a new kernel process on the *same* address space, with a
 *          libos state and system-call stack of its own; the parent waits
 *          until the child's kernel process ends (exit, or exec, which
 *          ends it too);
 *   thread clone with CLONE_VM|CLONE_THREAD: a new thread in this process.
 * proc learns of each child (PROC_FORK) before the child runs.
 */
#include "libos/libos.h"

#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_CHILD_SETTID	0x01000000

#define CHILD_STACK	(256 * 1024)

/* What a new child or thread starts with (in its own memory). */
#define CHILD_MAGIC	0x646c696863534f4cull	/* "LOSchild" */

struct child_block {
	uint64_t magic;
	struct sk_regs frame;		/* where it resumes, rax = 0 */
	struct libos_state *state;
	uint64_t stack;			/* its system-call stack (top) */
	uint64_t set_tid;		/* CLONE_CHILD_SETTID address or 0 */
	uint64_t clear_tid;		/* CLONE_CHILD_CLEARTID address (threads) */
	int thread;
	int fork;			/* a fork child: the block is a struct fork_block */
	int attached;			/* proc knows the child's notification (PROC_FORK) */
	int32_t pid, ppid, pgid, sid;	/* then: what PROC_ATTACH would answer */
};

/*
 * What a fork child needs besides its copy of the parent's memory: the
 * values its handles have in its own table. Only the first nfds entries
 * of fds are written into the child.
 */
struct fork_block {
	struct child_block cb;
	uint64_t tid_address;
	sk_handle_t h[SK_EXEC_H_COUNT];	/* by sk_exec_role, the child's values */
	uint32_t nfds;
	struct l_fd_handle fds[L_MAXFD];	/* by ascending fd */
};

void libos_child(struct child_block *cb) __attribute__((noreturn));
void libos_entry(struct sk_regs *r) __attribute__((noreturn));

/* In the fork child's copy of memory: written by the parent. */
static struct fork_block fork_block;
static char fork_stack[64 * 1024] __attribute__((aligned(16)));

/*
 * The first code of a child process or thread, on its system-call stack:
 * register the libos, tell proc who it is, resume the program.
 */
void
libos_child(struct child_block *cb)
{
	struct sk_utcb *u = sk_utcb();
	uint64_t tid;

	u->user_data = (uint64_t)cb->state;
	u->reflect_stack = cb->stack;
	if (cb->fork) {
		/*
		 * The state is the copy-on-write copy of the parent's: only
		 * the handle values and what is the parent's alone change.
		 */
		struct fork_block *fb = (struct fork_block *)cb;

		memcpy(L.h, fb->h, sizeof(L.h));
		fd_fork_fixup(&L, fb->fds, fb->nfds);
		L.tid_address = fb->tid_address;
		L.pid = 0;
		L.notes = 0;
		L.record_locks = 0;	/* record locks are not inherited */
	}
	if (!cb->thread) {
		sk_reflect_set((void *)libos_entry);
		L.main_tid = u->tid;
		l_threads_reset();
		if (cb->attached) {
			L.pid = cb->pid;
			L.ppid = cb->ppid;
			L.pgid = cb->pgid;
			L.sid = cb->sid;
			L.grp_valid = 1;
			/*
			 * News proc posted before the system-call entry was
			 * registered (new ids, a signal) woke nobody: take it.
			 */
			l_take_notes(SK_NOWAIT);
		} else {
			l_attach();
		}
	}
	if (cb->thread)
		l_thread_register(cb->clear_tid);
	tid = cb->thread ? u->tid : (uint64_t)L.pid;
	if (cb->set_tid != 0) {
		uint32_t t32 = (uint32_t)tid;

		l_copyout(cb->set_tid, &t32, sizeof(t32));
	}
	/*
	 * Enter the program with every register of the frame: a system call
	 * the libos reserves (L_NR_RESUME) reflects into libos_entry, which
	 * takes the frame from cb and resumes it (l_resume).
	 */
	cb->magic = CHILD_MAGIC;
	__asm__ volatile("syscall" :: "a"((uint64_t)L_NR_RESUME), "D"(cb) : "rcx", "r11", "memory");
	libos_fatal("cannot start the child");
}

/*
 * L_NR_RESUME: replace the frame r with the child block at r->rdi. A
 * program that makes this call itself can only set its own registers.
 */
int64_t
l_resume(struct sk_regs *r)
{
	struct child_block cb;
	struct child_block *p = (struct child_block *)r->rdi;

	if (l_copyin(&cb, r->rdi, sizeof(cb)) < 0 || cb.magic != CHILD_MAGIC)
		return -L_ENOSYS;
	p->magic = 0;
	*r = cb.frame;
	/* GS holds this thread's own UTCB, not its creator's. */
	r->gs_base = sk_utcb()->self;
	if (cb.thread)
		l_free(p);
	return (int64_t)cb.frame.rax;
}

/*
 * Give the child process p copies of the handles of st's roles and
 * descriptors: h gets the child's role handles (by sk_exec_role), fds the
 * child's value of each open descriptor's handle (ascending fd, *nfds of
 * them). The child's event notification is a new one; *events gets the
 * caller's handle to it (to be closed by the caller), or stays as it was
 * if st has none.
 */
static int64_t
give_all(sk_handle_t p, const struct libos_state *st, sk_handle_t h[SK_EXEC_H_COUNT],
    struct l_fd_handle *fds, uint32_t *nfds, sk_handle_t *events)
{
	sk_handle_t src[SK_GIVE_MAX], out[SK_GIVE_MAX];
	int fdat[SK_GIVE_MAX];
	int64_t r, n;
	uint32_t k = 0, m;
	int fd = 0;

	/* The roles first (h may be st->h), the child's own notification last. */
	for (int i = 0; i < SK_EXEC_H_COUNT; i++)
		src[i] = i == SK_EXEC_H_EVENTS ? 0 : st->h[i];
	if ((r = sk_give_list(p, src, out, SK_EXEC_H_COUNT)) < 0)
		return r;
	memcpy(h, out, SK_EXEC_H_COUNT * sizeof(h[0]));
	h[SK_EXEC_H_EVENTS] = 0;
	if (st->h[SK_EXEC_H_EVENTS] != 0) {
		if ((n = sk_notif_create()) < 0)
			return n;
		r = sk_handle_give(p, (sk_handle_t)n,
		    SK_R_SIGNAL | SK_R_WAIT | SK_R_DUP | SK_R_TRANSFER);
		if (r < 0) {
			sk_handle_close((sk_handle_t)n);
			return r;
		}
		h[SK_EXEC_H_EVENTS] = (sk_handle_t)r;
		*events = (sk_handle_t)n;
	}
	/* The descriptors' handles, in batches by ascending fd. */
	while (fd < st->fd_end) {
		for (m = 0; fd < st->fd_end && m < SK_GIVE_MAX; fd++) {
			if (st->fds[fd].h == 0)
				continue;
			fdat[m] = fd;
			src[m++] = st->fds[fd].h;
		}
		if ((r = sk_give_list(p, src, out, m)) < 0)
			return r;
		for (uint32_t j = 0; j < m; j++) {
			fds[k].fd = fdat[j];
			fds[k].h = out[j];
			k++;
		}
	}
	*nfds = k;
	return 0;
}

/*
 * Register child process p with proc; returns its pid or -errno. With
 * the child's event notification (events, the caller's handle) proc
 * attaches the child at once (and gets as, its address space, read-only,
 * if as is not 0): cb then holds what the child's PROC_ATTACH would have
 * learnt and cb->attached is set.
 */
static int64_t
proc_fork(sk_handle_t p, uint32_t flags, sk_handle_t events, sk_handle_t as,
    struct child_block *cb)
{
	struct sk_rpc m = { .label = PROC_FORK };
	int64_t d, r;

	if (L.h[SK_EXEC_H_PROC] == 0) {
		struct sk_proc_info pi;

		return sk_proc_info(p, &pi) < 0 ? -L_EIO : (int64_t)pi.koid;
	}
	if ((d = sk_handle_dup(p, SK_R_ALL)) < 0)
		return l_err(d);
	m.w[0] = flags;
	m.snd_h[m.snd_nh++] = (sk_handle_t)d;
	if (events != 0 && (d = sk_handle_dup(events, SK_R_SIGNAL | SK_R_TRANSFER)) >= 0) {
		m.snd_h[m.snd_nh++] = (sk_handle_t)d;
		if (as != 0 && (d = sk_handle_dup(as, SK_R_READ | SK_R_TRANSFER)) >= 0)
			m.snd_h[m.snd_nh++] = (sk_handle_t)d;
	}
	if ((r = sk_rpc(L.h[SK_EXEC_H_PROC], &m, SK_FOREVER)) < 0) {
		/* A failed call left the handles with us. */
		for (uint32_t i = 0; i < m.snd_nh; i++)
			sk_handle_close(m.snd_h[i]);
		return l_err(r);
	}
	if (m.snd_nh >= 2) {
		cb->attached = 1;
		cb->pid = (int32_t)r;
		cb->ppid = (int32_t)m.r[1];
		cb->pgid = (int32_t)m.r[2];
		cb->sid = (int32_t)m.r[3];
	}
	return r;
}

static int64_t
do_fork(struct sk_regs *r, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid,
    uint64_t tls)
{
	struct fork_block fb;		/* only its head and nfds fds are filled */
	int64_t as, p = -1, th, pid;
	sk_handle_t events = 0;

	/*
	 * The child's libos state is the copy-on-write copy of this one, at
	 * the same address; the parent writes only the child's block.
	 */
	if ((as = sk_as_clone(SK_H_SELF_AS)) < 0)
		return l_err(as);
	if ((p = sk_proc_create((sk_handle_t)as, "fork", 0)) < 0) {
		pid = l_err(p);
		goto out;
	}
	if ((pid = l_err(give_all((sk_handle_t)p, &L, fb.h, fb.fds, &fb.nfds, &events))) < 0)
		goto fail;
	memset(&fb.cb, 0, sizeof(fb.cb));
	/* proc attaches the child now: the block tells it its ids. */
	if ((pid = proc_fork((sk_handle_t)p, 0, events, (sk_handle_t)as, &fb.cb)) < 0)
		goto fail;
	fb.cb.frame = *r;
	fb.cb.frame.rax = 0;
	if (stack != 0)
		fb.cb.frame.rsp = stack;
	if (flags & CLONE_SETTLS)
		fb.cb.frame.fs_base = tls;
	fb.cb.state = l_state();
	fb.cb.stack = (uint64_t)fork_stack + sizeof(fork_stack);
	fb.cb.set_tid = (flags & CLONE_CHILD_SETTID) ? ctid : 0;
	fb.cb.fork = 1;
	fb.tid_address = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
	if (sk_as_write((sk_handle_t)as, (uint64_t)&fork_block, &fb,
	    __builtin_offsetof(struct fork_block, fds) + fb.nfds * sizeof(fb.fds[0])) < 0) {
		pid = -L_ENOMEM;
		goto fail;
	}
	th = sk_thread_create((sk_handle_t)p, (void *)libos_child,
	    fb.cb.stack, (uint64_t)&fork_block, 0, SK_PRIO_DEFAULT);
	if (th < 0) {
		pid = l_err(th);
		goto fail;
	}
	sk_handle_close((sk_handle_t)th);
	if (flags & CLONE_PARENT_SETTID) {
		uint32_t t32 = (uint32_t)pid;

		l_copyout(ptid, &t32, sizeof(t32));
	}
	goto out;
fail:
	sk_proc_kill((sk_handle_t)p, -1);
out:
	if (events != 0)
		sk_handle_close(events);
	if (p >= 0)
		sk_handle_close((sk_handle_t)p);
	sk_handle_close((sk_handle_t)as);
	return pid;
}

/*
 * vfork: the child runs in this address space on the parent's user stack
 * while the parent waits, with its own libos state (descriptor paths
 * copied, so the child closing one frees only its own) and system-call
 * stack. Both are freed when the child's kernel process is gone.
 */
static int64_t
do_vfork(struct sk_regs *r)
{
	struct libos_state *st;
	struct child_block *cb;
	struct l_fd_handle *fds;
	char *stk;
	int64_t p, th, pid, w;
	uint32_t nfds;
	sk_handle_t done, events = 0;

	st = l_alloc(sizeof(*st));
	cb = l_alloc(sizeof(*cb));
	stk = l_alloc(CHILD_STACK);
	fds = l_alloc(L_MAXFD * sizeof(*fds));
	if (st == NULL || cb == NULL || stk == NULL || fds == NULL) {
		pid = -L_ENOMEM;
		goto out_free;
	}
	memcpy(st, &L, sizeof(*st));
	for (int fd = 0; fd < st->fd_end; fd++)
		if (st->fds[fd].path != NULL)
			st->fds[fd].path = l_strdup(st->fds[fd].path);
	st->fdtab_off = 1;
	if ((p = sk_proc_create(SK_H_SELF_AS, "vfork", 0)) < 0) {
		pid = l_err(p);
		goto out_paths;
	}
	if ((pid = l_err(give_all((sk_handle_t)p, st, st->h, fds, &nfds, &events))) < 0)
		goto out_kill;
	fd_fork_fixup(st, fds, nfds);
	st->pid = 0;
	st->notes = 0;
	memset(cb, 0, sizeof(*cb));
	/* No address space of its own to show /proc/<pid>/fd from. */
	pid = proc_fork((sk_handle_t)p, PROC_FORK_VFORK, events, 0, cb);
	if (events != 0)
		sk_handle_close(events);
	if (pid < 0)
		goto out_kill;
	cb->frame = *r;
	cb->frame.rax = 0;
	cb->state = st;
	cb->stack = ((uint64_t)stk + CHILD_STACK) & ~15ull;
	if ((w = sk_notif_create()) < 0) {
		pid = l_err(w);
		goto out_kill;
	}
	done = (sk_handle_t)w;
	sk_obj_watch((sk_handle_t)p, done, 1);
	th = sk_thread_create((sk_handle_t)p, (void *)libos_child, cb->stack, (uint64_t)cb, 0,
	    SK_PRIO_DEFAULT);
	if (th < 0) {
		sk_handle_close(done);
		pid = l_err(th);
		goto out_kill;
	}
	sk_handle_close((sk_handle_t)th);
	/* Suspended until the child's process ends (its exit or its exec). */
	sk_notif_wait(done, SK_FOREVER);
	sk_handle_close(done);
	sk_handle_close((sk_handle_t)p);
	goto out_paths;
out_kill:
	sk_proc_kill((sk_handle_t)p, -1);
	sk_handle_close((sk_handle_t)p);
out_paths:
	if (st != NULL)
		for (int fd = 0; fd < st->fd_end; fd++)
			l_free(st->fds[fd].path);
out_free:
	l_free(st);
	l_free(cb);
	l_free(stk);
	l_free(fds);
	return pid;
}

/* A new thread of this process (CLONE_VM | CLONE_THREAD). */
static int64_t
do_thread(struct sk_regs *r, uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid,
    uint64_t tls)
{
	struct child_block *cb = l_alloc(sizeof(*cb));
	char *stk = l_alloc(CHILD_STACK);
	int64_t th;
	struct sk_handle_info hi;

	if (cb == NULL || stk == NULL) {
		l_free(cb);
		l_free(stk);
		return -L_ENOMEM;
	}
	memset(cb, 0, sizeof(*cb));
	cb->frame = *r;
	cb->frame.rax = 0;
	cb->frame.rsp = stack;
	if (flags & CLONE_SETTLS)
		cb->frame.fs_base = tls;
	cb->state = l_state();
	cb->stack = ((uint64_t)stk + CHILD_STACK) & ~15ull;
	cb->set_tid = (flags & CLONE_CHILD_SETTID) ? ctid : 0;
	cb->clear_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;
	cb->thread = 1;
	l_thread_born();
	th = sk_thread_create(SK_H_SELF_PROC, (void *)libos_child, cb->stack, (uint64_t)cb, 0,
	    SK_PRIO_DEFAULT);
	if (th < 0) {
		l_thread_exit_failed();
		l_free(cb);
		l_free(stk);
		return l_err(th);
	}
	/* The thread's id: the kernel's, which gettid also reports. */
	if (sk_handle_info((sk_handle_t)th, &hi) < 0)
		hi.koid = 0;
	sk_handle_close((sk_handle_t)th);
	if (flags & CLONE_PARENT_SETTID) {
		uint32_t t32 = (uint32_t)hi.koid;

		l_copyout(ptid, &t32, sizeof(t32));
	}
	return (int64_t)hi.koid;
}

L_HANDLER(clone)
{
	uint64_t flags = l_arg(r, 0), stack = l_arg(r, 1), ptid = l_arg(r, 2);
	uint64_t ctid = l_arg(r, 3), tls = l_arg(r, 4);

	if ((flags & CLONE_THREAD) && !(flags & CLONE_VM))
		return -L_EINVAL;
	if (flags & CLONE_THREAD)
		return do_thread(r, flags, stack, ptid, ctid, tls);
	if ((flags & (CLONE_VM | CLONE_VFORK)) == (CLONE_VM | CLONE_VFORK))
		return do_vfork(r);
	if (flags & CLONE_VM)
		return -L_EINVAL;	/* a process sharing memory without vfork: not yet */
	return do_fork(r, flags, stack, ptid, ctid, tls);
}

L_HANDLER(fork)
{
	return do_fork(r, 0, 0, 0, 0, 0);
}

L_HANDLER(vfork)
{
	return do_vfork(r);
}
