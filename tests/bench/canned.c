/*
 * canned: the I/O floor for the benchmark.  A minimal one-thread libevent
 * server of the same shape as charfinderd (evconnlistener, one bufferevent
 * per connection, the prompt, line reading, pipelining) that answers each
 * query with bytes looked up in a small table instead of searching.
 *
 * The table is loaded at start from a file of records
 *	<query> LF <length in bytes> LF <the answer: result and status lines>
 * which tests/bench/run records from charfinderd itself.  An answer goes
 * out by reference, without copying, and the output is tuned the way a
 * well-tuned server would be (large single writes, TCP_NODELAY), so that
 * the comparison is fair.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#define MAX_ANSWERS	64
#define MAX_LINE	4096
#define MAX_WRITE	(4 * 1024 * 1024)

static const char prompt[] = "?> ";
static const char unknown[] = "error: no canned answer\r\n";

struct answer {
	const char	*query;
	size_t		 query_len;
	const char	*bytes;
	size_t		 len;
};

static struct answer answers[MAX_ANSWERS];
static size_t nanswers;

/* Reads the whole file once; the table points into it until exit. */
static char *
load_answers(const char *path)
{
	struct stat st;
	char *data, *at, *end, *nl, *stop;
	ssize_t n;
	size_t got = 0;
	unsigned long len;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1)
		err(1, "%s", path);
	if ((data = malloc((size_t)st.st_size + 1)) == NULL)
		err(1, NULL);
	while (got < (size_t)st.st_size) {
		n = read(fd, data + got, (size_t)st.st_size - got);
		if (n <= 0)
			err(1, "%s", path);
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	for (at = data, end = data + got; at < end; at += len) {
		if (nanswers == MAX_ANSWERS)
			errx(1, "%s: more than %d answers", path, MAX_ANSWERS);
		if ((nl = memchr(at, '\n', end - at)) == NULL)
			errx(1, "%s: a query without a length", path);
		answers[nanswers].query = at;
		answers[nanswers].query_len = nl - at;
		at = nl + 1;
		errno = 0;
		len = strtoul(at, &stop, 10);
		if (errno != 0 || stop == at || *stop != '\n' ||
		    len > (size_t)(end - stop - 1))
			errx(1, "%s: a bad length after query %zu", path,
			    nanswers + 1);
		at = stop + 1;
		answers[nanswers].bytes = at;
		answers[nanswers].len = len;
		nanswers++;
	}
	return data;
}

static const struct answer *
find_answer(const char *query, size_t len)
{
	size_t i;

	for (i = 0; i < nanswers; i++)
		if (answers[i].query_len == len &&
		    memcmp(answers[i].query, query, len) == 0)
			return &answers[i];
	return NULL;
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)what;
	(void)arg;
	bufferevent_free(bev);
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer *out = bufferevent_get_output(bev);
	const struct answer *a;
	struct evbuffer_ptr eol;
	char line[MAX_LINE], *q;
	size_t eol_len, len;

	(void)arg;
	for (;;) {
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_CRLF);
		if (eol.pos == -1) {
			if (evbuffer_get_length(in) >= MAX_LINE)
				bufferevent_free(bev);
			return;
		}
		if ((size_t)eol.pos >= MAX_LINE) {
			bufferevent_free(bev);
			return;
		}
		len = (size_t)eol.pos;
		evbuffer_remove(in, line, len);
		evbuffer_drain(in, eol_len);
		for (q = line; len > 0 && (*q == ' ' || *q == '\t'); len--)
			q++;
		while (len > 0 && (q[len - 1] == ' ' || q[len - 1] == '\t'))
			len--;
		if (len > 0 && ((unsigned char)*q < 0x20 || *q == 0x7f)) {
			bufferevent_free(bev);
			return;
		}
		if (len > 0) {
			if ((a = find_answer(q, len)) != NULL)
				evbuffer_add_reference(out, a->bytes, a->len,
				    NULL, NULL);
			else
				evbuffer_add_reference(out, unknown,
				    sizeof(unknown) - 1, NULL, NULL);
		}
		evbuffer_add_reference(out, prompt, sizeof(prompt) - 1, NULL,
		    NULL);
	}
}

static void
accept_cb(struct evconnlistener *listener, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct event_base *base = evconnlistener_get_base(listener);
	struct bufferevent *bev;
	int one = 1;

	(void)sa;
	(void)socklen;
	(void)arg;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		evutil_closesocket(fd);
		return;
	}
	/* libevent's default is 16 KiB a callback: too little for 4 MB. */
	bufferevent_set_max_single_write(bev, MAX_WRITE);
	bufferevent_setcb(bev, read_cb, NULL, event_cb, NULL);
	bufferevent_enable(bev, EV_READ);
	bufferevent_write(bev, prompt, sizeof(prompt) - 1);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: canned [--address IPV4] --port N "
	    "--answers FILE\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "address",	required_argument, NULL, 'a' },
		{ "port",	required_argument, NULL, 'p' },
		{ "answers",	required_argument, NULL, 'f' },
		{ NULL,		0,		   NULL, 0 },
	};
	const char *address = "127.0.0.1", *path = NULL;
	struct sockaddr_in sin;
	socklen_t sinlen = sizeof(sin);
	struct event_base *base;
	struct evconnlistener *listener;
	struct event *term, *intr;
	char *data;
	long port = -1;
	int ch;

	while ((ch = getopt_long(argc, argv, "a:p:f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			address = optarg;
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 'f':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || path == NULL || port < 0 || port > 65535)
		usage();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, address, &sin.sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", address);

	signal(SIGPIPE, SIG_IGN);
	data = load_answers(path);
	if ((base = event_base_new()) == NULL)
		errx(1, "event_base_new failed");
	listener = evconnlistener_new_bind(base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 4096,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (listener == NULL)
		err(1, "%s port %ld", address, port);
	getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&sin,
	    &sinlen);
	fprintf(stderr, "canned: %zu answers, listening on %s:%d\n", nanswers,
	    address, ntohs(sin.sin_port));
	term = evsignal_new(base, SIGTERM, signal_cb, base);
	intr = evsignal_new(base, SIGINT, signal_cb, base);
	evsignal_add(term, NULL);
	evsignal_add(intr, NULL);
	event_base_dispatch(base);

	event_free(term);
	event_free(intr);
	evconnlistener_free(listener);
	event_base_free(base);
	free(data);
	return 0;
}
