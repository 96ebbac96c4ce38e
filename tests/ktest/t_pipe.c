/*
 * The pipe server, part 1: reading and writing through the two ends of
 * an anonymous pipe, end of file, broken pipes, a full pipe and PIPE_BUF
 * atomicity, and the io requests a pipe end answers.
 */
#include "pipe_util.h"

static uint8_t big[PIPE_SIZE];
static uint8_t back[PIPE_SIZE];

KTEST(pipe_create_write_read)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	struct sk_handle_info ri, wi;
	char buf[32];

	p_create(svc, &r, &w);
	/* Clients may send on, copy and pass the ends, never receive. */
	CHECK_OK(sk_handle_info(r, &ri));
	CHECK_OK(sk_handle_info(w, &wi));
	CHECK(ri.type == SK_OBJ_ENDPOINT && wi.type == SK_OBJ_ENDPOINT);
	CHECK(ri.rights == (SK_R_SEND | SK_R_DUP | SK_R_TRANSFER));
	CHECK(wi.rights == (SK_R_SEND | SK_R_DUP | SK_R_TRANSFER));
	CHECK(ri.badge != wi.badge && (ri.badge & SK_BADGE_NOTIFY) && (wi.badge & SK_BADGE_NOTIFY));
	if (p_write(w, "hello, pipe", 11) != 11)
		FAIL("write of 11 bytes did not take 11");
	if (p_write(w, "!", 1) != 1)
		FAIL("write of 1 byte did not take it");
	memset(buf, 0, sizeof(buf));
	CHECK(p_read(r, buf, 5) == 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK(p_read(r, buf, sizeof(buf)) == 7);
	CHECK(memcmp(buf, ", pipe!", 7) == 0);
	/* A zero-byte read answers 0 at once. */
	CHECK(p_read(r, buf, 0) == 0);
	CHECK_OK(sk_handle_close(r));
	CHECK_OK(sk_handle_close(w));
	return 0;
}

KTEST(pipe_empty_is_again)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	char buf[8];

	p_create(svc, &r, &w);
	CHECK_ERR(p_read(r, buf, sizeof(buf)), SK_E_AGAIN, -1);
	/* The same with O_NONBLOCK set: the libos decides about waiting. */
	CHECK_OK(p_call(r, IO_SETFL, IO_NONBLOCK, 0, NULL, 0, NULL));
	CHECK(p_call(r, IO_GETFL, 0, 0, NULL, 0, NULL) == (IO_O_RDONLY | IO_NONBLOCK));
	CHECK(p_call(w, IO_GETFL, 0, 0, NULL, 0, NULL) == IO_O_WRONLY);
	CHECK_ERR(p_read(r, buf, sizeof(buf)), SK_E_AGAIN, -1);
	sk_handle_close(r);
	sk_handle_close(w);
	return 0;
}

KTEST(pipe_eof_after_writer_closes)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	int64_t w2;
	char buf[8];

	p_create(svc, &r, &w);
	CHECK(p_write(w, "abc", 3) == 3);
	/* A copy of the write end keeps the writer alive. */
	CHECK_OK(w2 = sk_handle_dup(w, SK_R_SEND));
	CHECK_OK(sk_handle_close(w));
	CHECK(p_read(r, buf, sizeof(buf)) == 3);
	CHECK_ERR(p_read(r, buf, sizeof(buf)), SK_E_AGAIN, -1);
	CHECK_OK(sk_handle_close((sk_handle_t)w2));
	/* The close notice reaches the server before this request. */
	if (p_read(r, buf, sizeof(buf)) != 0)
		FAIL("no end of file after the last write-end handle was closed");
	CHECK(p_read(r, buf, sizeof(buf)) == 0);
	CHECK(p_poll(r, IO_POLLIN, 0, 0) == (IO_POLLIN | IO_POLLHUP));
	/* Linux's POLLRDNORM (0x40) is ready with IO_POLLIN, alone too. */
	CHECK(p_poll(r, 0x40, 0, 0) == (0x40 | IO_POLLHUP));
	sk_handle_close(r);
	return 0;
}

KTEST(pipe_epipe_after_reader_closes)
{
	sk_handle_t svc = PIPE_SVC(), r, w;

	p_create(svc, &r, &w);
	CHECK(p_write(w, "x", 1) == 1);
	CHECK_OK(sk_handle_close(r));
	CHECK_ERR(p_write(w, "y", 1), SK_E_PIPE, -1);
	CHECK_ERR(p_write(w, big, 10000), SK_E_PIPE, -1);
	CHECK(p_poll(w, IO_POLLOUT, 0, 0) == (IO_POLLOUT | IO_POLLERR));
	sk_handle_close(w);
	return 0;
}

/* 64 KiB fill the pipe; then nothing more fits; the data comes back whole. */
KTEST(pipe_fill_64k_then_again)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	uint32_t got = 0;
	int64_t n;

	for (uint32_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13 + (i >> 8));
	p_create(svc, &r, &w);
	CHECK(p_write(w, big, IO_CHUNK) == IO_CHUNK);
	/* More than PIPE_BUF: a partial write of what fits. */
	n = p_write(w, big + IO_CHUNK, 2 * PIPE_BUF);
	if (n != PIPE_SIZE - IO_CHUNK)
		FAIL("write into the last %u bytes took %ld", PIPE_SIZE - IO_CHUNK, (long)n);
	CHECK_ERR(p_write(w, big, 1), SK_E_AGAIN, -1);
	CHECK_ERR(p_write(w, big, 2 * PIPE_BUF), SK_E_AGAIN, -1);
	CHECK(p_poll(w, IO_POLLOUT, 0, 0) == 0);
	CHECK(p_call(r, IO_IOCTL, 0x541b, 0, &n, 4, NULL) == 0);
	CHECK((int32_t)n == PIPE_SIZE);
	while (got < PIPE_SIZE) {
		n = p_read(r, back + got, IO_CHUNK);
		if (n <= 0)
			FAIL("read after %u bytes gave %ld", got, (long)n);
		got += (uint32_t)n;
	}
	CHECK(memcmp(big, back, PIPE_SIZE) == 0);
	CHECK_ERR(p_read(r, back, 1), SK_E_AGAIN, -1);
	sk_handle_close(r);
	sk_handle_close(w);
	return 0;
}

/* Writes of at most PIPE_BUF bytes go in whole or not at all. */
KTEST(pipe_buf_writes_are_atomic)
{
	sk_handle_t svc = PIPE_SVC(), r, w;
	uint32_t left = PIPE_SIZE - PIPE_BUF + 1;

	p_create(svc, &r, &w);
	while (left > 0) {
		uint32_t n = left < IO_CHUNK ? left : IO_CHUNK;

		CHECK(p_write(w, big, n) == n);
		left -= n;
	}
	/* PIPE_BUF - 1 bytes free. */
	CHECK_ERR(p_write(w, big, PIPE_BUF), SK_E_AGAIN, -1);
	CHECK(p_poll(w, IO_POLLOUT, 0, 0) == 0);
	CHECK(p_read(r, back, 1) == 1);
	CHECK(p_poll(w, IO_POLLOUT, 0, 0) == IO_POLLOUT);
	CHECK(p_write(w, big, PIPE_BUF) == PIPE_BUF);
	CHECK_ERR(p_write(w, big, 1), SK_E_AGAIN, -1);
	sk_handle_close(r);
	sk_handle_close(w);
	return 0;
}

/* What else an end answers: wrong direction, seek, stat, ioctl, flags. */
KTEST(pipe_io_requests)
{
	sk_handle_t svc = PIPE_SVC(), r, w, r2, w2;
	struct io_stat st, st2;
	struct io_statfs sf;
	struct sk_rpc m;
	int32_t cnt = -1;
	char buf[8];

	p_create(svc, &r, &w);
	CHECK_ERR(p_read(w, buf, sizeof(buf)), SK_E_BADF, -1);
	CHECK_ERR(p_write(r, "x", 1), SK_E_BADF, -1);
	CHECK_ERR(p_call(r, IO_SEEK, 0, IO_SEEK_SET, NULL, 0, NULL), SK_E_SPIPE, -1);
	CHECK_ERR(p_call(r, IO_READ, 4, 0, buf, 4, NULL), SK_E_SPIPE, 2);
	CHECK_ERR(p_call(r, IO_READ, IO_CHUNK + 1, IO_OFF_CUR, NULL, 0, NULL), SK_E_INVAL, 1);
	CHECK(p_write(w, "12345", 5) == 5);
	CHECK(p_call(r, IO_STAT, 0, 0, &st, sizeof(st), &m) == 0);
	CHECK(m.rcv_len == sizeof(st));
	CHECK(st.mode == (IO_S_IFIFO | 0600));
	CHECK(st.size == 5 && st.nlink == 1 && st.blksize == PIPE_BUF);
	/* ino is unique per pipe; both ends show the same one. */
	CHECK(p_call(w, IO_STAT, 0, 0, &st2, sizeof(st2), NULL) == 0);
	CHECK(st2.ino == st.ino && st2.dev == st.dev);
	p_create(svc, &r2, &w2);
	CHECK(p_call(r2, IO_STAT, 0, 0, &st2, sizeof(st2), NULL) == 0);
	CHECK(st2.ino != st.ino && st2.size == 0);
	CHECK(p_call(r, IO_STATFS, 0, 0, &sf, sizeof(sf), NULL) == 0);
	CHECK(sf.type == 0x50495045);
	CHECK(p_call(w, IO_IOCTL, 0x541b, 0, &cnt, sizeof(cnt), NULL) == 0);
	CHECK(cnt == 5);
	CHECK_ERR(p_call(r, IO_IOCTL, 0x5401, 0, NULL, 0, NULL), SK_E_NOTTY, 1);
	CHECK_ERR(p_call(r, IO_SETFL, 0x10000000, 0, NULL, 0, NULL), SK_E_INVAL, 1);
	CHECK_OK(p_call(w, IO_SETFL, IO_NONBLOCK, 0, NULL, 0, NULL));
	CHECK(p_call(w, IO_GETFL, 0, 0, NULL, 0, NULL) == (IO_O_WRONLY | IO_NONBLOCK));
	CHECK_ERR(p_call(r, IO_READDIR, 100, 0, NULL, 0, NULL), SK_E_NOTDIR, -1);
	CHECK_ERR(p_call(r, IO_TRUNCATE, 0, 0, NULL, 0, NULL), SK_E_INVAL, -1);
	CHECK_ERR(p_call(r, 0x1ff, 0, 0, NULL, 0, NULL), SK_E_NOSYS, -1);
	/* A reply that does not fit the caller's buffer loses no data. */
	CHECK_ERR(p_call(r, IO_READ, 5, IO_OFF_CUR, buf, 2, NULL), SK_E_TOOBIG, -1);
	CHECK(p_read(r, buf, sizeof(buf)) == 5);
	CHECK(memcmp(buf, "12345", 5) == 0);
	sk_handle_close(r);
	sk_handle_close(w);
	sk_handle_close(r2);
	sk_handle_close(w2);
	return 0;
}
