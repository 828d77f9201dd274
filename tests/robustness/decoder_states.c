/*
 * decoder_states: for every state the telnet line decoder can be left in,
 * the shortest input that leaves it there, found by running the decoder
 * itself (a breadth-first search over short sequences of telnet and line
 * bytes), not written down from memory.
 *
 * usage: decoder_states MAX_LINE
 * Prints one line per state: the input in hex, a TAB, the state's name
 * (ld_state_name()).  Exits 1 if a telnet state of LD_TELNET_STATES, or a
 * line state (begun, after CR, dropping), is never reached: the search
 * would then no longer cover the decoder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "line_decoder.h"

#define MAX_DEPTH	4
#define MAX_INPUT	64
#define MAX_STATES	256

/* The pieces inputs are made of; "x..." is longer than the line limit. */
static const struct token {
	const char *bytes;
	size_t len;
} tokens[] = {
	{ "a", 1 },		/* data */
	{ "\xc3", 1 },		/* half a UTF-8 character */
	{ "\r", 1 },
	{ "\n", 1 },
	{ "\0", 1 },
	{ "\xff", 1 },		/* IAC */
	{ "\xfa", 1 },		/* SB */
	{ "\xf0", 1 },		/* SE */
	{ "\xfb", 1 },		/* WILL */
	{ "\xfd", 1 },		/* DO */
	{ "\x18", 1 },		/* an option */
	{ NULL, 0 },		/* a line past the limit: made at start */
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

struct input {
	unsigned char bytes[MAX_INPUT];
	size_t len;
};

struct state {
	char name[LD_STATE_NAME_MAX];
	struct input input;
};

static struct state states[MAX_STATES];
static size_t nstates;

/* Feed input to a fresh decoder; false if an event ends the session. */
static bool
run(const struct input *in, size_t max_line, char *name)
{
	struct line_decoder ld;
	size_t at = 0;
	bool alive = true;

	ld_init(&ld, max_line);
	while (at < in->len) {
		enum ld_event ev;

		at += ld_feed(&ld, in->bytes + at, in->len - at, &ev);
		if (ev == LD_INTERRUPT)
			alive = false;
	}
	ld_state_name(&ld, name);
	ld_free(&ld);
	return alive;
}

static bool
known(const char *name)
{
	for (size_t i = 0; i < nstates; i++)
		if (strcmp(states[i].name, name) == 0)
			return true;
	return false;
}

/* Every input of depth tokens that extends the one given. */
static void
search(struct input *in, size_t depth, size_t max_line,
    const char *long_line, size_t long_len)
{
	char name[LD_STATE_NAME_MAX];

	if (!run(in, max_line, name))
		return;
	if (!known(name) && nstates < MAX_STATES) {
		memcpy(states[nstates].name, name, sizeof(name));
		states[nstates].input = *in;
		nstates++;
	}
	if (depth == 0)
		return;
	for (size_t t = 0; t < NTOKENS; t++) {
		const char *bytes = tokens[t].bytes ? tokens[t].bytes : long_line;
		size_t len = tokens[t].bytes ? tokens[t].len : long_len;
		size_t was = in->len;

		if (in->len + len > sizeof(in->bytes))
			continue;
		memcpy(in->bytes + in->len, bytes, len);
		in->len += len;
		search(in, depth - 1, max_line, long_line, long_len);
		in->len = was;
	}
}

static bool
reached(const char *part)
{
	for (size_t i = 0; i < nstates; i++)
		if (strstr(states[i].name, part) != NULL)
			return true;
	fprintf(stderr, "decoder_states: no input reaches '%s'\n", part);
	return false;
}

int
main(int argc, char *argv[])
{
#define LD_NAME(name) #name ",",
	static const char *const telnet[] = { LD_TELNET_STATES(LD_NAME) };
#undef LD_NAME
	static const char *const line_parts[] = { "line begun", "no line",
	    "after CR", "dropping" };
	char long_line[MAX_INPUT];
	struct input in = { .len = 0 };
	size_t max_line;
	bool all = true;

	if (argc != 2 || (max_line = strtoul(argv[1], NULL, 10)) == 0 ||
	    max_line + 1 > sizeof(long_line) / 2) {
		fprintf(stderr, "usage: decoder_states MAX_LINE (1 to %zu)\n",
		    sizeof(long_line) / 2 - 1);
		return 2;
	}
	memset(long_line, 'x', max_line + 1);
	/* Iterative deepening: the first input found for a state is short. */
	for (size_t depth = 0; depth <= MAX_DEPTH; depth++)
		search(&in, depth, max_line, long_line, max_line + 1);
	for (size_t i = 0; i < nstates; i++) {
		for (size_t k = 0; k < states[i].input.len; k++)
			printf("%02x", states[i].input.bytes[k]);
		printf("\t%s\n", states[i].name);
	}
	for (size_t i = 0; i < sizeof(telnet) / sizeof(telnet[0]); i++)
		all &= reached(telnet[i]);
	for (size_t i = 0; i < sizeof(line_parts) / sizeof(line_parts[0]); i++)
		all &= reached(line_parts[i]);
	return all ? 0 : 1;
}
