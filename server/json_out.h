/*
 * json_out.h: JSON text, written into a batch of a few kilobytes that goes
 * to an evbuffer whole.  A search answer has up to a thousand results of a
 * few fields each; one evbuffer call per batch instead of two or three per
 * result was a fifth of the daemon's instructions per HTTP request.
 */
#ifndef JSON_OUT_H
#define JSON_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct evbuffer;

#define JSON_OUT_BATCH	8192

struct json_out {
	struct evbuffer *to;
	size_t len;			/* bytes in batch */
	char batch[JSON_OUT_BATCH];
};

/* The most bytes that s of len bytes takes as a JSON string. */
#define JSON_STRING_MAX(len)	(6 * (len) + 2)

void json_out_start(struct json_out *o, struct evbuffer *to);
/* Hand the batch to the evbuffer (out of memory: it is dropped, and the
 * answer is cut). */
void json_out_flush(struct json_out *o);
/* Bytes written: in the evbuffer and in the batch. */
size_t json_out_length(const struct json_out *o);

/*
 * Room for n bytes (at most JSON_OUT_BATCH) at the end of the batch, which
 * goes to the evbuffer first if it has less; write there, then tell where
 * the writing ended with json_out_done().
 */
static inline char *
json_out_room(struct json_out *o, size_t n)
{
	if (JSON_OUT_BATCH - o->len < n)
		json_out_flush(o);
	return o->batch + o->len;
}

static inline void
json_out_done(struct json_out *o, const char *end)
{
	o->len = (size_t)(end - o->batch);
}

/* Append a literal at p; returns the end. */
#define put_literal(p, s)	(memcpy((p), (s), sizeof(s) - 1), \
	(p) + sizeof(s) - 1)
#define json_out_literal(o, s) \
	json_out_done((o), put_literal(json_out_room((o), sizeof(s) - 1), (s)))

/* s as a JSON string at p, which has JSON_STRING_MAX(len) bytes of room;
 * returns the end. */
char *json_string_at(char *p, const char *s, size_t len);

/* s as a JSON string, quotes included. */
void json_out_string(struct json_out *o, const char *s, size_t len);
void json_out_number(struct json_out *o, size_t n);
/* Formatted, for short things (at most 128 bytes) off the hot path. */
void json_out_printf(struct json_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* ,"keywords":{"en":[...],...},"group":...,"subgroup":... of emoji e */
void json_out_emoji_fields(struct json_out *o, long e);

#endif
