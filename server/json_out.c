/*
 * json_out.c: see json_out.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include <event2/buffer.h>

#include "cf_emoji.h"
#include "json_out.h"
#include "util.h"

void
json_out_start(struct json_out *o, struct evbuffer *to)
{
	o->to = to;
	o->len = 0;
}

void
json_out_flush(struct json_out *o)
{
	if (o->len > 0)
		evbuffer_add(o->to, o->batch, o->len);
	o->len = 0;
}

size_t
json_out_length(const struct json_out *o)
{
	return evbuffer_get_length(o->to) + o->len;
}

char *
json_string_at(char *p, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		if (c == '"' || c == '\\') {
			*p++ = (char)c;
			continue;
		}
		memcpy(p, "u00", 3);
		p[3] = hex[c >> 4];
		p[4] = hex[c & 15];
		p += 5;
	}
	*p++ = '"';
	return p;
}

void
json_out_string(struct json_out *o, const char *s, size_t len)
{
	struct evbuffer_iovec v;

	if (JSON_STRING_MAX(len) <= JSON_OUT_BATCH) {
		json_out_done(o, json_string_at(json_out_room(o,
		    JSON_STRING_MAX(len)), s, len));
		return;
	}
	/* Longer than a batch (a long query): straight into the evbuffer. */
	json_out_flush(o);
	if (evbuffer_reserve_space(o->to, (ev_ssize_t)JSON_STRING_MAX(len),
	    &v, 1) != 1)
		return;		/* out of memory: the answer is cut */
	v.iov_len = (size_t)(json_string_at(v.iov_base, s, len) -
	    (char *)v.iov_base);
	evbuffer_commit_space(o->to, &v, 1);
}

void
json_out_number(struct json_out *o, size_t n)
{
	json_out_done(o, decimal_at(json_out_room(o, DECIMAL_MAX), n));
}

void
json_out_printf(struct json_out *o, const char *fmt, ...)
{
	char *p = json_out_room(o, 128);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, 128, fmt, ap);
	va_end(ap);
	if (n > 0)
		json_out_done(o, p + (n < 128 ? n : 127));
}

void
json_out_emoji_fields(struct json_out *o, long e)
{
	struct cf_emoji_info info;
	struct cf_emoji_annotation a;

	if (!cf_emoji_info(e, &info))
		return;
	json_out_literal(o, ",\"keywords\":{");
	for (size_t lang = 0; cf_emoji_annotation(e, lang, &a); lang++) {
		const char *p = a.keywords, *end = a.keywords + a.keywords_len;
		const char *word;
		size_t len;
		bool first = true;

		if (lang > 0)
			json_out_literal(o, ",");
		json_out_string(o, a.lang, strlen(a.lang));
		json_out_literal(o, ":[");
		while (cf_emoji_next_keyword(&p, end, &word, &len)) {
			if (!first)
				json_out_literal(o, ",");
			first = false;
			json_out_string(o, word, len);
		}
		json_out_literal(o, "]");
	}
	json_out_literal(o, "},\"group\":");
	json_out_string(o, info.group, info.group_len);
	json_out_literal(o, ",\"subgroup\":");
	json_out_string(o, info.subgroup, info.subgroup_len);
}
