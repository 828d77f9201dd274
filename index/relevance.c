/*
 * relevance.c: the relevance order of names and emoji searches (the rule
 * is in cf_query.h).
 *
 * Each result gets a small key, from its line (names) or from the word
 * ids of its names and keywords (emoji), and a stable counting sort by
 * key keeps the default order among equal keys: two passes over the
 * answer, no comparisons.
 */
#include <string.h>

#include "emoji_private.h"

/* Other words past this many count as this many. */
#define OTHER_MAX	63
#define NAME_KEYS	((OTHER_MAX + 1) * 2)
#define EMOJI_KEYS	(3 * (OTHER_MAX + 1) * 3)

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

/* ids[0 .. n) stably sorted by their keys (each below nkeys) into out. */
static void
sort_by_key(const uint32_t *ids, const uint16_t *keys, size_t n,
    size_t nkeys, uint32_t *out)
{
	size_t count[EMOJI_KEYS + 1], i;

	memset(count, 0, (nkeys + 1) * sizeof(count[0]));
	for (i = 0; i < n; i++)
		count[keys[i] + 1]++;
	for (i = 1; i <= nkeys; i++)
		count[i] += count[i - 1];
	for (i = 0; i < n; i++)
		out[count[keys[i]]++] = ids[i];
}

/* Room for n ranked ids and their keys. */
static bool
reserve(struct cf_answer *ans, size_t n)
{
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
	return true;
}

bool
cf_rank_names(const struct cf_index *idx, struct cf_answer *ans,
    const struct cf_term *terms, size_t nterms)
{
	size_t n = ans->nentries, k = distinct_terms(terms, nterms), i;

	if (!reserve(ans, n))
		return false;
	for (i = 0; i < n; i++)
		ans->key_buf[i] = name_key(idx, ans->entries[i], terms, nterms,
		    k);
	sort_by_key(ans->entries, ans->key_buf, n, NAME_KEYS,
	    ans->rank_buf);
	ans->entries = ans->rank_buf;
	ans->ascending = false;
	return true;
}

/*
 * The key of emoji e: whether a name, else a keyword, equals the query;
 * then the fewest other words of its names that have all the query's
 * words (a short name in another language that has none of them does not
 * count); then whether a name, else a keyword, starts with the query's
 * words.
 */
static uint16_t
emoji_key(uint32_t e, const struct emoji_term *terms, size_t nterms, size_t k)
{
	const struct emoji_tables *t = &emoji_tables;
	uint64_t all = nterms == 64 ? UINT64_MAX : ((uint64_t)1 << nterms) - 1;
	size_t p, first = t->phrase_start[e], w, pos, i, other;
	unsigned equal = 2, starts = 2, fewest = OTHER_MAX, kind;

	for (p = first; p < t->phrase_start[e + 1]; p++) {
		uint64_t seen = 0;
		bool late = false, any;

		kind = p - first < t->phrase_names[e] ? 0 : 1;
		other = 0;
		for (w = t->phrase_word_start[p], pos = 0;
		    w < t->phrase_word_start[p + 1]; w++, pos++) {
			any = false;
			for (i = 0; i < nterms; i++) {
				if (t->phrase_words[w] < terms[i].lo ||
				    t->phrase_words[w] >= terms[i].hi)
					continue;
				any = true;
				if ((seen >> i & 1) == 0) {
					seen |= (uint64_t)1 << i;
					late |= pos >= k;
				}
			}
			other += !any;
		}
		if (seen == all && other == 0 && kind < equal)
			equal = kind;
		if (seen == all && !late && kind < starts)
			starts = kind;
		if (kind == 0 && seen == all && other < fewest)
			fewest = (unsigned)other;
	}
	return (uint16_t)((equal * (OTHER_MAX + 1) + fewest) * 3 + starts);
}

bool
cf_rank_emoji(struct cf_answer *ans, const struct emoji_term *terms,
    size_t nterms)
{
	size_t n = ans->nemoji, k = 0, i, j;

	for (i = 0; i < nterms; i++) {
		for (j = 0; j < i; j++)
			if (terms[j].lo == terms[i].lo &&
			    terms[j].hi == terms[i].hi)
				break;
		k += j == i;
	}
	if (!reserve(ans, n))
		return false;
	for (i = 0; i < n; i++)
		ans->key_buf[i] = emoji_key(ans->emoji[i], terms, nterms, k);
	sort_by_key(ans->emoji, ans->key_buf, n, EMOJI_KEYS,
	    ans->rank_buf);
	ans->emoji = ans->rank_buf;
	return true;
}
