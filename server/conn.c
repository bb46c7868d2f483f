/*
 * conn.c - the connection state machine (see conn.h for the handler hook).
 *
 * One request at a time per connection: the next pipelined request is
 * parsed only when the current response is complete, so answers leave in
 * order (RFC 9112 9.3.2) and a slow reader stops our reading (back-
 * pressure). conn_run() drives the machine as far as it can go; every
 * event and every handler call ends in it. A connection is freed only
 * when no conn_run() is active on it (depth), so callbacks never see a
 * freed struct. Reading and the request body are in conn_in.c, the
 * response API and writing in conn_out.c (shared state: conn_int.h).
 */
#include "conn_int.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "chunked.h"
#include "config.h"
#include "log.h"
#include "loop.h"
#include "response.h"
#include "route.h"
#include "server.h"
#include "static.h"

static void reset_request(struct conn *c);

/* ---- lifetime ---- */

static void
conn_release(struct conn *c)
{
	struct server_worker *w = c->w;

	if (c->h != NULL && c->h->on_abort != NULL) {
		const struct conn_handler *h = c->h;

		c->h = NULL;
		c->depth++;
		h->on_abort(c, c->harg);
		c->depth--;
	}
	loop_timer_stop(w->lp, &c->timer);
	if (c->fd != -1) {
		(void)loop_unwatch(w->lp, c->fd);
		(void)close(c->fd);
		c->fd = -1;
		atomic_fetch_sub(&w->srv->nconns, 1);
		atomic_fetch_sub(&w->srv->ip_conns[c->ip_slot], 1);
	}
	if (c->file_fd != -1)
		(void)close(c->file_fd);
	c->file_fd = -1;
	route_reset(&c->rt);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	w->nconns--;
	if (w->nspare < CONN_SPARES_MAX) {
		if (c->out.cap > CONN_OUT_KEEP)
			buf_fini(&c->out);
		c->next = w->spare;
		w->spare = c;
		w->nspare++;
	} else {
		route_fini(&c->rt);
		buf_fini(&c->out);
		free(c->in);
		free(c);
	}
	server_worker_maybe_stop(w);
}

/* Closes c now, or as soon as no conn_run() is active on it. */
void
conn_kill(struct conn *c)
{
	c->dead = true;
	if (c->depth == 0)
		conn_release(c);
}

void
conn_free_spares(struct server_worker *w)
{
	struct conn *c;

	while ((c = w->spare) != NULL) {
		w->spare = c->next;
		route_fini(&c->rt);
		buf_fini(&c->out);
		free(c->in);
		free(c);
	}
	w->nspare = 0;
}

static void on_io(struct loop *lp, int fd, unsigned events, void *arg);

void
conn_accept_take(struct server_worker *w, int fd, const char *peer,
    unsigned peer_port, size_t ip_slot)
{
	struct conn *c;
	size_t plen = strlen(peer);

	if ((c = w->spare) != NULL) {
		w->spare = c->next;
		w->nspare--;
	} else if ((c = calloc(1, sizeof(*c))) == NULL) {
		goto fail;
	} else {
		route_init(&c->rt);
		buf_init(&c->out, 64u << 20);
	}
	c->w = w;
	c->fd = fd;
	c->file_fd = -1;
	c->phase = CONN_HEAD;
	c->watched = LOOP_READ;
	c->depth = 0;
	c->dead = c->peer_eof = c->served_one = false;
	c->in_len = c->head_len = c->body_pos = 0;
	c->close_after = false;
	c->out_off = 0;
	buf_reset(&c->out);
	reset_request(c);
	c->tkind = CONN_T_NONE;
	memset(&c->timer, 0, sizeof(c->timer));
	if (plen >= sizeof(c->peer))
		plen = sizeof(c->peer) - 1;
	memcpy(c->peer, peer, plen);
	c->peer[plen] = '\0';
	c->peer_port = peer_port;
	c->ip_slot = ip_slot;
	c->prev = NULL;
	c->next = w->conns;
	if (w->conns != NULL)
		w->conns->prev = c;
	w->conns = c;
	w->nconns++;
	if (loop_watch(w->lp, fd, LOOP_READ, on_io, c) == -1) {
		log_error("%s: loop_watch: %s", __func__, strerror(errno));
		conn_release(c);
		return;
	}
	c->depth++;
	conn_run(c); /* starts the header timer */
	c->depth--;
	if (c->dead)
		conn_release(c);
	return;
fail:
	log_error("%s: %s", __func__, strerror(errno));
	(void)close(fd);
	atomic_fetch_sub(&w->srv->nconns, 1);
	atomic_fetch_sub(&w->srv->ip_conns[ip_slot], 1);
}

void
conn_close_idle(struct server_worker *w)
{
	struct conn *c, *next;

	for (c = w->conns; c != NULL; c = next) {
		next = c->next;
		if (c->phase == CONN_HEAD && c->in_len == 0)
			conn_kill(c);
		else
			c->close_after = true;
	}
}

void
conn_close_all(struct server_worker *w)
{
	while (w->conns != NULL)
		conn_kill(w->conns);
}

/* ---- accessors for handlers ---- */

const struct http_head *
conn_head(const struct conn *c)
{
	return &c->head;
}

const struct server *
conn_server(const struct conn *c)
{
	return c->w->srv;
}

struct loop *
conn_loop(const struct conn *c)
{
	return c->w->lp;
}

struct server_worker *
conn_worker(const struct conn *c)
{
	return c->w;
}

const char *
conn_peer(const struct conn *c)
{
	return c->peer;
}

unsigned
conn_peer_port(const struct conn *c)
{
	return c->peer_port;
}

int
conn_local(const struct conn *c, char *addr, size_t addrlen, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const void *a;

	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == -1)
		return -1;
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&ss;

		a = &s6->sin6_addr;
		*port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)&ss;

		a = &s4->sin_addr;
		*port = ntohs(s4->sin_port);
	}
	if (inet_ntop(ss.ss_family, a, addr, (socklen_t)addrlen) == NULL)
		return -1;
	return 0;
}

void
conn_set_log_extra(struct conn *c, struct str s)
{
	size_t n = s.len < sizeof(c->log_extra) ? s.len : sizeof(c->log_extra);

	memcpy(c->log_extra, s.p, n);
	c->log_extra_len = n;
}

/* ---- timers ---- */

static void
on_timer(struct loop *lp, void *arg)
{
	struct conn *c = arg;

	(void)lp;
	switch (c->tkind) {
	case CONN_T_HEAD:
	case CONN_T_BODY:
		c->tkind = CONN_T_NONE;
		if (c->h != NULL) {
			/* The body stalled under a handler: it must let go
			 * (kill its script) before conn answers for it. */
			const struct conn_handler *h = c->h;

			c->h = NULL;
			c->depth++;
			if (h->on_abort != NULL)
				h->on_abort(c, c->harg);
			c->depth--;
			if (c->dead) {
				conn_release(c);
				return;
			}
		}
		if (!c->resp_head) {
			/* V-10-a/b: a partial request gets 408, then close. */
			conn_response_error(c, 408);
			return;
		}
		conn_kill(c);
		return;
	case CONN_T_IDLE:
	case CONN_T_WRITE:
	case CONN_T_LINGER:
	case CONN_T_NONE:
		conn_kill(c);
		return;
	}
}

/* Keeps the timer kind k running; restart re-arms it from now. */
void
conn_set_timer(struct conn *c, enum conn_timer k, bool restart)
{
	const struct config *cf = conn_cf(c);
	uint64_t ms = 0;

	if (k == CONN_T_NONE) {
		loop_timer_stop(conn_lp(c), &c->timer);
		c->tkind = k;
		return;
	}
	if (k == c->tkind && !restart && loop_timer_active(&c->timer))
		return;
	switch (k) {
	case CONN_T_IDLE:
		ms = c->served_one ? cf->keepalive_timeout_ms
		                   : cf->header_timeout_ms;
		break;
	case CONN_T_HEAD:
		ms = cf->header_timeout_ms;
		break;
	case CONN_T_BODY:
		ms = cf->body_timeout_ms;
		break;
	case CONN_T_WRITE:
		ms = cf->write_timeout_ms;
		break;
	case CONN_T_LINGER:
	case CONN_T_NONE:
		ms = CONN_LINGER_MS;
		break;
	}
	c->tkind = k;
	if (loop_timer_start(conn_lp(c), &c->timer, ms, on_timer, c) == -1)
		conn_kill(c); /* no memory for the heap: cannot bound it */
}

void
conn_body_pause(struct conn *c)
{
	c->body_paused = true;
}

void
conn_body_resume(struct conn *c)
{
	if (!c->body_paused)
		return;
	c->body_paused = false;
	if (c->depth == 0)
		conn_run(c);
}

/* ---- requests ---- */

/* The request line as received, for the log (a view into c->in). */
static struct str
request_line(const struct conn *c)
{
	const char *p = c->in, *e;
	size_t n = c->in_len;

	if (c->head_len > 0 && c->head.method.p != NULL) {
		p = c->head.method.p;
		n = c->head_len - (size_t)(p - c->in);
	} else {
		while (n > 0 && (*p == '\r' || *p == '\n')) {
			p++;
			n--;
		}
	}
	if (n > 2048)
		n = 2048;
	if (n == 0 || p == NULL)
		return (struct str){ "-", 1 };
	for (e = p; e < p + n && *e != '\r' && *e != '\n'; e++)
		;
	return (struct str){ p, (size_t)(e - p) };
}

static void
log_request(struct conn *c)
{
	struct log_access a;

	if (!log_access_on())
		return;
	memset(&a, 0, sizeof(a));
	a.clock = &c->w->aclock;
	a.peer = c->peer;
	a.when = c->w->now;
	a.request = request_line(c);
	a.status = c->status;
	a.bytes = c->bytes;
	if (c->head_len > 0) {
		a.referer = http_head_get(&c->head, "Referer");
		a.agent = http_head_get(&c->head, "User-Agent");
	}
	a.extra = (struct str){ c->log_extra, c->log_extra_len };
	if (log_access_format(&c->w->alog, &a) == -1)
		buf_reset(&c->w->alog); /* over its bound: drop, keep going */
	if (c->w->alog.len > 32768)
		log_access_flush(&c->w->alog);
}

static void
reset_request(struct conn *c)
{
	const struct server *srv = c->w->srv;

	http_head_init(&c->head, c->fields, srv->limits.max_fields,
	    &srv->limits);
	c->head_len = 0;
	c->body_want = c->body_discard = c->body_paused = false;
	c->continue_due = false;
	c->body_left = 0;
	c->dropped = 0;
	c->resp_head = c->resp_done = c->resp_chunked = false;
	c->resp_nobody = c->resp_counted = false;
	c->resp_max = 0;
	c->status = 0;
	c->bytes = 0;
	c->h = NULL;
	c->harg = NULL;
	c->log_extra_len = 0;
}

static void
start_linger(struct conn *c)
{
	c->phase = CONN_LINGER;
	/* RFC 9112 9.6: shut our side, then drain, so a client still
	 * sending never turns our answer into a reset (H-9112-9.6-b). */
	if (c->peer_eof || shutdown(c->fd, SHUT_WR) == -1)
		conn_kill(c);
}

static void
finish_request(struct conn *c)
{
	size_t left;

	log_request(c);
	route_reset(&c->rt);
	c->served_one = true;
	/* The next wait (keep-alive or the next head) gets a fresh deadline. */
	conn_set_timer(c, CONN_T_NONE, false);
	if (c->close_after || c->w->stopping) {
		start_linger(c);
		return;
	}
	left = c->in_len - c->body_pos;
	if (left > 0 && c->body_pos > 0)
		memmove(c->in, c->in + c->body_pos, left);
	c->in_len = left;
	c->body_pos = 0;
	if (c->peer_eof && left == 0) {
		conn_kill(c);
		return;
	}
	if (c->out.cap > CONN_OUT_KEEP)
		buf_fini(&c->out);
	reset_request(c);
	c->phase = CONN_HEAD;
}

static void
serve_static(struct conn *c)
{
	struct static_req rq;
	struct static_result res;

	conn_in_drop_body(c);
	conn_out_static_req(c, &rq);
	if (static_respond(&rq, &c->rt, &c->out, &res) == -1) {
		log_error("%s: %s: %s", __func__, c->peer, strerror(errno));
		buf_reset(&c->out);
		conn_response_error(c, 500);
		return;
	}
	c->status = res.status;
	c->bytes = res.body_bytes;
	c->file_fd = res.fd;
	c->file_off = res.off;
	c->file_left = res.fd != -1 ? res.len : 0;
	c->resp_head = c->resp_done = true;
}

/* A small static file from the worker's cache: no file system at all. */
static bool
serve_cached(struct conn *c)
{
	struct static_req rq;
	struct static_result res;
	size_t mark = c->out.len;
	int rc;

	if (c->body_want)
		return false; /* rare; the full path handles the body */
	conn_out_static_req(c, &rq);
	rc = static_cache_serve(&rq,
	    (struct str){ c->rt.path.data, c->rt.path.len }, &c->out, &res);
	if (rc != 1) {
		c->out.len = mark;
		return false;
	}
	c->rt.kind = ROUTE_STATIC;
	c->status = res.status;
	c->bytes = res.body_bytes;
	c->resp_head = c->resp_done = true;
	return true;
}

static void
serve_handler(struct conn *c, const struct conn_handler *h, void *h_arg)
{
	void *arg = NULL;
	int status;

	if (c->body_want &&
	    conn_in_grow(c, c->head_len + CONN_IN_INITIAL) == -1) {
		conn_response_error(c, 500);
		return;
	}
	status = h->start(c, &c->rt, h_arg, &arg);
	route_reset(&c->rt); /* the handler dup'd what it keeps */
	if (status != 0) {
		conn_response_error(c, status);
		return;
	}
	if (c->resp_done || c->dead)
		return; /* it answered (or failed) inside start */
	c->h = h;
	c->harg = arg;
	if (!c->body_want) {
		h->on_body(c, arg, NULL, 0, true);
		return;
	}
	if (c->continue_due && !c->resp_head) {
		/* RFC 9110 10.1.1: the handler wants the body, so ask. */
		if (buf_puts(&c->out, "HTTP/1.1 100 Continue\r\n\r\n") == -1) {
			conn_kill(c);
			return;
		}
		c->continue_due = false;
	}
}

static void
start_request(struct conn *c)
{
	const struct server *srv = c->w->srv;
	const struct http_head *h = &c->head;

	c->w->now = time(NULL);
	c->phase = CONN_SERVE;
	c->close_after = !h->keep_alive || c->w->stopping;
	c->body_left =
	    h->framing == HTTP_FRAMING_LENGTH ? h->content_length : 0;
	c->body_want = h->framing == HTTP_FRAMING_CHUNKED ||
	    (h->framing == HTTP_FRAMING_LENGTH && h->content_length > 0);
	c->continue_due = h->expect_continue && c->body_want;
	if (h->framing == HTTP_FRAMING_CHUNKED)
		chunked_init(&c->ck, conn_cf(c)->max_body);
	if (h->framing == HTTP_FRAMING_LENGTH &&
	    h->content_length > conn_cf(c)->max_body) {
		c->close_after = true; /* V-13-a: refuse before reading */
		c->body_want = false;
		conn_response_error(c, 413);
		return;
	}
	if (str_eq(h->target, STR_LIT("*"))) {
		/* RFC 9110 9.3.7: OPTIONS * asks about the server itself. */
		if (!str_eq(h->method, STR_LIT("OPTIONS"))) {
			conn_response_error(c, 400);
			return;
		}
		conn_in_drop_body(c);
		if (conn_response_head(c, 200,
		        STR_LIT("Allow: GET, HEAD, POST\r\n"),
		        CONN_FRAME_LENGTH, 0) == -1) {
			conn_kill(c);
			return;
		}
		c->resp_done = true;
		return;
	}
	if (route_normalize(&c->rt, h)) {
		if (serve_cached(c))
			return;
		route_resolve_normalized(&c->rt, srv);
	}
	switch (c->rt.kind) {
	case ROUTE_STATIC:
		serve_static(c);
		return;
	case ROUTE_CGI:
		if (srv->cgi == NULL) {
			/* Never the script's source: no CGI, no answer. */
			conn_response_error(c, 501);
			return;
		}
		serve_handler(c, srv->cgi, srv->cgi_arg);
		return;
	case ROUTE_ERROR:
		conn_response_error(c, c->rt.status);
		return;
	}
}

/* Parses what is buffered. True if the state moved on (go round again). */
static bool
step_head(struct conn *c)
{
	size_t used = 0;

	if (c->in_len == 0)
		return false;
	switch (http_parse_head(&c->head, c->in, c->in_len, &used)) {
	case HTTP_PARSE_DONE:
		c->head_len = used;
		c->body_pos = used;
		start_request(c);
		return true;
	case HTTP_PARSE_MORE:
		if (c->in_len >= conn_cf(c)->max_head) {
			c->phase = CONN_SERVE; /* the parser should have said */
			c->close_after = true;
			conn_response_error(c, 431);
			return true;
		}
		return false;
	case HTTP_PARSE_ERROR:
		break;
	}
	c->w->now = time(NULL);
	c->phase = CONN_SERVE;
	c->close_after = true; /* RFC 9112: after a framing error, close */
	conn_response_error(c, c->head.status >= 400 ? c->head.status : 400);
	return true;
}

static bool
request_complete(const struct conn *c)
{
	return c->resp_done && !conn_out_pending(c) &&
	    (!c->body_want || c->close_after);
}

static void
update_events(struct conn *c)
{
	unsigned ev = 0;

	if (conn_in_want(c))
		ev |= LOOP_READ;
	if (c->phase == CONN_SERVE && conn_out_pending(c))
		ev |= LOOP_WRITE;
	if (ev != c->watched) {
		if (loop_modify(conn_lp(c), c->fd, ev) == -1) {
			conn_kill(c);
			return;
		}
		c->watched = ev;
	}
}

static void
update_timer(struct conn *c)
{
	switch (c->phase) {
	case CONN_HEAD:
		conn_set_timer(c, c->in_len == 0 ? CONN_T_IDLE : CONN_T_HEAD,
		    false);
		return;
	case CONN_SERVE:
		if (conn_out_pending(c))
			conn_set_timer(c, CONN_T_WRITE, false);
		else if (c->body_want && !c->body_paused)
			conn_set_timer(c, CONN_T_BODY, false);
		else
			conn_set_timer(c, CONN_T_NONE, false);
		return;
	case CONN_LINGER:
		conn_set_timer(c, CONN_T_LINGER, false);
		return;
	}
}

void
conn_run(struct conn *c)
{
	bool writable_due;

	c->depth++;
	while (!c->dead) {
		if (c->phase == CONN_HEAD) {
			if (!step_head(c))
				break;
			continue;
		}
		if (c->phase != CONN_SERVE)
			break;
		conn_in_feed_body(c);
		if (c->dead)
			break;
		writable_due = conn_out_pending(c);
		if (conn_out_flush(c) == -1) {
			conn_kill(c);
			break;
		}
		if (request_complete(c)) {
			finish_request(c);
			continue;
		}
		if (writable_due && !conn_out_pending(c) && c->h != NULL &&
		    c->h->on_writable != NULL) {
			c->h->on_writable(c, c->harg);
			continue;
		}
		break;
	}
	if (!c->dead) {
		update_events(c);
		update_timer(c);
	}
	c->depth--;
	if (c->dead && c->depth == 0)
		conn_release(c);
}

static void
on_io(struct loop *lp, int fd, unsigned events, void *arg)
{
	struct conn *c = arg;

	(void)lp;
	(void)fd;
	c->depth++;
	if ((events & LOOP_ERROR) && c->phase != CONN_LINGER)
		conn_kill(c);
	else if (events & LOOP_READ)
		conn_in_read(c);
	c->depth--;
	if (c->dead) {
		if (c->depth == 0)
			conn_release(c);
		return;
	}
	conn_run(c);
}
