/*
 * line_decoder.c: telnet (RFC 854) and line framing for one connection.
 *
 * Each byte goes through two layers: the telnet parser takes commands out
 * of the stream, and the data left is framed into lines.  Runs of plain
 * data (no IAC, CR or LF) skip the byte-at-a-time parser: they are found
 * with memchr and copied with memcpy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "line_decoder.h"

/* Telnet commands (RFC 854; EOF, SUSP and ABORT from RFC 1184). */
enum {
	TN_EOF = 236,
	TN_SUSP = 237,
	TN_ABORT = 238,
	TN_SE = 240,
	TN_BRK = 243,
	TN_IP = 244,
	TN_AO = 245,
	TN_SB = 250,
	TN_WILL = 251,
	TN_WONT = 252,
	TN_DO = 253,
	TN_DONT = 254,
	TN_IAC = 255,
};

#define LD_BUF_START	64
/* A buffer grown past this by a long line is given back when it ends. */
#define LD_BUF_KEEP	256
/*
 * The LF search looks this far ahead at most: a call that stops at an
 * event (every 3 bytes in an IAC WILL flood) must not scan far past it.
 */
#define LD_SCAN_WINDOW	256

/* buf of a decoder that holds no heap: an empty line needs none. */
static char no_line[1];

void
ld_init(struct line_decoder *ld, size_t max_line)
{
	memset(ld, 0, sizeof(*ld));
	ld->buf = no_line;
	ld->max_line = max_line;
}

/* Empty the line; a buffer grown by a long line is given back. */
static void
clear_line(struct line_decoder *ld)
{
	ld->len = 0;
	ld->line_ready = 0;
	if (ld->cap > LD_BUF_KEEP)
		ld_free(ld);
}

void
ld_free(struct line_decoder *ld)
{
	if (ld->cap > 0)
		free(ld->buf);
	ld->buf = no_line;
	ld->cap = 0;
	ld->len = 0;
}

/* Room for need bytes (need <= max_line); false if memory ran out. */
static bool
reserve(struct line_decoder *ld, size_t need)
{
	size_t cap;
	char *buf;

	if (need <= ld->cap)
		return true;
	cap = ld->cap > 0 ? ld->cap : LD_BUF_START;
	while (cap < need)
		cap = cap > ld->max_line / 2 ? ld->max_line : cap * 2;
	if (cap > ld->max_line)
		cap = ld->max_line;
	buf = ld->cap > 0 ? realloc(ld->buf, cap) : malloc(cap);
	if (buf == NULL)
		return false;
	ld->buf = buf;
	ld->cap = cap;
	return true;
}

/*
 * Append n data bytes to the line, or drop them if it is being discarded.
 * Returns n, or the index of the byte that made the line too long (or found
 * no memory): from there on the line is discarded.
 */
static size_t
store(struct line_decoder *ld, const uint8_t *p, size_t n)
{
	if (ld->discarding)
		return n;
	if (n > ld->max_line - ld->len || !reserve(ld, ld->len + n)) {
		size_t at = ld->max_line - ld->len;

		ld->discarding = 1;
		clear_line(ld);
		return n > at ? at : 0;
	}
	memcpy(ld->buf + ld->len, p, n);
	ld->len += n;
	return n;
}

/* The line is complete (or, if it was being dropped, over). */
static enum ld_event
end_line(struct line_decoder *ld)
{
	if (ld->discarding) {
		ld->discarding = 0;
		return LD_NONE;
	}
	ld->line_ready = 1;
	return LD_LINE;
}

/* One data byte, telnet already taken out. */
static enum ld_event
data_byte(struct line_decoder *ld, uint8_t c)
{
	if (ld->after_cr) {
		ld->after_cr = 0;
		if (c == '\n' || c == '\0')	/* CR LF, CR NUL: one line end */
			return LD_NONE;
	}
	if (c == '\r') {
		ld->after_cr = 1;
		return end_line(ld);
	}
	if (c == '\n')
		return end_line(ld);
	return store(ld, &c, 1) == 0 ? LD_TOO_LONG : LD_NONE;
}

/* The byte after IAC. */
static enum ld_event
command(struct line_decoder *ld, uint8_t c)
{
	ld->telnet = TS_DATA;
	switch (c) {
	case TN_IAC:
		return data_byte(ld, c);
	case TN_WILL:
	case TN_WONT:
	case TN_DO:
	case TN_DONT:
		ld->command = c;
		ld->telnet = TS_OPTION;
		return LD_NONE;
	case TN_SB:
		ld->telnet = TS_SB;
		return LD_NONE;
	case TN_IP:
	case TN_BRK:
	case TN_AO:
	case TN_ABORT:
	case TN_SUSP:
	case TN_EOF:
		return LD_INTERRUPT;
	default:
		return LD_NONE;		/* NOP, DM, AYT, EC, EL, GA, SE */
	}
}

/* Refuse every option offered or asked for; answer nothing else. */
static enum ld_event
option(struct line_decoder *ld, uint8_t opt)
{
	ld->telnet = TS_DATA;
	if (ld->command != TN_WILL && ld->command != TN_DO)
		return LD_NONE;		/* WONT, DONT: a reply could loop */
	ld->reply[0] = TN_IAC;
	ld->reply[1] = ld->command == TN_WILL ? TN_DONT : TN_WONT;
	ld->reply[2] = opt;
	return LD_REPLY;
}

static enum ld_event
telnet_byte(struct line_decoder *ld, uint8_t c)
{
	switch (ld->telnet) {
	case TS_IAC:
		return command(ld, c);
	case TS_OPTION:
		return option(ld, c);
	case TS_SB:
		if (c == TN_IAC)
			ld->telnet = TS_SB_IAC;
		return LD_NONE;
	case TS_SB_IAC:
		if (c == TN_IAC) {
			ld->telnet = TS_SB;	/* a data 0xFF inside SB */
			return LD_NONE;
		}
		/*
		 * IAC SE ends SB; any other command ends a malformed one and
		 * is obeyed, as BSD telnetd does, so IAC IP still interrupts.
		 */
		return command(ld, c);
	default:
		if (c == TN_IAC) {
			ld->telnet = TS_IAC;
			return LD_NONE;
		}
		return data_byte(ld, c);
	}
}

/*
 * Where the next LF, IAC and CR are.  Each is looked for with memchr and
 * remembered while it is still ahead, so that a call costs O(n) whatever
 * the bytes.
 */
struct scan {
	size_t lf;	/* next LF, or the end of the window */
	size_t iac;	/* next IAC before lf, or lf */
	size_t cr;	/* next CR before iac, or iac */
};

static size_t
find(const uint8_t *in, size_t from, size_t to, uint8_t c)
{
	const uint8_t *p = memchr(in + from, c, to - from);

	return p != NULL ? (size_t)(p - in) : to;
}

/* The end of the run of plain data bytes that starts at in[i]. */
static size_t
run_end(struct scan *sc, const uint8_t *in, size_t i, size_t n)
{
	if (sc->lf <= i)
		sc->lf = find(in, i,
		    n - i > LD_SCAN_WINDOW ? i + LD_SCAN_WINDOW : n, '\n');
	if (sc->iac <= i)
		sc->iac = find(in, i, sc->lf, TN_IAC);
	if (sc->cr <= i)
		sc->cr = find(in, i, sc->iac, '\r');
	return sc->cr;
}

static bool
plain(const struct line_decoder *ld, uint8_t c)
{
	return ld->telnet == TS_DATA && !ld->after_cr &&
	    c != TN_IAC && c != '\r' && c != '\n';
}

enum ld_event
ld_finish(struct line_decoder *ld)
{
	bool begun;

	if (ld->line_ready)
		clear_line(ld);
	begun = ld->len > 0 && !ld->discarding;
	ld->telnet = TS_DATA;
	ld->after_cr = 0;
	ld->discarding = 0;
	ld->ended = 1;
	if (!begun)
		return LD_NONE;
	ld->line_ready = 1;
	return LD_LINE;
}

bool
ld_ended(const struct line_decoder *ld)
{
	return ld->ended;
}

const char *
ld_state_name(const struct line_decoder *ld, char *buf)
{
#define LD_NAME(name) #name,
	static const char *const telnet[] = { LD_TELNET_STATES(LD_NAME) };
#undef LD_NAME

	snprintf(buf, LD_STATE_NAME_MAX, "%s, %s%s%s%s", telnet[ld->telnet],
	    ld->len > 0 && !ld->line_ready ? "line begun" : "no line",
	    ld->after_cr ? ", after CR" : "",
	    ld->discarding ? ", dropping" : "",
	    ld->ended ? ", ended" : "");
	return buf;
}

size_t
ld_feed(struct line_decoder *ld, const uint8_t *in, size_t n,
    enum ld_event *ev)
{
	struct scan sc = { 0, 0, 0 };
	size_t i = 0;

	if (ld->line_ready)
		clear_line(ld);
	while (i < n) {
		if (plain(ld, in[i])) {
			size_t end = run_end(&sc, in, i, n);
			size_t took = store(ld, in + i, end - i);

			if (took < end - i) {
				*ev = LD_TOO_LONG;
				return i + took + 1;
			}
			i = end;
			continue;
		}
		*ev = telnet_byte(ld, in[i++]);
		if (*ev != LD_NONE)
			return i;
	}
	*ev = LD_NONE;
	return n;
}
