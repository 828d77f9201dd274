/*
 * http_conn.h: one HTTP client connection, as the daemon tracks it beside
 * evhttp's own connection object.
 *
 * evhttp reads, parses and writes; this adds what evhttp 2.1 lacks: the
 * connection counts toward the limits, and has one state and one deadline
 * at a time, so that neither a slow sender (slowloris) nor a client that
 * stops reading holds it longer than its timeout:
 *
 *   IDLE ---(first byte)---> RECEIVING ---(request)---> RESPONDING
 *    ^   --idle-timeout        --http-timeout               |
 *    |                                                      |
 *    +----------(answer written; keep-alive)----------------+
 *                                         --write-timeout, from
 *                                           the last progress
 *
 * evhttp frees a connection on its own (end of file, errors, Connection:
 * close); it then calls http_conn's close callback, which frees this.
 * After any call into evhttp that may end the request, the caller must not
 * touch the connection again.
 */
#ifndef HTTP_CONN_H
#define HTTP_CONN_H

#include <stdbool.h>
#include <sys/queue.h>

#include "util.h"

enum http_state {
	HTTP_IDLE,		/* waiting for a request */
	HTTP_RECEIVING,		/* a request has begun */
	HTTP_RESPONDING,	/* answering; the answer is being written */
};

struct http_front;
struct http_stream;
struct evhttp_connection;
struct evhttp_request;

struct http_conn {
	LIST_ENTRY(http_conn) entry;	/* the front end's list */
	struct http_front *front;
	struct evhttp_connection *evcon;
	struct bufferevent *bev;
	struct event *deadline;
	struct event *flush;		/* writes a queued answer at once */
	struct event *keep_reading;	/* see keep_reading_cb() */
	enum http_state state;
	bool counted;			/* holds a client slot */
	bool proxy;			/* a --proxy-from source */
	bool address_counted;		/* holds a slot of its address */
	struct peer peer;
	struct http_stream *stream;	/* a long answer being sent */
};

/* The connection a request came on (NULL if it is not one of ours). */
struct http_conn *http_conn_of(struct http_front *h,
    struct evhttp_request *req);
/* A request has arrived: the answer begins, and is written as soon as the
 * request callback has queued it. */
void http_conn_responding(struct http_conn *hc, struct evhttp_request *req);
/* The answer made progress: its write deadline starts again. */
void http_conn_progress(struct http_conn *hc);

#endif
