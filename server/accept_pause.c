/*
 * accept_pause.c: see accept_pause.h.
 */
#include <errno.h>
#include <string.h>

#include <event2/event.h>
#include <event2/util.h>

#include "accept_pause.h"
#include "log.h"

/* How long accepting pauses when the process is out of descriptors. */
#define ACCEPT_PAUSE_MS	200

static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct accept_pause *p = arg;

	(void)fd;
	(void)what;
	p->enable(p->arg, true);
}

int
accept_pause_init(struct accept_pause *p, struct event_base *base,
    const char *what, void (*enable)(void *, bool), void *arg)
{
	p->failing = false;
	p->what = what;
	p->enable = enable;
	p->arg = arg;
	p->resume = evtimer_new(base, resume_cb, p);
	return p->resume != NULL ? 0 : -1;
}

void
accept_pause_free(struct accept_pause *p)
{
	if (p->resume != NULL)
		event_free(p->resume);
	p->resume = NULL;
}

void
accept_pause_error(struct accept_pause *p)
{
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval pause = { 0, ACCEPT_PAUSE_MS * 1000 };

	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM) {
		log_warnx("accept (%s): %s", p->what, strerror(err));
		return;
	}
	if (!p->failing)
		log_warnx("accept (%s): %s; pausing new connections for %d ms "
		    "at a time until it succeeds", p->what, strerror(err),
		    ACCEPT_PAUSE_MS);
	p->failing = true;
	p->enable(p->arg, false);
	evtimer_add(p->resume, &pause);
}

void
accept_pause_ok(struct accept_pause *p)
{
	p->failing = false;
}

void
accept_pause_cancel(struct accept_pause *p)
{
	if (p->resume != NULL)
		evtimer_del(p->resume);
}
