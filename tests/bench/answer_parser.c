/*
 * answer_parser.c: a byte-level state machine.  Lines are found with
 * memchr and only their first bytes are kept, so a 4 MB answer costs one
 * pass and no copying.
 */
#include <string.h>

#include "answer_parser.h"

#define PROMPT		"?> "
#define PROMPT_LEN	3

enum parser_state {
	AWAIT_PROMPT,
	IN_LINE,
	STUCK,
};

void
answer_parser_init(struct answer_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = AWAIT_PROMPT;
	p->ending = ANSWER_GREETING;
}

static int
starts_with(const char *head, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(head, prefix, n) == 0;
}

/*
 * "No match for ", "1 match for ", "N matches for ": sets *count and
 * returns 1 for a status line, 0 for anything else.
 */
static int
parse_status(const char *head, size_t len, unsigned long *count)
{
	size_t i = 0;

	if (starts_with(head, len, "No match for ")) {
		*count = 0;
		return 1;
	}
	*count = 0;
	while (i < len && head[i] >= '0' && head[i] <= '9' && i < 12)
		*count = *count * 10 + (unsigned long)(head[i++] - '0');
	if (i == 0)
		return 0;
	if (*count == 1)
		return starts_with(head + i, len - i, " match for ");
	return starts_with(head + i, len - i, " matches for ");
}

static enum answer_event
stuck(struct answer_parser *p, const char *why)
{
	p->state = STUCK;
	p->why = why;
	return ANSWER_BAD;
}

/* A whole line has arrived; its first bytes are in p->head. */
static enum answer_event
line_ended(struct answer_parser *p)
{
	unsigned long count;

	if (p->last != '\r')
		return stuck(p, "a line that does not end with CR LF");
	if (starts_with(p->head, p->head_len, "U+")) {
		p->results++;
		return ANSWER_NONE;
	}
	if (starts_with(p->head, p->head_len, "error: ")) {
		p->ending = ANSWER_ERROR;
	} else if (parse_status(p->head, p->head_len, &count)) {
		if (count != p->results)
			return stuck(p, "a status line with the wrong count");
		p->ending = ANSWER_DONE;
	} else
		return stuck(p, "a line that is neither result nor status");
	p->state = AWAIT_PROMPT;
	p->prompt_seen = 0;
	return ANSWER_NONE;
}

enum answer_event
answer_parser_feed(struct answer_parser *p, const char *buf, size_t len,
    size_t *used)
{
	const char *at = buf, *end = buf + len, *nl;
	enum answer_event ev;
	size_t n, keep;

	while (at < end) {
		if (p->state == STUCK)
			break;
		if (p->state == AWAIT_PROMPT) {
			if (*at++ != PROMPT[p->prompt_seen]) {
				*used = at - buf;
				return stuck(p, "something other than the prompt");
			}
			if (++p->prompt_seen < PROMPT_LEN)
				continue;
			ev = p->ending;
			p->state = IN_LINE;
			p->head_len = 0;
			p->last = 0;
			p->results = 0;
			*used = at - buf;
			return ev;
		}
		nl = memchr(at, '\n', end - at);
		n = (nl != NULL ? nl : end) - at;
		keep = ANSWER_HEAD_MAX - p->head_len;
		if (keep > n)
			keep = n;
		memcpy(p->head + p->head_len, at, keep);
		p->head_len += keep;
		if (n > 0)
			p->last = at[n - 1];
		at += n;
		if (nl == NULL)
			break;
		at++;
		ev = line_ended(p);
		p->head_len = 0;
		p->last = 0;
		if (ev != ANSWER_NONE) {
			*used = at - buf;
			return ev;
		}
	}
	*used = at - buf;
	return p->state == STUCK ? ANSWER_BAD : ANSWER_NONE;
}
