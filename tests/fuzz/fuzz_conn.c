/*
 * fuzz_conn.c: the telnet connection as a whole (line decoder, state
 * machine, answers, output) with arbitrary bytes, split into arbitrary
 * reads, and the end of input at an arbitrary point.  Whatever it is sent,
 * a connection must reach "closed": nothing may wait for input that
 * cannot come, and nothing may spin.
 *
 * A worker without a thread of its own serves one end of a socketpair; the
 * target is the client at the other end, and runs the worker's event loop
 * itself.  The input is a series of chunks, each a length byte and that
 * many bytes; a length byte of 0 ends the input there (shutdown of the
 * client's side), and so does the end of the data.  The client reads and
 * drops everything it is sent; past READ_MAX bytes it hangs up instead, as
 * a client that goes away mid-answer.
 */
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "addr_limit.h"
#include "conn.h"
#include "log.h"
#include "fuzz.h"
#include "server.h"

#define READ_MAX	(1 << 20)
/* Loop turns a connection may take to close once the client is done. */
#define TURNS_MAX	100000

static struct options opts;
static struct server srv;
static struct worker worker;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static struct cf_index *idx;
	char err[256];

	(void)argc;
	(void)argv;
	log_init(getenv("FUZZ_LOG") ? 2 : 0, false);
	signal(SIGPIPE, SIG_IGN);	/* as main() does: a write error, not death */
	if ((idx = cf_index_build(err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_conn: %s\n", err);
		exit(1);
	}
	opts.max_line = MAX_LINE_MIN * 4;
	opts.max_results = 0;
	srv.opts = &opts;
	srv.index = idx;
	srv.max_connections = 1;
	/* No per-address limit, as --max-connections-per-address 0. */
	srv.per_address = addr_limit_new(0, srv.max_connections);
	CHECK(srv.per_address != NULL);
	CHECK(worker_init(&srv, &worker) == 0);
	return 0;
}

/*
 * One loop turn of the worker and of the client: the client reads what
 * came, and hangs up when the daemon did or once it has read READ_MAX.
 */
static void
turn(int *client, size_t *got)
{
	char buf[65536];
	ssize_t n;

	CHECK(event_base_loop(worker.base, EVLOOP_NONBLOCK) != -1);
	if (*client == -1)
		return;
	while ((n = recv(*client, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		*got += (size_t)n;
	if (n == 0 || *got > READ_MAX || (n == -1 && errno != EAGAIN)) {
		close(*client);
		*client = -1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handoff h = { .addrlen = sizeof(h.addr.sin) };
	size_t at = 0, got = 0;
	int sv[2], turns;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) == 0);
	h.fd = sv[0];
	h.addr.sin.sin_family = AF_INET;
	CHECK(server_take_slot(&srv));
	worker_adopt(&worker, &h);
	while (sv[1] != -1 && at < size && data[at] != 0) {
		size_t len = data[at++], sent = 0;

		if (len > size - at)
			len = size - at;
		while (sv[1] != -1 && sent < len) {
			ssize_t n = send(sv[1], data + at + sent, len - sent,
			    MSG_DONTWAIT | MSG_NOSIGNAL);

			if (n > 0)
				sent += (size_t)n;
			else if (errno != EAGAIN) {	/* the daemon closed */
				close(sv[1]);
				sv[1] = -1;
			}
			turn(&sv[1], &got);
		}
		at += len;
	}
	if (sv[1] != -1)
		shutdown(sv[1], SHUT_WR);
	for (turns = 0; worker.nconns > 0 && turns < TURNS_MAX; turns++)
		turn(&sv[1], &got);
	CHECK(worker.nconns == 0);	/* closed, in a bounded number of turns */
	if (sv[1] != -1)
		close(sv[1]);
	return 0;
}
