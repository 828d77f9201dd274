/*
 * server.c: start-up, the main thread's event loop (listeners, signals,
 * systemd watchdog) and an orderly stop.
 */
#include <sys/resource.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "server.h"
#include "server_run.h"
#include "systemd_hooks.h"

/* Descriptors kept for listeners, pipes, epoll and the journal. */
#define FD_RESERVE	32

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
	room = rl.rlim_cur > FD_RESERVE + 3 * threads ?
	    rl.rlim_cur - FD_RESERVE - 3 * threads : 1;
	if (wanted > room) {
		log_warnx("--max-connections %zu lowered to %zu to fit the "
		    "descriptor limit (%llu)", wanted, room,
		    (unsigned long long)rl.rlim_cur);
		return room;
	}
	return wanted;
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	log_info("%s: stopping", strsignal(sig));
	daemon_notify("STOPPING=1");
	listeners_close(srv);
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
		log_warnx("a worker thread is stuck: not petting the "
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
	listeners_close(srv);
	workers_stop(srv);
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
	char status[700];

	cf_index_stats(index, &ist);
	srv.max_connections = fit_connection_limit(opts->max_connections,
	    opts->threads);
	srv.watchdog_usec = daemon_watchdog_usec();
	if ((srv.base = event_base_new()) == NULL) {
		log_warnx("cannot create an event loop");
		return 1;
	}
	if (listeners_open(&srv) == -1) {
		server_free(&srv);
		return 1;
	}
	if (workers_start(&srv) == -1 || server_events(&srv) == -1) {
		log_warn("cannot start the event loops");
		server_free(&srv);
		return 1;
	}
	log_info("%zu characters indexed (Unicode %s) in %.1f ms; "
	    "%u threads; up to %zu clients", ist.chars, cf_icu_unicode_version(),
	    build_ms, srv.nworkers, srv.max_connections);
	listeners_log(&srv);
	snprintf(status, sizeof(status), "READY=1\nSTATUS=%zu characters "
	    "(Unicode %s) on %s", ist.chars, cf_icu_unicode_version(),
	    srv.addresses);
	if (daemon_notify(status) == -1)
		log_warn("%s: NOTIFY_SOCKET", __func__);
	event_base_dispatch(srv.base);
	server_free(&srv);
	return 0;
}
