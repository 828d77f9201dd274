/*
 * version.h: the one version line, for --version and /version.
 */
#ifndef VERSION_H
#define VERSION_H

/*
 * "charfinderd 0.1.0, ICU 72.1 (Unicode 15.0), names Unicode 17.0":
 * ICU's own Unicode, and that of the names (index/unicode/ when newer).
 * Constant once made.
 */
const char *version_text(void);
/* The same without the daemon: "ICU 72.1 (Unicode 15.0), names ...". */
const char *version_unicode_text(void);

#endif
