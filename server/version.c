/*
 * version.c: the daemon's version (meson's project version, through
 * config.h) with ICU's and Unicode's.
 */
#include <pthread.h>
#include <stdio.h>

#include "cf_index.h"
#include "config.h"
#include "version.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char text[128];

static void
make_text(void)
{
	snprintf(text, sizeof(text), "charfinderd %s, ICU %s, Unicode %s",
	    CHARFINDERD_VERSION, cf_icu_version(), cf_unicode_version());
}

const char *
version_text(void)
{
	pthread_once(&once, make_text);
	return text;
}
