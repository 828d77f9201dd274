/*
 * index_build.c: build the name index in one pass over ICU's names.
 *
 * u_enumCharNames() hands out the names in code point order.  Each name,
 * each name of a character newer than ICU's Unicode (newer_unicode.h) and
 * each alias, merged in at its code point, becomes an entry: its result
 * line is formatted once, appended to the arena, and its words are looked
 * up in a hash table and noted per entry.  At the end the words are sorted
 * and the (word, entry) pairs are counting-sorted into postings.
 *
 * Memory: the index is one region (the arena first, the other arrays after
 * it); the build's scratch arrays are a second region, released at the
 * end.  Nothing is ever reallocated or copied as it grows.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include "index_private.h"
#include "name_aliases.h"
#include "newer_unicode.h"

/*
 * Bounds of the reservations: Unicode 17.0 has 160 thousand entries, 520
 * thousand (word, entry) pairs, 34 thousand words and a 6.5 MB arena.
 */
#define MAX_ENTRIES	(1u << 20)
#define MAX_PAIRS	(1u << 23)
#define MAX_WORDS	(1u << 16)
#define MAX_TEXT	(1u << 22)
#define TABLE_SLOTS	(2 * MAX_WORDS)	/* a power of 2 */
#define INDEX_RESERVE	((size_t)1 << 27)
#define SCRATCH_RESERVE	((size_t)1 << 27)
#define MAX_CORRECTIONS	256
#define HUGE_PAGE	((size_t)1 << 21)
#define NO_ENTRY	UINT32_MAX

struct build_entry {
	uint32_t cp;
	uint32_t off;		/* of its line in the arena */
	uint32_t words;		/* its first word in entry_words */
};

struct build_word {
	uint32_t off;		/* in text */
	uint32_t count;		/* postings */
	uint32_t last_entry;
	uint8_t len;
	uint8_t dup;
};

#define RECENT_WORDS	8

struct build {
	struct cf_index *idx;
	struct cf_region scratch;
	size_t arena_len;

	struct build_entry *entries;	/* [MAX_ENTRIES + 1] */
	uint32_t *entry_words;		/* [MAX_PAIRS] word ids, entry by entry */
	size_t npairs;
	uint32_t cp_first_entry;	/* of the code point being added */
	/*
	 * The words of the previous name: the next one often repeats them
	 * at the same place ("LATIN SMALL LETTER A", "... LETTER B"), and
	 * then needs no hash lookup.
	 */
	uint32_t recent[RECENT_WORDS];
	size_t nrecent;
	int recent_prefix;		/* the previous name's CJK prefix, or -1 */

	/* words in order of first appearance, found through a hash table */
	struct build_word *words;	/* [MAX_WORDS] */
	size_t nwords;
	char *text;			/* [MAX_TEXT] */
	size_t text_len;
	uint32_t *table;		/* [TABLE_SLOTS] word id + 1, 0 = free */

	/* code points with an ICU correction alias; the next alias to merge */
	uint32_t corrections[MAX_CORRECTIONS];
	size_t ncorrections, next_correction, next_alias;
	uint32_t alias_cp;		/* the code point of the next alias */
	/* the next character newer than ICU: its table line, code point */
	size_t next_newer;
	uint32_t newer_cp;
	const char *failure;
};

static const char *const too_big = "Unicode outgrew the index's reservations";

/* memcmp() == 0 for the short words of names, without a library call. */
static bool
same_word(const char *a, const char *b, size_t len)
{
	while (len > 0 && *a == *b)
		a++, b++, len--;
	return len == 0;
}

static uint32_t
hash_word(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (len-- > 0)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* The id of a word, added if new; NO_ENTRY when the arrays are full. */
static uint32_t
word_id(struct build *b, const char *s, size_t len)
{
	size_t slot = hash_word(s, len) & (TABLE_SLOTS - 1);
	struct build_word *w;

	for (; b->table[slot] != 0; slot = (slot + 1) & (TABLE_SLOTS - 1)) {
		w = &b->words[b->table[slot] - 1];
		if (w->len == len && same_word(b->text + w->off, s, len))
			return b->table[slot] - 1;
	}
	if (len > UINT8_MAX || b->nwords == MAX_WORDS ||
	    len > MAX_TEXT - b->text_len)
		return NO_ENTRY;
	w = &b->words[b->nwords];
	w->off = (uint32_t)b->text_len;
	w->len = (uint8_t)len;
	w->last_entry = NO_ENTRY;
	memcpy(b->text + b->text_len, s, len);
	b->text_len += len;
	b->table[slot] = (uint32_t)++b->nwords;
	return (uint32_t)b->nwords - 1;
}

/* Note word id for entry e, unless the entry has it already. */
static bool
add_pair(struct build *b, uint32_t e, uint32_t id)
{
	struct build_word *w = &b->words[id];

	if (w->last_entry == e)
		return true;	/* a word twice in one name */
	if (b->npairs == MAX_PAIRS)
		return false;
	if (w->last_entry != NO_ENTRY && w->last_entry >= b->cp_first_entry)
		w->dup = 1;	/* two entries of this code point */
	w->last_entry = e;
	w->count++;
	b->entry_words[b->npairs++] = id;
	return true;
}

static bool
is_word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Is the n-th word of the previous name s[0 .. len)?  Then its id. */
static bool
recent_word(const struct build *b, size_t n, const char *s, size_t len,
    uint32_t *id)
{
	const struct build_word *w;

	if (n >= b->nrecent)
		return false;
	w = &b->words[b->recent[n]];
	if (w->len != len || !same_word(b->text + w->off, s, len))
		return false;
	*id = b->recent[n];
	return true;
}

/*
 * Note the words of s for entry e: its maximal runs of letters and digits
 * (ICU's names and the aliases are upper case).
 */
static bool
index_words(struct build *b, uint32_t e, const char *s, size_t len)
{
	size_t i = 0, start, n = 0;
	uint32_t id;

	b->recent_prefix = -1;
	while (i < len) {
		if (!is_word_char(s[i])) {
			i++;
			continue;
		}
		for (start = i; i < len && is_word_char(s[i]); i++)
			;
		if (!recent_word(b, n, s + start, i - start, &id) &&
		    (id = word_id(b, s + start, i - start)) == NO_ENTRY)
			return false;
		if (!add_pair(b, e, id))
			return false;
		if (n < RECENT_WORDS)
			b->recent[n] = id;
		n++;
	}
	b->nrecent = n < RECENT_WORDS ? n : RECENT_WORDS;
	return true;
}

/*
 * The words of a name; a CJK ideograph has its prefix's three only, and
 * a run of ideographs repeats the first one's word ids.
 */
static bool
index_name(struct build *b, uint32_t e, const char *name, size_t len)
{
	static const char *const prefixes[2] = { CF_CJK_UNIFIED, CF_CJK_COMPAT };
	int k;

	for (k = 0; k < 2; k++)
		if (cf_has_prefix(name, len, prefixes[k]))
			break;
	if (k == 2)
		return index_words(b, e, name, len);
	if (b->recent_prefix == k)	/* both prefixes have three words */
		return add_pair(b, e, b->recent[0]) &&
		    add_pair(b, e, b->recent[1]) &&
		    add_pair(b, e, b->recent[2]);
	if (!index_words(b, e, prefixes[k], strlen(prefixes[k])))
		return false;
	b->recent_prefix = k;
	return true;
}

/* Add the entry of a name (alias NULL) or of an alias of the code point. */
static bool
add_entry(struct build *b, uint32_t cp, const char *name, size_t namelen,
    const char *alias, size_t aliaslen)
{
	struct cf_index *idx = b->idx;
	uint32_t e = (uint32_t)idx->nentries;
	struct build_entry *be = &b->entries[e];

	if (e == 0 || cp != b->entries[e - 1].cp)
		b->cp_first_entry = e;
	if (e == MAX_ENTRIES || idx->region.reserved - b->arena_len <
	    CF_LINE_MAX || b->arena_len > UINT32_MAX - CF_LINE_MAX)
		return false;
	be->cp = cp;
	be->off = (uint32_t)b->arena_len;
	be->words = (uint32_t)b->npairs;
	b->arena_len += cf_format_line(idx->region.base + b->arena_len, cp,
	    name, namelen, alias, aliaslen);
	idx->nentries++;
	if (alias != NULL)
		return index_words(b, e, alias, aliaslen);
	return index_name(b, e, name, namelen);
}

static uint32_t
next_alias_cp(const struct build *b)
{
	uint32_t cp = UINT32_MAX;
	size_t n = sizeof(name_aliases) / sizeof(name_aliases[0]);

	if (b->next_correction < b->ncorrections)
		cp = b->corrections[b->next_correction];
	if (b->next_alias < n && name_aliases[b->next_alias].cp < cp)
		cp = name_aliases[b->next_alias].cp;
	return cp;
}

size_t
cf_name_aliases(uint32_t cp, const char **alias, const char **type,
    size_t max)
{
	size_t lo = 0, hi = sizeof(name_aliases) / sizeof(name_aliases[0]);
	size_t end = hi, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (name_aliases[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < end && name_aliases[lo].cp == cp && n < max; lo++, n++) {
		alias[n] = name_aliases[lo].alias;
		type[n] = name_aliases[lo].type;
	}
	return n;
}

/* The entries of the aliases of cp: ICU's correction, then the table's. */
static bool
add_aliases(struct build *b, uint32_t cp, const char *name, size_t namelen)
{
	size_t n = sizeof(name_aliases) / sizeof(name_aliases[0]);
	char alias[CF_LINE_MAX];

	while (b->next_correction < b->ncorrections &&
	    b->corrections[b->next_correction] == cp) {
		UErrorCode status = U_ZERO_ERROR;
		int32_t len = u_charName((UChar32)cp, U_CHAR_NAME_ALIAS, alias,
		    (int32_t)sizeof(alias), &status);

		b->next_correction++;
		if (U_FAILURE(status) || len <= 0 || !add_entry(b, cp, name,
		    namelen, alias, (size_t)len))
			return false;
	}
	for (; b->next_alias < n && name_aliases[b->next_alias].cp == cp;
	    b->next_alias++) {
		const struct name_alias *a = &name_aliases[b->next_alias];

		if (!add_entry(b, cp, name, namelen, a->alias, a->len))
			return false;
	}
	b->alias_cp = next_alias_cp(b);
	return true;
}

/*
 * The entries of aliased code points below cp that have no name (the
 * controls): their name column is ICU's label, "<control-0007>".
 */
static bool
add_unnamed_before(struct build *b, uint32_t cp)
{
	uint32_t next;

	while ((next = b->alias_cp) < cp) {
		char label[CF_LINE_MAX];
		UErrorCode status = U_ZERO_ERROR;
		int32_t len = u_charName((UChar32)next, U_EXTENDED_CHAR_NAME,
		    label, (int32_t)sizeof(label), &status);

		if (U_FAILURE(status) || len < 0 ||
		    !add_aliases(b, next, label, (size_t)len))
			return false;
	}
	return true;
}

/* The entry of a name, after the aliased ones below it, then its aliases. */
static bool
add_named(struct build *b, uint32_t cp, const char *name, size_t len)
{
	return (cp <= b->alias_cp || add_unnamed_before(b, cp)) &&
	    add_entry(b, cp, name, len, NULL, 0) &&
	    (cp != b->alias_cp || add_aliases(b, cp, name, len));
}

static uint32_t
newer_cp_at(size_t i)
{
	return i < newer_nchars ? newer_chars[i].lo : UINT32_MAX;
}

/*
 * The entries of the characters below cp that are newer than ICU's
 * Unicode (newer_unicode.h), merged in code point order: their names,
 * then their aliases.
 */
static bool
add_newer_before(struct build *b, uint32_t cp)
{
	char name[CF_LINE_MAX];

	while (b->newer_cp < cp) {
		const struct newer_char *c = &newer_chars[b->next_newer];
		uint32_t at = b->newer_cp;
		size_t len = cf_newer_name(c, at, name, sizeof(name)), i;

		if (!add_named(b, at, name, len))
			return false;
		for (i = 0; i < c->naliases; i++) {
			const struct newer_alias *a =
			    &newer_aliases[c->first_alias + i];

			if (!add_entry(b, at, name, len,
			    newer_text + a->alias, a->len))
				return false;
		}
		if (at < c->hi)
			b->newer_cp = at + 1;
		else
			b->newer_cp = newer_cp_at(++b->next_newer);
	}
	return true;
}

static UBool U_CALLCONV
add_name(void *context, UChar32 c, UCharNameChoice choice, const char *name,
    int32_t len)
{
	struct build *b = context;
	uint32_t cp = (uint32_t)c;

	(void)choice;
	if ((cp > b->newer_cp && !add_newer_before(b, cp)) ||
	    !add_named(b, cp, name, (size_t)len)) {
		b->failure = too_big;
		return false;
	}
	return true;
}

static UBool U_CALLCONV
add_correction(void *context, UChar32 c, UCharNameChoice choice,
    const char *name, int32_t len)
{
	struct build *b = context;

	(void)choice, (void)name, (void)len;
	if (b->ncorrections == MAX_CORRECTIONS) {
		b->failure = too_big;
		return false;
	}
	b->corrections[b->ncorrections++] = (uint32_t)c;
	return true;
}

static int
compare_words(const struct build *b, uint32_t x, uint32_t y)
{
	const struct build_word *v = &b->words[x], *w = &b->words[y];
	int c = memcmp(b->text + v->off, b->text + w->off,
	    v->len < w->len ? v->len : w->len);

	return c != 0 ? c : (int)v->len - (int)w->len;
}

/* A word's first 8 bytes, big-endian and zero-padded: sorts like memcmp. */
static uint64_t
word_key(const struct build *b, uint32_t id)
{
	const struct build_word *w = &b->words[id];
	uint64_t key = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		key = key << 8 | (i < w->len ? (uint8_t)b->text[w->off + i] : 0);
	return key;
}

struct keyed_word {
	uint64_t key;
	uint32_t id;
};

/*
 * The word ids in alphabetical order: a byte-wise radix sort on the first
 * 8 bytes (qsort's calls to memcmp were a fifth of the build), then an
 * insertion sort of the few runs whose first 8 bytes tie.
 */
static void
sort_words(const struct build *b, uint32_t *order, struct keyed_word *kw,
    struct keyed_word *tmp)
{
	size_t n = b->nwords, i, j, shift, count[257];
	struct keyed_word *from = kw, *to = tmp, *swap, cur;

	for (i = 0; i < n; i++) {
		kw[i].key = word_key(b, (uint32_t)i);
		kw[i].id = (uint32_t)i;
	}
	for (shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(from[i].key >> shift & 0xFF) + 1]++;
		for (i = 1; i < 257; i++)
			count[i] += count[i - 1];
		for (i = 0; i < n; i++)
			to[count[from[i].key >> shift & 0xFF]++] = from[i];
		swap = from, from = to, to = swap;
	}
	for (i = 1; i < n; i++) {
		cur = from[i];
		for (j = i; j > 0 && from[j - 1].key == cur.key &&
		    compare_words(b, from[j - 1].id, cur.id) > 0; j--)
			from[j] = from[j - 1];
		from[j] = cur;
	}
	for (i = 0; i < n; i++)
		order[i] = from[i].id;
}

/* An array of n elements of size sz after the arena; NULL when full. */
static void *
take(struct cf_index *idx, size_t n, size_t sz)
{
	return cf_region_take(&idx->region, n * sz, sizeof(uint64_t));
}

/*
 * Lay out the index after the arena: entries, then the words sorted, with
 * the (word, entry) pairs counting-sorted into postings.
 */
static bool
finish(struct build *b)
{
	struct cf_index *idx = b->idx;
	size_t nw = b->nwords, n = idx->nentries, e, i, r;
	uint32_t *order, *rank, *next;
	struct keyed_word *kw, *kw_tmp;
	char *text;

	b->entries[n].off = (uint32_t)b->arena_len;
	b->entries[n].words = (uint32_t)b->npairs;
	idx->arena = idx->region.base;
	idx->region.used = b->arena_len;
	idx->nwords = nw;
	idx->entry_cp = take(idx, n, sizeof(uint32_t));
	idx->entry_off = take(idx, n + 1, sizeof(uint32_t));
	idx->post_start = take(idx, nw + 1, sizeof(uint32_t));
	idx->postings = take(idx, b->npairs, sizeof(uint32_t));
	idx->word_off = take(idx, nw, sizeof(uint32_t));
	idx->word_len = take(idx, nw, 1);
	idx->word_dup = take(idx, nw, 1);
	idx->word_text = text = take(idx, b->text_len, 1);
	order = cf_region_take(&b->scratch, nw * sizeof(uint32_t), 64);
	rank = cf_region_take(&b->scratch, nw * sizeof(uint32_t), 64);
	next = cf_region_take(&b->scratch, nw * sizeof(uint32_t), 64);
	kw = cf_region_take(&b->scratch, nw * sizeof(*kw), 64);
	kw_tmp = cf_region_take(&b->scratch, nw * sizeof(*kw), 64);
	if (idx->entry_cp == NULL || idx->entry_off == NULL ||
	    idx->post_start == NULL || idx->postings == NULL ||
	    idx->word_off == NULL || idx->word_len == NULL ||
	    idx->word_dup == NULL || text == NULL || order == NULL ||
	    rank == NULL || next == NULL || kw == NULL || kw_tmp == NULL)
		return false;

	for (e = 0; e <= n; e++) {
		if (e < n)
			idx->entry_cp[e] = b->entries[e].cp;
		idx->entry_off[e] = b->entries[e].off;
	}
	idx->post_start[0] = 0;
	sort_words(b, order, kw, kw_tmp);
	/* The words' text in sorted order too: binary search stays local. */
	for (r = 0; r < nw; r++) {
		const struct build_word *w = &b->words[order[r]];

		rank[order[r]] = (uint32_t)r;
		idx->word_off[r] = (uint32_t)(text - idx->word_text);
		idx->word_len[r] = w->len;
		idx->word_dup[r] = w->dup;
		memcpy(text, b->text + w->off, w->len);
		text += w->len;
		if (w->len > idx->max_word_len)
			idx->max_word_len = w->len;
		next[r] = idx->post_start[r];
		idx->post_start[r + 1] = idx->post_start[r] + w->count;
	}
	/* Entries in ascending order, so every posting list comes out sorted. */
	for (e = 0; e < n; e++) {
		for (i = b->entries[e].words; i < b->entries[e + 1].words; i++)
			idx->postings[next[rank[b->entry_words[i]]]++] =
			    (uint32_t)e;
		if (e == 0 || idx->entry_cp[e] != idx->entry_cp[e - 1])
			idx->nchars++;
	}
	cf_region_trim(&idx->region);
	return true;
}

/*
 * The scratch arrays, each at a huge page of its own, zero like all fresh
 * memory of a region.
 */
static bool
take_scratch(struct build *b)
{
	struct cf_region *s = &b->scratch;

	if (!cf_region_reserve(s, SCRATCH_RESERVE))
		return false;
	b->entries = cf_region_take(s, (MAX_ENTRIES + 1) *
	    sizeof(*b->entries), HUGE_PAGE);
	b->entry_words = cf_region_take(s, MAX_PAIRS *
	    sizeof(*b->entry_words), HUGE_PAGE);
	b->words = cf_region_take(s, MAX_WORDS * sizeof(*b->words),
	    HUGE_PAGE);
	b->text = cf_region_take(s, MAX_TEXT, HUGE_PAGE);
	b->table = cf_region_take(s, TABLE_SLOTS * sizeof(*b->table),
	    HUGE_PAGE);
	return b->entries != NULL && b->entry_words != NULL &&
	    b->words != NULL && b->text != NULL && b->table != NULL;
}

struct cf_index *
cf_index_build(char *err, size_t errlen)
{
	struct build *b;
	struct cf_index *idx;
	UErrorCode status = U_ZERO_ERROR;
	const char *failure = NULL;

	b = calloc(1, sizeof(*b));
	idx = calloc(1, sizeof(*idx));
	if (b == NULL || idx == NULL || !take_scratch(b) ||
	    !cf_region_reserve(&idx->region, INDEX_RESERVE)) {
		failure = "out of memory";
		goto out;
	}
	b->idx = idx;
	b->recent_prefix = -1;
	u_enumCharNames(0, UCHAR_MAX_VALUE + 1, add_correction, b,
	    U_CHAR_NAME_ALIAS, &status);
	b->alias_cp = next_alias_cp(b);
	b->newer_cp = newer_cp_at(0);
	if (b->failure == NULL && U_SUCCESS(status))
		u_enumCharNames(0x20, UCHAR_MAX_VALUE + 1, add_name, b,
		    U_UNICODE_CHAR_NAME, &status);
	if (b->failure == NULL && U_SUCCESS(status) &&
	    (!add_newer_before(b, UCHAR_MAX_VALUE + 1) ||
	    !add_unnamed_before(b, UCHAR_MAX_VALUE + 1)))
		b->failure = too_big;
	if ((failure = b->failure) == NULL && U_FAILURE(status))
		failure = u_errorName(status);
	if (failure == NULL && idx->nentries == 0)
		failure = "ICU has no character names (is its data missing?)";
	if (failure == NULL && !finish(b))
		failure = too_big;
out:
	if (b != NULL)
		cf_region_release(&b->scratch);
	free(b);
	if (failure == NULL)
		return idx;
	snprintf(err, errlen, "cannot build the name index: %s", failure);
	cf_index_free(idx);
	return NULL;
}

void
cf_index_free(struct cf_index *idx)
{
	if (idx == NULL)
		return;
	cf_region_release(&idx->region);
	free(idx);
}

void
cf_index_stats(const struct cf_index *idx, struct cf_index_stats *st)
{
	st->chars = idx->nchars;
	st->entries = idx->nentries;
	st->words = idx->nwords;
	st->arena_bytes = idx->entry_off[idx->nentries];
	st->heap_bytes = sizeof(*idx) + idx->region.used;
}

/* ICU's versions as text, made once: constant afterwards, so thread-safe. */
static pthread_once_t versions_once = PTHREAD_ONCE_INIT;
static char unicode_version[U_MAX_VERSION_STRING_LENGTH];
static char icu_version[U_MAX_VERSION_STRING_LENGTH];

static void
format_versions(void)
{
	UVersionInfo v;

	u_getUnicodeVersion(v);
	u_versionToString(v, unicode_version);
	u_getVersion(v);
	u_versionToString(v, icu_version);
}

const char *
cf_icu_unicode_version(void)
{
	pthread_once(&versions_once, format_versions);
	return unicode_version;
}

const char *
cf_names_unicode_version(void)
{
	return newer_names_version;
}

const char *
cf_icu_version(void)
{
	pthread_once(&versions_once, format_versions);
	return icu_version;
}
