/*
 * options.h: the daemon's command line, its defaults and its bounds.  The
 * --help text prints these same macros.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define DEFAULT_ADDRESS		"127.0.0.1"
#define DEFAULT_PORT		2323
#define DEFAULT_HTTP_PORT	8080
#define DEFAULT_HTTP_TIMEOUT	30		/* seconds */
#define DEFAULT_MAX_RESULTS	0		/* no limit */
#define DEFAULT_MAX_LINE	4096
#define DEFAULT_MAX_CONNECTIONS	10000
#define DEFAULT_IDLE_TIMEOUT	600		/* seconds */
#define DEFAULT_WRITE_TIMEOUT	60		/* seconds */
#define DEFAULT_MAX_PER_ADDRESS	64		/* IPv6: per /64 */

#define ADDRESSES_MAX		16
#define PROXIES_MAX		16
#define THREADS_MAX		64
#define MAX_LINE_MIN		16
#define MAX_LINE_MAX		(1 << 20)
#define CONNECTIONS_MAX		1000000
#define TIMEOUT_MAX		(7 * 24 * 3600)	/* a week, in seconds */

/* An --address, parsed (port 0: the port is set when listening). */
struct listen_address {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const char *text;		/* as given */
};

struct options {
	struct listen_address addresses[ADDRESSES_MAX];
	size_t naddresses;
	unsigned port;
	bool http;			/* --no-http turns it off */
	unsigned http_port;
	unsigned http_timeout;		/* seconds a request may take */
	unsigned threads;
	size_t max_results;		/* default /limit; 0: none */
	size_t max_line;		/* bytes */
	size_t max_connections;
	unsigned idle_timeout;		/* seconds; 0: none */
	unsigned write_timeout;		/* seconds; 0: none */
	size_t max_per_address;		/* 0: no limit */
	/* Sources that put a PROXY header (telnet) or X-Forwarded-For
	 * (HTTP) before their clients' requests. */
	struct inet_prefix proxies[PROXIES_MAX];
	size_t nproxies;
	int verbosity;
};

/* Is this client one of the --proxy-from sources? */
bool options_trusted_proxy(const struct options *opts,
    const union inet_addr *a);

/*
 * Parse argv into opts.  --help and --version print and exit 0; a usage
 * error (an unknown option, a bad value, an address that is not IPv4 or
 * IPv6, the same address twice) prints one line and exits 2.
 */
void options_parse(int argc, char *argv[], struct options *opts);

#endif
