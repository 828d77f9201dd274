/*
 * answer_parser.h: splits what a charfinder server sends into answers,
 * fed in any split across reads.
 *
 * The stream is a prompt "?> ", then for each query: result lines
 * ("U+..." CR LF), one status line ("No match for ...", "1 match for ...",
 * "N matches for ...") or one "error: ..." line, and the next prompt.  An
 * answer is complete when the prompt after its last line has arrived.  The
 * parser also checks what it sees: every line ends with CR LF, and a status
 * line counts exactly the result lines before it.
 */
#ifndef ANSWER_PARSER_H
#define ANSWER_PARSER_H

#include <stddef.h>

enum answer_event {
	ANSWER_NONE,		/* all input consumed, nothing complete */
	ANSWER_GREETING,	/* the first prompt, before any answer */
	ANSWER_DONE,		/* a status line and the prompt after it */
	ANSWER_ERROR,		/* an "error: " line and the prompt after it */
	ANSWER_BAD,		/* not the protocol; see parser->why */
};

/* Enough of a line to tell what it is. */
#define ANSWER_HEAD_MAX	32

struct answer_parser {
	const char	*why;		/* after ANSWER_BAD */
	unsigned long	 results;	/* result lines of the current answer */
	size_t		 head_len;
	char		 head[ANSWER_HEAD_MAX];
	char		 last;		/* last byte of the line so far */
	unsigned char	 prompt_seen;	/* bytes of the prompt matched */
	unsigned char	 state;		/* private */
	unsigned char	 ending;	/* private: answer_event after prompt */
};

void answer_parser_init(struct answer_parser *);
/*
 * Consumes bytes up to the first event, or all of them; *used says how
 * many.  After ANSWER_BAD the parser is stuck: drop the connection.
 */
enum answer_event answer_parser_feed(struct answer_parser *,
    const char *buf, size_t len, size_t *used);

#endif
