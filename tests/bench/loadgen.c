/*
 * loadgen: a load generator for charfinder servers (charfinderd, the Python
 * peer, the canned-response server: they speak the same protocol).
 *
 * Opens N connections and waits until every one has its first prompt; then,
 * for a fixed time, keeps Q queries in flight on each, taken in turn from a
 * file of queries (one a line; empty lines and lines starting with '#' are
 * skipped), each connection starting at a different one.  A query's latency
 * runs from its send to the prompt after its status line.  Prints the
 * result for people, and once more as one line of key=value pairs starting
 * with "RESULT" for scripts.
 *
 * That closed loop measures capacity: each answer sends the next query, so
 * the server is always busy and a query's latency is, by Little's law,
 * about N / (queries per second).  With --rate R the loop is open instead:
 * the queries are due at a fixed total rate, spread evenly over the
 * connections, and a query's latency runs from when it was due, so a server
 * that falls behind is charged for the wait (no "coordinated omission").
 *
 * With --reconnect (tests/scale: replicas behind HAProxy that are killed
 * and restarted under load) a connection that ends during the run is
 * opened again and the run goes on; each end is reported on stderr with
 * the connection's local port (the client a replica's log names), the
 * queries it left unanswered and whether an answer was cut.  With
 * --session-queries N, a connection also closes itself after N answers and
 * opens a new one: many short sessions, many connection attempts.
 *
 * With --http PATH it speaks HTTP/1.1 instead: each connection sends
 * "GET PATH" requests on one keep-alive connection and reads each response
 * by its Content-Length; a connection starts as soon as it is connected,
 * and a response with a status other than 2xx counts as an error answer.
 * With --source ADDR every connection comes from ADDR (any of 127/8 on
 * loopback), so that a server's per-address rules can tell clients apart.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "answer_parser.h"
#include "histogram.h"
#include "http_response_parser.h"

#define MAX_QUERIES	1024
#define MAX_IN_FLIGHT	64
#define MAX_QUERY_LEN	1024
#define MAX_PATH_LEN	(MAX_QUERY_LEN - 64)
#define READ_SIZE	(256 * 1024)
/* --reconnect: how long a connection that failed waits to open again. */
#define RECONNECT_PAUSE_US	10000

struct query {
	const char	*line;		/* the query and CR LF */
	size_t		 len;
};

struct conn {
	struct loadgen		*lg;
	int			 fd;
	struct event		*read_event;
	struct event		*write_event;
	struct event		*due_event;	/* --rate: the next query is due */
	uint64_t		 next_due;
	struct answer_parser	 parser;
	struct http_response_parser http;	/* --http */
	bool			 greeted;	/* telnet: prompt; HTTP: connected */
	size_t			 next_query;
	uint64_t		 sent_at[MAX_IN_FLIGHT];	/* a ring */
	size_t			 oldest;
	size_t			 in_flight;
	char			*unsent;	/* what write(2) did not take */
	size_t			 unsent_len;
	/* --reconnect */
	struct event		*reopen_event;
	unsigned		 local_port;
	size_t			 session_sent;	/* queries on this connection */
	size_t			 answer_bytes;	/* of the answer coming in */
};

struct loadgen {
	struct event_base	*base;
	struct conn		*conns;
	size_t			 nconns;
	size_t			 greeted;
	size_t			 alive;
	struct query		 queries[MAX_QUERIES];
	size_t			 nqueries;
	size_t			 depth;		/* queries in flight per conn */
	bool			 http;		/* --http: queries[0] is a GET */
	double			 rate;		/* queries/s in all; 0: closed */
	uint64_t		 interval;	/* ns between one conn's queries */
	struct timeval		 duration;
	struct timeval		 connect_timeout;
	struct event		*timer;
	bool			 running;
	uint64_t		 started, stopped;
	uint64_t		 answers, error_answers, failures, bytes;
	struct histogram	 latency;
	/* --reconnect: what happened to the connections during the run. */
	bool			 reconnect;
	size_t			 session_queries;	/* 0: no limit */
	struct sockaddr_storage	 server;
	socklen_t		 server_len;
	struct sockaddr_storage	 source;	/* --source; family 0: none */
	uint64_t		 connects;	/* opened after the start */
	uint64_t		 connect_failures;	/* ended before a prompt */
	uint64_t		 sessions_ended;	/* by the server, after one */
	uint64_t		 lost;		/* queries those left unanswered */
	uint64_t		 truncated;	/* answers cut short */
	char			 readbuf[READ_SIZE];
};

static void	greeted(struct conn *);

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static struct timeval
seconds_to_timeval(double s)
{
	struct timeval tv;

	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

static void
load_queries(struct loadgen *lg, const char *path)
{
	FILE *f;
	char *line = NULL, *copy;
	size_t cap = 0, len;
	ssize_t n;

	if ((f = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	while ((n = getline(&line, &cap, f)) != -1) {
		len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (len > MAX_QUERY_LEN)
			errx(1, "%s: a query longer than %d bytes", path,
			    MAX_QUERY_LEN);
		if (lg->nqueries == MAX_QUERIES)
			errx(1, "%s: more than %d queries", path, MAX_QUERIES);
		if ((copy = malloc(len + 2)) == NULL)
			err(1, NULL);
		memcpy(copy, line, len);
		memcpy(copy + len, "\r\n", 2);
		lg->queries[lg->nqueries].line = copy;
		lg->queries[lg->nqueries].len = len + 2;
		lg->nqueries++;
	}
	if (ferror(f))
		err(1, "%s", path);
	free(line);
	fclose(f);
	if (lg->nqueries == 0)
		errx(1, "%s: no queries", path);
}

/* --http PATH: the one request, sent over and over. */
static void
set_http_request(struct loadgen *lg, const char *path, const char *host,
    const char *port)
{
	char *req;
	bool v6;
	int n;

	if (path[0] != '/' || strlen(path) > MAX_PATH_LEN ||
	    strpbrk(path, " \r\n") != NULL)
		errx(2, "--http: a path starting with / of at most %d bytes, "
		    "without spaces, expected", MAX_PATH_LEN);
	if ((req = malloc(MAX_QUERY_LEN + 2)) == NULL)
		err(1, NULL);
	v6 = strchr(host, ':') != NULL;
	n = snprintf(req, MAX_QUERY_LEN + 2,
	    "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\n\r\n", path,
	    v6 ? "[" : "", host, v6 ? "]" : "", port);
	if (n < 0 || n >= MAX_QUERY_LEN + 2)
		errx(2, "--http: the request is too long");
	lg->queries[0].line = req;
	lg->queries[0].len = (size_t)n;
	lg->nqueries = 1;
	lg->http = true;
}

static void
stop(struct loadgen *lg)
{
	if (lg->running) {
		lg->running = false;
		lg->stopped = now_ns();
	}
	event_base_loopbreak(lg->base);
}

static void
conn_close(struct conn *c)
{
	if (c->fd == -1)
		return;
	event_free(c->read_event);
	event_free(c->write_event);
	event_free(c->due_event);
	close(c->fd);
	c->fd = -1;
	c->lg->alive--;
}

/* --reconnect: open c again after pause_us microseconds. */
static void
conn_reopen_later(struct conn *c, long pause_us)
{
	struct timeval tv = { 0, pause_us };

	evtimer_add(c->reopen_event, &tv);
}

/*
 * --reconnect: a connection ended during the run.  Before its prompt it is
 * a failed connection attempt; after it, a session the server ended, with
 * the queries it had in flight lost and an answer cut if some of it came.
 */
static void
conn_ended(struct conn *c, const char *why)
{
	struct loadgen *lg = c->lg;

	if (!c->greeted)
		lg->connect_failures++;
	else
		lg->sessions_ended++;
	lg->lost += c->in_flight;
	if (c->answer_bytes > 0)
		lg->truncated++;
	warnx("connection %zu (port %u): %s: %s, %zu quer%s unanswered%s",
	    (size_t)(c - lg->conns), c->local_port, why, c->greeted ?
	    "session ended" : "no prompt", c->in_flight,
	    c->in_flight == 1 ? "y" : "ies", c->answer_bytes > 0 ?
	    ", an answer cut" : "");
	conn_close(c);
	conn_reopen_later(c, RECONNECT_PAUSE_US);
}

/* A connection that cannot go on: fatal before the clock, else counted. */
static void
conn_fail(struct conn *c, const char *why)
{
	struct loadgen *lg = c->lg;

	if (!lg->running && lg->started == 0)
		errx(1, "connection %zu: %s", (size_t)(c - lg->conns), why);
	if (lg->running && lg->reconnect) {
		conn_ended(c, why);
		return;
	}
	if (lg->running) {
		lg->failures++;
		warnx("connection %zu: %s", (size_t)(c - lg->conns), why);
	}
	conn_close(c);
	if (lg->alive == 0)
		stop(lg);
}

static void
conn_write(struct conn *c, const char *data, size_t len)
{
	ssize_t n = 0;

	if (c->unsent_len == 0) {
		n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			conn_fail(c, strerror(errno));
			return;
		}
		if (n == -1)
			n = 0;
		if ((size_t)n == len)
			return;
		event_add(c->write_event, NULL);
	}
	memcpy(c->unsent + c->unsent_len, data + n, len - (size_t)n);
	c->unsent_len += len - (size_t)n;
}

static void
writable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	socklen_t len = sizeof(int);
	ssize_t n;
	int e = 0;

	(void)what;
	if (!c->greeted) {		/* --http: the connect is done */
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			e = errno;
		if (e != 0)
			conn_fail(c, strerror(e));
		else
			greeted(c);
		return;
	}
	n = send(fd, c->unsent, c->unsent_len, MSG_NOSIGNAL);
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		conn_fail(c, strerror(errno));
		return;
	}
	if (n > 0) {
		memmove(c->unsent, c->unsent + n, c->unsent_len - (size_t)n);
		c->unsent_len -= (size_t)n;
	}
	if (c->unsent_len > 0)
		event_add(c->write_event, NULL);
}

/* Send the next query; its latency counts from since. */
static void
send_query(struct conn *c, uint64_t since)
{
	struct loadgen *lg = c->lg;
	const struct query *q = &lg->queries[c->next_query];

	c->next_query = (c->next_query + 1) % lg->nqueries;
	c->sent_at[(c->oldest + c->in_flight) % MAX_IN_FLIGHT] = since;
	c->in_flight++;
	c->session_sent++;
	conn_write(c, q->line, q->len);
}

/* --session-queries: this connection may send another query. */
static bool
session_open(const struct conn *c)
{
	return c->lg->session_queries == 0 ||
	    c->session_sent < c->lg->session_queries;
}

/*
 * --rate: send every query that is due and has room in flight, then wait
 * for the next one to fall due (or for an answer to make room).
 */
static void
send_due(struct conn *c)
{
	struct loadgen *lg = c->lg;
	uint64_t now = now_ns(), wait;
	struct timeval tv;

	while (c->fd != -1 && c->next_due <= now && c->in_flight < lg->depth &&
	    session_open(c)) {
		send_query(c, c->next_due);
		c->next_due += lg->interval;
	}
	if (c->fd == -1 || c->in_flight == lg->depth || !session_open(c))
		return;
	wait = c->next_due - now;
	tv.tv_sec = (time_t)(wait / 1000000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000000 / 1000);
	evtimer_add(c->due_event, &tv);
}

static void
due_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	send_due(arg);
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct loadgen *lg = arg;

	(void)fd;
	(void)what;
	if (!lg->running)
		errx(1, "only %zu of %zu connections got the prompt in time",
		    lg->greeted, lg->nconns);
	stop(lg);
}

/* The first queries of a connection that has its prompt. */
static void
conn_start(struct conn *c, uint64_t first_due)
{
	struct loadgen *lg = c->lg;

	if (lg->rate > 0) {
		c->next_due = first_due;
		send_due(c);
		return;
	}
	for (size_t k = 0; k < lg->depth && c->fd != -1 && session_open(c);
	    k++)
		send_query(c, now_ns());
}

/* Every connection has its prompt: start the clock and the queries. */
static void
start(struct loadgen *lg)
{
	size_t i;

	lg->running = true;
	lg->started = now_ns();
	evtimer_del(lg->timer);
	evtimer_add(lg->timer, &lg->duration);
	for (i = 0; i < lg->nconns; i++)
		conn_start(&lg->conns[i], lg->started +
		    lg->interval * i / lg->nconns);
}

/* A connection is ready for queries (telnet: the prompt came). */
static void
greeted(struct conn *c)
{
	struct loadgen *lg = c->lg;

	if (c->greeted) {
		conn_fail(c, "a second greeting");
		return;
	}
	c->greeted = true;
	if (lg->running)	/* --reconnect: opened again */
		conn_start(c, now_ns());
	else if (++lg->greeted == lg->nconns)
		start(lg);
}

static void
answer_arrived(struct conn *c, enum answer_event ev)
{
	struct loadgen *lg = c->lg;
	uint64_t sent;

	if (c->in_flight == 0) {
		conn_fail(c, "an answer to no query");
		return;
	}
	sent = c->sent_at[c->oldest];
	c->oldest = (c->oldest + 1) % MAX_IN_FLIGHT;
	c->in_flight--;
	if (!lg->running)
		return;
	histogram_record(&lg->latency, now_ns() - sent);
	lg->answers++;
	if (ev == ANSWER_ERROR)
		lg->error_answers++;
	if (!session_open(c)) {
		if (c->in_flight == 0) {	/* its last answer: a new one */
			conn_close(c);
			conn_reopen_later(c, 0);
		}
	} else if (lg->rate > 0)
		send_due(c);
	else
		send_query(c, now_ns());
}

static void
http_readable(struct conn *c, size_t n)
{
	struct loadgen *lg = c->lg;
	size_t off = 0, used;

	while (off < n && c->fd != -1) {
		switch (http_response_parser_feed(&c->http, lg->readbuf + off,
		    n - off, &used)) {
		case HTTP_NONE:
			break;
		case HTTP_OK:
			answer_arrived(c, ANSWER_DONE);
			break;
		case HTTP_ERROR:
			answer_arrived(c, ANSWER_ERROR);
			break;
		case HTTP_BAD:
			conn_fail(c, c->http.why);
			break;
		}
		off += used;
	}
}

static void
readable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct loadgen *lg = c->lg;
	enum answer_event ev;
	size_t off = 0, used;
	ssize_t n;

	(void)what;
	n = read(fd, lg->readbuf, sizeof(lg->readbuf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_fail(c, n == 0 ? "closed by the server" : strerror(errno));
		return;
	}
	if (lg->running)
		lg->bytes += (uint64_t)n;
	if (lg->http) {
		http_readable(c, (size_t)n);
		return;
	}
	while (off < (size_t)n && c->fd != -1) {
		ev = answer_parser_feed(&c->parser, lg->readbuf + off,
		    (size_t)n - off, &used);
		off += used;
		c->answer_bytes += used;
		if (ev != ANSWER_NONE)
			c->answer_bytes = 0;
		switch (ev) {
		case ANSWER_NONE:
			break;
		case ANSWER_GREETING:
			greeted(c);
			break;
		case ANSWER_DONE:
		case ANSWER_ERROR:
			answer_arrived(c, ev);
			break;
		case ANSWER_BAD:
			conn_fail(c, c->parser.why);
			break;
		}
	}
}

/* A new connection for c, from its first byte; false if connect failed. */
static bool
conn_open(struct conn *c)
{
	struct loadgen *lg = c->lg;
	struct sockaddr_storage local;
	socklen_t local_len = sizeof(local);
	int one = 1;

	answer_parser_init(&c->parser);
	http_response_parser_init(&c->http);
	c->greeted = false;
	c->oldest = c->in_flight = 0;
	c->unsent_len = 0;
	c->session_sent = c->answer_bytes = 0;
	c->local_port = 0;
	c->fd = socket(lg->server.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1)
		err(1, "socket");
	/* Queries are small and pipelined: never hold one back. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/*
	 * The port is picked by connect(), as without --source, not by
	 * bind(): connect() may reuse a port still in TIME_WAIT (Linux's
	 * tcp_tw_reuse, on for loopback), so many short sessions from one
	 * address do not run out of ports.
	 */
	if (lg->source.ss_family != 0 && (setsockopt(c->fd, IPPROTO_IP,
	    IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one)) == -1 || bind(c->fd,
	    (struct sockaddr *)&lg->source, lg->server_len) == -1))
		err(1, "bind to the --source address");
	c->read_event = event_new(lg->base, c->fd, EV_READ | EV_PERSIST,
	    readable_cb, c);
	c->write_event = event_new(lg->base, c->fd, EV_WRITE,
	    writable_cb, c);
	c->due_event = evtimer_new(lg->base, due_cb, c);
	if (c->read_event == NULL || c->write_event == NULL ||
	    c->due_event == NULL)
		errx(1, "event_new failed");
	lg->alive++;
	if (connect(c->fd, (struct sockaddr *)&lg->server, lg->server_len) ==
	    -1 && errno != EINPROGRESS)
		return false;
	/* The port is bound by connect(), before the handshake ends. */
	if (getsockname(c->fd, (struct sockaddr *)&local, &local_len) == 0)
		c->local_port = ntohs(local.ss_family == AF_INET6 ?
		    ((struct sockaddr_in6 *)&local)->sin6_port :
		    ((struct sockaddr_in *)&local)->sin_port);
	event_add(c->read_event, NULL);
	if (lg->http)		/* no greeting: writable when connected */
		event_add(c->write_event, NULL);
	return true;
}

static void
reopen_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (!c->lg->running)
		return;
	c->lg->connects++;
	if (!conn_open(c))
		conn_fail(c, strerror(errno));
}

/* A numeric address and port; the port may be NULL (0). */
static socklen_t
resolve(const char *host, const char *port, struct sockaddr_storage *ss)
{
	struct addrinfo hints, *ai;
	socklen_t len;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port != NULL ? port : "0", &hints,
	    &ai)) != 0)
		errx(1, "%s port %s: %s", host, port, gai_strerror(e));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return len;
}

static void
connect_all(struct loadgen *lg, const char *host, const char *port,
    const char *source)
{
	struct conn *c;
	size_t i;

	lg->server_len = resolve(host, port, &lg->server);
	if (source != NULL && resolve(source, NULL, &lg->source) !=
	    lg->server_len)
		errx(1, "--source %s and --host %s: not the same family",
		    source, host);
	for (i = 0; i < lg->nconns; i++) {
		c = &lg->conns[i];
		c->lg = lg;
		c->next_query = i % lg->nqueries;
		c->unsent = malloc(MAX_IN_FLIGHT * (MAX_QUERY_LEN + 2));
		c->reopen_event = evtimer_new(lg->base, reopen_cb, c);
		if (c->unsent == NULL || c->reopen_event == NULL)
			err(1, NULL);
		if (!conn_open(c))
			err(1, "connect to %s port %s", host, port);
	}
}

static void
report(const struct loadgen *lg)
{
	double secs = (double)(lg->stopped - lg->started) / 1e9;
	double qps = (double)lg->answers / secs;
	double mbps = (double)lg->bytes / secs / 1e6;
	double p50 = histogram_percentile(&lg->latency, 0.50) / 1e6;
	double p99 = histogram_percentile(&lg->latency, 0.99) / 1e6;
	double max = lg->latency.max / 1e6;
	uint64_t errors = lg->error_answers + lg->failures;

	printf("%zu connections, %zu in flight each", lg->nconns, lg->depth);
	if (lg->rate > 0)
		printf(", %.0f queries/s offered", lg->rate);
	printf(", %.2f s: %llu answers, %.1f queries/s, %.2f MB/s\n", secs,
	    (unsigned long long)lg->answers, qps, mbps);
	printf("latency p50 %.3f ms, p99 %.3f ms, max %.3f ms; "
	    "errors %llu (%llu error answers, %llu failed connections)\n",
	    p50, p99, max, (unsigned long long)errors,
	    (unsigned long long)lg->error_answers,
	    (unsigned long long)lg->failures);
	if (lg->reconnect)
		printf("reconnecting: %llu connections opened during the run, "
		    "%llu without a prompt; %llu sessions ended by the server "
		    "with %llu queries unanswered and %llu answers cut\n",
		    (unsigned long long)lg->connects,
		    (unsigned long long)lg->connect_failures,
		    (unsigned long long)lg->sessions_ended,
		    (unsigned long long)lg->lost,
		    (unsigned long long)lg->truncated);
	printf("RESULT connections=%zu in_flight=%zu rate=%.1f seconds=%.3f "
	    "answers=%llu qps=%.1f bytes=%llu mbps=%.3f p50_ms=%.4f "
	    "p99_ms=%.4f max_ms=%.4f errors=%llu",
	    lg->nconns, lg->depth, lg->rate, secs,
	    (unsigned long long)lg->answers, qps,
	    (unsigned long long)lg->bytes, mbps, p50, p99, max,
	    (unsigned long long)errors);
	if (lg->reconnect)
		printf(" connects=%llu connect_failures=%llu "
		    "sessions_ended=%llu lost=%llu truncated=%llu",
		    (unsigned long long)lg->connects,
		    (unsigned long long)lg->connect_failures,
		    (unsigned long long)lg->sessions_ended,
		    (unsigned long long)lg->lost,
		    (unsigned long long)lg->truncated);
	printf("\n");
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: loadgen [--host ADDR] --port N "
	    "(--queries FILE | --http PATH)\n"
	    "               [--source ADDR] [--connections N] [--in-flight Q]\n"
	    "               [--rate QUERIES_PER_SECOND] [--duration SECONDS]\n"
	    "               [--connect-timeout SECONDS]\n"
	    "               [--reconnect [--session-queries N]]\n");
	exit(2);
}

static double
parse_number(const char *s, double min, double max, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		errx(2, "%s: expected a number from %g to %g, got '%s'", what,
		    min, max, s);
	return v;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "host",		required_argument, NULL, 'h' },
		{ "port",		required_argument, NULL, 'p' },
		{ "queries",		required_argument, NULL, 'q' },
		{ "connections",	required_argument, NULL, 'c' },
		{ "in-flight",		required_argument, NULL, 'i' },
		{ "rate",		required_argument, NULL, 'r' },
		{ "duration",		required_argument, NULL, 'd' },
		{ "connect-timeout",	required_argument, NULL, 't' },
		{ "http",		required_argument, NULL, 'H' },
		{ "source",		required_argument, NULL, 's' },
		{ "reconnect",		no_argument,	   NULL, 'R' },
		{ "session-queries",	required_argument, NULL, 'S' },
		{ NULL,			0,		   NULL, 0 },
	};
	static struct loadgen lg;
	struct event_config *cfg;
	const char *host = "127.0.0.1", *port = NULL, *queries = NULL;
	const char *http = NULL, *source = NULL;
	size_t i;
	int ch;

	lg.nconns = 1;
	lg.depth = 1;
	lg.duration = seconds_to_timeval(5);
	lg.connect_timeout = seconds_to_timeval(10);
	while ((ch = getopt_long(argc, argv, "h:p:q:c:i:r:d:t:H:s:RS:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			host = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'q':
			queries = optarg;
			break;
		case 'c':
			lg.nconns = (size_t)parse_number(optarg, 1, 100000,
			    "--connections");
			break;
		case 'i':
			lg.depth = (size_t)parse_number(optarg, 1,
			    MAX_IN_FLIGHT, "--in-flight");
			break;
		case 'r':
			lg.rate = parse_number(optarg, 1, 1e8, "--rate");
			break;
		case 'd':
			lg.duration = seconds_to_timeval(parse_number(optarg,
			    0.001, 86400, "--duration"));
			break;
		case 't':
			lg.connect_timeout = seconds_to_timeval(parse_number(
			    optarg, 0.001, 3600, "--connect-timeout"));
			break;
		case 'H':
			http = optarg;
			break;
		case 's':
			source = optarg;
			break;
		case 'R':
			lg.reconnect = true;
			break;
		case 'S':
			lg.session_queries = (size_t)parse_number(optarg, 1,
			    1e9, "--session-queries");
			break;
		default:
			usage();
		}
	}
	if (optind != argc || port == NULL || (queries == NULL) ==
	    (http == NULL) || (lg.session_queries > 0 && !lg.reconnect))
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (http != NULL)
		set_http_request(&lg, http, host, port);
	else
		load_queries(&lg, queries);
	if ((lg.conns = calloc(lg.nconns, sizeof(*lg.conns))) == NULL)
		err(1, NULL);
	lg.interval = lg.rate > 0 ? (uint64_t)(1e9 * (double)lg.nconns /
	    lg.rate) : 0;
	/*
	 * --rate needs timers to the microsecond (a timerfd), not epoll's
	 * millisecond.  They cost a timerfd_settime() before every
	 * epoll_wait(), so the closed loop goes without.
	 */
	if ((cfg = event_config_new()) == NULL || (lg.rate > 0 &&
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) == -1) ||
	    (lg.base = event_base_new_with_config(cfg)) == NULL)
		errx(1, "event_base_new failed");
	event_config_free(cfg);
	lg.timer = evtimer_new(lg.base, deadline_cb, &lg);
	evtimer_add(lg.timer, &lg.connect_timeout);
	connect_all(&lg, host, port, source);
	event_base_dispatch(lg.base);
	stop(&lg);
	report(&lg);

	for (i = 0; i < lg.nconns; i++) {
		conn_close(&lg.conns[i]);
		event_free(lg.conns[i].reopen_event);
		free(lg.conns[i].unsent);
	}
	for (i = 0; i < lg.nqueries; i++)
		free((char *)lg.queries[i].line);
	free(lg.conns);
	event_free(lg.timer);
	event_base_free(lg.base);
	return 0;
}
