/*
 * conn_out.c - writing responses: the response API of conn.h (head,
 * body with chunked or counted framing, end, abort, error pages) and the
 * flush of the output buffer and of a file by sendfile(2). Part of the
 * connection module (conn_int.h).
 */
#include "conn_int.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "response.h"
#include "static.h"

bool
conn_out_pending(const struct conn *c)
{
	return c->out_off < c->out.len || c->file_left > 0;
}

/* Writes what is queued. Returns 0 (all out or EAGAIN), -1 dead. */
int
conn_out_flush(struct conn *c)
{
	ssize_t n;
	size_t len;
	int flags;

	while (conn_out_pending(c)) {
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
			conn_set_timer(c, CONN_T_WRITE, true); /* progress */
	}
	if (c->file_fd != -1) {
		(void)close(c->file_fd);
		c->file_fd = -1;
	}
	return 0;
}

/* ---- the response API (also used by the static path) ---- */

struct str
conn_out_connection(const struct conn *c)
{
	if (c->close_after)
		return STR_LIT("Connection: close\r\n");
	if (c->head.minor == 0)
		return STR_LIT("Connection: keep-alive\r\n");
	return STR_LIT("");
}

const char *
conn_out_date(struct conn *c)
{
	/* time() is a vDSO read; a response after a timeout or a long CGI
	 * run must not carry the second its request started in. */
	c->w->now = time(NULL);
	return response_date(&c->w->date, c->w->now);
}

void
conn_out_static_req(struct conn *c, struct static_req *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->srv = c->w->srv;
	rq->h = &c->head;
	rq->date = conn_out_date(c);
	rq->connection = conn_out_connection(c);
	rq->close = c->close_after;
	rq->cache = &c->w->files;
	rq->now = c->w->now;
}

int
conn_response_head(struct conn *c, int status, struct str fields,
    enum conn_framing framing, uint64_t length)
{
	return conn_response_head_phrase(c, status, (struct str){ NULL, 0 },
	    fields, framing, length);
}

int
conn_response_head_phrase(struct conn *c, int status, struct str phrase,
    struct str fields, enum conn_framing framing, uint64_t length)
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
	conn_line = conn_out_connection(c);
	if (response_status_phrase(&c->out, status, phrase, conn_out_date(c)) ==
	        -1 ||
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
	conn_out_static_req(c, &rq);
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
