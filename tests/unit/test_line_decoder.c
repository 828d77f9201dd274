/*
 * test_line_decoder.c: the telnet-aware line decoder.  Every rule is fed
 * whole, byte by byte and split in two at every offset, and must give the
 * same events each time.
 */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "line_decoder.h"

/* Telnet bytes, as string literals to paste into messages. */
#define SE	"\xf0"
#define NOP	"\xf1"
#define BRK	"\xf3"
#define IP	"\xf4"
#define AO	"\xf5"
#define AYT	"\xf6"
#define GA	"\xf9"
#define SB	"\xfa"
#define WILL	"\xfb"
#define WONT	"\xfc"
#define DO	"\xfd"
#define DONT	"\xfe"
#define IAC	"\xff"
#define TEOF	"\xec"
#define SUSP	"\xed"
#define ABORT	"\xee"

/*
 * The events of a feed as text: a line as <bytes>, LD_TOO_LONG as T,
 * LD_INTERRUPT as I, LD_REPLY as R and its 3 bytes.
 */
struct transcript {
	char s[8192];
	size_t len;
};

static void
record(struct transcript *t, const void *p, size_t n)
{
	assert_true(n <= sizeof(t->s) - t->len);
	memcpy(t->s + t->len, p, n);
	t->len += n;
}

static void
record_event(struct transcript *t, const struct line_decoder *ld,
    enum ld_event ev)
{
	switch (ev) {
	case LD_NONE:
		break;
	case LD_LINE:
		record(t, "<", 1);
		record(t, ld->buf, ld->len);
		record(t, ">", 1);
		break;
	case LD_TOO_LONG:
		record(t, "T", 1);
		break;
	case LD_INTERRUPT:
		record(t, "I", 1);
		break;
	case LD_REPLY:
		record(t, "R", 1);
		record(t, ld->reply, 3);
		break;
	}
}

/* Feed n bytes as one read, checking what every call promises. */
static void
feed(struct line_decoder *ld, const uint8_t *p, size_t n,
    struct transcript *t)
{
	while (n > 0) {
		enum ld_event ev;
		size_t used = ld_feed(ld, p, n, &ev);

		assert_in_range(used, 1, n);
		if (ev == LD_NONE)
			assert_int_equal(used, n);
		assert_true(ld->len <= ld->max_line);
		assert_true(ld->cap <= ld->max_line);
		record_event(t, ld, ev);
		p += used;
		n -= used;
	}
}

/*
 * Feed msg as reads that end at cuts[0 .. ncuts) and at len; with finish,
 * then end the input, its event recorded after a '$'.
 */
static void
feed_reads(size_t max_line, const char *msg, size_t len,
    const size_t *cuts, size_t ncuts, bool finish, struct transcript *t)
{
	struct line_decoder ld;
	size_t start = 0;

	ld_init(&ld, max_line);
	t->len = 0;
	for (size_t k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len;

		feed(&ld, (const uint8_t *)msg + start, end - start, t);
		start = end;
	}
	if (finish) {
		record(t, "$", 1);
		record_event(t, &ld, ld_finish(&ld));
		assert_true(ld_ended(&ld));
	}
	ld_free(&ld);
}

static void
expect_transcript(const struct transcript *t, const char *want,
    size_t wantlen, const char *how)
{
	if (t->len != wantlen || memcmp(t->s, want, wantlen) != 0) {
		print_error("fed %s: got %zu bytes of events, want %zu\n", how,
		    t->len, wantlen);
		fail();
	}
}

/* msg must give the events want, fed whole, byte by byte and in two. */
static void
check_splits(size_t max_line, const char *msg, size_t len, bool finish,
    const char *want, size_t wantlen)
{
	static size_t cuts[1024];
	struct transcript t;
	char how[64];

	assert_true(len <= sizeof(cuts) / sizeof(cuts[0]));
	feed_reads(max_line, msg, len, NULL, 0, finish, &t);
	expect_transcript(&t, want, wantlen, "whole");

	for (size_t k = 1; k < len; k++)
		cuts[k - 1] = k;
	feed_reads(max_line, msg, len, cuts, len > 0 ? len - 1 : 0, finish,
	    &t);
	expect_transcript(&t, want, wantlen, "byte by byte");

	for (size_t k = 1; k < len; k++) {
		feed_reads(max_line, msg, len, &k, 1, finish, &t);
		snprintf(how, sizeof(how), "split at %zu", k);
		expect_transcript(&t, want, wantlen, how);
	}
}

/* Literals only: their length comes from sizeof, so NULs inside count. */
#define CHECK(max_line, msg, want) \
	check_splits((max_line), (msg), sizeof(msg) - 1, false, (want), \
	    sizeof(want) - 1)
/* The same, then the end of input: its event follows a '$'. */
#define CHECK_EOF(max_line, msg, want) \
	check_splits((max_line), (msg), sizeof(msg) - 1, true, (want), \
	    sizeof(want) - 1)

static void
test_plain_lines(void **state)
{
	(void)state;
	CHECK(4096, "chess black\n", "<chess black>");
	CHECK(4096, "snowman\r\n", "<snowman>");
	CHECK(4096, "\n", "<>");
	CHECK(4096, "\r\n", "<>");
	CHECK(4096, "no line end", "");
}

static void
test_pipelined(void **state)
{
	(void)state;
	CHECK(4096, "a\r\nbc\nd\r\n\nlast", "<a><bc><d><>");
}

/* A CR ends a line at once, whatever follows; an LF right after it goes. */
static void
test_cr(void **state)
{
	(void)state;
	CHECK(4096, "chess king\r", "<chess king>");
	CHECK(4096, "a\rb\n", "<a><b>");
	CHECK(4096, "a\r\r\n", "<a><>");
	CHECK(4096, "\ra\r\n", "<><a>");
	CHECK(4096, "a\r\n\n", "<a><>");
	/* The LF may come in a later read, after telnet commands. */
	CHECK(4096, "a\r" IAC NOP "\nb\r", "<a><b>");
}

/* CR NUL (RFC 854's bare CR) ends a line as CR LF does. */
static void
test_cr_nul(void **state)
{
	(void)state;
	CHECK(4096, "chess king\r\0", "<chess king>");
	CHECK(4096, "a\r\0b\r\0", "<a><b>");
	CHECK(4096, "a\r\0\n", "<a><>");
	/* Only the NUL right after a CR goes. */
	CHECK(4096, "a\r\0\0b\n", "<a><\0b>");
	CHECK(4096, "a\0b\n", "<a\0b>");
}

static void
test_iac_iac(void **state)
{
	(void)state;
	CHECK(4096, "a" IAC IAC "b\n", "<a\xff" "b>");
	CHECK(4096, IAC IAC IAC IAC "\n", "<\xff\xff>");
}

static void
test_will_do_refused(void **state)
{
	(void)state;
	CHECK(4096, "ab" IAC WILL "\x01" "cd\n",
	    "R" IAC DONT "\x01" "<abcd>");
	CHECK(4096, IAC DO "\x03" "x\n", "R" IAC WONT "\x03" "<x>");
	/* The option byte is never data, even when it looks like LF. */
	CHECK(4096, "a" IAC DO "\n" "b\n", "R" IAC WONT "\n" "<ab>");
	CHECK(4096, IAC WILL IAC "\n", "R" IAC DONT IAC "<>");
	CHECK(4096, IAC WILL "\x18" IAC DO "\x1f" "q\r\n",
	    "R" IAC DONT "\x18" "R" IAC WONT "\x1f" "<q>");
}

static void
test_wont_dont_silent(void **state)
{
	(void)state;
	CHECK(4096, "x" IAC WONT "\x01" IAC DONT "\x03" "y\n", "<xy>");
	CHECK(4096, IAC WONT IAC IAC DONT "\n" "\n", "<>");
}

static void
test_subnegotiation(void **state)
{
	(void)state;
	CHECK(4096, "a" IAC SB "\x18\x00" "xterm" IAC SE "b\n", "<ab>");
	/* IAC IAC, LF, CR and WILL inside SB stay inside SB. */
	CHECK(4096, "a" IAC SB "\x18" IAC IAC "\n\r" WILL IAC SE "b\n",
	    "<ab>");
	CHECK(4096, IAC SB IAC IAC SE "\n" IAC SE "\n", "<>");
	/* A malformed SB ends at the next command, which is obeyed. */
	CHECK(4096, IAC SB "\x18" IAC IP, "I");
	CHECK(4096, IAC SB "\x18" IAC WILL "\x01" "a\n",
	    "R" IAC DONT "\x01" "<a>");
}

static void
test_interrupts(void **state)
{
	static const char *const commands[] = { IP, BRK, AO, ABORT, SUSP,
	    TEOF };
	char msg[32];

	(void)state;
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		int n = snprintf(msg, sizeof(msg), "abc" IAC "%sdef\n",
		    commands[k]);

		check_splits(4096, msg, (size_t)n, false, "I<abcdef>", 9);
		check_splits(4096, msg, 5, false, "I", 1);
	}
}

static void
test_interrupt_at_once(void **state)
{
	static const char msg[] = "abc" IAC IP "def";
	struct line_decoder ld;
	enum ld_event ev;

	(void)state;
	ld_init(&ld, 4096);
	assert_int_equal(ld_feed(&ld, (const uint8_t *)msg, sizeof(msg) - 1,
	    &ev), 5);
	assert_int_equal(ev, LD_INTERRUPT);
	ld_free(&ld);
}

static void
test_other_commands_ignored(void **state)
{
	(void)state;
	CHECK(4096, "a" IAC NOP "b" IAC AYT "c" IAC GA IAC SE "d\n",
	    "<abcd>");
}

static void
test_stops_at_first_event(void **state)
{
	static const char msg[] = "ab\ncd\n";
	struct line_decoder ld;
	enum ld_event ev;

	(void)state;
	ld_init(&ld, 4096);
	assert_int_equal(ld_feed(&ld, (const uint8_t *)msg, 6, &ev), 3);
	assert_int_equal(ev, LD_LINE);
	assert_int_equal(ld.len, 2);
	assert_memory_equal(ld.buf, "ab", 2);
	assert_int_equal(ld_feed(&ld, (const uint8_t *)msg + 3, 3, &ev), 3);
	assert_int_equal(ev, LD_LINE);
	assert_memory_equal(ld.buf, "cd", 2);
	assert_int_equal(ld_feed(&ld, NULL, 0, &ev), 0);
	assert_int_equal(ev, LD_NONE);
	assert_int_equal(ld.len, 0);
	ld_free(&ld);
}

static void
test_max_line(void **state)
{
	(void)state;
	CHECK(8, "12345678\n", "<12345678>");
	CHECK(8, "12345678\r\n", "<12345678>");
	CHECK(8, "1234567" IAC IAC "\n", "<1234567\xff>");
	CHECK(8, "123456789\n", "T");
	CHECK(8, "123456789", "T");
	CHECK(8, "12345678" IAC IAC "\n", "T");
	/* A CR is never data: it ends the line. */
	CHECK(8, "12345678\r\0\n", "<12345678><>");
	CHECK(8, "12345678\rx\n", "<12345678><x>");
	CHECK(0, "\n", "<>");
	CHECK(0, "a\n", "T");
}

static void
test_overflow_then_next_line(void **state)
{
	(void)state;
	CHECK(8, "123456789abcdefghijk\r\nok\r\n", "T<ok>");
	/* Reported once however long; telnet still works meanwhile. */
	CHECK(8, "123456789" IAC DO "\x01" "z\nyz\r\n" IAC IP,
	    "TR" IAC WONT "\x01" "<yz>I");
	CHECK(4, "abcdefgh\nabcdefgh\nabcd\n", "TT<abcd>");
}

static void
test_too_long_at_overflowing_byte(void **state)
{
	static const char msg[] = "123456789abc\n";
	struct line_decoder ld;
	enum ld_event ev;

	(void)state;
	ld_init(&ld, 8);
	assert_int_equal(ld_feed(&ld, (const uint8_t *)msg, sizeof(msg) - 1,
	    &ev), 9);
	assert_int_equal(ev, LD_TOO_LONG);
	assert_int_equal(ld_feed(&ld, (const uint8_t *)msg + 9, 4, &ev), 4);
	assert_int_equal(ev, LD_NONE);
	ld_free(&ld);
}

/* Appends n copies of c to both the message and the line it gives. */
static void
add_run(char *msg, size_t *m, char *line, size_t *l, char c, size_t n)
{
	memset(msg + *m, c, n);
	memset(line + *l, c, n);
	*m += n;
	*l += n;
}

static void
test_long_runs(void **state)
{
	static char msg[1024], want[1024];
	size_t m = 0, l = 0;

	(void)state;
	/* Runs longer than one scan, with IAC and CR LF far apart. */
	want[l++] = '<';
	add_run(msg, &m, want, &l, 'x', 300);
	memcpy(msg + m, IAC IAC, 2);
	m += 2;
	want[l++] = '\xff';
	add_run(msg, &m, want, &l, 'y', 348);
	add_run(msg, &m, want, &l, 'z', 350);
	memcpy(msg + m, "\r\nend\n", 6);
	m += 6;
	memcpy(want + l, "><end>", 6);
	l += 6;
	/* The line is 999 bytes long. */
	check_splits(999, msg, m, false, want, l);
	check_splits(998, msg, m, false, "T<end>", 6);
}

/*
 * End of input settles every state: half a line is the last line; half a
 * telnet command or subnegotiation, a line being dropped and a CR's
 * pending LF are dropped.  Nothing waits for more.
 */
static void
test_finish(void **state)
{
	(void)state;
	CHECK_EOF(4096, "", "$");
	CHECK_EOF(4096, "last", "$<last>");
	CHECK_EOF(4096, "a\n", "<a>$");
	CHECK_EOF(4096, "a\r", "<a>$");
	CHECK_EOF(4096, "a\r\0", "<a>$");
	CHECK_EOF(4096, "abc" IAC, "$<abc>");
	CHECK_EOF(4096, "abc" IAC DO, "$<abc>");
	CHECK_EOF(4096, "abc" IAC SB "\x18xxxxxxxxxxxxxxxxxxxxxxx", "$<abc>");
	CHECK_EOF(4096, "abc" IAC SB "\x18" IAC, "$<abc>");
	CHECK_EOF(4096, IAC SB "\x18xx", "$");
	CHECK_EOF(4096, "caf\xc3", "$<caf\xc3>");
	CHECK_EOF(4, "abcdefgh", "T$");
	CHECK_EOF(4, "abcdefgh\nab", "T$<ab>");
}

static void
test_no_heap_before_first_byte(void **state)
{
	struct line_decoder ld;
	struct mallinfo2 before, after;
	enum ld_event ev;

	(void)state;
	before = mallinfo2();
	ld_init(&ld, 4096);
	after = mallinfo2();
	assert_int_equal(after.uordblks, before.uordblks);
	assert_int_equal(ld.cap, 0);
	assert_int_equal(ld_feed(&ld, NULL, 0, &ev), 0);
	assert_int_equal(ld.cap, 0);
	/* Telnet and empty lines need no buffer either. */
	assert_int_equal(ld_feed(&ld, (const uint8_t *)IAC NOP "\n", 3, &ev),
	    3);
	assert_int_equal(ev, LD_LINE);
	assert_int_equal(ld.len, 0);
	assert_non_null(ld.buf);
	assert_int_equal(ld.cap, 0);
	ld_free(&ld);
	assert_int_equal(mallinfo2().uordblks, before.uordblks);
}

static void
test_buffer_growth(void **state)
{
	static char line[1001];
	struct line_decoder ld;
	enum ld_event ev;

	(void)state;
	memset(line, 'a', 1000);
	line[1000] = '\n';
	ld_init(&ld, 1000);
	ld_feed(&ld, (const uint8_t *)line, 1, &ev);
	assert_int_equal(ld.cap, 64);
	ld_feed(&ld, (const uint8_t *)line, 63, &ev);
	assert_int_equal(ld.cap, 64);
	ld_feed(&ld, (const uint8_t *)line, 1, &ev);
	assert_int_equal(ld.cap, 128);
	/* Doubles up to max_line, never beyond. */
	assert_int_equal(ld_feed(&ld, (const uint8_t *)line + 65, 936, &ev),
	    936);
	assert_int_equal(ev, LD_LINE);
	assert_int_equal(ld.len, 1000);
	assert_int_equal(ld.cap, 1000);
	/* A buffer grown by a long line is given back when it is done. */
	ld_feed(&ld, (const uint8_t *)"x", 1, &ev);
	assert_int_equal(ld.len, 1);
	assert_int_equal(ld.cap, 64);
	ld_free(&ld);
	assert_int_equal(ld.cap, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_cr),
		cmocka_unit_test(test_cr_nul),
		cmocka_unit_test(test_iac_iac),
		cmocka_unit_test(test_will_do_refused),
		cmocka_unit_test(test_wont_dont_silent),
		cmocka_unit_test(test_subnegotiation),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_interrupt_at_once),
		cmocka_unit_test(test_other_commands_ignored),
		cmocka_unit_test(test_stops_at_first_event),
		cmocka_unit_test(test_max_line),
		cmocka_unit_test(test_overflow_then_next_line),
		cmocka_unit_test(test_too_long_at_overflowing_byte),
		cmocka_unit_test(test_long_runs),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_no_heap_before_first_byte),
		cmocka_unit_test(test_buffer_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
