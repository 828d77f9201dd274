/*
 * rclient: many clients at once against a charfinder server on 127.0.0.1,
 * for the robustness suite and the soak script.
 *
 *   rclient crowd  --port P --clients N --query Q --expect STATUS
 *	N clients connect and wait until every one has its prompt; then each
 *	sends Q and must get an answer that ends with STATUS and a prompt,
 *	byte for byte the same answer for everyone.
 *   rclient flood  --port P --clients N --kind KIND --bytes B
 *	each client sends B bytes of hostile input (see flood.c), reading and
 *	dropping whatever comes back, reconnecting if the server hangs up.
 *   rclient resets --port P --clients N --query Q --bytes B
 *	each client sends Q, reads B bytes of the answer and resets the
 *	connection (SO_LINGER 0, close).
 *   rclient http   --port P --clients N --query PATH --expect TEXT --rounds R
 *	N HTTP clients connected at once, each asking GET PATH R times on
 *	its keep-alive connection (see http_crowd.c).
 *
 * Exit status 0 when every client did its part within --timeout seconds
 * (default 60), 1 otherwise, 2 on usage errors.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rclient.h"

static const char usage_text[] =
    "usage: rclient crowd|flood|resets|http --port P --clients N [--query Q]\n"
    "               [--expect STATUS] [--kind KIND] [--bytes B] [--rounds R]"
    " [--timeout SECONDS]\n";

struct bufferevent *
rc_connect(struct event_base *base, unsigned port, bufferevent_data_cb readcb,
    bufferevent_data_cb writecb, bufferevent_event_cb eventcb, void *arg)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct bufferevent *bev;

	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	bufferevent_setcb(bev, readcb, writecb, eventcb, arg);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1) {
		bufferevent_free(bev);
		return NULL;
	}
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	return bev;
}

struct deadline {
	void	(*report)(void *);
	void	*arg;
};

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct deadline *d = arg;

	(void)fd;
	(void)what;
	d->report(d->arg);
	errx(1, "not done within the time limit");
}

struct event *
rc_deadline(struct event_base *base, const struct rc_options *opts,
    void (*report)(void *), void *arg)
{
	static struct deadline d;	/* one run per process */
	struct timeval tv = { opts->timeout, 0 };
	struct event *ev;

	d.report = report;
	d.arg = arg;
	if ((ev = evtimer_new(base, deadline_cb, &d)) == NULL ||
	    evtimer_add(ev, &tv) == -1)
		errx(1, "cannot set the deadline");
	return ev;
}

const char *
rc_event_reason(short what)
{
	if (what & BEV_EVENT_EOF)
		return "end of file";
	if (what & BEV_EVENT_ERROR)
		return evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR());
	if (what & BEV_EVENT_TIMEOUT)
		return "timeout";
	return "unexpected event";
}

static unsigned long
number(const char *option, const char *arg, unsigned long max)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || n > max)
		errx(2, "%s: not a number up to %lu: %s", option, max, arg);
	return n;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "port",	required_argument, NULL, 'p' },
		{ "clients",	required_argument, NULL, 'c' },
		{ "query",	required_argument, NULL, 'q' },
		{ "expect",	required_argument, NULL, 'e' },
		{ "kind",	required_argument, NULL, 'k' },
		{ "bytes",	required_argument, NULL, 'b' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "rounds",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct rc_options opts = { .clients = 1, .timeout = 60 };
	const char *mode;
	int ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			opts.port = number("--port", optarg, 65535);
			break;
		case 'c':
			opts.clients = number("--clients", optarg, 100000);
			break;
		case 'q':
			opts.query = optarg;
			break;
		case 'e':
			opts.expect = optarg;
			break;
		case 'k':
			opts.kind = optarg;
			break;
		case 'b':
			opts.bytes = number("--bytes", optarg, 1UL << 34);
			break;
		case 't':
			opts.timeout = number("--timeout", optarg, 3600);
			break;
		case 'r':
			opts.rounds = number("--rounds", optarg, 1000000);
			break;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || opts.port == 0 || opts.clients == 0) {
		fputs(usage_text, stderr);
		return 2;
	}
	/* The server may hang up on a hostile client mid-write. */
	signal(SIGPIPE, SIG_IGN);
	mode = argv[optind];
	if (strcmp(mode, "crowd") == 0 && opts.query != NULL &&
	    opts.expect != NULL)
		return crowd_run(&opts);
	if (strcmp(mode, "flood") == 0 && opts.kind != NULL && opts.bytes > 0)
		return flood_run(&opts);
	if (strcmp(mode, "resets") == 0 && opts.query != NULL &&
	    opts.bytes > 0)
		return resets_run(&opts);
	if (strcmp(mode, "http") == 0)
		return http_crowd_run(&opts);
	fputs(usage_text, stderr);
	return 2;
}
