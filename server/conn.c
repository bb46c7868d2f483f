/*
 * conn.c - the connection state machine (see conn.h for the handler hook).
 *
 * One request at a time per connection: the next pipelined request is
 * parsed only when the current response is complete, so answers leave in
 * order (RFC 9112 9.3.2) and a slow reader stops our reading (back-
 * pressure). conn_run() drives the machine as far as it can go; every
 * event and every handler call ends in it. A connection is freed only
 * when no conn_run() is active on it (depth), so callbacks never see a
 * freed struct.
 */
#include "conn.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

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

#define CONN_IN_INITIAL 4096
#define CONN_SPARES_MAX 64
#define CONN_LINGER_MS  2000
/* Bodies sent to static files up to this size are read and dropped to
 * keep the connection; a bigger one closes it after the response. */
#define CONN_DISCARD_MAX 65536
/* Output buffers that grew past this are released after the response. */
#define CONN_OUT_KEEP 65536

enum conn_phase {
	CONN_HEAD,   /* reading a request head, or idle between requests */
	CONN_SERVE,  /* a request is being answered */
	CONN_LINGER, /* write side shut: draining input briefly, then close */
};

enum conn_timer {
	CONN_T_NONE,
	CONN_T_IDLE,  /* no byte of a request yet: silent close */
	CONN_T_HEAD,  /* part of a head: 408 */
	CONN_T_BODY,  /* body stalled: 408 */
	CONN_T_WRITE, /* client not reading: close */
	CONN_T_LINGER
};

struct conn {
	struct server_worker *w;
	struct conn *prev, *next;
	int fd;
	enum conn_phase phase;
	unsigned watched; /* LOOP_* asked of the loop */
	int depth;        /* conn_run() frames active on this conn */
	bool dead;        /* close as soon as depth reaches 0 */
	bool peer_eof;    /* the client shut its sending side */
	bool served_one;  /* a request was answered on this connection */
	char peer[INET6_ADDRSTRLEN];
	unsigned peer_port;
	size_t ip_slot; /* in srv->ip_conns */

	/* Input: in[0..head_len) is the current head, body/pipelined after. */
	char *in;
	size_t in_len, in_cap;
	size_t head_len; /* 0 while the head is incomplete */
	size_t body_pos; /* first byte not yet consumed */
	struct http_head head;

	/* Request body. */
	bool body_want;    /* still to be read (handler or discard) */
	bool body_discard; /* read and dropped */
	bool body_paused;
	bool continue_due; /* send 100 Continue when the body is wanted */
	uint64_t body_left;
	uint64_t dropped; /* body bytes read and discarded */
	struct chunked ck;

	/* Response. */
	struct buf out;
	size_t out_off;
	int file_fd;
	uint64_t file_off, file_left;
	bool resp_head;    /* the head is queued */
	bool resp_done;    /* nothing more will be queued */
	bool resp_chunked; /* body bytes get chunk framing */
	bool resp_nobody;  /* HEAD, 204, 304: body bytes are dropped */
	bool resp_counted; /* Content-Length framing: body_max applies */
	uint64_t resp_max; /* with resp_counted: bytes still allowed */
	bool close_after;  /* close once this response is out */
	int status;
	uint64_t bytes; /* body bytes, for the access log */

	/* Handler, when one (not static) serves the request. */
	const struct conn_handler *h;
	void *harg;
	struct route rt;

	struct loop_timer timer;
	enum conn_timer tkind;
	char log_extra[256];
	size_t log_extra_len;

	struct http_field fields[BOUND_HEAD_FIELDS];
};

static void conn_run(struct conn *c);
static void reset_request(struct conn *c);

static struct loop *
lp_of(const struct conn *c)
{
	return c->w->lp;
}

static const struct config *
cf_of(const struct conn *c)
{
	return c->w->srv->cf;
}

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
static void
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
static void
set_timer(struct conn *c, enum conn_timer k, bool restart)
{
	const struct config *cf = cf_of(c);
	uint64_t ms = 0;

	if (k == CONN_T_NONE) {
		loop_timer_stop(lp_of(c), &c->timer);
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
	if (loop_timer_start(lp_of(c), &c->timer, ms, on_timer, c) == -1)
		conn_kill(c); /* no memory for the heap: cannot bound it */
}

/* ---- output ---- */

static bool
out_pending(const struct conn *c)
{
	return c->out_off < c->out.len || c->file_left > 0;
}

/* Writes what is queued. Returns 0 (all out or EAGAIN), -1 dead. */
static int
flush(struct conn *c)
{
	ssize_t n;
	size_t len;
	int flags;

	while (out_pending(c)) {
		if (c->out_off < c->out.len) {
			len = c->out.len - c->out_off;
			flags =
			    MSG_NOSIGNAL | (c->file_left > 0 ? MSG_MORE : 0);
			n = send(c->fd, c->out.data + c->out_off, len, flags);
		} else {
			len = c->file_left > (1u << 30) ? (1u << 30)
			                                : (size_t)c->file_left;
			n = sendfile(c->fd, c->file_fd, (off_t *)&c->file_off,
			    len);
			if (n == 0) { /* the file shrank under us */
				errno = EIO;
				n = -1;
			}
		}
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		if (c->out_off < c->out.len) {
			c->out_off += (size_t)n;
			if (c->out_off == c->out.len) {
				buf_reset(&c->out);
				c->out_off = 0;
			}
		} else {
			c->file_left -= (uint64_t)n;
		}
		if (c->tkind == CONN_T_WRITE)
			set_timer(c, CONN_T_WRITE, true); /* progress */
	}
	if (c->file_fd != -1) {
		(void)close(c->file_fd);
		c->file_fd = -1;
	}
	return 0;
}

/* ---- the response API (also used by the static path) ---- */

static struct str
connection_line(const struct conn *c)
{
	if (c->close_after)
		return STR_LIT("Connection: close\r\n");
	if (c->head.minor == 0)
		return STR_LIT("Connection: keep-alive\r\n");
	return STR_LIT("");
}

static const char *
date_now(struct conn *c)
{
	/* time() is a vDSO read; a response after a timeout or a long CGI
	 * run must not carry the second its request started in. */
	c->w->now = time(NULL);
	return response_date(&c->w->date, c->w->now);
}

int
conn_response_head(struct conn *c, int status, struct str fields,
    enum conn_framing framing, uint64_t length)
{
	struct str conn_line;
	bool nobody = str_eq(c->head.method, STR_LIT("HEAD")) ||
	    status == 204 || status == 304 || status < 200;

	if (c->resp_head) {
		errno = EALREADY;
		return -1;
	}
	if (framing == CONN_FRAME_CHUNKED && c->head.minor == 0)
		framing = CONN_FRAME_CLOSE; /* H-9112-6.1-e */
	if (framing == CONN_FRAME_CLOSE && !nobody)
		c->close_after = true;
	if (c->body_want && c->continue_due)
		c->close_after = true; /* the body may never come: no reuse */
	conn_line = connection_line(c);
	if (response_status(&c->out, status, date_now(c)) == -1 ||
	    buf_append(&c->out, fields.p, fields.len) == -1)
		return -1;
	if (framing == CONN_FRAME_LENGTH && status >= 200 && status != 204 &&
	    status != 304 && response_length(&c->out, length) == -1)
		return -1;
	if (framing == CONN_FRAME_CHUNKED && !nobody &&
	    buf_puts(&c->out, "Transfer-Encoding: chunked\r\n") == -1)
		return -1;
	if (buf_append(&c->out, conn_line.p, conn_line.len) == -1 ||
	    buf_append(&c->out, "\r\n", 2) == -1)
		return -1;
	c->resp_head = true;
	c->status = status;
	c->resp_nobody = nobody;
	c->resp_chunked = framing == CONN_FRAME_CHUNKED && !nobody;
	c->resp_counted = framing == CONN_FRAME_LENGTH;
	c->resp_max = length;
	c->continue_due = false;
	if (c->depth == 0)
		conn_run(
		    c); /* the head goes out now, not with the first byte */
	return 0;
}

ssize_t
conn_write(struct conn *c, const void *p, size_t n)
{
	char hex[20];
	size_t take, pending;
	int hl;

	if (c->dead || !c->resp_head || c->resp_done) {
		errno = c->dead ? EPIPE : EINVAL;
		return -1;
	}
	if (c->resp_nobody || n == 0)
		return (ssize_t)n;
	pending = c->out.len - c->out_off;
	if (pending >= CONN_OUT_HIGH && c->depth == 0) {
		/* Full (a big head alone can fill it): try the socket now,
		 * and make sure WRITE is watched, or nobody would ever drain
		 * it and on_writable would never come. */
		conn_run(c);
		if (c->dead)
			return -1;
		pending = c->out.len - c->out_off;
	}
	if (pending >= CONN_OUT_HIGH)
		return 0;
	take = CONN_OUT_HIGH - pending < n ? CONN_OUT_HIGH - pending : n;
	if (c->resp_counted) {
		if (take > c->resp_max) {
			/* H-9110-8.6-b: more than announced: drop, close. */
			take = (size_t)c->resp_max;
			c->close_after = true;
		}
		c->resp_max -= take;
	}
	if (take == 0)
		return (ssize_t)n;
	if (c->resp_chunked) {
		hl = snprintf(hex, sizeof(hex), "%zx\r\n", take);
		if (hl < 0 || (size_t)hl >= sizeof(hex) ||
		    buf_append(&c->out, hex, (size_t)hl) == -1)
			return -1;
	}
	if (buf_append(&c->out, p, take) == -1 ||
	    (c->resp_chunked && buf_append(&c->out, "\r\n", 2) == -1))
		return -1;
	c->bytes += take;
	if (c->depth == 0)
		conn_run(c);
	return (ssize_t)take;
}

void
conn_response_end(struct conn *c)
{
	if (c->resp_done)
		return;
	c->h = NULL; /* let go of the handler: no more callbacks */
	if (c->resp_chunked && buf_append(&c->out, "0\r\n\r\n", 5) == -1)
		c->close_after = true;
	if (c->resp_counted && c->resp_max > 0)
		c->close_after = true; /* fewer bytes than announced */
	c->resp_done = true;
	if (c->depth == 0)
		conn_run(c);
}

int
conn_response_raw(struct conn *c)
{
	if (c->resp_head) {
		errno = EALREADY;
		return -1;
	}
	c->resp_head = true;
	c->status = 200;
	c->close_after = true;
	c->resp_nobody = c->resp_chunked = c->resp_counted = false;
	c->continue_due = false;
	return 0;
}

void
conn_response_abort(struct conn *c)
{
	c->h = NULL;
	c->resp_done = true;
	c->close_after = true;
	c->resp_chunked = false; /* never the final chunk (H-9112-9.6-a) */
	if (!c->resp_head)
		conn_kill(c);
	else if (c->depth == 0)
		conn_run(c);
}

void
conn_response_error(struct conn *c, int status)
{
	struct static_req rq;
	struct static_result res;

	if (c->resp_head) {
		conn_response_abort(c);
		return;
	}
	c->h = NULL;
	if (c->phase == CONN_HEAD) { /* a timeout before the head was whole */
		c->phase = CONN_SERVE;
		c->close_after = true;
	}
	if (status >= 400 && status != 404 && status != 403 && status != 405)
		c->close_after = true;
	if (c->body_want &&
	    (c->continue_due || c->body_left > CONN_DISCARD_MAX))
		c->close_after = true;
	memset(&rq, 0, sizeof(rq));
	rq.srv = c->w->srv;
	rq.h = &c->head;
	rq.date = date_now(c);
	rq.connection = connection_line(c);
	rq.close = c->close_after;
	if (static_error(&rq, status, &c->out, &res) == -1) {
		conn_kill(c);
		return;
	}
	c->status = status;
	c->bytes = res.body_bytes;
	c->resp_head = c->resp_done = true;
	if (c->depth == 0)
		conn_run(c);
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

/* ---- input ---- */

static size_t
in_max(const struct conn *c)
{
	return cf_of(c)->max_head + CONN_BODY_CHUNK;
}

/* Re-parses the complete head after the input buffer moved, so every
 * view in c->head points into the new buffer. */
static int
refresh_head(struct conn *c)
{
	const struct server *srv = c->w->srv;
	size_t used = 0;

	http_head_init(&c->head, c->fields, srv->limits.max_fields,
	    &srv->limits);
	if (http_parse_head(&c->head, c->in, c->head_len, &used) !=
	        HTTP_PARSE_DONE ||
	    used != c->head_len) {
		errno =
		    EPROTO; /* cannot happen: the same bytes parsed before */
		return -1;
	}
	return 0;
}

/* Makes in_cap at least want (bounded by in_max). 0, or -1 with errno. */
static int
grow_in(struct conn *c, size_t want)
{
	size_t cap = c->in_cap < CONN_IN_INITIAL ? CONN_IN_INITIAL : c->in_cap;
	char *p;

	if (want <= c->in_cap)
		return 0;
	while (cap < want)
		cap *= 2;
	if (cap > in_max(c))
		cap = in_max(c);
	if (cap < want) {
		errno = ENOBUFS;
		return -1;
	}
	if ((p = realloc(c->in, cap)) == NULL)
		return -1;
	c->in = p;
	c->in_cap = cap;
	if (c->head_len > 0 && refresh_head(c) == -1)
		return -1;
	return 0;
}

/* Moves unconsumed body/pipelined bytes down to just after the head. */
static void
compact_in(struct conn *c)
{
	size_t base = c->head_len, n = c->in_len - c->body_pos;

	if (c->body_pos == base)
		return;
	memmove(c->in + base, c->in + c->body_pos, n);
	c->in_len = base + n;
	c->body_pos = base;
}

static bool
want_read(const struct conn *c)
{
	switch (c->phase) {
	case CONN_HEAD:
		return !c->peer_eof;
	case CONN_SERVE:
		if (c->peer_eof || (c->body_want && c->body_paused))
			return false;
		return c->in_len < c->in_cap || c->body_pos > c->head_len;
	case CONN_LINGER:
		return true;
	}
	return false;
}

static void
linger_read(struct conn *c)
{
	char scratch[4096];
	ssize_t n;

	for (int i = 0; i < 16; i++) { /* bounded work per wake-up */
		n = read(c->fd, scratch, sizeof(scratch));
		if (n > 0)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_kill(c); /* EOF or error: the client got our answer */
		return;
	}
}

/* Reads what the socket has. Marks dead on error. */
static void
do_read(struct conn *c)
{
	ssize_t n;

	if (c->phase == CONN_LINGER) {
		linger_read(c);
		return;
	}
	if (c->in_len == c->in_cap) {
		if (c->phase == CONN_SERVE)
			compact_in(c);
		else if (grow_in(c, c->in_cap + 1) == -1)
			return; /* at the bound: the parser answers 431 */
		if (c->in_len == c->in_cap)
			return;
	}
	n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
	if (n > 0) {
		c->in_len += (size_t)n;
		if (c->tkind == CONN_T_BODY && c->body_want)
			set_timer(c, CONN_T_BODY, true); /* progress */
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 0) {
		c->peer_eof = true;
		/* A half-close after a complete request is legal: keep
		 * answering. Before a head or in mid-body, the client left. */
		if (c->phase == CONN_SERVE && !c->body_want)
			return;
		conn_kill(c);
		return;
	}
	conn_kill(c); /* ECONNRESET and friends */
}

/* ---- request body ---- */

/* No handler takes the body: drop it if small, else close afterwards. */
static void
drop_body(struct conn *c)
{
	if (!c->body_want)
		return;
	if (c->continue_due || c->w->stopping ||
	    (c->head.framing == HTTP_FRAMING_LENGTH &&
	        c->body_left > CONN_DISCARD_MAX)) {
		c->close_after = true;
		c->body_want = false;
		return;
	}
	c->body_discard = true;
	c->body_paused = false;
}

static void
body_failed(struct conn *c, int status, const char *reason)
{
	const struct conn_handler *h = c->h;

	log_error("%s: %s: body: %s (%d)", __func__, c->peer,
	    reason != NULL ? reason : "malformed", status);
	c->body_want = false;
	c->close_after = true;
	if (h != NULL) {
		c->h = NULL;
		if (h->on_abort != NULL)
			h->on_abort(c, c->harg);
	}
	if (!c->resp_head)
		conn_response_error(c, status);
	else
		conn_response_abort(c);
}

static void
deliver(struct conn *c, const char *p, size_t n, bool end)
{
	if (c->body_discard || c->h == NULL) {
		if (!c->body_discard)
			drop_body(c);
		return;
	}
	c->h->on_body(c, c->harg, p, n, end);
	if (c->h == NULL && c->body_want)
		drop_body(c); /* the handler finished before the body did */
}

/* Hands buffered body bytes to the handler (or drops them). */
static void
feed_body(struct conn *c)
{
	struct str data;
	size_t avail, lim, used;
	enum chunked_rc rc;
	bool end;

	while (c->body_want && !c->dead &&
	    (!c->body_paused || c->body_discard) && c->body_pos < c->in_len) {
		avail = c->in_len - c->body_pos;
		lim = avail < CONN_BODY_CHUNK ? avail : CONN_BODY_CHUNK;
		if (c->head.framing == HTTP_FRAMING_CHUNKED) {
			rc = chunked_decode(&c->ck, c->in + c->body_pos, lim,
			    &used, &data);
			if (rc == CHUNKED_ERROR) {
				body_failed(c, c->ck.status, c->ck.reason);
				return;
			}
			end = rc == CHUNKED_DONE;
		} else {
			used = lim < c->body_left ? lim : (size_t)c->body_left;
			data = (struct str){ c->in + c->body_pos, used };
			c->body_left -= used;
			end = c->body_left == 0;
		}
		c->body_pos += used;
		if (c->body_discard && !end &&
		    (c->dropped += used) > CONN_DISCARD_MAX) {
			/* A long chunked body nobody wants: stop reading it,
			 * close after the answer instead. */
			c->body_want = false;
			c->close_after = true;
			c->in_len = c->body_pos = c->head_len;
			return;
		}
		if (end)
			c->body_want = false;
		if (data.len > 0 || end)
			deliver(c, data.p, data.len, end);
		if (c->body_pos == c->in_len)
			c->in_len = c->body_pos = c->head_len;
		if (used == 0 && !end)
			break; /* the decoder needs more bytes */
	}
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
	set_timer(c, CONN_T_NONE, false);
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

	drop_body(c);
	memset(&rq, 0, sizeof(rq));
	rq.srv = c->w->srv;
	rq.h = &c->head;
	rq.date = date_now(c);
	rq.connection = connection_line(c);
	rq.close = c->close_after;
	rq.cache = &c->w->files;
	rq.now = c->w->now;
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
	memset(&rq, 0, sizeof(rq));
	rq.srv = c->w->srv;
	rq.h = &c->head;
	rq.date = date_now(c);
	rq.connection = connection_line(c);
	rq.close = c->close_after;
	rq.cache = &c->w->files;
	rq.now = c->w->now;
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

	if (c->body_want && grow_in(c, c->head_len + CONN_IN_INITIAL) == -1) {
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
		chunked_init(&c->ck, cf_of(c)->max_body);
	if (h->framing == HTTP_FRAMING_LENGTH &&
	    h->content_length > cf_of(c)->max_body) {
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
		drop_body(c);
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
		if (c->in_len >= cf_of(c)->max_head) {
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
	return c->resp_done && !out_pending(c) &&
	    (!c->body_want || c->close_after);
}

static void
update_events(struct conn *c)
{
	unsigned ev = 0;

	if (want_read(c))
		ev |= LOOP_READ;
	if (c->phase == CONN_SERVE && out_pending(c))
		ev |= LOOP_WRITE;
	if (ev != c->watched) {
		if (loop_modify(lp_of(c), c->fd, ev) == -1) {
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
		set_timer(c, c->in_len == 0 ? CONN_T_IDLE : CONN_T_HEAD, false);
		return;
	case CONN_SERVE:
		if (out_pending(c))
			set_timer(c, CONN_T_WRITE, false);
		else if (c->body_want && !c->body_paused)
			set_timer(c, CONN_T_BODY, false);
		else
			set_timer(c, CONN_T_NONE, false);
		return;
	case CONN_LINGER:
		set_timer(c, CONN_T_LINGER, false);
		return;
	}
}

static void
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
		feed_body(c);
		if (c->dead)
			break;
		writable_due = out_pending(c);
		if (flush(c) == -1) {
			conn_kill(c);
			break;
		}
		if (request_complete(c)) {
			finish_request(c);
			continue;
		}
		if (writable_due && !out_pending(c) && c->h != NULL &&
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
		do_read(c);
	c->depth--;
	if (c->dead) {
		if (c->depth == 0)
			conn_release(c);
		return;
	}
	conn_run(c);
}
