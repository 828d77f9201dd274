/*
 * accept_pause.h: when accept() fails for want of descriptors or memory,
 * stop accepting for a moment instead of spinning on a listener that stays
 * readable, and say so once per episode.  Both front ends' listeners use
 * it (the telnet ones in the main thread, the HTTP ones in each worker).
 */
#ifndef ACCEPT_PAUSE_H
#define ACCEPT_PAUSE_H

#include <stdbool.h>

struct event_base;

struct accept_pause {
	struct event *resume;
	bool failing;			/* logged; until an accept succeeds */
	const char *what;		/* for the log: "telnet", "http" */
	void (*enable)(void *arg, bool on);	/* the listeners, on or off */
	void *arg;
};

int accept_pause_init(struct accept_pause *p, struct event_base *base,
    const char *what, void (*enable)(void *, bool), void *arg);
void accept_pause_free(struct accept_pause *p);

/* From an evconnlistener's error callback (EVUTIL_SOCKET_ERROR() set). */
void accept_pause_error(struct accept_pause *p);
/* A client was accepted: the episode, if any, is over. */
void accept_pause_ok(struct accept_pause *p);
/* Stopping: no resuming. */
void accept_pause_cancel(struct accept_pause *p);

#endif
