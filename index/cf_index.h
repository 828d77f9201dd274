/*
 * cf_index.h: the in-memory Unicode name index.
 *
 * Built once at start-up from ICU's character names, the formal name
 * aliases compiled in at build time, and the characters newer than ICU's
 * Unicode (index/unicode/ucd.txt); read-only afterwards, so any number of
 * threads may query one index at once.  No I/O, no libevent.
 *
 * Every result line ("U+265A \t♚\tBLACK CHESS KING\r\n") is laid out once, at
 * build time, in code point order in one arena: an answer is a list of
 * references into it, and consecutive entries are consecutive bytes.
 */
#ifndef CF_INDEX_H
#define CF_INDEX_H

#include <stddef.h>
#include <stdint.h>

/* Longest result line, CR LF included (longest name + alias + framing). */
#define CF_LINE_MAX 256

#define CF_CODEPOINT_MAX 0x10FFFFu

struct cf_index;

struct cf_index_stats {
	size_t chars;		/* code points that have a line: named or aliased */
	size_t entries;		/* lines: one per name, one per alias */
	size_t words;		/* distinct indexed words */
	size_t arena_bytes;	/* bytes of preformatted result lines */
	size_t heap_bytes;	/* everything the index allocated */
};

/*
 * Build the index.  Returns NULL on failure, with a one-line reason in err
 * (errlen bytes, NUL-terminated).
 */
struct cf_index *cf_index_build(char *err, size_t errlen);
void cf_index_free(struct cf_index *idx);
void cf_index_stats(const struct cf_index *idx, struct cf_index_stats *st);

/* "15.0": the Unicode version of ICU's data (ICU 72). */
const char *cf_icu_unicode_version(void);
/*
 * "17.0": the Unicode version of the names in the index: those of ICU and
 * of the characters Unicode assigned after ICU's version, compiled in from
 * index/unicode/ (ICU's own version when it is as new or newer).
 */
const char *cf_names_unicode_version(void);
/* "72.1": the ICU library the index was built with. */
const char *cf_icu_version(void);

/*
 * The result line that describes one code point (0 .. 0x10FFFF), CR LF
 * included.  Named characters get their preformatted line, which stays valid
 * as long as the index; code points without a name get a descriptive label
 * formatted into buf.  Returns the length; *line points into the index or
 * at buf.
 */
size_t cf_index_describe(const struct cf_index *idx, uint32_t cp,
    const char **line, char buf[CF_LINE_MAX]);

#endif
