/*
 * response.h - the bytes of a response head: status lines, the Date and
 * Server fields, framing fields, and the small HTML error pages.
 *
 * Everything appends to a caller's struct buf; nothing here writes to a
 * socket (conn.c does). The formatted Date is cached per second by the
 * caller's struct response_date, one per worker, so no lock is needed.
 */
#ifndef SERVER_RESPONSE_H
#define SERVER_RESPONSE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "http_date.h"
#include "str.h"

#define RESPONSE_SERVER "cgihttpd/" CGI_VERSION

/* A Date value cached for one second. A zeroed struct is empty. */
struct response_date {
	time_t sec;
	char text[HTTP_DATE_LEN + 1];
};

/* The IMF-fixdate of now, refreshed when the second changes. The string
 * lives in d until the next call. */
const char *response_date(struct response_date *d, time_t now);

/* The reason phrase for status ("Not Found"); "Unknown" if none. */
const char *response_reason(int status);

/*
 * Appends "HTTP/1.1 <status> <reason>\r\nDate: <date>\r\nServer: ...\r\n".
 * 0, or -1 with errno from buf.
 */
int response_status(struct buf *out, int status, const char *date);
/*
 * The same with phrase as the reason when it is non-empty and made of
 * HTAB, SP, VCHAR and obs-text only (RFC 9112 4); otherwise the standard
 * phrase (checklist S-6.3.3-b).
 */
int response_status_phrase(struct buf *out, int status, struct str phrase,
    const char *date);
/* phrase is a valid reason-phrase (HTAB / SP / VCHAR / obs-text)? */
bool response_phrase_ok(struct str phrase);

/* Appends "<name>: <value>\r\n". 0, or -1 with errno from buf. */
int response_field(struct buf *out, const char *name, struct str value);

/* Appends "Content-Length: <n>\r\n". 0, or -1 with errno from buf. */
int response_length(struct buf *out, uint64_t n);

/* Appends decimal n. 0, or -1 with errno from buf. */
int response_u64(struct buf *out, uint64_t n);

/*
 * Appends a whole error response: status line, Date, Server, Content-Type
 * text/html, Content-Length, "Connection: close" when close, the caller's
 * extra field lines (CRLF-terminated, may be empty, e.g. "Allow: GET,
 * HEAD\r\n"), the blank line, and a small HTML page naming only the status
 * (nothing from the request is echoed), omitted when head_only.
 * Returns the body length appended (so it can be logged), or -1 with errno.
 */
long response_error(struct buf *out, int status, const char *date,
    bool head_only, bool close, struct str extra);

#endif /* SERVER_RESPONSE_H */
