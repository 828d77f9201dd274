/*
 * http_metrics.c: GET /metrics, in Prometheus' text exposition format
 * (version 0.0.4): connections by front end, queries by form, errors by
 * kind, what was sent, a query-latency histogram, the index, uptime.
 */
#include <stdarg.h>
#include <stdio.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "cf_index.h"
#include "config.h"
#include "http_front.h"
#include "http_reply.h"
#include "server.h"

#define METRICS_TYPE	"text/plain; version=0.0.4; charset=utf-8"
#define PREFIX		"charfinderd_"

/* "# HELP" and "# TYPE" lines of one metric. */
static void
head(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP " PREFIX "%s %s\n# TYPE " PREFIX
	    "%s %s\n", name, help, name, type);
}

static void __attribute__((format(printf, 3, 4)))
sample(struct evbuffer *out, const char *name, const char *fmt, ...)
{
	va_list ap;

	evbuffer_add_printf(out, PREFIX "%s", name);
	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	add_literal(out, "\n");
}

static void
connections(struct evbuffer *out, const struct server *srv,
    const struct stats_total *t)
{
	head(out, "connections", "gauge", "Client connections open now.");
	sample(out, "connections", "{front=\"telnet\"} %zu", t->telnet_now);
	sample(out, "connections", "{front=\"http\"} %zu", t->http_now);
	head(out, "connections_total", "counter",
	    "Client connections served since the start.");
	sample(out, "connections_total", "{front=\"telnet\"} %zu",
	    atomic_load(&srv->conns_total));
	sample(out, "connections_total", "{front=\"http\"} %zu",
	    t->http_conns);
	head(out, "connections_refused_total", "counter",
	    "Clients turned away: too many clients.");
	sample(out, "connections_refused_total", " %zu",
	    atomic_load(&srv->conns_refused));
	head(out, "connections_limit", "gauge",
	    "Clients at once (--max-connections, fitted under the "
	    "descriptor limit).");
	sample(out, "connections_limit", " %zu", srv->max_connections);
}

static void
queries(struct evbuffer *out, const struct stats_total *t)
{
	static const char *const forms[] = STAT_FORM_NAMES;
	static const char *const kinds[] = STAT_ERROR_NAMES;
	static const uint64_t bounds[] = STAT_LATENCY_BOUNDS_US;
	size_t cumulative = 0;

	head(out, "queries_total", "counter", "Queries answered, by form.");
	for (size_t k = 0; k < CF_FORM_COUNT; k++)
		sample(out, "queries_total", "{form=\"%s\"} %zu", forms[k],
		    t->queries[k]);
	head(out, "errors_total", "counter",
	    "Lines and requests answered with an error, by kind.");
	for (size_t k = 0; k < ERROR_KINDS; k++)
		sample(out, "errors_total", "{kind=\"%s\"} %zu", kinds[k],
		    t->errors[k]);
	head(out, "result_lines_total", "counter", "Result lines sent.");
	sample(out, "result_lines_total", " %zu", t->result_lines);
	head(out, "answer_bytes_total", "counter",
	    "Bytes of answers sent (result lines, status lines, JSON).");
	sample(out, "answer_bytes_total", " %zu", t->bytes_out);
	head(out, "query_duration_seconds", "histogram",
	    "From a query to the last byte of its answer handed to the "
	    "kernel.");
	for (size_t b = 0; b < STAT_LATENCY_BUCKETS; b++) {
		cumulative += t->latency[b];
		if (b < sizeof(bounds) / sizeof(bounds[0]))
			sample(out, "query_duration_seconds_bucket",
			    "{le=\"%g\"} %zu", bounds[b] / 1e6, cumulative);
		else
			sample(out, "query_duration_seconds_bucket",
			    "{le=\"+Inf\"} %zu", cumulative);
	}
	sample(out, "query_duration_seconds_sum", " %.6f",
	    t->latency_sum_us / 1e6);
	sample(out, "query_duration_seconds_count", " %zu", cumulative);
}

static void
index_and_uptime(struct evbuffer *out, const struct server *srv)
{
	struct cf_index_stats ist;

	cf_index_stats(srv->index, &ist);
	head(out, "index_characters", "gauge",
	    "Code points with a name or an alias in the index.");
	sample(out, "index_characters", " %zu", ist.chars);
	head(out, "index_words", "gauge", "Distinct words indexed.");
	sample(out, "index_words", " %zu", ist.words);
	head(out, "index_bytes", "gauge", "Memory the index takes.");
	sample(out, "index_bytes", " %zu", ist.heap_bytes);
	head(out, "index_build_seconds", "gauge",
	    "Time the index took to build at start-up.");
	sample(out, "index_build_seconds", " %.6f", srv->index_build_ms / 1e3);
	head(out, "uptime_seconds", "gauge", "Time since the start.");
	sample(out, "uptime_seconds", " %.3f",
	    (monotonic_ms() - srv->started) / 1e3);
	head(out, "info", "gauge", "Versions: charfinderd, ICU, the Unicode "
	    "of ICU and of the names.");
	sample(out, "info", "{version=\"%s\",icu=\"%s\",icu_unicode=\"%s\","
	    "names_unicode=\"%s\"} 1", CHARFINDERD_VERSION, cf_icu_version(),
	    cf_icu_unicode_version(), cf_names_unicode_version());
}

void
http_metrics(struct http_front *h, struct evhttp_request *req)
{
	struct evbuffer *body = evbuffer_new();
	struct stats_total t;

	if (body == NULL) {
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		return;
	}
	stats_total(h->server, &t);
	connections(body, h->server, &t);
	queries(body, &t);
	index_and_uptime(body, h->server);
	http_send(h, req, 200, METRICS_TYPE, body);
	evbuffer_free(body);
}
