/*
 * conn.c: the per-connection state machine.
 *
 *   READING ---(query line)---> ANSWERING ---(status line)---> READING
 *      |                            |
 *      +--(Ctrl-D, /quit, EOF)--> CLOSING --(output flushed)--> freed
 *
 * Input goes through the telnet-aware line decoder; an answer is streamed
 * from the index in pieces while the output stays under a watermark, so a
 * client that does not read holds at most that much, and the next pipelined
 * query waits until the output drains.
 *
 * The bufferevent does the output: writes, the write watermark and the
 * write timeout.  Input is read by hand (conn_readable_cb): libevent's
 * evbuffer_read() asks the kernel how much is waiting (ioctl FIONREAD)
 * before every read: one system call more per query on top of the read and
 * the write, 12 to 20% of the CPU time of a short query on the benchmark's
 * VM.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cf_repr.h"
#include "commands.h"
#include "conn.h"
#include "log.h"
#include "server.h"

/* Output above this: stop adding answer pieces, stop starting queries. */
#define WRITE_HIGH_WATERMARK	(512 * 1024)
/* ... and go on once it has drained to this. */
#define WRITE_LOW_WATERMARK	(128 * 1024)
/* Pipelined input held while answering; past it the kernel holds the rest. */
#define READ_HIGH_WATERMARK	(64 * 1024)
/*
 * One read, as libevent's.  It goes through the stack and is added to the
 * input buffer at its size: a query of a few bytes then takes a small
 * chain, not a read-sized one.
 */
#define READ_MAX		4096
/* One piece of an answer; a few per watermark keep the refill smooth. */
#define PIECE_MAX		(64 * 1024)
/* Smaller pieces are copied: cheaper than a reference's chain. */
#define REFERENCE_MIN		1024
/* Lines one client may have handled before others get their turn. */
#define LINES_PER_TURN		32
/* Writes a turn before a fast reader waits for the loop like the rest. */
#define WRITES_PER_TURN		4

static const char prompt[] = "?> ";

enum step {
	STEP_CONTINUE,	/* the state changed: run the machine again */
	STEP_WAIT,	/* wait for the client: input, or room to write */
	STEP_FREED,	/* the connection is gone */
};

static struct server *
conn_server(const struct conn *c)
{
	return c->worker->server;
}

static struct evbuffer *
conn_output(const struct conn *c)
{
	return bufferevent_get_output(c->bev);
}

static void
conn_set_state(struct conn *c, enum conn_state state)
{
	c->state = state;
	switch (state) {
	case CONN_READING:
	case CONN_ANSWERING:
		bufferevent_setwatermark(c->bev, EV_WRITE,
		    WRITE_LOW_WATERMARK, 0);
		break;
	case CONN_CLOSING:
		/* Called back when the output is empty: then close. */
		bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
		event_del(c->read_event);
		break;
	}
}

static void
conn_prompt(struct conn *c)
{
	evbuffer_add(conn_output(c), prompt, sizeof(prompt) - 1);
}

static void __attribute__((format(printf, 2, 3)))
conn_error(struct conn *c, const char *fmt, ...)
{
	struct evbuffer *out = conn_output(c);
	va_list ap;

	evbuffer_add(out, "error: ", 7);
	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	evbuffer_add(out, "\r\n", 2);
	conn_prompt(c);
}

static const char *
conn_peer(const struct conn *c, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	int fd = bufferevent_getfd(c->bev);

	if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == -1)
		snprintf(buf, len, "fd %d", fd);
	else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (void *)&ss;
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else {
		struct sockaddr_in *sin = (void *)&ss;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	}
	return buf;
}

static void
log_query(const struct conn *c, const char *text, size_t len, size_t count)
{
	char peer[INET6_ADDRSTRLEN + 8], quoted[CF_REPR_MAX(256)];

	if (log_verbosity() < 2)
		return;
	if (len > 256) {	/* a log line, not a transcript */
		len = 256;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;	/* cut on a character boundary */
	}
	log_debug("%s: %.*s -> %zu", conn_peer(c, peer, sizeof(peer)),
	    (int)cf_repr(text, len, quoted), quoted, count);
}

static enum step
conn_query(struct conn *c, const char *text, size_t len)
{
	struct server *srv = conn_server(c);
	char err[256];

	atomic_fetch_add(&srv->stats.queries, 1);
	if (c->answer == NULL && (c->answer = cf_answer_new()) == NULL) {
		conn_error(c, "out of memory, try again later");
		return STEP_CONTINUE;
	}
	if (cf_index_query(srv->index, text, len, c->answer, err,
	    sizeof(err)) == -1) {
		conn_error(c, "%s", err);
		return STEP_CONTINUE;
	}
	log_query(c, text, len, cf_answer_count(c->answer));
	c->query = text;
	c->query_len = len;
	memset(&c->cursor, 0, sizeof(c->cursor));
	c->answer_bytes = 0;
	conn_set_state(c, CONN_ANSWERING);
	return STEP_CONTINUE;
}

/* One complete line from the decoder. */
static enum step
conn_line(struct conn *c)
{
	const char *text;
	size_t len;
	char peer[INET6_ADDRSTRLEN + 8];

	switch (cf_line_classify(c->decoder.buf, c->decoder.len, &text,
	    &len)) {
	case CF_LINE_EMPTY:
		conn_prompt(c);
		break;
	case CF_LINE_LEAVE:
		log_verbose("%s leaves", conn_peer(c, peer, sizeof(peer)));
		conn_set_state(c, CONN_CLOSING);
		break;
	case CF_LINE_BAD_UTF8:
		conn_error(c, "the line is not valid UTF-8");
		break;
	case CF_LINE_CONTROL:
		conn_error(c, "control character in the query "
		    "(only TAB may separate words)");
		break;
	case CF_LINE_COMMAND:
		if (command_run(conn_server(c), text, len, &c->limit,
		    conn_output(c)))
			conn_set_state(c, CONN_CLOSING);
		else
			conn_prompt(c);
		break;
	case CF_LINE_QUERY:
		return conn_query(c, text, len);
	}
	return STEP_CONTINUE;
}

/*
 * Feed the received bytes to the decoder until a line is complete.  Waits
 * while the output is over the watermark (the client is not reading), and
 * after LINES_PER_TURN lines lets the other clients of this thread go first.
 */
static enum step
conn_read_step(struct conn *c, unsigned *lines)
{
	static const uint8_t eol = '\n';
	struct evbuffer *in = c->input;
	struct evbuffer_iovec v;
	enum ld_event ev;
	char peer[INET6_ADDRSTRLEN + 8];

	while (evbuffer_get_length(conn_output(c)) < WRITE_HIGH_WATERMARK) {
		if (++*lines > LINES_PER_TURN) {
			bufferevent_trigger(c->bev, EV_READ,
			    BEV_TRIG_DEFER_CALLBACKS);
			return STEP_WAIT;
		}
		/* Peek, not pullup: the decoder takes any split. */
		if (evbuffer_get_length(in) > 0 &&
		    evbuffer_peek(in, -1, NULL, &v, 1) >= 1)
			evbuffer_drain(in, ld_feed(&c->decoder, v.iov_base,
			    v.iov_len, &ev));
		else if (!c->input_closed)
			return STEP_WAIT;
		else if (ld_pending(&c->decoder))
			ld_feed(&c->decoder, &eol, 1, &ev);	/* last line */
		else {
			conn_set_state(c, CONN_CLOSING);
			return STEP_CONTINUE;
		}
		switch (ev) {
		case LD_NONE:
			break;
		case LD_REPLY:
			evbuffer_add(conn_output(c), c->decoder.reply,
			    sizeof(c->decoder.reply));
			break;
		case LD_INTERRUPT:
			log_verbose("%s interrupts",
			    conn_peer(c, peer, sizeof(peer)));
			conn_free(c);
			return STEP_FREED;
		case LD_TOO_LONG:
			conn_error(c, "line longer than %zu bytes, ignored",
			    c->decoder.max_line);
			break;
		case LD_LINE:
			return conn_line(c);
		}
	}
	return STEP_WAIT;
}

static void
conn_answer_end(struct conn *c)
{
	struct server *srv = conn_server(c);
	struct evbuffer *out = conn_output(c);
	struct evbuffer_iovec v;

	if (evbuffer_reserve_space(out, CF_STATUS_MAX(c->query_len), &v,
	    1) == 1) {
		v.iov_len = cf_status_line(v.iov_base, c->query, c->query_len,
		    cf_answer_count(c->answer), c->cursor.lines);
		evbuffer_commit_space(out, &v, 1);
		c->answer_bytes += v.iov_len;
	}
	conn_prompt(c);
	atomic_fetch_add(&srv->stats.result_lines, c->cursor.lines);
	atomic_fetch_add(&srv->stats.bytes_out, c->answer_bytes);
	conn_set_state(c, c->worker->stopping ? CONN_CLOSING : CONN_READING);
}

/* Add answer pieces until the output reaches the watermark or all is out. */
static enum step
conn_answer_step(struct conn *c)
{
	const struct server *srv = conn_server(c);
	struct evbuffer *out = conn_output(c);
	struct cf_piece piece;
	char buf[CF_LINE_MAX];

	while (evbuffer_get_length(out) < WRITE_HIGH_WATERMARK) {
		if (!cf_answer_next(srv->index, c->answer, &c->cursor,
		    c->limit, PIECE_MAX, &piece, buf)) {
			conn_answer_end(c);
			return STEP_CONTINUE;
		}
		if (piece.stable && piece.len >= REFERENCE_MIN)
			evbuffer_add_reference(out, piece.data, piece.len,
			    NULL, NULL);
		else
			evbuffer_add(out, piece.data, piece.len);
		c->answer_bytes += piece.len;
	}
	return STEP_WAIT;
}

static enum step
conn_close_step(struct conn *c)
{
	if (evbuffer_get_length(conn_output(c)) > 0)
		return STEP_WAIT;
	conn_free(c);
	return STEP_FREED;
}

/*
 * Watch for input while there is room for it: past READ_HIGH_WATERMARK (a
 * client that pipelines faster than it reads its answers) the kernel holds
 * the rest, and TCP slows the client down.  No input is idle time.
 */
static void
conn_watch_input(struct conn *c)
{
	const struct options *opts = conn_server(c)->opts;
	struct timeval idle = { opts->idle_timeout, 0 };

	if (c->state == CONN_CLOSING || c->input_closed ||
	    c->worker->stopping ||
	    evbuffer_get_length(c->input) >= READ_HIGH_WATERMARK)
		event_del(c->read_event);
	else if (!event_pending(c->read_event, EV_READ, NULL))
		event_add(c->read_event, opts->idle_timeout > 0 ? &idle : NULL);
}

/*
 * Write what is queued from the callback that queued it, and let libevent
 * watch for writability only while the kernel does not take it all: a short
 * answer then costs one writev, and no epoll_ctl or extra loop turn.  The
 * bufferevent keeps the front of its output frozen and thaws it around its
 * own writes in just this way.  Returns the bytes written, or -1 when the
 * connection is broken.
 */
static int
conn_write_now(struct conn *c)
{
	struct evbuffer *out = conn_output(c);
	int n;

	if (evbuffer_get_length(out) == 0 ||
	    (bufferevent_get_enabled(c->bev) & EV_WRITE))
		return 0;	/* nothing to do, or libevent is on it */
	evbuffer_unfreeze(out, 1);
	errno = 0;
	n = evbuffer_write(out, bufferevent_getfd(c->bev));
	evbuffer_freeze(out, 1);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		n = 0;
	return n;
}

static void
conn_drive(struct conn *c)
{
	struct evbuffer *out = conn_output(c);
	char peer[INET6_ADDRSTRLEN + 8];
	enum step step = STEP_CONTINUE;
	unsigned lines = 0, writes = 0;
	int n;

	for (;;) {
		while (step == STEP_CONTINUE) {
			switch (c->state) {
			case CONN_READING:
				step = conn_read_step(c, &lines);
				break;
			case CONN_ANSWERING:
				step = conn_answer_step(c);
				break;
			case CONN_CLOSING:
				step = conn_close_step(c);
				break;
			}
		}
		if (step == STEP_FREED)
			return;
		if ((n = conn_write_now(c)) == -1) {
			log_debug("%s: %s: %s", __func__,
			    conn_peer(c, peer, sizeof(peer)), strerror(errno));
			conn_free(c);
			return;
		}
		/* The kernel took it: make more while the turn lasts. */
		if (n == 0 || ++writes == WRITES_PER_TURN ||
		    evbuffer_get_length(out) >= WRITE_LOW_WATERMARK)
			break;
		step = STEP_CONTINUE;
	}
	if (evbuffer_get_length(out) > 0) {
		/* Enabling again would restart the write timeout. */
		if (!(bufferevent_get_enabled(c->bev) & EV_WRITE))
			bufferevent_enable(c->bev, EV_WRITE);
	} else {
		bufferevent_disable(c->bev, EV_WRITE);
		if (c->state == CONN_CLOSING) {
			conn_free(c);
			return;
		}
		if (c->state == CONN_ANSWERING)	/* the turn ended: resume */
			bufferevent_trigger(c->bev, EV_WRITE,
			    BEV_TRIG_DEFER_CALLBACKS);
	}
	conn_watch_input(c);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_drive(arg);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_drive(arg);
}

/*
 * Is the client still taking in what we sent?  Output queued here, or in
 * the kernel and not yet taken in by the client's side (TIOCOUTQ is what
 * the peer has not acknowledged).
 */
static bool
conn_output_pending(const struct conn *c)
{
	int queued = 0;

	if (evbuffer_get_length(conn_output(c)) > 0)
		return true;
	return ioctl(bufferevent_getfd(c->bev), TIOCOUTQ, &queued) == 0 &&
	    queued > 0;
}

/* Nothing came in for --idle-timeout seconds. */
static void
conn_idle(struct conn *c)
{
	const struct options *opts = conn_server(c)->opts;
	char peer[INET6_ADDRSTRLEN + 8];

	/* Quiet, but still reading our answer: not idle. */
	if (c->state != CONN_READING || conn_output_pending(c))
		return;
	log_verbose("%s: idle for %u seconds, closing",
	    conn_peer(c, peer, sizeof(peer)), opts->idle_timeout);
	evbuffer_add_printf(conn_output(c), "\r\nerror: idle for %u "
	    "seconds, closing the connection\r\n", opts->idle_timeout);
	conn_set_state(c, CONN_CLOSING);
	conn_drive(c);
}

/* Input, read by hand: see the top of this file. */
static void
conn_readable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char buf[READ_MAX], peer[INET6_ADDRSTRLEN + 8];
	size_t held = evbuffer_get_length(c->input), room;
	ssize_t n;

	if (what & EV_TIMEOUT) {
		conn_idle(c);
		return;
	}
	if (held >= READ_HIGH_WATERMARK) {	/* conn_watch_input() stops */
		conn_watch_input(c);
		return;
	}
	room = READ_HIGH_WATERMARK - held;
	if (room > READ_MAX)
		room = READ_MAX;
	n = recv(fd, buf, room, 0);
	if (n > 0) {
		if (evbuffer_add(c->input, buf, (size_t)n) == -1) {
			log_warnx("%s: out of memory", __func__);
			conn_free(c);
			return;
		}
	} else if (n == 0) {
		log_debug("%s: %s: end of input", __func__,
		    conn_peer(c, peer, sizeof(peer)));
		c->input_closed = true;
	} else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return;
	} else {
		log_debug("%s: %s: %s", __func__,
		    conn_peer(c, peer, sizeof(peer)), strerror(errno));
		conn_free(c);
		return;
	}
	conn_drive(c);
}

/* From the bufferevent, which only writes: a broken or a stuck client. */
static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	const struct options *opts = conn_server(c)->opts;
	char peer[INET6_ADDRSTRLEN + 8];

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		log_verbose("%s: nothing read for %u seconds, closing",
		    conn_peer(c, peer, sizeof(peer)), opts->write_timeout);
	else
		log_debug("%s: %s: %s", __func__,
		    conn_peer(c, peer, sizeof(peer)),
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	conn_free(c);
}

int
conn_new(struct worker *w, int fd)
{
	const struct options *opts = w->server->opts;
	struct timeval stuck = { opts->write_timeout, 0 };
	struct conn *c;
	char peer[INET6_ADDRSTRLEN + 8];
	int on = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->input = evbuffer_new();
	c->read_event = event_new(w->base, fd, EV_READ | EV_PERSIST,
	    conn_readable_cb, c);
	if (c->input == NULL || c->read_event == NULL ||
	    (c->bev = bufferevent_socket_new(w->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		if (c->read_event != NULL)
			event_free(c->read_event);
		if (c->input != NULL)
			evbuffer_free(c->input);
		free(c);
		return -1;
	}
	c->worker = w;
	c->limit = opts->max_results;
	ld_init(&c->decoder, opts->max_line);
	/* An answer goes out in one write: no Nagle wait for its tail. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	/* The read callback only runs when conn_read_step() yields a turn. */
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb,
	    c);
	/* libevent's default is 16 KiB a write: far too little for answers. */
	bufferevent_set_max_single_write(c->bev, WRITE_HIGH_WATERMARK);
	bufferevent_set_timeouts(c->bev, NULL,
	    opts->write_timeout > 0 ? &stuck : NULL);
	LIST_INSERT_HEAD(&w->conns, c, entry);
	conn_set_state(c, CONN_READING);
	conn_prompt(c);
	/* Writes go out from conn_write_now(); libevent waits only for a full
	 * socket buffer. */
	bufferevent_disable(c->bev, EV_WRITE);
	if (log_verbosity() >= 1)
		log_verbose("connection from %s",
		    conn_peer(c, peer, sizeof(peer)));
	conn_drive(c);		/* the prompt; may find the client gone */
	return 0;
}

void
conn_free(struct conn *c)
{
	struct worker *w = c->worker;
	char peer[INET6_ADDRSTRLEN + 8];

	if (log_verbosity() >= 1)
		log_verbose("closed %s", conn_peer(c, peer, sizeof(peer)));
	LIST_REMOVE(c, entry);
	event_free(c->read_event);
	evbuffer_free(c->input);
	bufferevent_free(c->bev);
	ld_free(&c->decoder);
	cf_answer_free(c->answer);
	atomic_fetch_sub(&w->server->stats.conns_now, 1);
	free(c);
	worker_conn_closed(w);
}

void
conn_shutdown(struct conn *c)
{
	event_del(c->read_event);
	if (c->state == CONN_READING) {
		conn_set_state(c, CONN_CLOSING);
		conn_drive(c);
	}
}
