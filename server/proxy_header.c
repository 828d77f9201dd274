/*
 * proxy_header.c: see proxy_header.h and HAProxy's doc/proxy-protocol.txt.
 */
#include <arpa/inet.h>

#include <string.h>

#include "proxy_header.h"

/* Version 1: "PROXY TCP4 1.2.3.4 5.6.7.8 1234 80\r\n", 107 bytes at most. */
#define V1_PREFIX	"PROXY "
#define V1_MAX		107
/* Version 2: a binary header after this signature. */
static const uint8_t v2_signature[12] = {
	0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
};
#define V2_FIXED	16	/* signature, version and command, family, length */
#define V2_LOCAL	0x20
#define V2_PROXY	0x21
#define V2_TCP4		0x11
#define V2_TCP6		0x21
#define V2_INET_LEN	12	/* addresses and ports */
#define V2_INET6_LEN	36

static enum proxy_result
bad(const char **why, const char *reason)
{
	*why = reason;
	return PROXY_BAD;
}

/* buf[0 .. len) is a prefix of what[0 .. n): it may become it. */
static bool
may_become(const uint8_t *buf, size_t len, const void *what, size_t n)
{
	return memcmp(buf, what, len < n ? len : n) == 0;
}

/* A decimal port, 0 to 65535, without a sign or leading zeros. */
static bool
v1_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* An address of the family the protocol names, and its port. */
static bool
v1_address(int family, const char *text, uint16_t port, union inet_addr *a,
    socklen_t *len)
{
	memset(a, 0, sizeof(*a));
	a->sa.sa_family = (sa_family_t)family;
	if (family == AF_INET) {
		a->sin.sin_port = htons(port);
		*len = sizeof(a->sin);
		return inet_pton(AF_INET, text, &a->sin.sin_addr) == 1;
	}
	a->sin6.sin6_port = htons(port);
	*len = sizeof(a->sin6);
	return inet_pton(AF_INET6, text, &a->sin6.sin6_addr) == 1;
}

/* The fields of a v1 line, NUL-terminated, CR LF taken off. */
static enum proxy_result
v1_fields(char *line, struct proxy_info *info, const char **why)
{
	char *field[7], *p = line, *end;
	size_t n = 0;
	uint16_t sport, dport;
	union inet_addr dst;
	socklen_t dst_len;
	int family;

	/* Fields one space apart: "PROXY", protocol, addresses, ports. */
	while (n < 7) {
		field[n++] = p;
		if ((end = strchr(p, ' ')) == NULL)
			break;
		*end = '\0';
		p = end + 1;
	}
	if (n >= 2 && strcmp(field[1], "UNKNOWN") == 0) {
		info->has_client = false;	/* the rest is ignored */
		return PROXY_DONE;
	}
	if (n != 6)
		return bad(why, "a v1 header needs 6 fields");
	if (strcmp(field[1], "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(field[1], "TCP6") == 0)
		family = AF_INET6;
	else
		return bad(why, "a v1 header's protocol must be TCP4, TCP6 or "
		    "UNKNOWN");
	if (!v1_port(field[4], &sport) || !v1_port(field[5], &dport))
		return bad(why, "a bad port in a v1 header");
	if (!v1_address(family, field[2], sport, &info->client,
	    &info->client_len) || !v1_address(family, field[3], dport, &dst,
	    &dst_len))
		return bad(why, "a bad address in a v1 header");
	info->has_client = true;
	return PROXY_DONE;
}

static enum proxy_result
v1(const uint8_t *buf, size_t len, size_t *used, struct proxy_info *info,
    const char **why)
{
	/* CR LF included, the line is at most V1_MAX bytes. */
	size_t scan = len < V1_MAX - 1 ? len : V1_MAX - 1;
	const uint8_t *cr = memchr(buf, '\r', scan);
	char line[V1_MAX];
	size_t n = cr != NULL ? (size_t)(cr - buf) : scan;

	/* Said as soon as seen: a bare LF would otherwise wait for a CR. */
	if (memchr(buf, '\0', n) != NULL || memchr(buf, '\n', n) != NULL)
		return bad(why, "a NUL or LF inside a v1 header");
	if (cr == NULL)
		return len < V1_MAX - 1 ? PROXY_MORE :
		    bad(why, "no CR LF within 107 bytes of a v1 header");
	if (n + 1 == len)
		return PROXY_MORE;	/* the LF may follow */
	if (buf[n + 1] != '\n')
		return bad(why, "a CR without LF in a v1 header");
	memcpy(line, buf, n);
	line[n] = '\0';
	*used = n + 2;
	return v1_fields(line, info, why);
}

static enum proxy_result
v2(const uint8_t *buf, size_t len, size_t *used, struct proxy_info *info,
    const char **why)
{
	size_t body;
	uint8_t command, family;

	if (len < V2_FIXED)
		return PROXY_MORE;
	command = buf[12];
	family = buf[13];
	body = (size_t)buf[14] << 8 | buf[15];
	if (command != V2_LOCAL && command != V2_PROXY)
		return bad(why, "a v2 header of another version or command");
	if (V2_FIXED + body > PROXY_HEADER_MAX)
		return bad(why, "a v2 header over 1024 bytes");
	if (len < V2_FIXED + body)
		return PROXY_MORE;
	*used = V2_FIXED + body;	/* TLVs after the addresses: skipped */
	info->has_client = false;
	if (command == V2_LOCAL)	/* a health check: our endpoints */
		return PROXY_DONE;
	memset(&info->client, 0, sizeof(info->client));
	if (family == V2_TCP4) {
		if (body < V2_INET_LEN)
			return bad(why, "a v2 TCP4 header too short for its "
			    "addresses");
		info->client.sin.sin_family = AF_INET;
		memcpy(&info->client.sin.sin_addr, buf + V2_FIXED, 4);
		memcpy(&info->client.sin.sin_port, buf + V2_FIXED + 8, 2);
		info->client_len = sizeof(info->client.sin);
		info->has_client = true;
	} else if (family == V2_TCP6) {
		if (body < V2_INET6_LEN)
			return bad(why, "a v2 TCP6 header too short for its "
			    "addresses");
		info->client.sin6.sin6_family = AF_INET6;
		memcpy(&info->client.sin6.sin6_addr, buf + V2_FIXED, 16);
		memcpy(&info->client.sin6.sin6_port, buf + V2_FIXED + 32, 2);
		info->client_len = sizeof(info->client.sin6);
		info->has_client = true;
	}
	/* UNSPEC, UNIX, UDP: no client we could name; our endpoints. */
	return PROXY_DONE;
}

enum proxy_result
proxy_parse(const uint8_t *buf, size_t len, size_t *used,
    struct proxy_info *info, const char **why)
{
	*used = 0;
	if (len == 0)
		return PROXY_MORE;
	if (may_become(buf, len, v2_signature, sizeof(v2_signature)))
		return len < sizeof(v2_signature) ? PROXY_MORE :
		    v2(buf, len, used, info, why);
	if (may_become(buf, len, V1_PREFIX, sizeof(V1_PREFIX) - 1))
		return len < sizeof(V1_PREFIX) - 1 ? PROXY_MORE :
		    v1(buf, len, used, info, why);
	return bad(why, "no PROXY header from a --proxy-from source");
}
