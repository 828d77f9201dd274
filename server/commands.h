/*
 * commands.h: session commands, the lines that start with '/'.
 */
#ifndef COMMANDS_H
#define COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

struct evbuffer;
struct server;

/*
 * Run one command (text starts with '/' and a letter) and write its answer
 * to out.  /limit changes *limit.  Returns true when the session should
 * end after the answer is flushed (/quit).
 */
bool command_run(const struct server *srv, const char *text, size_t len,
    size_t *limit, struct evbuffer *out);

#endif
