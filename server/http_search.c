/*
 * http_search.c: GET /search?q=...&limit=N&offset=N&format=json|text
 *
 * The same query language, order and count as telnet.  The results are
 * the index's own result lines, turned into JSON objects as they go out
 * (format=text: the lines as they are, and the telnet status line).  An
 * answer of up to STREAM_MIN_LINES lines is sent at once with its length;
 * a longer one is streamed (chunked) under the telnet front end's output
 * watermarks, so that `q=cjk&limit=0` holds no more memory than on telnet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "cf_query.h"
#include "cf_repr.h"
#include "http_front.h"
#include "http_reply.h"
#include "log.h"
#include "server.h"

#define DEFAULT_LIMIT		100
/* Longer answers are streamed. */
#define STREAM_MIN_LINES	1000
/* A piece of an answer, as the telnet front end takes them. */
#define PIECE_MAX		(64 * 1024)

struct http_stream {
	struct http_front *h;
	struct http_conn *hc;
	struct evhttp_request *req;
	struct cf_answer *answer;	/* the stream's own */
	struct cf_cursor cursor;
	size_t end;			/* the last line to send, +1 */
	bool json;
	bool first;			/* no result sent yet */
	char *query;			/* for the status line */
	size_t query_len;
	size_t offset;
	size_t bytes;			/* sent so far */
	uint64_t started;		/* monotonic_us() */
};

struct search {
	const char *text;
	size_t len;
	size_t offset, limit;		/* limit 0: all */
	bool json;
	uint64_t started;		/* monotonic_us() */
};

static const char *
skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

/*
 * One result line ("U+265A \t♚\tBLACK CHESS KING\r\n", or an emoji
 * sequence's "U+1F469 U+200D U+1F4BB\t...") as a JSON object.
 */
static void
json_result(struct evbuffer *out, const char *line, size_t len)
{
	static const char alias_mark[] = " (alias ";
	const char *end = line + len - 2;	/* CR LF */
	const char *tab1 = memchr(line, '\t', (size_t)(end - line));
	const char *tab2 = memchr(tab1 + 1, '\t', (size_t)(end - tab1 - 1));
	const char *name = tab2 + 1, *name_end = end, *alias = NULL, *p;
	const char *cps_end = line;

	for (p = line; p < tab1; p++)
		if (*p != ' ')
			cps_end = p + 1;
	if (name_end - name > (long)sizeof(alias_mark) && end[-1] == ')')
		for (p = name_end - 1; p > name; p--)
			if (*p == '(' && p - name >= 1 &&
			    memcmp(p - 1, alias_mark, sizeof(alias_mark) - 1) ==
			    0) {
				alias = p + sizeof(alias_mark) - 2;
				name_end = p - 1;
				break;
			}
	evbuffer_add(out, "{\"cp\":", 6);
	p = memchr(line, ' ', (size_t)(cps_end - line));
	json_string(out, line, p != NULL ? (size_t)(p - line) :
	    (size_t)(cps_end - line));
	if (p != NULL) {		/* a sequence: every code point */
		const char *cp = line;

		evbuffer_add(out, ",\"cps\":[", 8);
		while (cp < cps_end) {
			const char *sp = memchr(cp, ' ', (size_t)(cps_end - cp));
			const char *stop = sp != NULL ? sp : cps_end;

			if (cp != line)
				evbuffer_add(out, ",", 1);
			json_string(out, cp, (size_t)(stop - cp));
			cp = skip_spaces(stop, cps_end);
		}
		evbuffer_add(out, "]", 1);
	}
	evbuffer_add(out, ",\"char\":", 8);
	json_string(out, tab1 + 1, (size_t)(tab2 - tab1 - 1));
	evbuffer_add(out, ",\"name\":", 8);
	json_string(out, name, (size_t)(name_end - name));
	if (alias != NULL) {
		evbuffer_add(out, ",\"alias\":", 9);
		json_string(out, alias, (size_t)(end - 1 - alias));
	}
	evbuffer_add(out, "}", 1);
}

/* The lines of a piece, in the answer's format. */
static void
add_piece(struct evbuffer *out, const struct cf_piece *piece, bool json,
    bool *first)
{
	const char *p = piece->data, *end = piece->data + piece->len;

	if (!json) {
		if (piece->stable)
			evbuffer_add_reference(out, piece->data, piece->len,
			    NULL, NULL);
		else
			evbuffer_add(out, piece->data, piece->len);
		return;
	}
	while (p < end) {
		const char *nl = (const char *)memchr(p, '\n',
		    (size_t)(end - p)) + 1;

		if (!*first)
			evbuffer_add(out, ",", 1);
		*first = false;
		json_result(out, p, (size_t)(nl - p));
		p = nl;
	}
}

static void
add_head(struct evbuffer *out, const struct search *s, size_t count)
{
	if (!s->json)
		return;
	evbuffer_add(out, "{\"query\":", 9);
	json_string(out, s->text, s->len);
	evbuffer_add_printf(out, ",\"count\":%zu,\"offset\":%zu,\"limit\":%zu,"
	    "\"results\":[", count, s->offset, s->limit);
}

static void
add_tail(struct evbuffer *out, bool json, const char *q, size_t qlen,
    size_t count, size_t shown)
{
	struct evbuffer_iovec v;

	if (json) {
		evbuffer_add(out, "]}\n", 3);
		return;
	}
	if (evbuffer_reserve_space(out, CF_STATUS_MAX(qlen), &v, 1) != 1)
		return;
	v.iov_len = cf_status_line(v.iov_base, q, qlen, count, shown);
	evbuffer_commit_space(out, &v, 1);
}

/* The answer is out: count it. */
static void
count_answer(struct http_front *h, size_t lines, size_t bytes,
    uint64_t started)
{
	struct worker_stats *ws = &h->worker->stats;

	stat_add(&ws->result_lines, lines);
	stat_add(&ws->bytes_out, bytes);
	stat_latency(ws, monotonic_us() - started);
}

/* Move the cursor past the first offset lines. */
static void
skip_lines(const struct cf_index *idx, const struct cf_answer *ans,
    struct cf_cursor *cur, size_t offset)
{
	struct cf_piece piece;
	char buf[CF_LINE_MAX];

	while (cur->lines < offset && cf_answer_next(idx, ans, cur, offset,
	    SIZE_MAX, &piece, buf))
		;
}

static void
stream_free(struct http_stream *st)
{
	cf_answer_free(st->answer);
	free(st->query);
	free(st);
}

/*
 * The connection goes while the answer is streamed.  When evhttp gives up
 * on it at an end of file or an error, it first lets go of the request,
 * which it leaves to us to end (and so free); otherwise it frees the
 * request with the connection.
 */
void
http_stream_abort(struct http_stream *st)
{
	struct evhttp_request *req = st->req;

	st->hc->stream = NULL;
	stream_free(st);
	if (evhttp_request_get_connection(req) == NULL)
		evhttp_send_reply_end(req);	/* frees it */
}

static void stream_drained_cb(struct evhttp_connection *evcon, void *arg);

/* Add pieces while the output is under the watermark; end when all is out. */
static void
stream_pump(struct http_stream *st)
{
	const struct cf_index *idx = st->h->server->index;
	struct bufferevent *bev = st->hc->bev;
	struct evbuffer *out = bufferevent_get_output(bev), *chunk;
	struct evhttp_request *req = st->req;
	struct cf_piece piece;
	char buf[CF_LINE_MAX];
	bool done = false;

	if ((chunk = evbuffer_new()) == NULL) {
		log_warnx("%s: %s: out of memory, closing", __func__,
		    st->hc->peer.name);
		evhttp_connection_free(st->hc->evcon);	/* frees st */
		return;
	}
	while (evbuffer_get_length(out) + evbuffer_get_length(chunk) <
	    HTTP_WRITE_HIGH_WATERMARK) {
		if (!cf_answer_next(idx, st->answer, &st->cursor, st->end,
		    PIECE_MAX, &piece, buf)) {
			done = true;
			break;
		}
		add_piece(chunk, &piece, st->json, &st->first);
	}
	if (!done) {
		st->bytes += evbuffer_get_length(chunk);
		evhttp_send_reply_chunk_with_cb(req, chunk, stream_drained_cb,
		    st);
		evbuffer_free(chunk);
		return;
	}
	add_tail(chunk, st->json, st->query, st->query_len,
	    cf_answer_count(st->answer), st->cursor.lines);
	st->bytes += evbuffer_get_length(chunk);
	count_answer(st->h, st->cursor.lines - st->offset, st->bytes,
	    st->started);
	evhttp_send_reply_chunk(req, chunk);
	evbuffer_free(chunk);
	/* evhttp ends the request once the output is empty: watermark 0. */
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	st->hc->stream = NULL;
	stream_free(st);
	evhttp_send_reply_end(req);	/* may free the connection */
}

static void
stream_drained_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_stream *st = arg;

	(void)evcon;
	http_conn_progress(st->hc);
	stream_pump(st);
}

static void
stream_start(struct http_front *h, struct http_conn *hc,
    struct evhttp_request *req, const struct search *s,
    struct cf_cursor *cursor)
{
	struct http_stream *st;
	struct evbuffer *head;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->query = malloc(s->len + 1)) == NULL ||
	    (head = evbuffer_new()) == NULL) {
		if (st != NULL)
			free(st->query);
		free(st);
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		return;
	}
	st->h = h;
	st->hc = hc;
	st->req = req;
	/* The query's answer goes with the stream; the front gets anew. */
	st->answer = h->answer;
	h->answer = cf_answer_new();
	st->cursor = *cursor;
	st->end = s->limit > 0 ? s->offset + s->limit : 0;
	st->offset = cursor->lines;
	st->started = s->started;
	st->json = s->json;
	st->first = true;
	memcpy(st->query, s->text, s->len);
	st->query_len = s->len;
	hc->stream = st;
	http_add_headers(h, req, s->json ? HTTP_TYPE_JSON : HTTP_TYPE_TEXT);
	evhttp_send_reply_start(req, 200, "OK");
	/* Refill at the low watermark, as telnet does, not when empty. */
	bufferevent_setwatermark(hc->bev, EV_WRITE, HTTP_WRITE_LOW_WATERMARK,
	    0);
	add_head(head, s, cf_answer_count(st->answer));
	st->bytes = evbuffer_get_length(head);
	evhttp_send_reply_chunk(req, head);
	evbuffer_free(head);
	stream_pump(st);
}

/* The whole answer in one body. */
static void
send_at_once(struct http_front *h, struct evhttp_request *req,
    const struct search *s, struct cf_cursor *cursor)
{
	const struct cf_index *idx = h->server->index;
	struct evbuffer *body = evbuffer_new();
	struct cf_piece piece;
	char buf[CF_LINE_MAX];
	size_t end = s->limit > 0 ? s->offset + s->limit : 0;
	size_t skipped = cursor->lines;
	bool first = true;

	if (body == NULL) {
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		return;
	}
	add_head(body, s, cf_answer_count(h->answer));
	while (cf_answer_next(idx, h->answer, cursor, end, PIECE_MAX, &piece,
	    buf))
		add_piece(body, &piece, s->json, &first);
	add_tail(body, s->json, s->text, s->len, cf_answer_count(h->answer),
	    cursor->lines);
	count_answer(h, cursor->lines - skipped, evbuffer_get_length(body),
	    s->started);
	http_send(h, req, 200, s->json ? HTTP_TYPE_JSON : HTTP_TYPE_TEXT,
	    body);
	evbuffer_free(body);
}

/* The parameters into s; false (and the error sent) if they are bad. */
static bool
read_params(struct http_front *h, struct evhttp_request *req,
    const struct http_params *p, struct search *s)
{
	size_t max = CF_CODEPOINT_MAX + 1;
	char err[128];

	s->limit = DEFAULT_LIMIT;
	s->offset = 0;
	s->json = true;
	if (p->q == NULL) {
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST,
		    "missing q");
		return false;
	}
	if (p->limit != NULL && !http_number(p->limit, p->limit_len, max,
	    &s->limit)) {
		snprintf(err, sizeof(err), "limit must be a number from 0 to "
		    "%zu", max);
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST, err);
		return false;
	}
	if (p->offset != NULL && !http_number(p->offset, p->offset_len, max,
	    &s->offset)) {
		snprintf(err, sizeof(err), "offset must be a number from 0 to "
		    "%zu", max);
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST, err);
		return false;
	}
	if (p->format != NULL && strcmp(p->format, "json") != 0 &&
	    strcmp(p->format, "text") != 0) {
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST,
		    "format must be json or text");
		return false;
	}
	s->json = p->format == NULL || strcmp(p->format, "json") == 0;
	if (p->order != NULL && strcmp(p->order, "codepoint") != 0) {
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST,
		    "order must be codepoint");
		return false;
	}
	return true;
}

/* Check q as telnet checks a line; false (and the error sent) if bad. */
static bool
read_query(struct http_front *h, struct evhttp_request *req,
    const struct http_params *p, struct search *s)
{
	switch (cf_query_text(p->q, p->q_len, &s->text, &s->len)) {
	case CF_TEXT_BAD_UTF8:
		http_error(h, req, HTTP_BADREQUEST, ERROR_BAD_UTF8,
		    "q is not valid UTF-8");
		return false;
	case CF_TEXT_CONTROL:
		http_error(h, req, HTTP_BADREQUEST, ERROR_CONTROL,
		    "control character in the query (only TAB may separate "
		    "words)");
		return false;
	case CF_TEXT_EMPTY:
	case CF_TEXT_OK:
		break;
	}
	return true;
}

void
http_search(struct http_front *h, struct http_conn *hc,
    struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct http_params p;
	struct search s;
	struct cf_cursor cursor;
	char err[256];
	size_t count, lines;

	if (h->answer == NULL && (h->answer = cf_answer_new()) == NULL) {
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		return;
	}
	if (http_params_parse(evhttp_uri_get_query(uri), &p, err,
	    sizeof(err)) == -1) {
		http_params_free(&p);
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST, err);
		return;
	}
	if (!read_params(h, req, &p, &s) || !read_query(h, req, &p, &s))
		goto out;
	s.started = monotonic_us();
	if (cf_index_query(h->server->index, s.text, s.len, h->answer, err,
	    sizeof(err)) == -1) {
		http_error(h, req, HTTP_BADREQUEST, ERROR_QUERY, err);
		goto out;
	}
	stat_add(&h->worker->stats.queries[cf_answer_form(h->answer)], 1);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		http_send(h, req, 200, s.json ? HTTP_TYPE_JSON :
		    HTTP_TYPE_TEXT, NULL);
		goto out;
	}
	memset(&cursor, 0, sizeof(cursor));
	skip_lines(h->server->index, h->answer, &cursor, s.offset);
	count = cf_answer_count(h->answer);
	lines = count > cursor.lines ? count - cursor.lines : 0;
	if (s.limit > 0 && lines > s.limit)
		lines = s.limit;
	if (lines <= STREAM_MIN_LINES)
		send_at_once(h, req, &s, &cursor);
	else
		stream_start(h, hc, req, &s, &cursor);
out:
	http_params_free(&p);
}

void
http_healthz(struct http_front *h, struct evhttp_request *req)
{
	struct evbuffer *body = evbuffer_new();

	if (body != NULL)
		evbuffer_add(body, "ok\n", 3);
	http_send(h, req, 200, HTTP_TYPE_TEXT, body);
	if (body != NULL)
		evbuffer_free(body);
}
