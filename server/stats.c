/*
 * stats.c: see stats.h.
 */
#include <string.h>

#include "server.h"
#include "stats.h"

void
stat_latency(struct worker_stats *s, uint64_t us)
{
	static const uint64_t bounds[] = STAT_LATENCY_BOUNDS_US;
	size_t b = 0;

	while (b < sizeof(bounds) / sizeof(bounds[0]) && us > bounds[b])
		b++;
	stat_add(&s->latency[b], 1);
	atomic_store_explicit(&s->latency_sum_us, atomic_load_explicit(
	    &s->latency_sum_us, memory_order_relaxed) + us,
	    memory_order_relaxed);
}

void
stats_total(const struct server *srv, struct stats_total *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < srv->nworkers; i++) {
		const struct worker_stats *s = &srv->workers[i].stats;

		for (size_t k = 0; k < CF_FORM_COUNT; k++) {
			t->queries[k] += stat_get(&s->queries[k]);
			t->queries_all += stat_get(&s->queries[k]);
		}
		for (size_t k = 0; k < ERROR_KINDS; k++)
			t->errors[k] += stat_get(&s->errors[k]);
		for (size_t k = 0; k < STAT_LATENCY_BUCKETS; k++)
			t->latency[k] += stat_get(&s->latency[k]);
		t->latency_sum_us += atomic_load_explicit(&s->latency_sum_us,
		    memory_order_relaxed);
		t->result_lines += stat_get(&s->result_lines);
		t->bytes_out += stat_get(&s->bytes_out);
		t->http_conns += stat_get(&s->http_conns);
		t->telnet_now += stat_get(&s->telnet_now);
		t->http_now += stat_get(&s->http_now);
	}
}
