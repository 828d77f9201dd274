/*
 * test_emoji.c: the emoji search (':' queries), identify of emoji
 * sequences, and answers taken apart item by item, with known answers on
 * Emoji 17.0 and CLDR 48 (index/unicode/).  The Korean and Japanese
 * answers are checked when those languages are compiled in, as they are
 * by default (-Demoji_languages=en,ko,ja).
 */
#include "answer_text.h"
#include "cf_emoji.h"
#include "emoji_private.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* UTF-8 of the emoji and characters the tests use. */
#define THUMBS		"\xf0\x9f\x91\x8d"
#define TONE(n)		"\xf0\x9f\x8f" n	/* "\xbb" .. "\xbf" */
#define TECHNOLOGIST	"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb"
#define GRINNING	"\xf0\x9f\x98\x80"
#define ZWJ		"\xe2\x80\x8d"
#define VS16		"\xef\xb8\x8f"
#define HEART		"\xe2\x9d\xa4"
#define FIRE		"\xf0\x9f\x94\xa5"

/* Is language lang compiled in? */
static bool
compiled(const char *lang)
{
	size_t i;

	for (i = 0; i < cf_emoji_languages(); i++)
		if (strcmp(cf_emoji_language(i), lang) == 0)
			return true;
	return false;
}

static size_t
query_with(struct fixture *f, const char *q, const struct cf_query_options *o)
{
	char err[256] = "";

	if (cf_index_query_opts(f->idx, q, strlen(q), o, f->ans, err,
	    sizeof(err)) != 0)
		fail_msg("query '%s' failed: %s", q, err);
	return cf_answer_count(f->ans);
}

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
assert_answer_with(struct fixture *f, const char *q,
    const struct cf_query_options *o, const char *want)
{
	char *text;

	query_with(f, q, o);
	text = answer_text(f, 0, 1 << 16);
	assert_string_equal(text, want);
	free(text);
}

/* The known answers of issue 14, on Emoji 17.0 / CLDR 48. */
static void
test_known_answers(void **state)
{
	struct fixture *f = *state;

	assert_has_line(f, ":flag korea", "U+1F1F0 U+1F1F7\t"
	    "\xf0\x9f\x87\xb0\xf0\x9f\x87\xb7\tflag: South Korea\r\n");
	assert_has_line(f, ":laugh",
	    "U+1F606\t\xf0\x9f\x98\x86\tgrinning squinting face\r\n");
	assert_has_line(f, ":laugh",
	    "U+1F923\t\xf0\x9f\xa4\xa3\trolling on the floor laughing\r\n");
	assert_has_line(f, ":laugh",
	    "U+1F602\t\xf0\x9f\x98\x82\tface with tears of joy\r\n");
	/* Korean: "laughter" */
	if (compiled("ko"))
		assert_has_line(f, ":\xec\x9b\x83\xec\x9d\x8c",
		    "U+1F600\t" GRINNING "\tgrinning face\r\n");
	assert_answer(f, ":woman technologist",
	    "U+1F469 U+200D U+1F4BB\t" TECHNOLOGIST "\twoman technologist\r\n");
	/* emoji-test.txt order, whatever the query's */
	assert_answer(f, ":technologist woman",
	    "U+1F469 U+200D U+1F4BB\t" TECHNOLOGIST "\twoman technologist\r\n");
}

static void
test_words(void **state)
{
	struct fixture *f = *state;
	char q[65 * 6 + 2] = ":";
	int i;

	/* case-folded; any white space or punctuation between words */
	assert_int_equal(query(f, ":THUMBS Up"), 1);
	assert_int_equal(query(f, ":SMILING FACE"), query(f, ":smiling face"));
	/* full case folding: the ligature fi (U+FB01) is "fi" */
	assert_has_line(f, ":\xef\xac\x81re", "U+1F525\t" FIRE "\tfire\r\n");
	assert_int_equal(query(f, ": thumbs,\tup!"), 1);
	assert_answer(f, ":thumbs up", "U+1F44D\t" THUMBS "\tthumbs up\r\n");
	/* a prefix word */
	assert_true(query(f, ":thumb*") >= 2);	/* up and down */
	assert_true(query(f, ":heart*") > query(f, ":heart"));
	assert_int_equal(query(f, ":hea*t"), query(f, ":hea* t"));
	/* group and subgroup words */
	assert_has_line(f, ":smileys smiling",
	    "U+1F600\t" GRINNING "\tgrinning face\r\n");
	/* a Korean short name, and a Japanese one */
	if (compiled("ko"))
		assert_has_line(f, ":\xed\x99\x9c\xec\xa7\x9d "
		    "\xec\x9b\x83\xeb\x8a\x94 \xec\x96\xbc\xea\xb5\xb4",
		    "U+1F600\t" GRINNING "\tgrinning face\r\n");
	if (compiled("ja"))
		assert_has_line(f, ":\xe5\xa5\xb3\xe6\x80\xa7\xe6\x8a\x80"
		    "\xe8\xa1\x93\xe8\x80\x85", "U+1F469 U+200D U+1F4BB\t"
		    TECHNOLOGIST "\twoman technologist\r\n");
	/* unknown words */
	assert_int_equal(query(f, ":jabberwocky"), 0);
	assert_int_equal(query(f, ":thumbs jabberwocky"), 0);
	/* too many words */
	for (i = 0; i < 64; i++)
		strcat(q, "cat ");
	assert_int_equal(query(f, q), query(f, ":cat"));
	strcat(q, "face");
	{
		char err[256] = "";

		assert_int_equal(cf_index_query(f->idx, q, strlen(q), f->ans,
		    err, sizeof(err)), -1);
		assert_string_equal(err, "too many words (at most 64)");
	}
}

/* ':' without a word is not an emoji search: identify as before. */
static void
test_not_emoji_queries(void **state)
{
	struct fixture *f = *state;

	assert_answer(f, ":", "U+003A \t:\tCOLON\r\n");
	assert_answer(f, ":-)", "U+003A \t:\tCOLON\r\n"
	    "U+002D \t-\tHYPHEN-MINUS\r\n"
	    "U+0029 \t)\tRIGHT PARENTHESIS\r\n");
	/* a colon later on: a names search */
	assert_int_equal(query(f, "chess: black"), query(f, "chess black"));
}

static int
compare_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * The emoji that word w finds by itself: its postings, less the
 * skin-tone variants whose base emoji has the word too.
 */
static size_t
found_by_word(size_t w)
{
	const struct emoji_tables *t = &emoji_tables;
	const uint16_t *post = t->postings + t->post_start[w];
	size_t n = t->post_start[w + 1] - t->post_start[w], i, found = 0;

	for (i = 0; i < n; i++)
		found += t->base[post[i]] == post[i] ||
		    bsearch(&t->base[post[i]], post, n, sizeof(*post),
		    compare_u16) == NULL;
	return found;
}

/*
 * Every indexed word, split and case-folded by the query's reader (ICU),
 * is itself: the generator (Python) and the reader agree.
 */
static void
test_every_word_is_found(void **state)
{
	const struct emoji_tables *t = &emoji_tables;
	struct fixture *f = *state;
	char q[1024];
	size_t w, len;

	for (w = 0; w < t->nwords; w++) {
		len = t->word_off[w + 1] - t->word_off[w];
		assert_true(len + 2 <= sizeof(q));
		q[0] = ':';
		memcpy(q + 1, t->word_text + t->word_off[w], len);
		q[len + 1] = '\0';
		if (query(f, q) != found_by_word(w))
			fail_msg("word %zu '%s' finds %zu emoji", w, q + 1,
			    cf_answer_count(f->ans));
	}
}

static void
test_skin_tones(void **state)
{
	static const struct cf_query_options every_tone = {
		.skin_tones = true,
	};
	struct fixture *f = *state;
	char *text;

	/* the base emoji once */
	assert_int_equal(query(f, ":thumbs up"), 1);
	/* a tone's words: the variants that have them, and only those */
	assert_answer(f, ":thumbs up skin tone",
	    "U+1F44D U+1F3FB\t" THUMBS TONE("\xbb")
	    "\tthumbs up: light skin tone\r\n"
	    "U+1F44D U+1F3FC\t" THUMBS TONE("\xbc")
	    "\tthumbs up: medium-light skin tone\r\n"
	    "U+1F44D U+1F3FD\t" THUMBS TONE("\xbd")
	    "\tthumbs up: medium skin tone\r\n"
	    "U+1F44D U+1F3FE\t" THUMBS TONE("\xbe")
	    "\tthumbs up: medium-dark skin tone\r\n"
	    "U+1F44D U+1F3FF\t" THUMBS TONE("\xbf")
	    "\tthumbs up: dark skin tone\r\n");
	assert_answer(f, ":thumbs up dark",
	    "U+1F44D U+1F3FE\t" THUMBS TONE("\xbe")
	    "\tthumbs up: medium-dark skin tone\r\n"
	    "U+1F44D U+1F3FF\t" THUMBS TONE("\xbf")
	    "\tthumbs up: dark skin tone\r\n");
	/* the session's switch: every tone */
	assert_answer_with(f, ":thumbs up", &every_tone,
	    "U+1F44D\t" THUMBS "\tthumbs up\r\n"
	    "U+1F44D U+1F3FB\t" THUMBS TONE("\xbb")
	    "\tthumbs up: light skin tone\r\n"
	    "U+1F44D U+1F3FC\t" THUMBS TONE("\xbc")
	    "\tthumbs up: medium-light skin tone\r\n"
	    "U+1F44D U+1F3FD\t" THUMBS TONE("\xbd")
	    "\tthumbs up: medium skin tone\r\n"
	    "U+1F44D U+1F3FE\t" THUMBS TONE("\xbe")
	    "\tthumbs up: medium-dark skin tone\r\n"
	    "U+1F44D U+1F3FF\t" THUMBS TONE("\xbf")
	    "\tthumbs up: dark skin tone\r\n");
	/* couples with two tones are variants of their base emoji too */
	query(f, ":kiss");
	text = answer_text(f, 0, 1 << 16);
	assert_non_null(strstr(text, "U+1F48F\t\xf0\x9f\x92\x8f\tkiss\r\n"));
	assert_null(strstr(text, "skin tone"));
	free(text);
	query_with(f, ":kiss", &every_tone);
	text = answer_text(f, 0, 1 << 16);
	assert_non_null(strstr(text, "\tkiss: person, person, light skin tone, "
	    "medium-light skin tone\r\n"));
	free(text);
	assert_has_line(f, ":kiss person light dark", "\tkiss: person, person, "
	    "light skin tone, dark skin tone\r\n");
}

/* With U+FE0F and without: CLDR keys emoji without it. */
static void
test_fe0f(void **state)
{
	static const uint32_t heart[] = { 0x2764 };
	static const uint32_t heart_vs[] = { 0x2764, 0xFE0F };
	static const uint32_t fire[] = { 0x2764, 0x200D, 0x1F525 };
	struct fixture *f = *state;
	struct cf_emoji_info info;
	long e;

	/* found by CLDR's keywords, listed fully qualified */
	assert_has_line(f, ":red heart",
	    "U+2764 U+FE0F\t" HEART VS16 "\tred heart\r\n");
	/* pasted without its U+FE0F */
	assert_answer(f, HEART ZWJ FIRE,
	    "U+2764 U+FE0F U+200D U+1F525\t" HEART VS16 ZWJ FIRE
	    "\theart on fire\r\n"
	    "U+2764 \t" HEART "\tHEAVY BLACK HEART\r\n"
	    "U+200D \t" ZWJ "\tZERO WIDTH JOINER\r\n"
	    "U+1F525\t" FIRE "\tFIRE\r\n");
	assert_int_equal(query(f, HEART VS16 ZWJ FIRE), 5);
	/* looked up either way */
	e = cf_emoji_find(heart, N(heart));
	assert_true(e >= 0);
	assert_int_equal(cf_emoji_find(heart_vs, N(heart_vs)), e);
	assert_true(cf_emoji_info(e, &info));
	assert_int_equal(info.ncps, 2);
	assert_memory_equal(info.name, "red heart", info.name_len);
	assert_true(cf_emoji_find(fire, N(fire)) >= 0);
	assert_int_equal(cf_emoji_find(heart, 0), -1);
}

static void
test_identify(void **state)
{
	struct fixture *f = *state;

	/* the sequence first, then each code point as before */
	assert_answer(f, TECHNOLOGIST,
	    "U+1F469 U+200D U+1F4BB\t" TECHNOLOGIST "\twoman technologist\r\n"
	    "U+1F469\t\xf0\x9f\x91\xa9\tWOMAN\r\n"
	    "U+200D \t" ZWJ "\tZERO WIDTH JOINER\r\n"
	    "U+1F4BB\t\xf0\x9f\x92\xbb\tPERSONAL COMPUTER\r\n");
	/* a single code point: its own line, once */
	assert_answer(f, GRINNING, "U+1F600\t" GRINNING "\tGRINNING FACE\r\n");
	/* flags, each sequence once, in order of first appearance */
	assert_answer(f, "\xf0\x9f\x87\xb0\xf0\x9f\x87\xb7 "
	    "\xf0\x9f\x87\xaf\xf0\x9f\x87\xb5\xf0\x9f\x87\xb0\xf0\x9f\x87\xb7",
	    "U+1F1F0 U+1F1F7\t\xf0\x9f\x87\xb0\xf0\x9f\x87\xb7"
	    "\tflag: South Korea\r\n"
	    "U+1F1EF U+1F1F5\t\xf0\x9f\x87\xaf\xf0\x9f\x87\xb5\tflag: Japan\r\n"
	    "U+1F1F0\t\xf0\x9f\x87\xb0\tREGIONAL INDICATOR SYMBOL LETTER K\r\n"
	    "U+1F1F7\t\xf0\x9f\x87\xb7\tREGIONAL INDICATOR SYMBOL LETTER R\r\n"
	    "U+1F1EF\t\xf0\x9f\x87\xaf\tREGIONAL INDICATOR SYMBOL LETTER J\r\n"
	    "U+1F1F5\t\xf0\x9f\x87\xb5\tREGIONAL INDICATOR SYMBOL LETTER P"
	    "\r\n");
	/* a tone variant, and an emoji with its U+FE0F */
	assert_answer(f, THUMBS TONE("\xbd") " " HEART VS16,
	    "U+1F44D U+1F3FD\t" THUMBS TONE("\xbd")
	    "\tthumbs up: medium skin tone\r\n"
	    "U+2764 U+FE0F\t" HEART VS16 "\tred heart\r\n"
	    "U+1F44D\t" THUMBS "\tTHUMBS UP SIGN\r\n"
	    "U+1F3FD\t" TONE("\xbd") "\tEMOJI MODIFIER FITZPATRICK TYPE-4\r\n"
	    "U+2764 \t" HEART "\tHEAVY BLACK HEART\r\n"
	    "U+FE0F \t" VS16 "\tVARIATION SELECTOR-16\r\n");
	/* the longest sequence wins: a family, not a man and a woman */
	assert_has_line(f, "\xf0\x9f\x91\xa8" ZWJ "\xf0\x9f\x91\xa9" ZWJ
	    "\xf0\x9f\x91\xa7", "\tfamily: man, woman, girl\r\n");
	assert_int_equal(query(f, "\xf0\x9f\x91\xa8" ZWJ "\xf0\x9f\x91\xa9" ZWJ
	    "\xf0\x9f\x91\xa7"), 5);
	/* a lone U+FE0F, and sequences that are not emoji */
	assert_int_equal(query(f, VS16), 1);
	assert_int_equal(query(f, ZWJ ZWJ), 1);
	assert_int_equal(query(f, "a" ZWJ "b"), 3);
}

/* The answer's items, through cf_answer_next_item(). */
static void
test_items(void **state)
{
	struct fixture *f = *state;
	struct cf_cursor cur = { 0 };
	struct cf_item item;
	struct cf_emoji_info info;
	struct cf_emoji_annotation a;
	char buf[CF_LINE_MAX];
	const char *p, *kw;
	size_t len, lang, found = 0;

	query(f, TECHNOLOGIST);
	assert_true(cf_answer_next_item(f->idx, f->ans, &cur, 0, &item, buf));
	assert_true(item.emoji >= 0);
	assert_int_equal(item.ncps, 3);
	assert_int_equal(item.cps[2], 0x1F4BB);
	assert_memory_equal(item.label, "U+1F469 U+200D U+1F4BB",
	    item.label_len);
	assert_int_equal(item.label_len, 22);
	assert_int_equal(item.text_len, strlen(TECHNOLOGIST));
	assert_memory_equal(item.text, TECHNOLOGIST, item.text_len);
	assert_int_equal(item.name_len, strlen("woman technologist"));
	assert_memory_equal(item.name, "woman technologist", item.name_len);
	assert_null(item.alias);
	assert_true(cf_emoji_info(item.emoji, &info));
	assert_memory_equal(info.group, "People & Body", info.group_len);
	assert_memory_equal(info.subgroup, "person-role", info.subgroup_len);
	assert_int_equal(info.base, item.emoji);
	/* the keywords in every language: Korean's "developer" among them */
	assert_string_equal(cf_emoji_language(0), "en");
	assert_null(cf_emoji_language(cf_emoji_languages()));
	for (lang = 0; lang < cf_emoji_languages(); lang++) {
		assert_true(cf_emoji_annotation(item.emoji, lang, &a));
		assert_true(a.tts_len > 0 && a.keywords_len > 0);
		p = a.keywords;
		while (cf_emoji_next_keyword(&p, a.keywords + a.keywords_len,
		    &kw, &len))
			found += len == strlen("\xea\xb0\x9c\xeb\xb0\x9c"
			    "\xec\x9e\x90") && memcmp(kw, "\xea\xb0\x9c\xeb"
			    "\xb0\x9c\xec\x9e\x90", len) == 0;
	}
	assert_int_equal(found, compiled("ko"));
	assert_false(cf_emoji_annotation(item.emoji, lang, &a));
	/* then the code points */
	assert_true(cf_answer_next_item(f->idx, f->ans, &cur, 0, &item, buf));
	assert_int_equal(item.emoji, -1);
	assert_int_equal(item.ncps, 1);
	assert_int_equal(item.cps[0], 0x1F469);
	assert_memory_equal(item.label, "U+1F469", item.label_len);
	assert_memory_equal(item.name, "WOMAN", item.name_len);
	assert_true(cf_answer_next_item(f->idx, f->ans, &cur, 0, &item, buf));
	assert_int_equal(item.label_len, 6);	/* "U+200D", unpadded */
	assert_true(cf_answer_next_item(f->idx, f->ans, &cur, 0, &item, buf));
	assert_false(cf_answer_next_item(f->idx, f->ans, &cur, 0, &item,
	    buf));
	assert_int_equal(cur.lines, 4);

	/* a names search through an alias */
	query(f, "nbsp");
	memset(&cur, 0, sizeof(cur));
	assert_true(cf_answer_next_item(f->idx, f->ans, &cur, 0, &item, buf));
	assert_memory_equal(item.name, "NO-BREAK SPACE", item.name_len);
	assert_int_equal(item.name_len, 14);
	assert_memory_equal(item.alias, "NBSP", item.alias_len);
	assert_int_equal(item.alias_len, 4);
	assert_int_equal(item.cps[0], 0xA0);
	/* an emoji's name with parentheses is no alias */
	query(f, ":flag myanmar");
	memset(&cur, 0, sizeof(cur));
	assert_true(cf_answer_next_item(f->idx, f->ans, &cur, 0, &item, buf));
	assert_null(item.alias);
	assert_memory_equal(item.name, "flag: Myanmar (Burma)", item.name_len);
	/* a code point without a line of its own, and a limit */
	query(f, "U+0378 U+41");
	memset(&cur, 0, sizeof(cur));
	assert_true(cf_answer_next_item(f->idx, f->ans, &cur, 1, &item, buf));
	assert_ptr_equal(item.line, buf);
	assert_int_equal(item.cps[0], 0x378);
	assert_memory_equal(item.name, "<unassigned-0378>", item.name_len);
	assert_false(cf_answer_next_item(f->idx, f->ans, &cur, 1, &item,
	    buf));
	assert_false(cf_emoji_info(-1, &info));
	assert_false(cf_emoji_info((long)cf_emoji_count(), &info));
}

/* Where the emoji named name is in the answer to q in relevance order. */
static size_t
position(struct fixture *f, const char *q, const char *name)
{
	static const struct cf_query_options relevance = {
		.order = CF_ORDER_RELEVANCE,
	};
	struct cf_cursor cur = { 0 };
	struct cf_item item;
	char buf[CF_LINE_MAX];
	size_t at = 0;

	query_with(f, q, &relevance);
	while (cf_answer_next_item(f->idx, f->ans, &cur, 0, &item, buf)) {
		if (item.name_len == strlen(name) &&
		    memcmp(item.name, name, item.name_len) == 0)
			return at;
		at++;
	}
	fail_msg("'%s' has no %s", q, name);
	return at;
}

static void
test_relevance(void **state)
{
	static const struct cf_query_options relevance = {
		.order = CF_ORDER_RELEVANCE,
	};
	struct fixture *f = *state;
	char *text;
	size_t n;

	/* the emoji named so, then those with the keyword, fewer words first */
	n = query_with(f, ":cat", &relevance);
	assert_int_equal(n, query(f, ":cat"));
	query_with(f, ":cat", &relevance);
	text = answer_text(f, 3, 4096);
	assert_string_equal(text,
	    "U+1F408\t\xf0\x9f\x90\x88\tcat\r\n"
	    "U+1F431\t\xf0\x9f\x90\xb1\tcat face\r\n"
	    "U+1F63A\t\xf0\x9f\x98\xba\tgrinning cat\r\n");
	free(text);
	/* a name that is the query itself comes first */
	query_with(f, ":red heart", &relevance);
	text = answer_text(f, 1, 4096);
	assert_string_equal(text, "U+2764 U+FE0F\t" HEART VS16
	    "\tred heart\r\n");
	free(text);
	/*
	 * a keyword equal to the query before a name with other words:
	 * CLDR gives "skull and crossbones" the keyword "face", not
	 * "distorted face"
	 */
	assert_true(position(f, ":face", "skull and crossbones") <
	    position(f, ":face", "distorted face"));
	/* fewer other words: the dark tone before the medium-dark */
	query_with(f, ":thumbs up dark", &relevance);
	text = answer_text(f, 0, 4096);
	assert_string_equal(text,
	    "U+1F44D U+1F3FF\t" THUMBS TONE("\xbf")
	    "\tthumbs up: dark skin tone\r\n"
	    "U+1F44D U+1F3FE\t" THUMBS TONE("\xbe")
	    "\tthumbs up: medium-dark skin tone\r\n");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_not_emoji_queries),
		cmocka_unit_test(test_every_word_is_found),
		cmocka_unit_test(test_skin_tones),
		cmocka_unit_test(test_fe0f),
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_relevance),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
