/*
 * conn.h - one client connection: read a request, run its handler, write
 * the response, then keep-alive or close (RFC 9112 9).
 *
 * conn.c owns the socket, the input and output buffers, the request body
 * decoding (Content-Length or chunked), Expect: 100-continue, the framing
 * of the response, the timeouts and the access log line. What a request
 * gets is decided by route.c; the static handler lives in static.c, and
 * other handlers (CGI) attach through struct conn_handler below.
 *
 * THE HANDLER HOOK (for CGI, FastCGI, ...)
 *
 * 1. Start: for a route of kind ROUTE_CGI, conn calls
 *    h->start(c, rt, h_arg, &arg) with the parsed head (conn_head(c)) and
 *    the resolved route (script path, SCRIPT_NAME, PATH_INFO, see route.h;
 *    rt and the fds in it are borrowed: dup what must outlive the call).
 *    start returns 0 (arg is then passed to every later callback) or an
 *    HTTP status (400..599): conn sends that error page itself and never
 *    calls the handler again.
 * 2. Body: h->on_body(c, arg, p, n, end) receives request body bytes as
 *    they arrive, de-chunked, at most CONN_BODY_CHUNK per call. The bytes
 *    are borrowed for the call: copy them. end is true exactly once, on the
 *    last call (n may be 0), also at once when the request has no body.
 *    Flow control: conn_body_pause(c) stops the calls (and reading from the
 *    socket) until conn_body_resume(c). A request with Expect: 100-continue
 *    gets its "100 Continue" when the body is first wanted.
 *    The body read timeout (--body-timeout) runs only while not paused.
 * 3. Response: conn_response_head(c, status, fields, framing, length)
 *    sends the status line, Date, Server, the handler's own field lines,
 *    and the framing fields conn chooses from framing: CONN_FRAME_LENGTH
 *    (Content-Length: length), CONN_FRAME_CHUNKED (downgraded to
 *    close-delimited for an HTTP/1.0 client) or CONN_FRAME_CLOSE (body ends
 *    when the connection closes). Then conn_write(c, p, n) queues body
 *    bytes and returns how many it took: fewer than n (maybe 0) when the
 *    output buffer holds CONN_OUT_HIGH bytes; h->on_writable(c, arg) runs
 *    each time queued output has drained, so the handler can pause its own
 *    input and resume it there. It may run from inside conn_write() (when
 *    the socket takes everything at once), so a handler that writes from
 *    on_writable must guard against re-entry. For HEAD requests conn
 *    drops the body bytes.
 * 4. Own fds and timers: conn_loop(c) is the worker's loop; the handler
 *    may loop_watch() its pipes/pidfds and start its timers there (same
 *    thread, no locking). It must unwatch/stop them before it lets go.
 * 5. Disconnect: h->on_abort(c, arg) runs when the client goes away, a
 *    conn timeout fires, or the server shuts down. The handler releases
 *    everything (kills its child...) inside the call; c is freed after.
 * 6. Finish: conn_response_end(c) ends the response (the last chunk for
 *    chunked framing) and lets go of the handler: conn never calls it
 *    again, finishes writing, discards any unread body (or closes), logs
 *    the request and goes on with the next pipelined or keep-alive
 *    request. conn_response_abort(c) instead ends the connection after
 *    what is queued, without completing the framing (a script died
 *    mid-body, H-9112-9.6-a). Either may be called from any callback, or
 *    from the handler's own fd/timer callbacks.
 * conn_set_log_extra() adds the handler's fields to the access line.
 */
#ifndef SERVER_CONN_H
#define SERVER_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "http_parse.h"
#include "str.h"

struct conn;
struct loop;
struct route;
struct server;
struct server_worker;

/* Most body bytes handed to on_body in one call. */
#define CONN_BODY_CHUNK 16384
/* Output bytes queued before conn_write() takes no more. */
#define CONN_OUT_HIGH 65536

enum conn_framing {
	CONN_FRAME_LENGTH,  /* Content-Length known in advance */
	CONN_FRAME_CHUNKED, /* chunked for 1.1, close-delimited for 1.0 */
	CONN_FRAME_CLOSE    /* body ends at connection close */
};

typedef int conn_start_fn(struct conn *c, const struct route *rt, void *h_arg,
    void **argp);
typedef void conn_body_fn(struct conn *c, void *arg, const char *p, size_t n,
    bool end);
typedef void conn_event_fn(struct conn *c, void *arg);

struct conn_handler {
	const char *name; /* for the error log */
	conn_start_fn *start;
	conn_body_fn *on_body;
	conn_event_fn *on_writable;
	conn_event_fn *on_abort;
};

/*
 * Takes over fd, a freshly accepted non-blocking client socket, for worker
 * w. On failure the socket is closed (and counted out). peer is the
 * client's address as text, peer_port its port, ip_slot its counter in
 * srv->ip_conns (already counted in; conn counts it out at close).
 */
void conn_accept_take(struct server_worker *w, int fd, const char *peer,
    unsigned peer_port, size_t ip_slot);
/* Closes every connection of w that is between requests (shutdown). */
void conn_close_idle(struct server_worker *w);
/* Closes every connection of w at once (end of the shutdown grace). */
void conn_close_all(struct server_worker *w);
/* Frees w's spare connection objects. */
void conn_free_spares(struct server_worker *w);

/* For handlers: the request being served (valid until the response ends). */
const struct http_head *conn_head(const struct conn *c);
/* The server (configuration, docroot fd...), read-only. */
const struct server *conn_server(const struct conn *c);
/* The worker's loop, for the handler's own fds and timers. */
struct loop *conn_loop(const struct conn *c);
/* The worker (for its shutdown bookkeeping: server_worker_maybe_stop). */
struct server_worker *conn_worker(const struct conn *c);
/* The client's address and port; the local address and port. */
const char *conn_peer(const struct conn *c);
unsigned conn_peer_port(const struct conn *c);
/* Fills the local address text (INET6_ADDRSTRLEN bytes) and port. 0/-1. */
int conn_local(const struct conn *c, char *addr, size_t addrlen,
    unsigned *port);

void conn_body_pause(struct conn *c);
void conn_body_resume(struct conn *c);

/*
 * Queues the response head. fields holds complete "Name: value\r\n"
 * lines (no Date, Server, Connection, Content-Length or
 * Transfer-Encoding: conn adds those). Returns 0, or -1 with errno
 * (EALREADY: a head was already sent; ENOBUFS/ENOMEM).
 */
int conn_response_head(struct conn *c, int status, struct str fields,
    enum conn_framing framing, uint64_t length);
/*
 * The same with phrase as the status line's reason when it is a valid
 * reason-phrase (HTAB/SP/VCHAR/obs-text), else the standard one. phrase
 * is borrowed for the call.
 */
int conn_response_head_phrase(struct conn *c, int status, struct str phrase,
    struct str fields, enum conn_framing framing, uint64_t length);
/* Queues body bytes; returns how many were taken (see above), -1 if the
 * connection is already failing (the handler then waits for on_abort). */
ssize_t conn_write(struct conn *c, const void *p, size_t n);
/* Sends a whole error page (only before conn_response_head) and ends. */
void conn_response_error(struct conn *c, int status);
void conn_response_end(struct conn *c);
void conn_response_abort(struct conn *c);
/*
 * NPH (RFC 3875 5): the handler writes the whole response itself. Marks
 * the head as sent: conn_write() then queues bytes unframed, and the
 * connection closes after them. 0, or -1 with errno EALREADY.
 */
int conn_response_raw(struct conn *c);
/* Copies s (at most 256 bytes) to append to this request's access line. */
void conn_set_log_extra(struct conn *c, struct str s);

#endif /* SERVER_CONN_H */
