/*
 * The pipe server, part 2: armed polls signalled from another process,
 * close notices freeing pipes, the pipe limit, garbage requests, FIFOs.
 */
#include "pipe_util.h"

#define MS	1000000ull

/* Child: write arg bytes of 'x' to the write end h[0], then exit. */
static int
write_later(uint64_t arg, const sk_handle_t *h)
{
	static const char xs[16] = "xxxxxxxxxxxxxxxx";

	sk_sleep(20 * MS);
	return p_write(h[0], xs, (uint32_t)arg) == (int64_t)arg ? 0 : 1;
}

KTEST(pipe_poll_signals_on_data)
{
	sk_handle_t svc = PIPE_SVC(), r, w, give[1];
	struct sk_proc_info pi;
	int64_t n, p, bits;
	char buf[16];

	CHECK_OK(n = sk_notif_create());
	p_create(svc, &r, &w);
	/* Nothing ready: the notification is kept. */
	CHECK(p_poll(r, IO_POLLIN, (sk_handle_t)n, 0x4) == 0);
	give[0] = w;
	CHECK_OK(p = sk_spawn_fn("pipe-writer", write_later, 3, give, 1, 0));
	CHECK_OK(sk_handle_close(w));	/* the child holds the only write end */
	bits = sk_notif_wait((sk_handle_t)n, 5 * PSEC);
	if (bits < 0)
		FAIL("no signal when data arrived: %s", sk_errname(SK_ERR(bits)));
	CHECK(bits == 0x4);
	CHECK(p_read(r, buf, sizeof(buf)) == 3);
	CHECK_OK(sk_proc_wait((sk_handle_t)p, 5 * PSEC, &pi));
	CHECK(pi.state == SK_PROC_EXITED && pi.exit_code == 0);
	sk_handle_close((sk_handle_t)p);
	/* The writer is gone with the child: ready at once, end of file. */
	CHECK(p_poll(r, IO_POLLIN, (sk_handle_t)n, 0x8) == (IO_POLLIN | IO_POLLHUP));
	CHECK(p_read(r, buf, sizeof(buf)) == 0);
	CHECK_ERR(sk_notif_wait((sk_handle_t)n, 10 * MS), SK_E_TIMEOUT, -1);
	sk_handle_close(r);
	sk_handle_close((sk_handle_t)n);
	return 0;
}

/* Closing the other end signals an armed poll; arming again replaces. */
KTEST(pipe_poll_signals_on_close)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	static uint8_t fill[IO_CHUNK];
	int64_t n, bits;

	CHECK_OK(n = sk_notif_create());
	p_create(svc, &r, &w);
	CHECK(p_poll(r, IO_POLLIN, (sk_handle_t)n, 0x1) == 0);
	CHECK(p_poll(r, IO_POLLIN, (sk_handle_t)n, 0x2) == 0);	/* replaces 0x1 */
	CHECK_OK(sk_handle_close(w));
	CHECK(p_poll(r, 0, 0, 0) == IO_POLLHUP);	/* a round trip */
	bits = sk_notif_wait((sk_handle_t)n, 5 * PSEC);
	if (bits != 0x2)
		FAIL("closing the write end signalled %ld, expected 0x2", (long)bits);
	sk_handle_close(r);
	/* A writer waiting for room wakes with an error when the reader goes. */
	p_create(svc, &r, &w);
	CHECK(p_write(w, fill, IO_CHUNK) == IO_CHUNK);
	CHECK(p_write(w, fill, 1) == 1);	/* now less than PIPE_BUF fits */
	CHECK(p_poll(w, IO_POLLOUT, (sk_handle_t)n, 0x10) == 0);
	CHECK_OK(sk_handle_close(r));
	CHECK_ERR(p_write(w, fill, 1), SK_E_PIPE, -1);
	bits = sk_notif_wait((sk_handle_t)n, 5 * PSEC);
	if (bits != 0x10)
		FAIL("closing the read end signalled %ld, expected 0x10", (long)bits);
	/* Ready at once: the notification comes back closed, never kept. */
	CHECK(p_poll(w, IO_POLLOUT, (sk_handle_t)n, 0x20) == IO_POLLERR);
	sk_handle_close(w);
	sk_handle_close((sk_handle_t)n);
	return 0;
}

/* An IO_READ or IO_WRITE with w2 = arm; the reply's w1 in *w1. */
static int64_t
rw_arm(sk_handle_t h, uint32_t label, void *buf, uint32_t n, uint64_t arm,
    uint64_t *w1)
{
	struct sk_rpc m;
	int64_t r;

	memset(&m, 0, sizeof(m));
	m.label = label;
	m.w[1] = IO_OFF_CUR;
	m.w[2] = arm;
	if (label == IO_READ) {
		m.w[0] = n;
		m.rcv = buf;
		m.rcv_max = n;
	} else {
		m.snd = buf;
		m.snd_len = n;
	}
	r = sk_rpc(h, &m, PTIMEOUT);
	*w1 = m.r[1];
	return r;
}

/*
 * IO_RW_ARM: a read or write that would block arms the registration an
 * earlier IO_POLL of this process left on the end, and says so; without
 * one nothing is armed. Each arming signals once.
 */
KTEST(pipe_rw_arm)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	static uint8_t fill[IO_CHUNK];
	uint64_t w1;
	int64_t n;
	char buf[8];

	CHECK_OK(n = sk_notif_create());
	p_create(svc, &r, &w);
	/* No registration yet: SK_E_AGAIN, nothing armed. */
	CHECK_ERR(rw_arm(r, IO_READ, buf, sizeof(buf), IO_RW_ARM, &w1), SK_E_AGAIN, -1);
	CHECK(w1 != IO_ARMED);
	CHECK_ERR(rw_arm(r, IO_READ, buf, sizeof(buf), 2, &w1), SK_E_INVAL, 3);
	CHECK(p_poll(r, IO_POLLIN, (sk_handle_t)n, 0x4) == 0);
	CHECK(p_write(w, "ab", 2) == 2);
	CHECK(sk_notif_wait((sk_handle_t)n, 5 * PSEC) == 0x4);
	CHECK(rw_arm(r, IO_READ, buf, sizeof(buf), IO_RW_ARM, &w1) == 2);
	CHECK(memcmp(buf, "ab", 2) == 0);
	/* The registration was kept: the next empty read arms it. */
	for (int round = 0; round < 3; round++) {
		CHECK_ERR(rw_arm(r, IO_READ, buf, sizeof(buf), IO_RW_ARM, &w1),
		    SK_E_AGAIN, -1);
		CHECK(w1 == IO_ARMED);
		CHECK_ERR(sk_notif_wait((sk_handle_t)n, 10 * MS), SK_E_TIMEOUT, -1);
		CHECK(p_write(w, "c", 1) == 1);
		CHECK(sk_notif_wait((sk_handle_t)n, 5 * PSEC) == 0x4);
		CHECK(p_read(r, buf, sizeof(buf)) == 1);
	}
	/* A read without the flag arms nothing. */
	CHECK_ERR(rw_arm(r, IO_READ, buf, sizeof(buf), 0, &w1), SK_E_AGAIN, -1);
	CHECK(w1 != IO_ARMED);
	CHECK(p_write(w, "d", 1) == 1);
	CHECK_ERR(sk_notif_wait((sk_handle_t)n, 10 * MS), SK_E_TIMEOUT, -1);
	CHECK(p_read(r, buf, sizeof(buf)) == 1);
	/* Writers: a full pipe arms the write end's registration. */
	CHECK(p_write(w, fill, IO_CHUNK) == IO_CHUNK);
	CHECK(p_write(w, fill, PIPE_SIZE - IO_CHUNK) == PIPE_SIZE - IO_CHUNK);
	CHECK_ERR(rw_arm(w, IO_WRITE, fill, 1, IO_RW_ARM, &w1), SK_E_AGAIN, -1);
	CHECK(w1 != IO_ARMED);
	CHECK(p_poll(w, IO_POLLOUT, (sk_handle_t)n, 0x10) == 0);
	CHECK(p_read(r, fill, IO_CHUNK) == IO_CHUNK);
	CHECK(sk_notif_wait((sk_handle_t)n, 5 * PSEC) == 0x10);
	CHECK(p_write(w, fill, IO_CHUNK) == IO_CHUNK);
	CHECK_ERR(rw_arm(w, IO_WRITE, fill, PIPE_BUF, IO_RW_ARM, &w1), SK_E_AGAIN, -1);
	CHECK(w1 == IO_ARMED);
	/* Closing the reader wakes the armed writer, which then sees EPIPE. */
	CHECK_OK(sk_handle_close(r));
	CHECK(sk_notif_wait((sk_handle_t)n, 5 * PSEC) == 0x10);
	CHECK_ERR(rw_arm(w, IO_WRITE, fill, 1, IO_RW_ARM, &w1), SK_E_PIPE, -1);
	sk_handle_close(w);
	sk_handle_close((sk_handle_t)n);
	return 0;
}

/* Close notices free pipes: far more pipes than the limit come and go. */
KTEST(pipe_close_frees_pipes)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	char buf[4];

	for (int i = 0; i < 1000; i++) {
		p_create(svc, &r, &w);
		if (i % 3 == 0 && p_write(w, "abc", 3) != 3)
			FAIL("write into pipe %d failed", i);
		CHECK_OK(sk_handle_close(w));
		CHECK_OK(sk_handle_close(r));
	}
	p_create(svc, &r, &w);
	CHECK(p_write(w, "ok", 2) == 2);
	CHECK(p_read(r, buf, sizeof(buf)) == 2);
	sk_handle_close(r);
	sk_handle_close(w);
	return 0;
}

KTEST(pipe_limit)
{
	static sk_handle_t hs[2 * 300];
	sk_handle_t svc = PIPE_SVC();
	struct sk_rpc m;
	int n = 0;
	int64_t res;

	for (;;) {
		res = p_call(svc, PIPE_CREATE, 0, 0, NULL, 0, &m);
		if (res < 0)
			break;
		if (n >= 300)
			FAIL("more than 300 pipes at once: no limit");
		hs[2 * n] = m.rcv_h[0];
		hs[2 * n + 1] = m.rcv_h[1];
		n++;
	}
	if (SK_ERR(res) != SK_E_LIMIT)
		FAIL("pipe %d failed with %s, expected SK_E_LIMIT", n, sk_errname(SK_ERR(res)));
	CHECK(n > 0);
	for (int i = 0; i < 2 * n; i++)
		CHECK_OK(sk_handle_close(hs[i]));
	/* All free again. */
	CHECK_OK(p_call(svc, PIPE_CREATE, 0, 0, NULL, 0, NULL));
	return 0;
}

/* Bad requests fail alone; the server keeps serving. */
KTEST(pipe_garbage)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	struct sk_rpc m;
	int64_t ep, n;
	char buf[8];

	p_create(svc, &r, &w);
	/* Unknown labels, on the service and on an end. */
	CHECK_ERR(p_call(svc, 0x12345, 0, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	CHECK_ERR(p_call(r, 0xdead, 0, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	/* A forged close notice is no close notice. */
	CHECK_ERR(p_call(w, SK_LABEL_CLOSED, 0, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	CHECK(p_write(w, "a", 1) == 1);
	/* io requests on the service handle, pipe requests on an end. */
	CHECK_ERR(p_call(svc, IO_READ, 1, IO_OFF_CUR, buf, 1, NULL), SK_E_BADF, -1);
	CHECK_ERR(p_call(r, PIPE_CREATE, 0, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	CHECK_ERR(p_call(svc, PIPE_CREATE, 0xffff, 0, NULL, 0, NULL), SK_E_INVAL, 1);
	/* Payloads and handles where none belong. */
	memset(&m, 0, sizeof(m));
	m.label = IO_READ;
	m.w[0] = 1;
	m.w[1] = IO_OFF_CUR;
	m.snd = "zz";
	m.snd_len = 2;
	CHECK_ERR(sk_rpc(r, &m, PTIMEOUT), SK_E_INVAL, 0);
	CHECK_OK(ep = sk_ep_create());
	memset(&m, 0, sizeof(m));
	m.label = IO_STAT;
	m.snd_nh = 1;
	m.snd_h[0] = (sk_handle_t)ep;
	CHECK_ERR(sk_rpc(r, &m, PTIMEOUT), SK_E_INVAL, 0);
	/* A poll handle that is no notification, or has no signal right. */
	CHECK_OK(ep = sk_ep_create());
	memset(&m, 0, sizeof(m));
	m.label = IO_POLL;
	m.w[0] = IO_POLLOUT;	/* not ready for a read end */
	m.w[1] = 1;
	m.snd_nh = 1;
	m.snd_h[0] = (sk_handle_t)ep;
	CHECK_ERR(sk_rpc(r, &m, PTIMEOUT), SK_E_WRONGTYPE, -1);
	CHECK_OK(n = sk_notif_create());
	memset(&m, 0, sizeof(m));
	m.label = IO_POLL;
	m.w[0] = IO_POLLOUT;
	m.w[1] = 1;
	m.snd_nh = 1;
	CHECK_OK(m.snd_h[0] = (sk_handle_t)sk_handle_dup((sk_handle_t)n, SK_R_WAIT | SK_R_TRANSFER));
	CHECK_ERR(sk_rpc(r, &m, PTIMEOUT), SK_E_RIGHTS, -1);
	CHECK_ERR(p_poll(r, 0x20000, 0, 0), SK_E_INVAL, 1);
	CHECK_ERR(p_poll(r, IO_POLLPEER | IO_POLLIN, 0, 0), SK_E_INVAL, 1);	/* alone only */
	CHECK_ERR(p_poll(r, IO_POLLOUT, (sk_handle_t)n, 0), SK_E_INVAL, 2);
	/* A pipe end sent to the server is closed there like any handle. */
	memset(&m, 0, sizeof(m));
	m.label = 0x7777;
	m.snd_nh = 1;
	m.snd_h[0] = w;
	CHECK_ERR(sk_rpc(svc, &m, PTIMEOUT), SK_E_NOSYS, -1);
	/* That was the write end's only handle: end of file after the 'a'. */
	CHECK(p_read(r, buf, sizeof(buf)) == 1);
	CHECK(p_read(r, buf, sizeof(buf)) == 0);
	sk_handle_close(r);
	sk_handle_close((sk_handle_t)n);
	return 0;
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A word that is small, near a limit, or anything. */
static uint64_t
rnd_word(void)
{
	switch (rnd() % 4) {
	case 0:		return rnd() % 8;
	case 1:		return IO_CHUNK - 2 + rnd() % 4;
	case 2:		return IO_OFF_CUR - rnd() % 2;
	default:	return rnd();
	}
}

/* Random requests on the service and on both ends; then it still works. */
KTEST(pipe_random_requests)
{
	static uint8_t payload[200], reply[SK_MSG_PAYLOAD_MAX];
	sk_handle_t svc = PIPE_SVC(), r, w, targets[3];
	char buf[4];

	p_create(svc, &r, &w);
	targets[0] = svc;
	targets[1] = r;
	targets[2] = w;
	for (int i = 0; i < 400; i++) {
		struct sk_rpc m;
		int64_t res;

		memset(&m, 0, sizeof(m));
		switch (rnd() % 4) {
		case 0:	 m.label = PIPE_CREATE + (uint32_t)(rnd() % 3); break;
		case 1:	 m.label = (uint32_t)rnd(); break;
		default: m.label = IO_READ + (uint32_t)(rnd() % 16); break;
		}
		for (int k = 0; k < SK_MSG_WORDS; k++)
			m.w[k] = rnd_word();
		if (rnd() % 3 == 0) {
			m.snd = payload;
			m.snd_len = (uint32_t)(rnd() % sizeof(payload));
		}
		m.rcv = reply;
		m.rcv_max = sizeof(reply);
		res = sk_rpc(targets[rnd() % 3], &m, PTIMEOUT);
		if (res < 0 && (SK_ERR(res) == SK_E_PEERDIED || SK_ERR(res) == SK_E_TIMEOUT))
			FAIL("request %d (label 0x%x) killed or stalled the server: %s", i,
			    m.label, sk_errname(SK_ERR(res)));
		for (uint32_t k = 0; k < m.rcv_nh; k++)
			sk_handle_close(m.rcv_h[k]);
	}
	sk_handle_close(r);
	sk_handle_close(w);
	p_create(svc, &r, &w);
	CHECK(p_write(w, "ok", 2) == 2);
	CHECK(p_read(r, buf, sizeof(buf)) == 2);
	sk_handle_close(r);
	sk_handle_close(w);
	return 0;
}

/* FIFO_OPEN with flags: the handle or the error. */
static int64_t
fifo_open(sk_handle_t svc, uint64_t ino, uint64_t flags, sk_handle_t *h)
{
	struct sk_rpc m;
	int64_t r;

	memset(&m, 0, sizeof(m));
	m.label = PIPE_FIFO_OPEN;
	m.w[0] = 0x77;
	m.w[1] = ino;
	m.w[2] = flags;
	r = sk_rpc(svc, &m, PTIMEOUT);
	if (r >= 0 && m.rcv_nh != 1)
		FAIL("FIFO_OPEN gave %u handles", m.rcv_nh);
	if (r >= 0)
		*h = m.rcv_h[0];
	return r;
}

KTEST(pipe_fifo_open)
{
	sk_handle_t svc = PIPE_SVC(), r1, r2, w1, rw;
	char buf[8];

	CHECK_ERR(fifo_open(svc, 1, IO_O_WRONLY | IO_NONBLOCK, &w1), SK_E_NXIO, -1);
	CHECK_ERR(fifo_open(svc, 1, 3, &w1), SK_E_INVAL, 3);
	CHECK_ERR(fifo_open(svc, 1, 1ull << 40, &w1), SK_E_INVAL, 3);
	/* Opens never block: a reader alone reads end of file. */
	CHECK_OK(fifo_open(svc, 1, IO_O_RDONLY | IO_NONBLOCK, &r1));
	CHECK(p_read(r1, buf, sizeof(buf)) == 0);
	CHECK(p_poll(r1, IO_POLLIN, 0, 0) == 0);	/* no hang-up before a writer */
	CHECK_OK(fifo_open(svc, 1, IO_O_WRONLY | IO_NONBLOCK, &w1));
	CHECK_OK(fifo_open(svc, 1, IO_O_RDONLY, &r2));
	CHECK(p_call(w1, IO_GETFL, 0, 0, NULL, 0, NULL) == (IO_O_WRONLY | IO_NONBLOCK));
	CHECK(p_write(w1, "fifo", 4) == 4);
	/* Every open of the same key is the same pipe. */
	CHECK(p_read(r2, buf, 2) == 2);
	CHECK(p_read(r1, buf, sizeof(buf)) == 2);
	CHECK_ERR(p_read(r1, buf, sizeof(buf)), SK_E_AGAIN, -1);
	CHECK_OK(sk_handle_close(w1));
	CHECK(p_read(r2, buf, sizeof(buf)) == 0);
	CHECK(p_poll(r1, IO_POLLIN, 0, 0) == (IO_POLLIN | IO_POLLHUP));
	/* One reader gone, one left: writers still work. */
	CHECK_OK(sk_handle_close(r1));
	CHECK_OK(fifo_open(svc, 1, IO_O_RDWR, &rw));
	CHECK(p_call(rw, IO_GETFL, 0, 0, NULL, 0, NULL) == IO_O_RDWR);
	CHECK(p_write(rw, "xy", 2) == 2);
	CHECK(p_read(rw, buf, 1) == 1 && buf[0] == 'x');
	CHECK_OK(sk_handle_close(r2));
	CHECK(p_write(rw, "z", 1) == 1);	/* rw is its own reader */
	CHECK_OK(sk_handle_close(rw));
	/* The last open went: the FIFO and its data are gone. */
	CHECK_OK(fifo_open(svc, 1, IO_O_RDWR, &rw));
	CHECK_ERR(p_read(rw, buf, sizeof(buf)), SK_E_AGAIN, -1);
	sk_handle_close(rw);
	/* Different keys are different FIFOs. */
	CHECK_OK(fifo_open(svc, 1, IO_O_RDWR, &rw));
	CHECK_OK(fifo_open(svc, 2, IO_O_RDWR, &r1));
	CHECK(p_write(rw, "1", 1) == 1);
	CHECK_ERR(p_read(r1, buf, sizeof(buf)), SK_E_AGAIN, -1);
	sk_handle_close(rw);
	sk_handle_close(r1);
	return 0;
}
