/*
 * conn.h: one telnet/nc client connection and its state machine.
 *
 * Every connection is one bufferevent (the output, output.h), one read
 * event (the input, read by hand) and one state, changed only by
 * conn_set_state(); conn_drive() runs the machine until it has to wait
 * for the client (more input, or room in the output).
 *
 * Who may touch a connection, and until when:
 * - The worker creates it (conn_new), puts it on its list and starts it
 *   (conn_start).  From then on it runs itself from libevent's callbacks.
 * - It closes itself: conn_close() tells the worker (worker_conn_closed(),
 *   which takes it off the list) and frees it, all at once.  Any function
 *   here that may close it (conn_start, conn_shutdown, conn_close) may
 *   leave the caller with a dangling pointer: after calling one, the
 *   caller must not touch the connection again.  The worker walks its list
 *   with the next element saved first, for that reason.
 */
#ifndef CONN_H
#define CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "cf_query.h"
#include "commands.h"
#include "line_decoder.h"
#include "util.h"

enum conn_state {
	CONN_PROXY,	/* from a load balancer: reading its PROXY header */
	CONN_READING,	/* decoding input into lines, waiting for more */
	CONN_ANSWERING,	/* streaming an answer while the output has room */
	CONN_CLOSING,	/* flushing what is queued, then closing */
};

struct worker;

struct conn {
	LIST_ENTRY(conn) entry;		/* the worker's list: worker.c only */
	struct worker *worker;
	struct peer peer;
	struct bufferevent *bev;	/* writes, and their timeout */
	struct event *read_event;	/* reads, and the idle timeout */
	struct evbuffer *input;		/* read, not yet decoded */
	enum conn_state state;
	bool input_closed;		/* EOF: finish what was sent, close */
	bool address_counted;		/* holds a slot of peer's address */
	bool seen_line;			/* a first line came (byte order mark) */
	struct line_decoder decoder;
	struct session session;		/* /limit, /order, /tones */
	/* The answer being streamed; the query lives in decoder.buf. */
	struct cf_answer *answer;
	struct cf_cursor cursor;
	size_t answer_bytes;
	size_t turn_bytes;		/* answer bytes added this turn (a
					   made line: MADE_LINE_COST) */
	const char *query;
	size_t query_len;
	uint64_t query_started;		/* monotonic_us() */
	uint64_t proxy_deadline;	/* monotonic_us(): the PROXY header by then */
};

struct handoff;

/* A connection on h's socket (taken) from peer, not started; NULL when out
 * of memory (the socket still the caller's). */
struct conn *conn_new(struct worker *w, const struct handoff *h,
    const struct peer *peer);
/* Greet the client and serve it (a proxied one, once its PROXY header has
 * named it).  May close it. */
void conn_start(struct conn *c);
/* The daemon stops: finish the answer in progress, flush, close.  May close
 * it. */
void conn_shutdown(struct conn *c);
/* Close now, dropping queued output. */
void conn_close(struct conn *c);

#endif
