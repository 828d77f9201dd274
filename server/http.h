/*
 * http.h: the HTTP front end of one worker (libevent's evhttp), beside the
 * telnet one.  Each worker accepts on the HTTP listening sockets itself
 * (evhttp takes a connection only from its own listener) and serves the
 * JSON API, /healthz, /metrics and the search page.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>

struct worker;
struct http_front;

/* The worker's HTTP front end, or NULL with errno set.  Called only when
 * the server has HTTP listeners. */
struct http_front *http_front_new(struct worker *w);
/* The daemon stops: stop accepting, close idle connections, and close the
 * others once their answer is out. */
void http_front_stop(struct http_front *h);
void http_front_free(struct http_front *h);

#endif
