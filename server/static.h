/*
 * static.h - the response for a static file or folder: GET and HEAD,
 * conditional requests, one byte range, index.html, the trailing-slash
 * redirect and the optional folder listing.
 *
 * The route (route.h) has already opened the file beneath the docroot.
 * static.c builds the whole head, and the body of small files and
 * listings, into the caller's buffer; a larger body is left for the caller
 * to send from the file with sendfile(2). No socket I/O here.
 */
#ifndef SERVER_STATIC_H
#define SERVER_STATIC_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "str.h"

struct http_head;
struct route;
struct server;

/* File bodies up to this size are copied into the response buffer, so head
 * and body leave in one write(2); bigger ones go by sendfile(2). */
#define STATIC_INLINE_MAX 16384

struct static_req {
	const struct server *srv;
	const struct http_head *h;
	const char *date;      /* the cached Date value */
	struct str connection; /* "Connection: ...\r\n" line, or empty */
	bool close;            /* the connection closes after this response */
};

struct static_result {
	int status;
	int fd;              /* >= 0: send len bytes from off after the head;
	                        the caller owns and closes it */
	uint64_t off, len;   /* the sendfile part */
	uint64_t body_bytes; /* body bytes of the response, for the log */
};

/*
 * Appends the response for rt (ROUTE_STATIC) to out and fills *res.
 * Methods other than GET and HEAD get 405 with Allow. Returns 0, or -1
 * with errno set (out of memory): the caller answers 500.
 */
int static_respond(const struct static_req *rq, struct route *rt,
    struct buf *out, struct static_result *res);

/*
 * Appends an error page for status to out, with rq's Connection line
 * (and "Allow" for 405). Fills *res. 0, or -1 with errno.
 */
int static_error(const struct static_req *rq, int status, struct buf *out,
    struct static_result *res);

#endif /* SERVER_STATIC_H */
