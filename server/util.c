/*
 * util.c: see util.h.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

void
sockaddr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else
		snprintf(buf, len, "(family %d)", sa->sa_family);
}

void
inet_unmap(union inet_addr *a, socklen_t *len)
{
	struct sockaddr_in sin;

	if (a->sa.sa_family != AF_INET6 ||
	    !IN6_IS_ADDR_V4MAPPED(&a->sin6.sin6_addr))
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = a->sin6.sin6_port;
	memcpy(&sin.sin_addr, &a->sin6.sin6_addr.s6_addr[12], 4);
	memset(a, 0, sizeof(*a));
	a->sin = sin;
	*len = sizeof(sin);
}

void
peer_set(struct peer *p, const struct sockaddr *sa, socklen_t len)
{
	memset(&p->addr, 0, sizeof(p->addr));
	if (len > sizeof(p->addr))
		len = sizeof(p->addr);
	memcpy(&p->addr, sa, len);
	p->addrlen = len;
	/* Named and counted as IPv4. */
	inet_unmap(&p->addr, &p->addrlen);
	sockaddr_format(&p->addr.sa, p->name,
	    sizeof(p->name));
}

bool
inet_in_prefix(const union inet_addr *a, const struct inet_prefix *p)
{
	const uint8_t *x, *y;
	unsigned bits = p->bits;

	if (a->sa.sa_family != p->net.sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET) {
		x = (const uint8_t *)&a->sin.sin_addr;
		y = (const uint8_t *)&p->net.sin.sin_addr;
	} else {
		x = a->sin6.sin6_addr.s6_addr;
		y = p->net.sin6.sin6_addr.s6_addr;
	}
	for (; bits >= 8; bits -= 8)
		if (*x++ != *y++)
			return false;
	return bits == 0 || ((*x ^ *y) & (0xFF << (8 - bits)) & 0xFF) == 0;
}

char *
decimal_at(char *p, size_t n)
{
	char digits[DECIMAL_MAX];
	size_t k = 0;

	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	while (k > 0)
		*p++ = digits[--k];
	return p;
}

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

size_t
utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}
