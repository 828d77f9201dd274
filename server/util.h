/*
 * util.h: small helpers that several of the daemon's files need, each with
 * one home: addresses and their text form, the monotonic clock, cutting
 * UTF-8 text, numbers in decimal.
 */
#ifndef UTIL_H
#define UTIL_H

#include <sys/socket.h>

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "[ffff:...:ffff]:65535" or "255.255.255.255:65535", NUL included. */
#define SOCKADDR_TEXT_MAX	(INET6_ADDRSTRLEN + sizeof("[]:65535"))

/* An IPv4 or IPv6 socket address, in the space of the larger. */
union inet_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/* An address prefix, such as 10.0.0.0/8 or 2001:db8::/32. */
struct inet_prefix {
	union inet_addr net;
	unsigned bits;
};

/* Is a (IPv4 or IPv6) within prefix p? */
bool inet_in_prefix(const union inet_addr *a, const struct inet_prefix *p);

/*
 * A socket that listens on both families (systemd's BindIPv6Only=both)
 * sees IPv4 clients as ::ffff:a.b.c.d: make such an address a.b.c.d.
 */
void inet_unmap(union inet_addr *a, socklen_t *len);

/* A client's address and its text form, made once when it connects. */
struct peer {
	union inet_addr addr;		/* IPv4-mapped IPv6 made IPv4 */
	socklen_t addrlen;
	char name[SOCKADDR_TEXT_MAX];	/* "127.0.0.1:4242", "[::1]:4242" */
};

/* "host:port", "[host]:port" or "(family N)" into buf (SOCKADDR_TEXT_MAX). */
void sockaddr_format(const struct sockaddr *sa, char *buf, size_t len);

/* Fill p from an address accept() or getsockname() gave. */
void peer_set(struct peer *p, const struct sockaddr *sa, socklen_t len);

/* n in decimal at p, which has DECIMAL_MAX bytes of room; returns the end
 * (no NUL).  For answers' hot paths, where snprintf() showed. */
#define DECIMAL_MAX	20
char *decimal_at(char *p, size_t n);

/* The value of a hex digit, or -1. */
int hex_digit(char c);

/* Milliseconds, and microseconds, of CLOCK_MONOTONIC. */
int64_t monotonic_ms(void);
uint64_t monotonic_us(void);

/* The length of the longest prefix of s (len bytes) of at most max bytes
 * that does not cut a UTF-8 sequence. */
size_t utf8_prefix(const char *s, size_t len, size_t max);

#endif
