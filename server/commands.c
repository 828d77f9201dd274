/*
 * commands.c: /help, /quit, /version, /stats, /limit, /order, /tones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "cf_index.h"
#include "commands.h"
#include "server.h"
#include "version.h"

static const char help_text[] =
"Type words to find the characters whose names contain them all:\r\n"
"  chess black      BLACK CHESS KING, BLACK CHESS QUEEN, ...\r\n"
"  smil* face       a word ending in * matches every word it starts\r\n"
"  nbsp  zwj  esc   formal aliases and abbreviations work too\r\n"
"Or look characters up directly:\r\n"
"  U+265A           a code point; U+2654..U+2659 a range; several at once\r\n"
"  é  ♚  ?          any non-ASCII text or symbols: each character's name\r\n"
"Find emoji by their names and keywords, with : first:\r\n"
"  :laugh  :cat     every emoji whose name or keywords have the words\r\n"
"  :thumbs up dark  skin-tone variants when the query names a tone\r\n"
"Commands:\r\n"
"  /help            this text\r\n"
"  /limit N         show at most N lines per answer (0: all)\r\n"
"  /order relevance best match first; /order codepoint: code point order\r\n"
"  /tones on        list every skin-tone variant of an emoji (off: not)\r\n"
"  /stats           server statistics\r\n"
"  /version         versions of charfinderd, ICU and Unicode\r\n"
"  /quit            leave (so does Ctrl-D then Enter, or Ctrl-C in telnet)\r\n";

static const char goodbye[] = "goodbye\r\n";

/* The longest piece of an unknown command that its error quotes, bytes. */
#define UNKNOWN_QUOTE_MAX	40

typedef enum command_result command_fn(const struct server *srv,
    const char *arg, size_t len, struct session *session,
    struct evbuffer *out);

static enum command_result
command_help(const struct server *srv, const char *arg, size_t len,
    struct session *session, struct evbuffer *out)
{
	(void)srv, (void)arg, (void)len, (void)session;
	evbuffer_add_reference(out, help_text, sizeof(help_text) - 1, NULL,
	    NULL);
	return COMMAND_DONE;
}

static enum command_result
command_quit(const struct server *srv, const char *arg, size_t len,
    struct session *session, struct evbuffer *out)
{
	(void)srv, (void)arg, (void)len, (void)session;
	evbuffer_add(out, goodbye, sizeof(goodbye) - 1);
	return COMMAND_QUIT;
}

static enum command_result
command_version(const struct server *srv, const char *arg, size_t len,
    struct session *session, struct evbuffer *out)
{
	(void)srv, (void)arg, (void)len, (void)session;
	evbuffer_add_printf(out, "%s\r\n", version_text());
	return COMMAND_DONE;
}

static enum command_result
command_stats(const struct server *srv, const char *arg, size_t len,
    struct session *session, struct evbuffer *out)
{
	struct stats_total t;
	struct cf_index_stats ist;
	int64_t uptime = (monotonic_ms() - srv->started) / 1000;

	(void)arg, (void)len, (void)session;
	cf_index_stats(srv->index, &ist);
	stats_total(srv, &t);
	evbuffer_add_printf(out,
	    "uptime: %lldd %02lld:%02lld:%02lld\r\n"
	    "connections: %zu now (%zu telnet, %zu http), %zu total, "
	    "%zu refused (limit %zu)\r\n"
	    "queries: %zu\r\n"
	    "sent: %zu result lines, %zu bytes\r\n"
	    "index: %zu characters, %zu words, %zu lines, %zu KiB, "
	    "built in %.1f ms\r\n"
	    "unicode: %s\r\n"
	    "threads: %u; clients on each:",
	    (long long)(uptime / 86400), (long long)(uptime / 3600 % 24),
	    (long long)(uptime / 60 % 60), (long long)(uptime % 60),
	    atomic_load(&srv->conns_now), t.telnet_now, t.http_now,
	    atomic_load(&srv->conns_total) + t.http_conns,
	    atomic_load(&srv->conns_refused), srv->max_connections,
	    t.queries_all, t.result_lines, t.bytes_out,
	    ist.chars, ist.words, ist.entries, ist.heap_bytes / 1024,
	    srv->index_build_ms, version_unicode_text(), srv->nworkers);
	for (unsigned i = 0; i < srv->nworkers; i++) {
		const struct worker_stats *ws = &srv->workers[i].stats;

		evbuffer_add_printf(out, " %zu", stat_get(&ws->telnet_now) +
		    stat_get(&ws->http_now));
	}
	evbuffer_add(out, "\r\n", 2);
	return COMMAND_DONE;
}

static enum command_result
command_limit(const struct server *srv, const char *arg, size_t len,
    struct session *session, struct evbuffer *out)
{
	char digits[16];
	char *end;
	unsigned long n;

	(void)srv;
	if (len > 0) {
		if (len >= sizeof(digits) || arg[0] < '0' || arg[0] > '9')
			goto bad;
		memcpy(digits, arg, len);
		digits[len] = '\0';
		n = strtoul(digits, &end, 10);
		if (*end != '\0' || n > CF_CODEPOINT_MAX + 1)
			goto bad;
		session->limit = n;
	}
	if (session->limit == 0)
		evbuffer_add_printf(out, "limit: none\r\n");
	else
		evbuffer_add_printf(out, "limit: %zu lines\r\n",
		    session->limit);
	return COMMAND_DONE;
bad:
	evbuffer_add_printf(out, "error: /limit takes a number of lines, "
	    "0 for no limit\r\n");
	return COMMAND_ERROR;
}

/* arg[0 .. len) is word. */
static bool
is_word(const char *arg, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(arg, word, len) == 0;
}

static enum command_result
command_order(const struct server *srv, const char *arg, size_t len,
    struct session *session, struct evbuffer *out)
{
	(void)srv;
	if (is_word(arg, len, "relevance"))
		session->query.order = CF_ORDER_RELEVANCE;
	else if (is_word(arg, len, "codepoint"))
		session->query.order = CF_ORDER_CODEPOINT;
	else if (len > 0) {
		evbuffer_add_printf(out, "error: /order takes relevance or "
		    "codepoint\r\n");
		return COMMAND_ERROR;
	}
	evbuffer_add_printf(out, "order: %s\r\n", session->query.order ==
	    CF_ORDER_RELEVANCE ? "relevance (best match first)" :
	    "codepoint");
	return COMMAND_DONE;
}

static enum command_result
command_tones(const struct server *srv, const char *arg, size_t len,
    struct session *session, struct evbuffer *out)
{
	(void)srv;
	if (is_word(arg, len, "on"))
		session->query.skin_tones = true;
	else if (is_word(arg, len, "off"))
		session->query.skin_tones = false;
	else if (len > 0) {
		evbuffer_add_printf(out, "error: /tones takes on or off\r\n");
		return COMMAND_ERROR;
	}
	evbuffer_add_printf(out, "tones: %s\r\n", session->query.skin_tones ?
	    "on (every skin-tone variant)" :
	    "off (variants when the query names a tone)");
	return COMMAND_DONE;
}

static const struct command {
	const char *name;
	bool takes_argument;
	command_fn *run;
} commands[] = {
	{ "help",	false,	command_help },
	{ "limit",	true,	command_limit },
	{ "order",	true,	command_order },
	{ "quit",	false,	command_quit },
	{ "stats",	false,	command_stats },
	{ "tones",	true,	command_tones },
	{ "version",	false,	command_version },
};

enum command_result
command_run(const struct server *srv, const char *text, size_t len,
    struct session *session, struct evbuffer *out)
{
	const char *word = text + 1, *arg = word, *end = text + len;
	size_t wlen;

	while (arg < end && *arg != ' ' && *arg != '\t')
		arg++;
	wlen = arg - word;
	while (arg < end && (*arg == ' ' || *arg == '\t'))
		arg++;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *cmd = &commands[i];

		if (strlen(cmd->name) != wlen ||
		    memcmp(cmd->name, word, wlen) != 0)
			continue;
		if (arg < end && !cmd->takes_argument) {
			evbuffer_add_printf(out, "error: /%s takes no "
			    "argument\r\n", cmd->name);
			return COMMAND_ERROR;
		}
		return cmd->run(srv, arg, end - arg, session, out);
	}
	evbuffer_add_printf(out, "error: unknown command /%.*s (try /help)\r\n",
	    (int)utf8_prefix(word, wlen, UNKNOWN_QUOTE_MAX), word);
	return COMMAND_ERROR;
}
