/*
 * The vfs_fsops table that speaks fs.h (and pipe.h's PIPE_FIFO_OPEN) over
 * IPC, with a finite timeout on every call: a file system that died or
 * does not answer fails the request with SK_E_IO and vfs goes on.
 */
#ifndef SERVERS_VFS_FSCLIENT_H
#define SERVERS_VFS_FSCLIENT_H

#include "sk.h"
#include "abi/skiff/proto/svc.h"
#include "servers/vfs/vfs.h"

#define FSC_TIMEOUT	(5ull * 1000000000ull)	/* per call, in ns */

struct fsclient {
	sk_handle_t fs[SVC_COUNT];	/* send handle per file system service, or 0 */
	sk_handle_t pipe;		/* the pipe server, or 0 */
	uint8_t nowalk[SVC_COUNT];	/* the file system answered FS_WALK with SK_E_NOSYS */
};

/* Fill ops with the IPC implementation working on c. */
void fsclient_init(struct vfs_fsops *ops, struct fsclient *c);

#endif
