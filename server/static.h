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
#include <time.h>

#include "buf.h"
#include "http_cond.h"
#include "str.h"

struct http_head;
struct route;
struct server;

/* File bodies up to this size are copied into the response buffer, so head
 * and body leave in one write(2); bigger ones go by sendfile(2). */
#define STATIC_INLINE_MAX 16384

/*
 * Whole files up to STATIC_INLINE_MAX are kept per worker for at most
 * STATIC_CACHE_SECONDS after they were read, so a hot small file costs no
 * open, stat, read or close. A change to the file shows within that time
 * (lighttpd's default stat cache makes the same trade). Keys are request
 * paths as normalised by route_normalize(); only files route.c resolved
 * as static are ever stored.
 */
#define STATIC_CACHE_SLOTS   64
#define STATIC_CACHE_SECONDS 1
#define STATIC_CACHE_KEY_MAX 512

struct static_cache_entry {
	char *key; /* owned; NULL: an empty slot */
	size_t keylen;
	time_t expires;
	uint64_t size;
	time_t mtime;
	const char *type; /* from the server's MIME table */
	char *body;       /* owned: size bytes */
	char etag[HTTP_ETAG_MAX];
	char lm[HTTP_DATE_LEN + 1];
};

/* One per worker; a zeroed struct is empty. */
struct static_cache {
	struct static_cache_entry ent[STATIC_CACHE_SLOTS];
};

struct static_req {
	const struct server *srv;
	const struct http_head *h;
	const char *date;      /* the cached Date value */
	struct str connection; /* "Connection: ...\r\n" line, or empty */
	bool close;            /* the connection closes after this response */
	struct static_cache *cache; /* the worker's, or NULL */
	time_t now;                 /* wall clock, for the cache */
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
 * Answers a GET or HEAD for the normalised path key from rq->cache when a
 * fresh entry is there: returns 1 with the response appended to out and
 * *res filled, 0 when the request must take the full path (nothing
 * appended), or -1 with errno (out of memory).
 */
int static_cache_serve(const struct static_req *rq, struct str key,
    struct buf *out, struct static_result *res);
/* Frees every entry; sc is empty afterwards. */
void static_cache_fini(struct static_cache *sc);

/*
 * Appends an error page for status to out, with rq's Connection line
 * (and "Allow" for 405). Fills *res. 0, or -1 with errno.
 */
int static_error(const struct static_req *rq, int status, struct buf *out,
    struct static_result *res);

#endif /* SERVER_STATIC_H */
