/*
 * listener.c: the listening sockets (bound here, or inherited from systemd),
 * accepting, the connection limit and the back-off when descriptors run out.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "log.h"
#include "server.h"
#include "systemd_hooks.h"

#define LISTEN_BACKLOG	4096
/* How long accepting pauses when the process is out of descriptors. */
#define ACCEPT_PAUSE_MS	200

static const char busy_line[] = "error: server busy, try again later\r\n";

struct listener {
	struct evconnlistener *evl;
	char name[INET6_ADDRSTRLEN + 8];
};

static void
format_sockaddr(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		port = ntohs(sin->sin_port);
		snprintf(buf, len, "%s:%u", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		port = ntohs(sin6->sin6_port);
		snprintf(buf, len, "[%s]:%u", host, port);
	} else
		snprintf(buf, len, "(family %d)", sa->sa_family);
}

static void
socket_name(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		snprintf(buf, len, "fd %d", fd);
	else
		format_sockaddr((struct sockaddr *)&ss, buf, len);
}

/* Over the limit: one line, then close; the client never reaches a worker. */
static void
refuse(struct server *srv, int fd)
{
	ssize_t n = send(fd, busy_line, sizeof(busy_line) - 1,
	    MSG_DONTWAIT | MSG_NOSIGNAL);

	(void)n;	/* best effort: the client is turned away either way */
	close(fd);
	atomic_fetch_add(&srv->stats.conns_refused, 1);
	log_verbose("refused a connection: %zu clients already",
	    srv->max_connections);
}

static void
accept_cb(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server *srv = arg;
	size_t now;

	(void)evl;
	(void)sa;
	(void)salen;
	srv->accept_failing = false;
	now = atomic_fetch_add(&srv->stats.conns_now, 1);
	if (now >= srv->max_connections) {
		atomic_fetch_sub(&srv->stats.conns_now, 1);
		refuse(srv, fd);
		return;
	}
	atomic_fetch_add(&srv->stats.conns_total, 1);
	worker_handoff(&srv->workers[srv->next_worker], fd);
	srv->next_worker = (srv->next_worker + 1) % srv->nworkers;
}

static void
accept_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < srv->nlisteners; i++)
		evconnlistener_enable(srv->listeners[i].evl);
}

/*
 * accept() failed for a reason other than a transient one.  Out of
 * descriptors or memory: stop accepting for a moment instead of spinning on a
 * listener that stays readable, and say so once per episode.
 */
static void
accept_error_cb(struct evconnlistener *evl, void *arg)
{
	struct server *srv = arg;
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval pause = { 0, ACCEPT_PAUSE_MS * 1000 };

	(void)evl;
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		log_warnx("%s: accept: %s", __func__, strerror(err));
		return;
	}
	if (!srv->accept_failing)
		log_warnx("accept: %s; pausing new connections for %d ms "
		    "at a time until it succeeds", strerror(err),
		    ACCEPT_PAUSE_MS);
	srv->accept_failing = true;
	for (size_t i = 0; i < srv->nlisteners; i++)
		evconnlistener_disable(srv->listeners[i].evl);
	evtimer_add(srv->accept_resume, &pause);
}

static int
listener_add(struct server *srv, int fd)
{
	struct listener *l = &srv->listeners[srv->nlisteners];
	size_t used = strlen(srv->addresses);

	if (evutil_make_socket_nonblocking(fd) == -1)
		return -1;
	/* Backlog 0: already listening (ours, or systemd's Backlog=). */
	l->evl = evconnlistener_new(srv->base, accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (l->evl == NULL) {
		close(fd);
		return -1;
	}
	evconnlistener_set_error_cb(l->evl, accept_error_cb);
	socket_name(fd, l->name, sizeof(l->name));
	snprintf(srv->addresses + used, sizeof(srv->addresses) - used, "%s%s",
	    used > 0 ? " " : "", l->name);
	srv->nlisteners++;
	return 0;
}

/* Bind one --address; a one-line error naming the cause otherwise. */
static int
listener_bind(struct server *srv, const char *address, unsigned port)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	};
	struct addrinfo *ai;
	char host[INET6_ADDRSTRLEN + 2], service[8];
	size_t len = strlen(address);
	int fd, on = 1, rc;

	/* Accept "[::1]" as well as "::1". */
	if (len >= 2 && len < sizeof(host) && address[0] == '[' &&
	    address[len - 1] == ']') {
		memcpy(host, address + 1, len - 2);
		host[len - 2] = '\0';
	} else
		snprintf(host, sizeof(host), "%s", address);
	snprintf(service, sizeof(service), "%u", port);
	if ((rc = getaddrinfo(host, service, &hints, &ai)) != 0) {
		log_warnx("cannot listen on %s: not an IPv4 or IPv6 address",
		    address);
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		log_warn("cannot listen on %s port %u", address, port);
		if (fd != -1)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return listener_add(srv, fd);
}

int
listeners_open(struct server *srv)
{
	const struct options *opts = srv->opts;
	int inherited = daemon_listen_fds();
	size_t max = inherited > 0 ? (size_t)inherited : opts->naddresses;

	if (inherited < 0) {
		log_warnx("LISTEN_FDS is malformed");
		return -1;
	}
	srv->listeners = calloc(max, sizeof(*srv->listeners));
	srv->accept_resume = evtimer_new(srv->base, accept_resume_cb, srv);
	if (srv->listeners == NULL || srv->accept_resume == NULL)
		return -1;
	for (size_t i = 0; i < max; i++) {
		if (inherited > 0) {
			if (listener_add(srv, DAEMON_LISTEN_FDS_START + i) == -1) {
				log_warn("inherited socket %zu", i);
				return -1;
			}
		} else if (listener_bind(srv, opts->addresses[i],
		    opts->port) == -1)
			return -1;
	}
	srv->activated = inherited > 0;
	return 0;
}

/* Once everything is up: "listening on" means clients get answers. */
void
listeners_log(const struct server *srv)
{
	for (size_t i = 0; i < srv->nlisteners; i++)
		log_info("listening on %s%s", srv->listeners[i].name,
		    srv->activated ? " (socket activation)" : "");
}

void
listeners_close(struct server *srv)
{
	for (size_t i = 0; i < srv->nlisteners; i++)
		evconnlistener_free(srv->listeners[i].evl);
	free(srv->listeners);
	srv->listeners = NULL;
	srv->nlisteners = 0;
	if (srv->accept_resume != NULL)
		event_free(srv->accept_resume);
	srv->accept_resume = NULL;
}
