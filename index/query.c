/*
 * query.c: read a query in one of its four forms.
 *
 *   U+265A U+2654..U+2659	code points and ranges, described in order
 *   :thumbs up  :웃음  :heart*	emoji: see emoji_search.c
 *   é  ?  👍🏽			identify: the emoji sequences, then each
 *				distinct character, in order
 *   chess black  smil* face	names: see search.c
 *
 * A query is code points when its first token starts with "U+"; emoji when
 * it starts with ':' and has a word (a letter or digit of any script);
 * identify when it has a non-ASCII character or no ASCII letter or digit
 * (":", ":-)"); names otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf8.h>

#include "cf_query.h"
#include "emoji_private.h"

/* Longest piece of a bad token that an error message quotes. */
#define TOKEN_QUOTE_MAX 40

static bool
add_range(struct cf_answer *ans, uint32_t lo, uint32_t hi)
{
	struct cp_range *r = cf_grow(ans->range_buf, &ans->range_cap,
	    ans->nranges + 1, sizeof(*r));

	if (r == NULL)
		return false;
	ans->range_buf = r;
	ans->ranges = r;
	r[ans->nranges].lo = lo;
	r[ans->nranges].hi = hi;
	ans->nranges++;
	ans->count += hi - lo + 1;
	return true;
}

/* The end of the white space (or of the token) that starts at i. */
static size_t
skip(const char *s, size_t len, size_t i, bool space)
{
	while (i < len) {
		int32_t next = (int32_t)i;
		UChar32 c;

		U8_NEXT(s, next, (int32_t)len, c);
		if ((c >= 0 && cf_is_space(c)) != space)
			break;
		i = (size_t)next;
	}
	return i;
}

static bool
starts_code_point(const char *s, size_t len)
{
	return len >= 2 && (s[0] == 'U' || s[0] == 'u') && s[1] == '+';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "U+" and 1 to 6 hex digits at s[*i ..]; false unless it is one. */
static bool
parse_code_point(const char *s, size_t len, size_t *i, uint32_t *cp)
{
	size_t at = *i + 2, digits = 0;
	uint32_t value = 0;

	if (!starts_code_point(s + *i, len - *i))
		return false;
	for (; at < len && hex_value(s[at]) >= 0 && digits <= 6; at++) {
		value = value * 16 + (uint32_t)hex_value(s[at]);
		digits++;
	}
	if (digits == 0 || digits > 6 || value > CF_CODEPOINT_MAX)
		return false;
	*i = at;
	*cp = value;
	return true;
}

static void
bad_code_point(const char *tok, size_t len, char *err, size_t errlen)
{
	size_t shown = len;

	if (len > TOKEN_QUOTE_MAX) {
		int32_t cut = TOKEN_QUOTE_MAX;

		U8_SET_CP_START((const uint8_t *)tok, 0, cut);
		shown = (size_t)cut;
	}
	snprintf(err, errlen, "bad code point '%.*s%s' (use U+0000 to "
	    "U+10FFFF, or a range U+2654..U+2659)", (int)shown, tok,
	    shown < len ? "..." : "");
}

static int
code_points(const char *s, size_t len, struct cf_answer *ans, char *err,
    size_t errlen)
{
	size_t i = skip(s, len, 0, true), ntokens = 0;

	ans->kind = ANSWER_RANGES;
	while (i < len) {
		size_t start = i, end = skip(s, len, i, false);
		uint32_t lo, hi;

		if (++ntokens > CF_QUERY_MAX_TERMS) {
			snprintf(err, errlen, "too many code points (at most %d)",
			    CF_QUERY_MAX_TERMS);
			return -1;
		}
		if (!parse_code_point(s, end, &i, &lo))
			goto bad;
		hi = lo;
		if (i + 2 < end && s[i] == '.' && s[i + 1] == '.') {
			i += 2;
			if (!parse_code_point(s, end, &i, &hi) || hi < lo)
				goto bad;
		}
		if (i != end)
			goto bad;
		if (!add_range(ans, lo, hi)) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		i = skip(s, len, end, true);
		continue;
bad:
		bad_code_point(s + start, end - start, err, errlen);
		return -1;
	}
	return 0;
}

/* A non-ASCII character, or no ASCII letter or digit at all. */
static bool
wants_identify(const char *s, size_t len)
{
	bool alnum = false;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80)
			return true;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z'))
			alnum = true;
	}
	return !alnum;
}

/* Add cp to the set of seen code points; false if it was there. */
static bool
first_sight(uint32_t *seen, size_t cap, UChar32 cp)
{
	size_t slot = ((uint32_t)cp * 2654435761u) & (cap - 1);

	for (; seen[slot] != 0; slot = (slot + 1) & (cap - 1))
		if (seen[slot] == (uint32_t)cp + 1)
			return false;
	seen[slot] = (uint32_t)cp + 1;
	return true;
}

static int
identify(const char *s, size_t len, struct cf_answer *ans, char *err,
    size_t errlen)
{
	size_t cap = 16;
	int32_t i = 0, n = (int32_t)len;
	uint32_t *seen;
	UChar32 c;

	ans->kind = ANSWER_RANGES;
	if (!cf_identify_emoji(s, len, ans))
		goto nomem;
	ans->count = ans->nemoji;
	while (cap < 2 * len)
		cap *= 2;
	if ((seen = cf_grow(ans->seen, &ans->seen_cap, cap,
	    sizeof(*seen))) == NULL)
		goto nomem;
	ans->seen = seen;
	memset(seen, 0, cap * sizeof(*seen));
	while (i < n) {
		U8_NEXT(s, i, n, c);
		if (c < 0 || cf_is_space(c) || !first_sight(seen, cap, c))
			continue;
		if (!add_range(ans, (uint32_t)c, (uint32_t)c))
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
cf_index_query(const struct cf_index *idx, const char *text, size_t len,
    struct cf_answer *ans, char *err, size_t errlen)
{
	return cf_index_query_opts(idx, text, len, NULL, ans, err, errlen);
}

int
cf_index_query_opts(const struct cf_index *idx, const char *text, size_t len,
    const struct cf_query_options *opts, struct cf_answer *ans, char *err,
    size_t errlen)
{
	static const struct cf_query_options defaults;
	size_t first = skip(text, len, 0, true);
	int rc;

	if (opts == NULL)
		opts = &defaults;
	ans->kind = ANSWER_RANGES;
	ans->ascending = true;
	ans->count = ans->nentries = ans->nranges = ans->nemoji = 0;
	ans->entries = ans->emoji = NULL;
	ans->ranges = NULL;
	if (len > INT32_MAX) {
		snprintf(err, errlen, "query too long");
		return -1;
	}
	if (starts_code_point(text + first, len - first)) {
		ans->form = CF_FORM_CODE_POINTS;
		rc = code_points(text, len, ans, err, errlen);
	} else if (cf_is_emoji_query(text, len)) {
		ans->form = CF_FORM_EMOJI;
		rc = cf_search_emoji(text, len, opts, ans, err, errlen);
	} else if (wants_identify(text, len)) {
		ans->form = CF_FORM_IDENTIFY;
		rc = identify(text, len, ans, err, errlen);
	} else {
		ans->form = CF_FORM_NAMES;
		rc = cf_search_names_opts(idx, text, len, opts, ans, err,
		    errlen);
	}
	if (rc < 0) {
		ans->count = ans->nentries = ans->nranges = ans->nemoji = 0;
		ans->entries = ans->emoji = NULL;
	}
	return rc;
}
