/*
 * cf_query.h: from one received line to an answer.
 *
 * cf_query_text() checks a received line and strips it; cf_index_query()
 * turns a query into an answer; cf_answer_next() hands the answer out in
 * pieces, so a server can stream an answer of any size under backpressure
 * without building it.
 */
#ifndef CF_QUERY_H
#define CF_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cf_index.h"

enum cf_text_kind {
	CF_TEXT_EMPTY,		/* only white space */
	CF_TEXT_BAD_UTF8,	/* not valid UTF-8 */
	CF_TEXT_CONTROL,	/* a control character (TAB excepted) */
	CF_TEXT_OK,		/* a query for cf_index_query() */
};

/*
 * Check a received line (line end already removed) and strip white space
 * from both ends as Python's str.strip() does: *text and *textlen get what
 * is left (for CF_TEXT_BAD_UTF8, the raw line).  What a front end makes of
 * lines that are not queries (commands, a way to leave) is its own.
 */
enum cf_text_kind cf_query_text(const char *line, size_t len,
    const char **text, size_t *textlen);

/* White space as Python's str.isspace() sees it (category Zs, or bidi
 * class WS, B or S). */
bool cf_is_space(int32_t c);

/* Most words (or code point tokens) one query may have. */
#define CF_QUERY_MAX_TERMS 64

/*
 * An answer: owned by the caller, reused from query to query (it keeps its
 * buffers), freed with cf_answer_free().
 */
struct cf_answer;

struct cf_answer *cf_answer_new(void);
void cf_answer_free(struct cf_answer *ans);

/*
 * The query forms (the first that fits):
 *
 *   U+265A U+2654..U+2659	code points: a line each, in order
 *   :laugh  :thumbs up  :웃음	emoji: ':' and at least one word
 *   é  ?  👩‍💻  :-)		identify: a non-ASCII character, or no
 *				ASCII letter or digit
 *   chess black  smil* face	names: every word in the name or an alias
 *
 * Emoji search.  Words are runs of letters, marks and digits of any script,
 * case-folded with ICU (u_strFoldCase); a word right before '*' stands for
 * every word with that prefix.  An emoji is found when its words include
 * all the query's words: the words of its emoji-test.txt name, of its CLDR
 * short names and keywords in every compiled language, of its group and
 * subgroup.  The emoji are emoji-test.txt's fully-qualified and component
 * sequences, listed in its order.  CLDR keys emoji without U+FE0F; every
 * sequence is found by the data of its form without it.  A result line is
 * the sequence's code points, a space between them, TAB, the emoji, TAB,
 * its English name (emoji-test.txt's), CR LF:
 *	"U+1F469 U+200D U+1F4BB\t👩‍💻\twoman technologist\r\n"
 * and a single code point keeps the names' 7-column form:
 *	"U+1F600\t😀\tgrinning face\r\n".
 *
 * Skin tones: a skin-tone variant (👍🏽) is listed only when the emoji it
 * is a variant of (👍, its "base") is not itself found, that is when the
 * query needs the tone's words to find it, or when opts->skin_tones asks
 * for every tone.  So ":thumbs up" is 👍 alone, ":thumbs up dark" finds the
 * dark and medium-dark 👍 (CLDR's "medium-dark" has the word "dark"), and
 * ":thumbs up skin tone" all five variants.
 *
 * Identify names first each emoji sequence of two or more code points in
 * the text (👩‍💻, 👍🏽, 🇰🇷, ☺️ with its U+FE0F), each once, in order
 * of first appearance, as the emoji search's lines; then each distinct
 * code point as before.  The longest sequence at each place wins, and
 * U+FE0F may be there or not.  A single code point that is an emoji (😀,
 * or ☺ without U+FE0F) is a code point line only, so a text without
 * sequences is answered as before.
 *
 * The order of an answer.
 *
 * CF_ORDER_CODEPOINT, the default: a names search in code point order, an
 * emoji search in emoji-test.txt order; code points and identify in the
 * order of the query.
 *
 * CF_ORDER_RELEVANCE: names and emoji searches best match first.  Results
 * sort by, in turn:
 *   1. (emoji) a name equal to the query's words, then a keyword equal to
 *      them: made of the query's words only, in any order (names: CLDR's
 *      short names in every language and emoji-test.txt's; keywords:
 *      CLDR's, every language);
 *   2. fewer other words: the words of the result's name (or of the alias
 *      it was found by; for an emoji, of its name with the fewest among
 *      those that have all the query's words) that match none of the
 *      query's words; a name made of exactly the query's words has none
 *      and comes first;
 *   3. a name that starts with the query's words (each query word matches
 *      one of the name's first k words, k the number of distinct query
 *      words), then (emoji) a keyword that does, then the rest;
 *   4. code point (emoji: emoji-test.txt order).
 * So `arrow` starts LEFTWARDS ARROW, UPWARDS ARROW, RIGHTWARDS ARROW,
 * DOWNWARDS ARROW (one other word each), `heart` starts HEART DECORATION,
 * HEART HANDS (one other word, starting with HEART), then FLORAL HEART,
 * BEATING HEART, and `:cat` starts 🐈 cat, then the emoji with the keyword
 * "cat".  Fewer other words come before "starts with" (the rule
 * had it the other way): else six ARROW POINTING ... THEN CURVING ...
 * would come before the four plain arrows.  Code points and identify keep
 * the order of the query.  Sorting is a stable counting sort over the
 * results, a pass over their lines or words: linear in the answer.
 */
enum cf_order {
	CF_ORDER_CODEPOINT = 0,
	CF_ORDER_RELEVANCE,
};

/* How to answer; zeroed (or NULL) means every default. */
struct cf_query_options {
	enum cf_order order;
	bool skin_tones;	/* emoji: list every skin-tone variant */
};

/*
 * Answer a query (stripped, valid UTF-8, no controls).  Returns 0, or -1
 * with a one-line reason in err (without any "error: " prefix) when the
 * query is malformed (a bad code point token, too many words) or memory ran
 * out.  opts may be NULL: every default.
 */
int cf_index_query_opts(const struct cf_index *idx, const char *text,
    size_t len, const struct cf_query_options *opts, struct cf_answer *ans,
    char *err, size_t errlen);

/* cf_index_query_opts() with every default (code point order). */
int cf_index_query(const struct cf_index *idx, const char *text, size_t len,
    struct cf_answer *ans, char *err, size_t errlen);

/* Lines the query found (characters, emoji): the count of the status line. */
size_t cf_answer_count(const struct cf_answer *ans);

/* Which form the query took (for statistics). */
enum cf_query_form {
	CF_FORM_NAMES,		/* words of names and aliases */
	CF_FORM_CODE_POINTS,	/* U+ tokens and ranges */
	CF_FORM_IDENTIFY,	/* characters to describe */
	CF_FORM_EMOJI,		/* ':' and emoji keywords */
	CF_FORM_COUNT,
};

enum cf_query_form cf_answer_form(const struct cf_answer *ans);

/* Where the hand-out of an answer stands; zero it before the first piece. */
struct cf_cursor {
	size_t item;		/* private */
	uint32_t next;		/* private */
	size_t lines;		/* lines handed out so far */
};

struct cf_piece {
	const char *data;	/* one or more whole result lines */
	size_t len;
	size_t lines;
	bool stable;		/* points into the index: valid as long as it */
	uint32_t first_cp;	/* the first line's code point (a character's
				   line; an emoji's: 0) */
};

/*
 * Start the hand-out of an answer at its line offset (0 is the first line,
 * as a zeroed cursor starts): for paging.  The lines before it are skipped,
 * not handed out: cur->lines counts from the offset, so a limit cuts
 * `limit` lines after it.  An offset at or past the count hands out
 * nothing.  Costs at most one step per code point range of the query.
 */
void cf_cursor_seek(const struct cf_answer *ans, struct cf_cursor *cur,
    size_t offset);

/*
 * The next piece of the answer: a run of result lines that are contiguous in
 * the index (stable, fit for zero-copy), or one line formatted into buf
 * (valid until the next call).  A piece holds at most max_bytes (at least
 * one line) and the hand-out stops after limit lines (0: no limit).
 * Returns false, and no piece, when everything to show was handed out.
 */
bool cf_answer_next(const struct cf_index *idx, const struct cf_answer *ans,
    struct cf_cursor *cur, size_t limit, size_t max_bytes,
    struct cf_piece *piece, char buf[CF_LINE_MAX]);

/*
 * One line of an answer taken apart, for structured answers (the HTTP
 * JSON).  Pointers point into the index, or into buf for a code point
 * without a line of its own (valid until the next call); no string is
 * NUL-terminated.
 */
struct cf_item {
	const char *line;	/* the result line, CR LF included */
	size_t line_len;
	const char *label;	/* "U+265A", "U+1F469 U+200D U+1F4BB" */
	size_t label_len;
	const char *text;	/* the character (its stand-in for controls,
				   as the line shows it) or the emoji */
	size_t text_len;
	const char *name;	/* the name or label, or the emoji's English
				   name, without any alias; a character's
				   name, alias and label are in
				   [ -<>0-9A-Za-z] */
	size_t name_len;
	const char *alias;	/* "NBSP" for "NO-BREAK SPACE (alias NBSP)",
				   else NULL */
	size_t alias_len;
	const uint32_t *cps;	/* the code point, or the emoji's sequence */
	size_t ncps;
	long emoji;		/* the emoji (cf_emoji.h), or -1: a character */
	uint32_t cp;		/* private: what cps points at (a character) */
};

/*
 * A code point's hexadecimal digits as a label has them (4 to 6, upper
 * case: the 265A of "U+265A") at p; returns the end.
 */
char *cf_hex_at(char *p, uint32_t cp);

/*
 * The next line of the answer as an item, under the same cursor and limit
 * as cf_answer_next() (the two may take turns on one cursor).  Returns
 * false when everything to show was handed out.  Allocates nothing.
 */
bool cf_answer_next_item(const struct cf_index *idx,
    const struct cf_answer *ans, struct cf_cursor *cur, size_t limit,
    struct cf_item *item, char buf[CF_LINE_MAX]);

#endif
