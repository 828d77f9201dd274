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
 * Answer a query (stripped, valid UTF-8, no controls).  Returns 0, or -1
 * with a one-line reason in err (without any "error: " prefix) when the
 * query is malformed (a bad code point token, too many words) or memory ran
 * out.
 */
int cf_index_query(const struct cf_index *idx, const char *text, size_t len,
    struct cf_answer *ans, char *err, size_t errlen);

/* Characters the query found: the count of the status line. */
size_t cf_answer_count(const struct cf_answer *ans);

/* Which form the query took (for statistics). */
enum cf_query_form {
	CF_FORM_NAMES,		/* words of names and aliases */
	CF_FORM_CODE_POINTS,	/* U+ tokens and ranges */
	CF_FORM_IDENTIFY,	/* characters to describe */
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
};

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
