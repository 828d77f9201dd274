/*
 * http_conn.c: HTTP connections beside evhttp's (see http_conn.h).
 *
 * evhttp 2.1 has no hook for a new connection, only one that makes its
 * bufferevent (evhttp_set_bevcb), called during evhttp's accept, before
 * the connection object exists.  So the bufferevent is made here, kept
 * (a reference) in a list of pending ones, and adopted by an event that
 * runs right after the accept callback returns, before any byte of the
 * connection can be read: its callback argument is then evhttp's
 * connection, which gets our close callback.  A bufferevent whose
 * connection evhttp failed to set up has lost its callbacks by then and is
 * only let go.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "http_front.h"
#include "log.h"
#include "server.h"

static const char *const state_names[] = {
	[HTTP_IDLE] = "idle",
	[HTTP_RECEIVING] = "request not complete",
	[HTTP_RESPONDING] = "nothing read",
};

static const char *
plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

/* The deadline of the state: 0 for none. */
static unsigned
state_timeout(const struct http_conn *hc)
{
	const struct options *opts = hc->front->server->opts;

	switch (hc->state) {
	case HTTP_IDLE:
		return opts->idle_timeout;
	case HTTP_RECEIVING:
		return opts->http_timeout;
	case HTTP_RESPONDING:
		return opts->write_timeout;
	}
	return 0;
}

static void
http_conn_set_state(struct http_conn *hc, enum http_state state)
{
	struct timeval tv = { 0, 0 };

	hc->state = state;
	tv.tv_sec = state_timeout(hc);
	if (tv.tv_sec > 0)
		evtimer_add(hc->deadline, &tv);
	else
		evtimer_del(hc->deadline);
}

/*
 * evhttp stops reading the socket while it answers a request, and reads
 * again once the answer is written.  In one turn of the loop libevent
 * nets the two out to an EPOLL_CTL_MOD that changes nothing: a system call
 * per request (the ioctl before each read is the other it costs us, and
 * cannot be helped).  This second, persistent read event on the socket
 * keeps it in epoll's read set, so evhttp's pair never reaches the
 * kernel.  It does nothing when the socket is readable, but step aside
 * until the answer is written when it would keep the loop busy for
 * nothing: evhttp is not reading the socket (an answer is on its way, or
 * the input is full), or a long answer is being sent, whose events are at
 * a lower priority than this one and would never run while it fires (an
 * end of file in the middle of the answer spun the loop).
 */
static void
keep_reading_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *hc = arg;

	(void)fd;
	(void)what;
	if (hc->stream != NULL ||
	    !(bufferevent_get_enabled(hc->bev) & EV_READ) ||
	    evbuffer_get_length(bufferevent_get_input(hc->bev)) >=
	    HTTP_READ_HIGH_WATERMARK)
		event_del(hc->keep_reading);
}

/* The answer is written: wait for the next request (it may have begun). */
static void
answered_cb(struct evhttp_request *req, void *arg)
{
	struct http_conn *hc = arg;

	(void)req;
	if (hc->keep_reading != NULL)
		event_add(hc->keep_reading, NULL);	/* if it stepped aside */
	http_conn_set_state(hc, evbuffer_get_length(bufferevent_get_input(
	    hc->bev)) > 0 ? HTTP_RECEIVING : HTTP_IDLE);
}

/*
 * Write the answer the request callback has just queued.  evhttp writes
 * only once epoll says the socket is writable: an epoll_ctl to ask, a turn
 * of the loop, and an epoll_ctl to stop asking, for every request, when the
 * socket nearly always has room.  This runs in the same turn, at the
 * priority of reading, so the write event evhttp asks for and takes back
 * never reaches the kernel (worker_base() batches epoll changes).  What
 * the kernel does not take, libevent writes as always; when it takes it
 * all, evhttp learns it as from libevent, by the write callback, which
 * may free the connection.  A long answer keeps its own pace.
 */
static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *hc = arg;
	struct evbuffer *out = bufferevent_get_output(hc->bev);

	(void)fd;
	(void)what;
	if (hc->stream != NULL || evbuffer_get_length(out) == 0)
		return;
	if (evbuffer_write(out, bufferevent_getfd(hc->bev)) > 0 &&
	    evbuffer_get_length(out) == 0)
		bufferevent_trigger(hc->bev, EV_WRITE, 0);	/* may free hc */
}

void
http_conn_responding(struct http_conn *hc, struct evhttp_request *req)
{
	http_conn_set_state(hc, HTTP_RESPONDING);
	evhttp_request_set_on_complete_cb(req, answered_cb, hc);
	event_active(hc->flush, EV_WRITE, 0);
}

void
http_conn_progress(struct http_conn *hc)
{
	http_conn_set_state(hc, HTTP_RESPONDING);
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *hc = arg;
	unsigned timeout = state_timeout(hc);

	(void)fd;
	(void)what;
	log_info("%s: %s for %u second%s, closing", hc->peer.name,
	    state_names[hc->state], timeout, plural(timeout));
	evhttp_connection_free(hc->evcon);	/* calls close_cb: hc is gone */
}

/* Bytes came in: a request has begun.  Other changes are evhttp's. */
static void
input_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct http_conn *hc = arg;

	(void)buf;
	if (info->n_added > 0 && hc->state == HTTP_IDLE)
		http_conn_set_state(hc, HTTP_RECEIVING);
}

static void
http_conn_free(struct http_conn *hc)
{
	if (hc->deadline != NULL)
		event_free(hc->deadline);
	if (hc->flush != NULL)
		event_free(hc->flush);
	if (hc->keep_reading != NULL)
		event_free(hc->keep_reading);	/* before evhttp closes fd */
	free(hc);
}

/* evhttp frees the connection: forget it, give its slot back. */
static void
close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *hc = arg;
	struct http_front *h = hc->front;
	struct server *srv = h->server;
	int fd = bufferevent_getfd(hc->bev);

	(void)evcon;
	log_info("closed %s (http)", hc->peer.name);
	if (hc->stream != NULL)
		http_stream_abort(hc->stream);
	if (fd >= 0 && (size_t)fd < srv->http_conns_len)
		atomic_store_explicit(&srv->http_conns[fd], NULL,
		    memory_order_relaxed);
	LIST_REMOVE(hc, entry);
	if (hc->address_counted)
		server_release_address(srv, &hc->peer.addr);
	if (hc->counted)
		server_release_slot(srv);
	worker_http_closed(h->worker);
	http_conn_free(hc);
}

struct bufferevent *
http_conn_bev(struct event_base *base, void *arg)
{
	struct http_front *h = arg;
	struct http_conn *hc, **pending;
	struct bufferevent *bev;

	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;	/* evhttp tries to make one of its own */
	if (h->npending == h->pending_cap) {
		size_t cap = h->pending_cap > 0 ? 2 * h->pending_cap : 16;

		if ((pending = realloc(h->pending, cap * sizeof(*pending))) ==
		    NULL)
			goto nomem;
		h->pending = pending;
		h->pending_cap = cap;
	}
	if ((hc = calloc(1, sizeof(*hc))) == NULL ||
	    (hc->deadline = evtimer_new(base, deadline_cb, hc)) == NULL ||
	    (hc->flush = event_new(base, -1, 0, flush_cb, hc)) == NULL ||
	    event_priority_set(hc->flush, PRIORITY_NORMAL) == -1) {
		if (hc != NULL)
			http_conn_free(hc);
		goto nomem;
	}
	hc->front = h;
	hc->bev = bev;
	bufferevent_incref(bev);	/* until adopted, whatever evhttp does */
	h->pending[h->npending++] = hc;
	event_active(h->adopt_event, EV_TIMEOUT, 0);
	return bev;
nomem:
	log_warnx("%s: out of memory", __func__);
	bufferevent_free(bev);
	return NULL;
}

/* Take on one connection evhttp has made; false if it has none. */
static bool
adopt(struct http_front *h, struct http_conn *hc)
{
	struct server *srv = h->server;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	void *evcon;
	int fd;

	bufferevent_getcb(hc->bev, NULL, NULL, NULL, &evcon);
	fd = bufferevent_getfd(hc->bev);
	if (evcon == NULL || fd < 0)
		return false;
	hc->evcon = evcon;
	if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == -1)
		memset(&ss, 0, sizeof(ss));
	peer_set(&hc->peer, (struct sockaddr *)&ss, sslen);
	evhttp_connection_set_closecb(hc->evcon, close_cb, hc);
	if ((size_t)fd < srv->http_conns_len)
		atomic_store_explicit(&srv->http_conns[fd], hc,
		    memory_order_relaxed);
	/* Over a limit: the first request is answered 503 or 429. */
	if (!(hc->counted = server_take_slot(srv)))
		atomic_fetch_add(&srv->conns_refused, 1);
	else if (!(hc->proxy = options_trusted_proxy(srv->opts,
	    &hc->peer.addr)))
		hc->address_counted = server_take_address(srv,
		    &hc->peer.addr, NULL);
	LIST_INSERT_HEAD(&h->conns, hc, entry);
	worker_http_opened(h->worker);
	evbuffer_add_cb(bufferevent_get_input(hc->bev), input_cb, hc);
	/* Pipelined requests wait in the kernel while one is answered. */
	bufferevent_setwatermark(hc->bev, EV_READ, 0, HTTP_READ_HIGH_WATERMARK);
	/* Without it (out of memory) all works, one system call slower. */
	hc->keep_reading = event_new(h->worker->base, fd, EV_READ | EV_PERSIST,
	    keep_reading_cb, hc);
	if (hc->keep_reading != NULL &&
	    event_priority_set(hc->keep_reading, PRIORITY_NORMAL) == 0)
		event_add(hc->keep_reading, NULL);
	http_conn_set_state(hc, HTTP_IDLE);
	log_info("connection from %s (http)", hc->peer.name);
	return true;
}

void
http_conns_adopt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_front *h = arg;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < h->npending; i++) {
		struct http_conn *hc = h->pending[i];
		struct bufferevent *bev = hc->bev;

		if (!adopt(h, hc))
			http_conn_free(hc);
		bufferevent_decref(bev);
	}
	h->npending = 0;
}

struct http_conn *
http_conn_of(struct http_front *h, struct evhttp_request *req)
{
	struct server *srv = h->server;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	int fd;

	if (evcon == NULL)
		return NULL;
	fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
	if (fd < 0 || (size_t)fd >= srv->http_conns_len)
		return NULL;
	return atomic_load_explicit(&srv->http_conns[fd],
	    memory_order_relaxed);
}

void
http_conns_close_idle(struct http_front *h)
{
	struct http_conn *hc, *next;

	for (hc = LIST_FIRST(&h->conns); hc != NULL; hc = next) {
		next = LIST_NEXT(hc, entry);
		if (hc->state == HTTP_IDLE)
			evhttp_connection_free(hc->evcon);	/* frees hc */
	}
}
