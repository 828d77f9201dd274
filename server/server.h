/*
 * server.h: the daemon's shared state.
 *
 * The main thread owns the listeners, the signals and the systemd watchdog;
 * it accepts and hands each new socket to one of the worker threads, which
 * own their connections from then on.  The only state shared between threads
 * is read-only (options, index) or atomic (stats).
 */
#ifndef SERVER_H
#define SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "cf_index.h"
#include "options.h"

struct server_stats {
	atomic_size_t conns_now;
	atomic_size_t conns_total;
	atomic_size_t conns_refused;
	atomic_size_t queries;
	atomic_size_t result_lines;
	atomic_size_t bytes_out;
};

struct conn;

struct worker {
	struct server *server;
	pthread_t thread;
	struct event_base *base;
	int handoff[2];			/* pipe: accepted sockets, -1 = stop */
	struct event *handoff_event;
	struct event *heartbeat_event;
	struct event *deadline_event;
	atomic_int_least64_t heartbeat;	/* monotonic_ms() of the last beat */
	LIST_HEAD(, conn) conns;
	bool stopping;
};

struct listener;

struct server {
	const struct options *opts;
	const struct cf_index *index;
	double index_build_ms;
	int64_t started;		/* monotonic_ms() */
	size_t max_connections;		/* after RLIMIT_NOFILE */
	struct server_stats stats;

	struct event_base *base;
	struct listener *listeners;
	size_t nlisteners;
	bool activated;			/* listeners inherited from systemd */
	struct event *accept_resume;	/* after EMFILE */
	bool accept_failing;		/* logged; until an accept succeeds */

	struct worker *workers;
	unsigned nworkers;
	unsigned next_worker;

	struct event *sigint, *sigterm;
	struct event *watchdog;
	uint64_t watchdog_usec;
	char addresses[512];		/* for STATUS= and logs */
};

int64_t monotonic_ms(void);

/* listener.c */
int listeners_open(struct server *srv);
void listeners_log(const struct server *srv);
void listeners_close(struct server *srv);

/* worker.c */
int workers_start(struct server *srv);
void worker_handoff(struct worker *w, int fd);
void workers_stop(struct server *srv);
bool workers_alive(const struct server *srv, int64_t max_age_ms);
void worker_conn_closed(struct worker *w);

#endif
