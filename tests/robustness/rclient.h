/*
 * rclient.h: the robustness suite's load client.  One program, one mode per
 * run (crowd, flood, resets, http), each a file of its own; this header is what
 * they share.
 */
#ifndef RCLIENT_H
#define RCLIENT_H

#include <stddef.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#define RC_PROMPT	"?> "

struct rc_options {
	unsigned	 port;
	unsigned	 clients;
	const char	*query;		/* crowd, resets: sent by every client */
	const char	*expect;	/* crowd: the status line of the answer */
	const char	*kind;		/* flood: what the clients send */
	size_t		 bytes;		/* flood: per client; resets: to read */
	unsigned	 timeout;	/* seconds for the whole run */
	unsigned	 rounds;	/* http: requests per connection */
};

/* A new nonblocking connection to 127.0.0.1:port; NULL on failure. */
struct bufferevent *rc_connect(struct event_base *base, unsigned port,
    bufferevent_data_cb readcb, bufferevent_data_cb writecb,
    bufferevent_event_cb eventcb, void *arg);

/*
 * After opts->timeout seconds: report(arg) says how far the run got, and
 * the run ends with status 1.
 */
struct event *rc_deadline(struct event_base *base,
    const struct rc_options *opts, void (*report)(void *), void *arg);

/* Why a connection ended, for messages. */
const char *rc_event_reason(short what);

int crowd_run(const struct rc_options *opts);
int flood_run(const struct rc_options *opts);
int resets_run(const struct rc_options *opts);
int http_crowd_run(const struct rc_options *opts);

#endif
