/*
 * server.h: the daemon's shared state.
 *
 * The main thread owns the listeners, the signals and the systemd watchdog;
 * it accepts and hands each new socket to one of the worker threads, which
 * own their connections from then on (worker.h).  What threads share is
 * read-only (options, index) or atomic (the counters below).
 */
#ifndef SERVER_H
#define SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "accept_pause.h"
#include "cf_index.h"
#include "options.h"
#include "util.h"
#include "worker.h"

/* "STATUS=" and the log's list of listening addresses (both front ends,
 * " (http)" after the HTTP ones). */
#define ADDRESS_LIST_MAX	(2 * ADDRESSES_MAX * (SOCKADDR_TEXT_MAX + 8))

enum front_end {
	FRONT_TELNET,
	FRONT_HTTP,
};

/*
 * A listening socket.  The main thread accepts telnet clients (evl); every
 * worker accepts HTTP clients on fd itself (http_front.c).
 */
struct listener {
	enum front_end front;
	int fd;
	struct evconnlistener *evl;	/* telnet */
	char name[SOCKADDR_TEXT_MAX];
};

struct http_conn;
struct addr_limit;
struct addr_place;

struct server {
	const struct options *opts;
	const struct cf_index *index;
	double index_build_ms;
	int64_t started;		/* monotonic_ms() */
	size_t max_connections;		/* after RLIMIT_NOFILE */

	/* Clients: taken at accept, given back by the worker (see below). */
	atomic_size_t conns_now;
	atomic_size_t conns_total;	/* telnet (workers count HTTP ones) */
	atomic_size_t conns_refused;
	/* --max-connections-per-address, and where addresses are served */
	struct addr_limit *per_address;

	struct event_base *base;
	struct listener *listeners;
	size_t nlisteners;
	bool activated;			/* listeners inherited from systemd */
	struct accept_pause accept_pause;	/* after EMFILE */

	struct worker *workers;
	unsigned nworkers;
	unsigned next_worker;		/* where the search for the least
					 * loaded starts (listener.c) */

	/*
	 * HTTP connections by descriptor, for the worker that owns each (a
	 * request names its connection only by evhttp's object).  A slot is
	 * set and cleared by the worker whose connection has that descriptor.
	 */
	struct http_conn *_Atomic *http_conns;
	size_t http_conns_len;

	struct event *sigint, *sigterm;
	struct event *watchdog;
	uint64_t watchdog_usec;
	char addresses[ADDRESS_LIST_MAX];
};

/*
 * The connection limit: a slot is taken for each accepted socket before
 * it is served (false: the server is full) and given back once its
 * connection is gone, whatever the way it went.
 */
bool server_take_slot(struct server *srv);
void server_release_slot(struct server *srv);
/* The same for one client address (its real one, behind a proxy); a
 * telnet client the listener accepts is also placed (addr_limit.h). */
bool server_take_address(struct server *srv, const union inet_addr *a,
    struct addr_place *place);
void server_release_address(struct server *srv, const union inet_addr *a);

/* listener.c */
int listeners_open(struct server *srv);
void listeners_log(const struct server *srv);
/* Stop accepting telnet clients (the workers stop accepting HTTP ones). */
void listeners_stop(struct server *srv);
/* Close every listening socket: once the workers are gone. */
void listeners_close(struct server *srv);
bool server_has_http(const struct server *srv);

#endif
