/*
 * cgi_resp.h - parses the header block a CGI script writes (RFC 3875
 * section 6) and turns it into an HTTP/1.1 response head.
 *
 * Pure, incremental and allocation-free (STYLE Rule 11). The parser is
 * stricter than RFC 3875 requires (checklist 5.6): anything doubtful is an
 * error, which the server answers with 502. Streaming the body and
 * choosing the framing is cgi.c's job.
 */
#ifndef SERVER_CGI_RESP_H
#define SERVER_CGI_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "str.h"

enum cgi_resp_parse {
	CGI_RESP_DONE, /* *used bytes hold the whole header block */
	CGI_RESP_MORE, /* no blank line yet: call again with more bytes */
	CGI_RESP_ERROR /* malformed or over a bound: r->error says why */
};

enum cgi_resp_kind {
	CGI_RESP_DOCUMENT,        /* 6.2.1 (and 6.2.4-b: non-3xx + Location) */
	CGI_RESP_LOCAL_REDIRECT,  /* 6.2.2: serve r->location internally */
	CGI_RESP_CLIENT_REDIRECT, /* 6.2.3: 302 + Location, no body */
	CGI_RESP_CLIENT_REDIRECT_DOC /* 6.2.4: 3xx + Location + body */
};

/*
 * Parser state and result. The caller zeroes it and sets names, values
 * and maxfields (arrays it owns, for the fields forwarded to the client).
 * Every view points into the buffer given to the last call: valid while
 * that buffer is unchanged.
 */
struct cgi_resp {
	struct str *names, *values; /* forwarded fields, in order */
	size_t nfields, maxfields;
	enum cgi_resp_kind kind;
	int status;              /* 200 when no Status field */
	struct str reason;       /* the script's phrase, or a standard one */
	bool own_reason;         /* reason is the script's */
	struct str content_type; /* p == NULL: none */
	struct str location;     /* p == NULL: none */
	bool has_length;         /* one valid Content-Length was given */
	uint64_t content_length;
	bool untyped;      /* no Content-Type: a body byte is an error */
	bool no_body;      /* 204/304 or a redirect: drop any body */
	const char *error; /* static text for the log on ERROR */
	/* private: where the scan for the blank line stands */
	size_t scanned, line_start, nlines;
};

/*
 * Looks for the end of the header block in buf[0..len) and parses it.
 * buf must start with the same bytes as at the previous call (it may
 * have moved and grown). On DONE, *used is the block's length including
 * the blank line; the body starts at buf + *used. Bounds: one line
 * BOUND_CGI_RESP_LINE with its terminator, the block BOUND_CGI_RESP_HEAD,
 * fields BOUND_CGI_RESP_FIELDS and maxfields; passing one is an ERROR even
 * before the block is complete.
 */
enum cgi_resp_parse cgi_resp_parse(struct cgi_resp *r, const char *buf,
    size_t len, size_t *used);

/* How the caller frames the body it will send after the head. */
enum cgi_resp_frame {
	CGI_FRAME_LENGTH,  /* Content-Length: length (also for HEAD) */
	CGI_FRAME_CHUNKED, /* Transfer-Encoding: chunked (HTTP/1.1 only) */
	CGI_FRAME_CLOSE,   /* body ends when the connection closes */
	CGI_FRAME_NONE     /* no body and no length field */
};

struct cgi_resp_out {
	enum cgi_resp_frame frame;
	uint64_t length;    /* with CGI_FRAME_LENGTH */
	bool keep_alive;    /* false: "Connection: close" */
	const char *date;   /* IMF-fixdate, borrowed */
	const char *server; /* Server field value, borrowed */
};

/*
 * Appends the HTTP/1.1 status line and fields for r to out: Date and
 * Server from o (the script's own are never forwarded), the script's
 * fields in order with CRLF and one SP after the colon (S-6.3.4-a), then
 * Content-Type, Location and the framing fields. 0, or -1 with errno
 * from buf_append.
 */
int cgi_resp_head(const struct cgi_resp *r, const struct cgi_resp_out *o,
    struct buf *out);

/* The standard reason phrase for code, or "Unknown". */
const char *cgi_resp_reason(int code);

#endif /* SERVER_CGI_RESP_H */
