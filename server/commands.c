/*
 * commands.c: /help, /quit, /version, /stats, /limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "cf_index.h"
#include "commands.h"
#include "server.h"

static const char help_text[] =
"Type words to find the characters whose names contain them all:\r\n"
"  chess black      BLACK CHESS KING, BLACK CHESS QUEEN, ...\r\n"
"  smil* face       a word ending in * matches every word it starts\r\n"
"  nbsp  zwj  esc   formal aliases and abbreviations work too\r\n"
"Or look characters up directly:\r\n"
"  U+265A           a code point; U+2654..U+2659 a range; several at once\r\n"
"  é  ♚  ?          any non-ASCII text or symbols: each character's name\r\n"
"Commands:\r\n"
"  /help            this text\r\n"
"  /limit N         show at most N lines per answer (0: all)\r\n"
"  /stats           server statistics\r\n"
"  /version         versions of charfinderd, ICU and Unicode\r\n"
"  /quit            leave (so does Ctrl-D then Enter, or Ctrl-C in telnet)\r\n";

static const char goodbye[] = "goodbye\r\n";

typedef bool command_fn(const struct server *srv, const char *arg,
    size_t len, size_t *limit, struct evbuffer *out);

static bool
command_help(const struct server *srv, const char *arg, size_t len,
    size_t *limit, struct evbuffer *out)
{
	(void)srv, (void)arg, (void)len, (void)limit;
	evbuffer_add_reference(out, help_text, sizeof(help_text) - 1, NULL,
	    NULL);
	return false;
}

static bool
command_quit(const struct server *srv, const char *arg, size_t len,
    size_t *limit, struct evbuffer *out)
{
	(void)srv, (void)arg, (void)len, (void)limit;
	evbuffer_add(out, goodbye, sizeof(goodbye) - 1);
	return true;
}

static bool
command_version(const struct server *srv, const char *arg, size_t len,
    size_t *limit, struct evbuffer *out)
{
	(void)srv, (void)arg, (void)len, (void)limit;
	evbuffer_add_printf(out, "charfinderd %s, ICU %s, Unicode %s\r\n",
	    CHARFINDERD_VERSION, cf_icu_version(), cf_icu_unicode_version());
	return false;
}

static bool
command_stats(const struct server *srv, const char *arg, size_t len,
    size_t *limit, struct evbuffer *out)
{
	const struct server_stats *st = &srv->stats;
	struct cf_index_stats ist;
	int64_t uptime = (monotonic_ms() - srv->started) / 1000;

	(void)arg, (void)len, (void)limit;
	cf_index_stats(srv->index, &ist);
	evbuffer_add_printf(out,
	    "uptime: %lldd %02lld:%02lld:%02lld\r\n"
	    "connections: %zu now, %zu total, %zu refused (limit %zu)\r\n"
	    "queries: %zu\r\n"
	    "sent: %zu result lines, %zu bytes\r\n"
	    "index: %zu characters, %zu words, %zu lines, %zu KiB, "
	    "built in %.1f ms\r\n"
	    "threads: %u\r\n",
	    (long long)(uptime / 86400), (long long)(uptime / 3600 % 24),
	    (long long)(uptime / 60 % 60), (long long)(uptime % 60),
	    atomic_load(&st->conns_now), atomic_load(&st->conns_total),
	    atomic_load(&st->conns_refused), srv->max_connections,
	    atomic_load(&st->queries), atomic_load(&st->result_lines),
	    atomic_load(&st->bytes_out),
	    ist.chars, ist.words, ist.entries, ist.heap_bytes / 1024,
	    srv->index_build_ms, srv->nworkers);
	return false;
}

static bool
command_limit(const struct server *srv, const char *arg, size_t len,
    size_t *limit, struct evbuffer *out)
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
		*limit = n;
	}
	if (*limit == 0)
		evbuffer_add_printf(out, "limit: none\r\n");
	else
		evbuffer_add_printf(out, "limit: %zu lines\r\n", *limit);
	return false;
bad:
	evbuffer_add_printf(out, "error: /limit takes a number of lines, "
	    "0 for no limit\r\n");
	return false;
}

static const struct command {
	const char *name;
	bool takes_argument;
	command_fn *run;
} commands[] = {
	{ "help",	false,	command_help },
	{ "limit",	true,	command_limit },
	{ "quit",	false,	command_quit },
	{ "stats",	false,	command_stats },
	{ "version",	false,	command_version },
};

/* At most max bytes of s, not cutting a UTF-8 sequence. */
static int
utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return (int)len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return (int)max;
}

bool
command_run(const struct server *srv, const char *text, size_t len,
    size_t *limit, struct evbuffer *out)
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
			return false;
		}
		return cmd->run(srv, arg, end - arg, limit, out);
	}
	evbuffer_add_printf(out, "error: unknown command /%.*s (try /help)\r\n",
	    utf8_prefix(word, wlen, 40), word);
	return false;
}
