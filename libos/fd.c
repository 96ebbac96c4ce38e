/*
 * The descriptor table: Linux fd numbers to handles of open objects.
 * Each descriptor holds its own handle (dup makes a new handle to the
 * same open object), so closing one never disturbs another, and the
 * server sees the open object go when the last handle to it is closed.
 */
#include "libos/libos.h"

/* The table /proc/<pid>/fd shows (abi/skiff/proto/exec.h). */
#define FDTAB	((struct sk_fdtab *)SK_LINUX_FDTAB)

/*
 * Show descriptor fd with target (NULL: closed) in the published table.
 * A vfork child leaves the table, which is its parent's, alone.
 */
static void
publish(int fd, const char *target)
{
	uint64_t bit = 1ull << (fd % 64);

	if (L.fdtab_off || fd < 0 || fd >= SK_FDTAB_FDS)
		return;
	if (target == NULL) {
		FDTAB->open[fd / 64] &= ~bit;
		return;
	}
	strlcpy(FDTAB->target[fd], target, SK_FDTAB_TARGET);
	FDTAB->open[fd / 64] |= bit;
}

struct l_fd *
fd_get(int64_t fd)
{
	struct l_fd *f;

	if (fd < 0 || fd >= L_MAXFD)
		return NULL;
	f = &L.fds[fd];
	return (f->h != 0 || f->klog) ? f : NULL;
}

/*
 * Put handle h at the lowest free descriptor >= min. Returns the
 * descriptor or -L_EMFILE (the handle is then the caller's to close).
 */
int
fd_install(int min, sk_handle_t h, uint32_t type, int cloexec, const char *path)
{
	for (int fd = min < 0 ? 0 : min; fd < L_MAXFD; fd++) {
		struct l_fd *f = &L.fds[fd];

		if (f->h != 0 || f->klog)
			continue;
		if (fd >= L.fd_end)
			L.fd_end = fd + 1;
		f->h = h;
		f->type = type;
		f->cloexec = cloexec != 0;
		f->nonblock = 0;
		f->path = path != NULL ? l_strdup(path) : NULL;
		publish(fd, f->path != NULL ? f->path : "");
		return fd;
	}
	return -L_EMFILE;
}

int
fd_close(int fd)
{
	struct l_fd *f = fd_get(fd);

	if (f == NULL)
		return -L_EBADF;
	l_lock_close(f);
	if (f->h != 0)
		sk_handle_close(f->h);
	l_free(f->path);
	memset(f, 0, sizeof(*f));
	publish(fd, NULL);
	return 0;
}

/*
 * Give the descriptor table s, a fork child's copy of its parent's, the
 * child's handle values: v lists, by ascending fd, the descriptors the
 * parent gave handles for. A descriptor of s that v does not list (one
 * another thread of the parent opened while it forked) is closed, and a
 * handle v gives for a descriptor s does not have is closed, so the
 * child holds exactly the handles its table names.
 */
void
fd_fork_fixup(struct libos_state *s, const struct l_fd_handle *v, uint32_t n)
{
	uint32_t k = 0;

	for (int fd = 0; fd < s->fd_end; fd++) {
		struct l_fd *f = &s->fds[fd];

		while (k < n && v[k].fd < fd)
			sk_handle_close(v[k++].h);
		if (k < n && v[k].fd == fd && f->h != 0) {
			f->h = v[k++].h;
		} else if (f->h != 0) {
			l_free(f->path);
			memset(f, 0, sizeof(*f));
			if (!s->fdtab_off)
				publish(fd, NULL);
		}
	}
	while (k < n)
		sk_handle_close(v[k++].h);
}

/*
 * Take the descriptors the creator listed in the start block, with the
 * targets the loader wrote into the published table. A process started
 * without any (by init, at boot) writes standard output and error to the
 * kernel log, the boot console; a service has the kernel log on
 * descriptors 0, 1 and 2 whatever the start block lists.
 */
void
fd_init(const struct sk_exec_start *st)
{
	/* L is the first state of a new process: its descriptors are zero. */
	L.fd_end = 3;
	if (st->flags & SK_EXEC_F_SERVICE) {
		for (int i = 0; i < 3; i++)
			L.fds[i].klog = 1;
		return;
	}
	if (st->nfds == 0) {
		L.fds[1].klog = 1;
		L.fds[2].klog = 1;
		return;
	}
	for (uint32_t i = 0; i < st->nfds && i < SK_EXEC_MAXFD; i++) {
		const struct sk_exec_fd *e = &st->fds[i];

		if (e->fd < 0 || e->fd >= L_MAXFD || L.fds[e->fd].h != 0)
			continue;
		if (e->fd >= L.fd_end)
			L.fd_end = e->fd + 1;
		L.fds[e->fd].h = e->handle;
		L.fds[e->fd].type = e->type;
		if (e->fd < SK_FDTAB_FDS && (FDTAB->open[e->fd / 64] & (1ull << (e->fd % 64)))) {
			FDTAB->target[e->fd][SK_FDTAB_TARGET - 1] = '\0';
			if (FDTAB->target[e->fd][0] != '\0')
				L.fds[e->fd].path = l_strdup(FDTAB->target[e->fd]);
		} else {
			publish(e->fd, "");
		}
	}
}
