/*
 * server_run.h: the one entry point main() needs.
 */
#ifndef SERVER_RUN_H
#define SERVER_RUN_H

#include "cf_index.h"
#include "options.h"

/* Serve until SIGINT or SIGTERM; returns the exit status. */
int server_run(const struct options *opts, const struct cf_index *index,
    double build_ms);

#endif
