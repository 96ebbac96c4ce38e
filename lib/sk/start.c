/*
 * sk_start_handles: a service's start handles, asked of its libos once
 * with the Linux-numbered extension call skiff_start_handles
 * (abi/skiff/proto/exec.h).
 */
#include "sk.h"
#include "abi/skiff/proto/exec.h"

_Static_assert(sizeof(sk_handle_t) == sizeof(uint32_t), "start handles are uint32_t");

static sk_handle_t handles[SK_EXEC_START_HANDLES];
static uint32_t nhandles;
static int asked;

const sk_handle_t *
sk_start_handles(uint32_t *n)
{
	int64_t r;

	if (!asked) {
		r = sk_syscall6(SK_LINUX_SYS_START_HANDLES, (uint64_t)handles,
		    SK_EXEC_START_HANDLES, 0, 0, 0, 0);
		nhandles = r < 0 ? 0 : r > SK_EXEC_START_HANDLES ? SK_EXEC_START_HANDLES :
		    (uint32_t)r;
		asked = 1;
	}
	*n = nhandles;
	return handles;
}
