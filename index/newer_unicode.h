/*
 * newer_unicode.h: the characters that are newer than the system ICU's
 * Unicode version, compiled in from index/unicode/ucd.txt by
 * gen_unicode_table.py.  Private to the cfindex library (and its tests).
 *
 * ICU stays the source for every character it knows; this table holds
 * only what Unicode assigned after ICU's version, so the two never
 * overlap.  On an ICU as new as the data, the table is empty.
 */
#ifndef NEWER_UNICODE_H
#define NEWER_UNICODE_H

#include <stddef.h>
#include <stdint.h>

/* Emoji properties of a character (ucd.txt's letters E P M B C X). */
enum {
	NEWER_EMOJI = 1 << 0,
	NEWER_EMOJI_PRESENTATION = 1 << 1,
	NEWER_EMOJI_MODIFIER = 1 << 2,
	NEWER_EMOJI_MODIFIER_BASE = 1 << 3,
	NEWER_EMOJI_COMPONENT = 1 << 4,
	NEWER_EXTENDED_PICTOGRAPHIC = 1 << 5,
};

/*
 * The strings are offsets into newer_text, not pointers: a pointer would
 * cost a run-time relocation each, thousands of them at every start.
 */
struct newer_alias {
	uint32_t alias;
	uint32_t type;		/* "correction", "control", ... */
	uint8_t len;
};

/*
 * One line of ucd.txt: a character, or a range lo..hi of characters named
 * by rule NR2 (the name's prefix, then the code point in hex).
 */
struct newer_char {
	uint32_t lo, hi;
	uint32_t name;		/* the name, or the range's prefix */
	uint32_t age;		/* "16.0" */
	uint32_t block;		/* long value names, as ICU's */
	uint32_t script;
	uint16_t first_alias;	/* in newer_aliases */
	uint8_t naliases;
	uint8_t namelen;
	uint8_t gc;		/* UCharCategory */
	uint8_t flags;		/* NEWER_EMOJI ... */
};

/* A block added after the baseline, for its unassigned code points too. */
struct newer_block {
	uint32_t lo, hi;
	uint32_t name;
};

/* The table, in code point order (unicode_table.h, made at build time). */
extern const char newer_text[];
extern const struct newer_char newer_chars[];
extern const size_t newer_nchars;
extern const struct newer_alias newer_aliases[];
extern const struct newer_block newer_blocks[];
extern const size_t newer_nblocks;

/* The Unicode version of the names: the table's, or ICU's when newer. */
extern const char newer_names_version[];

/* The table's line for cp, or NULL. */
const struct newer_char *cf_newer_find(uint32_t cp);

/*
 * The name of code point cp of line c, NUL-terminated in buf (size bytes,
 * at least 128), and its length.
 */
size_t cf_newer_name(const struct newer_char *c, uint32_t cp, char *buf,
    size_t size);

/* The block that ICU does not know for cp, or NULL. */
const char *cf_newer_block(uint32_t cp);

#endif
