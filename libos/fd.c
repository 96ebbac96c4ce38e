/*
 * The descriptor table: Linux fd numbers to handles of open objects.
 * Each descriptor holds its own handle (dup makes a new handle to the
 * same open object), so closing one never disturbs another, and the
 * server sees the open object go when the last handle to it is closed.
 */
#include "libos/libos.h"

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
		f->h = h;
		f->type = type;
		f->cloexec = cloexec != 0;
		f->nonblock = 0;
		f->path = NULL;
		if (path != NULL && (type & IO_S_IFMT) == IO_S_IFDIR)
			f->path = l_strdup(path);
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
	if (f->h != 0)
		sk_handle_close(f->h);
	l_free(f->path);
	memset(f, 0, sizeof(*f));
	return 0;
}

/*
 * Take the descriptors the creator listed in the start block. A process
 * started without any (by init, at boot) writes standard output and
 * error to the kernel log, the boot console; a service has the kernel
 * log on descriptors 0, 1 and 2 whatever the start block lists.
 */
void
fd_init(const struct sk_exec_start *st)
{
	memset(L.fds, 0, sizeof(L.fds));
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
		L.fds[e->fd].h = e->handle;
		L.fds[e->fd].type = e->type;
	}
}
