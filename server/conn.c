/*
 * conn.c: the telnet front end's connection and its state machine.
 *
 *   PROXY ---(header)---> READING ---(query line)---> ANSWERING
 *     |                      ^  |                        |
 *     |                      |  +-----(status line)------+
 *     |                      |
 *     |                      +--(Ctrl-D, /quit, EOF)--> CLOSING --> closed
 *     +--(bad or late header)--> closed
 *
 * A connection from a --proxy-from source starts in PROXY: the load
 * balancer's PROXY header names the real client, who gets the prompt
 * then.  Others start in READING.
 *
 * Input goes through the telnet-aware line decoder; an answer is streamed
 * from the index in pieces while the output stays under a watermark, so a
 * client that does not read holds at most that much, and the next pipelined
 * query waits until the output drains.
 *
 * Input is read by hand (conn_readable_cb): libevent's evbuffer_read() asks
 * the kernel how much is waiting (ioctl FIONREAD) before every read: one
 * system call more per query on top of the read and the write, 12 to 20% of
 * the CPU time of a short query on the benchmark's VM.  The output is
 * written through (output.h).
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

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
#include "output.h"
#include "protocol.h"
#include "proxy_header.h"
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
/*
 * Answer bytes one turn may add: a long answer goes on in turns of this
 * size, each after every other client's new input (PRIORITY_LONG), so
 * that a client's short query waits for one such turn at most.  Measured
 * against the heavy mix and the fairness run of tests/bench/run: 128 KiB
 * cost long answers a third of their throughput; 512 KiB (a whole
 * WRITE_HIGH_WATERMARK, so turns end only when the kernel is full) let 60
 * heavy connections starve a light one again.
 */
#define TURN_BYTES		(256 * 1024)
/*
 * What a line made for this answer (a label such as <unassigned-0378>)
 * counts toward TURN_BYTES: making one costs about 0.1 us, as much as
 * sending 256 bytes of the arena's lines by reference.  So a turn of
 * U+0000..U+10FFFF makes about 1,000 lines (0.1 ms), not 7,500 (0.8 ms).
 */
#define MADE_LINE_COST		256
/* The longest query a -vv log line quotes, in bytes. */
#define LOG_QUERY_MAX		256
/* A PROXY header must come whole within this many seconds. */
#define PROXY_TIMEOUT		5

static const char address_line[] =
    "error: too many connections from your address\r\n";

enum step {
	STEP_CONTINUE,	/* the state changed: run the machine again */
	STEP_WAIT,	/* wait for the client: input, or room to write */
	STEP_CLOSED,	/* the connection is gone */
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

static const char *
plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

static void
conn_set_state(struct conn *c, enum conn_state state)
{
	c->state = state;
	switch (state) {
	case CONN_PROXY:
	case CONN_READING:
	case CONN_ANSWERING:
		output_set_low_watermark(c->bev, WRITE_LOW_WATERMARK);
		break;
	case CONN_CLOSING:
		/* Called back when the output is empty: then close. */
		output_set_low_watermark(c->bev, 0);
		event_del(c->read_event);
		break;
	}
}

static void
conn_prompt(struct conn *c)
{
	evbuffer_add(conn_output(c), PROTOCOL_PROMPT,
	    sizeof(PROTOCOL_PROMPT) - 1);
}

static void __attribute__((format(printf, 2, 3)))
conn_error(struct conn *c, const char *fmt, ...)
{
	struct evbuffer *out = conn_output(c);
	va_list ap;

	evbuffer_add(out, PROTOCOL_ERROR, sizeof(PROTOCOL_ERROR) - 1);
	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	evbuffer_add(out, PROTOCOL_EOL, sizeof(PROTOCOL_EOL) - 1);
	conn_prompt(c);
}

static void
log_query(const struct conn *c, const char *text, size_t len, size_t count)
{
	char quoted[CF_REPR_MAX(LOG_QUERY_MAX)];

	if (log_verbosity() < 2)
		return;
	len = utf8_prefix(text, len, LOG_QUERY_MAX);
	log_debug("%s: %.*s -> %zu", c->peer.name,
	    (int)cf_repr(text, len, quoted), quoted, count);
}

static enum step
conn_query(struct conn *c, const char *text, size_t len)
{
	struct server *srv = conn_server(c);
	char err[256];

	c->query_started = monotonic_us();
	if (c->answer == NULL && (c->answer = cf_answer_new()) == NULL) {
		conn_error(c, "out of memory, try again later");
		return STEP_CONTINUE;
	}
	if (cf_index_query_opts(srv->index, text, len, &c->session.query,
	    c->answer, err, sizeof(err)) == -1) {
		stat_add(&c->worker->stats.errors[ERROR_QUERY], 1);
		conn_error(c, "%s", err);
		return STEP_CONTINUE;
	}
	stat_add(&c->worker->stats.queries[cf_answer_form(c->answer)], 1);
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
	const char *line = c->decoder.buf, *text;
	size_t len = c->decoder.len, textlen;

	if (!c->seen_line) {
		c->seen_line = true;
		textlen = line_bom_length(line, len);
		line += textlen;
		len -= textlen;
	}
	switch (line_classify(line, len, &text, &textlen)) {
	case LINE_EMPTY:
		conn_prompt(c);
		break;
	case LINE_LEAVE:
		log_info("%s leaves", c->peer.name);
		conn_set_state(c, CONN_CLOSING);
		break;
	case LINE_BAD_UTF8:
		stat_add(&c->worker->stats.errors[ERROR_BAD_UTF8], 1);
		conn_error(c, "the line is not valid UTF-8");
		break;
	case LINE_CONTROL:
		stat_add(&c->worker->stats.errors[ERROR_CONTROL], 1);
		conn_error(c, "control character in the query "
		    "(only TAB may separate words)");
		break;
	case LINE_COMMAND:
		switch (command_run(conn_server(c), text, textlen,
		    &c->session, conn_output(c))) {
		case COMMAND_QUIT:
			conn_set_state(c, CONN_CLOSING);
			break;
		case COMMAND_ERROR:
			stat_add(&c->worker->stats.errors[ERROR_COMMAND], 1);
			conn_prompt(c);
			break;
		case COMMAND_DONE:
			conn_prompt(c);
			break;
		}
		break;
	case LINE_QUERY:
		return conn_query(c, text, textlen);
	}
	return STEP_CONTINUE;
}

/*
 * Feed the received bytes to the decoder until a line is complete.  Waits
 * while the output is over the watermark (the client is not reading), and
 * after LINES_PER_TURN lines lets the other clients of this thread go first.
 * Once input has ended nothing waits for more: the decoder gives up what it
 * holds (ld_finish), and the connection closes.
 */
static enum step
conn_read_step(struct conn *c, unsigned *lines)
{
	struct evbuffer *in = c->input;
	struct evbuffer_iovec v;
	enum ld_event ev;

	while (evbuffer_get_length(conn_output(c)) < WRITE_HIGH_WATERMARK) {
		if (++*lines > LINES_PER_TURN) {
			output_next_turn(c->bev);
			return STEP_WAIT;
		}
		/* Peek, not pullup: the decoder takes any split. */
		if (evbuffer_get_length(in) > 0 &&
		    evbuffer_peek(in, -1, NULL, &v, 1) >= 1)
			evbuffer_drain(in, ld_feed(&c->decoder, v.iov_base,
			    v.iov_len, &ev));
		else if (!c->input_closed)
			return STEP_WAIT;
		else if (!ld_ended(&c->decoder))
			ev = ld_finish(&c->decoder);	/* the last line */
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
			log_info("%s interrupts", c->peer.name);
			conn_close(c);
			return STEP_CLOSED;
		case LD_TOO_LONG:
			stat_add(&c->worker->stats.errors[ERROR_TOO_LONG], 1);
			conn_error(c, "line longer than %zu bytes, ignored",
			    c->decoder.max_line);
			break;
		case LD_LINE:
			return conn_line(c);
		}
	}
	return STEP_WAIT;
}

/* The PROXY header that names a load balancer's client comes first. */
static enum step
conn_proxy_step(struct conn *c)
{
	size_t len = evbuffer_get_length(c->input), used;
	struct proxy_info info;
	const uint8_t *buf;
	const char *why;
	struct peer real;

	if (len > PROXY_HEADER_MAX)
		len = PROXY_HEADER_MAX;
	buf = evbuffer_pullup(c->input, (ev_ssize_t)len);
	switch (proxy_parse(buf, len, &used, &info, &why)) {
	case PROXY_MORE:
		if (!c->input_closed)
			return STEP_WAIT;
		why = "the connection ended within its PROXY header";
		break;
	case PROXY_BAD:
		break;
	case PROXY_DONE:
		evbuffer_drain(c->input, used);
		/* Watched again with the idle timeout, not the header's. */
		event_del(c->read_event);
		/* LOCAL (a health check) and UNKNOWN name no client. */
		if (info.has_client) {
			peer_set(&real, &info.client.sa, info.client_len);
			log_info("%s: client %s", c->peer.name, real.name);
			c->peer = real;
			if (!server_take_address(conn_server(c),
			    &c->peer.addr, NULL)) {
				log_info("%s: too many clients from its "
				    "address", c->peer.name);
				evbuffer_add(conn_output(c), address_line,
				    sizeof(address_line) - 1);
				conn_set_state(c, CONN_CLOSING);
				return STEP_CONTINUE;
			}
			c->address_counted = true;
		}
		conn_set_state(c, CONN_READING);
		conn_prompt(c);
		return STEP_CONTINUE;
	}
	log_warnx("%s: %s, closing", c->peer.name, why);
	conn_close(c);
	return STEP_CLOSED;
}

static enum step
conn_answer_end(struct conn *c)
{
	struct worker *w = c->worker;
	struct evbuffer *out = conn_output(c);
	struct evbuffer_iovec v;

	if (evbuffer_reserve_space(out, CF_STATUS_MAX(c->query_len), &v,
	    1) != 1) {
		log_warnx("%s: %s: out of memory for the status line, closing",
		    __func__, c->peer.name);
		conn_close(c);
		return STEP_CLOSED;
	}
	v.iov_len = cf_status_line(v.iov_base, c->query, c->query_len,
	    cf_answer_count(c->answer), c->cursor.lines);
	evbuffer_commit_space(out, &v, 1);
	c->answer_bytes += v.iov_len;
	conn_prompt(c);
	stat_add(&w->stats.result_lines, c->cursor.lines);
	stat_add(&w->stats.bytes_out, c->answer_bytes);
	stat_latency(&w->stats, monotonic_us() - c->query_started);
	conn_set_state(c, w->stopping ? CONN_CLOSING : CONN_READING);
	return STEP_CONTINUE;
}

/* Add answer pieces until the output reaches the watermark or all is out. */
static enum step
conn_answer_step(struct conn *c)
{
	const struct server *srv = conn_server(c);
	struct evbuffer *out = conn_output(c);
	struct cf_piece piece;
	char buf[CF_LINE_MAX];

	while (evbuffer_get_length(out) < WRITE_HIGH_WATERMARK &&
	    c->turn_bytes < TURN_BYTES) {
		if (!cf_answer_next(srv->index, c->answer, &c->cursor,
		    c->session.limit, PIECE_MAX, &piece, buf))
			return conn_answer_end(c);
		if (piece.stable && piece.len >= REFERENCE_MIN)
			evbuffer_add_reference(out, piece.data, piece.len,
			    NULL, NULL);
		else
			evbuffer_add(out, piece.data, piece.len);
		c->answer_bytes += piece.len;
		c->turn_bytes += piece.stable ? piece.len :
		    piece.lines * MADE_LINE_COST;
	}
	return STEP_WAIT;
}

static enum step
conn_close_step(struct conn *c)
{
	if (evbuffer_get_length(conn_output(c)) > 0)
		return STEP_WAIT;
	conn_close(c);
	return STEP_CLOSED;
}

/*
 * Watch for input while there is room for it: past READ_HIGH_WATERMARK (a
 * client that pipelines faster than it reads its answers) the kernel holds
 * the rest, and TCP slows the client down.  No input is idle time.  Never
 * armed once input has ended: the socket would stay readable forever.
 */
static void
conn_watch_input(struct conn *c)
{
	const struct options *opts = conn_server(c)->opts;
	struct timeval idle = { opts->idle_timeout, 0 };
	struct timeval proxy = { 0, 0 };
	uint64_t now;

	if (c->state == CONN_CLOSING || c->input_closed ||
	    c->worker->stopping ||
	    evbuffer_get_length(c->input) >= READ_HIGH_WATERMARK)
		event_del(c->read_event);
	else if (c->state == CONN_PROXY) {
		/*
		 * The whole header in time: what is left of it, set again
		 * after every read (libevent restarts a persistent event's
		 * timeout whenever it reads).
		 */
		now = monotonic_us();
		if (now < c->proxy_deadline) {
			proxy.tv_sec = (time_t)((c->proxy_deadline - now) /
			    1000000);
			proxy.tv_usec = (suseconds_t)((c->proxy_deadline -
			    now) % 1000000);
		}
		event_add(c->read_event, &proxy);
	} else if (!event_pending(c->read_event, EV_READ, NULL))
		event_add(c->read_event, opts->idle_timeout > 0 ? &idle : NULL);
}

/*
 * Run the machine until it waits, writing what it made as it goes.  May
 * close the connection.
 */
static void
conn_drive(struct conn *c)
{
	struct evbuffer *out = conn_output(c);
	enum step step = STEP_CONTINUE;
	unsigned lines = 0, writes = 0;
	int n;

	c->turn_bytes = 0;
	for (;;) {
		while (step == STEP_CONTINUE) {
			switch (c->state) {
			case CONN_PROXY:
				step = conn_proxy_step(c);
				break;
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
		if (step == STEP_CLOSED)
			return;
		if ((n = output_flush(c->bev)) == -1) {
			log_debug("%s: %s: %s", __func__, c->peer.name,
			    strerror(errno));
			conn_close(c);
			return;
		}
		/* The kernel took it: make more while the turn lasts. */
		if (n == 0 || ++writes == WRITES_PER_TURN ||
		    evbuffer_get_length(out) >= WRITE_LOW_WATERMARK ||
		    c->turn_bytes >= TURN_BYTES)
			break;
		step = STEP_CONTINUE;
	}
	if (evbuffer_get_length(out) > 0)
		output_watch(c->bev);
	else {
		output_unwatch(c->bev);
		if (c->state == CONN_CLOSING) {
			conn_close(c);
			return;
		}
		if (c->state == CONN_ANSWERING)	/* the turn ended: resume */
			output_next_turn(c->bev);
	}
	conn_watch_input(c);
}

/* The output drained to its low watermark, or another turn came. */
static void
conn_turn_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_drive(arg);
}

/* From the bufferevent, which only writes: a broken or a stuck client. */
static void
conn_output_error_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	unsigned timeout = conn_server(c)->opts->write_timeout;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		log_info("%s: nothing read for %u second%s, closing",
		    c->peer.name, timeout, plural(timeout));
	else
		log_debug("%s: %s: %s", __func__, c->peer.name,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	conn_close(c);
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

/* Nothing came in for --idle-timeout seconds (or no PROXY header). */
static void
conn_idle(struct conn *c)
{
	unsigned timeout = conn_server(c)->opts->idle_timeout;

	if (c->state == CONN_PROXY) {
		log_warnx("%s: no PROXY header within %d seconds, closing",
		    c->peer.name, PROXY_TIMEOUT);
		conn_close(c);
		return;
	}
	/* Quiet, but still reading our answer: not idle. */
	if (c->state != CONN_READING || conn_output_pending(c))
		return;
	log_info("%s: idle for %u second%s, closing", c->peer.name, timeout,
	    plural(timeout));
	evbuffer_add_printf(conn_output(c), PROTOCOL_EOL PROTOCOL_ERROR
	    "idle for %u second%s, closing the connection" PROTOCOL_EOL,
	    timeout, plural(timeout));
	conn_set_state(c, CONN_CLOSING);
	conn_drive(c);
}

/* Input, read by hand: see the top of this file. */
static void
conn_readable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char buf[READ_MAX];
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
			log_warnx("%s: %s: out of memory, closing", __func__,
			    c->peer.name);
			conn_close(c);
			return;
		}
	} else if (n == 0) {
		log_debug("%s: %s: end of input", __func__, c->peer.name);
		c->input_closed = true;
	} else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return;
	} else {
		log_debug("%s: %s: %s", __func__, c->peer.name,
		    strerror(errno));
		conn_close(c);
		return;
	}
	conn_drive(c);
}

struct conn *
conn_new(struct worker *w, const struct handoff *h, const struct peer *peer)
{
	int fd = h->fd;
	const struct options *opts = w->server->opts;
	struct conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->input = evbuffer_new();
	c->read_event = event_new(w->base, fd, EV_READ | EV_PERSIST,
	    conn_readable_cb, c);
	if (c->input == NULL || c->read_event == NULL ||
	    (c->bev = output_new(w->base, fd, WRITE_HIGH_WATERMARK,
	    opts->write_timeout, conn_turn_cb, conn_output_error_cb,
	    c)) == NULL) {
		if (c->read_event != NULL)
			event_free(c->read_event);
		if (c->input != NULL)
			evbuffer_free(c->input);
		free(c);
		return NULL;
	}
	c->worker = w;
	c->peer = *peer;
	c->address_counted = h->address_counted;
	c->state = h->proxied ? CONN_PROXY : CONN_READING;
	c->proxy_deadline = monotonic_us() + PROXY_TIMEOUT * 1000000ULL;
	c->session.limit = opts->max_results;
	ld_init(&c->decoder, opts->max_line);
	return c;
}

void
conn_start(struct conn *c)
{
	int on = 1;

	/* An answer goes out in one write: no Nagle wait for its tail. */
	setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY, &on,
	    sizeof(on));
	log_info("connection from %s%s", c->peer.name, c->state == CONN_PROXY ?
	    " (a proxy)" : "");
	conn_set_state(c, c->state);
	if (c->state == CONN_READING)
		conn_prompt(c);
	conn_drive(c);		/* the prompt; may find the client gone */
}

void
conn_close(struct conn *c)
{
	log_info("closed %s", c->peer.name);
	event_free(c->read_event);
	evbuffer_free(c->input);
	bufferevent_free(c->bev);
	ld_free(&c->decoder);
	cf_answer_free(c->answer);
	worker_conn_closed(c->worker, c);
	free(c);
}

void
conn_shutdown(struct conn *c)
{
	event_del(c->read_event);
	if (c->state == CONN_PROXY) {
		conn_close(c);
		return;
	}
	if (c->state == CONN_READING) {
		conn_set_state(c, CONN_CLOSING);
		conn_drive(c);
	}
}
