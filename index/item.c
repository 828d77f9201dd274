/*
 * item.c: an answer line by line, taken apart into its fields.
 *
 * A line is "LABEL\tTEXT\tNAME[ (alias ALIAS)]\r\n"; the label of a single
 * code point is padded to 7 columns.  Only a character's line can carry an
 * alias: emoji names may have parentheses ("flag: Myanmar (Burma)"), but
 * never " (alias ".
 */
#include <string.h>

#include "cf_emoji.h"
#include "emoji_private.h"

#define ALIAS_OPEN	" (alias "

/* NAME or NAME (alias ALIAS), which ends at end. */
static void
split_name(struct cf_item *item, const char *end)
{
	const char *open;

	item->name_len = (size_t)(end - item->name);
	item->alias = NULL;
	item->alias_len = 0;
	if (item->name_len == 0 || end[-1] != ')' ||
	    (open = memmem(item->name, item->name_len, ALIAS_OPEN,
	    strlen(ALIAS_OPEN))) == NULL)
		return;
	item->alias = open + strlen(ALIAS_OPEN);
	item->alias_len = (size_t)(end - 1 - item->alias);
	item->name_len = (size_t)(open - item->name);
}

/* An emoji's line: look for the tabs. */
static void
split_emoji_line(struct cf_item *item)
{
	const char *p = item->line, *end = item->line + item->line_len - 2;
	const char *tab = memchr(p, '\t', (size_t)(end - p));

	item->label = p;
	item->label_len = (size_t)(tab - p);
	while (item->label_len > 0 && p[item->label_len - 1] == ' ')
		item->label_len--;	/* padded to 7 columns */
	item->text = tab + 1;
	tab = memchr(item->text, '\t', (size_t)(end - item->text));
	item->text_len = (size_t)(tab - item->text);
	item->name = tab + 1;
	split_name(item, end);
}

/*
 * A character's line, as cf_format_line() lays it out: the label is U+ and
 * its digits, padded to CF_LABEL_COLUMNS, and the text one code point (the
 * character or its stand-in), whose length its lead byte tells.
 */
static void
split_char_line(struct cf_item *item, uint32_t cp)
{
	unsigned char lead;

	item->label = item->line;
	item->label_len = 2 + cf_hex_digits(cp);
	item->text = item->line + (item->label_len < CF_LABEL_COLUMNS ?
	    CF_LABEL_COLUMNS : item->label_len) + 1;
	lead = (unsigned char)item->text[0];
	item->text_len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 :
	    4;
	item->name = item->text + item->text_len + 1;
	split_name(item, item->line + item->line_len - 2);
}

bool
cf_answer_next_item(const struct cf_index *idx, const struct cf_answer *ans,
    struct cf_cursor *cur, size_t limit, struct cf_item *item,
    char buf[CF_LINE_MAX])
{
	const struct emoji_tables *t = &emoji_tables;
	size_t at = cur->item;
	struct cf_piece piece;

	/* a piece of at most one byte holds exactly one line */
	if (!cf_answer_next(idx, ans, cur, limit, 1, &piece, buf))
		return false;
	item->line = piece.data;
	item->line_len = piece.len;
	item->emoji = at < ans->nemoji ? (long)ans->emoji[at] : -1;
	if (item->emoji >= 0) {
		split_emoji_line(item);
		item->cps = t->cps + t->cp_off[item->emoji];
		item->ncps = t->cp_off[item->emoji + 1] -
		    t->cp_off[item->emoji];
	} else {
		item->cp = piece.first_cp;
		split_char_line(item, item->cp);
		item->cps = &item->cp;
		item->ncps = 1;
	}
	return true;
}
