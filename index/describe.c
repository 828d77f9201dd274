/*
 * describe.c: the result line of one code point.
 *
 * The character column never carries a raw control character or a byte
 * sequence that is not UTF-8, so a terminal shows every line as it is:
 *   C0 controls U+0000..U+001F	-> Control Pictures U+2400..U+241F
 *   DELETE U+007F		-> U+2421 SYMBOL FOR DELETE
 *   C1 controls U+0080..U+009F, surrogates, noncharacters
 *				-> U+FFFD REPLACEMENT CHARACTER
 *   everything else (named characters, private use, unassigned): itself.
 */
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "index_private.h"

static UChar32
stand_in(uint32_t cp)
{
	if (cp < 0x20)
		return 0x2400 + cp;
	if (cp == 0x7F)
		return 0x2421;
	if ((cp >= 0x80 && cp <= 0x9F) || U_IS_SURROGATE(cp) ||
	    U_IS_UNICODE_NONCHAR(cp))
		return 0xFFFD;
	return cp;
}

static size_t
append(char *out, size_t at, const char *s, size_t len)
{
	if (len > CF_LINE_MAX - 2 - at)
		len = CF_LINE_MAX - 2 - at;
	memcpy(out + at, s, len);
	return at + len;
}

char *
cf_hex_at(char *p, uint32_t cp)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t digits = cf_hex_digits(cp); digits-- > 0;)
		*p++ = hex[(cp >> (4 * digits)) & 0xF];
	return p;
}

size_t
cf_format_line(char *out, uint32_t cp, const char *name, size_t namelen,
    const char *alias, size_t aliaslen)
{
	size_t n = 0;
	int32_t at;

	out[n++] = 'U';
	out[n++] = '+';
	n = (size_t)(cf_hex_at(out + n, cp) - out);
	while (n < CF_LABEL_COLUMNS)
		out[n++] = ' ';
	out[n++] = '\t';
	at = (int32_t)n;
	U8_APPEND_UNSAFE(out, at, stand_in(cp));
	n = (size_t)at;
	out[n++] = '\t';
	n = append(out, n, name, namelen);
	if (alias != NULL) {
		n = append(out, n, " (alias ", 8);
		n = append(out, n, alias, aliaslen);
		n = append(out, n, ")", 1);
	}
	out[n++] = '\r';
	out[n++] = '\n';
	return n;
}

long
cf_first_entry(const struct cf_index *idx, uint32_t cp)
{
	size_t lo = 0, hi = idx->nentries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (idx->entry_cp[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < idx->nentries && idx->entry_cp[lo] == cp)
		return (long)lo;
	return -1;
}

size_t
cf_index_describe(const struct cf_index *idx, uint32_t cp, const char **line,
    char buf[CF_LINE_MAX])
{
	char label[CF_LINE_MAX];
	UErrorCode status = U_ZERO_ERROR;
	long e = cf_first_entry(idx, cp);
	int32_t len;

	if (e >= 0) {
		*line = idx->arena + idx->entry_off[e];
		return idx->entry_off[e + 1] - idx->entry_off[e];
	}
	/* "<unassigned-0378>", "<private use area-E000>", ... */
	len = u_charName((UChar32)cp, U_EXTENDED_CHAR_NAME, label,
	    (int32_t)sizeof(label), &status);
	if (U_FAILURE(status) || len < 0)
		len = 0;
	*line = buf;
	return cf_format_line(buf, cp, label, (size_t)len, NULL, 0);
}
