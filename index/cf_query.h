/*
 * cf_query.h: from one received line to an answer.
 *
 * cf_line_classify() says what a raw line is (empty, a way to leave, bad
 * input, a command or a query); cf_index_query() turns a query into an
 * answer; cf_answer_next() hands the answer out in pieces, so a server can
 * stream an answer of any size under backpressure without building it.
 */
#ifndef CF_QUERY_H
#define CF_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cf_index.h"

enum cf_line_kind {
	CF_LINE_EMPTY,		/* only white space: answer with a new prompt */
	CF_LINE_LEAVE,		/* first character is a control: close (Ctrl-D) */
	CF_LINE_BAD_UTF8,	/* not valid UTF-8 */
	CF_LINE_CONTROL,	/* a control character inside (TAB excepted) */
	CF_LINE_COMMAND,	/* '/' followed by a letter */
	CF_LINE_QUERY,		/* anything else */
};

/*
 * Classify a received line (line end already removed).  White space is
 * stripped from both ends as Python's str.strip() does; *text and *textlen
 * get what is left (for CF_LINE_BAD_UTF8, the raw line).
 */
enum cf_line_kind cf_line_classify(const char *line, size_t len,
    const char **text, size_t *textlen);

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
 * The order of an answer.
 *
 * CF_ORDER_CODEPOINT, the default: a names search in code point order;
 * code points and identify in the order of the query.
 *
 * CF_ORDER_RELEVANCE: a names search best match first.  Results sort by,
 * in turn:
 *   1. fewer other words: the words of the result's name (or of the alias
 *      it was found by) that match none of the query's words; a name made
 *      of exactly the query's words, in any order, has none and comes
 *      first;
 *   2. a name that starts with the query's words (each query word matches
 *      one of the name's first k words, k the number of distinct query
 *      words) before one that does not;
 *   3. code point.
 * So `arrow` starts LEFTWARDS ARROW, UPWARDS ARROW, RIGHTWARDS ARROW,
 * DOWNWARDS ARROW (one other word each) and `heart` starts HEART
 * DECORATION, HEART HANDS (one other word, starting with HEART), then
 * FLORAL HEART, BEATING HEART ...  Code points and identify keep the order
 * of the query.  Sorting is a stable counting sort over the results, a
 * pass over their lines: linear in the size of the answer.
 */
enum cf_order {
	CF_ORDER_CODEPOINT = 0,
	CF_ORDER_RELEVANCE,
};

/* How to answer; zeroed (or NULL) means every default. */
struct cf_query_options {
	enum cf_order order;
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

/* Characters the query found: the count of the status line. */
size_t cf_answer_count(const struct cf_answer *ans);

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

#endif
