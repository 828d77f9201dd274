/*
 * test_query.c: every query form, the hand-out of answers, and the
 * classification of received lines.
 */
#include "answer_text.h"
#include "index_private.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
assert_query_error(struct fixture *f, const char *q, const char *want)
{
	char err[256] = "";

	assert_int_equal(cf_index_query(f->idx, q, strlen(q), f->ans, err,
	    sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(cf_answer_count(f->ans), 0);
}

/* The answer has exactly this line somewhere. */
static void
assert_has_line(struct fixture *f, const char *q, const char *line)
{
	char *text;

	query(f, q);
	text = answer_text(f, 0, 1 << 16);
	if (strstr(text, line) == NULL)
		fail_msg("'%s' has no line %s", q, line);
	free(text);
}

static void
test_code_points(void **state)
{
	static const uint32_t a[] = { 0x41 };
	static const uint32_t pieces[] = {
		0x2654, 0x2655, 0x2656, 0x2657, 0x2658, 0x2659,
	};
	static const uint32_t several[] = { 0x41, 0x1F600, 0x10FFFF, 0x0 };
	static const uint32_t mixed[] = { 0x265A, 0x2654, 0x2655, 0x265A };
	struct fixture *f = *state;

	assert_answer(f, "U+265A", "U+265A \t\xe2\x99\x9a\tBLACK CHESS KING\r\n");
	assert_answer(f, "u+265a", "U+265A \t\xe2\x99\x9a\tBLACK CHESS KING\r\n");
	assert_code_points(f, "U+41", a, N(a));
	assert_code_points(f, "U+041", a, N(a));
	assert_code_points(f, "U+000041", a, N(a));
	assert_code_points(f, "U+2654..U+2659", pieces, N(pieces));
	assert_code_points(f, "u+2654..u+2659", pieces, N(pieces));
	assert_code_points(f, "U+41 u+1f600\tU+10FFFF U+0", several,
	    N(several));
	/* in the order given, repeats kept */
	assert_code_points(f, "U+265A U+2654..U+2655 U+265A", mixed,
	    N(mixed));
}

static void
test_bad_code_points(void **state)
{
	struct fixture *f = *state;
	char q[65 * 7 + 1] = "";
	int i;

	assert_query_error(f, "U+ZZ", "bad code point 'U+ZZ' (use U+0000 to "
	    "U+10FFFF, or a range U+2654..U+2659)");
	assert_query_error(f, "U+110000", "bad code point 'U+110000' (use "
	    "U+0000 to U+10FFFF, or a range U+2654..U+2659)");
	assert_query_error(f, "U+0000041", "bad code point 'U+0000041' (use "
	    "U+0000 to U+10FFFF, or a range U+2654..U+2659)");
	assert_query_error(f, "U+41 chess", "bad code point 'chess' (use "
	    "U+0000 to U+10FFFF, or a range U+2654..U+2659)");
	assert_query_error(f, "U+2659..U+2654", "bad code point "
	    "'U+2659..U+2654' (use U+0000 to U+10FFFF, or a range "
	    "U+2654..U+2659)");
	assert_query_error(f, "U+", "bad code point 'U+' (use U+0000 to "
	    "U+10FFFF, or a range U+2654..U+2659)");
	assert_query_error(f, "U+41..", "bad code point 'U+41..' (use U+0000 "
	    "to U+10FFFF, or a range U+2654..U+2659)");
	assert_query_error(f, "U+41..42", "bad code point 'U+41..42' (use "
	    "U+0000 to U+10FFFF, or a range U+2654..U+2659)");
	for (i = 0; i < 64; i++)
		strcat(q, "U+0041 ");
	assert_int_equal(query(f, q), 64);
	strcat(q, "U+42");
	assert_query_error(f, q, "too many code points (at most 64)");
}

/* The whole code space: counted, never expanded; the first lines at once. */
static void
test_all_code_points(void **state)
{
	struct fixture *f = *state;
	char *text;

	assert_int_equal(query(f, "U+0000..U+10FFFF"), 1114112);
	assert_int_equal(f->ans->nranges, 1);
	text = answer_text(f, 3, 1 << 16);
	assert_string_equal(text,
	    "U+0000 \t\xe2\x90\x80\t<control-0000> (alias NULL)\r\n"
	    "U+0001 \t\xe2\x90\x81\t<control-0001> (alias START OF HEADING)\r\n"
	    "U+0002 \t\xe2\x90\x82\t<control-0002> (alias START OF TEXT)\r\n");
	free(text);
	assert_int_equal(query(f, "U+10FFFE..U+10FFFF"), 2);
	assert_answer(f, "U+10FFFE..U+10FFFF",
	    "U+10FFFE\t\xef\xbf\xbd\t<noncharacter-10FFFE>\r\n"
	    "U+10FFFF\t\xef\xbf\xbd\t<noncharacter-10FFFF>\r\n");
}

static void
test_identify(void **state)
{
	/* an emoji sequence's line first (its label starts with its first
	 * code point: see test_emoji.c), then each code point */
	static const uint32_t thumbs[] = { 0x1F44D, 0x1F44D, 0x1F3FD };
	static const uint32_t family[] = { 0x1F468, 0x1F468, 0x200D, 0x1F469,
	    0x1F467 };
	static const uint32_t mixed[] = { 0x61, 0xE9, 0x3F };
	static const uint32_t punct[] = { 0x21, 0x2D };
	struct fixture *f = *state;
	char line[4097];
	size_t i;

	assert_answer(f, "\xc3\xa9",
	    "U+00E9 \t\xc3\xa9\tLATIN SMALL LETTER E WITH ACUTE\r\n");
	assert_answer(f, "?", "U+003F \t?\tQUESTION MARK\r\n");
	assert_answer(f, "\xc2\xa7", "U+00A7 \t\xc2\xa7\tSECTION SIGN\r\n");
	assert_code_points(f, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", thumbs,
	    N(thumbs));
	/* man ZWJ woman ZWJ girl: the joiner once */
	assert_code_points(f, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9"
	    "\xe2\x80\x8d\xf0\x9f\x91\xa7", family, N(family));
	/* any non-ASCII character: every character, white space skipped */
	assert_code_points(f, "a \xc3\xa9 a?\xc3\xa9", mixed, N(mixed));
	assert_code_points(f, "!- -!", punct, N(punct));
	/* a long line: each code point once */
	for (i = 0; i + 2 <= 4096; i += 2)
		memcpy(line + i, i % 6 == 0 ? "\xc3\xa9" : "ab", 2);
	line[4096] = '\0';
	assert_int_equal(query(f, line), 3);
}

static void
test_prefix(void **state)
{
	struct fixture *f = *state;
	char *text, *p;

	assert_int_equal(query(f, "smil*"), 27);
	text = answer_text(f, 0, 1 << 16);
	assert_memory_equal(text, "U+2323 \t\xe2\x8c\xa3\tSMILE\r\n", 17);
	for (p = text; *p != '\0'; p = strstr(p, "\r\n") + 2)
		assert_true(strstr(p, "SMIL") < strstr(p, "\r\n"));
	free(text);
	assert_int_equal(query(f, "smil* face"), 23);
	assert_has_line(f, "smil* face",
	    "U+263A \t\xe2\x98\xba\tWHITE SMILING FACE\r\n");
	assert_has_line(f, "face smil*",
	    "U+1F601\t\xf0\x9f\x98\x81\tGRINNING FACE WITH SMILING EYES\r\n");
	assert_int_equal(query(f, "smil* smil*"), 27);
	assert_int_equal(query(f, "smilx*"), 0);
	/* a prefix that is a whole word, and prefixes with many words */
	assert_int_equal(query(f, "smile*"), query(f, "smile* smil*"));
	assert_int_equal(query(f, "cjk uni* ideo*"), 102036);
	assert_int_equal(query(f, "chess bla*"), 35);
	assert_int_equal(query(f, "c* b* chess"), 48);
}

static void
test_aliases(void **state)
{
	struct fixture *f = *state;

	assert_answer(f, "nbsp",
	    "U+00A0 \t\xc2\xa0\tNO-BREAK SPACE (alias NBSP)\r\n");
	assert_has_line(f, "zwj",
	    "U+200D \t\xe2\x80\x8d\tZERO WIDTH JOINER (alias ZWJ)\r\n");
	assert_has_line(f, "bom",
	    "U+FEFF \t\xef\xbb\xbf\tZERO WIDTH NO-BREAK SPACE (alias BOM)\r\n");
	assert_has_line(f, "byte order mark", "U+FEFF \t\xef\xbb\xbf\t"
	    "ZERO WIDTH NO-BREAK SPACE (alias BYTE ORDER MARK)\r\n");
	assert_has_line(f, "line feed",
	    "U+000A \t\xe2\x90\x8a\t<control-000A> (alias LINE FEED)\r\n");
	assert_has_line(f, "null",
	    "U+0000 \t\xe2\x90\x80\t<control-0000> (alias NULL)\r\n");
	assert_answer(f, "esc",
	    "U+001B \t\xe2\x90\x9b\t<control-001B> (alias ESC)\r\n");
	/* ICU's correction aliases */
	assert_answer(f, "latin gha",
	    "U+01A2 \t\xc6\xa2\tLATIN CAPITAL LETTER OI "
	    "(alias LATIN CAPITAL LETTER GHA)\r\n"
	    "U+01A3 \t\xc6\xa3\tLATIN SMALL LETTER OI "
	    "(alias LATIN SMALL LETTER GHA)\r\n");
}

/* Found through its name and an alias: one line, the plain name. */
static void
test_name_wins(void **state)
{
	struct fixture *f = *state;
	char *text;

	assert_answer(f, "latin capital letter oi",
	    "U+01A2 \t\xc6\xa2\tLATIN CAPITAL LETTER OI\r\n");
	query(f, "latin capital letter");
	text = answer_text(f, 0, 1 << 16);
	assert_non_null(strstr(text,
	    "U+01A2 \t\xc6\xa2\tLATIN CAPITAL LETTER OI\r\n"));
	assert_null(strstr(text, "GHA"));
	free(text);
	/* several aliases match: the first, once */
	assert_has_line(f, "line",
	    "U+000A \t\xe2\x90\x8a\t<control-000A> (alias LINE FEED)\r\n");
	query(f, "line");
	text = answer_text(f, 0, 1 << 16);
	assert_null(strstr(text, "(alias NEW LINE)"));
	assert_null(strstr(text, "(alias END OF LINE)"));
	free(text);
}

static void
test_limit_and_pieces(void **state)
{
	struct fixture *f = *state;
	struct cf_cursor cur = { 0 };
	struct cf_piece piece;
	char buf[CF_LINE_MAX];
	size_t pieces = 0, bytes = 0;
	char *text;

	assert_int_equal(query(f, "cjk"), 103203);
	/* unbounded pieces: a handful, all pointing into the index */
	while (cf_answer_next(f->idx, f->ans, &cur, 0, SIZE_MAX, &piece,
	    buf)) {
		assert_true(piece.stable);
		pieces++;
		bytes += piece.len;
	}
	assert_int_equal(cur.lines, 103203);
	assert_true(pieces <= 10);
	/* a limit, and pieces smaller than a line still hold one */
	text = answer_text(f, 100, 1);
	assert_int_equal(strlen(text) > 0, 1);
	free(text);
	memset(&cur, 0, sizeof(cur));
	assert_true(cf_answer_next(f->idx, f->ans, &cur, 100, 1, &piece, buf));
	assert_int_equal(piece.lines, 1);
	/* a cursor continues where it stopped; the limit counts every line */
	memset(&cur, 0, sizeof(cur));
	while (cf_answer_next(f->idx, f->ans, &cur, 150, 4096, &piece, buf))
		assert_true(piece.len <= 4096);
	assert_int_equal(cur.lines, 150);
	assert_false(cf_answer_next(f->idx, f->ans, &cur, 150, 4096, &piece,
	    buf));
	/* an unnamed code point is formatted into the caller's buffer */
	query(f, "U+0378");
	memset(&cur, 0, sizeof(cur));
	assert_true(cf_answer_next(f->idx, f->ans, &cur, 0, 4096, &piece,
	    buf));
	assert_false(piece.stable);
	assert_ptr_equal(piece.data, buf);
	assert_false(cf_answer_next(f->idx, f->ans, &cur, 0, 4096, &piece,
	    buf));
	(void)bytes;
}

/*
 * However an answer is cut into pieces, the text is the same, and a piece
 * ends only where the next line is elsewhere in the index, or would not fit.
 */
static void
test_pieces_are_maximal(void **state)
{
	struct fixture *f = *state;
	static const char *const queries[] = { "letter", "cjk", "chess",
	    "small" };
	static const size_t caps[] = { 1, 100, 4096, 65536 };
	struct cf_cursor cur;
	struct cf_piece piece, prev;
	char buf[CF_LINE_MAX], *whole, *text;
	size_t q, k;

	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		query(f, queries[q]);
		whole = answer_text(f, 0, SIZE_MAX);
		for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
			text = answer_text(f, 0, caps[k]);
			assert_string_equal(text, whole);
			free(text);
			memset(&cur, 0, sizeof(cur));
			memset(&prev, 0, sizeof(prev));
			while (cf_answer_next(f->idx, f->ans, &cur, 0, caps[k],
			    &piece, buf)) {
				assert_true(piece.lines == 1 ||
				    piece.len <= caps[k]);
				/* contiguous with the one before: that one
				 * was full */
				if (prev.data != NULL &&
				    piece.data == prev.data + prev.len)
					assert_true(prev.len +
					    (size_t)(strchr(piece.data, '\n') -
					    piece.data + 1) > caps[k]);
				prev = piece;
			}
		}
		free(whole);
	}
}

static void
test_too_many_words(void **state)
{
	struct fixture *f = *state;
	char q[65 * 6 + 1] = "";
	int i;

	for (i = 0; i < 64; i++)
		strcat(q, "chess ");
	assert_int_equal(query(f, q), query(f, "chess"));
	strcat(q, "black");
	assert_query_error(f, q, "too many words (at most 64)");
}

/* White space is exactly Python 3.11's str.isspace(). */
static void
test_python_white_space(void **state)
{
	static const UChar32 python[] = {
		0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20,
		0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
		0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028,
		0x2029, 0x202F, 0x205F, 0x3000,
	};
	size_t next = 0;
	UChar32 c;

	(void)state;
	for (c = 0; c <= 0x10FFFF; c++) {
		bool want = next < N(python) && python[next] == c;

		if (cf_is_space(c) != want)
			fail_msg("U+%04X: white space is %d", (unsigned)c, want);
		next += want;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_points),
		cmocka_unit_test(test_bad_code_points),
		cmocka_unit_test(test_all_code_points),
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_name_wins),
		cmocka_unit_test(test_limit_and_pieces),
		cmocka_unit_test(test_pieces_are_maximal),
		cmocka_unit_test(test_too_many_words),
		cmocka_unit_test(test_python_white_space),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
