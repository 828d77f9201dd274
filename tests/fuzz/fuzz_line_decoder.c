/*
 * fuzz_line_decoder.c: the telnet-aware line decoder, fed in arbitrary
 * splits.
 *
 * Input: one byte for the line limit (times 5, so that lines longer than
 * the decoder's scan window are tried), one byte that seeds the read sizes,
 * then the stream.  The stream is fed whole, byte by byte and in reads of
 * input-driven sizes; the three must give the same events, and every call
 * must keep the decoder's promises.
 */
#include <string.h>

#include "fuzz.h"
#include "line_decoder.h"

#define IAC	0xFF
#define WONT	0xFC
#define DONT	0xFE

/* The events of a feed: tag bytes, lines and replies, in order. */
struct transcript {
	uint8_t *s;
	size_t len;
	size_t cap;
};

static void
record(struct transcript *t, const void *p, size_t n)
{
	if (n > t->cap - t->len) {
		t->cap = 2 * (t->len + n);
		t->s = realloc(t->s, t->cap);
		CHECK(t->s != NULL);
	}
	memcpy(t->s + t->len, p, n);
	t->len += n;
}

static void
record_event(struct transcript *t, const struct line_decoder *ld,
    enum ld_event ev)
{
	uint8_t tag = (uint8_t)ev;

	CHECK(ev != LD_NONE);
	record(t, &tag, 1);
	switch (ev) {
	case LD_LINE:
		CHECK(ld->buf != NULL);
		CHECK(memchr(ld->buf, '\n', ld->len) == NULL);
		record(t, &ld->len, sizeof(ld->len));
		record(t, ld->buf, ld->len);
		break;
	case LD_REPLY:
		CHECK(ld->reply[0] == IAC);
		CHECK(ld->reply[1] == WONT || ld->reply[1] == DONT);
		record(t, ld->reply, 3);
		break;
	case LD_NONE:
	case LD_TOO_LONG:
	case LD_INTERRUPT:
		break;
	}
}

/* One read of n bytes, event by event. */
static void
feed(struct line_decoder *ld, const uint8_t *p, size_t n,
    struct transcript *t)
{
	while (n > 0) {
		enum ld_event ev;
		size_t used = ld_feed(ld, p, n, &ev);

		CHECK(used >= 1 && used <= n);
		CHECK(ev != LD_NONE || used == n);
		CHECK(ld->len <= ld->max_line);
		CHECK(ld->cap <= ld->max_line);
		if (ev != LD_NONE)
			record_event(t, ld, ev);
		p += used;
		n -= used;
	}
}

/*
 * Feed the stream in reads of 1 .. max_read bytes (0: all at once), sizes
 * drawn from a generator seeded by the input.
 */
static void
feed_stream(size_t max_line, const uint8_t *p, size_t n, size_t max_read,
    uint32_t seed, struct transcript *t)
{
	struct line_decoder ld;
	uint32_t x = seed | 1;

	ld_init(&ld, max_line);
	t->len = 0;
	while (n > 0) {
		size_t k = n;

		if (max_read > 0) {
			x ^= x << 13;	/* xorshift32 */
			x ^= x >> 17;
			x ^= x << 5;
			k = 1 + x % max_read;
			if (k > n)
				k = n;
		}
		feed(&ld, p, k, t);
		p += k;
		n -= k;
	}
	ld_free(&ld);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct transcript whole, bytes, reads;
	size_t max_line;

	if (size < 2)
		return 0;
	max_line = (size_t)data[0] * 5;
	feed_stream(max_line, data + 2, size - 2, 0, 0, &whole);
	feed_stream(max_line, data + 2, size - 2, 1, 0, &bytes);
	feed_stream(max_line, data + 2, size - 2, 1 + data[1] % 64,
	    data[1] * 2654435761u, &reads);
	CHECK(bytes.len == whole.len && reads.len == whole.len);
	if (whole.len > 0) {
		CHECK(memcmp(bytes.s, whole.s, whole.len) == 0);
		CHECK(memcmp(reads.s, whole.s, whole.len) == 0);
	}
	return 0;
}
