/*
 * heap_glibc.c: see heap.h; the daemon's malloc is glibc's (meson option
 * allocator).
 *
 * Answers are streamed through buffers that are allocated and freed a
 * watermark's worth at a time.  glibc hands the freed top of a thread's
 * heap back to the kernel past 128 KiB (M_TRIM_THRESHOLD), and the next
 * answer faults it in again: a third of the CPU time of large answers.  So
 * each heap keeps up to HEAP_KEEP of free top instead.
 *
 * When a worker has had no client for a while (worker.c), that memory is
 * given back.  malloc_trim() releases the free pages inside every heap,
 * but not the free top of a thread's own heap (an arena other than the
 * main one), which glibc shrinks only when a large block is freed and the
 * top is over the threshold: so the threshold goes to 0 for one such free,
 * made here, and back.  mallopt() is process-wide; another worker that
 * frees meanwhile may give back memory it would have kept, nothing worse.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

#define HEAP_KEEP	(4 * 1024 * 1024)
/* Large enough for glibc to look at the top when it is freed (64 KiB),
 * small enough to come from the heap, not from mmap (128 KiB). */
#define TRIM_BLOCK	(96 * 1024)

void
heap_keep_freed(void)
{
	mallopt(M_TRIM_THRESHOLD, HEAP_KEEP);
	/*
	 * Set glibc's allocator up now, in the main thread.  Under a
	 * sanitizer, which brings its own malloc and mallopt, a worker's
	 * malloc_trim() would otherwise be glibc's first call: its set-up
	 * then adopts the main arena for that thread without counting it,
	 * and when two workers trim at once, the second to exit fails an
	 * assertion in glibc ("a->attached_threads > 0", seen in CI).
	 * Without a sanitizer it is set up already and this trims nothing.
	 */
	malloc_trim(0);
}

void
heap_give_back(void)
{
	void *p;

	mallopt(M_TRIM_THRESHOLD, 0);
	if ((p = malloc(TRIM_BLOCK)) != NULL) {
		memset(p, 0, 1);	/* a block the compiler cannot drop */
		free(p);
	}
	mallopt(M_TRIM_THRESHOLD, HEAP_KEEP);
	malloc_trim(0);
}
