/*
 * http_date.h - HTTP-date (RFC 9110 5.6.7): format IMF-fixdate, parse
 * IMF-fixdate, RFC 850 and asctime forms.
 *
 * Pure and locale-free (no gmtime, no strftime, no time zone): the calendar
 * is computed by hand. Caching a formatted Date per second is left to the
 * caller.
 */
#ifndef SERVER_HTTP_DATE_H
#define SERVER_HTTP_DATE_H

#include <stddef.h>
#include <time.h>

#include "str.h"

/* Length of an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT". */
#define HTTP_DATE_LEN 29

/*
 * Writes the IMF-fixdate of t (seconds since the epoch, UTC) and a NUL to
 * out, which holds outlen bytes (at least HTTP_DATE_LEN + 1). Returns 0, or
 * -1 with errno ENOBUFS (outlen too small) or EOVERFLOW (year outside
 * 0..9999).
 */
int http_date_format(time_t t, char *out, size_t outlen);

/*
 * Parses an HTTP-date in any of the three forms of RFC 9110 5.6.7 into *t.
 * RFC 850 two-digit years are taken as 19xx when >= 70, else 20xx (a
 * 50-year rule is not needed: those clients died long ago). Returns 0, or
 * -1 for anything else (bad field, impossible day, trailing bytes); *t is
 * written only on success.
 */
int http_date_parse(struct str s, time_t *t);

#endif /* SERVER_HTTP_DATE_H */
