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

static bool
is_valid_utf8(const uint8_t *s, size_t len)
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

/* What Python's str.isprintable() says of one character. */
static bool
is_printable(UChar32 c)
{
	if (c < 0x80)
		return c >= 0x20 && c < 0x7F;
	switch (u_charType(c)) {
	case U_CONTROL_CHAR:
	case U_FORMAT_CHAR:
	case U_SURROGATE:
	case U_PRIVATE_USE_CHAR:
	case U_UNASSIGNED:
	case U_LINE_SEPARATOR:
	case U_PARAGRAPH_SEPARATOR:
	case U_SPACE_SEPARATOR:
		return false;
	default:
		return true;
	}
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
