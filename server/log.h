/*
 * log.h: one line per event on stderr.  When stderr is the journal each line
 * starts with its syslog priority ("<3>" ... "<7>") so that journalctl -p
 * filters; on a terminal, plain lines.  Safe from any thread: a line is one
 * write(2).  Each function is named for the priority it sends.
 */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>

void log_init(int verbosity, bool journal);
int log_verbosity(void);

/* LOG_CRIT, then exit(1). */
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* LOG_ERR: the daemon cannot do what it was asked (and usually exits). */
void log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* LOG_WARNING; log_warn() adds strerror(errno). */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* LOG_NOTICE: start-up, listening, stopping. */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* LOG_INFO, shown with -v: connections. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* LOG_DEBUG, shown with -vv: queries, and what a developer may want. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
