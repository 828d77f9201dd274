/*
 * fuzz_repr.c: Python repr() quoting and the status line.
 *
 * For valid UTF-8 input (anything else is skipped: the server never quotes
 * it), cf_repr() must stay within CF_REPR_MAX, write only printable ASCII
 * and printable characters left as they are, choose the quotes as Python
 * does, and read back, unescaped, as the input.  cf_status_line() must stay
 * within CF_STATUS_MAX and be one line that quotes the query.
 */
#include <stdbool.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "cf_repr.h"
#include "fuzz.h"

/* Well-formed UTF-8, byte ranges as in Table 3-7 of the Unicode Standard. */
static bool
is_valid_utf8(const uint8_t *s, size_t len)
{
	static const struct {
		uint8_t lead_lo, lead_hi, second_lo, second_hi, length;
	} forms[] = {
		{ 0x00, 0x7F, 0, 0, 1 },
		{ 0xC2, 0xDF, 0x80, 0xBF, 2 },
		{ 0xE0, 0xE0, 0xA0, 0xBF, 3 },
		{ 0xE1, 0xEC, 0x80, 0xBF, 3 },
		{ 0xED, 0xED, 0x80, 0x9F, 3 },
		{ 0xEE, 0xEF, 0x80, 0xBF, 3 },
		{ 0xF0, 0xF0, 0x90, 0xBF, 4 },
		{ 0xF1, 0xF3, 0x80, 0xBF, 4 },
		{ 0xF4, 0xF4, 0x80, 0x8F, 4 },
	};
	size_t i = 0;

	while (i < len) {
		size_t f, k;

		for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
			if (s[i] >= forms[f].lead_lo && s[i] <= forms[f].lead_hi)
				break;
		if (f == sizeof(forms) / sizeof(forms[0]) ||
		    len - i < forms[f].length)
			return false;
		for (k = 1; k < forms[f].length; k++) {
			uint8_t lo = k == 1 ? forms[f].second_lo : 0x80;
			uint8_t hi = k == 1 ? forms[f].second_hi : 0xBF;

			if (s[i + k] < lo || s[i + k] > hi)
				return false;
		}
		i += forms[f].length;
	}
	return true;
}

/*
 * Python's str.isprintable() for one character, in Python's words:
 * "Nonprintable characters are those characters defined in the Unicode
 * character database as 'Other' or 'Separator', excepting the ASCII
 * space", that is the general categories below (CPython's
 * makeunicodedata.py), by ICU's short names.
 */
static bool
is_printable(UChar32 c)
{
	static const char *const python_nonprintable[] = {
		"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs",
	};
	const char *category;

	if (c == ' ')
		return true;
	category = u_getPropertyValueName(UCHAR_GENERAL_CATEGORY,
	    u_charType(c), U_SHORT_PROPERTY_NAME);
	CHECK(category != NULL);
	for (size_t i = 0; i < sizeof(python_nonprintable) /
	    sizeof(python_nonprintable[0]); i++)
		if (strcmp(category, python_nonprintable[i]) == 0)
			return false;
	return true;
}

static unsigned
hex_value(const char *s, int digits)
{
	unsigned v = 0;

	for (int k = 0; k < digits; k++) {
		char c = s[k];

		CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return v;
}

/*
 * Read back the body of a repr (quotes removed) into out, as Python would
 * read the literal; every byte must be printable ASCII, or part of a
 * printable character left as it is.  Returns the length.
 */
static size_t
unrepr(const char *r, size_t len, char quote, uint8_t *out)
{
	size_t i = 0, o = 0;
	UChar32 c;

	while (i < len) {
		int digits = 0;

		if ((uint8_t)r[i] >= 0x80) {
			int32_t k = (int32_t)i;

			U8_NEXT(r, k, (int32_t)len, c);
			CHECK(c >= 0x80 && is_printable(c));
			memcpy(out + o, r + i, (size_t)k - i);
			o += (size_t)k - i;
			i = (size_t)k;
			continue;
		}
		CHECK(r[i] >= 0x20 && r[i] < 0x7F && r[i] != quote);
		if (r[i] != '\\') {
			out[o++] = (uint8_t)r[i++];
			continue;
		}
		CHECK(i + 1 < len);
		switch (r[i + 1]) {
		case '\\':
		case '\'':
		case '"':
			CHECK(r[i + 1] == '\\' || r[i + 1] == quote);
			out[o++] = (uint8_t)r[i + 1];
			break;
		case 't':
			out[o++] = '\t';
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case 'x':
			digits = 2;
			break;
		case 'u':
			digits = 4;
			break;
		case 'U':
			digits = 8;
			break;
		default:
			CHECK(!"unknown escape");
		}
		i += 2;
		if (digits > 0) {
			CHECK(i + (size_t)digits <= len);
			c = (UChar32)hex_value(r + i, digits);
			CHECK(c <= 0x10FFFF && !is_printable(c));
			CHECK(c != '\t' && c != '\n' && c != '\r');
			/* Python picks the shortest escape. */
			CHECK(digits == (c <= 0xFF ? 2 : c <= 0xFFFF ? 4 : 8));
			U8_APPEND_UNSAFE(out, o, c);
			i += (size_t)digits;
		}
	}
	return o;
}

static void
check_repr(const uint8_t *s, size_t len)
{
	size_t max = CF_REPR_MAX(len), n, back;
	char *r = malloc(max);
	uint8_t *again = malloc(max);
	char quote;

	CHECK(r != NULL && again != NULL);
	n = cf_repr((const char *)s, len, r);
	CHECK(n >= 2 && n <= max);
	/* Single quotes, unless the text has one and no double quote. */
	quote = memchr(s, '\'', len) != NULL && memchr(s, '"', len) == NULL ?
	    '"' : '\'';
	CHECK(r[0] == quote && r[n - 1] == quote);
	back = unrepr(r + 1, n - 2, quote, again);
	CHECK(back == len && memcmp(again, s, len) == 0);
	free(again);
	free(r);
}

static void
check_status_line(const uint8_t *s, size_t len)
{
	size_t max = CF_STATUS_MAX(len), n, rn;
	size_t count = len * 7919 % 100003, shown = count / (1 + len % 3);
	char *line = malloc(max), *r = malloc(CF_REPR_MAX(len));

	CHECK(line != NULL && r != NULL);
	n = cf_status_line(line, (const char *)s, len, count, shown);
	CHECK(n >= 2 && n <= max);
	CHECK(line[n - 2] == '\r' && line[n - 1] == '\n');
	CHECK(memchr(line, '\n', n - 1) == NULL);
	CHECK(memchr(line, '\r', n - 2) == NULL);
	rn = cf_repr((const char *)s, len, r);
	CHECK(memmem(line, n, r, rn) != NULL);
	CHECK((shown < count) ==
	    (n >= 9 && memcmp(line + n - 9, " shown)\r\n", 9) == 0));
	free(r);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!is_valid_utf8(data, size))
		return 0;
	check_repr(data, size);
	check_status_line(data, size);
	return 0;
}
