/*
 * newer_unicode.c: the table of characters newer than ICU's Unicode
 * version, and look-ups in it.
 */
#include <string.h>

#include "index_private.h"
#include "newer_unicode.h"
#include "unicode_table.h"

const struct newer_char *
cf_newer_find(uint32_t cp)
{
	size_t lo = 0, hi = newer_nchars;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (newer_chars[mid].hi < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < newer_nchars && newer_chars[lo].lo <= cp)
		return &newer_chars[lo];
	return NULL;
}

/* By hand: the index build names thirteen thousand ideographs this way. */
size_t
cf_newer_name(const struct newer_char *c, uint32_t cp, char *buf,
    size_t size)
{
	size_t n = c->namelen;

	if (n > size - 7)
		n = size - 7;	/* never: names are at most 100 bytes */
	memcpy(buf, newer_text + c->name, n);
	if (c->hi > c->lo)
		n = (size_t)(cf_hex_at(buf + n, cp) - buf);
	buf[n] = '\0';
	return n;
}

const char *
cf_newer_block(uint32_t cp)
{
	size_t i;

	for (i = 0; i < newer_nblocks; i++)
		if (newer_blocks[i].lo <= cp && cp <= newer_blocks[i].hi)
			return newer_text + newer_blocks[i].name;
	return NULL;
}
