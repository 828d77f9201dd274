/*
 * resets.c: clients that reset the connection in the middle of an answer.
 *
 * All N connect at once, send the query, read --bytes bytes of the answer
 * (which must be longer than that), then set SO_LINGER to zero and close:
 * the kernel sends a RST, and the server meets ECONNRESET or EPIPE with the
 * rest of the answer still queued.
 */
#include <sys/socket.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "rclient.h"

struct resets;

struct reset_client {
	struct resets		*resets;
	struct bufferevent	*bev;
	size_t			 received;
};

struct resets {
	const struct rc_options	*opts;
	struct event_base	*base;
	struct reset_client	*clients;
	unsigned		 reset, failed;
};

static void
reset_client_end(struct reset_client *cl, const char *failure)
{
	struct resets *rs = cl->resets;
	struct linger hard = { .l_onoff = 1, .l_linger = 0 };

	if (failure != NULL) {
		warnx("client %td: %s after %zu bytes", cl - rs->clients,
		    failure, cl->received);
		rs->failed++;
	} else if (setsockopt(bufferevent_getfd(cl->bev), SOL_SOCKET,
	    SO_LINGER, &hard, sizeof(hard)) == -1)
		err(1, "SO_LINGER");
	else
		rs->reset++;
	bufferevent_free(cl->bev);	/* closes: a RST with SO_LINGER 0 */
	cl->bev = NULL;
	if (rs->reset + rs->failed == rs->opts->clients)
		event_base_loopbreak(rs->base);
}

static void
reset_read_cb(struct bufferevent *bev, void *arg)
{
	struct reset_client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	cl->received += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
	if (cl->received >= cl->resets->opts->bytes)
		reset_client_end(cl, NULL);
}

static void
reset_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct reset_client *cl = arg;
	const struct rc_options *opts = cl->resets->opts;

	if (what & BEV_EVENT_CONNECTED) {
		bufferevent_write(bev, opts->query, strlen(opts->query));
		bufferevent_write(bev, "\r\n", 2);
		return;
	}
	reset_client_end(cl, rc_event_reason(what));
}

static void
resets_report(void *arg)
{
	const struct resets *rs = arg;

	printf("resets: %u of %u clients reset mid-answer, %u failed\n",
	    rs->reset, rs->opts->clients, rs->failed);
}

int
resets_run(const struct rc_options *opts)
{
	struct resets rs = { .opts = opts };
	struct event *deadline;

	if ((rs.base = event_base_new()) == NULL ||
	    (rs.clients = calloc(opts->clients, sizeof(*rs.clients))) == NULL)
		errx(1, "out of memory");
	deadline = rc_deadline(rs.base, opts, resets_report, &rs);
	for (unsigned i = 0; i < opts->clients; i++) {
		struct reset_client *cl = &rs.clients[i];

		cl->resets = &rs;
		cl->bev = rc_connect(rs.base, opts->port, reset_read_cb, NULL,
		    reset_event_cb, cl);
		if (cl->bev == NULL)
			err(1, "client %u: connect", i);
	}
	event_base_dispatch(rs.base);
	resets_report(&rs);
	event_free(deadline);
	free(rs.clients);
	event_base_free(rs.base);
	return rs.failed == 0 ? 0 : 1;
}
