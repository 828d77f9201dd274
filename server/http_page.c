/*
 * http_page.c: the search page (GET /) and its files (/app.js,
 * /style.css, /favicon.svg), compiled in from server/web/.
 *
 * The page works without JavaScript: /?q=... comes back with the first
 * page of results rendered here into the template's markers, as the
 * book's HTML charfinder was a plain form.  With JavaScript the page asks
 * /search itself.  Every value is HTML-escaped; the Content-Security-Policy
 * allows this server's own script and style only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "cf_query.h"
#include "cf_repr.h"
#include "http_front.h"
#include "http_reply.h"
#include "server.h"
#include "web_assets.h"

/* Rows the page renders on the server (then "Show more" asks /search). */
#define PAGE_ROWS	100
#define PIECE_MAX	(64 * 1024)

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

static void
html_escape(struct evbuffer *out, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		const char *esc;

		switch (s[i]) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		default: continue;
		}
		evbuffer_add(out, s + start, i - start);
		evbuffer_add(out, esc, strlen(esc));
		start = i + 1;
	}
	evbuffer_add(out, s + start, len - start);
}

/* One result line as a table row: code point(s), character, name. */
static void
html_row(struct evbuffer *out, const char *line, size_t len)
{
	const char *end = line + len - 2;	/* CR LF */
	const char *tab1 = memchr(line, '\t', (size_t)(end - line));
	const char *tab2 = memchr(tab1 + 1, '\t', (size_t)(end - tab1 - 1));
	size_t cps = (size_t)(tab1 - line);

	while (cps > 0 && line[cps - 1] == ' ')
		cps--;
	evbuffer_add_printf(out, "<tr><td class=\"cp\">");
	html_escape(out, line, cps);
	evbuffer_add_printf(out, "</td><td class=\"ch\">");
	html_escape(out, tab1 + 1, (size_t)(tab2 - tab1 - 1));
	evbuffer_add_printf(out, "</td><td class=\"name\">");
	html_escape(out, tab2 + 1, (size_t)(end - tab2 - 1));
	evbuffer_add_printf(out, "</td></tr>\n");
}

static void
status_row(struct evbuffer *out, const char *text, size_t len)
{
	evbuffer_add_printf(out, "<tr class=\"status\"><td colspan=\"3\">");
	html_escape(out, text, len);
	evbuffer_add_printf(out, "</td></tr>\n");
}

/*
 * The answer to q into rows and status (HTML).  Errors are answered as on
 * telnet, in the status line and a row.
 */
static void
render_answer(struct http_front *h, const char *q, size_t qlen,
    struct evbuffer *rows, struct evbuffer *status)
{
	const struct cf_index *idx = h->server->index;
	char err[256], buf[CF_LINE_MAX], *line;
	struct cf_cursor cursor = { 0 };
	struct cf_piece piece;
	const char *text;
	size_t len, n;

	switch (cf_query_text(q, qlen, &text, &len)) {
	case CF_TEXT_EMPTY:
		return;
	case CF_TEXT_BAD_UTF8:
		snprintf(err, sizeof(err), "error: q is not valid UTF-8");
		goto error;
	case CF_TEXT_CONTROL:
		snprintf(err, sizeof(err), "error: control character in the "
		    "query (only TAB may separate words)");
		goto error;
	case CF_TEXT_OK:
		break;
	}
	if (h->answer == NULL && (h->answer = cf_answer_new()) == NULL) {
		snprintf(err, sizeof(err), "error: out of memory, try again "
		    "later");
		goto error;
	}
	memcpy(err, "error: ", 7);
	if (cf_index_query(idx, text, len, h->answer, err + 7,
	    sizeof(err) - 7) == -1)
		goto error;
	stat_add(&h->worker->stats.queries[cf_answer_form(h->answer)], 1);
	while (cf_answer_next(idx, h->answer, &cursor, PAGE_ROWS, PIECE_MAX,
	    &piece, buf))
		for (const char *p = piece.data; p < piece.data + piece.len;) {
			const char *nl = (const char *)memchr(p, '\n',
			    (size_t)(piece.data + piece.len - p)) + 1;

			html_row(rows, p, (size_t)(nl - p));
			p = nl;
		}
	if ((line = malloc(CF_STATUS_MAX(len))) == NULL)
		return;
	n = cf_status_line(line, text, len, cf_answer_count(h->answer),
	    cursor.lines);
	html_escape(status, line, n - 2);	/* no CR LF */
	free(line);
	return;
error:
	html_escape(status, err, strlen(err));
	status_row(rows, err, strlen(err));
}

/* GET /, and /?q=...: the template with its markers filled in. */
static void
page(struct http_front *h, struct evhttp_request *req)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	struct evbuffer *body = evbuffer_new(), *rows = evbuffer_new();
	struct evbuffer *status = evbuffer_new(), *query = evbuffer_new();
	struct http_params p = { 0 };
	char err[128];

	if (body == NULL || rows == NULL || status == NULL || query == NULL) {
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		goto out;
	}
	if (http_params_parse(evhttp_uri_get_query(uri), &p, err,
	    sizeof(err)) == -1) {
		http_params_free(&p);
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST, err);
		goto out;
	}
	if (p.q != NULL) {
		html_escape(query, p.q, p.q_len);
		render_answer(h, p.q, p.q_len, rows, status);
	}
	http_params_free(&p);
	for (size_t i = 0; i < web_page_npieces; i++) {
		const struct web_page_piece *piece = &web_page_pieces[i];
		struct evbuffer *value[] = { query, status, rows };

		evbuffer_add_reference(body, piece->text, piece->len, NULL,
		    NULL);
		if (piece->then != WEB_PAGE_END)
			evbuffer_add_buffer(body, value[piece->then]);
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Security-Policy", csp);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-cache");
	http_send(h, req, 200, web_page_content_type, body);
out:
	if (body != NULL)
		evbuffer_free(body);
	if (rows != NULL)
		evbuffer_free(rows);
	if (status != NULL)
		evbuffer_free(status);
	if (query != NULL)
		evbuffer_free(query);
}

/* A file of the page, with its ETag: 304 when the client has it. */
static void
asset(struct http_front *h, struct evhttp_request *req,
    const struct web_asset *a)
{
	struct evkeyvalq *headers = evhttp_request_get_output_headers(req);
	const char *seen = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "If-None-Match");
	struct evbuffer *body;

	evhttp_add_header(headers, "ETag", a->etag);
	evhttp_add_header(headers, "Cache-Control", "no-cache");
	if (seen != NULL && strcmp(seen, a->etag) == 0) {
		http_send(h, req, 304, a->content_type, NULL);
		return;
	}
	if ((body = evbuffer_new()) == NULL) {
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		return;
	}
	evbuffer_add_reference(body, a->data, a->len, NULL, NULL);
	http_send(h, req, 200, a->content_type, body);
	evbuffer_free(body);
}

bool
http_page(struct http_front *h, struct evhttp_request *req, const char *path)
{
	const struct web_asset *a;

	if (strcmp(path, "/") == 0) {
		page(h, req);
		return true;
	}
	if ((a = web_asset_find(path)) != NULL) {
		asset(h, req, a);
		return true;
	}
	return false;
}
