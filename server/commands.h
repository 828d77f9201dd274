/*
 * commands.h: session commands, the lines that start with '/'.
 */
#ifndef COMMANDS_H
#define COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "cf_query.h"

struct evbuffer;
struct server;

/* What a telnet session may change for itself. */
struct session {
	size_t limit;			/* result lines per answer; 0: all */
	struct cf_query_options query;	/* order, skin tones */
};

enum command_result {
	COMMAND_DONE,		/* answered */
	COMMAND_ERROR,		/* unknown, or a bad argument: said so */
	COMMAND_QUIT,		/* the session ends once out is flushed */
};

/*
 * Run one command (text starts with '/' and a letter) and write its answer
 * to out.  /limit, /order and /tones change the session.
 */
enum command_result command_run(const struct server *srv, const char *text,
    size_t len, struct session *session, struct evbuffer *out);

#endif
