/*
 * emoji_identify.c: the emoji sequences in a pasted text, for identify,
 * and the look-up of one sequence.
 *
 * The text's code points, U+FE0F left out (CLDR keys emoji without it and
 * people paste them with or without it), are matched from left to right
 * against emoji-test.txt's sequences, the longest first.  A match is named
 * when it stands for two or more code points of the text, U+FE0F
 * included: a single code point (😀) is described by identify's own line
 * for it, once.
 */
#include <string.h>

#include <unicode/utf8.h>

#include "cf_emoji.h"
#include "emoji_private.h"

#define VS16	0xFE0F

/* <0, 0, >0 as key k sorts before, is, or sorts after cps[0 .. n). */
static int
compare_key(size_t k, const uint32_t *cps, size_t n)
{
	const struct emoji_tables *t = &emoji_tables;
	const uint32_t *key = t->key_cps + t->key_off[k];
	size_t len = t->key_off[k + 1] - t->key_off[k], i;

	for (i = 0; i < len && i < n; i++)
		if (key[i] != cps[i])
			return key[i] < cps[i] ? -1 : 1;
	return len < n ? -1 : len > n;
}

/* The key that is exactly cps[0 .. n) among keys [lo, hi), or -1. */
static long
find_key(size_t lo, size_t hi, const uint32_t *cps, size_t n)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_key(mid, cps, n);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The keys that start with code point cp: [*lo, *hi). */
static void
keys_starting(uint32_t cp, size_t *lo, size_t *hi)
{
	const struct emoji_tables *t = &emoji_tables;
	size_t a = 0, b = t->nkeys, mid;

	while (a < b) {
		mid = a + (b - a) / 2;
		if (t->key_cps[t->key_off[mid]] < cp)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	for (b = t->nkeys; a < b;) {
		mid = a + (b - a) / 2;
		if (t->key_cps[t->key_off[mid]] <= cp)
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
}

long
cf_emoji_find(const uint32_t *cps, size_t n)
{
	uint32_t key[16];
	size_t i, len = 0;
	long k;

	for (i = 0; i < n; i++) {
		if (cps[i] == VS16)
			continue;
		if (len == sizeof(key) / sizeof(key[0]))
			return -1;
		key[len++] = cps[i];
	}
	if (len == 0 || (k = find_key(0, emoji_tables.nkeys, key, len)) < 0)
		return -1;
	return emoji_tables.key_emoji[k];
}

/*
 * The text's code points without U+FE0F into ans->cp_buf, and for each how
 * many code points of the text it stands for (itself and the U+FE0F after
 * it) into span_buf; returns how many.
 */
static size_t
decode(const char *text, size_t len, struct cf_answer *ans, bool *ok)
{
	int32_t i = 0, n = (int32_t)len;
	size_t k = 0;
	uint32_t *cps;
	uint8_t *spans;
	UChar32 c;

	*ok = false;
	if ((cps = cf_grow(ans->cp_buf, &ans->cp_cap, len,
	    sizeof(*cps))) == NULL)
		return 0;
	ans->cp_buf = cps;
	if ((spans = cf_grow(ans->span_buf, &ans->span_cap, len,
	    sizeof(*spans))) == NULL)
		return 0;
	ans->span_buf = spans;
	*ok = true;
	while (i < n) {
		U8_NEXT(text, i, n, c);
		if (c == VS16 && k > 0) {
			if (spans[k - 1] < UINT8_MAX)
				spans[k - 1]++;
			continue;
		}
		cps[k] = c < 0 ? 0xFFFD : (uint32_t)c;
		spans[k++] = 1;
	}
	return k;
}

/* Add emoji e to the answer unless it is there; false when out of memory. */
static bool
add_emoji(struct cf_answer *ans, uint64_t *seen, size_t e)
{
	uint32_t *out;

	if ((seen[e / 64] >> (e % 64) & 1) != 0)
		return true;
	seen[e / 64] |= (uint64_t)1 << (e % 64);
	if ((out = cf_grow(ans->emoji_buf, &ans->emoji_cap, ans->nemoji + 1,
	    sizeof(*out))) == NULL)
		return false;
	ans->emoji_buf = out;
	out[ans->nemoji++] = (uint32_t)e;
	return true;
}

bool
cf_identify_emoji(const char *text, size_t len, struct cf_answer *ans)
{
	const struct emoji_tables *t = &emoji_tables;
	size_t n, j, lo, hi, l, i, pasted, words = (t->nemoji + 63) / 64;
	uint64_t *seen;
	long k;
	bool ok;

	ans->nemoji = 0;
	ans->emoji = ans->emoji_buf;
	n = decode(text, len, ans, &ok);
	if (!ok)
		return false;
	if ((seen = cf_grow(ans->emoji_bits, &ans->emoji_bits_cap, 2 * words,
	    sizeof(*seen))) == NULL)
		return false;
	ans->emoji_bits = seen;
	memset(seen, 0, words * sizeof(*seen));
	for (j = 0; j < n; j += k >= 0 ? l : 1) {
		keys_starting(ans->cp_buf[j], &lo, &hi);
		k = -1;
		for (l = n - j < t->max_key_len ? n - j : t->max_key_len;
		    l > 0 && lo < hi; l--)
			if ((k = find_key(lo, hi, ans->cp_buf + j, l)) >= 0)
				break;
		if (k < 0)
			continue;
		for (pasted = 0, i = j; i < j + l; i++)
			pasted += ans->span_buf[i];
		if (pasted >= 2 && !add_emoji(ans, seen, t->key_emoji[k]))
			return false;
	}
	ans->emoji = ans->emoji_buf;
	return true;
}
