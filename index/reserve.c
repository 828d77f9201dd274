/* reserve.c: growable arrays for the index build and the answers. */
#include <stdint.h>
#include <stdlib.h>

#include "index_private.h"

void *
cf_grow(void *buf, size_t *cap, size_t n, size_t sz)
{
	size_t newcap = *cap > 0 ? *cap : 16;
	void *p;

	if (n <= *cap)
		return buf;
	while (newcap < n) {
		if (newcap > SIZE_MAX / 2)
			return NULL;
		newcap *= 2;
	}
	if (newcap > SIZE_MAX / sz || (p = realloc(buf, newcap * sz)) == NULL)
		return NULL;
	*cap = newcap;
	return p;
}
