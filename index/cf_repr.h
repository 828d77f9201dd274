/*
 * cf_repr.h: the status line, with the query quoted exactly as Python's
 * repr() quotes a str.
 */
#ifndef CF_REPR_H
#define CF_REPR_H

#include <stddef.h>

/* Bytes cf_repr() may write for a query of len bytes. */
#define CF_REPR_MAX(len) (4 * (len) + 2)

/*
 * Python's repr() of the valid UTF-8 string s: quotes chosen as Python
 * chooses them, backslash and the quote escaped, characters that Python
 * does not consider printable as \t \n \r \xhh \uhhhh \Uhhhhhhhh.
 * out must hold CF_REPR_MAX(len) bytes; returns the length (no NUL).
 */
size_t cf_repr(const char *s, size_t len, char *out);

/* Bytes cf_status_line() may write for a query of qlen bytes. */
#define CF_STATUS_MAX(qlen) (CF_REPR_MAX(qlen) + 96)

/*
 * "No match for 'q'", "1 match for 'q'", "N matches for 'q'", followed by
 * " (first M shown)" when shown < count, and CR LF.  out must hold
 * CF_STATUS_MAX(qlen) bytes; returns the length (no NUL).
 */
size_t cf_status_line(char *out, const char *q, size_t qlen, size_t count,
    size_t shown);

#endif
