/*
 * http_front.h: what the files of the HTTP front end share (http_front.c,
 * http_conn.c, the handlers).
 */
#ifndef HTTP_FRONT_H
#define HTTP_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>
#include <time.h>

#include "accept_pause.h"
#include "http.h"
#include "http_conn.h"

struct evhttp_request;
struct cf_answer;

/* Output above this: stop adding to a streamed answer (as telnet) ... */
#define HTTP_WRITE_HIGH_WATERMARK	(512 * 1024)
/* ... and go on once it has drained to this. */
#define HTTP_WRITE_LOW_WATERMARK	(128 * 1024)
/* A streamed answer grows by this much a turn (as telnet's, conn.c). */
#define HTTP_TURN_BYTES			(128 * 1024)
/* Input held while a request is answered; past it the kernel holds it. */
#define HTTP_READ_HIGH_WATERMARK	(64 * 1024)

struct http_front {
	struct worker *worker;
	struct server *server;
	struct evhttp *http;
	struct evconnlistener **listeners;
	size_t nlisteners;
	struct accept_pause accept_pause;	/* after EMFILE */
	/* Connections evhttp has just made, adopted after its accept. */
	struct event *adopt_event;
	struct http_conn **pending;
	size_t npending, pending_cap;
	LIST_HEAD(, http_conn) conns;
	struct cf_answer *answer;	/* reused by answers sent at once */
	/* The Date header, made once a second (http_reply.c). */
	time_t date_at;
	char date[32];
	bool stopping;
};

/* http_conn.c: evhttp's hooks for new connections. */
struct bufferevent *http_conn_bev(struct event_base *base, void *arg);
void http_conns_adopt_cb(int fd, short what, void *arg);
/* Close every connection that is not answering (stop). */
void http_conns_close_idle(struct http_front *h);

/* http_search.c: a streamed answer whose connection is going away. */
void http_stream_abort(struct http_stream *st);

/* The handlers: each answers its request. */
void http_search(struct http_front *h, struct http_conn *hc,
    struct evhttp_request *req);
void http_healthz(struct http_front *h, struct evhttp_request *req);
void http_metrics(struct http_front *h, struct evhttp_request *req);
/* The page and its files; false if path is none of them. */
bool http_page(struct http_front *h, struct evhttp_request *req,
    const char *path);
/* path: "/char/" and a code point token */
void http_char(struct http_front *h, struct evhttp_request *req,
    const char *path);

#endif
