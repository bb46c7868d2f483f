/*
 * test_cgi_resp.c - the CGI response-header parser against checklist items
 * S-6.2-*, S-6.3-*, S-7.2-c, V-11, V-12, and the response head it builds
 * (S-6.3.4-a/b, H-9110-8.6-a, H-9112-6.1-e/f).
 *
 * Every row runs whole, split at every byte offset (fresh state: prefix
 * then whole), and fed one byte at a time to one state, each input in an
 * exact-size heap copy.
 */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cgi_resp.h"
#include "harness.h"

#define MAXF  8
#define ERR   CGI_RESP_ERROR
#define DONE  CGI_RESP_DONE
#define MORE  CGI_RESP_MORE
#define DOC   CGI_RESP_DOCUMENT
#define LOCAL CGI_RESP_LOCAL_REDIRECT
#define CRED  CGI_RESP_CLIENT_REDIRECT
#define CDOC  CGI_RESP_CLIENT_REDIRECT_DOC

struct row {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	enum cgi_resp_parse rc;
	enum cgi_resp_kind kind;
	int status;
	const char *type;     /* NULL: none */
	const char *location; /* NULL: none */
	const char *fields;   /* forwarded "n=v;" list */
	int has_length;
	size_t used; /* 0: up to the blank line (checked as len - body) */
	const char *body;
};

static const struct row rows[] = {
	{ "S-6.2.1-a document, LF", "Content-Type: text/plain\n\nhi", 0, DONE,
	    DOC, 200, "text/plain", NULL, "", 0, 0, "hi" },
	{ "S-7.2-c CRLF", "Content-Type: text/plain\r\n\r\nhi", 0, DONE, DOC,
	    200, "text/plain", NULL, "", 0, 0, "hi" },
	{ "S-7.2-c mixed", "Content-Type: text/plain\r\nX-A: 1\n\r\nhi", 0,
	    DONE, DOC, 200, "text/plain", NULL, "X-A=1;", 0, 0, "hi" },
	{ "S-6.3-a casing (php-cgi Content-type, STATUS)",
	    "STATUS: 404 Nope\nContent-type:text/html\n\n", 0, DONE, DOC, 404,
	    "text/html", NULL, "", 0, 0, "" },
	{ "S-6.3.3-a reason optional", "Status: 404\nContent-Type: a/b\n\n", 0,
	    DONE, DOC, 404, "a/b", NULL, "", 0, 0, "" },
	{ "S-6.3.3-a Status 99", "Status: 99\nContent-Type: a/b\n\n", 0, ERR,
	    DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3.3-a Status 600", "Status: 600\nContent-Type: a/b\n\n", 0, ERR,
	    DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3.3-a Status abc", "Status: abc\nContent-Type: a/b\n\n", 0, ERR,
	    DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3.3-a Status 103", "Status: 103\nContent-Type: a/b\n\n", 0, ERR,
	    DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3.3-a Status 2000", "Status: 2000\nContent-Type: a/b\n\n", 0,
	    ERR, DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.2.2-a local redirect", "Location: /static.txt?a=1\n\n", 0, DONE,
	    LOCAL, 0, NULL, "/static.txt?a=1", "", 0, 0, "" },
	{ "S-6.2.3-a client redirect", "Location: http://a.test/x#f\n\n", 0,
	    DONE, CRED, 302, NULL, "http://a.test/x#f", "", 0, 0, "" },
	{ "S-6.2.4-a redirect with document",
	    "Status: 301 Moved\nLocation: https://a.test/\n"
	    "Content-Type: text/html\n\n<a>x</a>",
	    0, DONE, CDOC, 301, "text/html", "https://a.test/", "", 0, 0,
	    "<a>x</a>" },
	{ "S-6.2.4-b 201 with Location is a document",
	    "Status: 201\nLocation: /new/1\nContent-Type: a/b\n\n", 0, DONE,
	    DOC, 201, "a/b", "/new/1", "", 0, 0, "" },
	{ "S-6.3.2-a relative Location", "Location: foo\n\n", 0, ERR, DOC, 0,
	    NULL, NULL, "", 0, 0, "" },
	{ "S-6.3.2-a Location with space", "Location: /a b\n\n", 0, ERR, DOC, 0,
	    NULL, NULL, "", 0, 0, "" },
	{ "S-6.3.2-a local Location with fragment", "Location: /a#b\n\n", 0,
	    ERR, DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-b no CGI field", "X-Foo: 1\n\n", 0, ERR, DOC, 0, NULL, NULL,
	    "", 0, 0, "" },
	{ "S-6.3-b empty block", "\nbody", 0, ERR, DOC, 0, NULL, NULL, "", 0, 0,
	    "" },
	{ "S-6.3-c duplicate Status",
	    "Status: 200\nStatus: 200\nContent-Type: a/b\n\n", 0, ERR, DOC, 0,
	    NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-c duplicate Content-Type",
	    "Content-Type: a/b\nContent-Type: a/b\n\n", 0, ERR, DOC, 0, NULL,
	    NULL, "", 0, 0, "" },
	{ "S-6.3-c duplicate Location", "Location: /a\nLocation: /b\n\n", 0,
	    ERR, DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-d empty Content-Type is absent",
	    "Content-Type:\nStatus: 200\n\n", 0, DONE, DOC, 200, NULL, NULL, "",
	    0, 0, "" },
	{ "S-6.3-e continuation line", "Content-Type: a/b\nX-A: 1\n  more\n\n",
	    0, ERR, DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-f space before colon", "Content-Type : a/b\n\n", 0, ERR, DOC,
	    0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-g CR in value", "Content-Type: a/b\nX-A: a\rb\n\n", 0, ERR,
	    DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-g VT in value",
	    "Content-Type: a/b\nX-A: a\x0b"
	    "b\n\n",
	    0, ERR, DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-g NUL in value", "Content-Type: a/b\nX-A: a\0b\n\n", 28, ERR,
	    DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-g DEL in value", "Content-Type: a/b\nX-A: a\x7f\n\n", 0, ERR,
	    DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-g non-token name", "Content-Type: a/b\nX(A): 1\n\n", 0, ERR,
	    DOC, 0, NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-g no colon", "Content-Type: a/b\nhello\n\n", 0, ERR, DOC, 0,
	    NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-g obs-text value passes",
	    "Content-Type: a/b\nX-A: caf\xe9\n\n", 0, DONE, DOC, 200, "a/b",
	    NULL, "X-A=caf\xe9;", 0, 0, "" },
	{ "S-6.3-i Set-Cookie lines kept in order",
	    "Set-Cookie: a=1\nContent-Type: a/b\nSet-Cookie: b=2\n"
	    "Set-Cookie: c=3\n\n",
	    0, DONE, DOC, 200, "a/b", NULL,
	    "Set-Cookie=a=1;Set-Cookie=b=2;Set-Cookie=c=3;", 0, 0, "" },
	{ "S-6.3.1-a untyped document", "Status: 200\n\nbody", 0, DONE, DOC,
	    200, NULL, NULL, "", 0, 0, "body" },
	{ "S-6.3.4-b connection fields, Date, Server dropped",
	    "Content-Type: a/b\nConnection: close\nKeep-Alive: 1\nTE: x\n"
	    "Trailer: x\nUpgrade: h2\nProxy-Connection: x\nDate: x\n"
	    "Server: evil\nX-Ok: 1\n\n",
	    0, DONE, DOC, 200, "a/b", NULL, "X-Ok=1;", 0, 0, "" },
	{ "S-6.3.5-a X-CGI-* dropped", "Content-Type: a/b\nX-CGI-Foo: 1\n\n", 0,
	    DONE, DOC, 200, "a/b", NULL, "", 0, 0, "" },
	{ "S-6.3.4-c Transfer-Encoding from script",
	    "Content-Type: a/b\nTransfer-Encoding: chunked\n\n", 0, ERR, DOC, 0,
	    NULL, NULL, "", 0, 0, "" },
	{ "S-6.3.4-c valid Content-Length kept",
	    "Content-Type: a/b\nContent-Length: 10\n\n0123456789", 0, DONE, DOC,
	    200, "a/b", NULL, "", 1, 0, "0123456789" },
	{ "S-6.3.4-c Content-Length abc ignored",
	    "Content-Type: a/b\nContent-Length: abc\n\n", 0, DONE, DOC, 200,
	    "a/b", NULL, "", 0, 0, "" },
	{ "S-6.3.4-c two Content-Length ignored",
	    "Content-Type: a/b\nContent-Length: 1\nContent-Length: 1\n\n", 0,
	    DONE, DOC, 200, "a/b", NULL, "", 0, 0, "" },
	{ "S-6.2-b no blank line yet", "Content-Type: a/b\n", 0, MORE, DOC, 0,
	    NULL, NULL, "", 0, 0, "" },
	{ "S-6.2-b empty output", "", 0, MORE, DOC, 0, NULL, NULL, "", 0, 0,
	    "" },
	{ "H-9110-8.6-a 204 drops body", "Status: 204\n\n", 0, DONE, DOC, 204,
	    NULL, NULL, "", 0, 0, "" },
	{ "S-6.3-h too many forwarded fields for the caller",
	    "Content-Type: a/b\nA: 1\nB: 1\nC: 1\nD: 1\nE: 1\nF: 1\nG: 1\n"
	    "H: 1\nI: 1\n\n",
	    0, ERR, DOC, 0, NULL, NULL, "", 0, 0, "" },
};

/* harness_exact, with the one byte of an empty copy defined. */
static char *
exact(const char *p, size_t n)
{
	char *q = harness_exact(p, n);

	if (n == 0)
		q[0] = '\0';
	return q;
}

static void
check_result(const struct row *w, const char *buf, size_t len,
    const struct cgi_resp *r, enum cgi_resp_parse rc, size_t used,
    const char *how)
{
	char got[512], name[256];
	size_t i, g = 0;

	snprintf(name, sizeof(name), "%s (%s)", w->name, how);
	CHECK_INT(name, rc, w->rc);
	if (rc != DONE || w->rc != DONE)
		return;
	CHECK_INT(name, r->kind, w->kind);
	if (w->kind != LOCAL)
		CHECK_INT(name, r->status, w->status);
	CHECK(name, (r->content_type.p == NULL) == (w->type == NULL));
	if (w->type != NULL && r->content_type.p != NULL)
		CHECK_MEM(name, r->content_type.p, r->content_type.len, w->type,
		    strlen(w->type));
	CHECK(name, (r->location.p == NULL) == (w->location == NULL));
	if (w->location != NULL && r->location.p != NULL)
		CHECK_MEM(name, r->location.p, r->location.len, w->location,
		    strlen(w->location));
	for (i = 0; i < r->nfields; i++)
		g += (size_t)snprintf(got + g, sizeof(got) - g, "%.*s=%.*s;",
		    (int)r->names[i].len, r->names[i].p, (int)r->values[i].len,
		    r->values[i].p);
	got[g] = '\0';
	CHECK_STR(name, got, w->fields);
	CHECK_INT(name, r->has_length, w->has_length);
	CHECK_MEM(name, buf + used, len - used, w->body, strlen(w->body));
}

static void
run_row(const struct row *w)
{
	size_t len = w->len ? w->len : strlen(w->in), k, used;
	struct str names[MAXF], values[MAXF];
	struct cgi_resp r;
	enum cgi_resp_parse rc = MORE;
	char *buf;

	/* whole */
	buf = exact(w->in, len);
	memset(&r, 0, sizeof(r));
	r.names = names, r.values = values, r.maxfields = MAXF;
	rc = cgi_resp_parse(&r, buf, len, &used);
	check_result(w, buf, len, &r, rc, used, "whole");
	free(buf);
	/* split at every offset: a prefix, then the whole */
	for (k = 0; k < len; k++) {
		char *pre = exact(w->in, k);
		memset(&r, 0, sizeof(r));
		r.names = names, r.values = values, r.maxfields = MAXF;
		rc = cgi_resp_parse(&r, pre, k, &used);
		free(pre);
		if (rc == DONE) {
			/* a prefix can end the block only where the row does */
			continue;
		}
		if (rc == ERR) {
			CHECK_INT(w->name, w->rc, ERR);
			continue;
		}
		buf = exact(w->in, len);
		rc = cgi_resp_parse(&r, buf, len, &used);
		check_result(w, buf, len, &r, rc, used, "split");
		free(buf);
	}
	/* one byte at a time, one state, a fresh exact copy each time */
	memset(&r, 0, sizeof(r));
	r.names = names, r.values = values, r.maxfields = MAXF;
	for (k = 0; k <= len; k++) {
		buf = exact(w->in, k);
		rc = cgi_resp_parse(&r, buf, k, &used);
		if (rc != MORE || k == len) {
			char *all = exact(w->in, len);
			memcpy(all, buf, k);
			if (rc == DONE)
				check_result(w, all, len, &r, rc, used,
				    "bytewise");
			else
				CHECK_INT(w->name, rc, w->rc);
			free(all);
			free(buf);
			break;
		}
		free(buf);
	}
}

/* S-6.3-h: 100 fields and 8 KiB lines pass, one more fails. */
static void
test_bounds(void)
{
	static struct str names[BOUND_CGI_RESP_FIELDS + 1];
	static struct str values[BOUND_CGI_RESP_FIELDS + 1];
	struct cgi_resp r;
	struct buf b;
	size_t used, i;
	int nf;

	for (nf = BOUND_CGI_RESP_FIELDS; nf <= BOUND_CGI_RESP_FIELDS + 1;
	     nf++) {
		buf_init(&b, 0);
		CHECK("buf", buf_puts(&b, "Content-Type: a/b\n") == 0);
		for (i = 1; i < (size_t)nf; i++)
			CHECK("buf", buf_printf(&b, "X-%zu: v\n", i) == 0);
		CHECK("buf", buf_puts(&b, "\n") == 0);
		memset(&r, 0, sizeof(r));
		r.names = names, r.values = values;
		r.maxfields = BOUND_CGI_RESP_FIELDS + 1;
		CHECK_INT(nf == BOUND_CGI_RESP_FIELDS ? "S-6.3-h 100 fields"
		                                      : "S-6.3-h 101 fields",
		    cgi_resp_parse(&r, b.data, b.len, &used),
		    nf == BOUND_CGI_RESP_FIELDS ? DONE : ERR);
		buf_fini(&b);
	}
	for (i = BOUND_CGI_RESP_LINE; i <= BOUND_CGI_RESP_LINE + 1; i++) {
		buf_init(&b, 0);
		CHECK("buf", buf_puts(&b, "Content-Type: a/b\nX-Long: ") == 0);
		while (b.len < 18 + i - 1)
			CHECK("buf", buf_putc(&b, 'v') == 0);
		CHECK("buf", buf_puts(&b, "\n\n") == 0);
		memset(&r, 0, sizeof(r));
		r.names = names, r.values = values, r.maxfields = 4;
		CHECK_INT(i == BOUND_CGI_RESP_LINE ? "S-6.3-h line at bound"
		                                   : "S-6.3-h line one past",
		    cgi_resp_parse(&r, b.data, b.len, &used),
		    i == BOUND_CGI_RESP_LINE ? DONE : ERR);
		buf_fini(&b);
	}
	/* a block that never ends fails once it passes 64 KiB */
	buf_init(&b, 0);
	CHECK("buf", buf_puts(&b, "Content-Type: a/b\n") == 0);
	for (i = 0; b.len < BOUND_CGI_RESP_HEAD; i++)
		CHECK("buf", buf_printf(&b, "X: %04zu%0100d\n", i, 0) == 0);
	memset(&r, 0, sizeof(r));
	r.names = names, r.values = values;
	r.maxfields = BOUND_CGI_RESP_FIELDS + 1;
	CHECK_INT("S-6.3-h block over 64 KiB",
	    cgi_resp_parse(&r, b.data, b.len, &used), ERR);
	buf_fini(&b);
}

static const struct {
	const char *name;
	const char *in;
	enum cgi_resp_frame frame;
	unsigned long long length;
	int keep_alive;
	const char *out;
} heads[] = {
	{ "S-6.3.4-a chunked head", "Content-type: text/html\nX-A:  1\n\n",
	    CGI_FRAME_CHUNKED, 0, 1,
	    "HTTP/1.1 200 OK\r\nDate: D\r\nServer: S\r\nX-A: 1\r\n"
	    "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" },
	{ "H-9112-6.1-e close-delimited for HTTP/1.0",
	    "Status: 404 Gone Away\nContent-Type: a/b\n\n", CGI_FRAME_CLOSE, 0,
	    0,
	    "HTTP/1.1 404 Gone Away\r\nDate: D\r\nServer: S\r\n"
	    "Content-Type: a/b\r\nConnection: close\r\n\r\n" },
	{ "S-6.2.3-a 302 with length 0", "Location: http://x.test/\n\n",
	    CGI_FRAME_LENGTH, 0, 1,
	    "HTTP/1.1 302 Found\r\nDate: D\r\nServer: S\r\n"
	    "Location: http://x.test/\r\nContent-Length: 0\r\n\r\n" },
	{ "H-9110-8.6-a 204 never has a length", "Status: 204\n\n",
	    CGI_FRAME_LENGTH, 0, 1,
	    "HTTP/1.1 204 No Content\r\nDate: D\r\nServer: S\r\n\r\n" },
};

static void
test_heads(void)
{
	struct str names[MAXF], values[MAXF];
	struct cgi_resp r;
	struct cgi_resp_out o;
	struct buf b;
	size_t i, used;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.names = names, r.values = values, r.maxfields = MAXF;
		CHECK_INT(heads[i].name,
		    cgi_resp_parse(&r, heads[i].in, strlen(heads[i].in), &used),
		    DONE);
		o = (struct cgi_resp_out){ .frame = heads[i].frame,
			.length = heads[i].length,
			.keep_alive = heads[i].keep_alive != 0,
			.date = "D",
			.server = "S" };
		buf_init(&b, 0);
		CHECK_INT(heads[i].name, cgi_resp_head(&r, &o, &b), 0);
		CHECK_STR(heads[i].name, buf_cstr(&b), heads[i].out);
		buf_fini(&b);
	}
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
	test_bounds();
	test_heads();
	return harness_done();
}
