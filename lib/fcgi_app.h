/*
 * fcgi_app.h - libcgi's FastCGI responder: accept connections from a web
 * server, read one request's parameters and body, write its output.
 *
 * Blocking I/O, one connection and one request at a time (FCGI_MAX_CONNS=1,
 * FCGI_MAX_REQS=1, FCGI_MPXS_CONNS=0). Record framing lives in fcgi_record.c;
 * the public cgi_* API (cgi.c) sits on top of this module.
 */
#ifndef LIB_FCGI_APP_H
#define LIB_FCGI_APP_H

#include <sys/types.h>

#include <stddef.h>

#include "fcgi_listen.h"

/* Sum of name and value bytes of one request's FCGI_PARAMS (over: dropped). */
#define FCGI_APP_PARAMS_MAX (1024 * 1024)
/* Bytes of one parameter name (over: the connection is dropped). */
#define FCGI_APP_NAME_MAX 1024
/* Parameters per request (over: the connection is dropped). */
#define FCGI_APP_NPARAMS_MAX 1024

struct fcgi_app; /* opaque: the listening socket and the open connection */
struct fcgi_req; /* opaque: one request on the open connection */

/* fcgi_listen(spec) opens the socket to serve: see fcgi_listen.h. */

/*
 * A responder on listen_fd, which it owns from now on (transferred: it is
 * closed by fcgi_app_free, and also when this call fails). listen_fd may be
 * 0, the FastCGI convention for a program started by spawn-fcgi or a web
 * server: it is then moved to a close-on-exec descriptor and fd 0 is left
 * on /dev/null (a listen_fd of 0, 1 or 2 that is not a listening socket is
 * left open on failure). Installs a SIGTERM handler (without SA_RESTART)
 * that makes fcgi_app_accept return NULL; the previous handler comes back
 * with fcgi_app_free. Every send uses MSG_NOSIGNAL, so a vanished web server
 * is EPIPE, never a SIGPIPE. Returns NULL with errno set (ENOTSOCK if
 * listen_fd is not a listening socket, ENOMEM).
 */
struct fcgi_app *fcgi_app_new(int listen_fd);

/*
 * A responder on one already-connected socket (transferred), with no
 * listener: for tests over socketpair(2) and for a parent that accepts on
 * the program's behalf. Once that connection closes, fcgi_app_accept
 * returns NULL with errno ENOTCONN. NULL with errno set (ENOMEM).
 */
struct fcgi_app *fcgi_app_new_conn(int conn_fd);

/* Closes the connection and the listening socket; NULL is a no-op. */
void fcgi_app_free(struct fcgi_app *app);

/*
 * Blocks until a FCGI_RESPONDER request has its FCGI_PARAMS stream
 * complete, answering management records and refusing other roles and
 * multiplexed requests on the way. Returns the request (owned by the caller
 * until fcgi_req_finish), or NULL on shutdown (SIGTERM: errno EINTR) or a
 * fatal error on the listening socket (errno set). A misbehaving peer only
 * loses its connection. At most one request is open at a time: finish the
 * previous one before calling this again (else NULL, errno EBUSY).
 */
struct fcgi_req *fcgi_app_accept(struct fcgi_app *app);

/*
 * The value of parameter name, or NULL. The string belongs to rq: valid
 * until fcgi_req_finish(rq). If a name repeats, the first one wins.
 */
const char *fcgi_req_getenv(const struct fcgi_req *rq, const char *name);

/* Number of parameters of rq. */
size_t fcgi_req_nparams(const struct fcgi_req *rq);

/*
 * The i-th parameter in arrival order: *name and *value are views valid
 * until fcgi_req_finish(rq). 0, or -1 if i is out of range.
 */
int fcgi_req_param(const struct fcgi_req *rq, size_t i, const char **name,
    const char **value);

/*
 * Reads up to n bytes of FCGI_STDIN into buf (borrowed). Returns the
 * number read, 0 at the end of the stream, or -1 when the request was
 * aborted (errno ECONNABORTED), the peer went away (ECONNRESET; EPIPE on
 * later calls) or sent a malformed record (EPROTO); the connection is then
 * dropped. Retries on EINTR: SIGTERM does not cut a request short.
 */
ssize_t fcgi_req_read(struct fcgi_req *rq, void *buf, size_t n);

/*
 * Appends n bytes from buf (borrowed) to FCGI_STDOUT. Output is buffered
 * and sent in records of at most 65535 bytes. Returns n, or -1 (errno
 * ECONNABORTED or EPIPE) once the request was aborted or the peer is gone;
 * the output is then discarded.
 */
ssize_t fcgi_req_write(struct fcgi_req *rq, const void *buf, size_t n);

/* As fcgi_req_write, for FCGI_STDERR (flushed at once, unbuffered). */
ssize_t fcgi_req_write_err(struct fcgi_req *rq, const void *buf, size_t n);

/* Sends buffered FCGI_STDOUT now. 0, or -1 as fcgi_req_write. */
int fcgi_req_flush(struct fcgi_req *rq);

/* True once the web server aborted rq or went away. */
int fcgi_req_aborted(const struct fcgi_req *rq);

/*
 * Ends rq: sends the buffered output, the empty FCGI_STDOUT (and
 * FCGI_STDERR, if any was written) records and END_REQUEST with app_status
 * and FCGI_REQUEST_COMPLETE, in one write, without waiting for an unread
 * body (the next fcgi_app_accept skips what is left of it). Then closes the
 * connection unless the web server asked for FCGI_KEEP_CONN (if a body is
 * still arriving, it is shut for writing and read to its end first, by the
 * next fcgi_app_accept). Frees rq (transferred), also on failure. Returns 0,
 * or -1 if output was lost (errno ECONNABORTED: aborted; EPIPE: peer gone).
 */
int fcgi_req_finish(struct fcgi_req *rq, int app_status);

/* Connections accepted so far (for logs and tests of connection reuse). */
unsigned long fcgi_app_nconns(const struct fcgi_app *app);
/* The number (1, 2, ... in order of acceptance) of the connection the
 * current request came on. */
unsigned long fcgi_app_conn_id(const struct fcgi_app *app);

/* True once SIGTERM was received: the caller should finish and exit. */
int fcgi_app_stopping(const struct fcgi_app *app);

#endif /* LIB_FCGI_APP_H */
