/*
 * heap_jemalloc.c: see heap.h; the daemon's malloc is jemalloc (meson
 * option allocator).
 *
 * evhttp allocates some forty small blocks per request (the request, its
 * header lists, every header's name and value, the URI's parts): glibc's
 * malloc spent a fifth of a worker's instructions on them, jemalloc's
 * per-thread caches a twentieth.  jemalloc keeps freed pages for the next
 * answer and purges them after a while by itself (dirty_decay_ms), so
 * there is nothing to set at start-up; a worker with nothing to do hands
 * its cache back and has every arena purged at once.
 */
#include <jemalloc/jemalloc.h>

#include "heap.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)

void
heap_keep_freed(void)
{
}

void
heap_give_back(void)
{
	mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	mallctl("arena." XSTR(MALLCTL_ARENAS_ALL) ".purge", NULL, NULL, NULL,
	    0);
}
