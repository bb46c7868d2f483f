/*
 * conn_in.c - reading a connection: the input buffer (a head stays in
 * place at its start while the body is consumed behind it), lingering
 * reads, and the request body de-chunked or counted and handed to the
 * handler in pieces (or dropped). Part of the connection module
 * (conn_int.h).
 */
#include "conn_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

static size_t
in_max(const struct conn *c)
{
	return conn_cf(c)->max_head + CONN_BODY_CHUNK;
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
int
conn_in_grow(struct conn *c, size_t want)
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

bool
conn_in_want(const struct conn *c)
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
void
conn_in_read(struct conn *c)
{
	ssize_t n;

	if (c->phase == CONN_LINGER) {
		linger_read(c);
		return;
	}
	if (c->in_len == c->in_cap) {
		if (c->phase == CONN_SERVE)
			compact_in(c);
		else if (conn_in_grow(c, c->in_cap + 1) == -1)
			return; /* at the bound: the parser answers 431 */
		if (c->in_len == c->in_cap)
			return;
	}
	n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
	if (n > 0) {
		c->in_len += (size_t)n;
		if (c->tkind == CONN_T_BODY && c->body_want)
			conn_set_timer(c, CONN_T_BODY, true); /* progress */
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
void
conn_in_drop_body(struct conn *c)
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
			conn_in_drop_body(c);
		return;
	}
	c->h->on_body(c, c->harg, p, n, end);
	if (c->h == NULL && c->body_want)
		conn_in_drop_body(
		    c); /* the handler finished before the body did */
}

/* Hands buffered body bytes to the handler (or drops them). */
void
conn_in_feed_body(struct conn *c)
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
