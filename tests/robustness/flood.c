/*
 * flood.c: hostile clients.  Each sends --bytes bytes of one kind of junk,
 * reads and drops whatever the server sends back, and when the server hangs
 * up (as it may: a telnet interrupt, a line that starts with a control
 * character) connects again until its bytes are sent.
 *
 * Kinds:
 *   random	pseudo-random bytes; no IAC (0xFF) and no control character
 *		right after a line feed, so the server has to read them all
 *		rather than hang up at the first telnet interrupt;
 *   iac-do	IAC DO x, for every option x in turn, never ending;
 *   iac-sb	IAC SB TERMINAL-TYPE and then subnegotiation data without an
 *		IAC SE, never ending;
 *   nul	lines of NULs behind one letter;
 *   endless	one line with no line feed, never ending;
 *   mixed	the client's number picks one of the kinds above.
 */
#include <err.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "rclient.h"

#define CHUNK		(16 * 1024)
/* Refill below this much unsent output. */
#define LOW_WATER	(64 * 1024)
/* A client that is hung up on more often than this gives up. */
#define MAX_CONNECTIONS	2000

enum flood_kind { KIND_RANDOM, KIND_IAC_DO, KIND_IAC_SB, KIND_NUL,
    KIND_ENDLESS, NKINDS };

static const char *const kind_names[NKINDS] = {
	"random", "iac-do", "iac-sb", "nul", "endless",
};

struct flood;

struct flood_client {
	struct flood		*flood;
	struct bufferevent	*bev;
	enum flood_kind		 kind;
	size_t			 left;		/* bytes still to send */
	size_t			 sent_here;	/* on this connection */
	unsigned		 connections;
	uint64_t		 rng;
	uint8_t			 last;		/* the last byte generated */
};

struct flood {
	const struct rc_options	*opts;
	struct event_base	*base;
	struct flood_client	*clients;
	unsigned		 finished, gave_up;
	unsigned long		 reconnects;
	size_t			 received;
};

static void flood_connect(struct flood_client *cl);

static uint8_t
next_random(uint64_t *state)
{
	/* xorshift64: a fixed, repeatable stream per client. */
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint8_t)(*state >> 32);
}

static size_t
fill(struct flood_client *cl, uint8_t *buf, size_t len)
{
	size_t n = 0;

	if (cl->sent_here == 0 && cl->kind == KIND_IAC_SB) {
		memcpy(buf, "\xff\xfa\x18", 3);	/* IAC SB TERMINAL-TYPE */
		n = 3;
	}
	for (; n < len; n++) {
		uint8_t b;

		switch (cl->kind) {
		case KIND_RANDOM:
			b = next_random(&cl->rng);
			if (b == 0xff)
				b = 0xfe;
			if (cl->last == '\n' && (b < 0x20 || b == 0x7f))
				b = 'x';
			break;
		case KIND_IAC_DO:
			/* IAC DO option: three bytes, option 0..254 */
			b = (cl->sent_here + n) % 3 == 0 ? 0xff :
			    (cl->sent_here + n) % 3 == 1 ? 0xfd :
			    (uint8_t)((cl->sent_here + n) / 3 % 255);
			break;
		case KIND_IAC_SB:
			b = 'a' + next_random(&cl->rng) % 26;
			break;
		case KIND_NUL:
			b = (cl->sent_here + n) % 512 == 0 ? 'a' :
			    (cl->sent_here + n) % 512 == 511 ? '\n' : '\0';
			break;
		default:
			b = 'A';
			break;
		}
		buf[n] = cl->last = b;
	}
	return n;
}

static void
flood_client_finish(struct flood_client *cl, bool gave_up)
{
	struct flood *fl = cl->flood;

	if (cl->bev != NULL)
		bufferevent_free(cl->bev);
	cl->bev = NULL;
	if (gave_up)
		fl->gave_up++;
	if (++fl->finished == fl->opts->clients)
		event_base_loopbreak(fl->base);
}

static void
flood_write_cb(struct bufferevent *bev, void *arg)
{
	struct flood_client *cl = arg;
	struct evbuffer *out = bufferevent_get_output(bev);
	uint8_t buf[CHUNK];

	while (cl->left > 0 && evbuffer_get_length(out) < LOW_WATER) {
		size_t n = fill(cl, buf, cl->left < CHUNK ? cl->left : CHUNK);

		evbuffer_add(out, buf, n);
		cl->left -= n;
		cl->sent_here += n;
	}
	if (cl->left == 0 && evbuffer_get_length(out) == 0)
		flood_client_finish(cl, false);
}

static void
flood_read_cb(struct bufferevent *bev, void *arg)
{
	struct flood_client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	cl->flood->received += evbuffer_get_length(in);
	evbuffer_drain(in, evbuffer_get_length(in));
}

static void
flood_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct flood_client *cl = arg;
	struct flood *fl = cl->flood;

	if (what & BEV_EVENT_CONNECTED) {
		flood_write_cb(bev, cl);
		return;
	}
	/* Hung up on, or reset: fine for a hostile client; try again. */
	bufferevent_free(cl->bev);
	cl->bev = NULL;
	if (cl->left == 0 || cl->connections >= MAX_CONNECTIONS) {
		flood_client_finish(cl, cl->left > 0);
		return;
	}
	fl->reconnects++;
	flood_connect(cl);
}

static void
flood_connect(struct flood_client *cl)
{
	cl->sent_here = 0;
	cl->connections++;
	cl->bev = rc_connect(cl->flood->base, cl->flood->opts->port,
	    flood_read_cb, flood_write_cb, flood_event_cb, cl);
	if (cl->bev == NULL)
		err(1, "flood client %td: connect", cl - cl->flood->clients);
	bufferevent_setwatermark(cl->bev, EV_WRITE, LOW_WATER, 0);
}

static void
flood_report(void *arg)
{
	const struct flood *fl = arg;

	printf("flood: %u of %u clients sent %zu bytes each (%s); %lu "
	    "reconnects, %zu bytes received, %u gave up\n", fl->finished,
	    fl->opts->clients, fl->opts->bytes, fl->opts->kind, fl->reconnects,
	    fl->received, fl->gave_up);
}

static int
kind_number(const char *name)
{
	if (strcmp(name, "mixed") == 0)
		return NKINDS;
	for (int k = 0; k < NKINDS; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	errx(2, "unknown kind %s", name);
}

int
flood_run(const struct rc_options *opts)
{
	struct flood fl = { .opts = opts };
	struct event *deadline;
	int kind = kind_number(opts->kind);

	if ((fl.base = event_base_new()) == NULL ||
	    (fl.clients = calloc(opts->clients, sizeof(*fl.clients))) == NULL)
		errx(1, "out of memory");
	deadline = rc_deadline(fl.base, opts, flood_report, &fl);
	for (unsigned i = 0; i < opts->clients; i++) {
		struct flood_client *cl = &fl.clients[i];

		cl->flood = &fl;
		cl->kind = kind == NKINDS ? (enum flood_kind)(i % NKINDS) :
		    (enum flood_kind)kind;
		cl->left = opts->bytes;
		cl->rng = 0x9e3779b97f4a7c15ULL * (i + 1);
		cl->last = '\n';
		flood_connect(cl);
	}
	event_base_dispatch(fl.base);
	flood_report(&fl);
	for (unsigned i = 0; i < opts->clients; i++)
		if (fl.clients[i].bev != NULL)
			bufferevent_free(fl.clients[i].bev);
	event_free(deadline);
	free(fl.clients);
	event_base_free(fl.base);
	return fl.gave_up == 0 ? 0 : 1;
}
