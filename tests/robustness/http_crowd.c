/*
 * http_crowd.c: N HTTP/1.1 clients connected at once, each with several
 * requests on its one keep-alive connection.
 *
 * Every client connects; only when all N are connected does each send its
 * first request (GET --query, a path such as "/search?q=chess+black").  An
 * answer is complete when its Content-Length bytes of body have come; it
 * must be a 200 whose body contains --expect.  Then the next request, on
 * the same connection, --rounds times; every client stays connected until
 * all are done, so the server holds N keep-alive connections at once.
 */
#include <err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "rclient.h"

#define FAILURES_SHOWN	5

struct http_crowd;

struct http_client {
	struct http_crowd	*crowd;
	struct bufferevent	*bev;
	bool			 connected;
	unsigned		 answered;	/* answers on this connection */
	bool			 failed;
};

struct http_crowd {
	const struct rc_options	*opts;
	struct event_base	*base;
	struct http_client	*clients;
	unsigned		 connected, done, failed;
	bool			 started;
	char			*request;
	size_t			 request_len;
};

static void
client_end(struct http_client *cl, const char *failure)
{
	struct http_crowd *hc = cl->crowd;

	if (cl->failed || cl->answered == hc->opts->rounds)
		return;
	if (failure != NULL) {
		cl->failed = true;
		if (hc->failed++ < FAILURES_SHOWN)
			warnx("client %td: %s", cl - hc->clients, failure);
		else if (hc->failed == FAILURES_SHOWN + 1)
			warnx("more failures follow, counted only");
	}
	if (++hc->done == hc->opts->clients)
		event_base_loopexit(hc->base, NULL);
}

static void
client_ask(struct http_client *cl)
{
	bufferevent_write(cl->bev, cl->crowd->request,
	    cl->crowd->request_len);
}

/* A whole answer at the front of the input: its length, or 0 if not yet. */
static size_t
whole_answer(struct evbuffer *in, size_t *body_at, size_t *body_len)
{
	struct evbuffer_ptr end;
	char *head, *cl;
	size_t head_len;

	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0)
		return 0;
	head_len = (size_t)end.pos + 4;
	if ((head = malloc(head_len + 1)) == NULL)
		errx(1, "out of memory");
	evbuffer_copyout(in, head, head_len);
	head[head_len] = '\0';
	cl = strcasestr(head, "\r\nContent-Length:");
	*body_len = cl != NULL ? strtoul(cl + 17, NULL, 10) : 0;
	*body_at = head_len;
	free(head);
	if (cl == NULL || evbuffer_get_length(in) < head_len + *body_len)
		return 0;
	return head_len + *body_len;
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct http_client *cl = arg;
	struct http_crowd *hc = cl->crowd;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t total, body_at, body_len;
	char *answer;

	while ((total = whole_answer(in, &body_at, &body_len)) > 0) {
		if ((answer = malloc(total + 1)) == NULL)
			errx(1, "out of memory");
		evbuffer_remove(in, answer, total);
		answer[total] = '\0';
		if (strncmp(answer, "HTTP/1.1 200 ", 13) != 0 ||
		    strstr(answer + body_at, hc->opts->expect) == NULL) {
			free(answer);
			client_end(cl, "not the expected answer");
			return;
		}
		free(answer);
		if (++cl->answered == hc->opts->rounds) {
			if (++hc->done == hc->opts->clients)
				event_base_loopexit(hc->base, NULL);
			return;
		}
		client_ask(cl);
	}
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_client *cl = arg;
	struct http_crowd *hc = cl->crowd;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		cl->connected = true;
		if (++hc->connected == hc->opts->clients && !hc->started) {
			hc->started = true;
			printf("http crowd: %u clients connected at once\n",
			    hc->connected);
			for (unsigned i = 0; i < hc->opts->clients; i++)
				client_ask(&hc->clients[i]);
		}
		return;
	}
	client_end(cl, rc_event_reason(what));
}

static void
report(void *arg)
{
	struct http_crowd *hc = arg;
	unsigned long answers = 0;

	for (unsigned i = 0; i < hc->opts->clients; i++)
		answers += hc->clients[i].answered;
	printf("http crowd: %u of %u clients connected, %lu answers, %u done, "
	    "%u failed\n", hc->connected, hc->opts->clients, answers, hc->done,
	    hc->failed);
}

int
http_crowd_run(const struct rc_options *opts)
{
	struct http_crowd hc = { .opts = opts };
	struct event *deadline;
	int status;

	if (opts->query == NULL || opts->expect == NULL || opts->rounds == 0)
		errx(2, "http needs --query PATH, --expect TEXT and --rounds");
	if (asprintf(&hc.request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
	    opts->query) == -1 ||
	    (hc.base = event_base_new()) == NULL ||
	    (hc.clients = calloc(opts->clients, sizeof(*hc.clients))) == NULL)
		errx(1, "out of memory");
	hc.request_len = strlen(hc.request);
	deadline = rc_deadline(hc.base, opts, report, &hc);
	for (unsigned i = 0; i < opts->clients; i++) {
		struct http_client *cl = &hc.clients[i];

		cl->crowd = &hc;
		cl->bev = rc_connect(hc.base, opts->port, read_cb, NULL,
		    event_cb, cl);
		if (cl->bev == NULL)
			client_end(cl, "cannot connect");
	}
	event_base_dispatch(hc.base);
	report(&hc);
	status = hc.done == opts->clients && hc.failed == 0 ? 0 : 1;
	for (unsigned i = 0; i < opts->clients; i++)
		if (hc.clients[i].bev != NULL)
			bufferevent_free(hc.clients[i].bev);
	event_free(deadline);
	event_base_free(hc.base);
	free(hc.clients);
	free(hc.request);
	return status;
}
