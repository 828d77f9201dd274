/*
 * http_front.c: a worker's evhttp: its listeners on the HTTP sockets, its
 * limits, and the routes.
 *
 * Every worker listens on the same HTTP sockets (each with an
 * evconnlistener of its own on its own event loop): evhttp only serves
 * connections that its own listener accepted.  The first worker to wake
 * takes a new connection; the others find nothing to accept.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "cf_query.h"
#include "http_front.h"
#include "http_reply.h"
#include "log.h"
#include "server.h"

/* Longest request line and headers (evhttp answers 400 beyond). */
#define HTTP_MAX_HEADERS	(8 * 1024)

/* This worker's HTTP listeners on or off (accept_pause.c). */
static void
listeners_enable(void *arg, bool on)
{
	struct http_front *h = arg;

	for (size_t i = 0; i < h->nlisteners; i++)
		if (on && !h->stopping)
			evconnlistener_enable(h->listeners[i]);
		else
			evconnlistener_disable(h->listeners[i]);
}

static void
accept_error_cb(struct evconnlistener *evl, void *arg)
{
	struct http_front *h = arg;

	(void)evl;
	accept_pause_error(&h->accept_pause);
}

/*
 * The client a load balancer names in X-Forwarded-For: the last address
 * of the last such header, the one it added itself (HAProxy's `option
 * forwardfor` adds a header of its own after any the client sent; the
 * addresses before it, the client could have written).  Trusted from
 * --proxy-from sources only.
 */
static bool
forwarded_for(struct evhttp_request *req, char *buf, size_t len)
{
	const struct evkeyvalq *headers = evhttp_request_get_input_headers(req);
	const struct evkeyval *h;
	const char *xff = NULL, *last;
	unsigned char addr[sizeof(struct in6_addr)];

	/* evhttp_find_header() would give the first one. */
	for (h = headers->tqh_first; h != NULL; h = h->next.tqe_next)
		if (evutil_ascii_strcasecmp(h->key, "X-Forwarded-For") == 0)
			xff = h->value;
	if (xff == NULL)
		return false;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	while (*last == ' ')
		last++;
	if (strlen(last) >= len)
		return false;
	strcpy(buf, last);
	return inet_pton(AF_INET, buf, addr) == 1 ||
	    inet_pton(AF_INET6, buf, addr) == 1;
}

/* -v: the real client of a request through a load balancer; -vv: every
 * request. */
static void
log_request(const struct http_conn *hc, struct evhttp_request *req)
{
	char client[INET6_ADDRSTRLEN];

	if (log_verbosity() < 1)
		return;
	if (hc->proxy && forwarded_for(req, client, sizeof(client)))
		log_info("%s (http): request for %s", hc->peer.name, client);
	log_debug("%s (http): %s", hc->peer.name,
	    evhttp_request_get_uri(req));
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	struct http_front *h = arg;
	struct http_conn *hc = http_conn_of(h, req);
	const char *path;
	enum evhttp_cmd_type method = evhttp_request_get_command(req);

	if (hc == NULL) {	/* not adopted: cannot happen, but be safe */
		http_error(h, req, HTTP_SERVUNAVAIL, ERROR_KINDS, "server "
		    "busy, try again later");
		return;
	}
	accept_pause_ok(&h->accept_pause);
	http_conn_responding(hc, req);
	if (!hc->counted) {
		http_error(h, req, HTTP_SERVUNAVAIL, ERROR_KINDS, "server "
		    "busy, try again later");
		return;
	}
	if (!hc->proxy && !hc->address_counted) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		http_error(h, req, HTTP_TOO_MANY_REQUESTS, ERROR_KINDS,
		    "too many connections from your address");
		return;
	}
	log_request(hc, req);
	if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		http_error(h, req, 405, ERROR_HTTP_METHOD, "only GET and HEAD");
		return;
	}
	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (path == NULL || path[0] == '\0')
		path = "/";
	if (strcmp(path, "/search") == 0)
		http_search(h, hc, req);
	else if (strncmp(path, "/char/", 6) == 0)
		http_char(h, req, path);
	else if (strcmp(path, "/healthz") == 0)
		http_healthz(h, req);
	else if (strcmp(path, "/metrics") == 0)
		http_metrics(h, req);
	else if (!http_page(h, req, path))
		http_error(h, req, HTTP_NOTFOUND, ERROR_HTTP_NOT_FOUND,
		    "no such page");
}

static int
http_front_listen(struct http_front *h)
{
	struct server *srv = h->server;
	size_t n = 0;

	for (size_t i = 0; i < srv->nlisteners; i++)
		n += srv->listeners[i].front == FRONT_HTTP;
	if ((h->listeners = calloc(n, sizeof(*h->listeners))) == NULL)
		return -1;
	for (size_t i = 0; i < srv->nlisteners; i++) {
		struct evconnlistener *evl;

		if (srv->listeners[i].front != FRONT_HTTP)
			continue;
		/* Shared with the other workers: not closed on free. */
		evl = evconnlistener_new(h->worker->base, NULL, NULL,
		    LEV_OPT_CLOSE_ON_EXEC, 0, srv->listeners[i].fd);
		if (evl == NULL)
			return -1;
		evconnlistener_set_error_cb(evl, accept_error_cb);
		if (evhttp_bind_listener(h->http, evl) == NULL) {
			evconnlistener_free(evl);
			return -1;
		}
		h->listeners[h->nlisteners++] = evl;	/* evhttp frees it */
	}
	return 0;
}

struct http_front *
http_front_new(struct worker *w)
{
	struct http_front *h;
	struct event_base *base = w->base;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->worker = w;
	h->server = w->server;
	LIST_INIT(&h->conns);
	h->http = evhttp_new(base);
	h->adopt_event = event_new(base, -1, 0, http_conns_adopt_cb, h);
	h->answer = cf_answer_new();
	if (h->http == NULL || h->adopt_event == NULL || h->answer == NULL ||
	    accept_pause_init(&h->accept_pause, base, "http",
	    listeners_enable, h) == -1) {
		http_front_free(h);
		errno = ENOMEM;
		return NULL;
	}
	evhttp_set_bevcb(h->http, http_conn_bev, h);
	evhttp_set_gencb(h->http, request_cb, h);
	/* Every method reaches request_cb, which answers 405 with Allow:
	 * evhttp's own refusal would be a 501. */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(h->http, HTTP_MAX_HEADERS);
	/* No body: evhttp answers 413 to one before the handler runs. */
	evhttp_set_max_body_size(h->http, 0);
	if (http_front_listen(h) == -1) {
		http_front_free(h);
		return NULL;
	}
	return h;
}

void
http_front_stop(struct http_front *h)
{
	h->stopping = true;
	listeners_enable(h, false);
	accept_pause_cancel(&h->accept_pause);
	http_conns_close_idle(h);
}

void
http_front_free(struct http_front *h)
{
	if (h == NULL)
		return;
	/* evhttp frees its listeners and its connections, calling their
	 * close callbacks. */
	if (h->http != NULL)
		evhttp_free(h->http);
	free(h->listeners);
	if (h->adopt_event != NULL) {
		http_conns_adopt_cb(-1, 0, h);	/* let pending ones go */
		event_free(h->adopt_event);
	}
	accept_pause_free(&h->accept_pause);
	free(h->pending);
	cf_answer_free(h->answer);
	free(h);
}
