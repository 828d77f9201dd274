/*
 * test_proxy_header.c: the PROXY protocol header, versions 1 and 2, with
 * the examples and the edge cases of HAProxy's doc/proxy-protocol.txt.
 */
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proxy_header.h"

#define SIG "\r\n\r\n\0\r\nQUIT\n"

/* Feeds every prefix first (MORE), then the whole: the result. */
static enum proxy_result
parse_all(const void *data, size_t len, size_t *used, struct proxy_info *info)
{
	const char *why = NULL;
	enum proxy_result r;

	for (size_t n = 0; n < len; n++) {
		r = proxy_parse(data, n, used, info, &why);
		if (r != PROXY_MORE)
			return r;
	}
	r = proxy_parse(data, len, used, info, &why);
	if (r == PROXY_BAD)
		assert_non_null(why);
	return r;
}

static void
expect_client(const struct proxy_info *info, const char *addr, int port)
{
	char text[INET6_ADDRSTRLEN];
	const void *a;

	assert_true(info->has_client);
	if (info->client.sa.sa_family == AF_INET) {
		a = &info->client.sin.sin_addr;
		assert_int_equal(ntohs(info->client.sin.sin_port), port);
	} else {
		a = &info->client.sin6.sin6_addr;
		assert_int_equal(ntohs(info->client.sin6.sin6_port), port);
	}
	inet_ntop(info->client.sa.sa_family, a, text, sizeof(text));
	assert_string_equal(text, addr);
}

static void
test_v1(void **state)
{
	static const char tcp4[] = "PROXY TCP4 192.0.2.7 198.51.100.1 56324 "
	    "2323\r\nchess black\r\n";
	static const char tcp6[] = "PROXY TCP6 2001:db8::7 2001:db8::1 1 "
	    "65535\r\n";
	static const char unknown[] = "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n";
	struct proxy_info info;
	size_t used;

	(void)state;
	assert_int_equal(parse_all(tcp4, sizeof(tcp4) - 1, &used, &info),
	    PROXY_DONE);
	assert_int_equal(used, strchr(tcp4, '\n') - tcp4 + 1);
	expect_client(&info, "192.0.2.7", 56324);
	assert_int_equal(parse_all(tcp6, sizeof(tcp6) - 1, &used, &info),
	    PROXY_DONE);
	expect_client(&info, "2001:db8::7", 1);
	assert_int_equal(parse_all(unknown, sizeof(unknown) - 1, &used,
	    &info), PROXY_DONE);
	assert_false(info.has_client);
}

static void
test_v1_bad(void **state)
{
	static const char *const bad[] = {
		"PROXY TCP4 192.0.2.7 198.51.100.1 56324\r\n",	/* 5 fields */
		"PROXY TCP4 192.0.2.7 198.51.100.1 1 2 3\r\n",	/* 7 */
		"PROXY TCP4 192.0.2.7  198.51.100.1 1 2\r\n",	/* 2 spaces */
		"PROXY TCP4 2001:db8::7 198.51.100.1 1 2\r\n",	/* v6 in 4 */
		"PROXY TCP6 192.0.2.7 2001:db8::1 1 2\r\n",	/* v4 in 6 */
		"PROXY TCP4 192.0.2.7 198.51.100.1 65536 2\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 01 2\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 -1 2\r\n",
		"PROXY UDP4 192.0.2.7 198.51.100.1 1 2\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 1 2\rX",
		"PROXY TCP4 192.0.2.7\n198.51.100.1 1 2\r\n",
		"proxy TCP4 192.0.2.7 198.51.100.1 1 2\r\n",
		"GET / HTTP/1.1\r\n",
		"chess black\r\n",
	};
	struct proxy_info info;
	size_t used;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_all(bad[i], strlen(bad[i]), &used, &info) !=
		    PROXY_BAD)
			fail_msg("accepted: %s", bad[i]);
}

/* 107 bytes with its CR LF is the longest line; no CR LF by then: bad. */
static void
test_v1_length(void **state)
{
	char line[200];
	struct proxy_info info;
	size_t used;
	const char *why;

	(void)state;
	memset(line, 'x', sizeof(line));
	memcpy(line, "PROXY UNKNOWN ", 14);
	memcpy(line + 105, "\r\n", 2);
	assert_int_equal(proxy_parse((uint8_t *)line, 107, &used, &info,
	    &why), PROXY_DONE);
	memset(line + 105, 'x', 2);
	memcpy(line + 106, "\r\n", 2);
	assert_int_equal(proxy_parse((uint8_t *)line, 108, &used, &info,
	    &why), PROXY_BAD);
	assert_int_equal(proxy_parse((uint8_t *)line, 106, &used, &info,
	    &why), PROXY_BAD);
	assert_int_equal(proxy_parse((uint8_t *)line, 105, &used, &info,
	    &why), PROXY_MORE);
}

static void
test_v2(void **state)
{
	/* PROXY, TCP4, 12 bytes of addresses and a 7-byte TLV. */
	static const uint8_t tcp4[] = SIG "\x21\x11\x00\x13"
	    "\xc0\x00\x02\x07" "\xc6\x33\x64\x01" "\xdc\x04" "\x09\x13"
	    "\x04\x00\x04" "abcd";
	/* PROXY, TCP6. */
	static const uint8_t tcp6[] = SIG "\x21\x21\x00\x24"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x07"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01" "\x00\x50" "\x09\x13";
	/* LOCAL (a health check), and PROXY with UNSPEC: our endpoints. */
	static const uint8_t local[] = SIG "\x20\x00\x00\x00";
	static const uint8_t unspec[] = SIG "\x21\x00\x00\x02" "xy";
	struct proxy_info info;
	size_t used;

	(void)state;
	assert_int_equal(parse_all(tcp4, sizeof(tcp4) - 1, &used, &info),
	    PROXY_DONE);
	assert_int_equal(used, sizeof(tcp4) - 1);
	expect_client(&info, "192.0.2.7", 56324);
	assert_int_equal(parse_all(tcp6, sizeof(tcp6) - 1, &used, &info),
	    PROXY_DONE);
	expect_client(&info, "2001:db8::7", 80);
	assert_int_equal(parse_all(local, sizeof(local) - 1, &used, &info),
	    PROXY_DONE);
	assert_false(info.has_client);
	assert_int_equal(used, 16);
	assert_int_equal(parse_all(unspec, sizeof(unspec) - 1, &used, &info),
	    PROXY_DONE);
	assert_false(info.has_client);
	assert_int_equal(used, 18);
}

static void
test_v2_bad(void **state)
{
	static const uint8_t version[] = SIG "\x11\x11\x00\x0c" "012345678901";
	static const uint8_t command[] = SIG "\x22\x11\x00\x0c" "012345678901";
	static const uint8_t short4[] = SIG "\x21\x11\x00\x08" "01234567";
	static const uint8_t short6[] = SIG "\x21\x21\x00\x0c" "012345678901";
	static const uint8_t huge[] = SIG "\x21\x11\x04\x00";
	struct proxy_info info;
	size_t used;

	(void)state;
	assert_int_equal(parse_all(version, sizeof(version) - 1, &used,
	    &info), PROXY_BAD);
	assert_int_equal(parse_all(command, sizeof(command) - 1, &used,
	    &info), PROXY_BAD);
	assert_int_equal(parse_all(short4, sizeof(short4) - 1, &used, &info),
	    PROXY_BAD);
	assert_int_equal(parse_all(short6, sizeof(short6) - 1, &used, &info),
	    PROXY_BAD);
	/* Over 1024 bytes: refused as soon as the length says so. */
	assert_int_equal(parse_all(huge, sizeof(huge) - 1, &used, &info),
	    PROXY_BAD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_v1_bad),
		cmocka_unit_test(test_v1_length),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_v2_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
