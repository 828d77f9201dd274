/*
 * protocol.h: the telnet front end's line protocol, the part that is not a
 * query: what a received line asks for, and the fixed texts the server
 * writes around answers.  The index (cf_query.h) checks query text and
 * makes the result and status lines; the HTTP front end sits beside this.
 */
#ifndef PROTOCOL_H
#define PROTOCOL_H

#include <stddef.h>

#define PROTOCOL_PROMPT		"?> "
#define PROTOCOL_ERROR		"error: "
#define PROTOCOL_EOL		"\r\n"

enum line_kind {
	LINE_EMPTY,	/* only white space: answer with a new prompt */
	LINE_LEAVE,	/* first character is a control: close (Ctrl-D) */
	LINE_BAD_UTF8,	/* not valid UTF-8 */
	LINE_CONTROL,	/* a control character inside (TAB excepted) */
	LINE_COMMAND,	/* '/' followed by a letter */
	LINE_QUERY,	/* anything else */
};

/*
 * What a received line (line end removed) is.  *text and *textlen get the
 * line stripped of white space as Python's str.strip() does (for
 * LINE_BAD_UTF8, the raw line).
 */
enum line_kind line_classify(const char *line, size_t len, const char **text,
    size_t *textlen);

/*
 * The bytes of a byte order mark (U+FEFF) that start the first line of a
 * session, which some Windows clients send: 3, or 0.
 */
size_t line_bom_length(const char *line, size_t len);

#endif
