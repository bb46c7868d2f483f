/*
 * http_cond.h - conditional and range requests for static files
 * (RFC 9110 8.8.3, 13, 14): make an ETag, evaluate If-Match,
 * If-Unmodified-Since, If-None-Match, If-Modified-Since, If-Range and a
 * single-range Range header against a file's validators.
 *
 * Pure: the caller passes the header values and the file's inode, size and
 * mtime, and gets back the status to send. Multiple ranges are not served
 * (the whole file is sent instead, which RFC 9110 14.2 allows). HTTP-date
 * formatting and parsing are in http_date.h, included here for callers.
 */
#ifndef SERVER_HTTP_COND_H
#define SERVER_HTTP_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http_date.h"
#include "http_parse.h"
#include "str.h"

enum http_range_kind {
	HTTP_RANGE_FULL,         /* ignore Range: send 200 and everything */
	HTTP_RANGE_PARTIAL,      /* send 206 with r->start, r->len */
	HTTP_RANGE_UNSATISFIABLE /* send 416, Content-Range: bytes * / size */
};

struct http_range {
	uint64_t start; /* first byte offset */
	uint64_t len;   /* bytes from start; > 0 and start + len <= size */
};

/*
 * Evaluates one Range field value against a representation of size bytes.
 * Accepts "bytes=a-b", "bytes=a-" and "bytes=-n" (unit case-insensitive,
 * OWS around the value). A last-byte past the end is clamped; a suffix
 * longer than the file means the whole file (206). FULL for a syntax error,
 * another unit, a < b violated, or more than one range. UNSATISFIABLE when
 * a >= size, for "-0", and for any range of an empty file. *r is written
 * only for PARTIAL.
 */
enum http_range_kind http_range_parse(struct str value, uint64_t size,
    struct http_range *r);

/* Bytes an ETag from http_etag_make needs, NUL included. */
#define HTTP_ETAG_MAX 64

/*
 * Writes a strong ETag with its quotes and a NUL to out (outlen bytes):
 * "\"<ino>-<size>-<sec><nsec>\"" in lower-case hex, nsec as 8 hex digits,
 * so any change of inode, size or mtime (to the nanosecond) changes it.
 * Returns 0, or -1 with errno ENOBUFS if outlen < HTTP_ETAG_MAX is too small.
 */
int http_etag_make(uint64_t ino, uint64_t size, int64_t mtime_sec,
    long mtime_nsec, char *out, size_t outlen);

/*
 * True if the If-Match / If-None-Match field value list ("*" or a comma
 * list of entity-tags) matches etag (a quoted entity-tag). weak: weak
 * comparison (W/ ignored on both sides, If-None-Match); else strong (a W/
 * tag on either side never matches, If-Match and If-Range). "*" matches
 * any etag. A malformed list matches nothing.
 */
bool http_etag_match(struct str list, struct str etag, bool weak);

/* The request's conditional fields; p == NULL means absent. */
struct http_cond {
	struct str if_match;
	struct str if_none_match;
	struct str if_modified_since;
	struct str if_unmodified_since;
	struct str if_range;
	struct str range;
};

/*
 * Fills c from a parsed head (views into the same buffer as h's, valid as
 * long as those are).
 */
void http_cond_from_head(struct http_cond *c, const struct http_head *h);

/*
 * Decides the response for a GET or HEAD of a file with the given strong
 * etag (as from http_etag_make), mtime and size, in RFC 9110 13.2.2 order:
 *   412 if If-Match fails (or, without If-Match, If-Unmodified-Since);
 *   304 if If-None-Match matches (weak comparison; 412 for methods other
 *       than GET and HEAD), or, without If-None-Match, If-Modified-Since
 *       says not modified (GET/HEAD only);
 *   for GET with Range (and an If-Range that matches, if present: strong
 *       ETag comparison, or date equal to mtime): 206 with *r filled, or
 *       416;
 *   else 200.
 * Unparsable dates are ignored, as RFC 9110 13.1.3-4 demands.
 */
int http_cond_eval(const struct http_cond *c, struct str method,
    struct str etag, time_t mtime, uint64_t size, struct http_range *r);

#endif /* SERVER_HTTP_COND_H */
