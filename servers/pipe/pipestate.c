/*
 * One pipe's ring buffer and end counts; see pipestate.h.
 */
#include "servers/pipe/pipestate.h"
#include "abi/skiff/errors.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/pipe.h"
#include "lib/common/string.h"

void
ps_init(struct pipe_state *p, void *buf, uint32_t cap)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->cap = cap;
}

void
ps_open(struct pipe_state *p, unsigned access)
{
	if (access & PS_READ) {
		p->readers++;
		p->ropens++;
	}
	if (access & PS_WRITE) {
		p->writers++;
		p->wopens++;
	}
}

void
ps_close(struct pipe_state *p, unsigned access)
{
	if ((access & PS_READ) && p->readers > 0)
		p->readers--;
	if ((access & PS_WRITE) && p->writers > 0)
		p->writers--;
}

int64_t
ps_write(struct pipe_state *p, const void *data, uint32_t n)
{
	uint32_t tail, first;

	if (n == 0)
		return 0;
	if (p->readers == 0)
		return SK_ERRVAL(SK_E_PIPE, 0);
	if (n <= PIPE_BUF ? ps_space(p) < n : ps_space(p) == 0)
		return SK_ERRVAL(SK_E_AGAIN, 0);
	if (n > ps_space(p))
		n = ps_space(p);
	/* The free part starts at tail and may wrap to the front. */
	tail = (p->head + p->len) % p->cap;
	first = p->cap - tail < n ? p->cap - tail : n;
	memcpy(p->buf + tail, data, first);
	if (n > first)	/* the wrapped part, rarely there */
		memcpy(p->buf, (const uint8_t *)data + first, n - first);
	p->len += n;
	return n;
}

int64_t
ps_peek(const struct pipe_state *p, void *out, uint32_t n)
{
	uint32_t first;

	if (n == 0)
		return 0;
	if (p->len == 0)
		return p->writers == 0 ? 0 : SK_ERRVAL(SK_E_AGAIN, 0);
	if (n > p->len)
		n = p->len;
	first = p->cap - p->head < n ? p->cap - p->head : n;
	memcpy(out, p->buf + p->head, first);
	if (n > first)
		memcpy((uint8_t *)out + first, p->buf, n - first);
	return n;
}

void
ps_consume(struct pipe_state *p, uint32_t n)
{
	if (n > p->len)
		n = p->len;
	p->head = (p->head + n) % p->cap;
	p->len -= n;
	/* Start over at the front: fewer pages of the buffer get touched. */
	if (p->len == 0)
		p->head = 0;
}

void
ps_unconsume(struct pipe_state *p, uint32_t head, uint32_t len)
{
	p->head = head;
	p->len = len;
}

bool
ps_peer(const struct pipe_state *p, unsigned access, uint64_t wsnap, uint64_t rsnap)
{
	if (access == (PS_READ | PS_WRITE))
		return true;
	if (access & PS_READ)
		return p->writers > 0 || p->wopens != wsnap;
	return p->readers > 0 || p->ropens != rsnap;
}

uint32_t
ps_poll(const struct pipe_state *p, unsigned access, bool hup_wait, uint64_t wsnap)
{
	uint32_t ev = 0;

	if (access & PS_READ) {
		if (p->len > 0)
			ev |= IO_POLLIN;
		if (p->writers == 0 && !(hup_wait && p->wopens == wsnap))
			ev |= IO_POLLIN | IO_POLLHUP;
	}
	if (access & PS_WRITE) {
		if (ps_space(p) >= PIPE_BUF)
			ev |= IO_POLLOUT;
		if (p->readers == 0)
			ev |= IO_POLLERR;
	}
	return ev;
}
