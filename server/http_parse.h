/*
 * http_parse.h - the incremental, strict HTTP/1.x request-head parser
 * (RFC 9112 2-7, RFC 9110 5, 7.2).
 *
 * Pure: no I/O, no allocation, no globals. Results are views into the
 * caller's buffer and fields go into a caller-supplied array. Decoding the
 * path (path.h), the body (chunked.h) and choosing a response are left to
 * other modules.
 */
#ifndef SERVER_HTTP_PARSE_H
#define SERVER_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

enum http_parse {
	HTTP_PARSE_DONE, /* buf[0..*used) is a complete, valid request head */
	HTTP_PARSE_MORE, /* incomplete: call again with the buffer grown */
	HTTP_PARSE_ERROR /* malformed or over a bound: see h->status */
};

enum http_framing {
	HTTP_FRAMING_NONE,   /* no body (RFC 9112 6.3: never read to EOF) */
	HTTP_FRAMING_LENGTH, /* Content-Length bytes follow */
	HTTP_FRAMING_CHUNKED /* Transfer-Encoding: chunked (chunked.h) */
};

/* Bounds for one parse; 0 in a member means its BOUND_* default. */
struct http_limits {
	size_t max_request_line; /* BOUND_REQUEST_LINE_BYTES: 414 */
	size_t max_target;       /* BOUND_TARGET_BYTES: 414 */
	size_t max_head;         /* BOUND_HEAD_BYTES: 431 */
	size_t max_field_line;   /* BOUND_FIELD_LINE_BYTES: 431 */
	size_t max_fields;       /* BOUND_HEAD_FIELDS (and maxfields): 431 */
};

/* One header field as received; views into the parsed buffer. */
struct http_field {
	struct str name;  /* a token, case as received */
	struct str value; /* OWS trimmed; may be empty; may hold obs-text */
};

struct http_head {
	/* Set by the caller (http_head_init, or a zeroed struct + these). */
	struct http_field *fields;        /* the caller's array ... */
	size_t maxfields;                 /* ... and its capacity */
	const struct http_limits *limits; /* NULL: all BOUND_* defaults */

	/*
	 * Results, valid after HTTP_PARSE_DONE only. Every struct str is a
	 * view into the buf of the last call: valid while those bytes stay
	 * unchanged and in place (except path "/" for an absolute-form target
	 * without a path, which is a static string).
	 */
	struct str method; /* case-sensitive token, e.g. "GET" */
	struct str uri;    /* the raw request-target (REQUEST_URI) */
	struct str target; /* path part, still percent-encoded: "/..." or "*" */
	struct str query;  /* after the first '?', without '#'; may be empty */
	bool has_query;    /* a '?' was present (query may still be empty) */
	bool absolute_form; /* target was http://authority/path */
	int minor;          /* HTTP/1.<minor>: 0 or 1 (1.2-1.9 count as 1) */
	struct str host;    /* without port; IPv6 keeps its [brackets];
	                       empty only for HTTP/1.0 without Host */
	struct str port;    /* port digits after ':', or empty */
	enum http_framing framing;
	uint64_t content_length; /* when framing == HTTP_FRAMING_LENGTH */
	bool keep_alive;      /* 1.1: unless "close"; 1.0: only "keep-alive" */
	bool expect_continue; /* HTTP/1.1 with Expect: 100-continue */
	size_t nfields;       /* fields[0..nfields) in received order */

	/* On HTTP_PARSE_ERROR: 400, 414, 417, 431, 501 or 505. */
	int status;
	const char *reason; /* static text for the error log, or NULL */

	/* Scan state: private to http_parse.c. */
	size_t pos_;     /* start of the line being scanned */
	size_t scan_;    /* next byte to examine */
	size_t reqline_; /* start of the request line */
	size_t fields_;  /* start of the first field line */
	size_t nseen_;   /* field lines seen so far */
	int state_;      /* where the scan is */
	bool line_sp_;   /* the request line has had a SP */
};

/* Fills each member of lim with its BOUND_* default. */
void http_limits_default(struct http_limits *lim);

/*
 * Prepares h for a new request: zeroes every member, then records the
 * caller's field array fields[0..maxfields) (borrowed; it must outlive the
 * results) and lim (borrowed, may be NULL for the defaults). Equivalent to
 * a zeroed struct with those three members set.
 */
void http_head_init(struct http_head *h, struct http_field *fields,
    size_t maxfields, const struct http_limits *lim);

/*
 * Parses the request head at the start of buf[0..len). Call it again with
 * the same h and the buffer grown (the bytes already passed unchanged; the
 * buffer may have moved, as after realloc): it resumes where it stopped,
 * so the total work is linear in the head's size.
 *
 * DONE: *used is the head's length including leading empty lines and the
 * final CRLF CRLF; the body or the next request starts at buf + *used.
 * MORE: *used is 0. ERROR: *used is 0, h->status holds the response
 * status, and every later call returns ERROR again: close after replying.
 *
 * Strict by design (RFC 9112 allows a server to reject these): bare CR,
 * bare LF, obs-fold, whitespace before a colon or before the first field,
 * NUL and controls, CL with TE, duplicate or list Content-Length, a
 * transfer coding other than a single "chunked", TE in HTTP/1.0, and a
 * missing, repeated or invalid Host in HTTP/1.1 all give 400 (501 for an
 * unknown coding, 417 for an unknown expectation, 505 for a major version
 * other than 1).
 */
enum http_parse http_parse_head(struct http_head *h, const char *buf,
    size_t len, size_t *used);

/*
 * Returns the value of the first field called name (ASCII case-insensitive)
 * as a view into the parsed buffer, or a view with p == NULL if there is
 * none. Only after HTTP_PARSE_DONE.
 */
struct str http_head_get(const struct http_head *h, const char *name);

#endif /* SERVER_HTTP_PARSE_H */
