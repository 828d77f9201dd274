/*
 * repr.c: Python's repr() of a str, and the status line that uses it.
 */
#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "cf_repr.h"

/* Python's str.isprintable() for one character. */
static int
is_printable(UChar32 c)
{
	if (c == ' ')
		return 1;
	switch (u_charType(c)) {
	case U_CONTROL_CHAR:
	case U_FORMAT_CHAR:
	case U_SURROGATE:
	case U_PRIVATE_USE_CHAR:
	case U_UNASSIGNED:
	case U_LINE_SEPARATOR:
	case U_PARAGRAPH_SEPARATOR:
	case U_SPACE_SEPARATOR:
		return 0;
	default:
		return 1;
	}
}

static size_t
hex_escape(char *out, char kind, UChar32 c, int digits)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	out[n++] = '\\';
	out[n++] = kind;
	while (digits-- > 0)
		out[n++] = hex[(c >> (4 * digits)) & 0xF];
	return n;
}

size_t
cf_repr(const char *s, size_t len, char *out)
{
	char quote = '\'';
	size_t n = 0;
	int32_t i = 0, start;
	UChar32 c;

	if (memchr(s, '\'', len) != NULL && memchr(s, '"', len) == NULL)
		quote = '"';
	out[n++] = quote;
	while ((size_t)i < len) {
		start = i;
		U8_NEXT(s, i, (int32_t)len, c);
		if (c < 0) {
			/* Outside the contract: show the bytes, not a crash. */
			while (start < i)
				n += hex_escape(out + n, 'x', (uint8_t)s[start++], 2);
		} else if (c == quote || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c == '\t' || c == '\n' || c == '\r') {
			out[n++] = '\\';
			out[n++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
		} else if (c < 0x80 && c >= ' ' && c != 0x7F) {
			out[n++] = (char)c;
		} else if (is_printable(c)) {
			memcpy(out + n, s + start, (size_t)(i - start));
			n += (size_t)(i - start);
		} else if (c <= 0xFF)
			n += hex_escape(out + n, 'x', c, 2);
		else if (c <= 0xFFFF)
			n += hex_escape(out + n, 'u', c, 4);
		else
			n += hex_escape(out + n, 'U', c, 8);
	}
	out[n++] = quote;
	return n;
}

size_t
cf_status_line(char *out, const char *q, size_t qlen, size_t count,
    size_t shown)
{
	size_t n;

	if (count == 0)
		n = (size_t)sprintf(out, "No match for ");
	else if (count == 1)
		n = (size_t)sprintf(out, "1 match for ");
	else
		n = (size_t)sprintf(out, "%zu matches for ", count);
	n += cf_repr(q, qlen, out + n);
	if (shown < count)
		n += (size_t)sprintf(out + n, " (first %zu shown)", shown);
	out[n++] = '\r';
	out[n++] = '\n';
	return n;
}
