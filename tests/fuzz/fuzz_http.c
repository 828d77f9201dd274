/*
 * fuzz_http.c: the HTTP front end from request bytes to answer: evhttp's
 * parser, the connection states and deadlines beside it, the routes and
 * handlers (/search with its parameters and streamed answers, /char,
 * /metrics ...).  Arbitrary bytes, split into arbitrary writes, then the
 * end of input: every answer must be HTTP, and the connection must reach
 * "closed" within a bounded number of loop turns.
 *
 * A worker without a thread of its own serves an HTTP listening socket on
 * loopback; the target is the client, and runs the worker's event loop
 * itself.  The input is chunks as in fuzz_conn.c: a length byte, that many
 * bytes; a length byte of 0 (or the end of the data) ends the input.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "addr_limit.h"
#include "fuzz.h"
#include "log.h"
#include "server.h"

#define READ_MAX	(1 << 20)
#define TURNS_MAX	100000

static struct options opts;
static struct server srv;
static struct listener listener;
static struct worker worker;
static struct sockaddr_in address;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct cf_index *idx;
	socklen_t len = sizeof(address);
	char err[256];
	int fd;

	(void)argc;
	(void)argv;
	log_init(getenv("FUZZ_LOG") ? 2 : 0, false);
	signal(SIGPIPE, SIG_IGN);
	if ((idx = cf_index_build(err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_http: %s\n", err);
		exit(1);
	}
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(fd != -1 && bind(fd, (struct sockaddr *)&address,
	    sizeof(address)) == 0 && listen(fd, 16) == 0 &&
	    getsockname(fd, (struct sockaddr *)&address, &len) == 0);
	listener.front = FRONT_HTTP;
	listener.fd = fd;
	opts.http = true;
	opts.http_timeout = 30;
	opts.max_line = DEFAULT_MAX_LINE;
	srv.opts = &opts;
	srv.index = idx;
	srv.max_connections = 2;
	/* No per-address limit, as --max-connections-per-address 0. */
	srv.per_address = addr_limit_new(0, srv.max_connections);
	CHECK(srv.per_address != NULL);
	srv.listeners = &listener;
	srv.nlisteners = 1;
	srv.http_conns_len = 65536;
	srv.http_conns = calloc(srv.http_conns_len, sizeof(*srv.http_conns));
	CHECK(srv.http_conns != NULL);
	CHECK(worker_init(&srv, &worker) == 0);
	return 0;
}

/*
 * One loop turn of the worker and of the client: the client reads what
 * came (it must be HTTP), and hangs up when the daemon did or once it has
 * read READ_MAX.
 */
static void
turn(int *client, size_t *got)
{
	char buf[65536];
	ssize_t n;

	CHECK(event_base_loop(worker.base, EVLOOP_NONBLOCK) != -1);
	if (*client == -1)
		return;
	while ((n = recv(*client, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		if (*got == 0)
			CHECK(n >= 5 && memcmp(buf, "HTTP/", 5) == 0);
		*got += (size_t)n;
	}
	if (n == 0 || *got > READ_MAX || (n == -1 && errno != EAGAIN)) {
		close(*client);
		*client = -1;
	}
}

/*
 * Connect from the next of 127/8's sixteen million addresses: each input's
 * connection ends in TIME_WAIT for a minute, more of them than one address
 * has ports at thousands of inputs a second.  libFuzzer's alarm (-timeout)
 * can interrupt connect() while it waits for the handshake: a blocking
 * connect() called again waits for the same handshake.
 */
static int
client_connect(void)
{
	static uint32_t next;
	struct sockaddr_in source = { .sin_family = AF_INET };
	int client, r;

	source.sin_addr.s_addr = htonl(INADDR_LOOPBACK + next++ % 0xfffff0);
	client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(client != -1 && bind(client, (struct sockaddr *)&source,
	    sizeof(source)) == 0);
	while ((r = connect(client, (struct sockaddr *)&address,
	    sizeof(address))) == -1 && errno == EINTR)
		;
	CHECK(r == 0 || errno == EISCONN);
	return client;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at = 0, got = 0;
	int client, turns;

	client = client_connect();
	/* The worker accepts and adopts it. */
	for (turns = 0; worker.nconns == 0 && turns < TURNS_MAX; turns++)
		turn(&client, &got);
	CHECK(worker.nconns == 1);
	while (client != -1 && at < size && data[at] != 0) {
		size_t len = data[at++], sent = 0;

		if (len > size - at)
			len = size - at;
		while (client != -1 && sent < len) {
			ssize_t n = send(client, data + at + sent, len - sent,
			    MSG_DONTWAIT | MSG_NOSIGNAL);

			if (n > 0)
				sent += (size_t)n;
			else if (errno != EAGAIN) {	/* the daemon closed */
				close(client);
				client = -1;
			}
			turn(&client, &got);
		}
		at += len;
	}
	if (client != -1)
		shutdown(client, SHUT_WR);
	for (turns = 0; worker.nconns > 0 && turns < TURNS_MAX; turns++)
		turn(&client, &got);
	CHECK(worker.nconns == 0);	/* closed, in a bounded number of turns */
	if (client != -1)
		close(client);
	return 0;
}
