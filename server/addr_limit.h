/*
 * addr_limit.h: clients at once from one address
 * (--max-connections-per-address), for both front ends and every thread,
 * and the worker an address's telnet clients are placed from (its home,
 * listener.c).  An IPv4 client is counted by its address, an IPv6 one by
 * its /64: a host usually has a whole /64 to itself.
 */
#ifndef ADDR_LIMIT_H
#define ADDR_LIMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct addr_limit;

/* Where a telnet client goes among the workers. */
struct addr_place {
	unsigned home;		/* in: the home if the address has none */
	size_t nth;		/* out: telnet clients placed before it */
};

/* A table for up to clients addresses, each with at most max clients
 * (0: no limit).  NULL when out of memory. */
struct addr_limit *addr_limit_new(size_t max, size_t clients);
void addr_limit_free(struct addr_limit *l);

/*
 * Count one more client from a; false (nothing counted) at the limit.
 * With place, a telnet client's: place->home becomes the address's home,
 * set to the given one while the address had no telnet client counted.
 * An address forgotten (no client left) gets a new home next time.
 */
bool addr_limit_take(struct addr_limit *l, const union inet_addr *a,
    struct addr_place *place);
/* A client that addr_limit_take() counted has gone. */
void addr_limit_give(struct addr_limit *l, const union inet_addr *a);

#endif
