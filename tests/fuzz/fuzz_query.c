/*
 * fuzz_query.c: a received line through the text check, the query parser,
 * the search and the hand-out of the answer, as the server does it.
 *
 * The index is built once.  The answer is handed out in pieces of at most
 * MAX_BYTES under a limit of LIMIT lines: every piece must be whole, well
 * formed result lines, and the lines handed out must agree with the count.
 * The first LIMIT lines taken apart as items agree with their lines (and
 * an emoji's with cf_emoji.h).  The query is answered again with every
 * skin tone (an emoji search may find more, nothing else changes) and in
 * relevance order: the same count, and for answers of at most MAX_COMPARED
 * lines the same lines in some order, and a page from an offset is those
 * lines of the whole.
 */
#include <string.h>

#include <unicode/utf8.h>

#include "cf_emoji.h"
#include "cf_query.h"
#include "cf_repr.h"
#include "fuzz.h"

#define LIMIT		40
#define MAX_BYTES	512
#define MAX_COMPARED	2000

static struct cf_index *idx;
static struct cf_answer *ans;

/* Lines handed out, one after the other, and where each starts. */
struct lines {
	char *text;
	size_t len, cap;
	size_t start[MAX_COMPARED + 1];
	size_t n;
};

static struct lines code_order, best_first, page;

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

/* 4 to 6 upper-case hex digits after "U+" at s[*at ..]; their value. */
static uint32_t
check_code_point(const char *s, size_t n, size_t *at)
{
	size_t digits = 0;
	uint32_t v = 0;
	char c;

	CHECK(*at + 2 < n && s[*at] == 'U' && s[*at + 1] == '+');
	for (*at += 2; *at < n; (*at)++, digits++) {
		c = s[*at];
		if (c >= '0' && c <= '9')
			v = v * 16 + (uint32_t)(c - '0');
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (uint32_t)(c - 'A' + 10);
		else
			break;
	}
	CHECK(digits >= 4 && digits <= 6 && v <= 0x10FFFF);
	return v;
}

/* Valid UTF-8 without a raw control, and not empty. */
static void
check_text(const char *s, size_t len)
{
	int32_t i = 0;
	UChar32 c;

	CHECK(len > 0);
	while (i < (int32_t)len) {
		U8_NEXT(s, i, (int32_t)len, c);
		CHECK(c >= 0x20 && (c < 0x7F || c > 0x9F));
	}
}

/*
 * "U+XXXX \t<char>\t<name>\r\n", or an emoji sequence's
 * "U+XXXX U+XXXX ...\t<emoji>\t<name>\r\n": returns the length of the
 * line at s.
 */
static size_t
check_line(const char *s, size_t len)
{
	const char *end = memchr(s, '\n', len), *tab;
	size_t n, code = 0, tokens = 0;

	CHECK(end != NULL);
	n = (size_t)(end - s) + 1;
	CHECK(n <= CF_LINE_MAX && n >= 2 && s[n - 2] == '\r');
	do {
		if (tokens++ > 0)
			code++;		/* the space between two */
		check_code_point(s, n, &code);
	} while (code + 1 < n && s[code] == ' ' && s[code + 1] == 'U');
	/* One code point is left-justified to width 7, as the seed has it. */
	for (; tokens == 1 && code < 7; code++)
		CHECK(s[code] == ' ');
	CHECK(s[code] == '\t');
	/* The character or emoji column: valid UTF-8, never a raw control. */
	tab = memchr(s + code + 1, '\t', n - code - 1);
	CHECK(tab != NULL);
	check_text(s + code + 1, (size_t)(tab - s - code - 1));
	/* The name (an emoji's may be any UTF-8: "piñata"). */
	check_text(tab + 1, (size_t)(s + n - 2 - tab - 1));
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

/* An emoji item agrees with what cf_emoji.h says of its emoji. */
static void
check_emoji(const struct cf_item *item)
{
	struct cf_emoji_info info;
	struct cf_emoji_annotation a;
	const char *p, *kw;
	size_t lang, len;

	CHECK(cf_emoji_info(item->emoji, &info));
	CHECK(info.ncps == item->ncps && info.cps == item->cps);
	CHECK(info.text_len == item->text_len &&
	    memcmp(info.text, item->text, info.text_len) == 0);
	CHECK(info.name_len == item->name_len &&
	    memcmp(info.name, item->name, info.name_len) == 0);
	CHECK(info.group_len > 0 && info.subgroup_len > 0);
	CHECK(info.base >= 0 && (size_t)info.base < cf_emoji_count());
	CHECK(cf_emoji_find(item->cps, item->ncps) == item->emoji);
	for (lang = 0; cf_emoji_annotation(item->emoji, lang, &a); lang++) {
		check_text(a.lang, strlen(a.lang));
		for (p = a.keywords; cf_emoji_next_keyword(&p, a.keywords +
		    a.keywords_len, &kw, &len);)
			CHECK(len > 0 && memchr(kw, '|', len) == NULL);
	}
	CHECK(lang == cf_emoji_languages());
}

/* The first LIMIT items: their fields are the pieces of their lines. */
static void
check_items(void)
{
	static char buf[CF_LINE_MAX];
	struct cf_cursor cur;
	struct cf_item item;
	size_t at, i, items = 0;

	memset(&cur, 0, sizeof(cur));
	while (cf_answer_next_item(idx, ans, &cur, LIMIT, &item, buf)) {
		items++;
		CHECK(check_line(item.line, item.line_len) == item.line_len);
		CHECK(item.label == item.line && item.ncps >= 1);
		for (at = 0, i = 0; i < item.ncps; i++, at++)
			CHECK(check_code_point(item.label, item.label_len,
			    &at) == item.cps[i]);
		CHECK(at == item.label_len + 1);
		CHECK(item.name + item.name_len <= item.line + item.line_len);
		if (item.emoji >= 0) {
			check_emoji(&item);
			continue;
		}
		/* a character: an ASCII name, an alias as in the line */
		CHECK(item.ncps == 1);
		for (i = 0; i < item.name_len; i++)
			CHECK(item.name[i] >= 0x20 && item.name[i] < 0x7F);
		CHECK(item.alias == NULL || (item.alias_len > 0 &&
		    memcmp(item.alias - 8, " (alias ", 8) == 0 &&
		    item.alias + item.alias_len + 3 == item.line +
		    item.line_len));
	}
	CHECK(items == cur.lines && items <= LIMIT);
	CHECK(items == (cf_answer_count(ans) < LIMIT ? cf_answer_count(ans) :
	    LIMIT));
}

/* The answer's lines from offset on, at most limit (0: all). */
static void
collect(struct lines *l, size_t offset, size_t limit)
{
	static char buf[CF_LINE_MAX];
	struct cf_cursor cur;
	struct cf_piece piece;
	size_t at;

	l->len = l->n = 0;
	cf_cursor_seek(ans, &cur, offset);
	while (cf_answer_next(idx, ans, &cur, limit, MAX_BYTES, &piece, buf)) {
		check_piece(&piece, buf);
		while (l->len + piece.len > l->cap) {
			l->cap = l->cap == 0 ? 65536 : 2 * l->cap;
			CHECK((l->text = realloc(l->text, l->cap)) != NULL);
		}
		memcpy(l->text + l->len, piece.data, piece.len);
		for (at = 0; at < piece.len; at = (size_t)((char *)memchr(
		    piece.data + at, '\n', piece.len - at) - piece.data) + 1) {
			CHECK(l->n < MAX_COMPARED);
			l->start[l->n++] = l->len + at;
		}
		l->len += piece.len;
	}
	l->start[l->n] = l->len;
}

static const char *sorting;	/* the text qsort's comparison reads */

static int
compare_lines(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	return strcmp(sorting + *x, sorting + *y);
}

/* The lines, each NUL-terminated in place of its LF, in sorted order. */
static void
sort_lines(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		l->text[l->start[i + 1] - 1] = '\0';
	sorting = l->text;
	qsort(l->start, l->n, sizeof(l->start[0]), compare_lines);
}

/* The query again, best match first: the same answer in another order. */
static void
check_relevance(const char *text, size_t len)
{
	static const struct cf_query_options relevance = {
		.order = CF_ORDER_RELEVANCE,
	};
	size_t count = cf_answer_count(ans), offset, i, n;
	char err[256];

	if (count <= MAX_COMPARED)
		collect(&code_order, 0, 0);
	CHECK(cf_index_query_opts(idx, text, len, &relevance, ans, err,
	    sizeof(err)) == 0);
	CHECK(cf_answer_count(ans) == count);
	if (count > MAX_COMPARED) {
		collect(&page, count - 1, 0);	/* the last line */
		CHECK(page.n == 1);
		return;
	}
	collect(&best_first, 0, 0);
	CHECK(best_first.n == count && code_order.n == count);
	offset = count / 3;
	collect(&page, offset, LIMIT);
	n = count - offset < LIMIT ? count - offset : LIMIT;
	CHECK(page.n == n && page.len == best_first.start[offset + n] -
	    best_first.start[offset]);
	CHECK(memcmp(page.text, best_first.text + best_first.start[offset],
	    page.len) == 0);
	sort_lines(&code_order);
	sort_lines(&best_first);
	for (i = 0; i < count; i++)
		CHECK(strcmp(code_order.text + code_order.start[i],
		    best_first.text + best_first.start[i]) == 0);
}

/* Every skin tone: at least as many emoji, and nothing else changes. */
static void
check_skin_tones(const char *text, size_t len)
{
	static const struct cf_query_options every_tone = {
		.skin_tones = true,
	};
	size_t count = cf_answer_count(ans);
	char err[256];

	CHECK(cf_index_query_opts(idx, text, len, &every_tone, ans, err,
	    sizeof(err)) == 0);
	CHECK(text[0] == ':' ? cf_answer_count(ans) >= count :
	    cf_answer_count(ans) == count);
	check_answer(text, len);
	CHECK(cf_index_query(idx, text, len, ans, err, sizeof(err)) == 0);
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
	check_items();
	check_skin_tones(text, len);
	check_relevance(text, len);
	return 0;
}
