/*
 * cf_charinfo.h: what there is to know about one code point, for the HTTP
 * /char endpoint.
 *
 * ICU answers for every character it knows; a character Unicode assigned
 * after ICU's version is answered from the table compiled in from
 * index/unicode/ucd.txt, so every code point is described as of the
 * names' Unicode version (cf_names_unicode_version()).  Nothing is
 * allocated: the strings are static, or in the info struct itself.
 */
#ifndef CF_CHARINFO_H
#define CF_CHARINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cf_index.h"

/* More formal aliases than any code point has (U+FEFF has three). */
#define CF_CHAR_ALIASES_MAX 8

struct cf_char_alias {
	const char *alias;	/* "NBSP" */
	const char *type;	/* "correction", "control", "alternate",
				   "figment" or "abbreviation" */
};

struct cf_char_info {
	uint32_t cp;
	/* The name, or NULL when the code point has none. */
	const char *name;
	/* The name, or ICU's label: "<unassigned-0378>", "<control-0007>". */
	const char *label;
	/* Formal aliases: ICU's correction first, then NameAliases.txt's. */
	struct cf_char_alias aliases[CF_CHAR_ALIASES_MAX];
	size_t naliases;
	const char *gc;		/* "So" */
	const char *gc_name;	/* "Other_Symbol" */
	const char *block;	/* "Miscellaneous_Symbols", or "No_Block" */
	const char *script;	/* "Common", or "Unknown" */
	const char *age;	/* "16.0", when it was assigned; or NULL */
	bool emoji;		/* the Emoji property */
	bool newer;		/* answered from the table, not from ICU */

	/* Storage the pointers above may point into. */
	char name_buf[CF_LINE_MAX];
	char correction_buf[CF_LINE_MAX];
	char age_buf[24];
};

/*
 * Describe code point cp (0 .. 0x10FFFF) into info.  Returns false, info
 * untouched, when cp is out of range.
 */
bool cf_char_info(const struct cf_index *idx, uint32_t cp,
    struct cf_char_info *info);

#endif
