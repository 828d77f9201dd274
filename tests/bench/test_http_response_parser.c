/*
 * test_http_response_parser.c: the load generator's HTTP mode finds every
 * response in any split of the stream, and refuses what it cannot delimit
 * (else the benchmark would count garbage as responses).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http_response_parser.h"

static const char stream[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Content-Length: 12\r\n"
    "\r\n"
    "{\"count\":33}"
    "HTTP/1.1 404 Not Found\r\n"
    "content-length:2\r\n"
    "X-A-Header-Longer-Than-The-Parser-Keeps: aaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    "\r\n"
    "{}"
    "HTTP/1.0 204 No Content\r\n"
    "Content-Length: 0\r\n"
    "\r\n"
    "HTTP/1.1 200 OK\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "HTTP/";		/* a body that looks like a status line */

static const enum http_event expected[] = {
	HTTP_OK, HTTP_ERROR, HTTP_OK, HTTP_OK,
};

/* Feeds buf in pieces of at most `piece` bytes; returns the events seen. */
static size_t
feed_in_pieces(const char *buf, size_t len, size_t piece,
    enum http_event *events, size_t max)
{
	struct http_response_parser p;
	enum http_event ev;
	size_t off = 0, n, used, seen = 0;

	http_response_parser_init(&p);
	while (off < len) {
		n = len - off < piece ? len - off : piece;
		while (n > 0) {
			ev = http_response_parser_feed(&p, buf + off, n, &used);
			assert_true(used <= n);
			off += used;
			n -= used;
			if (ev == HTTP_NONE)
				continue;
			assert_true(seen < max);
			events[seen++] = ev;
			if (ev == HTTP_BAD)
				return seen;
		}
	}
	return seen;
}

static void
every_split_gives_the_same_responses(void **state)
{
	enum http_event seen[16];
	size_t piece, n;

	(void)state;
	for (piece = 1; piece <= sizeof(stream); piece++) {
		n = feed_in_pieces(stream, sizeof(stream) - 1, piece, seen, 16);
		assert_int_equal(n, sizeof(expected) / sizeof(expected[0]));
		assert_memory_equal(seen, expected, sizeof(expected));
	}
}

static enum http_event events[16];

static size_t
count_events(const char *s)
{
	return feed_in_pieces(s, strlen(s), 5, events, 16);
}

static enum http_event
last_event(const char *s)
{
	size_t n = count_events(s);

	return n == 0 ? HTTP_NONE : events[n - 1];
}

static void
refuses_what_it_cannot_delimit(void **state)
{
	(void)state;
	assert_int_equal(last_event("SSH-2.0-OpenSSH\r\n"), HTTP_BAD);
	assert_int_equal(last_event("HTTP/1.1 OK\r\n"), HTTP_BAD);
	assert_int_equal(last_event("HTTP/1.1 100 Continue\r\n\r\n"),
	    HTTP_BAD);
	assert_int_equal(last_event("HTTP/1.1 200 OK\n"), HTTP_BAD);
	assert_int_equal(last_event("HTTP/1.1 200 OK\r\n\r\n"), HTTP_BAD);
	assert_int_equal(last_event("HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), HTTP_BAD);
	assert_int_equal(last_event("HTTP/1.1 200 OK\r\n"
	    "Content-Length: 12x\r\n\r\n"), HTTP_BAD);
	assert_int_equal(last_event("HTTP/1.1 200 OK\r\n"
	    "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab"), HTTP_BAD);
	/* no response is complete before its last body byte */
	assert_int_equal(count_events("HTTP/1.1 200 OK\r\n"
	    "Content-Length: 3\r\n\r\nab"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_split_gives_the_same_responses),
		cmocka_unit_test(refuses_what_it_cannot_delimit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
