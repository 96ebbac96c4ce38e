/*
 * The pipe protocol: pipes and FIFOs. The pipe server hands out the two
 * ends of a pipe as open objects (io.h): IO_READ on the read end, IO_WRITE
 * on the write end, IO_POLL, IO_STAT (an IO_S_IFIFO), IO_GETFL/SETFL.
 *
 * POSIX semantics: a read of an empty pipe answers SK_E_AGAIN while a
 * writer exists and 0 (end of file) once the last write-end handle is
 * gone; a write with no reader left answers SK_E_PIPE (the libos raises
 * SIGPIPE); a write of at most PIPE_BUF bytes is all-or-nothing (SK_E_AGAIN
 * when it does not fit), a longer one may be partial. The server learns
 * that an end is gone from the close notice of its badge.
 */
#ifndef SKIFF_PROTO_PIPE_H
#define SKIFF_PROTO_PIPE_H

#include <stdint.h>

#define PIPE_BUF	4096
#define PIPE_SIZE	65536	/* capacity of one pipe */

enum pipe_op {
	PIPE_CREATE = 0x500,	/* w0 = 0 or IO_NONBLOCK (set on both ends) -> two
				   handles: [0] the read end, [1] the write end;
				   w0 = the pipe's inode number (IO_STAT's ino) */
	PIPE_FIFO_OPEN,		/* services only (vfs): w0 = FIFO key (dev), w1 = key
				   (ino), w2 = IO_O_* flags -> handle: one end of the
				   named pipe with that key (created on first open) */
};

#endif
