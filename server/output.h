/*
 * output.h: a connection's output, written through.
 *
 * The output is a bufferevent (libevent keeps the buffer, the write
 * watermark and the write timeout), used in one way that differs from the
 * usual one: what a callback queues is written from that same callback
 * (output_flush), and libevent is asked to watch the socket only while the
 * kernel does not take everything (output_watch).  A short answer then
 * costs one writev, and no epoll_ctl or extra loop turn.  Every dependency
 * on how libevent's socket bufferevent behaves is in output.c.
 *
 * The bufferevent calls back (turn_cb) when its output has drained to the
 * low watermark, and when output_next_turn() asked for another turn.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stddef.h>

#include <event2/bufferevent.h>

/*
 * A bufferevent that owns fd (closed with it), writing at most
 * max_single_write bytes at once, closing after write_timeout seconds
 * without progress (0: never).  error_cb gets write errors and the
 * timeout.  NULL when out of memory (fd still the caller's).
 */
struct bufferevent *output_new(struct event_base *base, int fd,
    size_t max_single_write, unsigned write_timeout,
    bufferevent_data_cb turn_cb, bufferevent_event_cb error_cb, void *arg);

/* Call turn_cb when the output has drained to bytes. */
void output_set_low_watermark(struct bufferevent *bev, size_t bytes);

/*
 * Write what is queued, now, unless libevent is already waiting to write
 * it.  Returns the bytes written (0: nothing could be), or -1 when the
 * connection is broken (errno set).
 */
int output_flush(struct bufferevent *bev);

/* The kernel did not take it all: let libevent write the rest as the socket
 * drains (and run the write timeout meanwhile); or stop that when all is
 * out. */
void output_watch(struct bufferevent *bev);
void output_unwatch(struct bufferevent *bev);

/* Call turn_cb again from the event loop's next turn, after other clients
 * have had theirs. */
void output_next_turn(struct bufferevent *bev);

#endif
