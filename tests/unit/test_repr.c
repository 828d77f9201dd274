/*
 * test_repr.c: Python's repr() of a str, and the status line.
 *
 * The expected strings were made with Python 3.11's repr() and pasted
 * here (tests/unit needs no Python): only characters assigned before
 * Unicode 14.0, so that Python's older data and ICU's 15.0 agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cf_repr.h"

struct repr_case {
	const char *s;
	size_t len;
	const char *repr;
};

static const struct repr_case repr_cases[] = {
	{ "chess black", 11, "'chess black'" },
	{ "jabberwocky's vest", 18, "\"jabberwocky's vest\"" },
	{ "say \"hi\"", 8, "'say \"hi\"'" },
	{ "both ' and \"", 12, "'both \\' and \"'" },
	{ "back\\slash", 10, "'back\\\\slash'" },
	{ "tab\x09here", 8, "'tab\\there'" },
	{ "nl\x0ax", 4, "'nl\\nx'" },
	{ "cr\x0dx", 4, "'cr\\rx'" },
	{ "\x00\x01\x1f\x7f", 4, "'\\x00\\x01\\x1f\\x7f'" },
	{ "\xc2\x80\xc2\x9f\xc2\xa0\xc2\xad", 8, "'\\x80\\x9f\\xa0\\xad'" },
	{ "\xc3\xa9 \xc3\xb1 \xc3\x9f", 8, "'\xc3\xa9 \xc3\xb1 \xc3\x9f'" },
	{ "\xc2\xa0", 2, "'\\xa0'" },
	{ "\xe2\x80\xa8\xe2\x80\xa9", 6, "'\\u2028\\u2029'" },
	{ "\xe2\x80\x8b\xe2\x80\x8d\xef\xbb\xbf", 9, "'\\u200b\\u200d\\ufeff'" },
	{ "\xe3\x80\x80x", 4, "'\\u3000x'" },
	{ "\xee\x80\x80", 3, "'\\ue000'" },
	{ "\xf3\xb0\x80\x80", 4, "'\\U000f0000'" },
	{ "\xf4\x8f\xbf\xbf", 4, "'\\U0010ffff'" },
	{ "\xcd\xb8", 2, "'\\u0378'" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, "'\xf0\x9f\x98\x80\xf0\x9f\x98\x80'" },
	{ "\xef\xbf\xbd", 3, "'\xef\xbf\xbd'" },
	{ "\xf3\xa0\x80\x81", 4, "'\\U000e0001'" },
	{ "\xd8\x9c", 2, "'\\u061c'" },
	{ "a'b\"c", 5, "'a\\'b\"c'" },
	{ "''", 2, "\"''\"" },
	{ "\"", 1, "'\"'" },
	{ "'", 1, "\"'\"" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, "'\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e'" },
	{ "\xe1\x9a\x80", 3, "'\\u1680'" },
	{ "\xf0\x9d\x85\x99", 4, "'\xf0\x9d\x85\x99'" },
	{ "\xd8\x80", 2, "'\\u0600'" },
	{ "", 0, "''" },
	{ " ", 1, "' '" },
	{ "x\x1by", 3, "'x\\x1by'" },
	{ "\xc3\xbf\xc4\x80", 4, "'\xc3\xbf\xc4\x80'" },
	{ "\xc2\x85", 2, "'\\x85'" },
};

static void
test_repr_matches_python(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(repr_cases) / sizeof(repr_cases[0]); i++) {
		const struct repr_case *c = &repr_cases[i];
		char out[CF_REPR_MAX(64)];
		size_t n = cf_repr(c->s, c->len, out);

		assert_true(n <= CF_REPR_MAX(c->len));
		out[n] = '\0';
		assert_string_equal(out, c->repr);
	}
}

/* The worst case of each escape stays within CF_REPR_MAX. */
static void
test_repr_bound(void **state)
{
	static const char *const worst[] = {
		"\x01", "\xc2\x80", "\xcd\xb8", "\xe2\x80\xa8",
		"\xf3\xb0\x80\x80", "'", "\\",
	};
	char out[CF_REPR_MAX(4) + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(worst) / sizeof(worst[0]); i++) {
		size_t len = strlen(worst[i]);

		assert_true(cf_repr(worst[i], len, out) <= CF_REPR_MAX(len));
	}
}

static void
check_status(const char *q, size_t count, size_t shown, const char *want)
{
	char out[CF_STATUS_MAX(64)];
	size_t n = cf_status_line(out, q, strlen(q), count, shown);

	assert_true(n <= CF_STATUS_MAX(strlen(q)));
	out[n] = '\0';
	assert_string_equal(out, want);
}

static void
test_status_lines(void **state)
{
	(void)state;
	check_status("jabberwocky's vest", 0, 0,
	    "No match for \"jabberwocky's vest\"\r\n");
	check_status("registered", 1, 1, "1 match for 'registered'\r\n");
	check_status("chess black", 33, 33, "33 matches for 'chess black'\r\n");
	check_status("cjk", 98263, 100,
	    "98263 matches for 'cjk' (first 100 shown)\r\n");
	check_status("U+0000..U+10FFFF", 1114112, 1,
	    "1114112 matches for 'U+0000..U+10FFFF' (first 1 shown)\r\n");
	check_status("a\tb", 2, 2, "2 matches for 'a\\tb'\r\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repr_matches_python),
		cmocka_unit_test(test_repr_bound),
		cmocka_unit_test(test_status_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
