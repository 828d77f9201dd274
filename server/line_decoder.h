/*
 * line_decoder.h: from the bytes a telnet or nc client sends to lines.
 *
 * Takes telnet's IAC sequences out of the stream (RFC 854), in any split
 * across reads, keeping its state per connection:
 *   - WILL/DO are refused (the caller sends the 3-byte reply), WONT/DONT and
 *     SB ... SE are dropped, other commands (NOP, AYT, ...) ignored;
 *   - IAC IAC is the data byte 0xFF;
 *   - IAC IP, BRK, AO, ABORT, SUSP and EOF (Ctrl-C, Ctrl-Z ...) interrupt.
 * A line ends with CR LF, CR NUL (RFC 854's bare carriage return, which
 * telnet clients send for Enter), LF, or a CR followed by anything else:
 * the line is delivered at the CR, and a NUL or LF right after it is
 * dropped.  A line longer than the limit is reported once, as soon as it
 * overflows, and the rest of it is dropped as it arrives: the decoder never
 * holds more than max_line bytes.  At end of input, ld_finish() settles
 * whatever is held.  Pure code: no I/O, no libevent.
 */
#ifndef LINE_DECODER_H
#define LINE_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ld_event {
	LD_NONE,	/* all input consumed, no complete line yet */
	LD_LINE,	/* a line is in buf[0 .. len) */
	LD_TOO_LONG,	/* the current line passed max_line; rest dropped */
	LD_INTERRUPT,	/* telnet IP/BRK/AO/ABORT/SUSP/EOF: close now */
	LD_REPLY,	/* send reply[0 .. 3) (IAC DONT/WONT option) */
};

/*
 * Where the telnet parser stands, as an X-macro list so that tests can
 * cover every state (see ld_state_name()).
 */
#define LD_TELNET_STATES(X)						\
	X(TS_DATA)	/* data bytes */				\
	X(TS_IAC)	/* after IAC: a command */			\
	X(TS_OPTION)	/* after IAC WILL/WONT/DO/DONT: the option */	\
	X(TS_SB)	/* inside IAC SB ... IAC SE: dropped */		\
	X(TS_SB_IAC)	/* after IAC inside SB */

#define LD_ENUM(name) name,
enum ld_telnet_state { LD_TELNET_STATES(LD_ENUM) LD_TELNET_STATE_COUNT };
#undef LD_ENUM

struct line_decoder {
	char *buf;		/* the line so far, grown on demand */
	size_t len;
	size_t cap;
	size_t max_line;
	uint8_t telnet;		/* private: enum ld_telnet_state */
	uint8_t command;	/* private: pending WILL/WONT/DO/DONT */
	uint8_t discarding;	/* private: dropping an overlong line */
	uint8_t line_ready;	/* private: buf holds a delivered line */
	uint8_t after_cr;	/* private: a CR ended the line: drop NUL, LF */
	uint8_t ended;		/* private: ld_finish() was called */
	uint8_t reply[3];
};

void ld_init(struct line_decoder *ld, size_t max_line);
void ld_free(struct line_decoder *ld);

/*
 * Feed up to n bytes.  Stops after the first byte that produces an event and
 * returns the number of bytes consumed; *ev says which event (LD_NONE when
 * all n bytes were consumed without one).  An LD_LINE line stays in buf
 * until the next call.  Returns 0 with LD_NONE only when n is 0; if memory
 * runs out the line is treated as too long.
 */
size_t ld_feed(struct line_decoder *ld, const uint8_t *in, size_t n,
    enum ld_event *ev);

/*
 * End of input: settle whatever is held, so that nothing waits for more.
 * Half a line is delivered as the last line (LD_LINE, in buf); half an IAC
 * sequence or subnegotiation, a line being dropped, a CR's pending NUL or
 * LF are dropped (LD_NONE).  Afterwards the decoder has ended: ld_ended()
 * is true and ld_feed() must not be called again.
 */
enum ld_event ld_finish(struct line_decoder *ld);
bool ld_ended(const struct line_decoder *ld);

/*
 * The decoder's state in words, for tests that must reach each one:
 * "TS_SB, line begun, after CR, dropping" and the like.  buf holds
 * LD_STATE_NAME_MAX bytes.
 */
#define LD_STATE_NAME_MAX 64
const char *ld_state_name(const struct line_decoder *ld, char *buf);

#endif
