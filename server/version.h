/*
 * version.h: the one version line, for --version and /version.
 */
#ifndef VERSION_H
#define VERSION_H

/* "charfinderd 0.1.0, ICU 72.1, Unicode 15.0"; constant once made. */
const char *version_text(void);

#endif
