/*
 * http_reply.h: what every HTTP answer has in common: headers, errors,
 * and reading the query string.
 */
#ifndef HTTP_REPLY_H
#define HTTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "stats.h"

struct evbuffer;
struct evhttp_request;
struct http_front;

#define HTTP_TYPE_JSON	"application/json; charset=utf-8"
#define HTTP_TYPE_TEXT	"text/plain; charset=utf-8"
#define HTTP_TYPE_HTML	"text/html; charset=utf-8"

/* Add a string literal, its length counted by the compiler. */
#define add_literal(out, s)	evbuffer_add((out), (s), sizeof(s) - 1)

/* Status codes evhttp has no name for. */
#define HTTP_TOO_MANY_REQUESTS	429

/*
 * Send code with body (NULL: none) as type, with the headers every answer
 * has, and Connection: close when the daemon stops.  Ends the request:
 * the connection may be gone afterwards.
 */
void http_send(struct http_front *h, struct evhttp_request *req, int code,
    const char *type, struct evbuffer *body);
/* Headers for the start of a streamed answer (http_send adds them too). */
void http_add_headers(struct http_front *h, struct evhttp_request *req,
    const char *type);
/* {"error":"msg"} with that status, counted as an error of that kind
 * (ERROR_KINDS: none).  Ends the request. */
void http_error(struct http_front *h, struct evhttp_request *req, int code,
    enum stat_error kind, const char *msg);
/* The reason phrase of a status code. */
const char *http_reason(int code);

/* A query string's parameters, percent-decoded ('+' is a space). */
struct http_params {
	const char *q, *limit, *offset, *order, *format, *tones;
	size_t q_len, limit_len, offset_len, order_len, format_len, tones_len;
	char *buf;		/* the decoded values live here */
};

/*
 * Parse a raw query string (NULL: none).  Unknown parameters are ignored;
 * a known one given twice, or a bad percent-encoding, is an error: -1 with
 * the reason in err.  Free with http_params_free().
 */
int http_params_parse(const char *query, struct http_params *p, char *err,
    size_t errlen);
void http_params_free(struct http_params *p);

/* A decimal number in [0, max]; false if it is not one. */
bool http_number(const char *s, size_t len, size_t max, size_t *value);

#endif
