/*
 * worker.c: one thread per event loop.  A worker receives accepted sockets
 * from the main thread through a pipe and owns their connections until they
 * close; on stop it lets them flush, for a bounded time, and frees them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "conn.h"
#include "log.h"
#include "server.h"

/* How long a stopping worker lets queued answers flush. */
#define STOP_DEADLINE_SEC	3
#define HANDOFF_STOP		(-1)

int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Called by a connection as it goes; ends a stopping worker's loop. */
void
worker_conn_closed(struct worker *w)
{
	if (w->stopping && LIST_EMPTY(&w->conns))
		event_base_loopbreak(w->base);
}

static void
worker_begin_stop(struct worker *w)
{
	struct timeval deadline = { STOP_DEADLINE_SEC, 0 };
	struct conn *c, *next;

	w->stopping = true;
	evtimer_add(w->deadline_event, &deadline);
	for (c = LIST_FIRST(&w->conns); c != NULL; c = next) {
		next = LIST_NEXT(c, entry);
		conn_shutdown(c);
	}
	worker_conn_closed(w);
}

static void
handoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	int fds[64];
	ssize_t n;

	(void)what;
	while ((n = read(fd, fds, sizeof(fds))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(int); i++) {
			if (fds[i] == HANDOFF_STOP)
				worker_begin_stop(w);
			else if (w->stopping || conn_new(w, fds[i]) == -1) {
				close(fds[i]);
				atomic_fetch_sub(&w->server->stats.conns_now, 1);
			}
		}
	}
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
	event_base_loopbreak(w->base);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct conn *c;

	event_base_dispatch(w->base);
	while ((c = LIST_FIRST(&w->conns)) != NULL)
		conn_free(c);
	return NULL;
}

static int
worker_init(struct server *srv, struct worker *w)
{
	uint64_t wd = srv->watchdog_usec;
	struct timeval beat = { (wd / 4) / 1000000, (wd / 4) % 1000000 };

	w->server = srv;
	w->handoff[0] = w->handoff[1] = -1;
	LIST_INIT(&w->conns);
	atomic_store(&w->heartbeat, monotonic_ms());
	if ((w->base = event_base_new()) == NULL ||
	    pipe2(w->handoff, O_NONBLOCK | O_CLOEXEC) == -1)
		return -1;
	w->handoff_event = event_new(w->base, w->handoff[0],
	    EV_READ | EV_PERSIST, handoff_cb, w);
	w->deadline_event = evtimer_new(w->base, deadline_cb, w);
	if (w->handoff_event == NULL || w->deadline_event == NULL ||
	    event_add(w->handoff_event, NULL) == -1)
		return -1;
	if (wd > 0) {
		w->heartbeat_event = event_new(w->base, -1, EV_PERSIST,
		    heartbeat_cb, w);
		if (w->heartbeat_event == NULL ||
		    event_add(w->heartbeat_event, &beat) == -1)
			return -1;
	}
	return 0;
}

static void
worker_free(struct worker *w)
{
	if (w->heartbeat_event != NULL)
		event_free(w->heartbeat_event);
	if (w->deadline_event != NULL)
		event_free(w->deadline_event);
	if (w->handoff_event != NULL)
		event_free(w->handoff_event);
	if (w->handoff[0] != -1)
		close(w->handoff[0]);
	if (w->handoff[1] != -1)
		close(w->handoff[1]);
	if (w->base != NULL)
		event_base_free(w->base);
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

/* From the main thread.  A full pipe means the worker is far behind: drop. */
void
worker_handoff(struct worker *w, int fd)
{
	if (write(w->handoff[1], &fd, sizeof(fd)) != sizeof(fd)) {
		log_warn("%s: handing a connection to a worker", __func__);
		close(fd);
		atomic_fetch_sub(&w->server->stats.conns_now, 1);
	}
}

/* Tell every worker to stop, wait for them, free them. */
void
workers_stop(struct server *srv)
{
	int stop = HANDOFF_STOP;

	/* The pipe may be full of sockets the worker has not taken yet. */
	for (unsigned i = 0; i < srv->nworkers; i++)
		while (write(srv->workers[i].handoff[1], &stop,
		    sizeof(stop)) != sizeof(stop))
			usleep(1000);
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
