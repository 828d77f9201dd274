/*
 * stats.h: what every query and connection bumps, per worker.
 *
 * Each worker's counters are written by its own thread only (a relaxed
 * load and store: no locked instruction, no shared cache line) and read by
 * /stats and /metrics from any thread, which add them up (the shape of
 * memcached's per-thread stats).
 */
#ifndef STATS_H
#define STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cf_query.h"

/* Why a line or a request got an error. */
enum stat_error {
	ERROR_BAD_UTF8,		/* not valid UTF-8 */
	ERROR_CONTROL,		/* a control character in the query */
	ERROR_TOO_LONG,		/* a telnet line over --max-line */
	ERROR_QUERY,		/* the index refused it: a bad U+ token ... */
	ERROR_COMMAND,		/* an unknown or malformed telnet command */
	ERROR_HTTP_REQUEST,	/* a bad parameter, a missing q ... */
	ERROR_HTTP_NOT_FOUND,
	ERROR_HTTP_METHOD,
	ERROR_KINDS,
};

/* Names for /metrics, in enum order. */
#define STAT_ERROR_NAMES { "bad_utf8", "control_character", \
	"line_too_long", "bad_query", "bad_command", "bad_request", \
	"not_found", "method_not_allowed" }
#define STAT_FORM_NAMES { "names", "code_points", "identify", "emoji" }

/*
 * Query latency, from the query to the last byte of its answer handed to
 * the kernel: the upper bounds of the histogram's buckets, in
 * microseconds (Prometheus' "le"), and one more for the rest.
 */
#define STAT_LATENCY_BOUNDS_US { 100, 250, 500, 1000, 2500, 5000, 10000, \
	25000, 50000, 100000, 250000, 500000, 1000000, 2500000 }
#define STAT_LATENCY_BUCKETS	15

struct worker_stats {
	_Alignas(64) atomic_size_t queries[CF_FORM_COUNT];
	atomic_size_t errors[ERROR_KINDS];
	atomic_size_t result_lines;
	atomic_size_t bytes_out;
	atomic_size_t http_conns;	/* HTTP connections taken, ever */
	atomic_size_t telnet_now;	/* connections open now */
	atomic_size_t http_now;
	atomic_size_t latency[STAT_LATENCY_BUCKETS];
	atomic_uint_fast64_t latency_sum_us;
};

/* Add n to a counter of this thread's worker. */
static inline void
stat_add(atomic_size_t *counter, size_t n)
{
	atomic_store_explicit(counter, atomic_load_explicit(counter,
	    memory_order_relaxed) + n, memory_order_relaxed);
}

static inline void
stat_sub(atomic_size_t *counter, size_t n)
{
	atomic_store_explicit(counter, atomic_load_explicit(counter,
	    memory_order_relaxed) - n, memory_order_relaxed);
}

static inline size_t
stat_get(const atomic_size_t *counter)
{
	return atomic_load_explicit(counter, memory_order_relaxed);
}

/* One answered query that took us microseconds. */
void stat_latency(struct worker_stats *s, uint64_t us);

/* Every worker's counters added up. */
struct stats_total {
	size_t queries[CF_FORM_COUNT], queries_all;
	size_t errors[ERROR_KINDS];
	size_t result_lines, bytes_out;
	size_t http_conns, telnet_now, http_now;
	size_t latency[STAT_LATENCY_BUCKETS];
	uint64_t latency_sum_us;
};

struct server;
void stats_total(const struct server *srv, struct stats_total *t);

#endif
