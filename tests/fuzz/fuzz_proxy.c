/*
 * fuzz_proxy.c: the PROXY protocol header parser (server/proxy_header.c).
 *
 * The daemon parses what it has of a connection's start again after every
 * read, so the input is parsed as each of its prefixes, and the answers
 * must fit together: MORE for every prefix shorter than the header, then
 * the same answer for every longer one (a header accepted in one piece is
 * accepted the same when it comes in any number of pieces; a refusal gives
 * the same reason).  And whatever the input:
 *
 *   - used never exceeds the bytes given, nor PROXY_HEADER_MAX; with
 *     PROXY_HEADER_MAX bytes (all the daemon ever looks at) the answer is
 *     never MORE;
 *   - a v1 header is never accepted past 107 bytes, CR LF included;
 *   - an accepted TCP4 or TCP6 client round-trips: inet_ntop() of its
 *     address is the v1 header's text (IPv6: the same address read back),
 *     its port the header's port; a v2 client is the header's bytes;
 *   - LOCAL, v1 UNKNOWN and other families name no client.
 */
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "proxy_header.h"

#define V1_MAX		107
#define V2_FIXED	16

static const uint8_t v2_signature[12] = {
	0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
};

struct outcome {
	enum proxy_result result;
	size_t used;
	struct proxy_info info;
	const char *why;
};

static void
parse(const uint8_t *data, size_t len, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->result = proxy_parse(data, len, &o->used, &o->info, &o->why);
	CHECK(o->result == PROXY_MORE || o->result == PROXY_DONE ||
	    o->result == PROXY_BAD);
	CHECK(o->used <= len && o->used <= PROXY_HEADER_MAX);
	CHECK(o->result != PROXY_BAD || o->why != NULL);
	if (len >= PROXY_HEADER_MAX)
		CHECK(o->result != PROXY_MORE);
}

static bool
same_client(const struct proxy_info *a, const struct proxy_info *b)
{
	if (a->has_client != b->has_client)
		return false;
	if (!a->has_client)
		return true;
	return a->client_len == b->client_len &&
	    memcmp(&a->client, &b->client, a->client_len) == 0;
}

/* Field i (0: "PROXY") of a v1 line, NUL-terminated, into buf. */
static bool
v1_field(const uint8_t *line, size_t len, unsigned i, char *buf,
    size_t size)
{
	size_t start = 0, end;

	for (; i > 0; i--) {
		const uint8_t *sp = memchr(line + start, ' ', len - start);

		if (sp == NULL)
			return false;
		start = (size_t)(sp - line) + 1;
	}
	for (end = start; end < len && line[end] != ' '; end++)
		;
	if (end - start >= size)
		return false;
	memcpy(buf, line + start, end - start);
	buf[end - start] = '\0';
	return true;
}

static void
check_v1(const uint8_t *data, const struct outcome *o)
{
	const struct proxy_info *info = &o->info;
	size_t len = o->used - 2;	/* without CR LF */
	char proto[16], addr[64], port[16], text[INET6_ADDRSTRLEN];
	unsigned short p;

	CHECK(o->used <= V1_MAX);
	CHECK(data[len] == '\r' && data[len + 1] == '\n');
	CHECK(memchr(data, '\n', len) == NULL && memchr(data, '\0', len) ==
	    NULL);
	CHECK(v1_field(data, len, 1, proto, sizeof(proto)));
	if (!info->has_client) {
		CHECK(strcmp(proto, "UNKNOWN") == 0);
		return;
	}
	CHECK(v1_field(data, len, 2, addr, sizeof(addr)));
	CHECK(v1_field(data, len, 4, port, sizeof(port)));
	if (info->client.sa.sa_family == AF_INET) {
		CHECK(strcmp(proto, "TCP4") == 0);
		CHECK(info->client_len == sizeof(info->client.sin));
		CHECK(inet_ntop(AF_INET, &info->client.sin.sin_addr, text,
		    sizeof(text)) != NULL);
		CHECK(strcmp(text, addr) == 0);
		p = ntohs(info->client.sin.sin_port);
	} else {
		struct in6_addr back;

		CHECK(info->client.sa.sa_family == AF_INET6);
		CHECK(strcmp(proto, "TCP6") == 0);
		CHECK(info->client_len == sizeof(info->client.sin6));
		CHECK(inet_ntop(AF_INET6, &info->client.sin6.sin6_addr, text,
		    sizeof(text)) != NULL);
		CHECK(inet_pton(AF_INET6, text, &back) == 1);
		CHECK(memcmp(&back, &info->client.sin6.sin6_addr,
		    sizeof(back)) == 0);
		CHECK(inet_pton(AF_INET6, addr, &back) == 1);
		CHECK(memcmp(&back, &info->client.sin6.sin6_addr,
		    sizeof(back)) == 0);
		p = ntohs(info->client.sin6.sin6_port);
	}
	snprintf(text, sizeof(text), "%u", p);
	CHECK(strcmp(text, port) == 0);
}

static void
check_v2(const uint8_t *data, const struct outcome *o)
{
	const struct proxy_info *info = &o->info;
	uint8_t command = data[12], family = data[13];

	CHECK(o->used == V2_FIXED + ((size_t)data[14] << 8 | data[15]));
	CHECK(command == 0x20 || command == 0x21);
	if (!info->has_client) {
		CHECK(command == 0x20 || (family != 0x11 && family != 0x21));
		return;
	}
	CHECK(command == 0x21);
	if (family == 0x11) {
		CHECK(info->client.sa.sa_family == AF_INET);
		CHECK(info->client_len == sizeof(info->client.sin));
		CHECK(memcmp(&info->client.sin.sin_addr, data + 16, 4) == 0);
		CHECK(memcmp(&info->client.sin.sin_port, data + 24, 2) == 0);
	} else {
		CHECK(family == 0x21);
		CHECK(info->client.sa.sa_family == AF_INET6);
		CHECK(info->client_len == sizeof(info->client.sin6));
		CHECK(memcmp(&info->client.sin6.sin6_addr, data + 16, 16) ==
		    0);
		CHECK(memcmp(&info->client.sin6.sin6_port, data + 48, 2) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome whole, part, first;
	size_t k, last = size < PROXY_HEADER_MAX + 1 ? size :
	    PROXY_HEADER_MAX + 1;
	bool decided = false;

	memset(&first, 0, sizeof(first));
	parse(data, size, &whole);
	/* Every prefix, as the bytes may come; and all of it. */
	for (k = 0; k <= last; k++) {
		parse(data, k, &part);
		if (!decided) {
			if (part.result == PROXY_MORE)
				continue;
			decided = true;
			first = part;
			/* Accepted the moment its last byte came. */
			if (part.result == PROXY_DONE)
				CHECK(part.used == k);
			continue;
		}
		CHECK(part.result == first.result);
		CHECK(part.why == first.why);
		if (part.result == PROXY_DONE)
			CHECK(part.used == first.used &&
			    same_client(&part.info, &first.info));
	}
	if (!decided) {
		CHECK(whole.result == PROXY_MORE);
		return 0;
	}
	CHECK(whole.result == first.result && whole.why == first.why);
	if (whole.result != PROXY_DONE)
		return 0;
	CHECK(whole.used == first.used && same_client(&whole.info,
	    &first.info));
	if (memcmp(data, v2_signature, sizeof(v2_signature)) == 0)
		check_v2(data, &whole);
	else {
		CHECK(memcmp(data, "PROXY ", 6) == 0);
		check_v1(data, &whole);
	}
	return 0;
}
