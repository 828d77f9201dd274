/*
 * test_protocol.c: what a received telnet line is (protocol.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "protocol.h"

static void
check_kind(const char *line, size_t len, enum line_kind want,
    const char *want_text, size_t want_len)
{
	const char *text;
	size_t textlen;

	assert_int_equal(line_classify(line, len, &text, &textlen), want);
	assert_int_equal(textlen, want_len);
	assert_memory_equal(text, want_text, textlen);
}

#define KIND(s, kind, text) \
	check_kind(s, sizeof(s) - 1, kind, text, sizeof(text) - 1)

static void
test_classify(void **state)
{
	(void)state;
	KIND("", LINE_EMPTY, "");
	KIND(" \t ", LINE_EMPTY, "");
	KIND("\x1c\x1d\x1e\x1f\x0b\x0c", LINE_EMPTY, "");
	KIND("\xc2\x85\xc2\xa0\xe3\x80\x80", LINE_EMPTY, "");
	KIND("\x04", LINE_LEAVE, "\x04");
	KIND("  \x04 ", LINE_LEAVE, "\x04");
	KIND("\x7f", LINE_LEAVE, "\x7f");
	KIND("\x00", LINE_LEAVE, "\x00");
	KIND("\xff", LINE_BAD_UTF8, "\xff");
	KIND(" a\xc3", LINE_BAD_UTF8, " a\xc3");
	KIND("\xed\xa0\x80", LINE_BAD_UTF8, "\xed\xa0\x80");
	KIND("\xc0\xaf", LINE_BAD_UTF8, "\xc0\xaf");
	KIND("\xf4\x90\x80\x80", LINE_BAD_UTF8, "\xf4\x90\x80\x80");
	KIND("a\x00" "b", LINE_CONTROL, "a\x00" "b");
	KIND("a\x1b" "b", LINE_CONTROL, "a\x1b" "b");
	KIND("a\nb", LINE_CONTROL, "a\nb");
	KIND("a\xc2\x80", LINE_CONTROL, "a\xc2\x80");
	KIND("\xc2\x80" "a", LINE_CONTROL, "\xc2\x80" "a");
	KIND("chess\tblack", LINE_QUERY, "chess\tblack");
	KIND(" \xc2\xa0" "chess black\r\xe3\x80\x80", LINE_QUERY,
	    "chess black");
	KIND("/help", LINE_COMMAND, "/help");
	KIND("  /Limit 5 ", LINE_COMMAND, "/Limit 5");
	KIND("/1", LINE_QUERY, "/1");
	KIND("/", LINE_QUERY, "/");
	KIND("?", LINE_QUERY, "?");
}

/* A byte order mark that starts a session's first line is dropped. */
static void
test_bom(void **state)
{
	(void)state;
	assert_int_equal(line_bom_length("\xef\xbb\xbf" "chess", 8), 3);
	assert_int_equal(line_bom_length("\xef\xbb\xbf", 3), 3);
	assert_int_equal(line_bom_length("\xef\xbb", 2), 0);
	assert_int_equal(line_bom_length("chess", 5), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_bom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
