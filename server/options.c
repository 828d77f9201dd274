/*
 * options.c: getopt_long parsing, --help and --version.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cf_index.h"
#include "options.h"

#define DEFAULT_ADDRESS		"127.0.0.1"
#define DEFAULT_PORT		2323
#define DEFAULT_MAX_LINE	4096
#define DEFAULT_MAX_CONNECTIONS	10000
#define DEFAULT_IDLE_TIMEOUT	600
#define DEFAULT_WRITE_TIMEOUT	60

enum {
	OPT_ADDRESS = 256,
	OPT_PORT,
	OPT_THREADS,
	OPT_MAX_RESULTS,
	OPT_MAX_LINE,
	OPT_MAX_CONNECTIONS,
	OPT_IDLE_TIMEOUT,
	OPT_WRITE_TIMEOUT,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "address",		required_argument, NULL, OPT_ADDRESS },
	{ "port",		required_argument, NULL, OPT_PORT },
	{ "threads",		required_argument, NULL, OPT_THREADS },
	{ "max-results",	required_argument, NULL, OPT_MAX_RESULTS },
	{ "max-line",		required_argument, NULL, OPT_MAX_LINE },
	{ "max-connections",	required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "idle-timeout",	required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "write-timeout",	required_argument, NULL, OPT_WRITE_TIMEOUT },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"usage: charfinderd [options]\n"
"Answers \"which Unicode character is called ...?\" over TCP (telnet, nc).\n"
"\n"
"  --address ADDR          listen on ADDR, IPv4 or IPv6; repeatable\n"
"                          (default " DEFAULT_ADDRESS ")\n"
"  --port N                TCP port, 0 for any free one (default 2323)\n"
"  --threads N             event loops (default: number of CPUs)\n"
"  --max-results N         result lines per answer, 0 = no limit (default 0)\n"
"  --max-line BYTES        longest query line (default 4096)\n"
"  --max-connections N     clients at once (default 10000)\n"
"  --idle-timeout SECONDS  close idle clients, 0 = never (default 600)\n"
"  --write-timeout SECONDS close clients that read nothing (default 60)\n"
"  -v, --verbose           log connections; twice: every query\n"
"  --help                  show this help and exit\n"
"  --version               show versions and exit\n"
"\n"
"Under systemd socket activation the inherited sockets are served and\n"
"--address and --port are ignored.  See charfinderd(8).\n";

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "charfinderd: ");
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

static unsigned
cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

void
options_parse(int argc, char *argv[], struct options *opts)
{
	int ch;

	*opts = (struct options){
		.port = DEFAULT_PORT,
		.threads = cpu_count(),
		.max_line = DEFAULT_MAX_LINE,
		.max_connections = DEFAULT_MAX_CONNECTIONS,
		.idle_timeout = DEFAULT_IDLE_TIMEOUT,
		.write_timeout = DEFAULT_WRITE_TIMEOUT,
	};
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":v", long_options, NULL)) != -1) {
		switch (ch) {
		case OPT_ADDRESS:
			if (opts->naddresses == OPTIONS_MAX_ADDRESSES)
				usage_error("at most %d addresses", OPTIONS_MAX_ADDRESSES);
			opts->addresses[opts->naddresses++] = optarg;
			break;
		case OPT_PORT:
			opts->port = parse_number("--port", optarg, 0, 65535);
			break;
		case OPT_THREADS:
			opts->threads = parse_number("--threads", optarg, 1, 64);
			break;
		case OPT_MAX_RESULTS:
			opts->max_results = parse_number("--max-results",
			    optarg, 0, CF_CODEPOINT_MAX + 1);
			break;
		case OPT_MAX_LINE:
			opts->max_line = parse_number("--max-line", optarg,
			    16, 1 << 20);
			break;
		case OPT_MAX_CONNECTIONS:
			opts->max_connections = parse_number(
			    "--max-connections", optarg, 1, 1000000);
			break;
		case OPT_IDLE_TIMEOUT:
			opts->idle_timeout = parse_number("--idle-timeout",
			    optarg, 0, 86400 * 7);
			break;
		case OPT_WRITE_TIMEOUT:
			opts->write_timeout = parse_number("--write-timeout",
			    optarg, 0, 86400 * 7);
			break;
		case 'v':
			opts->verbosity++;
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			exit(0);
		case OPT_VERSION:
			printf("charfinderd %s (ICU %s, Unicode %s)\n",
			    CHARFINDERD_VERSION, cf_icu_version(),
			    cf_icu_unicode_version());
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
		opts->addresses[opts->naddresses++] = DEFAULT_ADDRESS;
}
