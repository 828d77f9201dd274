/*
 * cf_emoji.h: what the index knows about an emoji, for structured answers
 * (the HTTP JSON) and /char.
 *
 * The emoji data is compiled in at build time (gen_emoji.py, from
 * index/unicode/): emoji-test.txt's fully-qualified and component
 * sequences, numbered 0 .. cf_emoji_count() - 1 in its order, with CLDR's
 * short names and keywords in the languages of -Demoji_languages.  It is
 * constant: every call is thread-safe, allocates nothing, and returns
 * pointers into the program's data, valid for ever and not NUL-terminated
 * unless said.  An emoji number comes from cf_answer_next_item() (an
 * answer's item) or cf_emoji_find().
 */
#ifndef CF_EMOJI_H
#define CF_EMOJI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "17.0": the Emoji version of emoji-test.txt (NUL-terminated). */
const char *cf_emoji_version(void);

/* How many emoji there are. */
size_t cf_emoji_count(void);

/* Languages compiled in; language 0 is "en".  Codes are NUL-terminated. */
size_t cf_emoji_languages(void);
const char *cf_emoji_language(size_t lang);

struct cf_emoji_info {
	const uint32_t *cps;	/* the sequence, U+FE0F included */
	size_t ncps;
	const char *text;	/* the emoji, UTF-8 */
	size_t text_len;
	const char *name;	/* English, emoji-test.txt's: "thumbs up" */
	size_t name_len;
	const char *group;	/* "People & Body" */
	size_t group_len;
	const char *subgroup;	/* "hand-fingers-closed" */
	size_t subgroup_len;
	long base;		/* the emoji it is a skin-tone variant of,
				   or itself */
};

/* Emoji e; false (and nothing filled) when there is no such emoji. */
bool cf_emoji_info(long e, struct cf_emoji_info *info);

struct cf_emoji_annotation {
	const char *lang;	/* "ko", NUL-terminated */
	const char *tts;	/* CLDR's short name; empty when it has none */
	size_t tts_len;
	const char *keywords;	/* CLDR's keywords joined by '|', or empty */
	size_t keywords_len;
};

/* Emoji e in language lang; false when either does not exist. */
bool cf_emoji_annotation(long e, size_t lang, struct cf_emoji_annotation *a);

/*
 * The next keyword of a '|'-joined list: *p walks from keywords to end.
 * Returns false at the end.
 */
bool cf_emoji_next_keyword(const char **p, const char *end,
    const char **keyword, size_t *len);

/*
 * The emoji whose sequence is cps[0 .. n), U+FE0F anywhere or nowhere
 * (U+263A finds ☺️, U+263A U+FE0F too), or -1.  For /char/U+1F600.
 */
long cf_emoji_find(const uint32_t *cps, size_t n);

#endif
