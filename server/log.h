/*
 * log.h: one line per event on stderr.  When stderr is the journal each line
 * starts with its syslog priority ("<3>" ... "<7>") so that journalctl -p
 * filters; on a terminal, plain lines.  Safe from any thread: a line is one
 * write(2).
 */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>

void log_init(int verbosity, bool journal);
int log_verbosity(void);

void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shown with -v: connections. */
void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shown with -vv: queries, and everything a developer may want. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
