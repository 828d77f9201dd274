/*
 * test_index.c: the name index on Unicode 17.0 (ICU 72's Unicode 15.0 and
 * the newer characters of index/unicode/): known answers, the exact result
 * lines, describe and its stand-ins.
 */
#include "answer_text.h"
#include "index_private.h"

#include <ctype.h>

#include <unicode/utf8.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
test_build(void **state)
{
	struct fixture *f = *state;
	struct cf_index_stats st;

	cf_index_stats(f->idx, &st);
	print_message("index built in %.2f ms: %zu characters, %zu entries, "
	    "%zu words, %zu arena bytes, %zu heap bytes\n", f->build_ms,
	    st.chars, st.entries, st.words, st.arena_bytes, st.heap_bytes);
	assert_string_equal(cf_icu_unicode_version(), "15.0");
	assert_string_equal(cf_names_unicode_version(), "17.0");
	assert_memory_equal(cf_icu_version(), "72.", 3);
	/*
	 * Unicode 17.0's 159801 names from U+0020 up: ICU's 149186 and the
	 * 10615 of 15.1, 16.0 and 17.0; 31 ICU corrections, 442 aliases.
	 */
	assert_int_equal(st.entries, 149186 + 10615 + 31 + 442);
	/* The named ones and the 65 controls, which only have aliases. */
	assert_int_equal(st.chars, 149186 + 10615 + 65);
	assert_true(st.words > 20000);
	assert_true(st.arena_bytes > 5000000);
	assert_true(st.heap_bytes > st.arena_bytes);
}

static void
test_chess_black(void **state)
{
	static const uint32_t want[] = {
		0x265A, 0x265B, 0x265C, 0x265D, 0x265E, 0x265F,
		0x1FA07, 0x1FA0F, 0x1FA10, 0x1FA11, 0x1FA12, 0x1FA13,
		0x1FA14, 0x1FA1C, 0x1FA24, 0x1FA25, 0x1FA26, 0x1FA27,
		0x1FA28, 0x1FA29, 0x1FA31, 0x1FA39, 0x1FA3A, 0x1FA3B,
		0x1FA3C, 0x1FA3D, 0x1FA3E, 0x1FA46, 0x1FA49, 0x1FA4C,
		0x1FA51, 0x1FA52, 0x1FA53, 0x1FA56, 0x1FA57,	/* 17.0 */
	};

	assert_code_points(*state, "chess black", want, N(want));
	assert_code_points(*state, "BLACK  Chess", want, N(want));
}

static void
test_registered(void **state)
{
	assert_answer(*state, "registered", "U+00AE \t\xc2\xae\tREGISTERED SIGN\r\n");
}

static void
test_rook(void **state)
{
	static const uint32_t want[] = {
		0x2656, 0x265C,
		0x1CCC2, 0x1CCC3, 0x1CCC4, 0x1CCC5,	/* 16.0 */
		0x1FA02, 0x1FA0B, 0x1FA11, 0x1FA17, 0x1FA20,
		0x1FA26, 0x1FA2C, 0x1FA35, 0x1FA3B, 0x1FA41, 0x1FA4F, 0x1FA52,
	};

	assert_code_points(*state, "rook", want, N(want));
}

static void
test_unknown_word(void **state)
{
	assert_int_equal(query(*state, "jabberwocky"), 0);
	assert_int_equal(query(*state, "chess jabberwocky"), 0);
	assert_int_equal(query(*state, "chessx"), 0);
}

/* No words: the name search finds nothing (the query reader sends such a
 * query to identify instead). */
static void
test_no_words(void **state)
{
	struct fixture *f = *state;
	char err[64];

	assert_int_equal(cf_search_names(f->idx, "-- ..", 5, f->ans, err,
	    sizeof(err)), 0);
	assert_int_equal(cf_answer_count(f->ans), 0);
	assert_int_equal(cf_search_names(f->idx, "", 0, f->ans, err,
	    sizeof(err)), 0);
	assert_int_equal(cf_answer_count(f->ans), 0);
}

static void
test_cjk_rule(void **state)
{
	static const uint32_t squared[] = { 0x1F229 };
	struct fixture *f = *state;
	char *text;

	/*
	 * 97046 ideographs of Unicode 15.0 and 4938 of 15.1 and 17.0, and 52
	 * other names with all three words.
	 */
	assert_int_equal(query(f, "cjk unified ideograph"), 97098 + 4938);
	assert_int_equal(query(f, "cjk compatibility ideograph"), 1014);
	assert_int_equal(query(f, "cjk"), 103203);
	/* The hex suffix is not a word of U+4E00... */
	assert_code_points(f, "4E00", squared, N(squared));
	assert_int_equal(query(f, "ideograph 9FFF"), 0);
	/* ...but the line shows the full name. */
	query(f, "U+4E00");
	text = answer_text(f, 0, 1 << 16);
	assert_string_equal(text,
	    "U+4E00 \t\xe4\xb8\x80\tCJK UNIFIED IDEOGRAPH-4E00\r\n");
	free(text);
}

static void
test_hyphenated(void **state)
{
	static const uint32_t want[] = { 0x32BA, 0x1FA06, 0x1FA07, 0x1FA08 };

	assert_code_points(*state, "forty five", want, N(want));
	assert_code_points(*state, "forty-five", want, N(want));
	assert_int_equal(query(*state, "forty-five rotated"), 3);
}

static void
test_exact_lines(void **state)
{
	struct fixture *f = *state;
	char *text;

	query(f, "chess black");
	text = answer_text(f, 0, 1 << 16);
	assert_memory_equal(text, "U+265A \t\xe2\x99\x9a\tBLACK CHESS KING\r\n",
	    strlen("U+265A \t\xe2\x99\x9a\tBLACK CHESS KING\r\n"));
	assert_non_null(strstr(text, "\r\nU+1FA07\t\xf0\x9f\xa8\x87\tBLACK "
	    "CHESS KNIGHT ROTATED FORTY-FIVE DEGREES\r\nU+1FA0F\t"));
	free(text);
}

static void
check_describe(struct fixture *f, uint32_t cp, const char *want,
    int from_index)
{
	char buf[CF_LINE_MAX];
	const char *line;
	size_t n = cf_index_describe(f->idx, cp, &line, buf);

	assert_int_equal(n, strlen(want));
	assert_memory_equal(line, want, n);
	if (from_index)
		assert_ptr_not_equal(line, buf);
	else
		assert_ptr_equal(line, buf);
}

static void
test_describe(void **state)
{
	struct fixture *f = *state;

	check_describe(f, 0x265A, "U+265A \t\xe2\x99\x9a\tBLACK CHESS KING\r\n", 1);
	check_describe(f, 0x1FA07, "U+1FA07\t\xf0\x9f\xa8\x87\tBLACK CHESS "
	    "KNIGHT ROTATED FORTY-FIVE DEGREES\r\n", 1);
	check_describe(f, 0x10FFFD, "U+10FFFD\t\xf4\x8f\xbf\xbd\t"
	    "<private use area-10FFFD>\r\n", 0);
	check_describe(f, 0x00A0, "U+00A0 \t\xc2\xa0\tNO-BREAK SPACE\r\n", 1);
	/* ICU's correction alias comes after the name. */
	check_describe(f, 0x01A2, "U+01A2 \t\xc6\xa2\tLATIN CAPITAL LETTER OI\r\n", 1);
}

/* Controls get a Control Picture, or U+FFFD; never a raw control. */
static void
test_stand_ins(void **state)
{
	struct fixture *f = *state;

	check_describe(f, 0x0000, "U+0000 \t\xe2\x90\x80\t<control-0000> "
	    "(alias NULL)\r\n", 1);
	check_describe(f, 0x0007, "U+0007 \t\xe2\x90\x87\t<control-0007> "
	    "(alias ALERT)\r\n", 1);
	check_describe(f, 0x001F, "U+001F \t\xe2\x90\x9f\t<control-001F> "
	    "(alias INFORMATION SEPARATOR ONE)\r\n", 1);
	check_describe(f, 0x007F, "U+007F \t\xe2\x90\xa1\t<control-007F> "
	    "(alias DELETE)\r\n", 1);
	check_describe(f, 0x0085, "U+0085 \t\xef\xbf\xbd\t<control-0085> "
	    "(alias NEXT LINE)\r\n", 1);
	check_describe(f, 0x0378, "U+0378 \t\xcd\xb8\t<unassigned-0378>\r\n", 0);
	check_describe(f, 0xE000, "U+E000 \t\xee\x80\x80\t"
	    "<private use area-E000>\r\n", 0);
	check_describe(f, 0xD800, "U+D800 \t\xef\xbf\xbd\t"
	    "<lead surrogate-D800>\r\n", 0);
	check_describe(f, 0xDFFF, "U+DFFF \t\xef\xbf\xbd\t"
	    "<trail surrogate-DFFF>\r\n", 0);
	check_describe(f, 0xFDD0, "U+FDD0 \t\xef\xbf\xbd\t"
	    "<noncharacter-FDD0>\r\n", 0);
	check_describe(f, 0x10FFFF, "U+10FFFF\t\xef\xbf\xbd\t"
	    "<noncharacter-10FFFF>\r\n", 0);
}

/* Every line of the arena: valid UTF-8, no control but TAB and CR LF. */
static void
test_arena_is_clean(void **state)
{
	struct fixture *f = *state;
	const struct cf_index *idx = f->idx;
	size_t e;

	for (e = 0; e < idx->nentries; e++) {
		const char *line = idx->arena + idx->entry_off[e];
		int32_t len = (int32_t)(idx->entry_off[e + 1] -
		    idx->entry_off[e]), i = 0, tabs = 0;
		UChar32 c;

		assert_true(len > 4 && len <= CF_LINE_MAX);
		assert_memory_equal(line + len - 2, "\r\n", 2);
		while (i < len - 2) {
			U8_NEXT(line, i, len - 2, c);
			assert_true(c >= 0x20 || c == '\t');
			assert_true(c != 0x7F && !(c >= 0x80 && c < 0xA0));
			tabs += c == '\t';
		}
		assert_int_equal(tabs, 2);
		if (e > 0)
			assert_true(idx->entry_cp[e] >= idx->entry_cp[e - 1]);
	}
}

/* Check the items of the answer to q; returns how many had an alias. */
static size_t
check_plain(struct fixture *f, const char *q, size_t want)
{
	struct cf_cursor cur = { 0 };
	struct cf_item item;
	char buf[CF_LINE_MAX];
	size_t items = 0, aliases = 0;

	assert_int_equal(query(f, q), want);
	while (cf_answer_next_item(f->idx, f->ans, &cur, 0, &item, buf)) {
		const char *s[] = { item.name, item.alias };
		size_t len[] = { item.name_len, item.alias_len };

		assert_int_equal(item.emoji, -1);
		for (size_t k = 0; k < 2 && s[k] != NULL; k++)
			for (size_t i = 0; i < len[k]; i++)
				if (strchr(" -<>", s[k][i]) == NULL &&
				    !isalnum((unsigned char)s[k][i]))
					fail_msg("U+%04X: %.*s", item.cps[0],
					    (int)len[k], s[k]);
		aliases += item.alias != NULL;
		items++;
	}
	assert_int_equal(items, want);
	return aliases;
}

/* A character's name, alias or label is in [ -<>0-9A-Za-z], as
 * cf_query.h says: the JSON of GET /search copies it unescaped. */
static void
test_names_plain(void **state)
{
	check_plain(*state, "U+0000..U+10FFFF", 0x110000);
	assert_int_equal(check_plain(*state, "nbsp", 1), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_chess_black),
		cmocka_unit_test(test_registered),
		cmocka_unit_test(test_rook),
		cmocka_unit_test(test_unknown_word),
		cmocka_unit_test(test_no_words),
		cmocka_unit_test(test_cjk_rule),
		cmocka_unit_test(test_hyphenated),
		cmocka_unit_test(test_exact_lines),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_stand_ins),
		cmocka_unit_test(test_arena_is_clean),
		cmocka_unit_test(test_names_plain),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
