/*
 * index_private.h: the layout of the index and of an answer, shared by the
 * files of the cfindex library only.
 */
#ifndef INDEX_PRIVATE_H
#define INDEX_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <unicode/umachine.h>

#include "cf_index.h"
#include "cf_query.h"

/*
 * Entries are the result lines: one per name and one per alias, sorted by
 * code point, a name before the aliases of its code point, aliases in file
 * order.  Entry e's line is arena[entry_off[e] .. entry_off[e + 1]).
 *
 * Words are sorted alphabetically: word w is word_text[word_off[w] ..
 * word_off[w] + word_len[w]), and its postings (entry ids, ascending) are
 * postings[post_start[w] .. post_start[w + 1]).  Because the words are in
 * alphabetical order, the words sharing a prefix are one range of w, and
 * their postings one contiguous slice.
 */
/* Address space reserved up front, committed as it is first written. */
struct cf_region {
	char *base;
	size_t used;
	size_t reserved;
};

bool cf_region_reserve(struct cf_region *r, size_t bytes);
/* The next bytes of the region (aligned), or NULL when it is full. */
void *cf_region_take(struct cf_region *r, size_t bytes, size_t align);
/* Give back the address space past what was taken. */
void cf_region_trim(struct cf_region *r);
void cf_region_release(struct cf_region *r);

struct cf_index {
	struct cf_region region;	/* every array below lives in it */
	size_t nentries;
	size_t nchars;
	uint32_t *entry_cp;		/* [nentries] */
	uint32_t *entry_off;		/* [nentries + 1] */
	char *arena;

	size_t nwords;
	size_t max_word_len;
	char *word_text;
	uint32_t *word_off;		/* [nwords] */
	uint8_t *word_len;		/* [nwords] */
	/* the word's postings hold two entries of one code point */
	uint8_t *word_dup;		/* [nwords] */
	uint32_t *post_start;		/* [nwords + 1] */
	uint32_t *postings;
};

/*
 * Names that begin with these are indexed under the prefix's three words
 * only: the hex suffix of a CJK ideograph's name is not a word.
 */
#define CF_CJK_UNIFIED	"CJK UNIFIED IDEOGRAPH"
#define CF_CJK_COMPAT	"CJK COMPATIBILITY IDEOGRAPH"

static inline bool
cf_has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* A run of code points lo..hi, each described on its own line. */
struct cp_range {
	uint32_t lo, hi;
};

/*
 * An answer is a list of emoji (an emoji search, or the sequences that
 * identify names first), then either a list of entries (a name search) or
 * a list of code point ranges (code points and identify).  The buffers are
 * kept from one query to the next.
 */
struct cf_answer {
	enum { ANSWER_ENTRIES, ANSWER_RANGES } kind;
	enum cf_query_form form;
	size_t count;

	const uint32_t *emoji;		/* emoji_buf or rank_buf */
	size_t nemoji;
	uint32_t *emoji_buf;
	size_t emoji_cap;
	uint64_t *emoji_bits;		/* two sets of emoji, one bit each */
	size_t emoji_bits_cap;
	uint32_t *cp_buf;		/* identify: the text's code points */
	size_t cp_cap;
	uint8_t *span_buf;		/* and how many each stands for */
	size_t span_cap;

	const uint32_t *entries;	/* postings, entry_buf or rank_buf */
	size_t nentries;
	bool ascending;			/* entries in code point order */
	const struct cp_range *ranges;	/* range_buf */
	size_t nranges;

	uint32_t *entry_buf;
	size_t entry_cap;
	struct cp_range *range_buf;
	size_t range_cap;
	uint64_t *bitmap;		/* one bit per entry, all zero between uses */
	size_t bitmap_words;
	uint32_t *seen;			/* open addressing set of code points + 1 */
	size_t seen_cap;
	uint32_t *rank_buf;		/* entries or emoji in relevance order */
	size_t rank_cap;
	uint16_t *key_buf;		/* their relevance keys */
	size_t key_cap;
};

/*
 * The indexed text of entry e, [*start, *end): the alias of an alias entry,
 * else the name, cut to its first three words for a CJK ideograph.
 */
void cf_entry_words(const struct cf_index *idx, uint32_t e,
    const char **start, const char **end);

/* First entry of code point cp, or -1 when it has none. */
long cf_first_entry(const struct cf_index *idx, uint32_t cp);

/* A code point's hex digits in its label and in algorithmic names: 4 to 6. */
static inline size_t
cf_hex_digits(uint32_t cp)
{
	return cp > 0xFFFFF ? 6 : cp > 0xFFFF ? 5 : 4;
}

/* A result line's label ("U+265A") is padded to this many columns. */
#define CF_LABEL_COLUMNS	7

/*
 * Write a result line "U+XXXX\t<char>\t<name>[ (alias <alias>)]\r\n" to
 * out (CF_LINE_MAX bytes; name and alias are cut to fit).  Returns its
 * length.
 */
size_t cf_format_line(char *out, uint32_t cp, const char *name,
    size_t namelen, const char *alias, size_t aliaslen);

/*
 * buf grown to hold at least n elements of sz bytes (doubling *cap), or NULL
 * when memory ran out, buf then left as it was.
 */
void *cf_grow(void *buf, size_t *cap, size_t n, size_t sz);

/*
 * The aliases NameAliases.txt gives cp (control, abbreviation, alternate,
 * figment; ICU has the corrections), in file order: at most max of them,
 * into alias[] and type[].  Returns how many.
 */
size_t cf_name_aliases(uint32_t cp, const char **alias, const char **type,
    size_t max);

/* A query word: words [lo, hi) of the index, postings [start, end). */
struct cf_term {
	size_t lo, hi;
	size_t start, end;
	bool prefix;
	const char *word;	/* upper case, in the caller's buffer */
	size_t len;
};

/*
 * Name search: the third query form.  Same contract as
 * cf_index_query_opts; cf_search_names() takes the defaults.
 */
int cf_search_names_opts(const struct cf_index *idx, const char *text,
    size_t len, const struct cf_query_options *opts, struct cf_answer *ans,
    char *err, size_t errlen);
int cf_search_names(const struct cf_index *idx, const char *text, size_t len,
    struct cf_answer *ans, char *err, size_t errlen);

/*
 * Put the entries of a name search (ans->entries, in entry_buf, code point
 * order) in relevance order (see cf_query.h); false when memory ran out.
 */
bool cf_rank_names(const struct cf_index *idx, struct cf_answer *ans,
    const struct cf_term *terms, size_t nterms);

#endif
