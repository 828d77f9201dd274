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
#include "json_out.h"
#include "log.h"
#include "server.h"

#define DEFAULT_LIMIT		100
/* Longer answers are streamed. */
#define STREAM_MIN_LINES	1000
/* A piece of an answer, as the telnet front end takes them. */
#define PIECE_MAX		(64 * 1024)

/* Where the sending of an answer stands; a stream keeps it between turns. */
struct sending {
	const struct cf_answer *answer;
	struct cf_cursor cursor;
	size_t offset, limit;		/* lines to send; limit 0: all */
	bool json;
	bool head_sent;			/* the JSON head is out */
	bool first;			/* no result sent yet */
	const char *query;		/* for the head or the status line */
	size_t query_len;
};

struct http_stream {
	struct http_front *h;
	struct http_conn *hc;
	struct evhttp_request *req;
	struct cf_answer *answer;	/* the stream's own */
	char *query;
	struct sending sending;		/* of the two above */
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
	p = cf_hex_at(put_literal(p, "\"U+"), cp);
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

/*
 * One result as a JSON object, after a comma unless it is the first:
 * {"cp":"U+265A","char":"♚","name":"BLACK CHESS KING"}, "alias" when it
 * was found through one; an emoji sequence also has "cps" (every code
 * point), and an emoji its keywords, group and subgroup.  All but the
 * emoji's fields are laid out in one reservation of the batch: the fields
 * come from one line of at most CF_LINE_MAX bytes, so they fit.
 */
static void
json_item(struct json_out *o, const struct cf_item *item, bool first)
{
	size_t max = 64 + (item->ncps + 1) * (JSON_CP_MAX + 1) +
	    JSON_STRING_MAX(item->text_len) + JSON_STRING_MAX(item->name_len) +
	    (item->alias != NULL ? JSON_STRING_MAX(item->alias_len) : 0);
	char *p = json_out_room(o, max);

	if (!first)
		*p++ = ',';
	p = put_literal(p, "{\"cp\":");
	/* A character's label is its code point as "cp" has it: copied. */
	p = item->emoji < 0 ? json_plain_at(p, item->label, item->label_len) :
	    json_cp_at(p, item->cps[0]);
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
	if (item->emoji >= 0) {
		json_out_done(o, p);
		json_out_emoji_fields(o, item->emoji);
		p = json_out_room(o, 1);
	}
	*p++ = '}';
	json_out_done(o, p);
}

/* {"query":...,"count":N,"offset":N,"limit":N,"results":[ */
static void
json_head(struct json_out *o, const struct sending *sd)
{
	json_out_literal(o, "{\"query\":");
	json_out_string(o, sd->query, sd->query_len);
	json_out_literal(o, ",\"count\":");
	json_out_number(o, cf_answer_count(sd->answer));
	json_out_literal(o, ",\"offset\":");
	json_out_number(o, sd->offset);
	json_out_literal(o, ",\"limit\":");
	json_out_number(o, sd->limit);
	json_out_literal(o, ",\"results\":[");
}

/* Results as JSON while o holds less than max bytes; true if all are out. */
static bool
json_results(struct json_out *o, const struct cf_index *idx,
    struct sending *sd, size_t max)
{
	char buf[CF_LINE_MAX];
	struct cf_item item;

	while (json_out_length(o) < max) {
		if (!cf_answer_next_item(idx, sd->answer, &sd->cursor,
		    sd->limit, &item, buf))
			return true;
		json_item(o, &item, sd->first);
		sd->first = false;
	}
	return false;
}

/* Results as the index's own lines while out holds less than max bytes;
 * true if all are out. */
static bool
text_results(struct evbuffer *out, const struct cf_index *idx,
    struct sending *sd, size_t max)
{
	char buf[CF_LINE_MAX];
	struct cf_piece piece;

	while (evbuffer_get_length(out) < max) {
		if (!cf_answer_next(idx, sd->answer, &sd->cursor, sd->limit,
		    PIECE_MAX, &piece, buf))
			return true;
		if (piece.stable)
			evbuffer_add_reference(out, piece.data, piece.len,
			    NULL, NULL);
		else
			evbuffer_add(out, piece.data, piece.len);
	}
	return false;
}

/* The telnet status line: "33 matches for 'chess black'". */
static void
text_status_line(struct evbuffer *out, const struct sending *sd)
{
	struct evbuffer_iovec v;

	if (evbuffer_reserve_space(out, CF_STATUS_MAX(sd->query_len), &v,
	    1) != 1)
		return;
	v.iov_len = cf_status_line(v.iov_base, sd->query, sd->query_len,
	    cf_answer_count(sd->answer), sd->cursor.lines);
	evbuffer_commit_space(out, &v, 1);
}

/*
 * Add the answer to out in its format, from where it stands, until all is
 * out (the JSON head and end, the status line: true) or out holds max
 * bytes (false).
 */
static bool
add_answer(struct evbuffer *out, const struct cf_index *idx,
    struct sending *sd, size_t max)
{
	struct json_out o;
	bool done;

	if (!sd->json) {
		if ((done = text_results(out, idx, sd, max)))
			text_status_line(out, sd);
		return done;
	}
	json_out_start(&o, out);
	if (!sd->head_sent)
		json_head(&o, sd);
	sd->head_sent = true;
	if ((done = json_results(&o, idx, sd, max)))
		json_out_literal(&o, "]}\n");
	json_out_flush(&o);
	return done;
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
	if (!add_answer(chunk, idx, &st->sending,
	    queued >= HTTP_WRITE_HIGH_WATERMARK ? 0 :
	    HTTP_WRITE_HIGH_WATERMARK - queued < HTTP_TURN_BYTES ?
	    HTTP_WRITE_HIGH_WATERMARK - queued : HTTP_TURN_BYTES)) {
		st->bytes += evbuffer_get_length(chunk);
		evhttp_send_reply_chunk_with_cb(req, chunk, stream_drained_cb,
		    st);
		evbuffer_free(chunk);
		return;
	}
	st->bytes += evbuffer_get_length(chunk);
	count_answer(st->h, st->sending.cursor.lines, st->bytes,
	    st->started);
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
    struct evhttp_request *req, const struct sending *sd, uint64_t started)
{
	struct http_stream *st;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->query = malloc(sd->query_len + 1)) == NULL) {
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
	memcpy(st->query, sd->query, sd->query_len);
	st->sending = *sd;
	st->sending.answer = st->answer;
	st->sending.query = st->query;
	st->started = started;
	hc->stream = st;
	http_add_headers(h, req, sd->json ? HTTP_TYPE_JSON : HTTP_TYPE_TEXT);
	evhttp_send_reply_start(req, 200, "OK");
	/* Refill at the low watermark, as telnet does, not when empty; and
	 * after every other client's request (worker.h). */
	bufferevent_setwatermark(hc->bev, EV_WRITE, HTTP_WRITE_LOW_WATERMARK,
	    0);
	bufferevent_priority_set(hc->bev, PRIORITY_LONG);
	stream_pump(st);
}

/* The whole answer in one body. */
static void
send_at_once(struct http_front *h, struct evhttp_request *req,
    struct sending *sd, uint64_t started)
{
	struct evbuffer *body = evbuffer_new();

	if (body == NULL) {
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		return;
	}
	add_answer(body, h->server->index, sd, SIZE_MAX);
	count_answer(h, sd->cursor.lines, evbuffer_get_length(body), started);
	http_send(h, req, 200, sd->json ? HTTP_TYPE_JSON : HTTP_TYPE_TEXT,
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
	struct sending sd;
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
	sd = (struct sending){ .answer = h->answer, .offset = s.offset,
	    .limit = s.limit, .json = s.json, .first = true, .query = s.text,
	    .query_len = s.len };
	cf_cursor_seek(h->answer, &sd.cursor, s.offset);
	count = cf_answer_count(h->answer);
	lines = count > s.offset ? count - s.offset : 0;
	if (s.limit > 0 && lines > s.limit)
		lines = s.limit;
	if (lines <= STREAM_MIN_LINES)
		send_at_once(h, req, &sd, s.started);
	else
		stream_start(h, hc, req, &sd, s.started);
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
