/*
 * options.h: the daemon's command line.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stddef.h>

#define OPTIONS_MAX_ADDRESSES 16

struct options {
	const char *addresses[OPTIONS_MAX_ADDRESSES];
	size_t naddresses;
	unsigned port;
	unsigned threads;
	size_t max_results;		/* default /limit; 0: none */
	size_t max_line;		/* bytes */
	size_t max_connections;
	unsigned idle_timeout;		/* seconds; 0: none */
	unsigned write_timeout;		/* seconds; 0: none */
	int verbosity;
};

/*
 * Parse argv into opts.  --help and --version print and exit 0; a usage
 * error prints one line and exits 2.
 */
void options_parse(int argc, char *argv[], struct options *opts);

#endif
