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

#include "cf_emoji.h"
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
	size_t limit;			/* lines to send; 0: all */
	bool json;
	bool first;			/* no result sent yet */
	char *query;			/* for the status line */
	size_t query_len;
	size_t bytes;			/* sent so far */
	uint64_t started;		/* monotonic_us() */
};

struct search {
	const char *text;
	size_t len;
	size_t offset, limit;		/* limit 0: all */
	bool json;
	struct cf_query_options opts;	/* order, skin tones */
	uint64_t started;		/* monotonic_us() */
};

/* "U+265A": 4 to 6 hexadecimal digits, as the telnet lines have them. */
static char *
json_cp_at(char *p, uint32_t cp)
{
	static const char hex[] = "0123456789ABCDEF";
	int digits = cp > 0xFFFFF ? 6 : cp > 0xFFFF ? 5 : 4;

	memcpy(p, "\"U+", 3);
	p += 3;
	for (int i = digits - 1; i >= 0; i--)
		*p++ = hex[(cp >> (4 * i)) & 15];
	*p++ = '"';
	return p;
}

#define JSON_CP_MAX	10	/* "U+10FFFF" */

/* A string that needs no escape, as a JSON string at p. */
static char *
json_plain_at(char *p, const char *s, size_t len)
{
	*p++ = '"';
	memcpy(p, s, len);
	p += len;
	*p++ = '"';
	return p;
}

/* Append a literal at p. */
#define put_literal(p, s)	(memcpy((p), (s), sizeof(s) - 1), \
	(p) + sizeof(s) - 1)

/*
 * One result as a JSON object: {"cp":"U+265A","char":"♚","name":"BLACK
 * CHESS KING"}, "alias" when it was found through one; an emoji sequence
 * also has "cps" (every code point), and an emoji its keywords, group and
 * subgroup.  All but the emoji's fields are laid out in one reservation of
 * the buffer: an answer has up to a thousand of them.
 */
static void
json_item(struct evbuffer *out, const struct cf_item *item)
{
	size_t max = 64 + (item->ncps + 1) * (JSON_CP_MAX + 1) +
	    JSON_STRING_MAX(item->text_len) + JSON_STRING_MAX(item->name_len) +
	    (item->alias != NULL ? JSON_STRING_MAX(item->alias_len) : 0);
	struct evbuffer_iovec v;
	char *p;

	if (evbuffer_reserve_space(out, (ev_ssize_t)max, &v, 1) != 1)
		return;		/* out of memory: the answer is cut */
	p = put_literal((char *)v.iov_base, "{\"cp\":");
	p = json_cp_at(p, item->cps[0]);
	if (item->ncps > 1 || item->emoji >= 0) {
		p = put_literal(p, ",\"cps\":[");
		for (size_t i = 0; i < item->ncps; i++) {
			if (i > 0)
				*p++ = ',';
			p = json_cp_at(p, item->cps[i]);
		}
		*p++ = ']';
	}
	p = put_literal(p, ",\"char\":");
	p = json_string_at(p, item->text, item->text_len);
	/* A character's name and alias are plain (cf_query.h): copied. */
	p = put_literal(p, ",\"name\":");
	p = (item->emoji >= 0 ? json_string_at : json_plain_at)(p, item->name,
	    item->name_len);
	if (item->alias != NULL) {
		p = put_literal(p, ",\"alias\":");
		p = (item->emoji >= 0 ? json_string_at : json_plain_at)(p,
		    item->alias, item->alias_len);
	}
	v.iov_len = (size_t)(p - (char *)v.iov_base);
	evbuffer_commit_space(out, &v, 1);
	if (item->emoji >= 0)
		json_emoji_fields(out, item->emoji);
	add_literal(out, "}");
}

/*
 * Add the answer's next results to out in its format, until all are out
 * (true) or out holds max bytes (false).  Text goes by pieces, the index's
 * own lines; JSON by items.
 */
static bool
add_results(struct evbuffer *out, const struct cf_index *idx,
    const struct cf_answer *ans, struct cf_cursor *cur, size_t limit,
    bool json, bool *first, size_t max)
{
	char buf[CF_LINE_MAX];

	while (evbuffer_get_length(out) < max) {
		struct cf_item item;
		struct cf_piece piece;

		if (json) {
			if (!cf_answer_next_item(idx, ans, cur, limit, &item,
			    buf))
				return true;
			if (!*first)
				add_literal(out, ",");
			*first = false;
			json_item(out, &item);
		} else {
			if (!cf_answer_next(idx, ans, cur, limit, PIECE_MAX,
			    &piece, buf))
				return true;
			if (piece.stable)
				evbuffer_add_reference(out, piece.data,
				    piece.len, NULL, NULL);
			else
				evbuffer_add(out, piece.data, piece.len);
		}
	}
	return false;
}

static void
add_head(struct evbuffer *out, const struct search *s, size_t count)
{
	if (!s->json)
		return;
	add_literal(out, "{\"query\":");
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
		add_literal(out, "]}\n");
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

/* Add results while the output is under the watermark; end when all is out. */
static void
stream_pump(struct http_stream *st)
{
	const struct cf_index *idx = st->h->server->index;
	struct bufferevent *bev = st->hc->bev;
	size_t queued = evbuffer_get_length(bufferevent_get_output(bev));
	struct evhttp_request *req = st->req;
	struct evbuffer *chunk;

	if ((chunk = evbuffer_new()) == NULL) {
		log_warnx("%s: %s: out of memory, closing", __func__,
		    st->hc->peer.name);
		evhttp_connection_free(st->hc->evcon);	/* frees st */
		return;
	}
	if (!add_results(chunk, idx, st->answer, &st->cursor, st->limit,
	    st->json, &st->first, queued >= HTTP_WRITE_HIGH_WATERMARK ? 0 :
	    HTTP_WRITE_HIGH_WATERMARK - queued < HTTP_TURN_BYTES ?
	    HTTP_WRITE_HIGH_WATERMARK - queued : HTTP_TURN_BYTES)) {
		st->bytes += evbuffer_get_length(chunk);
		evhttp_send_reply_chunk_with_cb(req, chunk, stream_drained_cb,
		    st);
		evbuffer_free(chunk);
		return;
	}
	add_tail(chunk, st->json, st->query, st->query_len,
	    cf_answer_count(st->answer), st->cursor.lines);
	st->bytes += evbuffer_get_length(chunk);
	count_answer(st->h, st->cursor.lines, st->bytes, st->started);
	evhttp_send_reply_chunk(req, chunk);
	evbuffer_free(chunk);
	/* evhttp ends the request once the output is empty: watermark 0. */
	bufferevent_setwatermark(bev, EV_WRITE, 0, 0);
	bufferevent_priority_set(bev, PRIORITY_NORMAL);
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
	st->limit = s->limit;
	st->started = s->started;
	st->json = s->json;
	st->first = true;
	memcpy(st->query, s->text, s->len);
	st->query_len = s->len;
	hc->stream = st;
	http_add_headers(h, req, s->json ? HTTP_TYPE_JSON : HTTP_TYPE_TEXT);
	evhttp_send_reply_start(req, 200, "OK");
	/* Refill at the low watermark, as telnet does, not when empty; and
	 * after every other client's request (worker.h). */
	bufferevent_setwatermark(hc->bev, EV_WRITE, HTTP_WRITE_LOW_WATERMARK,
	    0);
	bufferevent_priority_set(hc->bev, PRIORITY_LONG);
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
	struct evbuffer *body = evbuffer_new();
	bool first = true;

	if (body == NULL) {
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		return;
	}
	add_head(body, s, cf_answer_count(h->answer));
	add_results(body, h->server->index, h->answer, cursor, s->limit,
	    s->json, &first, SIZE_MAX);
	add_tail(body, s->json, s->text, s->len, cf_answer_count(h->answer),
	    cursor->lines);
	count_answer(h, cursor->lines, evbuffer_get_length(body), s->started);
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
	memset(&s->opts, 0, sizeof(s->opts));
	if (p->order != NULL && strcmp(p->order, "relevance") == 0)
		s->opts.order = CF_ORDER_RELEVANCE;
	else if (p->order != NULL && strcmp(p->order, "codepoint") != 0) {
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST,
		    "order must be codepoint or relevance");
		return false;
	}
	if (p->tones != NULL && strcmp(p->tones, "on") == 0)
		s->opts.skin_tones = true;
	else if (p->tones != NULL && strcmp(p->tones, "off") != 0) {
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST,
		    "tones must be on or off");
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
	if (cf_index_query_opts(h->server->index, s.text, s.len, &s.opts,
	    h->answer, err, sizeof(err)) == -1) {
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
	cf_cursor_seek(h->answer, &cursor, s.offset);
	count = cf_answer_count(h->answer);
	lines = count > s.offset ? count - s.offset : 0;
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
		add_literal(body, "ok\n");
	http_send(h, req, 200, HTTP_TYPE_TEXT, body);
	if (body != NULL)
		evbuffer_free(body);
}
