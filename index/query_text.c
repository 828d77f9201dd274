/*
 * query_text.c: is a received line fit to be a query, and what is its text
 * once white space is stripped as Python strips it.
 */
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "cf_query.h"
#include "index_private.h"

bool
cf_is_space(int32_t c)
{
	UCharDirection dir;

	if (u_charType(c) == U_SPACE_SEPARATOR)
		return true;
	dir = u_charDirection(c);
	return dir == U_WHITE_SPACE_NEUTRAL || dir == U_BLOCK_SEPARATOR ||
	    dir == U_SEGMENT_SEPARATOR;
}

static bool
is_valid_utf8(const char *s, size_t len)
{
	int32_t i = 0, n = (int32_t)len;
	UChar32 c;

	if (len > INT32_MAX)
		return false;
	while (i < n) {
		U8_NEXT(s, i, n, c);
		if (c < 0)
			return false;
	}
	return true;
}

enum cf_text_kind
cf_query_text(const char *line, size_t len, const char **text,
    size_t *textlen)
{
	int32_t start = 0, end, i, prev;
	UChar32 c;

	*text = line;
	*textlen = len;
	if (!is_valid_utf8(line, len))
		return CF_TEXT_BAD_UTF8;

	/* Strip both ends as Python's str.strip() does. */
	end = (int32_t)len;
	while (start < end) {
		i = start;
		U8_NEXT_UNSAFE(line, i, c);
		if (!cf_is_space(c))
			break;
		start = i;
	}
	while (end > start) {
		prev = end;
		U8_PREV_UNSAFE(line, prev, c);
		if (!cf_is_space(c))
			break;
		end = prev;
	}
	*text = line + start;
	*textlen = (size_t)(end - start);
	if (start == end)
		return CF_TEXT_EMPTY;
	for (i = start; i < end;) {
		U8_NEXT_UNSAFE(line, i, c);
		if (c != '\t' && u_charType(c) == U_CONTROL_CHAR)
			return CF_TEXT_CONTROL;
	}
	return CF_TEXT_OK;
}
