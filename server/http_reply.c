/*
 * http_reply.c: see http_reply.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "http_front.h"
#include "http_reply.h"
#include "json_out.h"
#include "server.h"
#include "util.h"
#include "worker.h"

/*
 * Decode s[0 .. len) into out; returns the length, or -1 if an escape is
 * malformed.  libevent's own decoder (evhttp_uridecode) keeps a malformed
 * escape as it is; a query that says %ZZ is refused here instead.
 */
static long
percent_decode(const char *s, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[n++] = ' ';
		else if (s[i] != '%')
			out[n++] = s[i];
		else if (len - i >= 3 && hex_digit(s[i + 1]) >= 0 &&
		    hex_digit(s[i + 2]) >= 0) {
			out[n++] = (char)(hex_digit(s[i + 1]) * 16 +
			    hex_digit(s[i + 2]));
			i += 2;
		} else
			return -1;
	}
	return (long)n;
}

void
http_params_free(struct http_params *p)
{
	free(p->buf);
	p->buf = NULL;
}

int
http_params_parse(const char *query, struct http_params *p, char *err,
    size_t errlen)
{
	static const struct {
		const char *name;
		size_t value, len;
	} known[] = {
#define PARAM(f) { #f, offsetof(struct http_params, f), \
	offsetof(struct http_params, f##_len) }
		PARAM(q), PARAM(limit), PARAM(offset), PARAM(order),
		PARAM(format), PARAM(tones),
#undef PARAM
	};
	size_t qlen = query != NULL ? strlen(query) : 0, at = 0, used = 0;

	memset(p, 0, sizeof(*p));
	if ((p->buf = malloc(qlen + 1)) == NULL) {
		snprintf(err, errlen, "out of memory, try again later");
		return -1;
	}
	while (at < qlen) {
		const char *pair = query + at, *amp = strchr(pair, '&');
		size_t plen = amp != NULL ? (size_t)(amp - pair) : qlen - at;
		const char *eq = memchr(pair, '=', plen);
		size_t nlen = eq != NULL ? (size_t)(eq - pair) : plen;
		long vlen;
		char *value = p->buf + used;

		at += plen + 1;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			const char **v = (const char **)((char *)p +
			    known[k].value);

			if (strlen(known[k].name) != nlen ||
			    memcmp(known[k].name, pair, nlen) != 0)
				continue;
			if (*v != NULL) {
				snprintf(err, errlen, "%s given more than once",
				    known[k].name);
				return -1;
			}
			vlen = eq != NULL ? percent_decode(eq + 1,
			    plen - nlen - 1, value) : 0;
			if (vlen < 0) {
				snprintf(err, errlen, "bad percent-encoding in "
				    "%s", known[k].name);
				return -1;
			}
			value[vlen] = '\0';
			*v = value;
			*(size_t *)((char *)p + known[k].len) = (size_t)vlen;
			used += (size_t)vlen + 1;
		}
	}
	return 0;
}

bool
http_number(const char *s, size_t len, size_t max, size_t *value)
{
	size_t v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*value = v;
	return true;
}

const char *
http_reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case HTTP_TOO_MANY_REQUESTS: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return NULL;	/* evhttp's */
	}
}

/*
 * Date, which evhttp would otherwise make with gmtime() and snprintf() for
 * every answer, as it does Content-Length (with snprintf(): the two were a
 * sixth of a small answer's instructions): here once a second.
 */
static const char *
date_now(struct http_front *h)
{
	struct timeval now;
	struct tm tm;

	if (event_base_gettimeofday_cached(h->worker->base, &now) == -1)
		now.tv_sec = time(NULL);
	if (now.tv_sec != h->date_at && gmtime_r(&now.tv_sec, &tm) != NULL &&
	    evutil_date_rfc1123(h->date, sizeof(h->date), &tm) > 0)
		h->date_at = now.tv_sec;
	return h->date;
}

void
http_add_headers(struct http_front *h, struct evhttp_request *req,
    const char *type)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);

	evhttp_add_header(headers, "Content-Type", type);
	evhttp_add_header(headers, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(headers, "Referrer-Policy", "no-referrer");
	evhttp_add_header(headers, "Date", date_now(h));
	if (h->stopping)
		evhttp_add_header(headers, "Connection", "close");
}

void
http_send(struct http_front *h, struct evhttp_request *req, int code,
    const char *type, struct evbuffer *body)
{
	char len[DECIMAL_MAX + 1];

	http_add_headers(h, req, type);
	/* evhttp adds it otherwise, and leaves it out for HEAD. */
	if (body != NULL &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		*decimal_at(len, evbuffer_get_length(body)) = '\0';
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Length", len);
	}
	evhttp_send_reply(req, code, http_reason(code), body);
}

void
http_error(struct http_front *h, struct evhttp_request *req, int code,
    enum stat_error kind, const char *msg)
{
	struct evbuffer *body = evbuffer_new();
	struct json_out o;

	if (kind < ERROR_KINDS)
		stat_add(&h->worker->stats.errors[kind], 1);
	if (body == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	json_out_start(&o, body);
	json_out_literal(&o, "{\"error\":");
	json_out_string(&o, msg, strlen(msg));
	json_out_literal(&o, "}\n");
	json_out_flush(&o);
	http_send(h, req, code, HTTP_TYPE_JSON, body);
	evbuffer_free(body);
}
