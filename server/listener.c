/*
 * listener.c: the listening sockets of both front ends (bound here, or
 * inherited from systemd and told apart by their names), accepting telnet
 * clients, the connection limit, the hand-off to a worker and the back-off
 * when descriptors run out.  Workers accept HTTP clients themselves
 * (http_front.c).
 */
#include <sys/socket.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "accept_pause.h"
#include "addr_limit.h"
#include "log.h"
#include "server.h"
#include "systemd_hooks.h"

#define LISTEN_BACKLOG	4096
/* Tries at a port that is free on every --address, with --port 0. */
#define PORT_TRIES	8

static const char busy_line[] = "error: server busy, try again later\r\n";
static const char address_line[] =
    "error: too many connections from your address\r\n";
/* A socket systemd names so (FileDescriptorName=), or "...-http", is HTTP. */
static const char http_fd_name[] = "http";

/*
 * Turned away: one line, then close; the client never reaches a worker.
 * Best effort: the client is turned away whether the line goes out or not.
 */
static void
refuse(const struct handoff *h, const char *line, const char *why)
{
	ssize_t n = send(h->fd, line, strlen(line), MSG_DONTWAIT |
	    MSG_NOSIGNAL);
	char name[SOCKADDR_TEXT_MAX];

	(void)n;
	close(h->fd);
	if (log_verbosity() >= 1) {
		sockaddr_format(&h->addr.sa, name, sizeof(name));
		log_info("refused %s: %s", name, why);
	}
}

/* The worker with the fewest clients; ties go round. */
static unsigned
least_loaded(struct server *srv)
{
	unsigned best = srv->next_worker;
	size_t best_load = SIZE_MAX;

	for (unsigned k = 0; k < srv->nworkers; k++) {
		unsigned i = (srv->next_worker + k) % srv->nworkers;
		const struct worker_stats *ws = &srv->workers[i].stats;
		size_t load = stat_get(&ws->telnet_now) +
		    stat_get(&ws->http_now);

		if (load < best_load) {
			best = i;
			best_load = load;
		}
	}
	srv->next_worker = (best + 1) % srv->nworkers;
	return best;
}

/*
 * The worker of a telnet client.  One address is served by at most half
 * of the workers (one of two; one of one): however many connections a
 * client opens and however heavy its queries, it shares a worker only
 * with the clients placed there (by turns, conn.c), and the other workers
 * go on serving everyone else as if it were not there (issue 15).  An
 * address starts at the worker with the fewest clients; its next clients
 * go round its share from there.  A proxy's clients go round all the
 * workers: their addresses are known only once a worker has read them.
 */
static struct worker *
placed_worker(struct server *srv, const struct addr_place *p)
{
	unsigned share = srv->nworkers > 1 ? srv->nworkers / 2 : 1;

	return &srv->workers[(p->home + p->nth % share) % srv->nworkers];
}

static void
accept_cb(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server *srv = arg;
	struct handoff h = { .fd = fd };
	struct addr_place place;
	struct worker *w;

	(void)evl;
	accept_pause_ok(&srv->accept_pause);
	h.addrlen = (socklen_t)salen < sizeof(h.addr) ? (socklen_t)salen :
	    sizeof(h.addr);
	memcpy(&h.addr, sa, h.addrlen);
	/* Trusted and counted as IPv4, not all in ::ffff:0:0/64. */
	inet_unmap(&h.addr, &h.addrlen);
	if (!server_take_slot(srv)) {
		atomic_fetch_add(&srv->conns_refused, 1);
		refuse(&h, busy_line, "too many clients");
		return;
	}
	place.home = least_loaded(srv);
	place.nth = 0;
	/* A proxy's client is counted once its PROXY header names it. */
	if (options_trusted_proxy(srv->opts, &h.addr))
		h.proxied = true;
	else if (!server_take_address(srv, &h.addr, &place)) {
		server_release_slot(srv);
		refuse(&h, address_line, "too many clients from its "
		    "address");
		return;
	} else
		h.address_counted = true;
	w = placed_worker(srv, &place);
	if (!worker_handoff(w, &h)) {
		if (h.address_counted)
			server_release_address(srv, &h.addr);
		server_release_slot(srv);
		atomic_fetch_add(&srv->conns_refused, 1);
		refuse(&h, busy_line, "the worker thread is far behind");
		return;
	}
	atomic_fetch_add(&srv->conns_total, 1);
}

/* The telnet listeners on or off (accept_pause.c). */
static void
listeners_enable(void *arg, bool on)
{
	struct server *srv = arg;

	for (size_t i = 0; i < srv->nlisteners; i++) {
		struct evconnlistener *evl = srv->listeners[i].evl;

		if (evl != NULL && on)
			evconnlistener_enable(evl);
		else if (evl != NULL)
			evconnlistener_disable(evl);
	}
}

static void
accept_error_cb(struct evconnlistener *evl, void *arg)
{
	struct server *srv = arg;

	(void)evl;
	accept_pause_error(&srv->accept_pause);
}

/* Serve a listening socket; takes fd, closed on failure. */
static int
listener_add(struct server *srv, int fd, enum front_end front)
{
	struct listener *l = &srv->listeners[srv->nlisteners];
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	size_t used = strlen(srv->addresses);

	if (evutil_make_socket_nonblocking(fd) == -1) {
		close(fd);
		return -1;
	}
	l->front = front;
	l->fd = fd;
	/* Backlog 0: already listening (ours, or systemd's Backlog=). */
	if (front == FRONT_TELNET) {
		l->evl = evconnlistener_new(srv->base, accept_cb, srv,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
		if (l->evl == NULL) {
			close(fd);
			return -1;
		}
		evconnlistener_set_error_cb(l->evl, accept_error_cb);
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		snprintf(l->name, sizeof(l->name), "fd %d", fd);
	else
		sockaddr_format((struct sockaddr *)&ss, l->name,
		    sizeof(l->name));
	snprintf(srv->addresses + used, sizeof(srv->addresses) - used,
	    "%s%s%s", used > 0 ? " " : "", l->name,
	    front == FRONT_HTTP ? " (http)" : "");
	srv->nlisteners++;
	return 0;
}

static void
set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static unsigned
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A listening socket on one address and port, or -1 with errno set. */
static int
listen_on(const struct listen_address *la, unsigned port)
{
	struct sockaddr_storage ss = la->addr;
	int fd, on = 1, saved;

	set_port(&ss, port);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, (struct sockaddr *)&ss, la->addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * Every --address on one port, and the sockets served.  With port 0 the
 * first address picks a free port and the others reuse it; if it is taken
 * on another address, start again (a few times) with a new one.
 */
static int
bind_addresses(struct server *srv, unsigned wanted, enum front_end front)
{
	const struct options *opts = srv->opts;
	unsigned port = wanted;
	size_t i = 0, n = opts->naddresses;
	int fds[ADDRESSES_MAX];

	for (int tries = 0; tries < PORT_TRIES; tries++) {
		port = wanted;
		for (i = 0; i < n; i++) {
			if ((fds[i] = listen_on(&opts->addresses[i], port)) == -1)
				break;
			if (port == 0)
				port = bound_port(fds[i]);
		}
		if (i == n)
			break;
		for (size_t j = 0; j < i; j++)
			close(fds[j]);
		if (wanted != 0 || i == 0 || errno != EADDRINUSE)
			break;
	}
	if (i < n) {
		log_err("cannot listen on %s port %u%s",
		    opts->addresses[i].text, port,
		    front == FRONT_HTTP ? " (http)" : "");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (listener_add(srv, fds[i], front) == -1) {
			log_err("cannot serve %s port %u",
			    opts->addresses[i].text, port);
			while (++i < n)
				close(fds[i]);
			return -1;
		}
	return 0;
}

/* "http", or a name that ends in "-http": an HTTP socket from systemd. */
static enum front_end
inherited_front(int i)
{
	const char *name = daemon_listen_fd_name(i);
	size_t len = strlen(name), want = sizeof(http_fd_name) - 1;

	if (len >= want && strcmp(name + len - want, http_fd_name) == 0 &&
	    (len == want || name[len - want - 1] == '-'))
		return FRONT_HTTP;
	return FRONT_TELNET;
}

int
listeners_open(struct server *srv)
{
	const struct options *opts = srv->opts;
	int inherited = daemon_listen_fds();
	size_t max = inherited > 0 ? (size_t)inherited :
	    (opts->http ? 2 : 1) * opts->naddresses;

	if (inherited < 0) {
		log_errx("LISTEN_FDS is malformed");
		return -1;
	}
	srv->listeners = calloc(max, sizeof(*srv->listeners));
	if (srv->listeners == NULL || accept_pause_init(&srv->accept_pause,
	    srv->base, "telnet", listeners_enable, srv) == -1)
		return -1;
	srv->activated = inherited > 0;
	if (!srv->activated)
		return bind_addresses(srv, opts->port, FRONT_TELNET) == -1 ||
		    (opts->http && bind_addresses(srv, opts->http_port,
		    FRONT_HTTP) == -1) ? -1 : 0;
	for (int i = 0; i < inherited; i++)
		if (listener_add(srv, DAEMON_LISTEN_FDS_START + i,
		    inherited_front(i)) == -1) {
			log_err("cannot serve inherited socket %d", i);
			return -1;
		}
	return 0;
}

bool
server_has_http(const struct server *srv)
{
	for (size_t i = 0; i < srv->nlisteners; i++)
		if (srv->listeners[i].front == FRONT_HTTP)
			return true;
	return false;
}

/* Once everything is up: "listening on" means clients get answers. */
void
listeners_log(const struct server *srv)
{
	for (size_t i = 0; i < srv->nlisteners; i++)
		log_notice("listening on %s%s%s", srv->listeners[i].name,
		    srv->listeners[i].front == FRONT_HTTP ? " (http)" : "",
		    srv->activated ? " (socket activation)" : "");
}

void
listeners_stop(struct server *srv)
{
	for (size_t i = 0; i < srv->nlisteners; i++)
		if (srv->listeners[i].evl != NULL) {
			evconnlistener_free(srv->listeners[i].evl);
			srv->listeners[i].evl = NULL;
			srv->listeners[i].fd = -1;	/* closed with it */
		}
	accept_pause_cancel(&srv->accept_pause);
}

void
listeners_close(struct server *srv)
{
	listeners_stop(srv);
	for (size_t i = 0; i < srv->nlisteners; i++)
		if (srv->listeners[i].fd != -1)
			close(srv->listeners[i].fd);
	free(srv->listeners);
	srv->listeners = NULL;
	srv->nlisteners = 0;
	accept_pause_free(&srv->accept_pause);
}
