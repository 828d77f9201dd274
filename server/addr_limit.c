/*
 * addr_limit.c: see addr_limit.h.  An open-addressing hash table (linear
 * probing, deletion by shifting back) under one mutex: a lookup per
 * connection, never per query, so the lock is held a few hundred
 * nanoseconds per client.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr_limit.h"

/* A slot's home while no telnet client of its address has come. */
#define ADDR_NO_HOME	UINT_MAX

struct key {
	uint64_t net;		/* IPv4 address, or IPv6 /64 */
	uint64_t family;	/* 4 or 6; 0: a free slot */
};

struct slot {
	struct key key;
	size_t count;
	unsigned home;		/* ADDR_NO_HOME until a telnet client came */
	size_t placed;		/* telnet clients placed since */
};

struct addr_limit {
	pthread_mutex_t lock;
	size_t max;
	size_t mask;		/* slots - 1, a power of 2 minus 1 */
	struct slot *slots;
};

static struct key
key_of(const union inet_addr *a)
{
	struct key k = { 0, 0 };

	if (a->sa.sa_family == AF_INET) {
		k.net = a->sin.sin_addr.s_addr;
		k.family = 4;
	} else if (a->sa.sa_family == AF_INET6) {
		memcpy(&k.net, a->sin6.sin6_addr.s6_addr, 8);
		k.family = 6;
	}
	return k;
}

static size_t
hash(struct key k)
{
	uint64_t h = (k.net ^ k.family * 0x9E3779B97F4A7C15u) *
	    0xBF58476D1CE4E5B9u;

	return (size_t)(h ^ h >> 31);
}

/* The slot of k, or the free slot where it would go. */
static size_t
find(const struct addr_limit *l, struct key k)
{
	size_t i = hash(k) & l->mask;

	while (l->slots[i].key.family != 0 &&
	    (l->slots[i].key.net != k.net || l->slots[i].key.family !=
	    k.family))
		i = (i + 1) & l->mask;
	return i;
}

/* Empty slot i and move back the entries probing past it. */
static void
remove_at(struct addr_limit *l, size_t i)
{
	size_t j = i;

	for (;;) {
		size_t home;

		l->slots[i].key.family = 0;
		do {
			j = (j + 1) & l->mask;
			if (l->slots[j].key.family == 0)
				return;
			home = hash(l->slots[j].key) & l->mask;
		} while (i <= j ? i < home && home <= j :
		    i < home || home <= j);
		l->slots[i] = l->slots[j];
		i = j;
	}
}

struct addr_limit *
addr_limit_new(size_t max, size_t clients)
{
	struct addr_limit *l = calloc(1, sizeof(*l));
	size_t slots = 16;

	if (l == NULL)
		return NULL;
	/* At most half full: one address per client at worst. */
	while (slots < 2 * clients)
		slots *= 2;
	if ((l->slots = calloc(slots, sizeof(*l->slots))) == NULL) {
		free(l);
		return NULL;
	}
	l->max = max;
	l->mask = slots - 1;
	pthread_mutex_init(&l->lock, NULL);
	return l;
}

void
addr_limit_free(struct addr_limit *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->slots);
	free(l);
}

bool
addr_limit_take(struct addr_limit *l, const union inet_addr *a,
    struct addr_place *place)
{
	struct key k = key_of(a);
	struct slot *s;
	bool taken = false;
	size_t i;

	if (k.family == 0) {	/* not IP: no limit, placed as if new */
		if (place != NULL)
			place->nth = 0;
		return true;
	}
	pthread_mutex_lock(&l->lock);
	i = find(l, k);
	s = &l->slots[i];
	if (s->key.family == 0) {
		s->key = k;
		s->count = 0;
		s->home = ADDR_NO_HOME;
		s->placed = 0;
	}
	if (l->max == 0 || s->count < l->max) {
		s->count++;
		taken = true;
		if (place != NULL) {
			if (s->home == ADDR_NO_HOME)
				s->home = place->home;
			place->home = s->home;
			place->nth = s->placed++;
		}
	} else if (s->count == 0)
		remove_at(l, i);
	pthread_mutex_unlock(&l->lock);
	return taken;
}

void
addr_limit_give(struct addr_limit *l, const union inet_addr *a)
{
	struct key k = key_of(a);
	size_t i;

	if (k.family == 0)
		return;
	pthread_mutex_lock(&l->lock);
	i = find(l, k);
	if (l->slots[i].key.family != 0 && --l->slots[i].count == 0)
		remove_at(l, i);
	pthread_mutex_unlock(&l->lock);
}
