/*
 * The one error enum of Skiff, shared by the kernel, servers and libraries.
 *
 * A native system call returns a value >= 0 on success. On failure it returns
 * -(code | argno << 8): code is one of the SK_E_* values below and argno is
 * the 1-based position of the system call argument that was wrong (0 when
 * no single argument is to blame). Use SK_ERR() and SK_ERRARG() to take a
 * result apart and sk_errname() for a readable name.
 */
#ifndef SKIFF_ERRORS_H
#define SKIFF_ERRORS_H

#include <stdint.h>

/* X(name, value, text): the single list every table is made from. */
#define SK_ERRORS(X) \
	X(SK_OK,	  0, "success") \
	X(SK_E_BADHANDLE, 1, "no such handle") \
	X(SK_E_CLOSED,	  2, "handle was closed") \
	X(SK_E_WRONGTYPE, 3, "handle refers to the wrong type of object") \
	X(SK_E_RIGHTS,	  4, "handle lacks a right the call needs") \
	X(SK_E_FAULT,	  5, "bad user address") \
	X(SK_E_INVAL,	  6, "invalid argument") \
	X(SK_E_NOMEM,	  7, "out of memory") \
	X(SK_E_TIMEOUT,	  8, "timed out") \
	X(SK_E_PEERDIED,  9, "peer died") \
	X(SK_E_TOOBIG,	 10, "message or length too big") \
	X(SK_E_NOSYS,	 11, "no such system call") \
	X(SK_E_PRIV,	 12, "process lacks the privilege") \
	X(SK_E_BUSY,	 13, "object is busy") \
	X(SK_E_ALIGN,	 14, "address or length not aligned") \
	X(SK_E_RANGE,	 15, "address range is invalid or not mapped") \
	X(SK_E_NOSPACE,	 16, "handle table is full") \
	X(SK_E_STATE,	 17, "object is in the wrong state for this call") \
	X(SK_E_EXISTS,	 18, "already exists") \
	X(SK_E_NOENT,	 19, "no such entry") \
	X(SK_E_NOREPLY,	 20, "the server received another message without replying") \
	/* Errors of the user-space servers (file systems, proc, tty, pipes). */ \
	X(SK_E_AGAIN,	 21, "the operation would block") \
	X(SK_E_ACCESS,	 22, "permission denied") \
	X(SK_E_NOTDIR,	 23, "not a directory") \
	X(SK_E_ISDIR,	 24, "is a directory") \
	X(SK_E_NOTEMPTY, 25, "directory not empty") \
	X(SK_E_LOOP,	 26, "too many levels of symbolic links") \
	X(SK_E_NAMETOOLONG, 27, "file name too long") \
	X(SK_E_XDEV,	 28, "cross-device link") \
	X(SK_E_NOTTY,	 29, "inappropriate ioctl for device") \
	X(SK_E_SPIPE,	 30, "illegal seek") \
	X(SK_E_PIPE,	 31, "broken pipe") \
	X(SK_E_ROFS,	 32, "read-only file system") \
	X(SK_E_NOSPC,	 33, "no space left on device") \
	X(SK_E_CHILD,	 34, "no child processes") \
	X(SK_E_SRCH,	 35, "no such process") \
	X(SK_E_INTR,	 36, "interrupted") \
	X(SK_E_PERM,	 37, "operation not permitted") \
	X(SK_E_BADF,	 38, "bad file descriptor or wrong open mode") \
	X(SK_E_MLINK,	 39, "too many links") \
	X(SK_E_FBIG,	 40, "file too large") \
	X(SK_E_NXIO,	 41, "no such device") \
	X(SK_E_IO,	 42, "input/output error") \
	X(SK_E_NOEXEC,	 43, "not an executable format") \
	X(SK_E_TXTBSY,	 44, "text file busy") \
	X(SK_E_NOTSUP,	 45, "operation not supported") \
	X(SK_E_LIMIT,	 46, "a resource limit was reached") \
	X(SK_E_BACKGROUND, 47, "a background process used its controlling terminal")

enum sk_err {
#define SK_ERR_ENUM(name, value, text) name = value,
	SK_ERRORS(SK_ERR_ENUM)
#undef SK_ERR_ENUM
	SK_E_COUNT
};

#define SK_ERR(r)	((int)((-(int64_t)(r)) & 0xff))
#define SK_ERRARG(r)	((int)((-(int64_t)(r)) >> 8))
#define SK_ERRVAL(code, argno)	(-(int64_t)((code) | ((argno) << 8)))

static inline const char *
sk_errname(int code)
{
	static const char *const names[] = {
#define SK_ERR_NAME(name, value, text) [value] = #name,
		SK_ERRORS(SK_ERR_NAME)
#undef SK_ERR_NAME
	};
	if (code < 0 || code >= SK_E_COUNT || names[code] == 0)
		return "SK_E_UNKNOWN";
	return names[code];
}

static inline const char *
sk_errtext(int code)
{
	static const char *const texts[] = {
#define SK_ERR_TEXT(name, value, text) [value] = text,
		SK_ERRORS(SK_ERR_TEXT)
#undef SK_ERR_TEXT
	};
	if (code < 0 || code >= SK_E_COUNT || texts[code] == 0)
		return "unknown error";
	return texts[code];
}

#endif
