/*
 * worker.c: one thread per event loop.  A worker receives accepted sockets
 * from the main thread through a pipe and owns their connections until they
 * close; on stop it lets them flush, for a bounded time, and frees them.
 * When it has had no client for a while it gives its allocator's free
 * memory back to the kernel.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "conn.h"
#include "heap.h"
#include "http.h"
#include "log.h"
#include "server.h"

/* How long a stopping worker lets queued answers flush. */
#define STOP_DEADLINE_SEC	3
/*
 * A worker with no client for this long returns its free heap memory to
 * the kernel (heap.c): after a crowd has left, not between answers, where
 * keeping it is what makes large answers fast.
 */
#define TRIM_AFTER_SEC		1
/* Hand-offs read at once. */
#define HANDOFF_BATCH		64
/* The hand-off pipe's size, if the kernel allows (Linux's default limit
 * for an unprivileged process): 29,000 sockets in flight to a worker. */
#define HANDOFF_PIPE_SIZE	(1 << 20)

static void
worker_loop_end_if_done(struct worker *w)
{
	if (w->stopping && w->nconns == 0)
		event_base_loopbreak(w->base);
}

static void
worker_opened(struct worker *w)
{
	w->nconns++;
	event_del(w->trim_event);
}

/* A connection of either front end has gone. */
static void
worker_closed(struct worker *w)
{
	struct timeval later = { TRIM_AFTER_SEC, 0 };

	w->nconns--;
	if (w->nconns == 0 && !w->stopping)
		evtimer_add(w->trim_event, &later);
	worker_loop_end_if_done(w);
}

void
worker_http_opened(struct worker *w)
{
	worker_opened(w);
	stat_add(&w->stats.http_now, 1);
	stat_add(&w->stats.http_conns, 1);
}

void
worker_http_closed(struct worker *w)
{
	stat_sub(&w->stats.http_now, 1);
	worker_closed(w);
}

/* A socket handed over that will not be served. */
static void
handoff_drop(struct worker *w, const struct handoff *h)
{
	close(h->fd);
	if (h->address_counted)
		server_release_address(w->server, &h->addr);
	server_release_slot(w->server);
}

void
worker_adopt(struct worker *w, const struct handoff *h)
{
	struct conn *c;
	struct peer peer;

	peer_set(&peer, &h->addr.sa, h->addrlen);
	if (w->stopping || (c = conn_new(w, h, &peer)) == NULL) {
		log_warnx("%s: %s: %s", __func__, peer.name, w->stopping ?
		    "stopping" : "out of memory");
		handoff_drop(w, h);
		return;
	}
	LIST_INSERT_HEAD(&w->conns, c, entry);
	worker_opened(w);
	stat_add(&w->stats.telnet_now, 1);
	conn_start(c);		/* may close it at once: c is not used after */
}

void
worker_conn_closed(struct worker *w, struct conn *c)
{
	LIST_REMOVE(c, entry);
	if (c->address_counted)
		server_release_address(w->server, &c->peer.addr);
	server_release_slot(w->server);
	stat_sub(&w->stats.telnet_now, 1);
	worker_closed(w);
}

static void
trim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	if (w->nconns == 0) {
		heap_give_back();
		log_debug("%s: no client for %d s: free memory given back",
		    __func__, TRIM_AFTER_SEC);
	}
}

static void
handoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct handoff h[HANDOFF_BATCH];
	ssize_t n;

	(void)what;
	/* The writer writes whole structs (< PIPE_BUF): reads are whole too. */
	while ((n = read(fd, h, sizeof(h))) > 0)
		for (size_t i = 0; i < (size_t)n / sizeof(h[0]); i++)
			worker_adopt(w, &h[i]);
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct timeval deadline = { STOP_DEADLINE_SEC, 0 };
	struct conn *c, *next;
	uint64_t count;

	(void)what;
	if (read(fd, &count, sizeof(count)) != sizeof(count) || w->stopping)
		return;
	w->stopping = true;
	event_del(w->trim_event);
	evtimer_add(w->deadline_event, &deadline);
	for (c = LIST_FIRST(&w->conns); c != NULL; c = next) {
		next = LIST_NEXT(c, entry);
		conn_shutdown(c);	/* may close c */
	}
	if (w->http != NULL)
		http_front_stop(w->http);
	worker_loop_end_if_done(w);
}

static void
heartbeat_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	atomic_store(&w->heartbeat, monotonic_ms());
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	log_debug("%s: %zu clients still flushing: closing them", __func__,
	    w->nconns);
	event_base_loopbreak(w->base);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	event_base_dispatch(w->base);
	return NULL;	/* worker_free() closes what is left */
}

/*
 * An event loop with the priorities of enum worker_priority, which runs
 * one long-answer callback at a time before it looks for new events.
 * epoll's changelist folds the enable/disable pairs that bufferevents and
 * evhttp make within one turn into at most one epoll_ctl per descriptor
 * (libevent's caveat, descriptors cloned with dup(), does not apply: a
 * worker never dups one).
 */
static struct event_base *
worker_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base = NULL;

	if (cfg != NULL && event_config_set_flag(cfg,
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) == 0 &&
	    event_config_set_max_dispatch_interval(cfg, NULL, 1,
	    PRIORITY_LONG) == 0)
		base = event_base_new_with_config(cfg);
	if (cfg != NULL)
		event_config_free(cfg);
	if (base != NULL && event_base_priority_init(base, PRIORITIES) == -1) {
		event_base_free(base);
		base = NULL;
	}
	return base;
}

int
worker_init(struct server *srv, struct worker *w)
{
	uint64_t wd = srv->watchdog_usec;
	struct timeval beat = { (wd / 4) / 1000000, (wd / 4) % 1000000 };

	memset(w, 0, sizeof(*w));
	w->server = srv;
	w->handoff[0] = w->handoff[1] = w->stop_fd = -1;
	LIST_INIT(&w->conns);
	atomic_store(&w->heartbeat, monotonic_ms());
	if ((w->base = worker_base()) == NULL ||
	    pipe2(w->handoff, O_NONBLOCK | O_CLOEXEC) == -1 ||
	    (w->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		return -1;
	if (fcntl(w->handoff[1], F_SETPIPE_SZ, HANDOFF_PIPE_SIZE) == -1)
		log_debug("%s: F_SETPIPE_SZ: %s", __func__, strerror(errno));
	w->handoff_event = event_new(w->base, w->handoff[0],
	    EV_READ | EV_PERSIST, handoff_cb, w);
	w->stop_event = event_new(w->base, w->stop_fd, EV_READ | EV_PERSIST,
	    stop_cb, w);
	w->deadline_event = evtimer_new(w->base, deadline_cb, w);
	w->trim_event = evtimer_new(w->base, trim_cb, w);
	if (w->handoff_event == NULL || w->stop_event == NULL ||
	    w->deadline_event == NULL || w->trim_event == NULL ||
	    event_priority_set(w->handoff_event, PRIORITY_FIRST) == -1 ||
	    event_priority_set(w->stop_event, PRIORITY_FIRST) == -1 ||
	    event_add(w->handoff_event, NULL) == -1 ||
	    event_add(w->stop_event, NULL) == -1)
		return -1;
	if (wd > 0) {
		w->heartbeat_event = event_new(w->base, -1, EV_PERSIST,
		    heartbeat_cb, w);
		if (w->heartbeat_event == NULL ||
		    event_add(w->heartbeat_event, &beat) == -1)
			return -1;
	}
	if (server_has_http(srv) && (w->http = http_front_new(w)) == NULL)
		return -1;
	return 0;
}

void
worker_free(struct worker *w)
{
	struct event **events[] = { &w->heartbeat_event, &w->deadline_event,
	    &w->trim_event, &w->stop_event, &w->handoff_event };
	int *fds[] = { &w->handoff[0], &w->handoff[1], &w->stop_fd };

	struct handoff h;

	while (!LIST_EMPTY(&w->conns))
		conn_close(LIST_FIRST(&w->conns));
	http_front_free(w->http);
	w->http = NULL;
	/* Sockets handed over but never adopted: the stop came first. */
	while (w->handoff[0] != -1 &&
	    read(w->handoff[0], &h, sizeof(h)) == sizeof(h))
		handoff_drop(w, &h);
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (*events[i] != NULL) {
			event_free(*events[i]);
			*events[i] = NULL;
		}
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] != -1) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	if (w->base != NULL)
		event_base_free(w->base);
	w->base = NULL;
}

int
workers_start(struct server *srv)
{
	srv->workers = calloc(srv->opts->threads, sizeof(*srv->workers));
	if (srv->workers == NULL)
		return -1;
	for (unsigned i = 0; i < srv->opts->threads; i++) {
		struct worker *w = &srv->workers[i];
		int err;

		if (worker_init(srv, w) == -1) {
			worker_free(w);
			return -1;
		}
		if ((err = pthread_create(&w->thread, NULL, worker_main,
		    w)) != 0) {
			worker_free(w);
			errno = err;
			return -1;
		}
		srv->nworkers++;
	}
	return 0;
}

/* A full pipe means the worker is far behind: the caller turns it away. */
bool
worker_handoff(struct worker *w, const struct handoff *h)
{
	if (write(w->handoff[1], h, sizeof(*h)) == sizeof(*h))
		return true;
	log_warn("%s: handing a connection to a worker", __func__);
	return false;
}

void
workers_stop(struct server *srv)
{
	uint64_t one = 1;

	/* An eventfd's counter takes the write whatever the pipe holds. */
	for (unsigned i = 0; i < srv->nworkers; i++)
		if (write(srv->workers[i].stop_fd, &one, sizeof(one)) !=
		    sizeof(one))
			log_warn("%s: worker %u", __func__, i);
	for (unsigned i = 0; i < srv->nworkers; i++) {
		pthread_join(srv->workers[i].thread, NULL);
		worker_free(&srv->workers[i]);
	}
	free(srv->workers);
	srv->workers = NULL;
	srv->nworkers = 0;
}

bool
workers_alive(const struct server *srv, int64_t max_age_ms)
{
	int64_t now = monotonic_ms();

	for (unsigned i = 0; i < srv->nworkers; i++)
		if (now - atomic_load(&srv->workers[i].heartbeat) > max_age_ms)
			return false;
	return true;
}
