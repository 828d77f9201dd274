/*
 * output.c: see output.h.  What this relies on in libevent 2.1's socket
 * bufferevent (bufferevent_sock.c), all of it documented behaviour or
 * visible in its public API:
 *
 * - bufferevent_socket_new() freezes the front of the output buffer, and
 *   its own write callback unfreezes it around evbuffer_write_atmost():
 *   output_flush() does the same around its write, so that nothing else
 *   drains the buffer meanwhile.
 * - The bufferevent writes only while EV_WRITE is enabled; a new
 *   bufferevent has EV_WRITE enabled, so output_new() disables it, and
 *   output_flush() leaves the buffer alone while it is enabled (libevent's
 *   write is pending then, and writing here would reorder nothing but waste
 *   a call).
 * - Enabling EV_WRITE (re)starts the write timeout: output_watch() enables
 *   it only if it is off, so a slow reader's timeout counts from the last
 *   progress, not from the last answer piece.
 * - bufferevent_trigger() with BEV_TRIG_IGNORE_WATERMARKS runs the write
 *   callback whatever the output holds; with BEV_TRIG_DEFER_CALLBACKS, from
 *   the loop's deferred queue, after the events already active.
 */
#include <errno.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "output.h"
#include "worker.h"

struct bufferevent *
output_new(struct event_base *base, int fd, size_t max_single_write,
    unsigned write_timeout, bufferevent_data_cb turn_cb,
    bufferevent_event_cb error_cb, void *arg)
{
	struct timeval stuck = { write_timeout, 0 };
	struct bufferevent *bev;

	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	bufferevent_setcb(bev, NULL, turn_cb, error_cb, arg);
	/* Its callbacks carry long answers on: after every client's input. */
	bufferevent_priority_set(bev, PRIORITY_LONG);
	/* libevent's default is 16 KiB a write: far too little for answers. */
	bufferevent_set_max_single_write(bev, max_single_write);
	bufferevent_set_timeouts(bev, NULL, write_timeout > 0 ? &stuck : NULL);
	bufferevent_disable(bev, EV_READ | EV_WRITE);
	return bev;
}

void
output_set_low_watermark(struct bufferevent *bev, size_t bytes)
{
	bufferevent_setwatermark(bev, EV_WRITE, bytes, 0);
}

int
output_flush(struct bufferevent *bev)
{
	struct evbuffer *out = bufferevent_get_output(bev);
	int n;

	if (evbuffer_get_length(out) == 0 ||
	    (bufferevent_get_enabled(bev) & EV_WRITE))
		return 0;
	evbuffer_unfreeze(out, 1);
	errno = 0;
	n = evbuffer_write(out, bufferevent_getfd(bev));
	evbuffer_freeze(out, 1);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		n = 0;
	return n;
}

void
output_watch(struct bufferevent *bev)
{
	if (!(bufferevent_get_enabled(bev) & EV_WRITE))
		bufferevent_enable(bev, EV_WRITE);
}

void
output_unwatch(struct bufferevent *bev)
{
	bufferevent_disable(bev, EV_WRITE);
}

void
output_next_turn(struct bufferevent *bev)
{
	bufferevent_trigger(bev, EV_WRITE,
	    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}
