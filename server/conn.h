/*
 * conn.h: one client connection and its state machine.
 *
 * Every connection is one bufferevent (the output), one read event (the
 * input, read by hand) and one state, changed only by conn_set_state();
 * conn_drive() runs the machine until it has to wait for the client (more
 * input, or room in the output).
 */
#ifndef CONN_H
#define CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#include "cf_query.h"
#include "line_decoder.h"

enum conn_state {
	CONN_READING,	/* decoding input into lines, waiting for more */
	CONN_ANSWERING,	/* streaming an answer while the output has room */
	CONN_CLOSING,	/* flushing what is queued, then closing */
};

struct worker;

struct conn {
	LIST_ENTRY(conn) entry;
	struct worker *worker;
	struct bufferevent *bev;	/* writes, and their timeout */
	struct event *read_event;	/* reads, and the idle timeout */
	struct evbuffer *input;		/* read, not yet decoded */
	enum conn_state state;
	bool input_closed;		/* EOF: finish what was sent, close */
	struct line_decoder decoder;
	size_t limit;			/* result lines per answer; 0: all */
	/* The answer being streamed; the query lives in decoder.buf. */
	struct cf_answer *answer;
	struct cf_cursor cursor;
	size_t answer_bytes;
	const char *query;
	size_t query_len;
};

/* Takes fd; -1 (fd still the caller's) when out of memory. */
int conn_new(struct worker *w, int fd);
void conn_free(struct conn *c);
/* The daemon stops: answer what is in progress, then close. */
void conn_shutdown(struct conn *c);

#endif
