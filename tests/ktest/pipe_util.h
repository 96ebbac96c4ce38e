/*
 * Helpers of the pipe server tests (t_pipe*.c): requests through sk_rpc
 * with a timeout, so a dead or stuck server fails the test instead of
 * hanging it.
 */
#ifndef KTEST_PIPE_UTIL_H
#define KTEST_PIPE_UTIL_H

#include "ktest.h"
#include "abi/skiff/proto/io.h"
#include "abi/skiff/proto/pipe.h"

#define PSEC	1000000000ull
#define PTIMEOUT (10 * PSEC)

/* The test's handle to the pipe service, or SKIP (in a KTEST body). */
#define PIPE_SVC() ({ \
	sk_handle_t _s = KT_SVC(given, SVC_PIPE); \
	if (_s == 0) \
		SKIP("no pipe service in the boot image"); \
	_s; })

/* A request with words only (and an optional reply buffer). */
static inline int64_t
p_call(sk_handle_t h, uint32_t label, uint64_t w0, uint64_t w1, void *rcv,
    uint32_t rcv_max, struct sk_rpc *out)
{
	struct sk_rpc m;
	int64_t r;

	memset(&m, 0, sizeof(m));
	m.label = label;
	m.w[0] = w0;
	m.w[1] = w1;
	m.rcv = rcv;
	m.rcv_max = rcv_max;
	r = sk_rpc(h, &m, PTIMEOUT);
	if (out != NULL)
		*out = m;
	for (uint32_t i = 0; out == NULL && i < m.rcv_nh; i++)
		sk_handle_close(m.rcv_h[i]);
	return r;
}

/* A new pipe: *r the read end, *w the write end; FAIL if it cannot be made. */
static inline void
p_create(sk_handle_t svc, sk_handle_t *r, sk_handle_t *w)
{
	struct sk_rpc m;
	int64_t res = p_call(svc, PIPE_CREATE, 0, 0, NULL, 0, &m);

	if (res < 0)
		FAIL("PIPE_CREATE failed: %s", sk_errname(SK_ERR(res)));
	if (m.rcv_nh != 2)
		FAIL("PIPE_CREATE gave %u handles, expected 2", m.rcv_nh);
	*r = m.rcv_h[0];
	*w = m.rcv_h[1];
}

static inline int64_t
p_write(sk_handle_t w, const void *buf, uint32_t n)
{
	struct sk_rpc m;

	memset(&m, 0, sizeof(m));
	m.label = IO_WRITE;
	m.w[1] = IO_OFF_CUR;
	m.snd = buf;
	m.snd_len = n;
	return sk_rpc(w, &m, PTIMEOUT);
}

/* Read up to n bytes into buf; the reply's payload must match its count. */
static inline int64_t
p_read(sk_handle_t r, void *buf, uint32_t n)
{
	struct sk_rpc m;
	int64_t res;

	memset(&m, 0, sizeof(m));
	m.label = IO_READ;
	m.w[0] = n;
	m.w[1] = IO_OFF_CUR;
	m.rcv = buf;
	m.rcv_max = n;
	res = sk_rpc(r, &m, PTIMEOUT);
	if (res >= 0 && m.rcv_len != (uint64_t)res)
		FAIL("IO_READ answered %ld with %u bytes of payload", (long)res, m.rcv_len);
	return res;
}

/*
 * IO_POLL for events; with notif != 0 a copy of it (signal right) goes
 * along to be armed with bits.
 */
static inline int64_t
p_poll(sk_handle_t h, uint32_t events, sk_handle_t notif, uint64_t bits)
{
	struct sk_rpc m;
	int64_t d;

	memset(&m, 0, sizeof(m));
	m.label = IO_POLL;
	m.w[0] = events;
	m.w[1] = bits;
	if (notif != 0) {
		if ((d = sk_handle_dup(notif, SK_R_SIGNAL | SK_R_TRANSFER)) < 0)
			FAIL("cannot dup the notification: %s", sk_errname(SK_ERR(d)));
		m.snd_nh = 1;
		m.snd_h[0] = (sk_handle_t)d;
	}
	return sk_rpc(h, &m, PTIMEOUT);
}

#endif
