/*
 * Skiff errors (abi/skiff/errors.h) as Linux errno values.
 */
#include "libos/libos.h"

static const uint8_t map[SK_E_COUNT] = {
	[SK_OK] = 0,
	[SK_E_BADHANDLE] = L_EBADF,
	[SK_E_CLOSED] = L_EBADF,
	[SK_E_WRONGTYPE] = L_EBADF,
	[SK_E_RIGHTS] = L_EBADF,
	[SK_E_FAULT] = L_EFAULT,
	[SK_E_INVAL] = L_EINVAL,
	[SK_E_NOMEM] = L_ENOMEM,
	[SK_E_TIMEOUT] = L_EAGAIN,
	[SK_E_PEERDIED] = L_EIO,
	[SK_E_TOOBIG] = L_E2BIG,
	[SK_E_NOSYS] = L_ENOSYS,
	[SK_E_PRIV] = L_EPERM,
	[SK_E_BUSY] = L_EBUSY,
	[SK_E_ALIGN] = L_EINVAL,
	[SK_E_RANGE] = L_EFAULT,
	[SK_E_NOSPACE] = L_EMFILE,
	[SK_E_STATE] = L_EINVAL,
	[SK_E_EXISTS] = L_EEXIST,
	[SK_E_NOENT] = L_ENOENT,
	[SK_E_NOREPLY] = L_EIO,
	[SK_E_AGAIN] = L_EAGAIN,
	[SK_E_ACCESS] = L_EACCES,
	[SK_E_NOTDIR] = L_ENOTDIR,
	[SK_E_ISDIR] = L_EISDIR,
	[SK_E_NOTEMPTY] = L_ENOTEMPTY,
	[SK_E_LOOP] = L_ELOOP,
	[SK_E_NAMETOOLONG] = L_ENAMETOOLONG,
	[SK_E_XDEV] = L_EXDEV,
	[SK_E_NOTTY] = L_ENOTTY,
	[SK_E_SPIPE] = L_ESPIPE,
	[SK_E_PIPE] = L_EPIPE,
	[SK_E_ROFS] = L_EROFS,
	[SK_E_NOSPC] = L_ENOSPC,
	[SK_E_CHILD] = L_ECHILD,
	[SK_E_SRCH] = L_ESRCH,
	[SK_E_INTR] = L_EINTR,
	[SK_E_PERM] = L_EPERM,
	[SK_E_BADF] = L_EBADF,
	[SK_E_MLINK] = L_EMLINK,
	[SK_E_FBIG] = L_EFBIG,
	[SK_E_NXIO] = L_ENXIO,
	[SK_E_IO] = L_EIO,
	[SK_E_NOEXEC] = L_ENOEXEC,
	[SK_E_TXTBSY] = L_ETXTBSY,
	[SK_E_NOTSUP] = L_EOPNOTSUPP,
	[SK_E_LIMIT] = L_EAGAIN,
	[SK_E_BACKGROUND] = L_EIO,	/* io.c turns it into SIGTTIN or SIGTTOU first */
};

int64_t
l_err(int64_t skr)
{
	int code = SK_ERR(skr);

	if (skr >= 0)
		return skr;
	if (code <= 0 || code >= SK_E_COUNT || map[code] == 0)
		return -L_EIO;
	return -(int64_t)map[code];
}
