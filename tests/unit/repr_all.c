/*
 * repr_all: cf_repr() of every code point, for repr_python.py to compare
 * with Python's own repr().  One line per code point: its number in hex,
 * ICU's age of it ("15.0"; "0.0" unassigned), and the quoted text.
 * Surrogates are skipped: they are not UTF-8.
 */
#include <stdio.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "cf_repr.h"

int
main(void)
{
	char in[8], out[CF_REPR_MAX(8)], age[U_MAX_VERSION_STRING_LENGTH];
	UVersionInfo v;

	for (UChar32 c = 0; c <= 0x10FFFF; c++) {
		int32_t len = 0;
		size_t n;

		if (U_IS_SURROGATE(c))
			continue;
		U8_APPEND_UNSAFE(in, len, c);
		n = cf_repr(in, (size_t)len, out);
		u_charAge(c, v);
		u_versionToString(v, age);
		printf("%X %s %.*s\n", (unsigned)c, age, (int)n, out);
	}
	return ferror(stdout) ? 1 : 0;
}
