/*
 * test_order.c: the relevance order and paging (cf_cursor_seek), on
 * the names of Unicode 17.0.
 */
#include "answer_text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct cf_query_options relevance = {
	.order = CF_ORDER_RELEVANCE,
};

static size_t
query_ordered(struct fixture *f, const char *q)
{
	char err[256] = "";

	if (cf_index_query_opts(f->idx, q, strlen(q), &relevance, f->ans, err,
	    sizeof(err)) != 0)
		fail_msg("query '%s' failed: %s", q, err);
	return cf_answer_count(f->ans);
}

/* The first lines of the answer in relevance order are exactly want. */
static void
assert_best(struct fixture *f, const char *q, const char *want)
{
	size_t lines = 0;
	const char *p;
	char *text;

	for (p = want; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	query_ordered(f, q);
	text = answer_text(f, lines, 1 << 16);
	assert_string_equal(text, want);
	free(text);
}

static void
test_examples(void **state)
{
	struct fixture *f = *state;

	/* fewer other words first: the four plain arrows */
	assert_best(f, "arrow",
	    "U+2190 \t\xe2\x86\x90\tLEFTWARDS ARROW\r\n"
	    "U+2191 \t\xe2\x86\x91\tUPWARDS ARROW\r\n"
	    "U+2192 \t\xe2\x86\x92\tRIGHTWARDS ARROW\r\n"
	    "U+2193 \t\xe2\x86\x93\tDOWNWARDS ARROW\r\n");
	/* as many other words: starting with the query's first */
	assert_best(f, "heart",
	    "U+1F49F\t\xf0\x9f\x92\x9f\tHEART DECORATION\r\n"
	    "U+1FAF6\t\xf0\x9f\xab\xb6\tHEART HANDS\r\n"
	    "U+2766 \t\xe2\x9d\xa6\tFLORAL HEART\r\n"
	    "U+1F493\t\xf0\x9f\x92\x93\tBEATING HEART\r\n");
	/* a name that is the query itself */
	assert_best(f, "smile", "U+2323 \t\xe2\x8c\xa3\tSMILE\r\n"
	    "U+1DA3E\t\xf0\x9d\xa8\xbe\tSIGNWRITING MOUTH SMILE\r\n");
	assert_best(f, "cat", "U+1F408\t\xf0\x9f\x90\x88\tCAT\r\n"
	    "U+1F431\t\xf0\x9f\x90\xb1\tCAT FACE\r\n");
	/* in any order of the query's words */
	assert_best(f, "king chess black",
	    "U+265A \t\xe2\x99\x9a\tBLACK CHESS KING\r\n");
	assert_best(f, "latin letter a",
	    "U+0041 \tA\tLATIN CAPITAL LETTER A\r\n"
	    "U+0061 \ta\tLATIN SMALL LETTER A\r\n");
	/* prefix words count as the words they match */
	assert_best(f, "smil*", "U+2323 \t\xe2\x8c\xa3\tSMILE\r\n"
	    "U+263A \t\xe2\x98\xba\tWHITE SMILING FACE\r\n");
	/* an alias is ranked by its own words */
	assert_best(f, "nbsp",
	    "U+00A0 \t\xc2\xa0\tNO-BREAK SPACE (alias NBSP)\r\n");
}

static int
compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, cut in place, sorted; returns how many. */
static size_t
split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *p;

	for (p = text; *p != '\0' && n < max; p++) {
		lines[n++] = p;
		p = strchr(p, '\n');	/* not strstr: ASan's reads it all */
		p[-1] = '\0';		/* the CR */
	}
	qsort(lines, n, sizeof(*lines), compare_lines);
	return n;
}

/* The same lines as in code point order, in another order. */
static void
test_same_answer(void **state)
{
	static const char *const queries[] = { "letter", "heart", "arrow",
	    "c* b* chess", "latin capital", "line", "smil* face", "thai",
	    "cjk" };
	static char *a[200000], *b[200000];
	struct fixture *f = *state;
	char *code_order, *best_first;
	size_t q, i, na, nb;

	for (q = 0; q < N(queries); q++) {
		na = query(f, queries[q]);
		code_order = answer_text(f, 0, 4096);
		assert_int_equal(query_ordered(f, queries[q]), na);
		best_first = answer_text(f, 0, 4096);
		if (strcmp(queries[q], "cjk") != 0)
			assert_string_not_equal(code_order, best_first);
		na = split_lines(code_order, a, N(a));
		nb = split_lines(best_first, b, N(b));
		assert_int_equal(na, nb);
		for (i = 0; i < na; i++)
			assert_string_equal(a[i], b[i]);
		free(code_order);
		free(best_first);
	}
}

static void
assert_answer_text(struct fixture *f, const char *want)
{
	char *text = answer_text(f, 0, 4096);

	assert_string_equal(text, want);
	free(text);
}

/* Code points and identify keep the order of the query. */
static void
test_query_order_kept(void **state)
{
	struct fixture *f = *state;
	char *text;

	query(f, "U+265A U+2654 U+41");
	text = answer_text(f, 0, 4096);
	query_ordered(f, "U+265A U+2654 U+41");
	assert_answer_text(f, text);
	free(text);
	query(f, "\xc3\xa9?a");
	text = answer_text(f, 0, 4096);
	query_ordered(f, "\xc3\xa9?a");
	assert_answer_text(f, text);
	free(text);
}

/* Lines [offset, offset + limit) of the answer, through the cursor. */
static char *
page_text(struct fixture *f, size_t offset, size_t limit, size_t max_bytes)
{
	struct cf_cursor cur;
	struct cf_piece piece;
	char buf[CF_LINE_MAX], *text;
	size_t len = 0, cap = 1 << 16;

	assert_non_null(text = malloc(cap));
	cf_cursor_seek(f->ans, &cur, offset);
	while (cf_answer_next(f->idx, f->ans, &cur, limit, max_bytes, &piece,
	    buf)) {
		while (len + piece.len + 1 > cap) {
			cap *= 2;
			assert_non_null(text = realloc(text, cap));
		}
		memcpy(text + len, piece.data, piece.len);
		len += piece.len;
	}
	text[len] = '\0';
	return text;
}

/* The lines [from, from + n) of text, in a string to free. */
static char *
lines_of(const char *text, size_t from, size_t n)
{
	const char *start = text, *end;
	size_t i;

	for (i = 0; i < from && *start != '\0'; i++)
		start = strchr(start, '\n') + 1;
	for (end = start, i = 0; i < n && *end != '\0'; i++)
		end = strchr(end, '\n') + 1;
	return strndup(start, (size_t)(end - start));
}

static void
check_pages(struct fixture *f, const char *what)
{
	static const size_t offsets[] = { 0, 1, 7, 19, 20, 1000, 98262 };
	static const size_t limits[] = { 0, 1, 20 };
	static const size_t caps[] = { 1, 100, 4096 };
	size_t count = cf_answer_count(f->ans), o, l, c;
	char *whole = page_text(f, 0, 0, 4096), *page, *want;

	for (o = 0; o < N(offsets); o++)
		for (l = 0; l < N(limits); l++)
			for (c = 0; c < N(caps); c++) {
				if (limits[l] == 0 && offsets[o] < count &&
				    count - offsets[o] > 2000)
					continue;	/* too big a page */
				page = page_text(f, offsets[o], limits[l],
				    caps[c]);
				want = lines_of(whole, offsets[o],
				    limits[l] == 0 ? SIZE_MAX : limits[l]);
				if (strcmp(page, want) != 0)
					fail_msg("%s: offset %zu limit %zu: "
					    "another page", what, offsets[o],
					    limits[l]);
				free(page);
				free(want);
			}
	free(whole);
}

static void
test_paging(void **state)
{
	struct fixture *f = *state;
	struct cf_cursor cur;
	struct cf_piece piece;
	char buf[CF_LINE_MAX], *best20, *all;

	query(f, "letter");
	check_pages(f, "letter");
	query_ordered(f, "letter");
	check_pages(f, "letter, relevance");
	query(f, "chess");
	check_pages(f, "chess");
	query_ordered(f, "arrow");
	check_pages(f, "arrow, relevance");
	query(f, "U+41..U+5A U+2654..U+2659 U+0378 U+1F600..U+1F64F");
	check_pages(f, "code points");
	query(f, "\xc3\xa9?a\xf0\x9f\x98\x80");
	check_pages(f, "identify");
	query(f, "cjk");
	check_pages(f, "cjk");

	/* the first 20 shown are the 20 best */
	query_ordered(f, "heart");
	best20 = answer_text(f, 20, 4096);
	all = answer_text(f, 0, 4096);
	assert_memory_equal(best20, all, strlen(best20));
	free(best20);
	free(all);

	/* past the end: nothing, and the count stays */
	query(f, "chess black");
	cf_cursor_seek(f->ans, &cur, cf_answer_count(f->ans));
	assert_false(cf_answer_next(f->idx, f->ans, &cur, 0, 4096, &piece,
	    buf));
	cf_cursor_seek(f->ans, &cur, SIZE_MAX);
	assert_false(cf_answer_next(f->idx, f->ans, &cur, 0, 4096, &piece,
	    buf));
	query(f, "U+0000..U+10FFFF");
	cf_cursor_seek(f->ans, &cur, 0x110000);
	assert_false(cf_answer_next(f->idx, f->ans, &cur, 0, 4096, &piece,
	    buf));
	cf_cursor_seek(f->ans, &cur, 0x10FFFF);
	assert_true(cf_answer_next(f->idx, f->ans, &cur, 0, 4096, &piece,
	    buf));
	assert_memory_equal(piece.data, "U+10FFFF\t", 9);
	assert_int_equal(cf_answer_count(f->ans), 0x110000);
	assert_int_equal(cur.lines, 1);
}

/*
 * In relevance order too, a piece ends only where the next line is
 * elsewhere in the index, or would not fit.
 */
static void
test_relevance_pieces(void **state)
{
	/* "thai" and "lower": runs that galloping would get wrong */
	static const char *const queries[] = { "letter", "cjk", "heart",
	    "thai", "lower" };
	static const size_t caps[] = { 1, 100, 4096, 65536, SIZE_MAX };
	struct fixture *f = *state;
	struct cf_cursor cur;
	struct cf_piece piece, prev;
	char buf[CF_LINE_MAX];
	size_t q, k, pieces;

	for (q = 0; q < N(queries); q++) {
		query_ordered(f, queries[q]);
		for (k = 0; k < N(caps); k++) {
			memset(&cur, 0, sizeof(cur));
			memset(&prev, 0, sizeof(prev));
			pieces = 0;
			while (cf_answer_next(f->idx, f->ans, &cur, 0, caps[k],
			    &piece, buf)) {
				assert_true(piece.stable);
				assert_true(piece.lines == 1 ||
				    piece.len <= caps[k]);
				if (prev.data != NULL &&
				    piece.data == prev.data + prev.len)
					assert_true(prev.len +
					    (size_t)(strchr(piece.data, '\n') -
					    piece.data + 1) > caps[k]);
				prev = piece;
				pieces++;
			}
			assert_int_equal(cur.lines, cf_answer_count(f->ans));
			if (strcmp(queries[q], "cjk") == 0 &&
			    caps[k] == SIZE_MAX)
				assert_true(pieces < 100);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_same_answer),
		cmocka_unit_test(test_query_order_kept),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_relevance_pieces),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
