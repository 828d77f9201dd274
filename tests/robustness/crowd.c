/*
 * crowd.c: N clients connected at once, each answered.
 *
 * Every client first waits for its prompt; only when all N have one (so all
 * N are connected at the same time) does each send the query.  An answer is
 * complete when it ends with the expected status line and a prompt; all
 * answers must be byte for byte the first one.
 */
#include <err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "rclient.h"

/* Failures reported one by one; the rest only counted. */
#define FAILURES_SHOWN	5

enum crowd_state {
	CROWD_CONNECTING,	/* waiting for the prompt */
	CROWD_PROMPTED,		/* waiting for the others */
	CROWD_ASKED,		/* waiting for the answer */
	CROWD_DONE,
};

struct crowd;

struct crowd_client {
	struct crowd		*crowd;
	struct bufferevent	*bev;
	enum crowd_state	 state;
};

struct crowd {
	const struct rc_options	*opts;
	struct event_base	*base;
	struct crowd_client	*clients;
	unsigned		 connecting;	/* clients without a prompt yet */
	unsigned		 prompted, answered, failed;
	bool			 asked;
	char			*tail;		/* status line, CR LF, prompt */
	size_t			 tail_len;
	struct evbuffer		*reference;	/* the first answer */
};

static void crowd_ask_when_ready(struct crowd *cr);

static void
crowd_client_end(struct crowd_client *cl, const char *failure)
{
	struct crowd *cr = cl->crowd;

	if (failure != NULL) {
		if (cr->failed++ < FAILURES_SHOWN)
			warnx("client %td: %s", cl - cr->clients, failure);
		else if (cr->failed == FAILURES_SHOWN + 1)
			warnx("more failures follow, counted only");
	} else
		cr->answered++;
	if (cl->state == CROWD_CONNECTING)
		cr->connecting--;
	cl->state = CROWD_DONE;
	bufferevent_free(cl->bev);
	cl->bev = NULL;
	if (cr->answered + cr->failed == cr->opts->clients)
		event_base_loopbreak(cr->base);
	else if (failure != NULL)
		crowd_ask_when_ready(cr);
}

static void
crowd_report(void *arg)
{
	const struct crowd *cr = arg;

	printf("crowd: %u of %u clients prompted, %u answered, %u failed\n",
	    cr->prompted, cr->opts->clients, cr->answered, cr->failed);
}

static void
crowd_ask_everyone(struct crowd *cr)
{
	for (unsigned i = 0; i < cr->opts->clients; i++) {
		struct crowd_client *cl = &cr->clients[i];

		if (cl->state != CROWD_PROMPTED)
			continue;
		cl->state = CROWD_ASKED;
		bufferevent_write(cl->bev, cr->opts->query,
		    strlen(cr->opts->query));
		bufferevent_write(cl->bev, "\r\n", 2);
	}
}

/* Everyone still there has a prompt: all are connected at once; ask. */
static void
crowd_ask_when_ready(struct crowd *cr)
{
	if (cr->asked || cr->connecting > 0)
		return;
	cr->asked = true;
	printf("crowd: %u clients connected and prompted at once\n",
	    cr->prompted);
	crowd_ask_everyone(cr);
}

static bool
ends_with(struct evbuffer *buf, const char *tail, size_t len)
{
	size_t have = evbuffer_get_length(buf);
	struct evbuffer_ptr at;
	char last[1024];

	if (have < len || len > sizeof(last) ||
	    evbuffer_ptr_set(buf, &at, have - len, EVBUFFER_PTR_SET) == -1 ||
	    evbuffer_copyout_from(buf, &at, last, len) != (ev_ssize_t)len)
		return false;
	return memcmp(last, tail, len) == 0;
}

static bool
same_bytes(struct evbuffer *a, struct evbuffer *b)
{
	size_t len = evbuffer_get_length(a);

	return len == evbuffer_get_length(b) &&
	    memcmp(evbuffer_pullup(a, -1), evbuffer_pullup(b, -1), len) == 0;
}

static void
crowd_read_cb(struct bufferevent *bev, void *arg)
{
	struct crowd_client *cl = arg;
	struct crowd *cr = cl->crowd;
	struct evbuffer *in = bufferevent_get_input(bev);
	char prompt[sizeof(RC_PROMPT) - 1];

	switch (cl->state) {
	case CROWD_CONNECTING:
		if (evbuffer_get_length(in) < sizeof(prompt))
			return;
		if (evbuffer_remove(in, prompt, sizeof(prompt)) !=
		    sizeof(prompt) || memcmp(prompt, RC_PROMPT,
		    sizeof(prompt)) != 0 || evbuffer_get_length(in) > 0) {
			crowd_client_end(cl, "no prompt on connecting");
			return;
		}
		cl->state = CROWD_PROMPTED;
		cr->connecting--;
		cr->prompted++;
		crowd_ask_when_ready(cr);
		break;
	case CROWD_PROMPTED:
		crowd_client_end(cl, "unexpected bytes before the query");
		break;
	case CROWD_ASKED:
		if (!ends_with(in, cr->tail, cr->tail_len))
			return;
		if (cr->reference == NULL) {
			if ((cr->reference = evbuffer_new()) == NULL)
				errx(1, "out of memory");
			evbuffer_add_buffer(cr->reference, in);
			crowd_client_end(cl, NULL);
		} else if (same_bytes(in, cr->reference))
			crowd_client_end(cl, NULL);
		else
			crowd_client_end(cl, "an answer unlike the first");
		break;
	case CROWD_DONE:
		break;
	}
}

static void
crowd_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct crowd_client *cl = arg;
	char why[128];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	snprintf(why, sizeof(why), "%s while %s", rc_event_reason(what),
	    cl->state == CROWD_ASKED ? "waiting for the answer" :
	    "waiting for the others");
	crowd_client_end(cl, why);
}

int
crowd_run(const struct rc_options *opts)
{
	struct crowd cr = { .opts = opts, .connecting = opts->clients };
	struct event *deadline;
	int status;

	cr.tail_len = strlen(opts->expect) + strlen("\r\n" RC_PROMPT);
	if ((cr.base = event_base_new()) == NULL ||
	    (cr.clients = calloc(opts->clients, sizeof(*cr.clients))) == NULL ||
	    (cr.tail = malloc(cr.tail_len + 1)) == NULL)
		errx(1, "out of memory");
	snprintf(cr.tail, cr.tail_len + 1, "%s\r\n" RC_PROMPT, opts->expect);
	deadline = rc_deadline(cr.base, opts, crowd_report, &cr);
	for (unsigned i = 0; i < opts->clients; i++) {
		struct crowd_client *cl = &cr.clients[i];

		cl->crowd = &cr;
		cl->bev = rc_connect(cr.base, opts->port, crowd_read_cb, NULL,
		    crowd_event_cb, cl);
		if (cl->bev == NULL)
			err(1, "client %u: connect", i);
	}
	event_base_dispatch(cr.base);
	crowd_report(&cr);
	status = cr.answered == opts->clients ? 0 : 1;
	event_free(deadline);
	if (cr.reference != NULL)
		evbuffer_free(cr.reference);
	free(cr.tail);
	free(cr.clients);
	event_base_free(cr.base);
	return status;
}
