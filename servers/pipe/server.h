/*
 * The pipe server (abi/skiff/proto/pipe.h): shared declarations of its
 * files. main.c has the receive loop, ops.c one function per request,
 * table.c the pipes, their open ends and their buffers, poll.c the armed
 * readiness notifications, pipestate.c the ring buffer logic.
 *
 * An open end is what a client holds: an endpoint handle minted with
 * SK_MINT_NOTIFY whose badge names a slot of the end table (and its
 * generation, so a stale badge never names a newer end). An anonymous
 * pipe has two ends; a FIFO gets one end per open. A pipe lives while
 * some end names it.
 */
#ifndef SERVERS_PIPE_SERVER_H
#define SERVERS_PIPE_SERVER_H

#include "sk.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/pipe.h"
#include "abi/skiff/proto/svc.h"
#include "servers/pipe/pipestate.h"

#define MAX_PIPES	256	/* pipes and FIFOs at once; SK_E_LIMIT beyond */
#define MAX_ENDS	1024	/* open ends at once */
#define MAX_WAITERS	256	/* IO_POLL notifications held, all pipes */
#define MAX_PIPE_WAITERS 64	/* of them armed on one pipe */
_Static_assert(MAX_ENDS <= 0x10000 && MAX_PIPES <= 0x10000, "16-bit indices");

/*
 * Ring buffers: slot i of the pool is PIPE_SIZE bytes of anonymous memory
 * at BUF_BASE + i * PIPE_SIZE, mapped while pipe i exists, so its pages go
 * back to the kernel when the pipe goes.
 */
#define BUF_BASE	0x0000500000000000ull

/*
 * Badges of open ends: a tag, this server instance (end_instance, bits
 * 40-55, from its process id: a restarted server must not take the
 * badges of ends its predecessor handed out, which stay valid until their
 * holders close them), the end's generation and its slot.
 */
#define END_BADGE_TAG	(0x50ull << 56)
#define END_BADGE_MASK	(0x7full << 56)
#define END_BADGE(idx, gen) \
	(END_BADGE_TAG | end_instance | ((uint64_t)((gen) & 0xffffff) << 16) | \
	(uint64_t)(idx))
extern uint64_t end_instance;

/* The io protocol's file system number for pipes in io_stat.dev. */
#define PIPE_DEV	((uint64_t)SVC_PIPE << 32)

struct pipe {
	bool used;
	bool fifo;		/* a named pipe, found by (key_dev, key_ino) */
	uint32_t nends;		/* open ends naming it */
	uint32_t nwaiters;	/* armed registrations on its ends */
	uint64_t key_dev, key_ino;
	uint64_t ino;		/* unique per pipe, for IO_STAT */
	uint32_t uid, gid;	/* of its creator */
	int64_t ctime, atime, mtime;	/* ns since boot */
	struct pipe_state st;
};

struct end {
	bool used;
	uint8_t access;		/* PS_READ, PS_WRITE or both (FIFO O_RDWR) */
	bool hup_wait;		/* see ps_poll */
	uint16_t pipe;		/* index in pipes[] */
	uint32_t gen;
	uint32_t flags;		/* IO_NONBLOCK | IO_APPEND, as last set */
	uint32_t nreg;		/* registrations (poll.c) on it, armed or not */
	uint64_t wsnap;		/* the pipe's wopens and ropens at this open */
	uint64_t rsnap;
};

extern struct pipe pipes[MAX_PIPES];
extern struct end ends[MAX_ENDS];
extern sk_handle_t pipe_ep;	/* the service endpoint */

/* table.c */
int pool_init(void);
int64_t pipe_alloc(struct pipe **out);
struct pipe *fifo_find(uint64_t dev, uint64_t ino);
void pipe_put(struct pipe *p);
int64_t end_alloc(struct pipe *p, unsigned access, uint32_t flags, struct end **out);
void end_free(struct end *e);
struct end *end_lookup(uint64_t badge);
uint64_t end_badge(const struct end *e);
int64_t end_mint(const struct end *e);
uint32_t end_poll(const struct end *e);
int npipes_used(void);

static inline struct pipe *
end_pipe(const struct end *e)
{
	return &pipes[e->pipe];
}

/* poll.c */
void waiters_init(void);
int64_t waiter_arm(struct end *e, uint64_t pid, sk_handle_t notif, uint64_t bits,
    uint32_t events);
bool waiter_rearm(struct end *e, uint64_t pid, uint32_t events);
void waiters_wake(struct pipe *p);
void waiters_drop_end(struct end *e);

/*
 * A request as received and the reply to make. Handlers fill rep: w0 the
 * result; optionally data/len (a payload) and h/nh (handles to move).
 * After a reply with a payload was delivered, main.c consumes consume
 * bytes from consume_end's pipe (so a failed reply loses no data); the
 * handles of a reply that could not be delivered are closed.
 */
struct req {
	uint32_t label;
	uint64_t w[SK_MSG_WORDS];
	uint64_t badge;		/* without SK_BADGE_NOTIFY */
	const uint8_t *data;	/* payload, len bytes */
	uint32_t len;
	uint32_t nh;
	sk_handle_t h[SK_MSG_HANDLES];
	const struct sk_sender *sender;
};

struct rep {
	int64_t w0;
	uint64_t w1;		/* IO_ARMED after an SK_E_AGAIN that armed */
	const void *data;
	uint32_t len;
	uint32_t nh;
	sk_handle_t h[2];
	struct end *consume_end;
	uint32_t consume;
};

/* ops.c: handle a request (no close notices) and fill rep. */
void op_dispatch(struct req *rq, struct rep *rp);

/*
 * The payload buffer: requests arrive in it and reply payloads leave from
 * it (a request that makes a payload carries none).
 */
#define MSG_BUF_SIZE	SK_MSG_PAYLOAD_MAX
extern uint8_t msg_buf[MSG_BUF_SIZE];

#endif
