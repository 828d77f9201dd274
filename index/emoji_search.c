/*
 * emoji_search.c: the emoji search, a query that starts with ':'.
 *
 * Every emoji whose words (its name, its CLDR short names and keywords in
 * every compiled language, its group and subgroup) include all the
 * query's words, in emoji-test.txt order.  Words are runs of letters, marks
 * and digits, case-folded with ICU; a word followed by '*' stands for
 * every word with that prefix.  The sets are bitsets of the emoji (about
 * four thousand bits): each term ORs its words' postings into one, and
 * the terms' sets are ANDed.
 *
 * Skin tones: a skin-tone variant is left out when its base emoji (the
 * same emoji without a tone) is found too, unless the query asks for every
 * tone.  So ":thumbs up" finds 👍 once, while ":thumbs up dark", whose
 * word "dark" only the variants have, finds 👍🏿 and 👍🏾.
 */
#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "emoji_private.h"

/* Longest query word that is looked up (bytes); longer ones match none. */
#define WORD_MAX	1024

bool
cf_emoji_word_char(UChar32 c)
{
	return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK |
	    U_GC_N_MASK)) != 0;
}

/* ICU's full case folding of s into out; its length, or -1 if too long. */
static int32_t
fold(const char *s, size_t len, char *out, int32_t cap)
{
	UChar u[WORD_MAX], folded[WORD_MAX];
	UErrorCode status = U_ZERO_ERROR;
	int32_t ulen, flen, olen;
	size_t i;

	if (len > WORD_MAX || len > (size_t)cap)
		return -1;
	/* ASCII folds to lower case: the common word needs no ICU */
	for (i = 0; i < len && (unsigned char)s[i] < 0x80; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	if (i == len)
		return (int32_t)len;
	u_strFromUTF8(u, WORD_MAX, &ulen, s, (int32_t)len, &status);
	flen = u_strFoldCase(folded, WORD_MAX, u, ulen, U_FOLD_CASE_DEFAULT,
	    &status);
	u_strToUTF8(out, cap, &olen, folded, flen, &status);
	return U_SUCCESS(status) && status != U_STRING_NOT_TERMINATED_WARNING ?
	    olen : -1;
}

/* <0, 0, >0 as word w sorts before s, is s (prefix: starts with s), after. */
static int
compare_word(size_t w, const char *s, size_t len, bool prefix)
{
	const struct emoji_tables *t = &emoji_tables;
	size_t wl = t->word_off[w + 1] - t->word_off[w];
	int c = memcmp(t->word_text + t->word_off[w], s, wl < len ? wl : len);

	if (c != 0)
		return c;
	if (wl < len)
		return -1;
	return prefix || wl == len ? 0 : 1;
}

/* The first word not before s; with past, the first after its prefixes. */
static size_t
lower_word(const char *s, size_t len, bool past)
{
	size_t lo = 0, hi = emoji_tables.nwords;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_word(mid, s, len, true);

		if (c < 0 || (past && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The words [lo, hi) of a query word; none when it is unknown. */
static void
find_term(const char *s, size_t len, bool prefix, struct emoji_term *t)
{
	char folded[WORD_MAX];
	int32_t n = fold(s, len, folded, sizeof(folded));

	t->lo = t->hi = 0;
	if (n < 0 || (size_t)n > emoji_tables.max_word_len)
		return;
	t->lo = lower_word(folded, (size_t)n, false);
	if (prefix)
		t->hi = lower_word(folded, (size_t)n, true);
	else if (t->lo < emoji_tables.nwords &&
	    compare_word(t->lo, folded, (size_t)n, false) == 0)
		t->hi = t->lo + 1;
	else
		t->hi = t->lo;
}

/* Does the text after ':' hold a word?  Else it is not an emoji search. */
bool
cf_is_emoji_query(const char *text, size_t len)
{
	int32_t i = 1, n = (int32_t)len;
	UChar32 c;

	if (len < 2 || text[0] != ':')
		return false;
	while (i < n) {
		U8_NEXT(text, i, n, c);
		if (c >= 0 && cf_emoji_word_char(c))
			return true;
	}
	return false;
}

/* The query's terms; -1 when there are too many. */
static int
parse_terms(const char *text, size_t len, struct emoji_term *terms,
    size_t *nterms)
{
	int32_t i = 1, n = (int32_t)len, start, end;
	size_t k = 0;
	UChar32 c;

	while (i < n) {
		start = i;
		U8_NEXT(text, i, n, c);
		if (c < 0 || !cf_emoji_word_char(c))
			continue;
		do {
			end = i;
			if (i == n)
				break;
			U8_NEXT(text, i, n, c);
		} while (c >= 0 && cf_emoji_word_char(c));
		if (k == CF_QUERY_MAX_TERMS)
			return -1;
		find_term(text + start, (size_t)(end - start),
		    end < n && text[end] == '*', &terms[k++]);
		i = end;
	}
	*nterms = k;
	return 0;
}

static size_t
term_size(const struct emoji_term *t)
{
	return emoji_tables.post_start[t->hi] - emoji_tables.post_start[t->lo];
}

/* Smallest first: the set empties soonest. */
static void
sort_terms(struct emoji_term *terms, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct emoji_term t = terms[i];

		for (j = i; j > 0 && term_size(&terms[j - 1]) > term_size(&t);
		    j--)
			terms[j] = terms[j - 1];
		terms[j] = t;
	}
}

static bool
has(const uint64_t *set, size_t e)
{
	return (set[e / 64] >> (e % 64) & 1) != 0;
}

/* The emoji that have every term, into set (words words). */
static void
match(const struct emoji_term *terms, size_t nterms, uint64_t *set,
    uint64_t *term_set, size_t words)
{
	const struct emoji_tables *t = &emoji_tables;
	size_t i, p, w;

	for (i = 0; i < nterms; i++) {
		uint64_t *into = i == 0 ? set : term_set, any = 0;

		memset(into, 0, words * sizeof(*into));
		for (p = t->post_start[terms[i].lo];
		    p < t->post_start[terms[i].hi]; p++)
			into[t->postings[p] / 64] |=
			    (uint64_t)1 << (t->postings[p] % 64);
		if (i == 0)
			continue;
		for (w = 0; w < words; w++)
			any |= set[w] &= term_set[w];
		if (any == 0)
			break;
	}
}

int
cf_search_emoji(const char *text, size_t len,
    const struct cf_query_options *opts, struct cf_answer *ans, char *err,
    size_t errlen)
{
	const struct emoji_tables *t = &emoji_tables;
	struct emoji_term terms[CF_QUERY_MAX_TERMS];
	size_t nterms, words = (t->nemoji + 63) / 64, i, n = 0, e;
	uint64_t *bits, w;
	uint32_t *out;

	ans->kind = ANSWER_RANGES;
	if (parse_terms(text, len, terms, &nterms) < 0) {
		snprintf(err, errlen, "too many words (at most %d)",
		    CF_QUERY_MAX_TERMS);
		return -1;
	}
	for (i = 0; i < nterms; i++)
		if (terms[i].lo == terms[i].hi)
			return 0;	/* an unknown word: no result */
	if (nterms == 0)
		return 0;
	if ((bits = cf_grow(ans->emoji_bits, &ans->emoji_bits_cap, 2 * words,
	    sizeof(*bits))) == NULL)
		goto nomem;
	ans->emoji_bits = bits;
	if ((out = cf_grow(ans->emoji_buf, &ans->emoji_cap, t->nemoji,
	    sizeof(*out))) == NULL)
		goto nomem;
	ans->emoji_buf = out;
	sort_terms(terms, nterms);
	match(terms, nterms, bits, bits + words, words);
	for (i = 0; i < words; i++)
		for (w = bits[i]; w != 0; w &= w - 1) {
			e = i * 64 + (size_t)__builtin_ctzll(w);
			if (opts->skin_tones || t->base[e] == e ||
			    !has(bits, t->base[e]))
				out[n++] = (uint32_t)e;
		}
	ans->emoji = out;
	ans->nemoji = ans->count = n;
	if (opts->order == CF_ORDER_RELEVANCE &&
	    !cf_rank_emoji(ans, terms, nterms))
		goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}
