/*
 * The state of one pipe, without system calls: a ring buffer and the
 * number of open ends that may read and write. The pipe server keeps one
 * per pipe or FIFO; tests/host/test_pipe.c tests it on the host.
 *
 * Results follow the io protocol: a byte count >= 0 or SK_ERRVAL(code, 0).
 */
#ifndef SERVERS_PIPE_PIPESTATE_H
#define SERVERS_PIPE_PIPESTATE_H

#include <stdint.h>
#include <stdbool.h>

/* What an open end may do: bits of its access. */
#define PS_READ		1u
#define PS_WRITE	2u

struct pipe_state {
	uint8_t *buf;		/* cap bytes, owned by the caller */
	uint32_t cap;
	uint32_t head;		/* index of the oldest buffered byte */
	uint32_t len;		/* bytes buffered */
	uint32_t readers;	/* open ends with PS_READ */
	uint32_t writers;	/* open ends with PS_WRITE */
	uint64_t wopens;	/* write opens ever; see ps_poll */
	uint64_t ropens;	/* read opens ever; see ps_peer */
};

/* An empty pipe over buf (cap > 0 bytes) with no ends open. */
void ps_init(struct pipe_state *p, void *buf, uint32_t cap);

/* An end with access (PS_READ and/or PS_WRITE) opened or went away. */
void ps_open(struct pipe_state *p, unsigned access);
void ps_close(struct pipe_state *p, unsigned access);

/*
 * Write n bytes. 0 for n == 0; SK_E_PIPE with no reader; a write of at
 * most PIPE_BUF bytes goes in whole or answers SK_E_AGAIN; a longer one
 * takes what fits (SK_E_AGAIN when nothing does). Returns bytes taken.
 */
int64_t ps_write(struct pipe_state *p, const void *data, uint32_t n);

/*
 * Copy up to n buffered bytes to out without consuming them. Returns the
 * count, 0 for n == 0 or at end of file (empty, no writer), SK_E_AGAIN when
 * empty while a writer exists.
 */
int64_t ps_peek(const struct pipe_state *p, void *out, uint32_t n);

/* Drop the n oldest bytes (n <= len), e.g. after ps_peek's data was sent. */
void ps_consume(struct pipe_state *p, uint32_t n);

/*
 * Undo ps_consume: head and len are what they were before it, and
 * nothing was written to the pipe since. The bytes were not overwritten,
 * so they are buffered again.
 */
void ps_unconsume(struct pipe_state *p, uint32_t head, uint32_t len);

/* Bytes that fit now. */
static inline uint32_t
ps_space(const struct pipe_state *p)
{
	return p->cap - p->len;
}

/*
 * The IO_POLL* events ready for an end with the given access. A reader
 * is ready (IO_POLLIN) with data buffered, or with no writer left (then
 * IO_POLLIN | IO_POLLHUP) — except that a reader opened while no writer
 * existed (hup_wait, with wsnap = wopens at its open) sees no hang-up
 * until some writer has opened since, as on Linux for FIFOs. A writer is
 * ready (IO_POLLOUT) when PIPE_BUF bytes fit, and sees IO_POLLERR with no
 * reader left.
 */
uint32_t ps_poll(const struct pipe_state *p, unsigned access, bool hup_wait,
    uint64_t wsnap);

/*
 * Whether the other side is there for an end with the given access that
 * was opened when wopens and ropens were wsnap and rsnap (io.h
 * IO_POLLPEER): a reader's peer is a writer that is open or opened
 * since; a writer's is such a reader; an end that both reads and writes
 * is its own peer.
 */
bool ps_peer(const struct pipe_state *p, unsigned access, uint64_t wsnap, uint64_t rsnap);

#endif
