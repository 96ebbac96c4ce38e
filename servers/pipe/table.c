/*
 * The pipe table, the open-end table and the pool of ring buffers.
 */
#include "servers/pipe/server.h"

struct pipe pipes[MAX_PIPES];
struct end ends[MAX_ENDS];

static uint64_t next_ino = 1;

#define POOL_SIZE	((uint64_t)MAX_PIPES * PIPE_SIZE)
#define PT_SPAN		(2ull << 20)	/* memory one page table maps */

static uint64_t
buf_addr(const struct pipe *p)
{
	return BUF_BASE + (uint64_t)(p - pipes) * PIPE_SIZE;
}

/*
 * Make the page tables under the buffer pool once, at start-up: the
 * kernel keeps page tables when memory is unmapped, so building them here
 * means that pipes coming and going later return every page they used.
 * Returns 0 or an encoded error.
 */
int
pool_init(void)
{
	int64_t r;

	r = sk_as_map(SK_H_SELF_AS, BUF_BASE, POOL_SIZE, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED);
	if (r < 0)
		return (int)r;
	for (uint64_t off = 0; off < POOL_SIZE; off += PT_SPAN)
		*(volatile uint8_t *)(BUF_BASE + off) = 0;
	return (int)sk_as_unmap(SK_H_SELF_AS, BUF_BASE, POOL_SIZE);
}

int
npipes_used(void)
{
	int n = 0;

	for (int i = 0; i < MAX_PIPES; i++)
		n += pipes[i].used;
	return n;
}

/*
 * A new pipe with its buffer mapped and no ends, or SK_E_LIMIT when all
 * MAX_PIPES are in use (SK_E_NOMEM if the buffer cannot be mapped).
 */
int64_t
pipe_alloc(struct pipe **out)
{
	struct pipe *p = NULL;
	int64_t r;

	for (int i = 0; i < MAX_PIPES; i++)
		if (!pipes[i].used) {
			p = &pipes[i];
			break;
		}
	if (p == NULL)
		return SK_ERRVAL(SK_E_LIMIT, 0);
	r = sk_as_map(SK_H_SELF_AS, buf_addr(p), PIPE_SIZE, 0, 0,
	    SK_PROT_READ | SK_PROT_WRITE | SK_MAP_FIXED);
	if (r < 0)
		return SK_ERRVAL(SK_E_NOMEM, 0);
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->ino = next_ino++;
	p->ctime = p->atime = p->mtime = sk_clock_real();
	ps_init(&p->st, (void *)buf_addr(p), PIPE_SIZE);
	*out = p;
	return 0;
}

/* The last end of p went: its data and buffer go too. */
static void
pipe_release(struct pipe *p)
{
	sk_as_unmap(SK_H_SELF_AS, buf_addr(p), PIPE_SIZE);
	memset(p, 0, sizeof(*p));
}

/* Release p if no end names it (a FIFO whose first open failed). */
void
pipe_put(struct pipe *p)
{
	if (p->nends == 0)
		pipe_release(p);
}

struct pipe *
fifo_find(uint64_t dev, uint64_t ino)
{
	for (int i = 0; i < MAX_PIPES; i++)
		if (pipes[i].used && pipes[i].fifo && pipes[i].key_dev == dev &&
		    pipes[i].key_ino == ino)
			return &pipes[i];
	return NULL;
}

/*
 * A new open end of p with the given access and status flags, counted
 * as a reader and/or writer at once. SK_E_LIMIT when the table is full.
 */
int64_t
end_alloc(struct pipe *p, unsigned access, uint32_t flags, struct end **out)
{
	struct end *e = NULL;

	for (int i = 0; i < MAX_ENDS; i++)
		if (!ends[i].used) {
			e = &ends[i];
			break;
		}
	if (e == NULL)
		return SK_ERRVAL(SK_E_LIMIT, 0);
	e->used = true;
	e->gen++;
	e->access = (uint8_t)access;
	e->pipe = (uint16_t)(p - pipes);
	e->flags = flags;
	e->nreg = 0;
	/* A lone reader sees no hang-up before a first writer (ps_poll). */
	e->hup_wait = access == PS_READ && p->st.writers == 0;
	e->wsnap = p->st.wopens;
	e->rsnap = p->st.ropens;
	ps_open(&p->st, access);
	p->nends++;
	*out = e;
	return 0;
}

/*
 * End e is gone (its close notice came, or its handle was never handed
 * out): the other side may now see end of file or a broken pipe, and the
 * pipe goes with its last end.
 */
void
end_free(struct end *e)
{
	struct pipe *p = end_pipe(e);

	waiters_drop_end(e);
	ps_close(&p->st, e->access);
	e->used = false;
	if (--p->nends == 0)
		pipe_release(p);
	else
		waiters_wake(p);
}

uint64_t
end_badge(const struct end *e)
{
	return END_BADGE(e - ends, e->gen);
}

/* The live end a badge (with or without SK_BADGE_NOTIFY) names, or NULL. */
struct end *
end_lookup(uint64_t badge)
{
	uint64_t idx;
	struct end *e;

	badge &= ~SK_BADGE_NOTIFY;
	if ((badge & END_BADGE_MASK) != END_BADGE_TAG)
		return NULL;
	idx = badge & 0xffff;
	if (idx >= MAX_ENDS)
		return NULL;
	e = &ends[idx];
	if (!e->used || badge != end_badge(e))
		return NULL;
	return e;
}

/* A client handle for e: send, dup and transfer, never receive. */
int64_t
end_mint(const struct end *e)
{
	return sk_ep_mint_notify(pipe_ep, end_badge(e),
	    SK_R_SEND | SK_R_DUP | SK_R_TRANSFER);
}

/* Linux's "normal data" twins of IO_POLLIN and IO_POLLOUT, which pipes set too. */
#define POLLRDNORM	0x040
#define POLLWRNORM	0x100

/* The IO_POLL* events ready on e now (ps_poll, with the twins). */
uint32_t
end_poll(const struct end *e)
{
	const struct pipe *p = &pipes[e->pipe];
	uint32_t ev = ps_poll(&p->st, e->access, e->hup_wait, e->wsnap);

	if (ps_peer(&p->st, e->access, e->wsnap, e->rsnap))
		ev |= IO_POLLPEER;

	if (ev & IO_POLLIN)
		ev |= POLLRDNORM;
	if (ev & IO_POLLOUT)
		ev |= POLLWRNORM;
	return ev;
}
