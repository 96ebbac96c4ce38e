/*
 * servers/pipe/pipestate.c: the ring buffer and the end counts of one
 * pipe. Buffers are malloc'ed at exactly their capacity, so ASan sees any
 * byte written or read past them.
 */
#include "tests/host/host.h"
#include "servers/pipe/pipestate.c"

/* A pipe with one reader and one writer over a fresh buffer of cap bytes. */
static struct pipe_state
mkpipe(uint32_t cap)
{
	struct pipe_state p;

	ps_init(&p, malloc(cap), cap);
	ps_open(&p, PS_READ);
	ps_open(&p, PS_WRITE);
	return p;
}

static void
fill(uint8_t *b, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

/* Read and consume n bytes; the count read. */
static int64_t
take(struct pipe_state *p, void *out, uint32_t n)
{
	int64_t r = ps_peek(p, out, n);

	if (r > 0)
		ps_consume(p, (uint32_t)r);
	return r;
}

TEST(write_then_read_same_bytes)
{
	struct pipe_state p = mkpipe(PIPE_SIZE);
	uint8_t in[1000], out[1000];

	fill(in, sizeof(in), 1);
	CHECK_EQ(ps_write(&p, in, sizeof(in)), 1000);
	CHECK_EQ(p.len, 1000);
	/* Peek does not consume. */
	CHECK_EQ(ps_peek(&p, out, 10), 10);
	CHECK_EQ(p.len, 1000);
	CHECK_EQ(take(&p, out, sizeof(out)), 1000);
	CHECK(memcmp(in, out, sizeof(in)) == 0);
	CHECK_EQ(p.len, 0);
	CHECK_EQ(p.head, 0);
	free(p.buf);
}

TEST(empty_pipe_again_then_eof)
{
	struct pipe_state p = mkpipe(PIPE_SIZE);
	uint8_t b[16];

	CHECK_EQ(ps_peek(&p, b, sizeof(b)), SK_ERRVAL(SK_E_AGAIN, 0));
	CHECK_EQ(ps_peek(&p, b, 0), 0);
	CHECK_EQ(ps_write(&p, "abc", 3), 3);
	ps_close(&p, PS_WRITE);
	/* Buffered data first, then end of file. */
	CHECK_EQ(take(&p, b, sizeof(b)), 3);
	CHECK_EQ(ps_peek(&p, b, sizeof(b)), 0);
	CHECK_EQ(ps_peek(&p, b, sizeof(b)), 0);
	free(p.buf);
}

TEST(write_without_reader_is_epipe)
{
	struct pipe_state p = mkpipe(PIPE_SIZE);

	ps_close(&p, PS_READ);
	CHECK_EQ(ps_write(&p, "x", 1), SK_ERRVAL(SK_E_PIPE, 0));
	CHECK_EQ(ps_write(&p, "x", 0), 0);	/* as Linux: zero bytes succeed */
	CHECK_EQ(p.len, 0);
	/* Counts never go below zero. */
	ps_close(&p, PS_READ);
	CHECK_EQ(p.readers, 0);
	free(p.buf);
}

TEST(small_writes_are_atomic)
{
	struct pipe_state p = mkpipe(PIPE_SIZE);
	static uint8_t big[PIPE_SIZE];
	uint8_t b[PIPE_BUF];

	/* Leave PIPE_BUF - 1 bytes free. */
	CHECK_EQ(ps_write(&p, big, PIPE_SIZE - PIPE_BUF + 1), PIPE_SIZE - PIPE_BUF + 1);
	CHECK_EQ(ps_write(&p, b, PIPE_BUF), SK_ERRVAL(SK_E_AGAIN, 0));
	CHECK_EQ(p.len, PIPE_SIZE - PIPE_BUF + 1);
	CHECK_EQ(ps_write(&p, b, PIPE_BUF - 1), PIPE_BUF - 1);
	CHECK_EQ(ps_space(&p), 0);
	CHECK_EQ(ps_write(&p, b, 1), SK_ERRVAL(SK_E_AGAIN, 0));
	free(p.buf);
}

TEST(large_writes_are_partial)
{
	struct pipe_state p = mkpipe(PIPE_SIZE);
	static uint8_t big[PIPE_SIZE + 100];

	fill(big, sizeof(big), 3);
	CHECK_EQ(ps_write(&p, big, PIPE_SIZE - 1000), PIPE_SIZE - 1000);
	/* More than PIPE_BUF: takes the 1000 that fit. */
	CHECK_EQ(ps_write(&p, big, 2 * PIPE_BUF), 1000);
	CHECK_EQ(ps_write(&p, big, 2 * PIPE_BUF), SK_ERRVAL(SK_E_AGAIN, 0));
	CHECK_EQ(ps_space(&p), 0);
	free(p.buf);
	/* One write larger than the whole pipe fills it. */
	p = mkpipe(PIPE_SIZE);
	CHECK_EQ(ps_write(&p, big, sizeof(big)), PIPE_SIZE);
	free(p.buf);
}

TEST(wraps_around_the_end)
{
	struct pipe_state p = mkpipe(100);
	uint8_t in[80], out[80];

	fill(in, sizeof(in), 9);
	CHECK_EQ(ps_write(&p, in, 70), 70);
	CHECK_EQ(take(&p, out, 60), 60);
	/* head = 60, 10 bytes buffered: the next 80 wrap past the end. */
	CHECK_EQ(ps_write(&p, in, 80), 80);
	CHECK_EQ(p.len, 90);
	CHECK_EQ(take(&p, out, 10), 10);
	CHECK(memcmp(out, in + 60, 10) == 0);
	CHECK_EQ(take(&p, out, 80), 80);
	CHECK(memcmp(out, in, 80) == 0);
	CHECK_EQ(p.len, 0);
	free(p.buf);
}

/* Random writes and reads against a plain byte queue. */
TEST(random_against_model)
{
	for (uint32_t cap = 1; cap <= 300; cap += 37) {
		struct pipe_state p = mkpipe(cap);
		uint8_t *model = malloc(1 << 20);
		uint32_t mhead = 0, mlen = 0, seq = 0;
		uint8_t in[400], out[400];

		for (int step = 0; step < 4000; step++) {
			uint32_t n = (uint32_t)host_rand_below(sizeof(in) + 1);

			if (host_rand_below(2)) {
				int64_t want, r;

				for (uint32_t i = 0; i < n; i++)
					in[i] = (uint8_t)(seq + i);
				/* n <= PIPE_BUF: all or nothing. */
				want = n == 0 ? 0 : n <= cap - mlen ? n :
				    SK_ERRVAL(SK_E_AGAIN, 0);
				r = ps_write(&p, in, n);
				REQUIRE_EQ(r, want);
				if (r > 0) {
					memcpy(model + mhead + mlen, in, (size_t)r);
					mlen += (uint32_t)r;
					seq += (uint32_t)r;
				}
			} else {
				int64_t r = take(&p, out, n);
				uint32_t want = n < mlen ? n : mlen;

				if (n > 0 && mlen == 0)
					REQUIRE_EQ(r, SK_ERRVAL(SK_E_AGAIN, 0));
				else
					REQUIRE_EQ(r, want);
				if (r > 0) {
					REQUIRE(memcmp(out, model + mhead, (size_t)r) == 0);
					mhead += (uint32_t)r;
					mlen -= (uint32_t)r;
				}
			}
			REQUIRE_EQ(p.len, mlen);
			if (mhead > (1 << 19)) {
				memmove(model, model + mhead, mlen);
				mhead = 0;
			}
		}
		free(model);
		free(p.buf);
	}
}

TEST(poll_read_end)
{
	struct pipe_state p = mkpipe(PIPE_SIZE);
	uint8_t b[4];

	CHECK_EQ(ps_poll(&p, PS_READ, false, 0), 0);
	ps_write(&p, "ab", 2);
	CHECK_EQ(ps_poll(&p, PS_READ, false, 0), IO_POLLIN);
	take(&p, b, 2);
	CHECK_EQ(ps_poll(&p, PS_READ, false, 0), 0);
	ps_close(&p, PS_WRITE);
	CHECK_EQ(ps_poll(&p, PS_READ, false, 0), IO_POLLIN | IO_POLLHUP);
	free(p.buf);
}

TEST(poll_write_end)
{
	struct pipe_state p = mkpipe(PIPE_SIZE);
	static uint8_t big[PIPE_SIZE];

	CHECK_EQ(ps_poll(&p, PS_WRITE, false, 0), IO_POLLOUT);
	/* Ready only while PIPE_BUF bytes fit. */
	ps_write(&p, big, PIPE_SIZE - PIPE_BUF);
	CHECK_EQ(ps_poll(&p, PS_WRITE, false, 0), IO_POLLOUT);
	ps_write(&p, big, 1);
	CHECK_EQ(ps_poll(&p, PS_WRITE, false, 0), 0);
	ps_consume(&p, 1);
	CHECK_EQ(ps_poll(&p, PS_WRITE, false, 0), IO_POLLOUT);
	ps_write(&p, big, 1);
	ps_close(&p, PS_READ);
	CHECK_EQ(ps_poll(&p, PS_WRITE, false, 0), IO_POLLERR);
	free(p.buf);
}

/* A FIFO reader opened before any writer sees no hang-up until one came. */
TEST(poll_fifo_hangup_waits_for_writer)
{
	struct pipe_state p;
	uint64_t snap;

	ps_init(&p, malloc(64), 64);
	snap = p.wopens;
	ps_open(&p, PS_READ);
	CHECK_EQ(ps_poll(&p, PS_READ, true, snap), 0);
	CHECK_EQ(ps_poll(&p, PS_READ, false, 0), IO_POLLIN | IO_POLLHUP);
	ps_open(&p, PS_WRITE);
	CHECK_EQ(ps_poll(&p, PS_READ, true, snap), 0);
	ps_close(&p, PS_WRITE);
	CHECK_EQ(ps_poll(&p, PS_READ, true, snap), IO_POLLIN | IO_POLLHUP);
	/* A read-write end counts as both: never hang-up nor error. */
	ps_open(&p, PS_READ | PS_WRITE);
	CHECK_EQ(ps_poll(&p, PS_READ | PS_WRITE, false, 0), 0);	/* 64 < PIPE_BUF */
	CHECK_EQ(p.readers, 2);
	CHECK_EQ(p.writers, 1);
	free(p.buf);
}

TEST(consume_clamps_and_resets_head)
{
	struct pipe_state p = mkpipe(10);

	ps_write(&p, "abcdef", 6);
	ps_consume(&p, 3);
	CHECK_EQ(p.head, 3);
	ps_consume(&p, 100);
	CHECK_EQ(p.len, 0);
	CHECK_EQ(p.head, 0);
	free(p.buf);
}

/* A read whose reply was not taken puts its bytes back, wrapped or not. */
TEST(unconsume_restores_the_bytes)
{
	struct pipe_state p = mkpipe(8);
	uint32_t head, len;
	char out[8];

	ps_write(&p, "abcdef", 6);
	ps_consume(&p, 5);
	ps_write(&p, "ghijk", 5);		/* wraps: f ghijk */
	head = p.head;
	len = p.len;
	ps_consume(&p, 6);			/* empties it: head back at 0 */
	CHECK_EQ(p.len, 0);
	ps_unconsume(&p, head, len);
	CHECK_EQ(ps_peek(&p, out, sizeof(out)), 6);
	CHECK(memcmp(out, "fghijk", 6) == 0);
	ps_consume(&p, 2);
	CHECK_EQ(ps_peek(&p, out, sizeof(out)), 4);
	CHECK(memcmp(out, "hijk", 4) == 0);
	free(p.buf);
}

/* IO_POLLPEER for FIFO opens: who is there, and who came and went. */
TEST(peer_of_each_side)
{
	static uint8_t buf[64];
	struct pipe_state p;
	uint64_t w0, r0;

	ps_init(&p, buf, sizeof(buf));
	w0 = p.wopens;
	r0 = p.ropens;
	ps_open(&p, PS_READ);			/* a lone reader */
	CHECK(!ps_peer(&p, PS_READ, w0, r0));
	ps_open(&p, PS_WRITE);			/* a writer comes */
	CHECK(ps_peer(&p, PS_READ, w0, r0));
	ps_close(&p, PS_WRITE);			/* and goes: it came, all the same */
	CHECK(ps_peer(&p, PS_READ, w0, r0));
	CHECK(!ps_peer(&p, PS_READ, p.wopens, p.ropens));	/* a later reader waits */
	ps_close(&p, PS_READ);
	w0 = p.wopens;
	r0 = p.ropens;
	ps_open(&p, PS_WRITE);			/* a lone writer */
	CHECK(!ps_peer(&p, PS_WRITE, w0, r0 + 0));
	ps_open(&p, PS_READ);
	CHECK(ps_peer(&p, PS_WRITE, w0, r0));
	CHECK(ps_peer(&p, PS_READ | PS_WRITE, p.wopens, p.ropens));	/* O_RDWR never waits */
}
