/*
 * test_fcgi_app.c - the FastCGI responder driven over socketpair(2): a peer
 * thread plays the web server (sends records, collects the replies) while
 * the main thread runs the responder. Table rows give the records sent and
 * the transcript of records expected back; each row is sent whole, one
 * byte per write and in 7-byte pieces. Large bodies, SIGTERM, listening
 * sockets and the fd 0 convention have their own tests.
 */
#include "fcgi_app.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fcgi_record.h"
#include "harness.h"

#define B(s) s, sizeof(s) - 1

enum kind {
	K_END = 0, /* end of a row's record list */
	K_BEGIN,   /* a = role, b = flags */
	K_PARAMS,  /* p = encoded pairs */
	K_STDIN,
	K_ABORT,
	K_REC, /* any record: a = type, p = content */
	K_RAW  /* p = bytes sent as they are */
};

struct rec {
	enum kind kind;
	unsigned id, a, b;
	const char *p;
	size_t len;
};

#define BEGIN(id, flags)                                                       \
	{                                                                      \
		K_BEGIN, id, FCGI_RECORD_RESPONDER, flags, NULL, 0             \
	}
#define PARAMS(id, s)                                                          \
	{                                                                      \
		K_PARAMS, id, 0, 0, B(s)                                       \
	}
#define STDIN(id, s)                                                           \
	{                                                                      \
		K_STDIN, id, 0, 0, B(s)                                        \
	}
#define KEEP FCGI_RECORD_KEEP_CONN

/*
 * Transcript of the replies: O<id>[bytes] for STDOUT, R<id>[bytes] for
 * STDERR (adjacent non-empty records of one stream merged, so record
 * boundaries do not matter), E<id>(app,protocol) for END_REQUEST,
 * V[name=value,...] for GET_VALUES_RESULT, U[type] for UNKNOWN_TYPE.
 */
static const struct {
	const char *name;
	struct rec in[12];
	const char *out;
	int nreq; /* requests the responder accepted */
} cases[] = {
	{ "one request, connection closed after it",
	    { BEGIN(1, 0), PARAMS(1, "\1\1Xa"), PARAMS(1, ""), STDIN(1, "hi"),
	        STDIN(1, "") },
	    "O1[X=a:hi] O1[] E1(0,0) ", 1 },
	{ "keep-conn: the connection serves the next request",
	    { BEGIN(1, KEEP), PARAMS(1, "\1\1Xa"), PARAMS(1, ""), STDIN(1, ""),
	        BEGIN(1, KEEP), PARAMS(1, "\1\2Xbc"), PARAMS(1, ""),
	        STDIN(1, "2nd"), STDIN(1, "") },
	    "O1[X=a:] O1[] E1(0,0) O1[X=bc:2nd] O1[] E1(0,0) ", 2 },
	{ "no keep-conn: closed after END_REQUEST, next begin unanswered",
	    { BEGIN(1, 0), PARAMS(1, ""), STDIN(1, ""), BEGIN(2, KEEP),
	        PARAMS(2, ""), STDIN(2, "") },
	    "O1[X=-:] O1[] E1(0,0) ", 1 },
	{ "get-values: only what was asked, unknown names skipped",
	    { { K_REC, 0, FCGI_RECORD_GET_VALUES, 0,
	        B("\x0e\0FCGI_MAX_CONNS\3\0FOO\x0f\0FCGI_MPXS_CONNS") } },
	    "V[FCGI_MAX_CONNS=17,FCGI_MPXS_CONNS=0] ", 0 },
	{ "get-values: max reqs, repeated name answered once",
	    { { K_REC, 0, FCGI_RECORD_GET_VALUES, 0,
	        B("\x0d\0FCGI_MAX_REQS\x0d\0FCGI_MAX_REQS") } },
	    "V[FCGI_MAX_REQS=1] ", 0 },
	{ "get-values: empty question, empty answer",
	    { { K_REC, 0, FCGI_RECORD_GET_VALUES, 0, B("") } }, "V[] ", 0 },
	{ "unknown management type answered with UNKNOWN_TYPE",
	    { { K_REC, 0, 200, 0, B("abc") }, BEGIN(1, 0), PARAMS(1, ""),
	        STDIN(1, "") },
	    "U[200] O1[X=-:] O1[] E1(0,0) ", 1 },
	{ "management replies from the peer get no reply",
	    { { K_REC, 0, FCGI_RECORD_UNKNOWN_TYPE, 0, B("\7\0\0\0\0\0\0\0") },
	        { K_REC, 0, FCGI_RECORD_GET_VALUES_RESULT, 0, B("") } },
	    "", 0 },
	{ "authorizer role refused, keep-conn request after it served",
	    { { K_BEGIN, 1, FCGI_RECORD_AUTHORIZER, KEEP, NULL, 0 },
	        BEGIN(2, 0), PARAMS(2, ""), STDIN(2, "") },
	    "E1(0,3) O2[X=-:] O2[] E2(0,0) ", 1 },
	{ "filter role refused without keep-conn: connection closed",
	    { { K_BEGIN, 1, FCGI_RECORD_FILTER, 0, NULL, 0 }, BEGIN(2, 0),
	        PARAMS(2, ""), STDIN(2, "") },
	    "E1(0,3) ", 0 },
	{ "second request id refused with CANT_MPX_CONN, in params and stdin",
	    { BEGIN(1, KEEP), PARAMS(1, "\1\1Xa"), BEGIN(2, 0), PARAMS(1, ""),
	        STDIN(1, "hi"), BEGIN(3, KEEP), STDIN(1, "") },
	    "E2(0,1) E3(0,1) O1[X=a:hi] O1[] E1(0,0) ", 1 },
	{ "abort while reading stdin: reads fail, writes dropped, END sent",
	    { BEGIN(1, KEEP), PARAMS(1, ""), STDIN(1, "ab"),
	        { K_ABORT, 1, 0, 0, NULL, 0 } },
	    "E1(9,0) ", 1 },
	{ "abort before params end: ended at once, next request served",
	    { BEGIN(1, KEEP), PARAMS(1, "\1\1Xa"),
	        { K_ABORT, 1, 0, 0, NULL, 0 }, BEGIN(1, 0), PARAMS(1, ""),
	        STDIN(1, "ok"), STDIN(1, "") },
	    "E1(0,0) O1[X=-:ok] O1[] E1(0,0) ", 1 },
	{ "management record between stdin records answered at once",
	    { BEGIN(1, 0), PARAMS(1, ""), STDIN(1, "a"),
	        { K_REC, 0, FCGI_RECORD_GET_VALUES, 0,
	            B("\x0d\0FCGI_MAX_REQS") },
	        STDIN(1, "b"), STDIN(1, "") },
	    "V[FCGI_MAX_REQS=1] O1[X=-:ab] O1[] E1(0,0) ", 1 },
	{ "records for unknown request ids ignored",
	    { STDIN(7, "zz"), BEGIN(1, 0), { K_ABORT, 5, 0, 0, NULL, 0 },
	        PARAMS(1, ""), STDIN(9, "no"), STDIN(1, "yes"),
	        { K_REC, 1, FCGI_RECORD_DATA, 0, B("data") }, STDIN(1, "") },
	    "O1[X=-:yes] O1[] E1(0,0) ", 1 },
	{ "pair split across params records, 4-byte value length",
	    { BEGIN(1, 0), PARAMS(1, "\1\x80\0"), PARAMS(1, "\0\3X"),
	        PARAMS(1, "v"), PARAMS(1, "w"), PARAMS(1, "x"), PARAMS(1, ""),
	        STDIN(1, "") },
	    "O1[X=vwx:] O1[] E1(0,0) ", 1 },
	{ "padded records",
	    { { K_RAW, 0, 0, 0,
	          B("\1\1\0\1\0\10\3\0\0\1\0\0\0\0\0\0PPP"
	            "\1\4\0\1\0\3\5\0\1\0XPPPPP\1\4\0\1\0\0\2\0PP") },
	        { K_RAW, 0, 0, 0,
	            B("\1\5\0\1\0\1\7\0qPPPPPPP\1\5\0\1\0\0\0\0") } },
	    "O1[X=:q] O1[] E1(0,0) ", 1 },
	{ "unread stdin: END_REQUEST at once, rest skipped, next served",
	    { BEGIN(1, KEEP), PARAMS(1, "\1\4Xskip"), PARAMS(1, ""),
	        STDIN(1, "abc"), STDIN(1, "def"), STDIN(1, ""), BEGIN(1, 0),
	        PARAMS(1, ""), STDIN(1, "2"), STDIN(1, "") },
	    "O1[X=skip:] O1[] E1(0,0) O1[X=-:2] O1[] E1(0,0) ", 2 },
	{ "unread stdin without keep-conn: answered, read to EOF, closed",
	    { BEGIN(1, 0), PARAMS(1, "\1\4Xskip"), PARAMS(1, ""),
	        STDIN(1, "abc"), STDIN(1, "def"), STDIN(1, ""), BEGIN(2, 0),
	        PARAMS(2, ""), STDIN(2, "") },
	    "O1[X=skip:] O1[] E1(0,0) ", 1 },
	{ "version 0 record: connection dropped",
	    { { K_RAW, 0, 0, 0, B("\0\1\0\1\0\10\0\0\0\1\0\0\0\0\0\0") } }, "",
	    0 },
	{ "version 2 after a good request: dropped, first one answered",
	    { BEGIN(1, KEEP), PARAMS(1, ""), STDIN(1, ""),
	        { K_RAW, 0, 0, 0, B("\2\1\0\1\0\10\0\0") } },
	    "O1[X=-:] O1[] E1(0,0) ", 1 },
	{ "begin with a 7-byte body: dropped",
	    { { K_RAW, 0, 0, 0, B("\1\1\0\1\0\7\0\0\0\1\1\0\0\0\0") } }, "",
	    0 },
	{ "param name over its bound: dropped",
	    { BEGIN(1, 0), PARAMS(1, "\x80\0\4\1\0"), PARAMS(1, "") }, "", 0 },
	{ "param value over the params bound: dropped",
	    { BEGIN(1, 0), PARAMS(1, "\1\x80\x10\0\0\1X"), PARAMS(1, "") }, "",
	    0 },
	{ "truncated pair at the end of params: dropped",
	    { BEGIN(1, 0), PARAMS(1, "\1\5Xab"), PARAMS(1, "") }, "", 0 },
	{ "empty param name: dropped",
	    { BEGIN(1, 0), PARAMS(1, "\0\1a"), PARAMS(1, "") }, "", 0 },
	{ "NUL inside a param value: dropped",
	    { BEGIN(1, 0), PARAMS(1, "\1\3Xa\0b"), PARAMS(1, "") }, "", 0 },
	{ "stdin before params end: dropped",
	    { BEGIN(1, 0), STDIN(1, "early"), PARAMS(1, "") }, "", 0 },
	{ "the same id begun twice: dropped",
	    { BEGIN(1, 0), BEGIN(1, 0), PARAMS(1, "") }, "", 0 },
	{ "malformed get-values: dropped",
	    { { K_REC, 0, FCGI_RECORD_GET_VALUES, 0, B("\x0e\0FCGI") } }, "",
	    0 },
	{ "peer closes mid-stdin: read fails, no reply",
	    { BEGIN(1, 0), PARAMS(1, ""), STDIN(1, "part") }, "", 1 },
	{ "peer closes mid-record", { { K_RAW, 0, 0, 0, B("\1\1\0\1\0\10") } },
	    "", 0 },
	{ "stderr stream ended with its empty record",
	    { BEGIN(1, 0), PARAMS(1, "\1\3Xerr"), PARAMS(1, ""), STDIN(1, "") },
	    "R1[oops] O1[X=err:] O1[] R1[] E1(0,0) ", 1 },
};

/* Encodes one row's records into b. */
static void
encode_row(const struct rec *in, size_t n, struct buf *b)
{
	unsigned char h[FCGI_RECORD_FIXED_LEN];
	size_t i, pad;
	int rc = 0;

	for (i = 0; i < n && in[i].kind != K_END; i++) {
		const struct rec *r = &in[i];

		switch (r->kind) {
		case K_BEGIN:
			(void)fcgi_record_put_begin(h, r->id, r->a, r->b);
			rc = buf_append(b, h, FCGI_RECORD_FIXED_LEN);
			break;
		case K_RAW:
			rc = buf_append(b, r->p, r->len);
			break;
		default:
			pad = fcgi_record_padding(r->len);
			(void)fcgi_record_put_header(h,
			    r->kind == K_PARAMS      ? FCGI_RECORD_PARAMS
			        : r->kind == K_STDIN ? FCGI_RECORD_STDIN
			        : r->kind == K_ABORT ? FCGI_RECORD_ABORT_REQUEST
			                             : r->a,
			    r->id, r->len, pad);
			if (buf_append(b, h, FCGI_RECORD_HEADER_LEN) == -1 ||
			    buf_append(b, r->p, r->len) == -1 ||
			    buf_append(b, "\0\0\0\0\0\0\0\0", pad) == -1)
				rc = -1;
		}
		if (rc == -1) {
			perror("buf_append");
			exit(2);
		}
	}
}

/* The web server's side: sends in, collects everything until EOF. */
struct peer {
	int fd;
	const char *in;
	size_t inlen, chunk; /* bytes per send (0: as much as fits) */
	struct buf out;
	pthread_t main;
	bool send_term;   /* SIGTERM the main thread once all is sent */
	bool term_at_end; /* SIGTERM the main thread after EOF */
	bool timed_out;
};

static void *
peer_run(void *arg)
{
	struct peer *pe = arg;
	char tmp[65536];
	struct pollfd pfd;
	size_t sent = 0, k;
	ssize_t n;
	int waited = 0;

	buf_init(&pe->out, 0);
	if (pe->send_term && pe->inlen == 0)
		(void)pthread_kill(pe->main, SIGTERM);
	for (;;) {
		pfd.fd = pe->fd;
		pfd.events = POLLIN | (sent < pe->inlen ? POLLOUT : 0);
		if (poll(&pfd, 1, 1000) == 0 && ++waited >= 20) {
			pe->timed_out = true; /* deadline: 20 s of silence */
			break;
		}
		if (pfd.revents & POLLOUT) {
			k = pe->inlen - sent;
			if (pe->chunk > 0 && k > pe->chunk)
				k = pe->chunk;
			n = send(pe->fd, pe->in + sent, k,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			if (n == -1 && errno != EAGAIN)
				sent = pe->inlen; /* the app hung up */
			if (sent == pe->inlen) {
				(void)shutdown(pe->fd, SHUT_WR);
				if (pe->send_term)
					(void)pthread_kill(pe->main, SIGTERM);
			}
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(pe->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
			if (n == 0 || (n == -1 && errno != EAGAIN)) {
				/* As a web server does once the app closed. */
				(void)shutdown(pe->fd, SHUT_WR);
				break;
			}
			if (n > 0 && buf_append(&pe->out, tmp, (size_t)n) == -1)
				break;
		}
	}
	if (pe->term_at_end)
		(void)pthread_kill(pe->main, SIGTERM);
	return NULL;
}

static int
peer_start(struct peer *pe, pthread_t *t, int *app_fd)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	pe->fd = sv[0];
	pe->main = pthread_self();
	*app_fd = sv[1];
	return pthread_create(t, NULL, peer_run, pe) == 0 ? 0 : -1;
}

static void
put_bytes(struct buf *t, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f)
			(void)buf_putc(t, p[i]);
		else
			(void)buf_printf(t, "\\x%02x", (unsigned char)p[i]);
	}
}

/* The transcript (see cases[]) of the records in out; "!bad" if the bytes
 * are not whole records. */
static void
transcript(const struct buf *out, struct buf *t)
{
	struct fcgi_record r, next;
	struct fcgi_record_end e;
	struct fcgi_record_pair pr;
	size_t off = 0, used, k, u2;
	unsigned type;
	bool open = false;

	while (off < out->len) {
		if (fcgi_record_parse(&r, out->data + off, out->len - off,
		        &used) != FCGI_RECORD_DONE) {
			(void)buf_puts(t, "!bad");
			return;
		}
		off += used;
		switch (r.type) {
		case FCGI_RECORD_STDOUT:
		case FCGI_RECORD_STDERR:
			if (!open)
				(void)buf_printf(t, "%c%u[",
				    r.type == FCGI_RECORD_STDOUT ? 'O' : 'R',
				    r.request_id);
			put_bytes(t, r.content.p, r.content.len);
			/* Merge with the next record of the same stream. */
			open = r.content.len > 0 &&
			    fcgi_record_parse(&next, out->data + off,
			        out->len - off, &u2) == FCGI_RECORD_DONE &&
			    next.type == r.type && next.content.len > 0 &&
			    next.request_id == r.request_id;
			if (!open)
				(void)buf_puts(t, "] ");
			break;
		case FCGI_RECORD_END_REQUEST:
			if (fcgi_record_get_end(&r, &e) == -1)
				(void)buf_puts(t, "!end ");
			else
				(void)buf_printf(t, "E%u(%u,%u) ", r.request_id,
				    (unsigned)e.app_status, e.protocol_status);
			break;
		case FCGI_RECORD_GET_VALUES_RESULT:
			(void)buf_puts(t, "V[");
			for (k = 0; k < r.content.len; k += used) {
				if (fcgi_record_parse_pair(&pr, r.content.p + k,
				        r.content.len - k, 100, 100,
				        &used) != FCGI_RECORD_DONE) {
					(void)buf_puts(t, "!pair");
					break;
				}
				(void)buf_printf(t, "%s%.*s=%.*s",
				    k > 0 ? "," : "", (int)pr.name.len,
				    pr.name.p, (int)pr.value.len, pr.value.p);
			}
			(void)buf_puts(t, "] ");
			break;
		case FCGI_RECORD_UNKNOWN_TYPE:
			if (fcgi_record_get_unknown(&r, &type) == 0)
				(void)buf_printf(t, "U[%u] ", type);
			break;
		default:
			(void)buf_printf(t, "?%u ", r.type);
		}
	}
}

/*
 * The responder under test: for each request, read all of stdin, then
 * answer "X=<param X or ->:<stdin>" (and "oops" on stderr when X is err);
 * status 9 if a read failed. Returns the number of requests accepted.
 */
static int
serve_all(struct fcgi_app *app, int *err)
{
	struct fcgi_req *rq;
	char body[4096];
	const char *x;
	size_t len;
	ssize_t n;
	int nreq = 0, status;

	while ((rq = fcgi_app_accept(app)) != NULL) {
		nreq++;
		x = fcgi_req_getenv(rq, "X");
		if (x != NULL && strcmp(x, "err") == 0)
			(void)fcgi_req_write_err(rq, "oops", 4);
		len = 0;
		status = 0;
		/* X=skip: leave the body unread (finish must drain it). */
		while (x == NULL || strcmp(x, "skip") != 0) {
			n = fcgi_req_read(rq, body + len, sizeof(body) - len);
			if (n <= 0) {
				status = n == -1 ? 9 : 0;
				break;
			}
			len += (size_t)n;
		}
		(void)fcgi_req_write(rq, "X=", 2);
		(void)fcgi_req_write(rq, x != NULL ? x : "-",
		    x != NULL ? strlen(x) : 1);
		(void)fcgi_req_write(rq, ":", 1);
		(void)fcgi_req_write(rq, body, len);
		(void)fcgi_req_finish(rq, status);
	}
	*err = errno;
	return nreq;
}

static void
test_cases(void)
{
	static const size_t chunks[] = { 0, 1, 7 };
	struct peer pe;
	struct buf in, t;
	struct fcgi_app *app;
	pthread_t th;
	size_t i, c;
	char name[200];
	int fd, nreq, err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			(void)snprintf(name, sizeof(name), "%s (sent by %zu)",
			    cases[i].name, chunks[c]);
			buf_init(&in, 0);
			encode_row(cases[i].in, 12, &in);
			memset(&pe, 0, sizeof(pe));
			pe.in = in.data;
			pe.inlen = in.len;
			pe.chunk = chunks[c];
			if (peer_start(&pe, &th, &fd) == -1 ||
			    (app = fcgi_app_new_conn(fd)) == NULL) {
				perror("setup");
				exit(2);
			}
			nreq = serve_all(app, &err);
			fcgi_app_free(app); /* the peer then sees EOF */
			(void)pthread_join(th, NULL);
			(void)close(pe.fd);
			buf_init(&t, 0);
			transcript(&pe.out, &t);
			CHECK_STR(name, buf_cstr(&t), cases[i].out);
			CHECK_INT(name, nreq, cases[i].nreq);
			CHECK_INT(name, err, ENOTCONN);
			CHECK(name, !pe.timed_out);
			buf_fini(&t);
			buf_fini(&pe.out);
			buf_fini(&in);
		}
	}
}

/* Runs one exchange: in is sent by a peer thread while fn serves it. */
struct run {
	struct peer pe;
	pthread_t th;
	struct fcgi_app *app;
};

static void
run_start(struct run *ru, const void *in, size_t inlen)
{
	int fd;

	memset(&ru->pe, 0, sizeof(ru->pe));
	ru->pe.in = in;
	ru->pe.inlen = inlen;
	if (peer_start(&ru->pe, &ru->th, &fd) == -1 ||
	    (ru->app = fcgi_app_new_conn(fd)) == NULL) {
		perror("setup");
		exit(2);
	}
}

static void
run_end(struct run *ru)
{
	fcgi_app_free(ru->app);
	(void)pthread_join(ru->th, NULL);
	(void)close(ru->pe.fd);
	CHECK("peer finished before its deadline", !ru->pe.timed_out);
}

/* Deterministic bytes for large bodies. */
static void
fill(unsigned char *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (unsigned char)(seed >> 16);
	}
}

/*
 * 3 MiB of stdin in records of every size from 1 to 65535 bytes with
 * paddings up to 255, read back in reads of varying size, byte for byte.
 */
static void
test_large_stdin(void)
{
	const size_t total = 3 * 1024 * 1024;
	unsigned char *body = malloc(total), *got = malloc(total), hdr[16];
	static const unsigned char pad[255];
	struct fcgi_req *rq;
	struct run ru;
	struct buf in;
	size_t off = 0, k, n = 0, want, nrec = 0;
	ssize_t r;

	if (body == NULL || got == NULL)
		exit(2);
	fill(body, total, 1);
	buf_init(&in, 0);
	(void)fcgi_record_put_begin(hdr, 1, FCGI_RECORD_RESPONDER, 0);
	(void)buf_append(&in, hdr, 16);
	(void)fcgi_record_put_header(hdr, FCGI_RECORD_PARAMS, 1, 0, 0);
	(void)buf_append(&in, hdr, 8);
	while (off < total) {
		k = (nrec * 7919) % FCGI_RECORD_CONTENT_MAX + 1;
		if (nrec % 5 == 0)
			k = FCGI_RECORD_CONTENT_MAX;
		if (k > total - off)
			k = total - off;
		(void)fcgi_record_put_header(hdr, FCGI_RECORD_STDIN, 1, k,
		    nrec % 256);
		if (buf_append(&in, hdr, 8) == -1 ||
		    buf_append(&in, body + off, k) == -1 ||
		    buf_append(&in, pad, nrec % 256) == -1)
			exit(2);
		off += k;
		nrec++;
	}
	(void)fcgi_record_put_header(hdr, FCGI_RECORD_STDIN, 1, 0, 0);
	(void)buf_append(&in, hdr, 8);
	run_start(&ru, in.data, in.len);
	rq = fcgi_app_accept(ru.app);
	CHECK("large stdin: request accepted", rq != NULL);
	if (rq != NULL) {
		for (;;) {
			want = 1 + (n * 31) % 100000;
			if (want > total - n)
				want = total - n + 1; /* room to see EOF */
			r = fcgi_req_read(rq, got + n, want);
			if (r <= 0)
				break;
			n += (size_t)r;
		}
		CHECK_INT("large stdin: last read is EOF", r, 0);
		CHECK_INT("large stdin: length", n, total);
		CHECK("large stdin: bytes", memcmp(got, body, total) == 0);
		CHECK_INT("large stdin: finish", fcgi_req_finish(rq, 0), 0);
	}
	CHECK("large stdin: many records", nrec > 48);
	run_end(&ru);
	buf_fini(&ru.pe.out);
	buf_fini(&in);
	free(body);
	free(got);
}

/*
 * 300001 bytes written in uneven pieces come back as STDOUT records of at
 * most 65535 bytes, in order, then the empty STDOUT and END_REQUEST with
 * the app status.
 */
static void
test_large_stdout(void)
{
	const size_t total = 300001;
	unsigned char *body = malloc(total), hdr[16];
	struct fcgi_record r;
	struct fcgi_record_end e;
	struct fcgi_req *rq;
	struct run ru;
	struct buf in, out;
	size_t off = 0, k, used, nbig = 0, over = 0;
	bool empty_seen = false, end_seen = false, order = true;

	if (body == NULL)
		exit(2);
	fill(body, total, 2);
	buf_init(&in, 0);
	(void)fcgi_record_put_begin(hdr, 3, FCGI_RECORD_RESPONDER, 0);
	(void)buf_append(&in, hdr, 16);
	(void)fcgi_record_put_header(hdr, FCGI_RECORD_PARAMS, 3, 0, 0);
	(void)buf_append(&in, hdr, 8);
	(void)fcgi_record_put_header(hdr, FCGI_RECORD_STDIN, 3, 0, 0);
	(void)buf_append(&in, hdr, 8);
	run_start(&ru, in.data, in.len);
	if ((rq = fcgi_app_accept(ru.app)) == NULL)
		exit(2);
	while (off < total) {
		k = off % 3 == 0 ? 70000 : 1 + off % 5000;
		if (k > total - off)
			k = total - off;
		CHECK_INT("large stdout: write",
		    fcgi_req_write(rq, body + off, k), k);
		off += k;
	}
	CHECK_INT("large stdout: finish", fcgi_req_finish(rq, 42), 0);
	run_end(&ru);
	buf_init(&out, 0);
	for (off = 0; off < ru.pe.out.len; off += used) {
		if (fcgi_record_parse(&r, ru.pe.out.data + off,
		        ru.pe.out.len - off, &used) != FCGI_RECORD_DONE)
			break;
		if (r.content_len > FCGI_RECORD_CONTENT_MAX)
			over++;
		if (r.type == FCGI_RECORD_STDOUT && r.content_len > 0) {
			order = order && !empty_seen;
			nbig += r.content_len == FCGI_RECORD_CONTENT_MAX;
			(void)buf_append(&out, r.content.p, r.content.len);
		} else if (r.type == FCGI_RECORD_STDOUT) {
			empty_seen = true;
		} else if (r.type == FCGI_RECORD_END_REQUEST &&
		    fcgi_record_get_end(&r, &e) == 0) {
			order = order && empty_seen;
			end_seen = e.app_status == 42 && r.request_id == 3;
		}
	}
	CHECK_INT("large stdout: all records parse", off, ru.pe.out.len);
	CHECK_INT("large stdout: no record over 65535", over, 0);
	CHECK_INT("large stdout: full records", nbig, total / 65535);
	CHECK_MEM("large stdout: bytes", out.data, out.len, body, total);
	CHECK("large stdout: empty STDOUT, then END_REQUEST(42)",
	    order && empty_seen && end_seen);
	buf_fini(&out);
	buf_fini(&ru.pe.out);
	buf_fini(&in);
	free(body);
}

/*
 * The web server goes away before the answer: writes fail with EPIPE (and
 * no SIGPIPE: this process keeps SIGPIPE's default action, which would
 * kill it), finish reports the loss, and the next accept sees the end.
 */
static void
test_peer_gone_before_answer(void)
{
	static const char in[] = "\1\1\0\1\0\10\0\0\0\1\1\0\0\0\0\0"
	                         "\1\4\0\1\0\0\0\0\1\5\0\1\0\0\0\0";
	static char big[100000];
	struct fcgi_app *app;
	struct fcgi_req *rq;
	ssize_t n = 0;
	int sv[2], i;

	if (signal(SIGPIPE, SIG_DFL) == SIG_ERR ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    write(sv[0], in, sizeof(in) - 1) != (ssize_t)(sizeof(in) - 1))
		exit(2);
	(void)close(sv[0]);
	if ((app = fcgi_app_new_conn(sv[1])) == NULL ||
	    (rq = fcgi_app_accept(app)) == NULL)
		exit(2);
	for (i = 0; i < 10 && n != -1; i++)
		n = fcgi_req_write(rq, big, sizeof(big));
	CHECK_INT("peer gone: a write fails", n, -1);
	CHECK_INT("peer gone: with EPIPE", errno, EPIPE);
	CHECK_INT("peer gone: aborted", fcgi_req_aborted(rq), 1);
	CHECK_INT("peer gone: stderr fails too", fcgi_req_write_err(rq, "x", 1),
	    -1);
	CHECK_INT("peer gone: finish reports the loss", fcgi_req_finish(rq, 0),
	    -1);
	CHECK("peer gone: accept ends",
	    fcgi_app_accept(app) == NULL && errno == ENOTCONN);
	fcgi_app_free(app);
}

/* STDERR output longer than one record is split, then ended. */
static void
test_large_stderr(void)
{
	static const char in[] = "\1\1\0\1\0\10\0\0\0\1\0\0\0\0\0\0"
	                         "\1\4\0\1\0\0\0\0\1\5\0\1\0\0\0\0";
	static char msg[70000];
	struct fcgi_record r;
	struct fcgi_req *rq;
	struct run ru;
	size_t off, used, lens[4], n = 0;

	memset(msg, 'e', sizeof(msg));
	run_start(&ru, in, sizeof(in) - 1);
	if ((rq = fcgi_app_accept(ru.app)) == NULL)
		exit(2);
	CHECK_INT("large stderr: write",
	    fcgi_req_write_err(rq, msg, sizeof(msg)), sizeof(msg));
	CHECK_INT("large stderr: finish", fcgi_req_finish(rq, 0), 0);
	run_end(&ru);
	for (off = 0; off < ru.pe.out.len && n < 4; off += used) {
		if (fcgi_record_parse(&r, ru.pe.out.data + off,
		        ru.pe.out.len - off, &used) != FCGI_RECORD_DONE)
			break;
		if (r.type == FCGI_RECORD_STDERR)
			lens[n++] = r.content_len;
	}
	CHECK_INT("large stderr: three records", n, 3);
	CHECK("large stderr: 65535, the rest, then empty",
	    n == 3 && lens[0] == 65535 && lens[1] == sizeof(msg) - 65535 &&
	        lens[2] == 0);
	buf_fini(&ru.pe.out);
}

/* Parameters in arrival order, duplicates, a 4-byte name length. */
static void
test_params_api(void)
{
	unsigned char hdr[16], pairs[400];
	const char *nm = NULL, *val = NULL;
	struct fcgi_req *rq;
	struct run ru;
	struct buf b;
	size_t n = 0;
	char big[129];

	memset(big, 'N', 128);
	big[128] = '\0';
	n += fcgi_record_put_pair(pairs + n, sizeof(pairs) - n, STR_LIT("A"),
	    STR_LIT("a"));
	n += fcgi_record_put_pair(pairs + n, sizeof(pairs) - n, STR_LIT("B"),
	    STR_LIT("b"));
	n += fcgi_record_put_pair(pairs + n, sizeof(pairs) - n, STR_LIT("A"),
	    STR_LIT("2"));
	n += fcgi_record_put_pair(pairs + n, sizeof(pairs) - n, str_from(big),
	    STR_LIT("v"));
	buf_init(&b, 0);
	(void)fcgi_record_put_begin(hdr, 1, FCGI_RECORD_RESPONDER, 0);
	(void)buf_append(&b, hdr, 16);
	(void)fcgi_record_put_header(hdr, FCGI_RECORD_PARAMS, 1, n, 0);
	(void)buf_append(&b, hdr, 8);
	(void)buf_append(&b, pairs, n);
	(void)fcgi_record_put_header(hdr, FCGI_RECORD_PARAMS, 1, 0, 0);
	(void)buf_append(&b, hdr, 8);
	(void)fcgi_record_put_header(hdr, FCGI_RECORD_STDIN, 1, 0, 0);
	(void)buf_append(&b, hdr, 8);
	run_start(&ru, b.data, b.len);
	if ((rq = fcgi_app_accept(ru.app)) == NULL)
		exit(2);
	CHECK_INT("params: count", fcgi_req_nparams(rq), 4);
	CHECK_STR("params: first A wins", fcgi_req_getenv(rq, "A"), "a");
	CHECK_STR("params: B", fcgi_req_getenv(rq, "B"), "b");
	CHECK_STR("params: missing", fcgi_req_getenv(rq, "C"), NULL);
	CHECK_STR("params: 128-byte name", fcgi_req_getenv(rq, big), "v");
	CHECK_INT("params: third", fcgi_req_param(rq, 2, &nm, &val), 0);
	CHECK_STR("params: third name", nm, "A");
	CHECK_STR("params: third value", val, "2");
	CHECK_INT("params: out of range", fcgi_req_param(rq, 4, &nm, &val), -1);
	CHECK_INT("params: busy until finished",
	    fcgi_app_accept(ru.app) == NULL && errno == EBUSY, 1);
	CHECK_INT("params: finish", fcgi_req_finish(rq, 0), 0);
	run_end(&ru);
	buf_fini(&ru.pe.out);
	buf_fini(&b);
}

static const struct {
	const char *name;
	size_t npairs, name_len, value_len;
	int accepted;
} bound_cases[] = {
	{ "name at FCGI_APP_NAME_MAX", 1, FCGI_APP_NAME_MAX, 0, 1 },
	{ "name one over FCGI_APP_NAME_MAX", 1, FCGI_APP_NAME_MAX + 1, 0, 0 },
	{ "params at FCGI_APP_PARAMS_MAX", 1, 1, FCGI_APP_PARAMS_MAX - 1, 1 },
	{ "params one over FCGI_APP_PARAMS_MAX", 1, 1, FCGI_APP_PARAMS_MAX, 0 },
	{ "pairs at FCGI_APP_NPARAMS_MAX", FCGI_APP_NPARAMS_MAX, 1, 0, 1 },
	{ "pairs one over FCGI_APP_NPARAMS_MAX", FCGI_APP_NPARAMS_MAX + 1, 1, 0,
	    0 },
};

/* Appends a name-value length: 1 byte below 128, else 4 with the top bit. */
static void
append_len(struct buf *b, size_t n)
{
	unsigned char l[4] = { (unsigned char)(0x80 | n >> 24),
		(unsigned char)(n >> 16), (unsigned char)(n >> 8),
		(unsigned char)n };

	if (n < 128 ? buf_putc(b, (int)n) : buf_append(b, l, 4))
		exit(2);
}

/* Each bound on FCGI_PARAMS: served at the bound, dropped one past it. */
static void
test_param_bounds(void)
{
	unsigned char hdr[16];
	struct fcgi_req *rq;
	struct run ru;
	struct buf params, in;
	size_t i, j, off, k, nlen, vlen;
	char *bytes;
	int nreq;

	for (i = 0; i < sizeof(bound_cases) / sizeof(bound_cases[0]); i++) {
		nlen = bound_cases[i].name_len;
		vlen = bound_cases[i].value_len;
		if ((bytes = malloc(nlen + vlen)) == NULL)
			exit(2);
		memset(bytes, 'N', nlen);
		memset(bytes + nlen, 'v', vlen);
		buf_init(&params, 0);
		for (j = 0; j < bound_cases[i].npairs; j++) {
			append_len(&params, nlen);
			append_len(&params, vlen);
			if (buf_append(&params, bytes, nlen + vlen) == -1)
				exit(2);
		}
		buf_init(&in, 0);
		(void)fcgi_record_put_begin(hdr, 1, FCGI_RECORD_RESPONDER, 0);
		(void)buf_append(&in, hdr, 16);
		for (off = 0; off < params.len; off += k) {
			k = params.len - off;
			if (k > FCGI_RECORD_CONTENT_MAX)
				k = FCGI_RECORD_CONTENT_MAX;
			(void)fcgi_record_put_header(hdr, FCGI_RECORD_PARAMS, 1,
			    k, 0);
			if (buf_append(&in, hdr, 8) == -1 ||
			    buf_append(&in, params.data + off, k) == -1)
				exit(2);
		}
		(void)fcgi_record_put_header(hdr, FCGI_RECORD_PARAMS, 1, 0, 0);
		(void)buf_append(&in, hdr, 8);
		(void)fcgi_record_put_header(hdr, FCGI_RECORD_STDIN, 1, 0, 0);
		(void)buf_append(&in, hdr, 8);
		run_start(&ru, in.data, in.len);
		nreq = 0;
		while ((rq = fcgi_app_accept(ru.app)) != NULL) {
			nreq++;
			CHECK_INT(bound_cases[i].name, fcgi_req_nparams(rq),
			    bound_cases[i].npairs);
			(void)fcgi_req_finish(rq, 0);
		}
		run_end(&ru);
		CHECK_INT(bound_cases[i].name, nreq, bound_cases[i].accepted);
		/* Served: the empty STDOUT and END_REQUEST; dropped: none. */
		CHECK_INT(bound_cases[i].name, ru.pe.out.len,
		    bound_cases[i].accepted ? 24 : 0);
		buf_fini(&ru.pe.out);
		buf_fini(&in);
		buf_fini(&params);
		free(bytes);
	}
}

/*
 * SIGTERM while a request is being served does not disturb it; the next
 * fcgi_app_accept returns NULL (EINTR) and fcgi_app_stopping says so.
 */
static void
test_sigterm_during_request(void)
{
	static const char in[] = "\1\1\0\1\0\10\0\0\0\1\1\0\0\0\0\0"
	                         "\1\4\0\1\0\0\0\0"
	                         "\1\5\0\1\0\2\0\0ok\1\5\0\1\0\0\0\0";
	struct fcgi_req *rq;
	struct run ru;
	char body[8];
	ssize_t n;

	run_start(&ru, in, sizeof(in) - 1);
	rq = fcgi_app_accept(ru.app);
	CHECK("sigterm: request accepted", rq != NULL);
	if (rq == NULL)
		exit(2);
	CHECK_INT("sigterm: not stopping yet", fcgi_app_stopping(ru.app), 0);
	(void)raise(SIGTERM);
	CHECK_INT("sigterm: stopping", fcgi_app_stopping(ru.app), 1);
	n = fcgi_req_read(rq, body, sizeof(body));
	CHECK_MEM("sigterm: stdin still read", body, n < 0 ? 0 : (size_t)n,
	    "ok", 2);
	CHECK_INT("sigterm: stdin end", fcgi_req_read(rq, body, 8), 0);
	CHECK_INT("sigterm: write", fcgi_req_write(rq, "x", 1), 1);
	CHECK_INT("sigterm: request finished", fcgi_req_finish(rq, 0), 0);
	errno = 0;
	CHECK("sigterm: accept returns NULL", fcgi_app_accept(ru.app) == NULL);
	CHECK_INT("sigterm: with EINTR", errno, EINTR);
	run_end(&ru);
	CHECK("sigterm: the request was answered",
	    ru.pe.out.len > 16 &&
	        memcmp(ru.pe.out.data + ru.pe.out.len - 16, "\1\3\0\1", 4) ==
	            0);
	buf_fini(&ru.pe.out);
}

/*
 * SIGTERM from another thread while fcgi_app_accept waits on an idle
 * keep-alive connection: it returns NULL with EINTR (no lost wake-up: the
 * signal is blocked outside ppoll).
 */
static void
test_sigterm_while_idle(void)
{
	struct run ru;
	int sv[2];

	/* The handler must be in place before the peer thread signals. */
	memset(&ru.pe, 0, sizeof(ru.pe));
	ru.pe.send_term = true;
	ru.pe.main = pthread_self();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    (ru.app = fcgi_app_new_conn(sv[1])) == NULL)
		exit(2);
	ru.pe.fd = sv[0];
	if (pthread_create(&ru.th, NULL, peer_run, &ru.pe) != 0)
		exit(2);
	errno = 0;
	CHECK("idle sigterm: accept returns NULL",
	    fcgi_app_accept(ru.app) == NULL);
	CHECK_INT("idle sigterm: EINTR", errno, EINTR);
	CHECK_INT("idle sigterm: stopping", fcgi_app_stopping(ru.app), 1);
	run_end(&ru);
	buf_fini(&ru.pe.out);
	/* A new app starts afresh. */
	if ((ru.app = fcgi_app_new_conn(-1)) == NULL)
		exit(2);
	CHECK_INT("new app: not stopping", fcgi_app_stopping(ru.app), 0);
	fcgi_app_free(ru.app);
}

/* fcgi_listen's spec forms and refusals. */
static void
test_listen(void)
{
	char dir[] = "/tmp/test_fcgi_app.XXXXXX", path[200], longp[300];
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, fd2, flags;

	if (mkdtemp(dir) == NULL)
		exit(2);
	(void)snprintf(path, sizeof(path), "unix:%s/s", dir);
	fd = fcgi_listen(path);
	CHECK("listen unix", fd >= 0);
	flags = fcntl(fd, F_GETFD);
	CHECK("listen unix: close-on-exec",
	    flags != -1 && (flags & FD_CLOEXEC));
	fd2 = fcgi_listen(path);
	CHECK("listen unix: a stale socket file is replaced", fd2 >= 0);
	(void)close(fd);
	(void)close(fd2);
	(void)unlink(path + 5);
	fd = open(path + 5, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	(void)close(fd);
	CHECK("listen unix: a regular file is not removed",
	    fcgi_listen(path) == -1 && errno == EADDRINUSE);
	(void)unlink(path + 5);
	(void)rmdir(dir);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	memcpy(longp, "unix:/", 6);
	CHECK("listen unix: path too long",
	    fcgi_listen(longp) == -1 && errno == ENAMETOOLONG);
	fd = fcgi_listen("127.0.0.1:0");
	CHECK("listen tcp",
	    fd >= 0 && getsockname(fd, (struct sockaddr *)&sin, &len) == 0 &&
	        sin.sin_port != 0);
	(void)close(fd);
	CHECK("listen: no port",
	    fcgi_listen("127.0.0.1") == -1 && errno == EINVAL);
	CHECK("listen: empty port",
	    fcgi_listen("127.0.0.1:") == -1 && errno == EINVAL);
	CHECK("listen: bad v6 brackets",
	    fcgi_listen("[::1:0") == -1 && errno == EINVAL);
	CHECK("listen: bad port", fcgi_listen("127.0.0.1:http") == -1);
	CHECK("listen: empty", fcgi_listen("") == -1 && errno == EINVAL);
}

/*
 * The FastCGI convention: the listening socket is fd 0. fcgi_app_new(0)
 * moves it away (close-on-exec), puts /dev/null on fd 0, and serves a
 * client that connects to the socket path.
 */
static void
test_fd0(void)
{
	static const char in[] = "\1\1\0\1\0\10\0\0\0\1\0\0\0\0\0\0"
	                         "\1\4\0\1\0\7\1\0\1\4Xfd0!P\1\4\0\1\0\0\0\0"
	                         "\1\5\0\1\0\0\0\0";
	char dir[] = "/tmp/test_fcgi_app.XXXXXX", path[200];
	struct sockaddr_un sun;
	struct fcgi_app *app;
	struct peer pe;
	struct buf t;
	struct stat st;
	pthread_t th;
	int lfd, saved0, cfd, nreq, err, sock;

	if (mkdtemp(dir) == NULL)
		exit(2);
	(void)snprintf(path, sizeof(path), "unix:%s/s", dir);
	if ((lfd = fcgi_listen(path)) == -1 ||
	    (saved0 = fcntl(0, F_DUPFD_CLOEXEC, 3)) == -1 || dup2(lfd, 0) == -1)
		exit(2);
	(void)close(lfd);
	app = fcgi_app_new(0);
	CHECK("fd 0: app made", app != NULL);
	CHECK("fd 0: now /dev/null", fstat(0, &st) == 0 && S_ISCHR(st.st_mode));
	sock = 0;
	{
		int on = 0;
		socklen_t len = sizeof(on);

		sock = getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &on, &len);
	}
	CHECK("fd 0: no longer a socket", sock == -1 && errno == ENOTSOCK);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path + 5, strlen(path + 5) + 1);
	if (app == NULL ||
	    (cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(cfd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		exit(2);
	memset(&pe, 0, sizeof(pe));
	pe.fd = cfd;
	pe.in = in;
	pe.inlen = sizeof(in) - 1;
	pe.main = pthread_self();
	pe.term_at_end = true;
	if (pthread_create(&th, NULL, peer_run, &pe) != 0)
		exit(2);
	/* One request, then SIGTERM ends the listening loop. */
	nreq = 0;
	{
		struct fcgi_req *rq = fcgi_app_accept(app);

		if (rq != NULL) {
			nreq++;
			(void)fcgi_req_write(rq, fcgi_req_getenv(rq, "X"), 4);
			(void)fcgi_req_finish(rq, 0);
		}
	}
	CHECK("fd 0: accept ends on SIGTERM", fcgi_app_accept(app) == NULL);
	err = errno;
	(void)pthread_join(th, NULL);
	fcgi_app_free(app);
	(void)close(cfd);
	buf_init(&t, 0);
	transcript(&pe.out, &t);
	CHECK_STR("fd 0: served", buf_cstr(&t), "O1[fd0!] O1[] E1(0,0) ");
	CHECK_INT("fd 0: one request", nreq, 1);
	CHECK_INT("fd 0: EINTR", err, EINTR);
	buf_fini(&t);
	buf_fini(&pe.out);
	(void)dup2(saved0, 0);
	(void)close(saved0);
	(void)unlink(path + 5);
	(void)rmdir(dir);
	/* A descriptor that is not a listening socket is refused. */
	{
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ==
		    -1)
			exit(2);
		CHECK("connected socket refused",
		    fcgi_app_new(sv[0]) == NULL && errno == ENOTSOCK);
		(void)close(sv[1]);
	}
}

int
main(void)
{
	test_cases();
	test_large_stdin();
	test_large_stdout();
	test_params_api();
	test_peer_gone_before_answer();
	test_large_stderr();
	test_param_bounds();
	test_listen();
	test_fd0();
	test_sigterm_during_request();
	test_sigterm_while_idle();
	return harness_done();
}
