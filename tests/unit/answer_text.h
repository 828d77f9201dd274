/*
 * answer_text.h: helpers for the index unit tests: one index per test
 * program, and an answer turned back into text or code points.
 */
#ifndef ANSWER_TEXT_H
#define ANSWER_TEXT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cf_query.h"

struct fixture {
	struct cf_index *idx;
	struct cf_answer *ans;
	double build_ms;
};

static inline int
fixture_setup(void **state)
{
	static struct fixture f;
	struct timespec t0, t1;
	char err[256];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	f.idx = cf_index_build(err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (f.idx == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	f.build_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	f.ans = cf_answer_new();
	*state = &f;
	return f.ans == NULL ? -1 : 0;
}

static inline int
fixture_teardown(void **state)
{
	struct fixture *f = *state;

	cf_answer_free(f->ans);
	cf_index_free(f->idx);
	return 0;
}

/* Run a query that must succeed; returns the count. */
static inline size_t
query(struct fixture *f, const char *q)
{
	char err[256] = "";

	if (cf_index_query(f->idx, q, strlen(q), f->ans, err,
	    sizeof(err)) != 0)
		fail_msg("query '%s' failed: %s", q, err);
	return cf_answer_count(f->ans);
}

/* The answer's lines, all of them up to limit, in one string to free. */
static inline char *
answer_text(struct fixture *f, size_t limit, size_t max_bytes)
{
	struct cf_cursor cur = { 0 };
	struct cf_piece piece;
	char buf[CF_LINE_MAX];
	size_t len = 0, cap = 1 << 16;
	char *text = malloc(cap);

	assert_non_null(text);
	while (cf_answer_next(f->idx, f->ans, &cur, limit, max_bytes, &piece,
	    buf)) {
		assert_true(piece.lines > 0);
		while (len + piece.len + 1 > cap) {
			cap *= 2;
			assert_non_null(text = realloc(text, cap));
		}
		memcpy(text + len, piece.data, piece.len);
		len += piece.len;
	}
	text[len] = '\0';
	assert_int_equal(cur.lines, limit > 0 && limit < cf_answer_count(
	    f->ans) ? limit : cf_answer_count(f->ans));
	return text;
}

/* The code points of the answer's lines, at most max; returns how many. */
static inline size_t
answer_code_points(struct fixture *f, uint32_t *cps, size_t max)
{
	char *text = answer_text(f, 0, 1 << 16), *p;
	size_t n = 0;

	for (p = text; *p != '\0' && n < max; p = strstr(p, "\r\n") + 2) {
		assert_memory_equal(p, "U+", 2);
		cps[n++] = (uint32_t)strtoul(p + 2, NULL, 16);
	}
	free(text);
	return n;
}

static inline void
assert_code_points(struct fixture *f, const char *q, const uint32_t *want,
    size_t nwant)
{
	uint32_t got[256];
	size_t i, n;

	assert_int_equal(query(f, q), nwant);
	n = answer_code_points(f, got, 256);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("'%s': line %zu is U+%04X, not U+%04X", q, i,
			    (unsigned)got[i], (unsigned)want[i]);
}

/* The whole answer must be exactly want. */
static inline void
assert_answer(struct fixture *f, const char *q, const char *want)
{
	char *text;

	query(f, q);
	text = answer_text(f, 0, 1 << 16);
	assert_string_equal(text, want);
	free(text);
}

#endif
