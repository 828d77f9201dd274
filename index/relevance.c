/*
 * relevance.c: the relevance order of a names search (the rule is in
 * cf_query.h).
 *
 * Each result gets a small key from its line, and a stable counting sort
 * by key keeps code point order among equal keys: two passes over the
 * answer, no comparisons.
 */
#include <string.h>

#include "index_private.h"

/* Other words past this many count as this many. */
#define OTHER_MAX	63
#define NKEYS		((OTHER_MAX + 1) * 2)

static bool
is_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool
term_matches(const struct cf_term *t, const char *w, size_t len)
{
	return (len == t->len || (t->prefix && len > t->len)) &&
	    memcmp(w, t->word, t->len) == 0;
}

/* Query words that are not the same word again. */
static size_t
distinct_terms(const struct cf_term *terms, size_t n)
{
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (terms[j].lo == terms[i].lo &&
			    terms[j].hi == terms[i].hi)
				break;
		k += j == i;
	}
	return k;
}

/* The key of entry e: other words, then whether it starts with the query. */
static uint16_t
name_key(const struct cf_index *idx, uint32_t e, const struct cf_term *terms,
    size_t nterms, size_t k)
{
	const char *p, *end, *w;
	uint64_t seen = 0;
	size_t pos = 0, other = 0, t;
	bool late = false, any;

	cf_entry_words(idx, e, &p, &end);
	while (p < end) {
		if (!is_alnum(*p)) {
			p++;
			continue;
		}
		for (w = p; p < end && is_alnum(*p); p++)
			;
		any = false;
		for (t = 0; t < nterms; t++) {
			if (!term_matches(&terms[t], w, (size_t)(p - w)))
				continue;
			any = true;
			if ((seen >> t & 1) == 0) {
				seen |= (uint64_t)1 << t;
				late |= pos >= k;
			}
		}
		other += !any;
		pos++;
	}
	if (other > OTHER_MAX)
		other = OTHER_MAX;
	return (uint16_t)(other * 2 + late);
}

bool
cf_rank_names(const struct cf_index *idx, struct cf_answer *ans,
    const struct cf_term *terms, size_t nterms)
{
	size_t n = ans->nentries, k = distinct_terms(terms, nterms), i;
	size_t count[NKEYS + 1];
	uint32_t *out;
	uint16_t *keys;

	if ((out = cf_grow(ans->rank_buf, &ans->rank_cap, n,
	    sizeof(*out))) == NULL)
		return false;
	ans->rank_buf = out;
	if ((keys = cf_grow(ans->key_buf, &ans->key_cap, n,
	    sizeof(*keys))) == NULL)
		return false;
	ans->key_buf = keys;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		keys[i] = name_key(idx, ans->entries[i], terms, nterms, k);
		count[keys[i] + 1]++;
	}
	for (i = 1; i <= NKEYS; i++)
		count[i] += count[i - 1];
	for (i = 0; i < n; i++)
		out[count[keys[i]]++] = ans->entries[i];
	ans->entries = out;
	ans->ascending = false;
	return true;
}
