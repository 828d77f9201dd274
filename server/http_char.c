/*
 * http_char.c: GET /char/U+265A: what a person looking at one character
 * wants to know, as one JSON object (index/cf_charinfo.h: ICU, and the
 * table of what ICU does not know yet).  Every code point in range is
 * answered, assigned or not; anything else after /char/ is a 400.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "cf_charinfo.h"
#include "cf_emoji.h"
#include "http_front.h"
#include "http_reply.h"
#include "json_out.h"
#include "server.h"
#include "util.h"

#define CHAR_PREFIX	"/char/"

/* "U+265A", "u+1f600": U+ and 1 to 6 hex digits, as a query's token. */
static bool
parse_code_point(const char *s, uint32_t *cp)
{
	size_t n = strlen(s);
	uint32_t v = 0;

	if (n < 3 || n > 8 || (s[0] != 'U' && s[0] != 'u') || s[1] != '+')
		return false;
	for (size_t i = 2; i < n; i++) {
		if (hex_digit(s[i]) < 0)
			return false;
		v = v * 16 + (uint32_t)hex_digit(s[i]);
	}
	if (v > CF_CODEPOINT_MAX)
		return false;
	*cp = v;
	return true;
}

static void
json_key(struct json_out *o, const char *key)
{
	json_out_printf(o, ",\"%s\":", key);
}

static void
json_text_or_null(struct json_out *o, const char *key, const char *s)
{
	json_key(o, key);
	if (s == NULL)
		json_out_literal(o, "null");
	else
		json_out_string(o, s, strlen(s));
}

/* ICU's long names have underscores ("Miscellaneous_Symbols"): spaces. */
static void
json_words(struct json_out *o, const char *key, const char *s)
{
	char buf[128];
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = s[i] == '_' ? ' ' : s[i];
	json_key(o, key);
	json_out_string(o, buf, n);
}

/* The character, and its UTF-8 and UTF-16 code units in hex. */
static void
json_encodings(struct json_out *o, uint32_t cp)
{
	uint8_t u8[4];
	int32_t n8 = 0;

	if (U_IS_SURROGATE(cp)) {	/* no UTF-8, no text */
		json_out_printf(o, ",\"char\":null,\"utf8\":null,"
		    "\"utf16\":\"%04X\"", (unsigned)cp);
		return;
	}
	U8_APPEND_UNSAFE(u8, n8, cp);
	json_key(o, "char");
	json_out_string(o, (const char *)u8, (size_t)n8);
	json_out_literal(o, ",\"utf8\":\"");
	for (int32_t i = 0; i < n8; i++)
		json_out_printf(o, "%s%02X", i > 0 ? " " : "", u8[i]);
	if (cp > 0xFFFF)
		json_out_printf(o, "\",\"utf16\":\"%04X %04X\"",
		    (unsigned)U16_LEAD(cp), (unsigned)U16_TRAIL(cp));
	else
		json_out_printf(o, "\",\"utf16\":\"%04X\"", (unsigned)cp);
}

static void
json_char(struct json_out *o, const struct cf_char_info *ci)
{
	long e;

	json_out_printf(o, "{\"cp\":\"U+%04X\"", (unsigned)ci->cp);
	json_encodings(o, ci->cp);
	json_text_or_null(o, "name", ci->name);
	json_text_or_null(o, "label", ci->label);
	json_out_literal(o, ",\"aliases\":[");
	for (size_t i = 0; i < ci->naliases; i++) {
		if (i > 0)
			json_out_literal(o, ",");
		json_out_literal(o, "{\"alias\":");
		json_out_string(o, ci->aliases[i].alias,
		    strlen(ci->aliases[i].alias));
		json_out_literal(o, ",\"type\":");
		json_out_string(o, ci->aliases[i].type,
		    strlen(ci->aliases[i].type));
		json_out_literal(o, "}");
	}
	json_out_literal(o, "]");
	json_text_or_null(o, "category", ci->gc);
	json_words(o, "category_name", ci->gc_name);
	json_words(o, "block", ci->block);
	json_words(o, "script", ci->script);
	json_text_or_null(o, "age", ci->age);
	json_out_printf(o, ",\"emoji\":%s", ci->emoji ? "true" : "false");
	/* An emoji of its own (emoji-test.txt): its keywords too. */
	if ((e = cf_emoji_find(&ci->cp, 1)) >= 0)
		json_out_emoji_fields(o, e);
	json_out_literal(o, "}\n");
}

void
http_char(struct http_front *h, struct evhttp_request *req, const char *path)
{
	struct cf_char_info ci;
	struct evbuffer *body;
	struct json_out o;
	uint32_t cp;

	if (!parse_code_point(path + strlen(CHAR_PREFIX), &cp) ||
	    !cf_char_info(h->server->index, cp, &ci)) {
		http_error(h, req, HTTP_BADREQUEST, ERROR_HTTP_REQUEST,
		    "bad code point (use /char/U+0000 to /char/U+10FFFF)");
		return;
	}
	if ((body = evbuffer_new()) == NULL) {
		http_error(h, req, 503, ERROR_KINDS, "out of memory, try "
		    "again later");
		return;
	}
	json_out_start(&o, body);
	json_char(&o, &ci);
	json_out_flush(&o);
	http_send(h, req, 200, HTTP_TYPE_JSON, body);
	evbuffer_free(body);
}
