/*
 * line_classify.c: what a received line is, before anything is looked up.
 */
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "cf_query.h"
#include "index_private.h"

bool
cf_is_space(UChar32 c)
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

enum cf_line_kind
cf_line_classify(const char *line, size_t len, const char **text,
    size_t *textlen)
{
	int32_t start = 0, end, i, prev;
	UChar32 c, first;

	*text = line;
	*textlen = len;
	if (!is_valid_utf8(line, len))
		return CF_LINE_BAD_UTF8;

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
		return CF_LINE_EMPTY;

	i = start;
	U8_NEXT_UNSAFE(line, i, first);
	if (first < 0x20 || first == 0x7F)
		return CF_LINE_LEAVE;
	for (i = start; i < end;) {
		U8_NEXT_UNSAFE(line, i, c);
		if (c != '\t' && u_charType(c) == U_CONTROL_CHAR)
			return CF_LINE_CONTROL;
	}
	if (first == '/' && end - start > 1 &&
	    ((line[start + 1] >= 'a' && line[start + 1] <= 'z') ||
	    (line[start + 1] >= 'A' && line[start + 1] <= 'Z')))
		return CF_LINE_COMMAND;
	return CF_LINE_QUERY;
}
