/*
 * fuzz.h: the libFuzzer entry points, declared for -Wmissing-prototypes,
 * and the check every target uses.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An invariant that must hold whatever the input; assert() may be off.
 * errno is printed too: it says why a system call in cond failed.
 */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: CHECK failed: %s (errno: %s)\n",	\
		    __FILE__, __LINE__, #cond, strerror(errno));	\
		abort();						\
	}								\
} while (0)

#endif
