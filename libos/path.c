/*
 * Paths. vfs takes absolute paths only (abi/skiff/proto/vfs.h); the libos
 * joins a relative path to the canonical path of the current directory
 * or of the directory a descriptor names.
 */
#include "libos/libos.h"

/* Copy a NUL-terminated user string of at most max bytes (with the NUL). */
int64_t
l_copyin_str(char *dst, uint64_t src, uint64_t max)
{
	uint64_t i = 0, piece = 64;

	if (src == 0)
		return -L_EFAULT;
	/*
	 * Read in pieces that stop at page ends, so a string that ends just
	 * before an unmapped page is still read. The kernel copies byte by
	 * byte, so the pieces start small (most paths are short) and double.
	 */
	while (i < max) {
		uint64_t k = 4096 - ((src + i) & 4095);

		if (k > piece)
			k = piece;
		if (k > max - i)
			k = max - i;
		if (piece < 4096)
			piece *= 2;
		if (l_copyin(dst + i, src + i, k) < 0)
			return -L_EFAULT;
		for (uint64_t j = 0; j < k; j++)
			if (dst[i + j] == '\0')
				return (int64_t)(i + j);
		i += k;
	}
	return -L_ENAMETOOLONG;
}

/*
 * "/proc/self" names the calling process, which procfs cannot tell (the
 * request reaches it from vfs): the libos writes its own pid instead.
 */
static int64_t
proc_self(char *path, int64_t n)
{
	char pid[16];
	int pl;

	if (strncmp(path, "/proc/self", 10) != 0 || (path[10] != '\0' && path[10] != '/'))
		return n;
	pl = snprintf(pid, sizeof(pid), "%d", L.pid);
	if (n - 4 + pl >= L_PATH_MAX)
		return -L_ENAMETOOLONG;
	memmove(path + 6 + pl, path + 10, (size_t)(n - 10) + 1);
	memcpy(path + 6, pid, (size_t)pl);
	return n - 4 + pl;
}

/*
 * The absolute form of the user path upath relative to dirfd (L_AT_FDCWD
 * or a directory descriptor) into out (L_PATH_MAX bytes). An empty path is
 * -L_ENOENT unless empty_ok (then out is ""). Returns its length or -errno.
 * The user path is read into out itself: an absolute one stays where it
 * is, a relative one moves up behind the base directory's path.
 */
int64_t
l_path(int64_t dirfd, uint64_t upath, char *out, int empty_ok)
{
	const char *base;
	int64_t n = l_copyin_str(out, upath, L_PATH_MAX);
	size_t bl, sep;

	if (n < 0)
		return n;
	if (n == 0) {
		if (!empty_ok)
			return -L_ENOENT;
		return 0;
	}
	if (out[0] == '/')
		return proc_self(out, n);
	if ((int32_t)dirfd == L_AT_FDCWD) {
		base = L.cwd;
	} else {
		struct l_fd *f = fd_get((int32_t)dirfd);

		if (f == NULL)
			return -L_EBADF;
		if ((f->type & IO_S_IFMT) != IO_S_IFDIR)
			return -L_ENOTDIR;
		if (f->path == NULL)
			return -L_EBADF;
		base = f->path;
	}
	bl = strlen(base);
	if (bl + 1 + (size_t)n + 1 > L_PATH_MAX)
		return -L_ENAMETOOLONG;
	sep = bl == 0 || base[bl - 1] != '/';
	memmove(out + bl + sep, out, (size_t)n + 1);
	memcpy(out, base, bl);
	if (sep)
		out[bl] = '/';
	return proc_self(out, (int64_t)(bl + sep + (size_t)n));
}

int64_t
vfs_call(struct sk_rpc *m)
{
	if (L.h[SK_EXEC_H_VFS] == 0)
		return -L_ENOENT;
	return io_call(L.h[SK_EXEC_H_VFS], m);
}
