/*
 * proxy_header.h: the PROXY protocol's header, versions 1 and 2, as
 * HAProxy's doc/proxy-protocol.txt defines it: what a load balancer sends
 * first on a connection to say who the client really is.
 *
 * Only connections from a trusted source (--proxy-from) are parsed, and
 * they must start with a header: the bytes are never guessed at.  Pure
 * code: no I/O, no libevent.
 */
#ifndef PROXY_HEADER_H
#define PROXY_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The longest header read: v1's 107 bytes, v2 with some TLVs. */
#define PROXY_HEADER_MAX	1024

enum proxy_result {
	PROXY_MORE,	/* a header so far: more bytes needed */
	PROXY_DONE,	/* a whole header: *used bytes of it */
	PROXY_BAD,	/* not a header, or a malformed one: *why says */
};

struct proxy_info {
	/*
	 * false: the header names no client (v1 UNKNOWN, v2 LOCAL such as
	 * HAProxy's health checks, or a family other than TCP over IPv4 or
	 * IPv6): use the connection's own endpoints.
	 */
	bool has_client;
	union inet_addr client;
	socklen_t client_len;
};

/*
 * Parse the start of a connection, buf[0 .. len).  PROXY_DONE fills info
 * and *used; PROXY_BAD sets *why (a static string).
 */
enum proxy_result proxy_parse(const uint8_t *buf, size_t len, size_t *used,
    struct proxy_info *info, const char **why);

#endif
