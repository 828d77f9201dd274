/*
 * worker.h: one thread, one event loop, and the connections it owns.
 *
 * The main thread accepts and hands each socket to a worker (a struct
 * handoff through the worker's pipe); from then on the worker owns the
 * connection: it adds it to its list, counts it, and forgets it when the
 * connection reports that it has closed.  Nothing else touches the list.
 */
#ifndef WORKER_H
#define WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <netinet/in.h>

#include "stats.h"
#include "util.h"

struct conn;
struct http_front;
struct server;

/*
 * One accepted socket on its way from the listener to a worker: small, so
 * that the pipe holds a burst of thousands.  The worker makes its struct
 * peer (address and name) once, when it adopts the socket.
 */
struct handoff {
	int fd;
	socklen_t addrlen;
	union inet_addr addr;
	bool proxied;		/* from a --proxy-from source: PROXY header */
	bool address_counted;	/* holds a slot of its address */
};

/*
 * Event priorities of a worker's loop.  Long answers go on at the lowest,
 * one callback at a time between looks at what else is ready: a client's
 * new query is read and answered before another client's long answer gets
 * its next piece, so one client's heavy answers cannot hold up the rest.
 */
enum worker_priority {
	PRIORITY_FIRST,		/* stopping, hand-offs */
	PRIORITY_NORMAL,	/* libevent's default: reading, short answers */
	PRIORITY_LONG,		/* the next pieces of long answers */
	PRIORITIES,
};

struct worker {
	struct server *server;
	pthread_t thread;
	struct event_base *base;
	int handoff[2];			/* pipe of struct handoff */
	int stop_fd;			/* eventfd: stop now */
	struct event *handoff_event;
	struct event *stop_event;
	struct event *heartbeat_event;
	struct event *deadline_event;
	struct event *trim_event;
	atomic_int_least64_t heartbeat;	/* monotonic_ms() of the last beat */
	LIST_HEAD(, conn) conns;	/* telnet */
	struct http_front *http;	/* NULL: no HTTP listeners */
	size_t nconns;			/* telnet and HTTP */
	bool stopping;
	struct worker_stats stats;
};

int workers_start(struct server *srv);
/* Tell every worker to stop, let them flush for a while, join them. */
void workers_stop(struct server *srv);
/* From the main thread; false when the worker cannot take it now. */
bool worker_handoff(struct worker *w, const struct handoff *h);
bool workers_alive(const struct server *srv, int64_t max_age_ms);

/*
 * A worker without a thread of its own, for tests and fuzz targets that
 * drive its event loop themselves: init, adopt sockets, free.
 */
int worker_init(struct server *srv, struct worker *w);
void worker_adopt(struct worker *w, const struct handoff *h);
void worker_free(struct worker *w);

/* From conn.c: the connection has closed; it is freed right after. */
void worker_conn_closed(struct worker *w, struct conn *c);
/* From http_conn.c: an HTTP connection came, or went. */
void worker_http_opened(struct worker *w);
void worker_http_closed(struct worker *w);

#endif
