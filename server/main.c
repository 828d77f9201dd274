/*
 * charfinderd: answers "which Unicode character is called ...?" over TCP.
 */
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "cf_index.h"
#include "heap.h"
#include "log.h"
#include "options.h"
#include "server_run.h"
#include "systemd_hooks.h"

static double
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1e3 +
	    (now.tv_nsec - since->tv_nsec) / 1e6;
}

int
main(int argc, char *argv[])
{
	struct options opts;
	struct cf_index *index;
	struct timespec start;
	char err[256];
	int status;

	options_parse(argc, argv, &opts);
	log_init(opts.verbosity, daemon_stderr_is_journal());
	/* A client that goes away mid-answer is an error return, not death. */
	signal(SIGPIPE, SIG_IGN);
	heap_keep_freed();

	clock_gettime(CLOCK_MONOTONIC, &start);
	if ((index = cf_index_build(err, sizeof(err))) == NULL)
		fatalx("%s", err);
	status = server_run(&opts, index, elapsed_ms(&start));
	cf_index_free(index);
	return status;
}
