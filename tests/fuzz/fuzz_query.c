/*
 * fuzz_query.c: a received line through the text check, the query parser,
 * the search and the hand-out of the answer, as the server does it.
 *
 * The index is built once.  The answer is handed out in pieces of at most
 * MAX_BYTES under a limit of LIMIT lines: every piece must be whole, well
 * formed result lines, and the lines handed out must agree with the count.
 */
#include <string.h>

#include <unicode/utf8.h>

#include "cf_query.h"
#include "cf_repr.h"
#include "fuzz.h"

#define LIMIT		40
#define MAX_BYTES	512

static struct cf_index *idx;
static struct cf_answer *ans;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	idx = cf_index_build(err, sizeof(err));
	if (idx == NULL) {
		fprintf(stderr, "fuzz_query: %s\n", err);
		exit(1);
	}
	ans = cf_answer_new();
	CHECK(ans != NULL);
	return 0;
}

/* "U+XXXX \t<char>\t<name>\r\n": returns the length of the line at s. */
static size_t
check_line(const char *s, size_t len)
{
	const char *end = memchr(s, '\n', len), *tab;
	size_t n, digits = 0, code;
	int32_t i;
	UChar32 c;

	CHECK(end != NULL);
	n = (size_t)(end - s) + 1;
	CHECK(n <= CF_LINE_MAX && n >= 2 && s[n - 2] == '\r');
	CHECK(s[0] == 'U' && s[1] == '+');
	while (2 + digits < n && ((s[2 + digits] >= '0' && s[2 + digits] <= '9') ||
	    (s[2 + digits] >= 'A' && s[2 + digits] <= 'F')))
		digits++;
	CHECK(digits >= 4 && digits <= 6);
	/* The code is left-justified to width 7, as the seed prints it. */
	for (code = 2 + digits; code < 7; code++)
		CHECK(s[code] == ' ');
	CHECK(s[code] == '\t');
	/* The character column: valid UTF-8, never a raw control. */
	tab = memchr(s + code + 1, '\t', n - code - 1);
	CHECK(tab != NULL && tab > s + code + 1);
	for (i = (int32_t)code + 1; i < tab - s;) {
		U8_NEXT(s, i, tab - s, c);
		CHECK(c >= 0x20 && (c < 0x7F || c > 0x9F));
	}
	/* The name: printable ASCII only. */
	for (const char *p = tab + 1; p < s + n - 2; p++)
		CHECK(*p >= 0x20 && *p < 0x7F);
	CHECK(tab + 1 < s + n - 2);
	return n;
}

static void
check_piece(const struct cf_piece *piece, const char *buf)
{
	size_t at = 0, lines = 0;

	CHECK(piece->lines >= 1 && piece->len > 0);
	CHECK(piece->len <= MAX_BYTES || piece->lines == 1);
	CHECK(piece->stable || piece->data == buf);
	while (at < piece->len) {
		at += check_line(piece->data + at, piece->len - at);
		lines++;
	}
	CHECK(at == piece->len && lines == piece->lines);
}

static void
check_answer(const char *text, size_t len)
{
	static char buf[CF_LINE_MAX];
	struct cf_cursor cur;
	struct cf_piece piece;
	size_t count = cf_answer_count(ans), shown = 0, n;
	char *status;

	memset(&cur, 0, sizeof(cur));
	while (cf_answer_next(idx, ans, &cur, LIMIT, MAX_BYTES, &piece, buf)) {
		check_piece(&piece, buf);
		shown += piece.lines;
		CHECK(cur.lines == shown && shown <= LIMIT);
	}
	CHECK(shown == (count < LIMIT ? count : LIMIT));
	CHECK(!cf_answer_next(idx, ans, &cur, LIMIT, MAX_BYTES, &piece, buf));

	status = malloc(CF_STATUS_MAX(len));
	CHECK(status != NULL);
	n = cf_status_line(status, text, len, count, shown);
	CHECK(n <= CF_STATUS_MAX(len));
	free(status);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data, *text;
	char err[256];
	size_t len;

	switch (cf_query_text(line, size, &text, &len)) {
	case CF_TEXT_OK:
		break;
	case CF_TEXT_EMPTY:
		CHECK(text >= line && text + len <= line + size && len == 0);
		return 0;
	case CF_TEXT_BAD_UTF8:
	case CF_TEXT_CONTROL:
		CHECK(text >= line && text + len <= line + size && len > 0);
		return 0;
	}
	CHECK(text >= line && text + len <= line + size && len > 0);
	err[0] = '\0';
	if (cf_index_query(idx, text, len, ans, err, sizeof(err)) != 0) {
		CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
		CHECK(strpbrk(err, "\r\n") == NULL);
		return 0;
	}
	check_answer(text, len);
	return 0;
}
