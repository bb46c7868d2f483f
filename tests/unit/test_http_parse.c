/*
 * test_http_parse.c - the request-head parser (http_parse.h) against
 * checklist 1.12 (H-9112-*, H-9110-*) and V-06: every accepted form and
 * every rejection rule, each row run whole, fed one byte more at a time
 * through one growing buffer, and split in two at every byte offset into
 * exact-size heap copies (the second copy a new allocation, as after
 * realloc), always with the same verdict.
 */
#include "http_parse.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "harness.h"

#define NFIELDS 128

struct row {
	const char *name;
	const char *in;
	size_t inlen;       /* 0: strlen(in) */
	const char *want;   /* summary(), see below */
	size_t extra;       /* bytes after the head (body, next request) */
	const char *fields; /* "name=value|..." when checked, else NULL */
};

/*
 * One line that says everything the parser decided:
 * "DONE method target ?query|- 1.minor host:port framing ka|close 100|-"
 * or "ERROR status" or "MORE".
 */
static void
summary(const struct http_head *h, enum http_parse rc, struct buf *out)
{
	int r;

	buf_reset(out);
	if (rc == HTTP_PARSE_MORE) {
		r = buf_puts(out, "MORE");
	} else if (rc == HTTP_PARSE_ERROR) {
		r = buf_printf(out, "ERROR %d", h->status);
	} else {
		r = buf_printf(out, "DONE %.*s %.*s %s%.*s 1.%d %.*s:%.*s ",
		    (int)h->method.len, h->method.p, (int)h->target.len,
		    h->target.p, h->has_query ? "?" : "-", (int)h->query.len,
		    h->query.p, h->minor, (int)h->host.len,
		    h->host.p ? h->host.p : "", (int)h->port.len,
		    h->port.p ? h->port.p : "");
		if (r == 0 && h->framing == HTTP_FRAMING_NONE)
			r = buf_puts(out, "none");
		else if (r == 0 && h->framing == HTTP_FRAMING_CHUNKED)
			r = buf_puts(out, "chunked");
		else if (r == 0)
			r = buf_printf(out, "len=%llu",
			    (unsigned long long)h->content_length);
		if (r == 0)
			r = buf_printf(out, " %s %s",
			    h->keep_alive ? "ka" : "close",
			    h->expect_continue ? "100" : "-");
	}
	if (r == -1) {
		perror("buf");
		exit(2);
	}
}

static void
fields_text(const struct http_head *h, struct buf *out)
{
	size_t i;

	buf_reset(out);
	for (i = 0; i < h->nfields; i++)
		if (buf_printf(out, "%s%.*s=%.*s", i > 0 ? "|" : "",
		        (int)h->fields[i].name.len, h->fields[i].name.p,
		        (int)h->fields[i].value.len,
		        h->fields[i].value.p) == -1)
			exit(2);
}

/* Checks what a finished parse left in h against the row. */
static void
check_result(const char *name, const char *how, struct http_head *h,
    enum http_parse rc, size_t used, size_t len, const char *want, size_t extra,
    const char *fields)
{
	struct buf got;
	char label[200];

	buf_init(&got, 0);
	if (snprintf(label, sizeof(label), "%s [%s]", name, how) >=
	    (int)sizeof(label))
		label[sizeof(label) - 1] = '\0';
	summary(h, rc, &got);
	CHECK_STR(label, buf_cstr(&got), want);
	if (rc == HTTP_PARSE_DONE) {
		CHECK_INT(label, used, len - extra);
		CHECK(label, h->nfields <= h->maxfields);
		if (fields != NULL) {
			fields_text(h, &got);
			CHECK_STR(label, buf_cstr(&got), fields);
		}
	} else {
		CHECK_INT(label, used, 0);
	}
	buf_fini(&got);
}

static enum http_parse
parse_exact(struct http_head *h, const char *in, size_t n, size_t *used)
{
	char *copy = harness_exact(in, n);
	enum http_parse rc = http_parse_head(h, copy, n, used);

	/*
	 * The views point into copy; check them before it goes, by parsing
	 * the complete input only through run_row's callers.
	 */
	free(copy);
	return rc;
}

/* Runs one input whole, progressively and split at every offset. */
static void
run_input(const char *name, const char *in, size_t len,
    const struct http_limits *lim, size_t maxfields, const char *want,
    size_t extra, const char *fields)
{
	struct http_field fv[NFIELDS];
	struct http_head h;
	enum http_parse rc;
	size_t used, k;
	char *copy;

	/* Whole. */
	http_head_init(&h, fv, maxfields, lim);
	copy = harness_exact(in, len);
	rc = http_parse_head(&h, copy, len, &used);
	check_result(name, "whole", &h, rc, used, len, want, extra, fields);
	free(copy);

	/* One byte more per call, through one buffer. */
	http_head_init(&h, fv, maxfields, lim);
	copy = harness_exact(in, len);
	rc = HTTP_PARSE_MORE;
	for (k = 0; k <= len && rc == HTTP_PARSE_MORE; k++)
		rc = http_parse_head(&h, copy, k, &used);
	check_result(name, "bytewise", &h, rc, used, len, want, extra, fields);
	free(copy);

	/*
	 * Two pieces, each an exact-size allocation. Past 2 KiB (the rows at
	 * the default bounds) every offset costs a whole parse, so only the
	 * first and last 256 offsets and every 251st are taken; the bytewise
	 * run above and the rows at lowered bounds cover every offset.
	 */
	for (k = 1; k < len; k++) {
		if (len > 2048 && k > 256 && k + 256 < len && k % 251 != 0)
			continue;
		http_head_init(&h, fv, maxfields, lim);
		rc = parse_exact(&h, in, k, &used);
		if (rc == HTTP_PARSE_MORE) {
			copy = harness_exact(in, len);
			rc = http_parse_head(&h, copy, len, &used);
			if (strcmp(want, "MORE") != 0 || rc != HTTP_PARSE_MORE)
				check_result(name, "split", &h, rc, used, len,
				    want, extra, fields);
			free(copy);
		} else if (rc == HTTP_PARSE_ERROR) {
			check_result(name, "split-early", &h, rc, used, len,
			    want, extra, fields);
		} else {
			/* DONE on a prefix is right only if the rest is
			 * body or a next request. */
			CHECK(name, extra > 0 && used <= k);
		}
	}
}

static const struct row rows[] = {
	/* Accepted forms. */
	{ "simple GET", "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n", 0,
	    "DONE GET / - 1.1 a.test: none ka -", 0, "Host=a.test" },
	{ "query and port",
	    "GET /x?a=1&b HTTP/1.1\r\nHost: a.test:8080\r\n\r\n", 0,
	    "DONE GET /x ?a=1&b 1.1 a.test:8080 none ka -", 0, NULL },
	{ "empty query keeps its '?'", "GET /x? HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "DONE GET /x ? 1.1 a: none ka -", 0, NULL },
	{ "second '?' belongs to the query",
	    "GET /x?a?b HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "DONE GET /x ?a?b 1.1 a: none ka -", 0, NULL },
	{ "HTTP/1.0 without Host closes", "GET / HTTP/1.0\r\n\r\n", 0,
	    "DONE GET / - 1.0 : none close -", 0, "" },
	{ "HTTP/1.0 keep-alive",
	    "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 0,
	    "DONE GET / - 1.0 : none ka -", 0, NULL },
	{ "HTTP/1.0 keep-alive and close",
	    "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", 0,
	    "DONE GET / - 1.0 : none close -", 0, NULL },
	{ "HTTP/1.1 Connection close in a list",
	    "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade,, CLOSE\r\n\r\n",
	    0, "DONE GET / - 1.1 a: none close -", 0, NULL },
	{ "HTTP/1.1 two Connection fields",
	    "GET / HTTP/1.1\r\nConnection: x\r\nHost: a\r\nConnection: close"
	    "\r\n\r\n",
	    0, "DONE GET / - 1.1 a: none close -", 0, NULL },
	{ "H-9112-2.2-c leading empty lines",
	    "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "DONE GET / - 1.1 a: none ka -", 0, NULL },
	{ "H-9112-3.2-b absolute-form authority replaces Host",
	    "GET http://b.test:81/p?q HTTP/1.1\r\nHost: a.test\r\n\r\n", 0,
	    "DONE GET /p ?q 1.1 b.test:81 none ka -", 0, NULL },
	{ "absolute-form without path is /",
	    "GET http://b.test HTTP/1.1\r\nHost: b.test\r\n\r\n", 0,
	    "DONE GET / - 1.1 b.test: none ka -", 0, NULL },
	{ "absolute-form query without path",
	    "GET http://b.test?x=1 HTTP/1.1\r\nHost: b.test\r\n\r\n", 0,
	    "DONE GET / ?x=1 1.1 b.test: none ka -", 0, NULL },
	{ "absolute-form scheme is case-insensitive, https too",
	    "GET HTTPS://B.test/x HTTP/1.1\r\nHost: b\r\n\r\n", 0,
	    "DONE GET /x - 1.1 B.test: none ka -", 0, NULL },
	{ "OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "DONE OPTIONS * - 1.1 a: none ka -", 0, NULL },
	{ "Content-Length with body after the head",
	    "POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 0,
	    "DONE POST /f - 1.1 a: len=5 ka -", 5, NULL },
	{ "Content-Length 0",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "content-length: 0\r\n\r\n",
	    0, "DONE POST / - 1.1 a: len=0 ka -", 0, NULL },
	{ "Content-Length leading zeros",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 007\r\n\r\n",
	    0, "DONE POST / - 1.1 a: len=7 ka -", 0, NULL },
	{ "Content-Length INT64_MAX",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 9223372036854775807\r\n\r\n",
	    0, "DONE POST / - 1.1 a: len=9223372036854775807 ka -", 0, NULL },
	{ "Transfer-Encoding chunked, any case",
	    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ChunKed\r\n\r\n",
	    0, "DONE POST / - 1.1 a: chunked ka -", 0, NULL },
	{ "Transfer-Encoding empty list elements are ignored",
	    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked ,"
	    "\r\n\r\n",
	    0, "DONE POST / - 1.1 a: chunked ka -", 0, NULL },
	{ "H-9110-10.1.1-a Expect 100-continue",
	    "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n"
	    "Content-Length: 1\r\n\r\n",
	    0, "DONE PUT / - 1.1 a: len=1 ka 100", 0, NULL },
	{ "H-9110-10.1.1-a Expect ignored in HTTP/1.0",
	    "GET / HTTP/1.0\r\nExpect: foo\r\n\r\n", 0,
	    "DONE GET / - 1.0 : none close -", 0, NULL },
	{ "IPv6 literal Host with port",
	    "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", 0,
	    "DONE GET / - 1.1 [::1]:8080 none ka -", 0, NULL },
	{ "IPv4 Host", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 0,
	    "DONE GET / - 1.1 127.0.0.1: none ka -", 0, NULL },
	{ "Host with empty port (RFC 3986 3.2.3)",
	    "GET / HTTP/1.1\r\nHost: a.test:\r\n\r\n", 0,
	    "DONE GET / - 1.1 a.test: none ka -", 0, NULL },
	{ "HTTP/1.0 with a valid Host",
	    "GET / HTTP/1.0\r\nHost: a.test:80\r\n\r\n", 0,
	    "DONE GET / - 1.0 a.test:80 none close -", 0, NULL },
	{ "HTTP/1.2 is served as 1.1", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 0,
	    "DONE GET / - 1.1 a: none ka -", 0, NULL },
	{ "values are OWS-trimmed, order kept",
	    "GET / HTTP/1.1\r\nX-A:  a b \t\r\nHost:a\r\nX-E:\r\n"
	    "x-a: 2\r\n\r\n",
	    0, "DONE GET / - 1.1 a: none ka -", 0,
	    "X-A=a b|Host=a|X-E=|x-a=2" },
	{ "obs-text in a value is kept",
	    "GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n", 0,
	    "DONE GET / - 1.1 a: none ka -", 0, "Host=a|X=caf\xc3\xa9" },
	{ "S-4.1.12-a method case kept", "get / HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "DONE get / - 1.1 a: none ka -", 0, NULL },
	{ "method with tchar", "M-SEARCH / HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "DONE M-SEARCH / - 1.1 a: none ka -", 0, NULL },
	{ "target with sub-delims and escapes",
	    "GET /a%20b;c=d@e:f!$&'()*+,=~[] HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "DONE GET /a%20b;c=d@e:f!$&'()*+,=~[] - 1.1 a: none ka -", 0,
	    NULL },
	{ "H-9112-6.3-b pipelined request after a bodiless head",
	    "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n"
	    "Host: a\r\n\r\n",
	    0, "DONE GET /1 - 1.1 a: none ka -", 28, NULL },

	/* Incomplete. */
	{ "empty input", "", 0, "MORE", 0, NULL },
	{ "only leading CRLF", "\r\n", 0, "MORE", 0, NULL },
	{ "no final empty line", "GET / HTTP/1.1\r\nHost: a\r\n", 0, "MORE", 0,
	    NULL },
	{ "ends after CR", "GET / HTTP/1.1\r\nHost: a\r\n\r", 0, "MORE", 0,
	    NULL },

	/* Line ends and control bytes: H-9112-2.2, H-9110-5.5. */
	{ "H-9112-2.2-b bare LF ends", "GET / HTTP/1.1\nHost: a\n\n", 0,
	    "ERROR 400", 0, NULL },
	{ "bare LF after a field", "GET / HTTP/1.1\r\nHost: a\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "bare LF as the empty line", "GET / HTTP/1.1\r\nHost: a\r\n\n", 0,
	    "ERROR 400", 0, NULL },
	{ "leading bare LF", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "H-9112-2.2-a bare CR in a value",
	    "GET / HTTP/1.1\r\nX: a\rb\r\nHost: a\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "bare CR in the request line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CR CR LF", "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "H-9110-5.5-a NUL in a value",
	    "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35, "ERROR 400", 0,
	    NULL },
	{ "control 0x01 in a value",
	    "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "DEL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: \x7f\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "NUL in the target", "GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n", 28,
	    "ERROR 400", 0, NULL },

	/* Request line: H-9112-3-a and friends. */
	{ "H-9112-3-a double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "double space before version", "GET /  HTTP/1.1\r\nHost: a\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "trailing space", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "H-9112-3-a tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "tab before version", "GET /\tHTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "leading space", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0, "ERROR 400",
	    0, NULL },
	{ "no version (HTTP/0.9 style)", "GET /\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "no spaces", "GET\r\n\r\n", 0, "ERROR 400", 0, NULL },
	{ "method not a token", "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "binary garbage (TLS hello)", "\x16\x03\x01\x02\x00\x01", 0,
	    "ERROR 400", 0, NULL },
	{ "version lower case", "GET / http/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "version two-digit minor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "version without minor", "GET / HTTP/1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "version not a digit", "GET / HTTP/1.x\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "HTTP/2.0 is 505", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 0,
	    "ERROR 505", 0, NULL },
	{ "HTTP/0.9 is 505", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 0,
	    "ERROR 505", 0, NULL },
	{ "'*' with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 0, "ERROR 400",
	    0, NULL },
	{ "authority-form", "CONNECT a.test:443 HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "relative target", "GET x HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "raw '#' in target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "raw 0x80 in target", "GET /\x80 HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "DEL in target", "GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "absolute-form with userinfo",
	    "GET http://u@b.test/ HTTP/1.1\r\nHost: b.test\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "absolute-form other scheme",
	    "GET ftp://b.test/ HTTP/1.1\r\nHost: b.test\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "absolute-form empty authority",
	    "GET http:///x HTTP/1.1\r\nHost: b.test\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "absolute-form still needs Host in 1.1",
	    "GET http://b.test/ HTTP/1.1\r\n\r\n", 0, "ERROR 400", 0, NULL },

	/* Field lines: H-9112-2.2-d, 5.1-a, 5.2-a, H-9110-5.1-a. */
	{ "H-9112-2.2-d whitespace before the first field",
	    "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 0, "ERROR 400", 0, NULL },
	{ "whitespace-only line after the request line",
	    "GET / HTTP/1.1\r\n \r\nHost: a\r\n\r\n", 0, "ERROR 400", 0, NULL },
	{ "H-9112-5.2-a obs-fold",
	    "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 0, "ERROR 400",
	    0, NULL },
	{ "obs-fold with tab",
	    "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n", 0, "ERROR 400",
	    0, NULL },
	{ "H-9112-5.1-a space before colon",
	    "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 0, "ERROR 400", 0, NULL },
	{ "tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "H-9110-5.1-a name not a token",
	    "GET / HTTP/1.1\r\nHost: a\r\nX(a): 1\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "empty field name", "GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "field without colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "non-ASCII field name",
	    "GET / HTTP/1.1\r\nHost: a\r\nX\xc3\xa9: 1\r\n\r\n", 0, "ERROR 400",
	    0, NULL },

	/* Content-Length: H-9112-6.3-a. */
	{ "CL plus sign",
	    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5"
	    "\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL negative",
	    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1"
	    "\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL inner space",
	    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4 2"
	    "\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL hex",
	    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5"
	    "\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL empty",
	    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:"
	    "\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL trailing letter",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 5a\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL identical list 42, 42",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 42, 42\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL identical duplicates",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 5\r\nContent-Length: 5\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL differing duplicates",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 5\r\ncontent-length: 6\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL 2^63 overflows off_t",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 9223372036854775808\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "CL overflows 64 bits",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 99999999999999999999999\r\n\r\n",
	    0, "ERROR 400", 0, NULL },

	/* Transfer-Encoding: H-9112-6.1-a..d. */
	{ "H-9112-6.1-a gzip, chunked is 501",
	    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked"
	    "\r\n\r\n",
	    0, "ERROR 501", 0, NULL },
	{ "H-9112-6.1-b chunked, gzip is 400",
	    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip"
	    "\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "TE gzip alone is 501",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n",
	    0, "ERROR 501", 0, NULL },
	{ "TE identity is 501",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: identity\r\n\r\n",
	    0, "ERROR 501", 0, NULL },
	{ "TE chunked twice",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked, chunked\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "TE chunked with a parameter",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked;q=1\r\n\r\n",
	    0, "ERROR 501", 0, NULL },
	{ "TE empty",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding:\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "TE commas only",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: ,,\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "TE not a token",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: \"chunked\"\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "TE chunked then empty field",
	    "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\nTransfer-Encoding:\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "TE split over two fields, chunked last is 501",
	    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n",
	    0, "ERROR 501", 0, NULL },
	{ "TE split over two fields, chunked first is 400",
	    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "H-9112-6.1-c CL with TE",
	    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "H-9112-6.1-d TE in HTTP/1.0",
	    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },

	/* Host: H-9112-3.2-a, V-03-d. */
	{ "H-9112-3.2-a no Host in 1.1", "GET / HTTP/1.1\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "H-9112-3.2-a two Host fields",
	    "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "two Host fields in 1.0",
	    "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n"
	    "\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host with a backslash", "GET / HTTP/1.1\r\nHost: a\\b\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "V-03-d Host ..", "GET / HTTP/1.1\r\nHost: ..\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host .", "GET / HTTP/1.1\r\nHost: .\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },
	{ "Host with ..", "GET / HTTP/1.1\r\nHost: a..b\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host percent-encoded", "GET / HTTP/1.1\r\nHost: %61\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host IPv6 unclosed", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host IPv6 bad byte", "GET / HTTP/1.1\r\nHost: [zz::1]\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host IPv6 junk after ]", "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host port too big", "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host port not digits", "GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "Host port with six digits",
	    "GET / HTTP/1.1\r\nHost: a:000080\r\n"
	    "\r\n",
	    0, "ERROR 400", 0, NULL },
	{ "Host invalid even with absolute-form",
	    "GET http://b/ HTTP/1.1\r\nHost: a/b\r\n\r\n", 0, "ERROR 400", 0,
	    NULL },

	/* Connection and Expect. */
	{ "Connection not a token list",
	    "GET / HTTP/1.1\r\nHost: a\r\nConnection: a b\r\n\r\n", 0,
	    "ERROR 400", 0, NULL },
	{ "H-9110-10.1.1-a Expect foo is 417",
	    "GET / HTTP/1.1\r\nHost: a\r\nExpect: foo\r\n\r\n", 0, "ERROR 417",
	    0, NULL },
	{ "Expect 100-continue listed twice in one field is 417",
	    "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue, x\r\n\r\n", 0,
	    "ERROR 417", 0, NULL },
};

/* A request with a method, target and nfields fields (Host first). */
static void
gen(struct buf *b, size_t method_len, size_t target_len, size_t nfields)
{
	size_t i;
	int r = 0;

	buf_reset(b);
	for (i = 0; i < method_len && r == 0; i++)
		r = buf_putc(b, 'M');
	if (r == 0)
		r = buf_puts(b, " /");
	for (i = 1; i < target_len && r == 0; i++)
		r = buf_putc(b, 'a' + (int)(i % 26));
	if (r == 0)
		r = buf_puts(b, " HTTP/1.1\r\nHost: a\r\n");
	for (i = 1; i < nfields && r == 0; i++)
		r = buf_printf(b, "X%zu: v\r\n", i % 10);
	if (r == 0)
		r = buf_puts(b, "\r\n");
	if (r == -1)
		exit(2);
}

/* The summary gen() input deserves when it is accepted. */
static const char *
gen_want(struct buf *want, const struct buf *b, size_t method_len,
    size_t target_len)
{
	buf_reset(want);
	if (buf_printf(want, "DONE %.*s %.*s - 1.1 a: none ka -",
	        (int)method_len, b->data, (int)target_len,
	        b->data + method_len + 1) == -1)
		exit(2);
	return buf_cstr(want);
}

/* Appends a field line "X: vvv" of exactly line_len bytes, CRLF excluded. */
static void
gen_field_line(struct buf *b, size_t line_len)
{
	size_t i;

	b->len -= 2; /* drop the final CRLF */
	if (buf_puts(b, "X: ") == -1)
		exit(2);
	for (i = 3; i < line_len; i++)
		if (buf_putc(b, 'v') == -1)
			exit(2);
	if (buf_puts(b, "\r\n\r\n") == -1)
		exit(2);
}

/* Bounds at the value and one past it (STYLE Rule 9), defaults first. */
static void
test_bounds(void)
{
	struct http_limits small = { .max_request_line = 40,
		.max_target = 20,
		.max_head = 90,
		.max_field_line = 30,
		.max_fields = 3 };
	struct buf b, w;

	buf_init(&b, 0);
	buf_init(&w, 0);

	gen(&b, 3, BOUND_TARGET_BYTES, 1);
	run_input("H-9112-3-b target at BOUND_TARGET_BYTES", b.data, b.len,
	    NULL, NFIELDS, gen_want(&w, &b, 3, BOUND_TARGET_BYTES), 0, NULL);
	gen(&b, 3, BOUND_TARGET_BYTES + 1, 1);
	run_input("H-9112-3-b target past BOUND_TARGET_BYTES", b.data, b.len,
	    NULL, NFIELDS, "ERROR 414", 0, NULL);
	gen(&b, 3, 8000, 1);
	run_input("H-9112-3-b 8000-byte target", b.data, b.len, NULL, NFIELDS,
	    gen_want(&w, &b, 3, 8000), 0, NULL);
	gen(&b, BOUND_METHOD_BYTES, 1, 1);
	run_input("method at BOUND_METHOD_BYTES", b.data, b.len, NULL, NFIELDS,
	    gen_want(&w, &b, BOUND_METHOD_BYTES, 1), 0, NULL);
	gen(&b, BOUND_METHOD_BYTES + 1, 1, 1);
	run_input("H-9112-3-c method past BOUND_METHOD_BYTES", b.data, b.len,
	    NULL, NFIELDS, "ERROR 501", 0, NULL);
	gen(&b, 1024, 1, 1);
	run_input("H-9112-3-c 1 KiB method", b.data, b.len, NULL, NFIELDS,
	    "ERROR 501", 0, NULL);

	/* Fields: 100 in all (Host + 99) pass, 101 fail. */
	gen(&b, 3, 1, BOUND_HEAD_FIELDS);
	run_input("fields at BOUND_HEAD_FIELDS", b.data, b.len, NULL, NFIELDS,
	    "DONE MMM / - 1.1 a: none ka -", 0, NULL);
	gen(&b, 3, 1, BOUND_HEAD_FIELDS + 1);
	run_input("H-9110-5.4-a fields past BOUND_HEAD_FIELDS", b.data, b.len,
	    NULL, NFIELDS, "ERROR 431", 0, NULL);
	gen(&b, 3, 1, 200);
	run_input("H-9110-5.4-a 200 fields", b.data, b.len, NULL, NFIELDS,
	    "ERROR 431", 0, NULL);
	gen(&b, 3, 1, 3);
	run_input("caller's array smaller than the bound", b.data, b.len, NULL,
	    2, "ERROR 431", 0, NULL);
	run_input("caller's array exactly big enough", b.data, b.len, NULL, 3,
	    "DONE MMM / - 1.1 a: none ka -", 0, NULL);
	run_input("no field array at all", b.data, b.len, NULL, 0, "ERROR 431",
	    0, NULL);

	/* One field line at its bound and past it. */
	gen(&b, 3, 1, 1);
	gen_field_line(&b, BOUND_FIELD_LINE_BYTES);
	run_input("field line at BOUND_FIELD_LINE_BYTES", b.data, b.len, NULL,
	    NFIELDS, "DONE MMM / - 1.1 a: none ka -", 0, NULL);
	gen(&b, 3, 1, 1);
	gen_field_line(&b, BOUND_FIELD_LINE_BYTES + 1);
	run_input("H-9110-5.4-a field line past the bound (9 KiB)", b.data,
	    b.len, NULL, NFIELDS, "ERROR 431", 0, NULL);

	/* The whole head at BOUND_HEAD_BYTES and one past it. */
	gen(&b, 3, 1, 1);
	gen_field_line(&b, BOUND_FIELD_LINE_BYTES);
	gen_field_line(&b, BOUND_HEAD_BYTES - b.len - 2);
	CHECK_INT("head generator", b.len, BOUND_HEAD_BYTES);
	run_input("head at BOUND_HEAD_BYTES", b.data, b.len, NULL, NFIELDS,
	    "DONE MMM / - 1.1 a: none ka -", 0, NULL);
	gen(&b, 3, 1, 1);
	gen_field_line(&b, BOUND_FIELD_LINE_BYTES);
	gen_field_line(&b, BOUND_HEAD_BYTES - b.len - 1);
	run_input("H-9110-5.4-a head past BOUND_HEAD_BYTES", b.data, b.len,
	    NULL, NFIELDS, "ERROR 431", 0, NULL);

	/* Lowered bounds (configuration): each at the value and past it. */
	gen(&b, 3, 20, 1);
	run_input("lowered target at bound", b.data, b.len, &small, NFIELDS,
	    gen_want(&w, &b, 3, 20), 0, NULL);
	gen(&b, 3, 21, 1);
	run_input("lowered target past bound", b.data, b.len, &small, NFIELDS,
	    "ERROR 414", 0, NULL);
	small.max_target = 100;
	gen(&b, 10, 20, 1); /* 10 + 1 + 20 + 1 + 8 = 40 */
	run_input("lowered request line at bound", b.data, b.len, &small,
	    NFIELDS, gen_want(&w, &b, 10, 20), 0, NULL);
	gen(&b, 10, 21, 1);
	run_input("lowered request line past bound", b.data, b.len, &small,
	    NFIELDS, "ERROR 414", 0, NULL);
	gen(&b, 3, 1, 3);
	run_input("lowered fields at bound", b.data, b.len, &small, NFIELDS,
	    "DONE MMM / - 1.1 a: none ka -", 0, NULL);
	gen(&b, 3, 1, 4);
	run_input("lowered fields past bound", b.data, b.len, &small, NFIELDS,
	    "ERROR 431", 0, NULL);
	gen(&b, 3, 1, 1);
	gen_field_line(&b, 30);
	run_input("lowered field line at bound", b.data, b.len, &small, NFIELDS,
	    "DONE MMM / - 1.1 a: none ka -", 0, NULL);
	gen(&b, 3, 1, 1);
	gen_field_line(&b, 31);
	run_input("lowered field line past bound", b.data, b.len, &small,
	    NFIELDS, "ERROR 431", 0, NULL);
	gen(&b, 3, 1, 1);
	gen_field_line(&b, 30);
	gen_field_line(&b, 90 - b.len - 2);
	CHECK_INT("lowered head generator", b.len, 90);
	run_input("lowered head at bound", b.data, b.len, &small, NFIELDS,
	    "DONE MMM / - 1.1 a: none ka -", 0, NULL);
	gen(&b, 3, 1, 1);
	gen_field_line(&b, 30);
	gen_field_line(&b, 90 - b.len - 1);
	run_input("lowered head past bound", b.data, b.len, &small, NFIELDS,
	    "ERROR 431", 0, NULL);
	/* Leading empty lines count against the head bound too. */
	buf_reset(&b);
	while (b.len < 100)
		if (buf_puts(&b, "\r\n") == -1)
			exit(2);
	run_input("leading empty lines are bounded", b.data, b.len, &small,
	    NFIELDS, "ERROR 431", 0, NULL);
	buf_fini(&w);
	buf_fini(&b);
}

/* A second call after DONE refreshes the views for a moved buffer. */
static void
test_moved_buffer(void)
{
	static const char req[] = "GET /m?q HTTP/1.1\r\nHost: m.test\r\n\r\n";
	struct http_field fv[4];
	struct http_head h;
	size_t used;
	char *a = harness_exact(req, sizeof(req) - 1);
	char *b = harness_exact(req, sizeof(req) - 1);

	http_head_init(&h, fv, 4, NULL);
	CHECK_INT("moved: first",
	    http_parse_head(&h, a, sizeof(req) - 1, &used), HTTP_PARSE_DONE);
	free(a);
	CHECK_INT("moved: again",
	    http_parse_head(&h, b, sizeof(req) - 1, &used), HTTP_PARSE_DONE);
	CHECK("moved: host view in new buffer", h.host.p == b + 25);
	CHECK_MEM("moved: target", h.target.p, h.target.len, "/m", 2);
	CHECK_INT("moved: used", used, sizeof(req) - 1);
	CHECK_MEM("moved: get", http_head_get(&h, "HOST").p, 6, "m.test", 6);
	CHECK("moved: absent field", http_head_get(&h, "X").p == NULL);
	free(b);
	/* An error sticks. */
	http_head_init(&h, fv, 4, NULL);
	CHECK_INT("sticky error", http_parse_head(&h, "GET\n", 4, &used),
	    HTTP_PARSE_ERROR);
	CHECK_INT("sticky error again",
	    http_parse_head(&h, "GET / HTTP/1.1", 14, &used), HTTP_PARSE_ERROR);
	CHECK_INT("sticky error status", h.status, 400);
	CHECK("error has a reason", h.reason != NULL);
}

/*
 * Every byte value in a field name, a field value and a method: accepted
 * exactly when RFC 9110 allows it (tchar per str_is_tchar; field-vchar,
 * SP, HTAB and obs-text in values). Each input runs through run_input.
 */
static void
test_every_byte(void)
{
	char in[64], name[64], done[64];
	const char *want;
	int b, n;

	for (b = 0; b < 256; b++) {
		if (b == '\r' || b == '\n' || b == ':')
			continue;
		n = snprintf(in, sizeof(in),
		    "GET / HTTP/1.1\r\nHost: a\r\nX%c: v\r\n\r\n", b);
		if (n < 0 || (size_t)n >= sizeof(in) ||
		    snprintf(name, sizeof(name), "byte 0x%02x in a name", b) <
		        0)
			exit(2);
		want = str_is_tchar(b) ? "DONE GET / - 1.1 a: none ka -"
		                       : "ERROR 400";
		run_input(name, in, (size_t)n, NULL, NFIELDS, want, 0, NULL);

		n = snprintf(in, sizeof(in),
		    "GET / HTTP/1.1\r\nHost: a\r\nX: a%cb\r\n\r\n", b);
		if (n < 0 || (size_t)n >= sizeof(in) ||
		    snprintf(name, sizeof(name), "byte 0x%02x in a value", b) <
		        0)
			exit(2);
		want = b == '\t' || (b >= 0x20 && b != 0x7f)
		    ? "DONE GET / - 1.1 a: none ka -"
		    : "ERROR 400";
		run_input(name, in, (size_t)n, NULL, NFIELDS, want, 0, NULL);

		if (b == ' ')
			continue;
		n = snprintf(in, sizeof(in),
		    "G%cT / HTTP/1.1\r\nHost: a\r\n\r\n", b);
		if (n < 0 || (size_t)n >= sizeof(in) ||
		    snprintf(name, sizeof(name), "byte 0x%02x in a method", b) <
		        0)
			exit(2);
		if (str_is_tchar(b)) {
			if (snprintf(done, sizeof(done),
			        "DONE G%cT / - 1.1 a: none ka -", b) < 0)
				exit(2);
			want = done;
		} else {
			want = "ERROR 400";
		}
		run_input(name, in, (size_t)n, NULL, NFIELDS, want, 0, NULL);
	}
}

int
main(void)
{
	size_t i, len;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		len = rows[i].inlen != 0 ? rows[i].inlen : strlen(rows[i].in);
		run_input(rows[i].name, rows[i].in, len, NULL, NFIELDS,
		    rows[i].want, rows[i].extra, rows[i].fields);
	}
	test_bounds();
	test_every_byte();
	test_moved_buffer();
	return harness_done();
}
