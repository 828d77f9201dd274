/*
 * http_response_parser.c: a byte-level state machine like answer_parser.c.
 * Header lines are found with memchr and only their first bytes kept; the
 * body is skipped by its length, never scanned.
 */
#include <string.h>
#include <strings.h>

#include "http_response_parser.h"

enum parser_state {
	STATUS_LINE,
	HEADER_LINE,
	BODY,
	STUCK,
};

void
http_response_parser_init(struct http_response_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = STATUS_LINE;
}

static enum http_event
stuck(struct http_response_parser *p, const char *why)
{
	p->state = STUCK;
	p->why = why;
	return HTTP_BAD;
}

/* The name of a header line, case-insensitively, and the colon. */
static int
is_header(const struct http_response_parser *p, const char *name)
{
	size_t n = strlen(name);

	return p->line_len > n && strncasecmp(p->line, name, n) == 0 &&
	    p->line[n] == ':';
}

/* "HTTP/1.x NNN ...": sets p->status. */
static enum http_event
status_line(struct http_response_parser *p)
{
	const char *s = p->line;
	int i;

	if (p->line_len < 12 || memcmp(s, "HTTP/1.", 7) != 0 ||
	    s[7] < '0' || s[7] > '9' || s[8] != ' ')
		return stuck(p, "not an HTTP/1.x status line");
	p->status = 0;
	for (i = 9; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			return stuck(p, "a status line without a status");
		p->status = p->status * 10 + (s[i] - '0');
	}
	if (p->status < 200)
		return stuck(p, "an interim (1xx) response");
	p->have_length = 0;
	p->state = HEADER_LINE;
	return HTTP_NONE;
}

static enum http_event
content_length(struct http_response_parser *p)
{
	size_t i = sizeof("content-length:") - 1;
	uint64_t v = 0;
	int digits = 0;

	while (i < p->line_len && (p->line[i] == ' ' || p->line[i] == '\t'))
		i++;
	while (i < p->line_len && p->line[i] >= '0' && p->line[i] <= '9' &&
	    digits < 18) {
		v = v * 10 + (uint64_t)(p->line[i++] - '0');
		digits++;
	}
	while (i < p->line_len && (p->line[i] == ' ' || p->line[i] == '\t'))
		i++;
	if (digits == 0 || i != p->line_len)
		return stuck(p, "a bad Content-Length");
	if (p->have_length && v != p->length)
		return stuck(p, "two different Content-Lengths");
	p->length = v;
	p->have_length = 1;
	return HTTP_NONE;
}

/* A whole header line (or the empty line after the headers) is in. */
static enum http_event
header_line(struct http_response_parser *p)
{
	if (p->line_len > 0) {
		if (is_header(p, "content-length"))
			return content_length(p);
		if (is_header(p, "transfer-encoding"))
			return stuck(p, "a Transfer-Encoding (chunked) response");
		return HTTP_NONE;
	}
	if (!p->have_length)
		return stuck(p, "a response without Content-Length");
	p->body_left = p->length;
	p->state = BODY;
	return HTTP_NONE;
}

/* The end of a response: report it and wait for the next one. */
static enum http_event
response_ended(struct http_response_parser *p)
{
	p->state = STATUS_LINE;
	return p->status >= 200 && p->status < 300 ? HTTP_OK : HTTP_ERROR;
}

enum http_event
http_response_parser_feed(struct http_response_parser *p, const char *buf,
    size_t len, size_t *used)
{
	const char *at = buf, *end = buf + len, *nl;
	enum http_event ev = HTTP_NONE;
	size_t n, keep;

	while (at < end && p->state != STUCK) {
		if (p->state == BODY) {
			n = (size_t)(end - at);
			if (n > p->body_left)
				n = (size_t)p->body_left;
			at += n;
			p->body_left -= n;
			if (p->body_left > 0)
				break;
			ev = response_ended(p);
			break;
		}
		nl = memchr(at, '\n', (size_t)(end - at));
		n = (size_t)((nl != NULL ? nl : end) - at);
		keep = HTTP_LINE_MAX - p->line_len;
		if (keep > n)
			keep = n;
		memcpy(p->line + p->line_len, at, keep);
		p->line_len += keep;
		if (n > 0)
			p->last = at[n - 1];
		at += n;
		if (nl == NULL)
			break;
		at++;
		if (p->last != '\r') {
			ev = stuck(p, "a line that does not end with CR LF");
			break;
		}
		p->line_len--;		/* the CR */
		ev = p->state == STATUS_LINE ? status_line(p) : header_line(p);
		p->line_len = 0;
		p->last = 0;
		if (ev != HTTP_NONE)
			break;
		if (p->state == BODY && p->body_left == 0) {
			ev = response_ended(p);
			break;
		}
	}
	*used = (size_t)(at - buf);
	return p->state == STUCK ? HTTP_BAD : ev;
}
