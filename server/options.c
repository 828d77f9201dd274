/*
 * options.c: getopt_long parsing, --help and --version.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>
#include <netinet/in.h>

#include "cf_index.h"
#include "options.h"
#include "systemd_hooks.h"
#include "version.h"

enum {
	OPT_ADDRESS = 256,
	OPT_PORT,
	OPT_HTTP_PORT,
	OPT_NO_HTTP,
	OPT_HTTP_TIMEOUT,
	OPT_THREADS,
	OPT_MAX_RESULTS,
	OPT_MAX_LINE,
	OPT_MAX_CONNECTIONS,
	OPT_IDLE_TIMEOUT,
	OPT_WRITE_TIMEOUT,
	OPT_MAX_PER_ADDRESS,
	OPT_PROXY_FROM,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "address",		required_argument, NULL, OPT_ADDRESS },
	{ "port",		required_argument, NULL, OPT_PORT },
	{ "http-port",		required_argument, NULL, OPT_HTTP_PORT },
	{ "no-http",		no_argument,	   NULL, OPT_NO_HTTP },
	{ "http-timeout",	required_argument, NULL, OPT_HTTP_TIMEOUT },
	{ "threads",		required_argument, NULL, OPT_THREADS },
	{ "max-results",	required_argument, NULL, OPT_MAX_RESULTS },
	{ "max-line",		required_argument, NULL, OPT_MAX_LINE },
	{ "max-connections",	required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "idle-timeout",	required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "write-timeout",	required_argument, NULL, OPT_WRITE_TIMEOUT },
	{ "max-connections-per-address", required_argument, NULL,
	    OPT_MAX_PER_ADDRESS },
	{ "proxy-from",		required_argument, NULL, OPT_PROXY_FROM },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void
usage(void)
{
	printf(
"usage: charfinderd [options]\n"
"Answers \"which Unicode character is called ...?\" over telnet, nc and HTTP.\n"
"\n"
"  --address ADDR          listen on ADDR, IPv4 or IPv6; repeatable, up to %d\n"
"                          (default %s)\n"
"  --port N                telnet port, 0 for any free one (default %d)\n"
"  --http-port N           HTTP port, 0 for any free one (default %d)\n"
"  --no-http               no HTTP port\n"
"  --http-timeout SECONDS  time an HTTP request may take to arrive\n"
"                          (default %d)\n"
"  --threads N             event loops, 1 to %d (default: number of CPUs)\n"
"  --max-results N         result lines per answer, 0 = no limit (default %d)\n"
"  --max-line BYTES        longest query line (default %d)\n"
"  --max-connections N     clients at once (default %d)\n"
"  --idle-timeout SECONDS  close idle clients, 0 = never (default %d)\n"
"  --write-timeout SECONDS close clients that read nothing, 0 = never\n"
"                          (default %d)\n"
"  --max-connections-per-address N\n"
"                          clients at once from one address (IPv6: one\n"
"                          /64), 0 = no limit (default %d)\n"
"  --proxy-from ADDR[/PREFIX]\n"
"                          a load balancer: its telnet connections start\n"
"                          with a PROXY header (v1 or v2), its HTTP\n"
"                          requests name the client in X-Forwarded-For;\n"
"                          repeatable, up to %d\n"
"  -v, --verbose           log connections; twice: every query\n"
"  --help                  show this help and exit\n"
"  --version               show versions and exit\n"
"\n"
"Under systemd socket activation the inherited sockets are served and\n"
"--address, --port and --http-port are ignored.  See charfinderd(8).\n",
	    ADDRESSES_MAX, DEFAULT_ADDRESS, DEFAULT_PORT, DEFAULT_HTTP_PORT,
	    DEFAULT_HTTP_TIMEOUT, THREADS_MAX,
	    DEFAULT_MAX_RESULTS, DEFAULT_MAX_LINE, DEFAULT_MAX_CONNECTIONS,
	    DEFAULT_IDLE_TIMEOUT, DEFAULT_WRITE_TIMEOUT, DEFAULT_MAX_PER_ADDRESS,
	    PROXIES_MAX);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	/* Before log_init(): in the journal, at the priority of an error. */
	fprintf(stderr, "%scharfinderd: ", daemon_stderr_is_journal() ?
	    "<3>" : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try --help)\n");
	exit(2);
}

/* A decimal number in [min, max], or a usage error naming the option. */
static unsigned long
parse_number(const char *option, const char *arg, unsigned long min,
    unsigned long max)
{
	char *end;
	unsigned long value;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9')
		usage_error("%s needs a number", option);
	value = strtoul(arg, &end, 10);
	if (errno != 0 || *end != '\0' || value < min || value > max) {
		usage_error("%s must be a number from %lu to %lu, not '%s'",
		    option, min, max, arg);
	}
	return value;
}

static bool
same_address(const struct listen_address *a, const struct listen_address *b)
{
	const struct sockaddr_in6 *a6 = (const void *)&a->addr;
	const struct sockaddr_in6 *b6 = (const void *)&b->addr;
	const struct sockaddr_in *a4 = (const void *)&a->addr;
	const struct sockaddr_in *b4 = (const void *)&b->addr;

	if (a->addr.ss_family != b->addr.ss_family)
		return false;
	if (a->addr.ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return memcmp(&a6->sin6_addr, &b6->sin6_addr,
	    sizeof(a6->sin6_addr)) == 0 &&
	    a6->sin6_scope_id == b6->sin6_scope_id;
}

/* A numeric IPv4 or IPv6 address, "::1" or "[::1]"; never a host name. */
static void
add_address(struct options *opts, const char *text)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	};
	struct listen_address *la = &opts->addresses[opts->naddresses];
	struct addrinfo *ai;
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	size_t len = strlen(text);

	if (opts->naddresses == ADDRESSES_MAX)
		usage_error("at most %d addresses", ADDRESSES_MAX);
	if (len >= 2 && len - 2 < sizeof(host) && text[0] == '[' &&
	    text[len - 1] == ']') {
		memcpy(host, text + 1, len - 2);
		host[len - 2] = '\0';
	} else if (len < sizeof(host))
		memcpy(host, text, len + 1);
	else
		host[0] = '\0';
	if (host[0] == '\0' || getaddrinfo(host, "0", &hints, &ai) != 0)
		usage_error("--address needs an IPv4 or IPv6 address, not '%s'",
		    text);
	memcpy(&la->addr, ai->ai_addr, ai->ai_addrlen);
	la->addrlen = ai->ai_addrlen;
	la->text = text;
	freeaddrinfo(ai);
	for (size_t i = 0; i < opts->naddresses; i++)
		if (same_address(&opts->addresses[i], la))
			usage_error("--address %s: the same address as '%s'",
			    text, opts->addresses[i].text);
	opts->naddresses++;
}

/* "10.0.0.0/8", "::1", "[2001:db8::]/32": an --proxy-from source. */
static void
add_proxy(struct options *opts, const char *text)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_flags = AI_NUMERICHOST,
	};
	struct inet_prefix *p = &opts->proxies[opts->nproxies];
	char host[INET6_ADDRSTRLEN + 2];
	const char *slash = strchr(text, '/');
	size_t len = slash != NULL ? (size_t)(slash - text) : strlen(text);
	struct addrinfo *ai;
	unsigned max;

	if (opts->nproxies == PROXIES_MAX)
		usage_error("at most %d --proxy-from sources", PROXIES_MAX);
	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(host))
		usage_error("--proxy-from needs an address or ADDR/PREFIX, "
		    "not '%s'", text);
	memcpy(host, text, len);
	host[len] = '\0';
	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		usage_error("--proxy-from needs an IPv4 or IPv6 address, not "
		    "'%s'", host);
	memset(&p->net, 0, sizeof(p->net));
	memcpy(&p->net, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	max = p->net.sa.sa_family == AF_INET ? 32 : 128;
	p->bits = slash != NULL ? (unsigned)parse_number("--proxy-from's "
	    "prefix", slash + 1, 0, max) : max;
	opts->nproxies++;
}

bool
options_trusted_proxy(const struct options *opts, const union inet_addr *a)
{
	for (size_t i = 0; i < opts->nproxies; i++)
		if (inet_in_prefix(a, &opts->proxies[i]))
			return true;
	return false;
}

static unsigned
cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > THREADS_MAX ? THREADS_MAX : (unsigned)n;
}

void
options_parse(int argc, char *argv[], struct options *opts)
{
	int ch;

	memset(opts, 0, sizeof(*opts));
	opts->port = DEFAULT_PORT;
	opts->http = true;
	opts->http_port = DEFAULT_HTTP_PORT;
	opts->http_timeout = DEFAULT_HTTP_TIMEOUT;
	opts->threads = cpu_count();
	opts->max_results = DEFAULT_MAX_RESULTS;
	opts->max_line = DEFAULT_MAX_LINE;
	opts->max_connections = DEFAULT_MAX_CONNECTIONS;
	opts->idle_timeout = DEFAULT_IDLE_TIMEOUT;
	opts->write_timeout = DEFAULT_WRITE_TIMEOUT;
	opts->max_per_address = DEFAULT_MAX_PER_ADDRESS;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":v", long_options, NULL)) != -1) {
		switch (ch) {
		case OPT_ADDRESS:
			add_address(opts, optarg);
			break;
		case OPT_PORT:
			opts->port = parse_number("--port", optarg, 0, 65535);
			break;
		case OPT_HTTP_PORT:
			opts->http_port = parse_number("--http-port", optarg, 0,
			    65535);
			break;
		case OPT_NO_HTTP:
			opts->http = false;
			break;
		case OPT_HTTP_TIMEOUT:
			opts->http_timeout = parse_number("--http-timeout",
			    optarg, 1, TIMEOUT_MAX);
			break;
		case OPT_THREADS:
			opts->threads = parse_number("--threads", optarg, 1,
			    THREADS_MAX);
			break;
		case OPT_MAX_RESULTS:
			opts->max_results = parse_number("--max-results",
			    optarg, 0, CF_CODEPOINT_MAX + 1);
			break;
		case OPT_MAX_LINE:
			opts->max_line = parse_number("--max-line", optarg,
			    MAX_LINE_MIN, MAX_LINE_MAX);
			break;
		case OPT_MAX_CONNECTIONS:
			opts->max_connections = parse_number(
			    "--max-connections", optarg, 1, CONNECTIONS_MAX);
			break;
		case OPT_IDLE_TIMEOUT:
			opts->idle_timeout = parse_number("--idle-timeout",
			    optarg, 0, TIMEOUT_MAX);
			break;
		case OPT_WRITE_TIMEOUT:
			opts->write_timeout = parse_number("--write-timeout",
			    optarg, 0, TIMEOUT_MAX);
			break;
		case OPT_MAX_PER_ADDRESS:
			opts->max_per_address = parse_number(
			    "--max-connections-per-address", optarg, 0,
			    CONNECTIONS_MAX);
			break;
		case OPT_PROXY_FROM:
			add_proxy(opts, optarg);
			break;
		case 'v':
			opts->verbosity++;
			break;
		case OPT_HELP:
			usage();
			exit(0);
		case OPT_VERSION:
			printf("%s\n", version_text());
			exit(0);
		case ':':
			usage_error("option %s needs an argument",
			    argv[optind - 1]);
		default:
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (opts->naddresses == 0)
		add_address(opts, DEFAULT_ADDRESS);
}
