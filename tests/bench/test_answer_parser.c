/*
 * test_answer_parser.c: the load generator's parser finds every answer in
 * any split of the stream, and refuses what is not the protocol (else the
 * benchmark would count garbage as answers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "answer_parser.h"

static const char stream[] =
    "?> "
    "U+265A \t\xe2\x99\x9a\tBLACK CHESS KING\r\n"
    "U+265B \t\xe2\x99\x9b\tBLACK CHESS QUEEN\r\n"
    "2 matches for 'chess king queen black'\r\n"
    "?> "
    "U+2603 \t\xe2\x98\x83\tSNOWMAN\r\n"
    "1 match for 'snowman'\r\n"
    "?> "
    "No match for 'jabberwocky'\r\n"
    "?> "
    "error: unknown command /x (try /help)\r\n"
    "?> ";

static const enum answer_event expected[] = {
	ANSWER_GREETING, ANSWER_DONE, ANSWER_DONE, ANSWER_DONE, ANSWER_ERROR,
};

/* Feeds buf in pieces of at most `piece` bytes; returns the events seen. */
static size_t
feed_in_pieces(const char *buf, size_t len, size_t piece,
    enum answer_event *events, size_t max)
{
	struct answer_parser p;
	enum answer_event ev;
	size_t off = 0, n, used, seen = 0;

	answer_parser_init(&p);
	while (off < len) {
		n = len - off < piece ? len - off : piece;
		while (n > 0) {
			ev = answer_parser_feed(&p, buf + off, n, &used);
			assert_true(used <= n);
			off += used;
			n -= used;
			if (ev == ANSWER_NONE)
				continue;
			assert_true(seen < max);
			events[seen++] = ev;
			if (ev == ANSWER_BAD)
				return seen;
		}
	}
	return seen;
}

static void
every_split_gives_the_same_answers(void **state)
{
	enum answer_event seen[16];
	size_t piece, n;

	(void)state;
	for (piece = 1; piece <= sizeof(stream); piece++) {
		n = feed_in_pieces(stream, sizeof(stream) - 1, piece, seen, 16);
		assert_int_equal(n, sizeof(expected) / sizeof(expected[0]));
		assert_memory_equal(seen, expected, sizeof(expected));
	}
}

static enum answer_event events[16];

static size_t
count_events(const char *s)
{
	return feed_in_pieces(s, strlen(s), 7, events, 16);
}

static enum answer_event
last_event(const char *s)
{
	size_t n = count_events(s);

	return n == 0 ? ANSWER_NONE : events[n - 1];
}

static void
refuses_what_is_not_the_protocol(void **state)
{
	(void)state;
	/* a line ending in LF alone */
	assert_int_equal(last_event("?> U+2603 \tx\tSNOWMAN\n"), ANSWER_BAD);
	/* a status line that does not count the results */
	assert_int_equal(last_event("?> U+2603 \tx\tSNOWMAN\r\n"
	    "2 matches for 'snowman'\r\n?> "), ANSWER_BAD);
	assert_int_equal(last_event("?> No match for 'x'\r\n?> "
	    "U+2603 \tx\tSNOWMAN\r\nNo match for 'x'\r\n?> "), ANSWER_BAD);
	/* a line that is neither result nor status */
	assert_int_equal(last_event("?> hello\r\n"), ANSWER_BAD);
	/* no prompt after the status line */
	assert_int_equal(last_event("?> No match for 'x'\r\n?>x"),
	    ANSWER_BAD);
	/* no answer is complete before its prompt */
	assert_int_equal(count_events("?> No match for 'x'\r\n?"), 1);
	assert_int_equal(events[0], ANSWER_GREETING);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_split_gives_the_same_answers),
		cmocka_unit_test(refuses_what_is_not_the_protocol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
