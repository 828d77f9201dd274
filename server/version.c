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
static const char *unicode_text;

static void
make_text(void)
{
	int n = snprintf(text, sizeof(text), "charfinderd %s, ",
	    CHARFINDERD_VERSION);

	unicode_text = text + n;
	snprintf(text + n, sizeof(text) - (size_t)n,
	    "ICU %s (Unicode %s), names Unicode %s", cf_icu_version(),
	    cf_icu_unicode_version(), cf_names_unicode_version());
}

const char *
version_text(void)
{
	pthread_once(&once, make_text);
	return text;
}

const char *
version_unicode_text(void)
{
	pthread_once(&once, make_text);
	return unicode_text;
}
