/*
 * search.c: the name search: every entry whose words include all the
 * query's words (a word ending in '*' stands for every word with that
 * prefix), one per code point.
 *
 * Each term is a range of the alphabetically sorted words, so its postings
 * are one contiguous slice.  The smallest term gives the candidates; every
 * other term, smallest first, filters them: an exact word by galloping
 * search in its sorted postings, a prefix through a bitmap of its slice, or,
 * when few candidates are left, by reading their lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_query.h"
#include "index_private.h"

/* Reading one candidate's line costs about this many slice postings. */
#define LINE_CHECK_COST 64

static bool
is_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9');
}

static char
to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* <0, 0, >0 as word w sorts before, is, or sorts after s (prefix: starts). */
static int
compare_word(const struct cf_index *idx, size_t w, const char *s, size_t len,
    bool prefix)
{
	size_t wl = idx->word_len[w];
	int c = memcmp(idx->word_text + idx->word_off[w], s,
	    wl < len ? wl : len);

	if (c != 0)
		return c;
	if (wl < len)
		return -1;
	return prefix || wl == len ? 0 : 1;
}

/* The first word that does not sort before s (with prefix: in the range). */
static size_t
lower_word(const struct cf_index *idx, const char *s, size_t len, bool past)
{
	size_t lo = 0, hi = idx->nwords;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_word(idx, mid, s, len, true);

		if (c < 0 || (past && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Find the words of a term; false when there are none. */
static bool
find_term(const struct cf_index *idx, struct cf_term *t)
{
	if (t->len > idx->max_word_len)
		return false;
	t->lo = lower_word(idx, t->word, t->len, false);
	if (t->prefix)
		t->hi = lower_word(idx, t->word, t->len, true);
	else if (t->lo < idx->nwords &&
	    compare_word(idx, t->lo, t->word, t->len, false) == 0)
		t->hi = t->lo + 1;
	else
		t->hi = t->lo;
	t->start = idx->post_start[t->lo];
	t->end = idx->post_start[t->hi];
	return t->hi > t->lo;
}

/* The first position >= from in list[.. len] whose value is >= x. */
static size_t
gallop(const uint32_t *list, size_t from, size_t len, uint32_t x)
{
	size_t lo = from, hi = from, step = 1;

	while (hi < len && list[hi] < x) {
		lo = hi + 1;
		hi += step;
		step *= 2;
	}
	if (hi > len)
		hi = len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (list[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Keep the candidates that are in the sorted list; returns how many. */
static size_t
intersect(uint32_t *cand, size_t n, const uint32_t *list, size_t len)
{
	size_t i, kept = 0, at = 0;

	for (i = 0; i < n && at < len; i++) {
		at = gallop(list, at, len, cand[i]);
		if (at < len && list[at] == cand[i])
			cand[kept++] = cand[i];
	}
	return kept;
}

/*
 * The indexed words are read back from the line: the alias after
 * "(alias " for an alias entry (no name has a parenthesis), else the name,
 * cut for CJK ideographs.
 */
void
cf_entry_words(const struct cf_index *idx, uint32_t e, const char **start,
    const char **end)
{
	const char *p = idx->arena + idx->entry_off[e];
	const char *q = idx->arena + idx->entry_off[e + 1] - 2;	/* CR LF */
	const char *paren;

	p = (const char *)memchr(p, '\t', (size_t)(q - p)) + 1;
	p = (const char *)memchr(p, '\t', (size_t)(q - p)) + 1;
	if ((paren = memchr(p, '(', (size_t)(q - p))) != NULL) {
		p = paren + strlen("(alias ");
		q--;			/* ')' */
	} else if (cf_has_prefix(p, (size_t)(q - p), CF_CJK_UNIFIED))
		q = p + strlen(CF_CJK_UNIFIED);
	else if (cf_has_prefix(p, (size_t)(q - p), CF_CJK_COMPAT))
		q = p + strlen(CF_CJK_COMPAT);
	*start = p;
	*end = q;
}

/* Does entry e have a word starting with the term? */
static bool
line_has_prefix(const struct cf_index *idx, uint32_t e,
    const struct cf_term *t)
{
	const char *p, *end, *w;

	cf_entry_words(idx, e, &p, &end);
	while (p < end) {
		if (!is_alnum(*p)) {
			p++;
			continue;
		}
		for (w = p; p < end && is_alnum(*p); p++)
			;
		if ((size_t)(p - w) >= t->len && memcmp(w, t->word, t->len) == 0)
			return true;
	}
	return false;
}

static size_t
filter_prefix(const struct cf_index *idx, struct cf_answer *ans,
    uint32_t *cand, size_t n, const struct cf_term *t)
{
	size_t i, kept = 0;

	if (n * LINE_CHECK_COST < t->end - t->start) {
		for (i = 0; i < n; i++)
			if (line_has_prefix(idx, cand[i], t))
				cand[kept++] = cand[i];
		return kept;
	}
	for (i = t->start; i < t->end; i++) {
		uint32_t e = idx->postings[i];

		ans->bitmap[e / 64] |= (uint64_t)1 << (e % 64);
	}
	for (i = 0; i < n; i++)
		if (ans->bitmap[cand[i] / 64] & (uint64_t)1 << (cand[i] % 64))
			cand[kept++] = cand[i];
	memset(ans->bitmap, 0, ans->bitmap_words * sizeof(uint64_t));
	return kept;
}

/* The entries of a prefix term, sorted and each once; returns how many. */
static size_t
prefix_entries(const struct cf_index *idx, struct cf_answer *ans,
    uint32_t *out, const struct cf_term *t)
{
	size_t i, n = 0;

	for (i = t->start; i < t->end; i++) {
		uint32_t e = idx->postings[i];

		ans->bitmap[e / 64] |= (uint64_t)1 << (e % 64);
	}
	for (i = 0; i < ans->bitmap_words; i++) {
		uint64_t bits = ans->bitmap[i];

		ans->bitmap[i] = 0;
		while (bits != 0) {
			out[n++] = (uint32_t)(i * 64 +
			    (size_t)__builtin_ctzll(bits));
			bits &= bits - 1;
		}
	}
	return n;
}

/* Keep the first entry of each code point: the name before its aliases. */
static size_t
one_per_char(const struct cf_index *idx, uint32_t *ent, size_t n)
{
	size_t i, kept = 0;

	for (i = 0; i < n; i++)
		if (kept == 0 ||
		    idx->entry_cp[ent[i]] != idx->entry_cp[ent[kept - 1]])
			ent[kept++] = ent[i];
	return kept;
}

static bool
reserve_buffers(const struct cf_index *idx, struct cf_answer *ans,
    size_t nentries, bool bitmap)
{
	size_t words = (idx->nentries + 63) / 64;
	uint32_t *e;
	uint64_t *b;

	if ((e = cf_grow(ans->entry_buf, &ans->entry_cap, nentries,
	    sizeof(*e))) == NULL)
		return false;
	ans->entry_buf = e;
	if (!bitmap || ans->bitmap_words >= words)
		return true;
	if ((b = calloc(words, sizeof(*b))) == NULL)
		return false;
	free(ans->bitmap);
	ans->bitmap = b;
	ans->bitmap_words = words;
	return true;
}

/* Split the query into terms; -1 when there are too many. */
static int
parse_terms(const char *text, size_t len, char *upper, struct cf_term *terms,
    size_t *nterms)
{
	size_t i = 0, n = 0;

	while (i < len) {
		struct cf_term *t = &terms[n];

		if (!is_alnum(text[i])) {
			i++;
			continue;
		}
		if (n == CF_QUERY_MAX_TERMS)
			return -1;
		memset(t, 0, sizeof(*t));
		t->word = upper + i;
		for (; i < len && is_alnum(text[i]); i++)
			upper[i] = to_upper(text[i]);
		t->len = (size_t)(upper + i - t->word);
		if (i < len && text[i] == '*')
			t->prefix = true;
		n++;
	}
	*nterms = n;
	return 0;
}

static void
sort_terms(struct cf_term *terms, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct cf_term t = terms[i];

		for (j = i; j > 0 && terms[j - 1].end - terms[j - 1].start >
		    t.end - t.start; j--)
			terms[j] = terms[j - 1];
		terms[j] = t;
	}
}

int
cf_search_names(const struct cf_index *idx, const char *text, size_t len,
    struct cf_answer *ans, char *err, size_t errlen)
{
	static const struct cf_query_options defaults;

	return cf_search_names_opts(idx, text, len, &defaults, ans, err,
	    errlen);
}

int
cf_search_names_opts(const struct cf_index *idx, const char *text,
    size_t len, const struct cf_query_options *opts, struct cf_answer *ans,
    char *err, size_t errlen)
{
	struct cf_term terms[CF_QUERY_MAX_TERMS], *first = &terms[0];
	size_t nterms, i, n;
	char upper_stack[256], *upper = upper_stack;
	bool any_prefix = false;
	int rc = -1;

	ans->kind = ANSWER_ENTRIES;
	ans->entries = NULL;
	ans->nentries = ans->count = 0;
	ans->ascending = true;
	if (len > sizeof(upper_stack) && (upper = malloc(len)) == NULL)
		goto nomem;
	if (parse_terms(text, len, upper, terms, &nterms) < 0) {
		snprintf(err, errlen, "too many words (at most %d)",
		    CF_QUERY_MAX_TERMS);
		goto out;
	}
	rc = 0;
	for (i = 0; i < nterms; i++) {
		if (!find_term(idx, &terms[i]))
			goto out;	/* an unknown word: no result */
		any_prefix |= terms[i].prefix;
	}
	if (nterms == 0)
		goto out;
	sort_terms(terms, nterms);

	/* One word whose postings hold each character once: borrow them. */
	if (nterms == 1 && !first->prefix && !idx->word_dup[first->lo]) {
		ans->entries = idx->postings + first->start;
		ans->nentries = ans->count = first->end - first->start;
		goto rank;
	}
	rc = -1;
	if (!reserve_buffers(idx, ans, first->end - first->start, any_prefix))
		goto nomem;
	if (first->prefix)
		n = prefix_entries(idx, ans, ans->entry_buf, first);
	else {
		n = first->end - first->start;
		memcpy(ans->entry_buf, idx->postings + first->start,
		    n * sizeof(uint32_t));
	}
	for (i = 1; i < nterms && n > 0; i++) {
		const struct cf_term *t = &terms[i];

		if (t->lo == terms[i - 1].lo && t->hi == terms[i - 1].hi)
			continue;	/* the same term again */
		if (t->prefix)
			n = filter_prefix(idx, ans, ans->entry_buf, n, t);
		else
			n = intersect(ans->entry_buf, n,
			    idx->postings + t->start, t->end - t->start);
	}
	n = one_per_char(idx, ans->entry_buf, n);
	ans->entries = ans->entry_buf;
	ans->nentries = ans->count = n;
rank:
	rc = 0;
	if (opts->order == CF_ORDER_RELEVANCE &&
	    !cf_rank_names(idx, ans, terms, nterms)) {
		rc = -1;
		goto nomem;
	}
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	if (upper != upper_stack)
		free(upper);
	return rc;
}
