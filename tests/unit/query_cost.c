/*
 * query_cost.c: what a query costs the index, in code point and in
 * relevance order; a measuring tool, not a test (no timing is asserted).
 *
 *	build/tests/unit/query_cost letter cjk :cat
 *
 * Prints, for each query, its count and the fastest of RUNS answers in
 * each order (the minimum is the figure least moved by a noisy machine).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cf_query.h"

#define RUNS	50

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The fastest of RUNS answers to q, in ms; -1 when the query fails. */
static double
fastest(const struct cf_index *idx, struct cf_answer *ans, const char *q,
    enum cf_order order)
{
	struct cf_query_options opts = { .order = order };
	double best = -1, t0, t;
	char err[256];
	int i;

	for (i = 0; i < RUNS; i++) {
		t0 = now_ms();
		if (cf_index_query_opts(idx, q, strlen(q), &opts, ans, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "query_cost: %s: %s\n", q, err);
			return -1;
		}
		t = now_ms() - t0;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

int
main(int argc, char **argv)
{
	struct cf_index *idx;
	struct cf_answer *ans;
	char err[256];
	double t0 = now_ms(), code, best;
	int i;

	if ((idx = cf_index_build(err, sizeof(err))) == NULL) {
		fprintf(stderr, "query_cost: %s\n", err);
		return 1;
	}
	printf("index build: %.2f ms\n", now_ms() - t0);
	if ((ans = cf_answer_new()) == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		code = fastest(idx, ans, argv[i], CF_ORDER_CODEPOINT);
		best = fastest(idx, ans, argv[i], CF_ORDER_RELEVANCE);
		printf("%s: %zu lines, code point order %.3f ms, relevance "
		    "%.3f ms\n", argv[i], cf_answer_count(ans), code, best);
	}
	cf_answer_free(ans);
	cf_index_free(idx);
	return 0;
}
