/*
 * region.c: big arrays that never move.
 *
 * A region reserves address space up front and lets the kernel commit pages
 * as they are first written, so an array grows in place without realloc's
 * copies.  The region asks for transparent huge pages: first touches of
 * fresh memory are expensive (very much so in some virtual machines), and
 * one 2 MiB page costs one fault instead of 512.
 */
#include <sys/mman.h>

#include <unistd.h>

#include "index_private.h"

bool
cf_region_reserve(struct cf_region *r, size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	r->base = NULL;
	r->reserved = r->used = 0;
	if (p == MAP_FAILED)
		return false;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE);	/* only a hint */
#endif
	r->base = p;
	r->reserved = bytes;
	return true;
}

void *
cf_region_take(struct cf_region *r, size_t bytes, size_t align)
{
	size_t at = (r->used + align - 1) / align * align;

	if (at > r->reserved || bytes > r->reserved - at)
		return NULL;
	r->used = at + bytes;
	return r->base + at;
}

void
cf_region_trim(struct cf_region *r)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t keep = (r->used + page - 1) / page * page;

	if (keep == 0)
		keep = page;
	if (keep < r->reserved && munmap(r->base + keep,
	    r->reserved - keep) == 0)
		r->reserved = keep;
}

void
cf_region_release(struct cf_region *r)
{
	if (r->base != NULL)
		(void)munmap(r->base, r->reserved);
	r->base = NULL;
	r->reserved = r->used = 0;
}
