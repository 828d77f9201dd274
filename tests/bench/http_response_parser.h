/*
 * http_response_parser.h: splits what an HTTP/1.1 server sends on a
 * keep-alive connection into responses, fed in any split across reads.
 *
 * A response is a status line, header lines and a body of exactly
 * Content-Length bytes (the load generator sends only GET, so every
 * response has a body and the length says where it ends).  A chunked
 * response, one without Content-Length, an interim (1xx) response or
 * anything that is not HTTP/1.x is refused: the benchmark must not count
 * what it did not read as a response.
 */
#ifndef HTTP_RESPONSE_PARSER_H
#define HTTP_RESPONSE_PARSER_H

#include <stddef.h>
#include <stdint.h>

enum http_event {
	HTTP_NONE,		/* all input consumed, nothing complete */
	HTTP_OK,		/* a whole response with a 2xx status */
	HTTP_ERROR,		/* a whole response with another status */
	HTTP_BAD,		/* not HTTP as we read it; see parser->why */
};

/* Enough of a header line to read Content-Length from. */
#define HTTP_LINE_MAX	64

struct http_response_parser {
	const char	*why;		/* after HTTP_BAD */
	uint64_t	 body_left;
	uint64_t	 length;
	int		 status;
	size_t		 line_len;
	char		 line[HTTP_LINE_MAX];
	char		 last;		/* last byte of the line so far */
	unsigned char	 have_length;
	unsigned char	 state;		/* private */
};

void http_response_parser_init(struct http_response_parser *);
/*
 * Consumes bytes up to the end of a response, or all of them; *used says
 * how many.  After HTTP_BAD the parser is stuck: drop the connection.
 */
enum http_event http_response_parser_feed(struct http_response_parser *,
    const char *buf, size_t len, size_t *used);

#endif
