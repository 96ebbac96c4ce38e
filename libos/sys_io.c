/*
 * File descriptor calls. Until the tty and file servers exist, standard
 * output and error go to the kernel debug log and nothing can be read.
 */
#include "libos/libos.h"

#define L_TIOCGWINSZ	0x5413

/* Write n bytes at user address buf to the console. */
static int64_t
console_write(uint64_t buf, uint64_t n)
{
	uint64_t done = 0;

	while (done < n) {
		uint64_t chunk = n - done > 4096 ? 4096 : n - done;

		if (sk_debug_log((const void *)(buf + done), chunk) < 0)
			return done > 0 ? (int64_t)done : -L_EFAULT;
		done += chunk;
	}
	return (int64_t)done;
}

static int
is_console(uint64_t fd)
{
	return fd == 1 || fd == 2;
}

L_HANDLER(read)
{
	return -L_EBADF;
}

L_HANDLER(write)
{
	if (!is_console(l_arg(r, 0)))
		return -L_EBADF;
	if ((int64_t)l_arg(r, 2) < 0)
		return -L_EINVAL;
	return console_write(l_arg(r, 1), l_arg(r, 2));
}

L_HANDLER(writev)
{
	struct l_iovec iov[64];
	uint64_t cnt = l_arg(r, 2), total = 0;

	if (!is_console(l_arg(r, 0)))
		return -L_EBADF;
	if (cnt > 1024)
		return -L_EINVAL;
	for (uint64_t i = 0; i < cnt; i += 64) {
		uint64_t k = cnt - i > 64 ? 64 : cnt - i;

		if (l_copyin(iov, l_arg(r, 1) + i * sizeof(iov[0]), k * sizeof(iov[0])) < 0)
			return total > 0 ? (int64_t)total : -L_EFAULT;
		for (uint64_t j = 0; j < k; j++) {
			int64_t w = console_write(iov[j].base, iov[j].len);

			if (w < 0)
				return total > 0 ? (int64_t)total : w;
			total += (uint64_t)w;
		}
	}
	return (int64_t)total;
}

L_HANDLER(ioctl)
{
	if (l_arg(r, 0) > 2)
		return -L_EBADF;
	return -L_ENOTTY;
}
