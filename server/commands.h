/*
 * commands.h: session commands, the lines that start with '/'.
 */
#ifndef COMMANDS_H
#define COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

struct evbuffer;
struct server;

enum command_result {
	COMMAND_DONE,		/* answered */
	COMMAND_ERROR,		/* unknown, or a bad argument: said so */
	COMMAND_QUIT,		/* the session ends once out is flushed */
};

/*
 * Run one command (text starts with '/' and a letter) and write its answer
 * to out.  /limit changes *limit.
 */
enum command_result command_run(const struct server *srv, const char *text,
    size_t len, size_t *limit, struct evbuffer *out);

#endif
