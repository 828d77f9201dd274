/*
 * protocol.c: see protocol.h.
 */
#include <string.h>

#include "cf_query.h"
#include "protocol.h"

static int
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

enum line_kind
line_classify(const char *line, size_t len, const char **text,
    size_t *textlen)
{
	enum cf_text_kind kind = cf_query_text(line, len, text, textlen);
	unsigned char first;

	switch (kind) {
	case CF_TEXT_EMPTY:
		return LINE_EMPTY;
	case CF_TEXT_BAD_UTF8:
		return LINE_BAD_UTF8;
	case CF_TEXT_CONTROL:
	case CF_TEXT_OK:
		break;
	}
	first = (unsigned char)(*text)[0];
	if (first < 0x20 || first == 0x7F)	/* Ctrl-D then Enter, say */
		return LINE_LEAVE;
	if (kind == CF_TEXT_CONTROL)
		return LINE_CONTROL;
	if (first == '/' && *textlen > 1 && is_letter((*text)[1]))
		return LINE_COMMAND;
	return LINE_QUERY;
}

size_t
line_bom_length(const char *line, size_t len)
{
	static const char bom[] = "\xEF\xBB\xBF";

	return len >= 3 && memcmp(line, bom, 3) == 0 ? 3 : 0;
}
