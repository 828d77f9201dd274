/*
 * emoji_private.h: the emoji tables, made at build time by gen_emoji.py
 * from index/unicode/ (emoji-test.txt and CLDR's annotations), and the
 * emoji search's functions, shared by the files of the cfindex library
 * only.
 *
 * An emoji is a fully-qualified (or component) sequence of emoji-test.txt;
 * emoji e is number e in the file's order.  Everything is constant data:
 * nothing is built at start-up, and only the pages a query reads are ever
 * loaded.
 */
#ifndef EMOJI_PRIVATE_H
#define EMOJI_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "index_private.h"

struct emoji_tables {
	const char *version;		/* "17.0": emoji-test.txt's */
	size_t nemoji;

	/* the result line of e: lines[line_off[e] .. line_off[e + 1]) */
	const char *lines;
	const uint32_t *line_off;	/* [nemoji + 1] */
	/* its code points (with U+FE0F): cps[cp_off[e] .. cp_off[e + 1]) */
	const uint32_t *cps;
	const uint32_t *cp_off;		/* [nemoji + 1] */
	/* the emoji a skin-tone variant is a variant of; e itself if none */
	const uint16_t *base;		/* [nemoji] */

	/* group and subgroup g: group_text[group_off[g] .. [g + 1]) */
	const uint8_t *group;		/* [nemoji] group number */
	const uint8_t *subgroup;	/* [nemoji] subgroup number */
	size_t ngroups, nsubgroups;	/* subgroups numbered after groups */
	const char *group_text;
	const uint32_t *group_off;	/* [ngroups + nsubgroups + 1] */

	/*
	 * CLDR's short name (tts) of e in language l is annotation
	 * a = 2 * (e * nlangs + l), its keywords, joined by '|', a + 1:
	 * annot_text[annot_off[a] .. annot_off[a + 1]), empty when CLDR has
	 * none.  langs[0] is "en".
	 */
	size_t nlangs;
	const char *const *langs;
	const char *annot_text;
	const uint32_t *annot_off;	/* [2 * nemoji * nlangs + 1] */

	/*
	 * The words, case-folded and sorted by their UTF-8 bytes (memcmp):
	 * word w is word_text[word_off[w] .. word_off[w + 1]), and the emoji
	 * that have it are postings[post_start[w] .. post_start[w + 1]),
	 * ascending.  A prefix's words are one range of w.
	 */
	size_t nwords, max_word_len;
	const char *word_text;
	const uint32_t *word_off;	/* [nwords + 1] */
	const uint32_t *post_start;	/* [nwords + 1] */
	const uint16_t *postings;

	/*
	 * For the relevance order, the phrases of e: its names (emoji-test's
	 * and the short names, duplicates dropped), then its keywords, each a
	 * list of word ids: phrases phrase_start[e] .. phrase_start[e + 1],
	 * the first phrase_names[e] of them names; phrase p is
	 * phrase_words[phrase_word_start[p] .. phrase_word_start[p + 1]).
	 */
	const uint32_t *phrase_start;	/* [nemoji + 1] */
	const uint8_t *phrase_names;	/* [nemoji] */
	const uint32_t *phrase_word_start;
	const uint16_t *phrase_words;

	/*
	 * For identify, every sequence of emoji-test.txt, whatever its status,
	 * without its U+FE0F, sorted (as lists of code points): key k is
	 * key_cps[key_off[k] .. key_off[k + 1]), the emoji key_emoji[k].
	 */
	size_t nkeys, max_key_len;
	const uint32_t *key_cps;
	const uint32_t *key_off;	/* [nkeys + 1] */
	const uint16_t *key_emoji;	/* [nkeys] */
};

extern const struct emoji_tables emoji_tables;

/* A query word of an emoji search: the words [lo, hi). */
struct emoji_term {
	size_t lo, hi;
};

/* A letter, mark or digit: what emoji words are made of. */
bool cf_emoji_word_char(UChar32 c);

/* ':' and then a word: an emoji search. */
bool cf_is_emoji_query(const char *text, size_t len);

/* Emoji search: a query that starts with ':'.  As cf_index_query_opts. */
int cf_search_emoji(const char *text, size_t len,
    const struct cf_query_options *opts, struct cf_answer *ans, char *err,
    size_t errlen);

/*
 * Identify's first part: the emoji sequences of two or more code points
 * in text, each once, in order of first appearance, into ans->emoji.
 * False when memory ran out.
 */
bool cf_identify_emoji(const char *text, size_t len, struct cf_answer *ans);

/*
 * Put the emoji of an emoji search (ans->emoji, in emoji_buf, in file
 * order) in relevance order (see cf_query.h); false when memory ran out.
 */
bool cf_rank_emoji(struct cf_answer *ans, const struct emoji_term *terms,
    size_t nterms);

#endif
