/*
 * response.c - response heads and error pages (see response.h).
 *
 * Appends use memcpy and a hand-rolled integer formatter: the 200 path runs
 * once per request, and printf-style formatting showed up in profiles of
 * other servers for exactly this job.
 */
#include "response.h"

#include <string.h>

#include "http_status.h"

const char *
response_reason(int status)
{
	const char *text = http_status_reason(status);

	return text != NULL ? text : "Unknown";
}

const char *
response_date(struct response_date *d, time_t now)
{
	if (d->text[0] == '\0' || d->sec != now) {
		if (http_date_format(now, d->text, sizeof(d->text)) == -1)
			memcpy(d->text, "Thu, 01 Jan 1970 00:00:00 GMT",
			    HTTP_DATE_LEN + 1);
		d->sec = now;
	}
	return d->text;
}

int
response_u64(struct buf *out, uint64_t n)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	return buf_append(out, tmp + i, sizeof(tmp) - i);
}

static int
put(struct buf *out, const char *s)
{
	return buf_append(out, s, strlen(s));
}

bool
response_phrase_ok(struct str phrase)
{
	for (size_t i = 0; i < phrase.len; i++) {
		unsigned char ch = (unsigned char)phrase.p[i];

		if (ch != '\t' && ch != ' ' && (ch < 0x21 || ch == 0x7f))
			return false;
	}
	return true;
}

int
response_status(struct buf *out, int status, const char *date)
{
	return response_status_phrase(out, status, (struct str){ NULL, 0 },
	    date);
}

int
response_status_phrase(struct buf *out, int status, struct str phrase,
    const char *date)
{
	if (phrase.len == 0 || !response_phrase_ok(phrase))
		phrase = str_from(response_reason(status));
	if (buf_reserve(out, 128) == -1 || put(out, "HTTP/1.1 ") == -1 ||
	    response_u64(out, (uint64_t)status) == -1 ||
	    buf_putc(out, ' ') == -1 ||
	    buf_append(out, phrase.p, phrase.len) == -1 ||
	    put(out, "\r\nDate: ") == -1 || put(out, date) == -1 ||
	    put(out, "\r\nServer: " RESPONSE_SERVER "\r\n") == -1)
		return -1;
	return 0;
}

int
response_field(struct buf *out, const char *name, struct str value)
{
	if (put(out, name) == -1 || buf_append(out, ": ", 2) == -1 ||
	    buf_append(out, value.p, value.len) == -1 ||
	    buf_append(out, "\r\n", 2) == -1)
		return -1;
	return 0;
}

int
response_length(struct buf *out, uint64_t n)
{
	if (put(out, "Content-Length: ") == -1 || response_u64(out, n) == -1 ||
	    buf_append(out, "\r\n", 2) == -1)
		return -1;
	return 0;
}

long
response_error(struct buf *out, int status, const char *date, bool head_only,
    bool close, struct str extra)
{
	const char *reason = response_reason(status);
	size_t blen;

	/* The page is fixed text plus the status: nothing from the request
	 * is reflected, so it cannot carry an injected script. */
	blen = strlen("<!DOCTYPE html>\n<html><head><title>000 ") +
	    strlen(reason) + strlen("</title></head>\n<body><h1>000 ") +
	    strlen(reason) + strlen("</h1></body></html>\n");
	if (response_status(out, status, date) == -1 ||
	    put(out, "Content-Type: text/html; charset=utf-8\r\n") == -1 ||
	    response_length(out, blen) == -1 ||
	    (close && put(out, "Connection: close\r\n") == -1) ||
	    buf_append(out, extra.p, extra.len) == -1 ||
	    buf_append(out, "\r\n", 2) == -1)
		return -1;
	if (head_only)
		return 0;
	if (put(out, "<!DOCTYPE html>\n<html><head><title>") == -1 ||
	    response_u64(out, (uint64_t)status) == -1 ||
	    buf_putc(out, ' ') == -1 || put(out, reason) == -1 ||
	    put(out, "</title></head>\n<body><h1>") == -1 ||
	    response_u64(out, (uint64_t)status) == -1 ||
	    buf_putc(out, ' ') == -1 || put(out, reason) == -1 ||
	    put(out, "</h1></body></html>\n") == -1)
		return -1;
	return (long)blen;
}
