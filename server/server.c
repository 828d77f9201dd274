/*
 * server.c: start-up, the main thread's event loop (listeners, signals,
 * systemd watchdog) and an orderly stop.
 */
#include <sys/resource.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "addr_limit.h"
#include "log.h"
#include "server.h"
#include "server_run.h"
#include "systemd_hooks.h"

/* Descriptors kept for listeners, epoll and the journal ... */
#define FD_RESERVE	32
/* ... and for each worker: its epoll, hand-off pipe and stop eventfd. */
#define FDS_PER_WORKER	4
/* HTTP connections are found by descriptor up to this (8 MiB of table). */
#define HTTP_FDS_MAX	(1 << 20)

/*
 * Raise the soft descriptor limit to the hard one and fit the connection
 * limit under it, so that running out of descriptors is the exception.
 */
static size_t
fit_connection_limit(size_t wanted, unsigned threads)
{
	struct rlimit rl;
	size_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return wanted;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return wanted;
	room = rl.rlim_cur > FD_RESERVE + FDS_PER_WORKER * threads ?
	    rl.rlim_cur - FD_RESERVE - FDS_PER_WORKER * threads : 1;
	if (wanted > room) {
		log_warnx("--max-connections %zu lowered to %zu to fit the "
		    "descriptor limit (%llu)", wanted, room,
		    (unsigned long long)rl.rlim_cur);
		return room;
	}
	return wanted;
}

bool
server_take_slot(struct server *srv)
{
	if (atomic_fetch_add(&srv->conns_now, 1) < srv->max_connections)
		return true;
	atomic_fetch_sub(&srv->conns_now, 1);
	return false;
}

void
server_release_slot(struct server *srv)
{
	atomic_fetch_sub(&srv->conns_now, 1);
}

bool
server_take_address(struct server *srv, const union inet_addr *a,
    struct addr_place *place)
{
	if (addr_limit_take(srv->per_address, a, place))
		return true;
	atomic_fetch_add(&srv->conns_refused, 1);
	return false;
}

void
server_release_address(struct server *srv, const union inet_addr *a)
{
	addr_limit_give(srv->per_address, a);
}

/* The table of HTTP connections by descriptor, up to the descriptor limit. */
static int
http_conns_table(struct server *srv)
{
	struct rlimit rl;

	if (!server_has_http(srv))
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > HTTP_FDS_MAX)
		rl.rlim_cur = HTTP_FDS_MAX;
	srv->http_conns_len = rl.rlim_cur;
	srv->http_conns = calloc(srv->http_conns_len,
	    sizeof(*srv->http_conns));
	if (srv->http_conns == NULL) {
		log_errx("out of memory");
		return -1;
	}
	return 0;
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	log_notice("%s: stopping", strsignal(sig));
	daemon_notify("STOPPING=1");
	listeners_stop(srv);
	event_base_loopexit(srv->base, NULL);
}

/* Pet systemd's watchdog only while every event loop is turning. */
static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	if (workers_alive(srv, srv->watchdog_usec / 1000))
		daemon_notify("WATCHDOG=1");
	else
		log_errx("a worker thread is stuck: not petting the "
		    "watchdog");
}

static int
server_events(struct server *srv)
{
	uint64_t half = srv->watchdog_usec / 2;
	struct timeval tv = { half / 1000000, half % 1000000 };

	srv->sigint = evsignal_new(srv->base, SIGINT, signal_cb, srv);
	srv->sigterm = evsignal_new(srv->base, SIGTERM, signal_cb, srv);
	if (srv->sigint == NULL || srv->sigterm == NULL ||
	    event_add(srv->sigint, NULL) == -1 ||
	    event_add(srv->sigterm, NULL) == -1)
		return -1;
	if (srv->watchdog_usec == 0)
		return 0;
	srv->watchdog = event_new(srv->base, -1, EV_PERSIST, watchdog_cb, srv);
	if (srv->watchdog == NULL || event_add(srv->watchdog, &tv) == -1)
		return -1;
	return 0;
}

/*
 * Once the stop has begun, a second SIGTERM or SIGINT (an impatient
 * operator, a test) must not kill the daemon half-way through it: freeing
 * libevent's signal events puts back the default action, so block the
 * signals first.  The worker threads are gone by then: this thread is the
 * only one they could be delivered to.
 */
static void
block_stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void
server_free(struct server *srv)
{
	listeners_stop(srv);
	workers_stop(srv);	/* they stop accepting HTTP clients first */
	listeners_close(srv);
	free(srv->http_conns);
	addr_limit_free(srv->per_address);
	block_stop_signals();
	if (srv->watchdog != NULL)
		event_free(srv->watchdog);
	if (srv->sigterm != NULL)
		event_free(srv->sigterm);
	if (srv->sigint != NULL)
		event_free(srv->sigint);
	if (srv->base != NULL)
		event_base_free(srv->base);
}

int
server_run(const struct options *opts, const struct cf_index *index,
    double build_ms)
{
	struct server srv = {
		.opts = opts,
		.index = index,
		.index_build_ms = build_ms,
		.started = monotonic_ms(),
	};
	struct cf_index_stats ist;
	char status[ADDRESS_LIST_MAX + 128];

	cf_index_stats(index, &ist);
	srv.max_connections = fit_connection_limit(opts->max_connections,
	    opts->threads);
	srv.watchdog_usec = daemon_watchdog_usec();
	if ((srv.per_address = addr_limit_new(opts->max_per_address,
	    srv.max_connections)) == NULL) {
		log_errx("out of memory");
		return 1;
	}
	if ((srv.base = event_base_new()) == NULL) {
		log_errx("cannot create an event loop");
		return 1;
	}
	if (listeners_open(&srv) == -1 || http_conns_table(&srv) == -1) {
		server_free(&srv);
		return 1;
	}
	if (workers_start(&srv) == -1 || server_events(&srv) == -1) {
		log_err("cannot start the event loops");
		server_free(&srv);
		return 1;
	}
	log_notice("%zu characters indexed (Unicode %s) in %.1f ms; "
	    "%u threads; up to %zu clients", ist.chars, cf_names_unicode_version(),
	    build_ms, srv.nworkers, srv.max_connections);
	listeners_log(&srv);
	snprintf(status, sizeof(status), "READY=1\nSTATUS=%zu characters "
	    "(Unicode %s) on %s", ist.chars, cf_names_unicode_version(),
	    srv.addresses);
	if (daemon_notify(status) == -1)
		log_warn("%s: NOTIFY_SOCKET", __func__);
	event_base_dispatch(srv.base);
	server_free(&srv);
	return 0;
}
