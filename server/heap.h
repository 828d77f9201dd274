/*
 * heap.h: how much freed memory the allocator keeps, and giving it back.
 * Both depend on the malloc the daemon is built with: heap_glibc.c or
 * heap_jemalloc.c is their one home.
 */
#ifndef HEAP_H
#define HEAP_H

/* At start-up, before any thread: keep freed memory for the next answer. */
void heap_keep_freed(void);
/* From a thread with nothing to do: give its freed memory back. */
void heap_give_back(void);

#endif
