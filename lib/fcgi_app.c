/*
 * fcgi_app.c - libcgi's FastCGI responder: one request at a time, blocking
 * I/O, records framed by fcgi_record.c.
 *
 * A web server keeps idle connections (nginx's upstream keepalive) and
 * opens another for a concurrent request. Serving one connection at a
 * time, the responder would block the new one; closing the idle one
 * instead races with a request the server may be sending on it at that
 * very moment (nginx then answers 502). So an idle kept connection is
 * parked (up to APP_PARK_MAX of them) and polled with the listener:
 * whichever brings a request first is served, and no kept connection is
 * closed by us while the server may still use it, unless more than
 * APP_PARK_MAX are idle at once (then the longest idle one goes).
 *
 * The web server is trusted to speak FastCGI but not to be correct: every
 * length is bounded before it is buffered, and a peer that breaks the
 * protocol loses its connection, never the process. Waits that may last
 * (for a connection, for the next request) end on SIGTERM.
 */
#include "fcgi_app.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fcgi_record.h"
#include "str.h"

/* Read buffer: room for two whole records, so one recv usually brings a
 * record and the start of the next. */
#define APP_INBUF (2 * FCGI_RECORD_MAX)
/* Encoded PARAMS stream: the name and value bytes, plus at most 8 length
 * bytes per pair. */
#define APP_RAW_MAX (FCGI_APP_PARAMS_MAX + 8 * FCGI_APP_NPARAMS_MAX)

#define APP_PARK_MAX 16 /* idle kept connections held open */

/* Written only by on_sigterm (STYLE Rule 10). */
static volatile sig_atomic_t fcgi_app_got_term;

struct fcgi_app_param {
	const char *name, *value; /* views into the request's store */
};

struct fcgi_app {
	int listen_fd;           /* -1 for fcgi_app_new_conn */
	int conn_fd;             /* -1 while no connection is open */
	unsigned char *in;       /* APP_INBUF bytes */
	size_t in_start, in_end; /* unparsed input is in[in_start..in_end) */
	unsigned char *out;      /* FCGI_STDOUT not yet sent ... */
	size_t outlen;           /* ... and its length (<= 65535) */
	struct buf raw;          /* the PARAMS stream being received */
	struct fcgi_req *cur;    /* the request begun on conn_fd, or NULL */
	bool cur_ready;          /* cur's PARAMS are complete: caller has it */
	unsigned long nconns;    /* connections accepted */
	unsigned long conn_id;   /* conn_fd's number in that count */
	bool linger;             /* conn_fd is shut for writing: read to EOF */
	int park[APP_PARK_MAX];  /* idle kept connections, oldest first */
	unsigned long park_id[APP_PARK_MAX];
	size_t npark;
	struct sigaction old_term;
};

struct fcgi_req {
	struct fcgi_app *app;
	unsigned id;
	bool keep_conn;
	bool stdin_eof;
	bool aborted; /* FCGI_ABORT_REQUEST arrived */
	bool broken;  /* the connection was lost or dropped */
	bool wrote_err;
	struct str pending; /* unread part of the last FCGI_STDIN record */
	char *store;        /* the parameters, NUL-terminated */
	struct fcgi_app_param *params;
	size_t nparams;
};

static const unsigned char zeros[8];

static void
on_sigterm(int sig)
{
	(void)sig;
	fcgi_app_got_term = 1;
}

static void
conn_close(struct fcgi_app *app)
{
	if (app->conn_fd != -1)
		(void)close(app->conn_fd);
	app->conn_fd = -1;
	app->linger = false;
	app->in_start = app->in_end = 0;
	app->outlen = 0;
	buf_reset(&app->raw);
	if (app->cur != NULL)
		app->cur->broken = true;
}

static void
req_free(struct fcgi_req *rq)
{
	if (rq == NULL)
		return;
	if (rq->app != NULL && rq->app->cur == rq) {
		rq->app->cur = NULL;
		rq->app->cur_ready = false;
	}
	free(rq->store);
	free(rq->params);
	free(rq);
}

/* Sends all of iov (MSG_NOSIGNAL: a gone peer is EPIPE, not a signal). */
static int
send_all(struct fcgi_app *app, struct iovec *iov, size_t niov)
{
	struct msghdr mh;
	ssize_t n;

	if (app->conn_fd == -1) {
		errno = EPIPE;
		return -1;
	}
	while (niov > 0) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = niov;
		n = sendmsg(app->conn_fd, &mh, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		while (niov > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			niov--;
		}
		if (niov > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Fills iov[0..2] with one record (header in hdr, content, padding). */
static size_t
put_record(struct iovec *iov, unsigned char *hdr, unsigned type, unsigned id,
    const void *p, size_t len)
{
	size_t pad = fcgi_record_padding(len);

	/* len <= 65535 and id <= 65535 here: the encoder cannot refuse. */
	(void)fcgi_record_put_header(hdr, type, id, len, pad);
	iov[0].iov_base = hdr;
	iov[0].iov_len = FCGI_RECORD_HEADER_LEN;
	iov[1].iov_base = (void *)(uintptr_t)p;
	iov[1].iov_len = len;
	iov[2].iov_base = (void *)(uintptr_t)zeros;
	iov[2].iov_len = pad;
	return 3;
}

static int
send_record(struct fcgi_app *app, unsigned type, unsigned id, const void *p,
    size_t len)
{
	unsigned char hdr[FCGI_RECORD_HEADER_LEN];
	struct iovec iov[3];

	return send_all(app, iov, put_record(iov, hdr, type, id, p, len));
}

static int
send_end(struct fcgi_app *app, unsigned id, uint32_t status, unsigned proto)
{
	unsigned char rec[FCGI_RECORD_FIXED_LEN];
	struct iovec iov = { rec, sizeof(rec) };

	(void)fcgi_record_put_end(rec, id, status, proto);
	return send_all(app, &iov, 1);
}

/*
 * Waits until fd (and, when want_listen, the listener or a parked
 * connection) can be read. While idle, SIGTERM is blocked except inside
 * ppoll, so a signal that arrives between the flag test and the wait
 * still ends the wait: -1, EINTR. Returns the pollfd revents of fd, or 0
 * if only the listener or a parked connection is ready. fd -1: only the
 * others are waited for.
 */
static int
wait_idle(struct fcgi_app *app, int fd, bool want_listen)
{
	struct pollfd pfd[2 + APP_PARK_MAX];
	sigset_t term, old;
	nfds_t n = 1, k;
	int rc, saved;

	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	if (want_listen && app->listen_fd != -1) {
		pfd[n].fd = app->listen_fd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	for (k = 0; want_listen && k < app->npark; k++) {
		pfd[n].fd = app->park[k];
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	(void)sigemptyset(&term);
	(void)sigaddset(&term, SIGTERM);
	if ((rc = pthread_sigmask(SIG_BLOCK, &term, &old)) != 0) {
		errno = rc; /* it returns the error instead of setting errno */
		return -1;
	}
	for (;;) {
		if (fcgi_app_got_term) {
			rc = -1;
			errno = EINTR;
			break;
		}
		rc = ppoll(pfd, n, NULL, &old);
		if (rc == -1 && errno == EINTR)
			continue; /* another signal: test the flag again */
		if (rc >= 0)
			rc = pfd[0].revents;
		break;
	}
	saved = errno;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return rc;
}

/*
 * Parks the idle current connection (nothing of it is buffered) so that
 * another can be served; the longest parked one is closed if all places
 * are taken. conn_fd is -1 afterwards.
 */
static void
conn_park(struct fcgi_app *app)
{
	if (app->npark == APP_PARK_MAX) {
		(void)close(app->park[0]);
		memmove(app->park, app->park + 1,
		    (APP_PARK_MAX - 1) * sizeof(app->park[0]));
		memmove(app->park_id, app->park_id + 1,
		    (APP_PARK_MAX - 1) * sizeof(app->park_id[0]));
		app->npark--;
	}
	app->park[app->npark] = app->conn_fd;
	app->park_id[app->npark++] = app->conn_id;
	app->conn_fd = -1;
	app->in_start = app->in_end = 0;
}

/* A parked connection that can be read becomes the current one: 1, or
 * 0 if none can (a zero-timeout poll). */
static int
conn_unpark(struct fcgi_app *app)
{
	struct pollfd pfd[APP_PARK_MAX];
	size_t k;

	for (k = 0; k < app->npark; k++) {
		pfd[k].fd = app->park[k];
		pfd[k].events = POLLIN;
		pfd[k].revents = 0;
	}
	if (app->npark == 0 || poll(pfd, (nfds_t)app->npark, 0) <= 0)
		return 0;
	for (k = 0; k < app->npark && pfd[k].revents == 0; k++)
		continue;
	if (k == app->npark)
		return 0;
	app->conn_fd = app->park[k];
	app->conn_id = app->park_id[k];
	app->in_start = app->in_end = 0;
	app->linger = false;
	memmove(app->park + k, app->park + k + 1,
	    (app->npark - k - 1) * sizeof(app->park[0]));
	memmove(app->park_id + k, app->park_id + k + 1,
	    (app->npark - k - 1) * sizeof(app->park_id[0]));
	app->npark--;
	return 1;
}

/*
 * Makes the next whole record available in *r (its content a view into
 * app->in, valid until the next call). idle: no request is being served,
 * so SIGTERM ends the wait (EINTR) and a new connection on the listener
 * replaces this idle one (ECONNRESET). -1 with errno: ECONNRESET when the
 * peer closed, EPROTO for a malformed record, or the socket's error.
 */
static int
next_record(struct fcgi_app *app, struct fcgi_record *r, bool idle)
{
	enum fcgi_record_parse rc;
	size_t used;
	ssize_t n;
	int ev;

	for (;;) {
		rc = fcgi_record_parse(r, app->in + app->in_start,
		    app->in_end - app->in_start, &used);
		if (rc == FCGI_RECORD_DONE) {
			app->in_start += used;
			return 0;
		}
		if (rc == FCGI_RECORD_ERROR) {
			errno = EPROTO;
			return -1;
		}
		if (app->in_start > 0) {
			memmove(app->in, app->in + app->in_start,
			    app->in_end - app->in_start);
			app->in_end -= app->in_start;
			app->in_start = 0;
		}
		if (idle) {
			ev = wait_idle(app, app->conn_fd,
			    (app->in_end == 0 || app->linger) &&
			        app->cur == NULL);
			if (ev == -1)
				return -1;
			if (ev == 0) {
				/* Another connection is waiting and this one
				 * is between requests: serve the other one
				 * rather than block it; this one is parked
				 * (a lingering one, done with, is closed). */
				if (!app->linger && app->in_end == 0 &&
				    app->cur == NULL)
					conn_park(app);
				errno = ECONNRESET;
				return -1;
			}
		}
		n = recv(app->conn_fd, app->in + app->in_end,
		    APP_INBUF - app->in_end, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		app->in_end += (size_t)n;
	}
}

/* FCGI_GET_VALUES: answer the variables we know that were asked for. */
static int
get_values(struct fcgi_app *app, const struct fcgi_record *r)
{
	static const struct {
		const char *name, *value;
	} vars[] = {
		{ "FCGI_MAX_CONNS", "17" }, /* 1 + APP_PARK_MAX */
		{ "FCGI_MAX_REQS", "1" },
		{ "FCGI_MPXS_CONNS", "0" },
	};
	unsigned char out[256];
	struct fcgi_record_pair pr;
	size_t off = 0, len = 0, used, i;
	unsigned asked = 0;

	while (off < r->content.len) {
		if (fcgi_record_parse_pair(&pr, r->content.p + off,
		        r->content.len - off, FCGI_RECORD_CONTENT_MAX,
		        FCGI_RECORD_CONTENT_MAX, &used) != FCGI_RECORD_DONE) {
			errno = EPROTO;
			return -1;
		}
		off += used;
		for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			if (str_eq(pr.name, str_from(vars[i].name)))
				asked |= 1u << i;
	}
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (asked & (1u << i))
			len += fcgi_record_put_pair(out + len,
			    sizeof(out) - len, str_from(vars[i].name),
			    str_from(vars[i].value));
	return send_record(app, FCGI_RECORD_GET_VALUES_RESULT,
	    FCGI_RECORD_NULL_ID, out, len);
}

/* A record with request id 0 (FastCGI 1.0 section 4). */
static int
management(struct fcgi_app *app, const struct fcgi_record *r)
{
	unsigned char rec[FCGI_RECORD_FIXED_LEN];
	struct iovec iov = { rec, sizeof(rec) };

	if (r->type == FCGI_RECORD_GET_VALUES)
		return get_values(app, r);
	/* Replies from a confused peer get no reply: no ping-pong. */
	if (r->type == FCGI_RECORD_GET_VALUES_RESULT ||
	    r->type == FCGI_RECORD_UNKNOWN_TYPE)
		return 0;
	(void)fcgi_record_put_unknown(rec, r->type);
	return send_all(app, &iov, 1);
}

/*
 * Splits the complete PARAMS stream in app->raw into rq's NUL-terminated
 * names and values. Each encoded pair is at least 2 bytes longer than its
 * name and value, so raw.len bytes hold them all with their NULs.
 */
static int
params_decode(struct fcgi_req *rq, const struct buf *raw)
{
	struct fcgi_record_pair pr;
	size_t off, used, n = 0, total = 0, at = 0;

	for (off = 0; off < raw->len; off += used, n++) {
		if (fcgi_record_parse_pair(&pr, raw->data + off, raw->len - off,
		        FCGI_APP_NAME_MAX, FCGI_APP_PARAMS_MAX,
		        &used) != FCGI_RECORD_DONE)
			goto malformed;
		total += pr.name.len + pr.value.len;
		/* A CGI variable has a name, and neither part can hold a
		 * NUL: it would cut the C string the program sees. */
		if (pr.name.len == 0 || n >= FCGI_APP_NPARAMS_MAX ||
		    total > FCGI_APP_PARAMS_MAX ||
		    memchr(pr.name.p, '\0', pr.name.len) != NULL ||
		    memchr(pr.value.p, '\0', pr.value.len) != NULL)
			goto malformed;
	}
	if ((rq->store = malloc(raw->len + 1)) == NULL ||
	    (rq->params = calloc(n + 1, sizeof(*rq->params))) == NULL)
		return -1;
	for (off = 0; off < raw->len; off += used) {
		(void)fcgi_record_parse_pair(&pr, raw->data + off,
		    raw->len - off, FCGI_APP_NAME_MAX, FCGI_APP_PARAMS_MAX,
		    &used);
		rq->params[rq->nparams].name = rq->store + at;
		memcpy(rq->store + at, pr.name.p, pr.name.len);
		at += pr.name.len;
		rq->store[at++] = '\0';
		rq->params[rq->nparams].value = rq->store + at;
		memcpy(rq->store + at, pr.value.p, pr.value.len);
		at += pr.value.len;
		rq->store[at++] = '\0';
		rq->nparams++;
	}
	return 0;
malformed:
	errno = EPROTO;
	return -1;
}

/* FCGI_BEGIN_REQUEST while no request is open on the connection. */
static int
begin(struct fcgi_app *app, const struct fcgi_record *r)
{
	struct fcgi_record_begin b;
	struct fcgi_req *rq;

	if (fcgi_record_get_begin(r, &b) == -1) {
		errno = EPROTO;
		return -1;
	}
	if (b.role != FCGI_RECORD_RESPONDER) {
		if (send_end(app, r->request_id, 0, FCGI_RECORD_UNKNOWN_ROLE) ==
		    -1)
			return -1;
		if ((b.flags & FCGI_RECORD_KEEP_CONN) == 0)
			conn_close(app);
		return 0;
	}
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return -1;
	rq->app = app;
	rq->id = r->request_id;
	rq->keep_conn = (b.flags & FCGI_RECORD_KEEP_CONN) != 0;
	app->cur = rq;
	app->cur_ready = false;
	buf_reset(&app->raw);
	return 0;
}

/*
 * One record that is not for the open request's streams: management
 * records, a second BEGIN_REQUEST, records for unknown ids. 0 when handled
 * (or ignored), -1 with errno when the connection must go.
 */
static int
other_record(struct fcgi_app *app, const struct fcgi_record *r)
{
	if (r->request_id == FCGI_RECORD_NULL_ID)
		return management(app, r);
	if (r->type != FCGI_RECORD_BEGIN_REQUEST)
		return 0; /* a request we do not know: ignore (spec 3.3) */
	if (app->cur == NULL)
		return begin(app, r);
	if (r->request_id == app->cur->id) {
		errno = EPROTO; /* the same id begun twice */
		return -1;
	}
	return send_end(app, r->request_id, 0, FCGI_RECORD_CANT_MPX_CONN);
}

/*
 * Reads records on the open connection until the begun request's PARAMS
 * are complete. Returns the request, or NULL with errno: EINTR on SIGTERM,
 * else the connection is gone (closed here) and the caller accepts anew.
 */
static struct fcgi_req *
serve_conn(struct fcgi_app *app)
{
	struct fcgi_record r;
	struct fcgi_req *rq;

	while (app->conn_fd != -1) {
		/* Idle (SIGTERM ends the wait) only until a request begins:
		 * one begun is served in full, as the web server expects. */
		if (next_record(app, &r, app->cur == NULL) == -1)
			goto fail;
		if (app->linger)
			continue; /* the rest of a finished request's body */
		rq = app->cur;
		if (rq == NULL || r.request_id != rq->id) {
			if (other_record(app, &r) == -1)
				goto fail;
			continue;
		}
		if (r.type == FCGI_RECORD_ABORT_REQUEST) {
			/* Aborted before it started: end it at once. */
			if (send_end(app, rq->id, 0,
			        FCGI_RECORD_REQUEST_COMPLETE) == -1)
				goto fail;
			if (!rq->keep_conn)
				conn_close(app);
			req_free(rq);
			continue;
		}
		if (r.type == FCGI_RECORD_BEGIN_REQUEST ||
		    r.type == FCGI_RECORD_STDIN) {
			errno = EPROTO; /* PARAMS must come first */
			goto fail;
		}
		if (r.type != FCGI_RECORD_PARAMS)
			continue;
		if (r.content.len > 0) {
			if (buf_append(&app->raw, r.content.p, r.content.len) ==
			    -1)
				goto fail; /* ENOBUFS: over the bound */
			continue;
		}
		if (params_decode(rq, &app->raw) == -1)
			goto fail;
		buf_reset(&app->raw);
		app->cur_ready = true;
		return rq;
	}
	errno = ECONNRESET;
	return NULL;
fail:
	if (errno != EINTR) {
		req_free(app->cur);
		conn_close(app);
	}
	return NULL;
}

static int
conn_accept(struct fcgi_app *app)
{
	int fd, one = 1;

	for (;;) {
		if (conn_unpark(app))
			return 0; /* a request came on a parked connection */
		if (wait_idle(app, -1, true) == -1)
			return -1;
		if (conn_unpark(app))
			return 0;
		fd = accept4(app->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd != -1)
			break;
		/* The peer may have gone between poll and accept, or fds
		 * are short for a moment: keep listening. */
		if (errno != EINTR && errno != EAGAIN &&
		    errno != ECONNABORTED && errno != EPROTO &&
		    errno != EMFILE && errno != ENFILE && errno != ENOBUFS &&
		    errno != ENOMEM)
			return -1;
		if (errno == EMFILE || errno == ENFILE)
			(void)poll(NULL, 0, 100);
	}
	/* Small final records (empty STDOUT, END_REQUEST) must not wait for
	 * an ACK; on a unix socket this fails harmlessly. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	app->conn_fd = fd;
	app->in_start = app->in_end = 0;
	app->conn_id = ++app->nconns;
	return 0;
}

struct fcgi_req *
fcgi_app_accept(struct fcgi_app *app)
{
	struct fcgi_req *rq;

	if (app->cur != NULL && app->cur_ready) {
		errno = EBUSY;
		return NULL;
	}
	for (;;) {
		if (fcgi_app_got_term) {
			errno = EINTR;
			return NULL;
		}
		if (app->conn_fd == -1) {
			if (app->listen_fd == -1) {
				errno = ENOTCONN; /* fcgi_app_new_conn: done */
				return NULL;
			}
			if (conn_accept(app) == -1)
				return NULL;
		}
		if ((rq = serve_conn(app)) != NULL)
			return rq;
		if (errno == EINTR)
			return NULL;
	}
}

const char *
fcgi_req_getenv(const struct fcgi_req *rq, const char *name)
{
	size_t i;

	for (i = 0; i < rq->nparams; i++)
		if (strcmp(rq->params[i].name, name) == 0)
			return rq->params[i].value;
	return NULL;
}

size_t
fcgi_req_nparams(const struct fcgi_req *rq)
{
	return rq->nparams;
}

int
fcgi_req_param(const struct fcgi_req *rq, size_t i, const char **name,
    const char **value)
{
	if (i >= rq->nparams)
		return -1;
	*name = rq->params[i].name;
	*value = rq->params[i].value;
	return 0;
}

/* errno for a request that can no longer do I/O. */
static int
req_dead(const struct fcgi_req *rq)
{
	if (rq->aborted)
		errno = ECONNABORTED;
	else if (rq->broken)
		errno = EPIPE;
	else
		return 0;
	return 1;
}

/* Drops the connection under rq after an I/O or protocol error. */
static void
req_break(struct fcgi_req *rq)
{
	int saved = errno;

	conn_close(rq->app);
	rq->broken = true;
	errno = saved;
}

/*
 * Reads records until rq has STDIN bytes or its end. 0 when something
 * changed, -1 with errno when the request can no longer read.
 */
static int
req_fill(struct fcgi_req *rq)
{
	struct fcgi_app *app = rq->app;
	struct fcgi_record r;

	if (next_record(app, &r, false) == -1)
		goto broken;
	if (r.request_id != rq->id) {
		if (other_record(app, &r) == -1)
			goto broken;
		return 0;
	}
	switch (r.type) {
	case FCGI_RECORD_ABORT_REQUEST:
		rq->aborted = true;
		errno = ECONNABORTED;
		return -1;
	case FCGI_RECORD_STDIN:
		if (r.content.len == 0)
			rq->stdin_eof = true;
		rq->pending = r.content;
		return 0;
	case FCGI_RECORD_BEGIN_REQUEST:
		errno = EPROTO;
		goto broken;
	default:
		return 0; /* late PARAMS, DATA: not a responder's concern */
	}
broken:
	req_break(rq);
	return -1;
}

ssize_t
fcgi_req_read(struct fcgi_req *rq, void *buf, size_t n)
{
	size_t k;

	for (;;) {
		if (req_dead(rq))
			return -1;
		if (rq->pending.len > 0) {
			k = n < rq->pending.len ? n : rq->pending.len;
			if (k > 0)
				memcpy(buf, rq->pending.p, k);
			rq->pending.p += k;
			rq->pending.len -= k;
			return (ssize_t)k;
		}
		if (rq->stdin_eof || n == 0)
			return 0;
		if (req_fill(rq) == -1)
			return -1;
	}
}

int
fcgi_req_flush(struct fcgi_req *rq)
{
	struct fcgi_app *app = rq->app;

	if (req_dead(rq))
		return -1;
	if (app->outlen == 0)
		return 0;
	if (send_record(app, FCGI_RECORD_STDOUT, rq->id, app->out,
	        app->outlen) == -1) {
		req_break(rq);
		return -1;
	}
	app->outlen = 0;
	return 0;
}

ssize_t
fcgi_req_write(struct fcgi_req *rq, const void *buf, size_t n)
{
	struct fcgi_app *app = rq->app;
	const char *p = buf;
	size_t left = n, k;

	if (req_dead(rq))
		return -1;
	while (left > 0) {
		if (app->outlen == FCGI_RECORD_CONTENT_MAX &&
		    fcgi_req_flush(rq) == -1)
			return -1;
		k = FCGI_RECORD_CONTENT_MAX - app->outlen;
		if (k > left)
			k = left;
		memcpy(app->out + app->outlen, p, k);
		app->outlen += k;
		p += k;
		left -= k;
	}
	return (ssize_t)n;
}

ssize_t
fcgi_req_write_err(struct fcgi_req *rq, const void *buf, size_t n)
{
	const char *p = buf;
	size_t left = n, k;

	if (req_dead(rq))
		return -1;
	while (left > 0) {
		k = left < FCGI_RECORD_CONTENT_MAX ? left
		                                   : FCGI_RECORD_CONTENT_MAX;
		if (send_record(rq->app, FCGI_RECORD_STDERR, rq->id, p, k) ==
		    -1) {
			req_break(rq);
			return -1;
		}
		rq->wrote_err = true;
		p += k;
		left -= k;
	}
	return (ssize_t)n;
}

int
fcgi_req_aborted(const struct fcgi_req *rq)
{
	return rq->aborted || rq->broken;
}

/* The closing records, sent in one go: last STDOUT bytes, the empty
 * STDOUT (and STDERR) that end the streams, END_REQUEST. */
static int
req_end(struct fcgi_req *rq, uint32_t status)
{
	struct fcgi_app *app = rq->app;
	unsigned char h1[8], h2[8], h3[8], end[FCGI_RECORD_FIXED_LEN];
	struct iovec iov[10];
	size_t n = 0;

	if (!rq->aborted) {
		if (app->outlen > 0)
			n += put_record(iov + n, h1, FCGI_RECORD_STDOUT, rq->id,
			    app->out, app->outlen);
		n += put_record(iov + n, h2, FCGI_RECORD_STDOUT, rq->id, NULL,
		    0);
		if (rq->wrote_err)
			n += put_record(iov + n, h3, FCGI_RECORD_STDERR, rq->id,
			    NULL, 0);
	}
	app->outlen = 0;
	(void)fcgi_record_put_end(end, rq->id, status,
	    FCGI_RECORD_REQUEST_COMPLETE);
	iov[n].iov_base = end;
	iov[n].iov_len = sizeof(end);
	return send_all(app, iov, n + 1);
}

int
fcgi_req_finish(struct fcgi_req *rq, int app_status)
{
	struct fcgi_app *app = rq->app;
	int rc = -1;

	if (rq->broken)
		goto done;
	/*
	 * END_REQUEST goes out at once, even if the body was not read to its
	 * end: nginx stops sending a body once the response has begun, so
	 * waiting for the rest here would deadlock. The rest, if it comes, is
	 * records of a finished request: the next fcgi_app_accept skips them.
	 */
	if (req_end(rq, (uint32_t)app_status) == -1) {
		req_break(rq);
		goto done;
	}
	rc = rq->aborted ? -1 : 0;
	if (rq->keep_conn)
		goto done;
	if (rq->stdin_eof || rq->aborted) {
		conn_close(app);
		goto done;
	}
	/*
	 * Closing with unread input can reset the connection (TCP) before
	 * the web server has read our answer, or fail its pending write
	 * (EPIPE, a 502 from nginx). Say we are done writing and read to its
	 * end instead: serve_conn discards until EOF.
	 */
	if (shutdown(app->conn_fd, SHUT_WR) == -1)
		conn_close(app);
	else
		app->linger = true;
done:
	if (rc == -1)
		errno = rq->aborted ? ECONNABORTED : EPIPE;
	req_free(rq);
	return rc;
}

unsigned long
fcgi_app_nconns(const struct fcgi_app *app)
{
	return app->nconns;
}

unsigned long
fcgi_app_conn_id(const struct fcgi_app *app)
{
	return app->conn_id;
}

int
fcgi_app_stopping(const struct fcgi_app *app)
{
	(void)app;
	return fcgi_app_got_term != 0;
}

/* A new app around one descriptor (listening or connected). */
static struct fcgi_app *
app_alloc(void)
{
	struct fcgi_app *app;
	struct sigaction sa;

	if ((app = calloc(1, sizeof(*app))) == NULL)
		return NULL;
	app->listen_fd = app->conn_fd = -1;
	buf_init(&app->raw, APP_RAW_MAX);
	if ((app->in = malloc(APP_INBUF)) == NULL ||
	    (app->out = malloc(FCGI_RECORD_CONTENT_MAX)) == NULL)
		goto fail;
	/* No SA_RESTART: a blocked accept or recv must see EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigterm;
	(void)sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, &app->old_term) == -1)
		goto fail;
	fcgi_app_got_term = 0;
	return app;
fail:
	free(app->in);
	free(app->out);
	free(app);
	errno = ENOMEM;
	return NULL;
}

/*
 * Moves fd above the standard descriptors with close-on-exec, leaving
 * /dev/null in its place (fd 0 is where spawn-fcgi and web servers hand
 * the listening socket over). Returns the new fd, or -1.
 */
static int
fd_adopt(int fd)
{
	int nfd, null;

	if (fd > STDERR_FILENO) {
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
			return -1;
		return fd;
	}
	if ((nfd = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)) == -1)
		return -1;
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, fd) == -1) {
		if (null != -1)
			(void)close(null);
		(void)close(nfd);
		return -1;
	}
	(void)close(null);
	return nfd;
}

struct fcgi_app *
fcgi_app_new(int listen_fd)
{
	struct fcgi_app *app;
	int flags;
	int on = 0, saved;
	socklen_t len = sizeof(on);

	if (getsockopt(listen_fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == -1 ||
	    on == 0) {
		saved = (errno == ENOTSOCK || on == 0) ? ENOTSOCK : errno;
		if (listen_fd > STDERR_FILENO)
			(void)close(listen_fd);
		errno = saved;
		return NULL;
	}
	if ((listen_fd = fd_adopt(listen_fd)) == -1)
		return NULL;
	/* accept must not block: processes sharing the listener (spawn-fcgi
	 * -F) race for each connection, and a loser blocked in accept would
	 * leave its parked connections unserved. EAGAIN: back to the wait. */
	if ((flags = fcntl(listen_fd, F_GETFL)) == -1 ||
	    fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		(void)close(listen_fd);
		return NULL;
	}
	if ((app = app_alloc()) == NULL) {
		(void)close(listen_fd);
		errno = ENOMEM;
		return NULL;
	}
	app->listen_fd = listen_fd;
	return app;
}

struct fcgi_app *
fcgi_app_new_conn(int conn_fd)
{
	struct fcgi_app *app;

	if ((app = app_alloc()) == NULL) {
		(void)close(conn_fd);
		return NULL;
	}
	app->conn_fd = conn_fd;
	app->nconns = app->conn_id = 1;
	return app;
}

void
fcgi_app_free(struct fcgi_app *app)
{
	if (app == NULL)
		return;
	req_free(app->cur);
	conn_close(app);
	while (app->npark > 0)
		(void)close(app->park[--app->npark]);
	if (app->listen_fd != -1)
		(void)close(app->listen_fd);
	(void)sigaction(SIGTERM, &app->old_term, NULL);
	buf_fini(&app->raw);
	free(app->in);
	free(app->out);
	free(app);
}
