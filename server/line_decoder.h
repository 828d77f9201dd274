/*
 * line_decoder.h: from the bytes a telnet or nc client sends to lines.
 *
 * Takes telnet's IAC sequences out of the stream (RFC 854), in any split
 * across reads, keeping its state per connection:
 *   - WILL/DO are refused (the caller sends the 3-byte reply), WONT/DONT and
 *     SB ... SE are dropped, other commands (NOP, AYT, ...) ignored;
 *   - IAC IAC is the data byte 0xFF;
 *   - IAC IP, BRK, AO, ABORT, SUSP and EOF (Ctrl-C, Ctrl-Z ...) interrupt;
 *   - CR NUL is CR.
 * Lines end with LF (a CR before it is removed).  A line longer than the
 * limit is reported once, as soon as it overflows, and the rest of it is
 * dropped as it arrives: the decoder never holds more than max_line bytes.
 * Pure code: no I/O, no libevent.
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

struct line_decoder {
	char *buf;		/* the line so far, grown on demand */
	size_t len;
	size_t cap;
	size_t max_line;
	uint8_t telnet;		/* private: telnet parser state */
	uint8_t command;	/* private: pending WILL/WONT/DO/DONT */
	uint8_t discarding;	/* private: dropping an overlong line */
	uint8_t line_ready;	/* private: buf holds a delivered line */
	uint8_t cr;		/* private: a CR held back (CR LF, CR NUL) */
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
 * True when a line has begun but not ended (and is not being dropped): at
 * end of input the caller may end it by feeding an LF.
 */
bool ld_pending(const struct line_decoder *ld);

#endif
