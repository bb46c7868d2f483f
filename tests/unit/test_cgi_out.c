/*
 * test_cgi_out.c - the response side of libcgi: status, headers, cookies,
 * redirects, error pages, HEAD, cgi_html formatting, sticky output errors.
 *
 * Checklist: L-API-06 / V-11-d (header injection refused, nothing sent),
 * L-API-07 (status range), L-API-08 (redirect targets), L-3875-4.3.3
 * (HEAD: headers only), L-3875-6.3.1 / L-HTML-07 (default type with
 * charset, nosniff), L-3875-6.3.4 (connection fields refused),
 * L-CK-08..16 (cookie attributes and refusals), L-API-10 (EPIPE is sticky,
 * no SIGPIPE death), V-20-a (error pages echo nothing), L-3875-8.2-d
 * (CGI fields first), L-3875-6.2.1 (a document always has a type),
 * L-3875-6.2.3/6.2.4 (redirects are with document and carry Status),
 * L-3875-6.3.3 and 4.3.4 (HTTP/1.0 gets HTTP/1.0 codes and methods),
 * L-3875-5.2 (NPH responses), L-API-09 (cgi_fail: details to stderr
 * only), L-3875-8.2-b and 4.3.2 (cgi_want_form: 415 for a non-form body).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cgi.h"
#include "cgi_cli.h"
#include "cgi_req.h"
#include "cgi_rig.h"
#include "harness.h"

#define DEFAULT_HEAD                                                           \
	"Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"         \
	"X-Content-Type-Options: nosniff\r\n\r\n"

static const char *const get_env[] = { "REQUEST_METHOD=GET", NULL };
static const char *const head_env[] = { "REQUEST_METHOD=HEAD", NULL };
static const char *const https_env[] = { "REQUEST_METHOD=GET", "HTTPS=on",
	NULL };

static void
test_defaults(void)
{
	struct rig g;
	cgi_req *r = rig_open(&g, get_env);

	CHECK_INT("write", cgi_puts(r, "hi"), CGI_OK);
	CHECK_INT("finish", rig_close(&g), 0);
	CHECK_STR("L-3875-6.3.1/6.2.1/L-HTML-07 default head", buf_cstr(&g.out),
	    "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "X-Content-Type-Options: nosniff\r\n\r\nhi");
	rig_fini(&g);

	r = rig_open(&g, get_env);
	CHECK_INT("L-3875-6.1 empty response still has a head", rig_close(&g),
	    0);
	CHECK_STR("empty response", buf_cstr(&g.out),
	    "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "X-Content-Type-Options: nosniff\r\n\r\n");
	rig_fini(&g);
}

static const struct {
	const char *name;
	const char *field;
	const char *value;
	enum cgi_err want;
} header_rows[] = {
	{ "plain header", "X-Frame-Options", "DENY", CGI_OK },
	{ "obs-text allowed", "X-Name", "caf\xC3\xA9", CGI_OK },
	{ "HTAB allowed", "X-Tab", "a\tb", CGI_OK },
	{ "empty value allowed", "X-Empty", "", CGI_OK },
	{ "V-11-d CRLF splitting", "X", "a\r\nSet-Cookie: x=1", CGI_EHEADER },
	{ "bare LF", "X", "a\nb", CGI_EHEADER },
	{ "bare CR", "X", "a\rb", CGI_EHEADER },
	{ "vertical tab", "X", "a\x0b", CGI_EHEADER },
	{ "DEL", "X", "a\x7f", CGI_EHEADER },
	{ "name with space", "X Y", "v", CGI_EHEADER },
	{ "name with colon", "X:Y", "v", CGI_EHEADER },
	{ "name with CR", "X\r", "v", CGI_EHEADER },
	{ "empty name", "", "v", CGI_EHEADER },
	{ "L-3875-6.3.4 Connection", "Connection", "close", CGI_EHEADER },
	{ "L-3875-6.3.4 Transfer-Encoding", "transfer-encoding", "chunked",
	    CGI_EHEADER },
	{ "Content-Length is the server's", "Content-Length", "5",
	    CGI_EHEADER },
	{ "Keep-Alive", "Keep-Alive", "timeout=5", CGI_EHEADER },
	{ "Status goes through cgi_status", "Status", "200 OK", CGI_EHEADER },
	{ "Location goes through cgi_redirect", "Location", "/x", CGI_EHEADER },
	{ "NULL value", "X", NULL, CGI_EINVAL },
};

static void
test_headers(void)
{
	struct rig g;
	cgi_req *r;
	size_t i;

	for (i = 0; i < sizeof(header_rows) / sizeof(header_rows[0]); i++) {
		r = rig_open(&g, get_env);
		CHECK_INT(header_rows[i].name,
		    cgi_header_set(r, header_rows[i].field,
		        header_rows[i].value),
		    header_rows[i].want);
		CHECK_INT(header_rows[i].name,
		    cgi_header_add(r, header_rows[i].field,
		        header_rows[i].value),
		    header_rows[i].want);
		CHECK_INT(header_rows[i].name, rig_close(&g), 0);
		/* Refused means not sent, not even partly. */
		if (header_rows[i].want != CGI_OK)
			CHECK_STR(header_rows[i].name, buf_cstr(&g.out),
			    DEFAULT_HEAD);
		rig_fini(&g);
	}

	r = rig_open(&g, get_env);
	CHECK_INT("add a", cgi_header_add(r, "X-A", "1"), CGI_OK);
	CHECK_INT("add a again", cgi_header_add(r, "x-a", "2"), CGI_OK);
	CHECK_INT("add b", cgi_header_add(r, "X-B", "3"), CGI_OK);
	CHECK_INT("set replaces both", cgi_header_set(r, "X-A", "9"), CGI_OK);
	CHECK_INT("type", cgi_type(r, "text/plain; charset=utf-8"), CGI_OK);
	CHECK_INT("type via header_set",
	    cgi_header_set(r, "content-type", "text/csv"), CGI_OK);
	CHECK_INT("type with CRLF refused", cgi_type(r, "text/html\r\nX: y"),
	    CGI_EHEADER);
	CHECK_INT("nosniff replaceable",
	    cgi_header_set(r, "X-Content-Type-Options", "nosniff"), CGI_OK);
	CHECK_INT("L-3875-6.3 second status replaces", cgi_status(r, 201),
	    CGI_OK);
	CHECK_INT("status 404", cgi_status(r, 404), CGI_OK);
	CHECK_INT("L-API-07 1xx refused", cgi_status(r, 100), CGI_EINVAL);
	CHECK_INT("L-API-07 600 refused", cgi_status(r, 600), CGI_EINVAL);
	CHECK_INT("L-API-07 99 refused", cgi_status(r, 99), CGI_EINVAL);
	CHECK_INT("body", cgi_puts(r, "x"), CGI_OK);
	CHECK_INT("header after body: too late", cgi_header_set(r, "X-C", "1"),
	    CGI_ESTATE);
	CHECK_INT("status after body: too late", cgi_status(r, 500),
	    CGI_ESTATE);
	CHECK_INT("finish", rig_close(&g), 0);
	CHECK_STR("header order and replacement", buf_cstr(&g.out),
	    "Status: 404 Not Found\r\nContent-Type: text/csv\r\n"
	    "X-A: 9\r\nX-B: 3\r\nX-Content-Type-Options: nosniff\r\n\r\nx");
	rig_fini(&g);
}

static void
test_head(void)
{
	struct rig g;
	cgi_req *r = rig_open(&g, head_env);

	CHECK_INT("HEAD write ok", cgi_puts(r, "<h1>body</h1>"), CGI_OK);
	CHECK_INT("HEAD html ok", cgi_html(r, "%s", "x"), CGI_OK);
	CHECK_INT("HEAD finish", rig_close(&g), 0);
	CHECK_STR("L-3875-4.3.3 HEAD: headers only", buf_cstr(&g.out),
	    "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "X-Content-Type-Options: nosniff\r\n\r\n");
	rig_fini(&g);
}

static const struct {
	const char *name;
	const char *const *env;
	struct cgi_cookie c;
	enum cgi_err want;
	const char *line; /* the Set-Cookie value when CGI_OK */
} cookie_rows[] = {
	{ "defaults over http", get_env, { .name = "sid", .value = "abc" },
	    CGI_OK, "sid=abc; Path=/; HttpOnly; SameSite=Lax" },
	{ "defaults over https add Secure", https_env,
	    { .name = "sid", .value = "abc" }, CGI_OK,
	    "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax" },
	{ "NO_SECURE over https", https_env,
	    { .name = "a", .value = "1", .flags = CGI_COOKIE_NO_SECURE },
	    CGI_OK, "a=1; Path=/; HttpOnly; SameSite=Lax" },
	{ "everything", get_env,
	    { .name = "a",
	        .value = "\"q\"",
	        .path = "/app",
	        .domain = "example.org",
	        .max_age = 3600,
	        .samesite = CGI_SAMESITE_STRICT,
	        .flags = CGI_COOKIE_SECURE | CGI_COOKIE_NO_HTTPONLY |
	            CGI_COOKIE_PARTITIONED },
	    CGI_OK,
	    "a=\"q\"; Path=/app; Domain=example.org; Max-Age=3600; Secure; "
	    "SameSite=Strict; Partitioned" },
	{ "empty value", get_env, { .name = "a", .value = "" }, CGI_OK,
	    "a=; Path=/; HttpOnly; SameSite=Lax" },
	{ "L-CK-09 value with ;", get_env, { .name = "a", .value = "1;b=2" },
	    CGI_EHEADER, NULL },
	{ "L-CK-09 value with ,", get_env, { .name = "a", .value = "1,2" },
	    CGI_EHEADER, NULL },
	{ "L-CK-09 value with space", get_env, { .name = "a", .value = "1 2" },
	    CGI_EHEADER, NULL },
	{ "L-CK-09 value with backslash", get_env,
	    { .name = "a", .value = "1\\" }, CGI_EHEADER, NULL },
	{ "L-CK-09 value with inner quote", get_env,
	    { .name = "a", .value = "a\"b" }, CGI_EHEADER, NULL },
	{ "L-CK-09 value with CRLF", get_env,
	    { .name = "a", .value = "1\r\nX: y" }, CGI_EHEADER, NULL },
	{ "L-CK-09 value non-ascii", get_env,
	    { .name = "a", .value = "\xC3\xA9" }, CGI_EHEADER, NULL },
	{ "L-CK-09 name with =", get_env, { .name = "a=b", .value = "1" },
	    CGI_EHEADER, NULL },
	{ "L-CK-09 empty name", get_env, { .name = "", .value = "1" },
	    CGI_EHEADER, NULL },
	{ "L-CK-11 path with ;", get_env,
	    { .name = "a", .value = "1", .path = "/x;Domain=evil" },
	    CGI_EHEADER, NULL },
	{ "L-CK-11 domain with space", get_env,
	    { .name = "a", .value = "1", .domain = "a b" }, CGI_EHEADER, NULL },
	{ "L-CK-13 SameSite=None without Secure", get_env,
	    { .name = "a", .value = "1", .samesite = CGI_SAMESITE_NONE },
	    CGI_EHEADER, NULL },
	{ "L-CK-13 SameSite=None over https", https_env,
	    { .name = "a", .value = "1", .samesite = CGI_SAMESITE_NONE },
	    CGI_OK, "a=1; Path=/; Secure; HttpOnly; SameSite=None" },
	{ "L-CK-14 Partitioned without Secure", get_env,
	    { .name = "a", .value = "1", .flags = CGI_COOKIE_PARTITIONED },
	    CGI_EHEADER, NULL },
	{ "L-CK-15 __Secure- without Secure", get_env,
	    { .name = "__Secure-a", .value = "1" }, CGI_EHEADER, NULL },
	{ "L-CK-15 __Host- with Domain", https_env,
	    { .name = "__Host-a", .value = "1", .domain = "example.org" },
	    CGI_EHEADER, NULL },
	{ "L-CK-15 __Host- with Path=/x", https_env,
	    { .name = "__Host-a", .value = "1", .path = "/x" }, CGI_EHEADER,
	    NULL },
	{ "L-CK-15 __Host- done right", https_env,
	    { .name = "__Host-a", .value = "1" }, CGI_OK,
	    "__Host-a=1; Path=/; Secure; HttpOnly; SameSite=Lax" },
	{ "negative max_age", get_env,
	    { .name = "a", .value = "1", .max_age = -1 }, CGI_EHEADER, NULL },
};

static void
test_cookies(void)
{
	struct rig g;
	cgi_req *r;
	char big[4100], want[200];
	size_t i;

	for (i = 0; i < sizeof(cookie_rows) / sizeof(cookie_rows[0]); i++) {
		r = rig_open(&g, cookie_rows[i].env);
		CHECK_INT(cookie_rows[i].name,
		    cgi_cookie_set(r, &cookie_rows[i].c), cookie_rows[i].want);
		CHECK_INT(cookie_rows[i].name, rig_close(&g), 0);
		if (cookie_rows[i].line != NULL) {
			(void)snprintf(want, sizeof(want),
			    "\r\nSet-Cookie: %s\r\n", cookie_rows[i].line);
			CHECK(cookie_rows[i].name,
			    strstr(buf_cstr(&g.out), want) != NULL);
		} else {
			CHECK(cookie_rows[i].name,
			    strstr(buf_cstr(&g.out), "Set-Cookie") == NULL);
		}
		rig_fini(&g);
	}

	r = rig_open(&g, get_env);
	CHECK_INT("L-CK-08 first",
	    cgi_cookie_set(r,
	        &(struct cgi_cookie){ .name = "a", .value = "1" }),
	    CGI_OK);
	CHECK_INT("other name",
	    cgi_cookie_set(r,
	        &(struct cgi_cookie){ .name = "ab", .value = "3" }),
	    CGI_OK);
	CHECK_INT("L-CK-08 second replaces",
	    cgi_cookie_set(r,
	        &(struct cgi_cookie){ .name = "a", .value = "2" }),
	    CGI_OK);
	CHECK_INT("L-CK-10 delete", cgi_cookie_delete(r, "old", NULL), CGI_OK);
	memset(big, 'v', sizeof(big));
	big[4096] = '\0';
	CHECK_INT("L-CK-16 name+value over 4096",
	    cgi_cookie_set(r,
	        &(struct cgi_cookie){ .name = "b", .value = big }),
	    CGI_EHEADER);
	big[4095] = '\0';
	CHECK_INT("L-CK-16 name+value at 4096",
	    cgi_cookie_set(r,
	        &(struct cgi_cookie){ .name = "b", .value = big }),
	    CGI_OK);
	CHECK_INT("finish", rig_close(&g), 0);
	CHECK("L-CK-08 one line per name",
	    strstr(buf_cstr(&g.out), "Set-Cookie: a=1") == NULL &&
	        strstr(buf_cstr(&g.out), "Set-Cookie: a=2; Path=/") != NULL &&
	        strstr(buf_cstr(&g.out), "Set-Cookie: ab=3") != NULL);
	CHECK("L-CK-10 delete line",
	    strstr(buf_cstr(&g.out),
	        "Set-Cookie: old=; Path=/; Max-Age=0; "
	        "Expires=Thu, 01 Jan 1970 00:00:00 GMT\r\n") != NULL);
	rig_fini(&g);
}

static const struct {
	const char *name;
	const char *url;
	int code;
	enum cgi_err want;
	const char *status;
} redirect_rows[] = {
	{ "local path, default 303", "/thanks?x=1", 0, CGI_OK,
	    "Status: 303 See Other\r\n" },
	{ "absolute https 302", "https://example.org/a", 302, CGI_OK,
	    "Status: 302 Found\r\n" },
	{ "absolute http 308", "HTTP://example.org", 308, CGI_OK,
	    "Status: 308 Permanent Redirect\r\n" },
	{ "L-API-08 //evil.test", "//evil.test/", 0, CGI_EINVAL, NULL },
	{ "L-API-08 /\\evil.test", "/\\evil.test", 0, CGI_EINVAL, NULL },
	{ "L-API-08 javascript:", "javascript:alert(1)", 0, CGI_EINVAL, NULL },
	{ "L-API-08 data:", "data:text/html,x", 0, CGI_EINVAL, NULL },
	{ "L-3875-6.3.2 relative foo/bar", "foo/bar", 0, CGI_EINVAL, NULL },
	{ "https:/// no host", "https:///x", 0, CGI_EINVAL, NULL },
	{ "CRLF in url", "/a\r\nSet-Cookie: x=1", 0, CGI_EINVAL, NULL },
	{ "space in url", "/a b", 0, CGI_EINVAL, NULL },
	{ "quote in url", "/a\"><script>", 0, CGI_EINVAL, NULL },
	{ "L-3875-6.2.2 fragment in a local path", "/x#top", 0, CGI_EINVAL,
	    NULL },
	{ "fragment in an absolute URL", "https://example.org/x#top", 0, CGI_OK,
	    "Status: 303 See Other\r\n" },
	{ "code 200 refused", "/x", 200, CGI_EINVAL, NULL },
	{ "code 304 refused", "/x", 304, CGI_EINVAL, NULL },
};

static void
test_redirect(void)
{
	struct rig g;
	cgi_req *r;
	size_t i;

	for (i = 0; i < sizeof(redirect_rows) / sizeof(redirect_rows[0]); i++) {
		r = rig_open(&g, get_env);
		CHECK_INT(redirect_rows[i].name,
		    cgi_redirect(r, redirect_rows[i].url,
		        redirect_rows[i].code),
		    redirect_rows[i].want);
		if (redirect_rows[i].want == CGI_OK)
			CHECK_INT("L-3875-6.2 response complete after redirect",
			    cgi_puts(r, "more"), CGI_ESTATE);
		CHECK_INT(redirect_rows[i].name, rig_close(&g), 0);
		if (redirect_rows[i].status != NULL) {
			CHECK(redirect_rows[i].name,
			    strncmp(buf_cstr(&g.out), redirect_rows[i].status,
			        strlen(redirect_rows[i].status)) == 0);
			CHECK(redirect_rows[i].name,
			    strstr(buf_cstr(&g.out), "\r\nLocation: ") != NULL);
			CHECK(redirect_rows[i].name,
			    strstr(buf_cstr(&g.out), "more") == NULL);
		} else {
			CHECK(redirect_rows[i].name,
			    strstr(buf_cstr(&g.out), "Location") == NULL);
		}
		rig_fini(&g);

		/* A FastCGI request aborted by the server: the flush fails. */
		r = rig_open(&g, get_env);
		g.fail_flush = 1;
		CHECK_INT("failed transport flush", cgi_flush(r), CGI_EIO);
		CHECK_INT("sticky after failed flush", cgi_puts(r, "x"),
		    CGI_EIO);
		CHECK_INT("finish -1 after failed flush", rig_close(&g), -1);
		rig_fini(&g);
	}
}

static void
test_error_page(void)
{
	static const char *const env[] = { "REQUEST_METHOD=GET",
		"QUERY_STRING=<script>x</script>", NULL };
	struct rig g;
	cgi_req *r = rig_open(&g, env);

	CHECK_INT("type set first", cgi_type(r, "text/plain"), CGI_OK);
	CHECK_INT("error page 404", cgi_error_page(r, 404), CGI_OK);
	CHECK_INT("complete after error page", cgi_puts(r, "x"), CGI_ESTATE);
	CHECK_INT("finish", rig_close(&g), 0);
	CHECK("error page status and html type",
	    strncmp(buf_cstr(&g.out),
	        "Status: 404 Not Found\r\n"
	        "Content-Type: text/html; charset=utf-8\r\n",
	        63) == 0);
	CHECK("error page body",
	    strstr(buf_cstr(&g.out), "<h1>404 Not Found</h1>") != NULL);
	CHECK("V-20-a nothing echoed",
	    strstr(buf_cstr(&g.out), "script") == NULL);
	rig_fini(&g);

	r = rig_open(&g, get_env);
	CHECK_INT("error page 302 refused", cgi_error_page(r, 302), CGI_EINVAL);
	CHECK_INT("error page 600 refused", cgi_error_page(r, 600), CGI_EINVAL);
	(void)rig_close(&g);
	rig_fini(&g);
}

static const struct {
	const char *name;
	const char *fmt;
	const char *arg;
	const char *out;
} html_rows[] = {
	{ "L-HTML-08 %s escaped", "<h1>Hello %s!</h1>",
	    "<script>alert(1)</script>",
	    "<h1>Hello &lt;script&gt;alert(1)&lt;/script&gt;!</h1>" },
	{ "attribute value", "<input value=\"%s\">", "\" autofocus x=\"",
	    "<input value=\"&quot; autofocus x=&quot;\">" },
	{ "precision counts input bytes", "[%.3s]", "<<<<", "[&lt;&lt;&lt;]" },
	{ "width pads", "[%5s]", "<", "[    &lt;]" },
	{ "left width", "[%-3s]", "&", "[&amp;  ]" },
	{ "%% literal", "100%% %s", "&", "100% &amp;" },
	{ "format text not escaped", "<b>%s</b>", "", "<b></b>" },
	{ "NULL %s", "%s", NULL, "(null)" },
};

/* The bad formats below are the point: the compiler's check is off. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void
test_html(void)
{
	struct rig g;
	cgi_req *r;
	const char *body;
	size_t i;

	for (i = 0; i < sizeof(html_rows) / sizeof(html_rows[0]); i++) {
		r = rig_open(&g, get_env);
		CHECK_INT(html_rows[i].name,
		    cgi_html(r, html_rows[i].fmt, html_rows[i].arg), CGI_OK);
		(void)rig_close(&g);
		body = strstr(buf_cstr(&g.out), "\r\n\r\n");
		CHECK_STR(html_rows[i].name, body != NULL ? body + 4 : NULL,
		    html_rows[i].out);
		rig_fini(&g);
	}

	r = rig_open(&g, get_env);
	CHECK_INT("numbers as printf",
	    cgi_html(r, "%d|%5.2f|%x|%lld|%zu|%c|%*d|%-4u|%+i|%%", -42, 3.14159,
	        255u, -9000000000LL, (size_t)7, '<', 3, 5, 9u, 1),
	    CGI_OK);
	CHECK_INT("star precision and negative star width",
	    cgi_html(r, "[%.*s|%*s|%-*s]", 2, "<<<", -3, "&", 2, ">"), CGI_OK);
	CHECK_INT("%n refused", cgi_html(r, "%s%n", "a", (int *)NULL),
	    CGI_EINVAL);
	CHECK_INT("bad length modifier refused", cgi_html(r, "%lhd", 1),
	    CGI_EINVAL);
	CHECK_INT("dangling % refused", cgi_html(r, "abc%"), CGI_EINVAL);
	(void)rig_close(&g);
	body = strstr(buf_cstr(&g.out), "\r\n\r\n");
	CHECK_STR("numbers as printf", body != NULL ? body + 4 : NULL,
	    "-42| 3.14|ff|-9000000000|7|&lt;|  5|9   |+1|%"
	    "[&lt;&lt;|&amp;  |&gt; ]");
	rig_fini(&g);
}
#pragma GCC diagnostic pop

static const struct {
	const char *name;
	const char *method;
	const char *proto;
	const char *allowed;
	bool ok;
	const char *head; /* start of the response when refused */
} allow_rows[] = {
	{ "GET allowed", "GET", "HTTP/1.1", "GET, POST", true, NULL },
	{ "POST allowed", "POST", "HTTP/1.1", "GET,POST", true, NULL },
	{ "HEAD rides on GET", "HEAD", "HTTP/1.1", "GET", true, NULL },
	{ "L-3875-4.3 DELETE on HTTP/1.1: 405 + Allow", "DELETE", "HTTP/1.1",
	    "GET, POST", false,
	    "Status: 405 Method Not Allowed\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Allow: GET, POST\r\n" },
	{ "L-3875-4.3 DELETE on HTTP/1.0: 501", "DELETE", "HTTP/1.0", "GET",
	    false, "Status: 501 Not Implemented\r\n" },
	{ "L-3875-4.3.4 PUT allowed on HTTP/1.1", "PUT", "HTTP/1.1", "GET, PUT",
	    true, NULL },
	{ "L-3875-4.3.4 PUT listed but HTTP/1.0: 501", "PUT", "HTTP/1.0",
	    "GET, PUT", false, "Status: 501 Not Implemented\r\n" },
	{ "L-3875-4.3.4 DELETE listed, no SERVER_PROTOCOL: 501", "DELETE", "",
	    "DELETE", false, "Status: 501 Not Implemented\r\n" },
	{ "L-3875-4.3.4 POST listed on HTTP/1.0", "POST", "HTTP/1.0", "POST",
	    true, NULL },
	{ "L-3875-4.1.16 INCLUDED is HTTP/1.0", "PUT", "INCLUDED", "GET", false,
	    "Status: 501 Not Implemented\r\n" },
	{ "L-3875-4.1.4 numeric versions", "PUT", "HTTP/01.10", "GET", false,
	    "Status: 405 Method Not Allowed\r\n" },
	{ "method names are case-sensitive", "get", "HTTP/1.1", "GET", false,
	    "Status: 405" },
	{ "prefix is no match", "GE", "HTTP/1.1", "GET", false, "Status: 405" },
	{ "POST does not ride on GET", "POST", "HTTP/1.1", "GET", false,
	    "Status: 405" },
};

static void
test_allow(void)
{
	char m[64], p[64];
	const char *env[3] = { m, p, NULL };
	struct rig g;
	cgi_req *r;
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(allow_rows) / sizeof(allow_rows[0]); i++) {
		(void)snprintf(m, sizeof(m), "REQUEST_METHOD=%s",
		    allow_rows[i].method);
		(void)snprintf(p, sizeof(p), "SERVER_PROTOCOL=%s",
		    allow_rows[i].proto);
		r = rig_open(&g, env);
		ok = cgi_allow(r, allow_rows[i].allowed);
		CHECK_INT(allow_rows[i].name, ok, allow_rows[i].ok);
		if (!ok)
			CHECK_INT("refused: response complete",
			    cgi_puts(r, "x"), CGI_ESTATE);
		(void)rig_close(&g);
		if (allow_rows[i].head != NULL)
			CHECK(allow_rows[i].name,
			    strncmp(buf_cstr(&g.out), allow_rows[i].head,
			        strlen(allow_rows[i].head)) == 0);
		else
			CHECK_STR(allow_rows[i].name, buf_cstr(&g.out),
			    DEFAULT_HEAD);
		rig_fini(&g);
	}
}

/* A real pipe whose reader is gone: the EPIPE path of a CGI program whose
 * client disconnected (L-API-10, L-3875-3.4). cgi_open ignores SIGPIPE,
 * so the process survives and the error sticks. */
static void
test_sticky(void)
{
	char **argv = rig_argv((const char *const[]){ "prog", "name=x", NULL });
	char big[70000];
	cgi_app *app;
	cgi_req *r;
	int p[2], saved;
	enum cgi_err e;
	int i, rc;

	if (unsetenv("GATEWAY_INTERFACE") == -1 || pipe(p) == -1 ||
	    (saved = dup(STDOUT_FILENO)) == -1)
		exit(2);
	(void)close(p[0]);
	if (dup2(p[1], STDOUT_FILENO) == -1)
		exit(2);
	(void)close(p[1]);
	app = cgi_open(2, argv, NULL);
	r = cgi_accept(app);
	CHECK("terminal request", r != NULL);
	memset(big, 'x', sizeof(big));
	e = CGI_OK;
	for (i = 0; i < 5 && e == CGI_OK; i++)
		e = cgi_write(r, big, sizeof(big));
	CHECK_INT("L-API-10 write into a closed pipe fails", e, CGI_EIO);
	CHECK_INT("sticky: later write is a no-op error", cgi_puts(r, "x"),
	    CGI_EIO);
	CHECK_INT("sticky: html too", cgi_html(r, "%s", "x"), CGI_EIO);
	CHECK_INT("sticky: flush too", cgi_flush(r), CGI_EIO);
	CHECK_INT("sticky: headers refused too", cgi_header_set(r, "X", "1"),
	    CGI_EIO);
	rc = cgi_finish(r);
	CHECK_INT("cgi_finish reports lost output", rc, -1);
	CHECK_INT("exit status says so", cgi_close(app), 1);
	if (dup2(saved, STDOUT_FILENO) == -1)
		exit(2);
	(void)close(saved);
	rig_argv_free(argv);

	/* The same through a transport that fails (FastCGI abort). */
	{
		struct rig g;

		r = rig_open(&g, get_env);
		CHECK_INT("flush before failure", cgi_flush(r), CGI_OK);
		CHECK_INT("cgi_flush pushes the transport's buffer too",
		    g.nflush, 1);
		g.fail_writes = 1;
		CHECK_INT("buffered write ok", cgi_puts(r, "a"), CGI_OK);
		CHECK_INT("flush fails", cgi_flush(r), CGI_EIO);
		g.fail_writes = 0;
		CHECK_INT("still failed after transport recovers",
		    cgi_puts(r, "b"), CGI_EIO);
		CHECK_INT("finish -1", rig_close(&g), -1);
		CHECK("nothing after the failure",
		    strchr(buf_cstr(&g.out), 'b') == NULL);
		rig_fini(&g);

		/* A FastCGI request aborted by the server: the flush fails. */
		r = rig_open(&g, get_env);
		g.fail_flush = 1;
		CHECK_INT("failed transport flush", cgi_flush(r), CGI_EIO);
		CHECK_INT("sticky after failed flush", cgi_puts(r, "x"),
		    CGI_EIO);
		CHECK_INT("finish -1 after failed flush", rig_close(&g), -1);
		rig_fini(&g);
	}
}

/* RFC 3875 6.3.3: the redirect code each protocol gets. */
static const struct {
	const char *proto; /* NULL: SERVER_PROTOCOL unset */
	int code, want;
} redirect_proto_rows[] = {
	{ "HTTP/1.1", 0, 303 },
	{ "HTTP/1.1", 307, 307 },
	{ "HTTP/1.1", 308, 308 },
	{ "HTTP/2.0", 303, 303 },
	{ "HTTP/1.0", 0, 302 },
	{ "HTTP/1.0", 303, 302 },
	{ "HTTP/1.0", 307, 302 },
	{ "HTTP/1.0", 308, 301 },
	{ "HTTP/1.0", 301, 301 },
	{ "HTTP/1.0", 302, 302 },
	{ "INCLUDED", 303, 302 },
	{ NULL, 303, 303 },
	{ NULL, 308, 308 },
};

static void
test_redirect_proto(void)
{
	char p[64], want[64];
	const char *env[3] = { "REQUEST_METHOD=POST", p, NULL };
	struct rig g;
	cgi_req *r;
	size_t i;

	for (i = 0;
	     i < sizeof(redirect_proto_rows) / sizeof(redirect_proto_rows[0]);
	     i++) {
		(void)snprintf(p, sizeof(p), "SERVER_PROTOCOL=%s",
		    redirect_proto_rows[i].proto != NULL
		        ? redirect_proto_rows[i].proto
		        : "");
		env[1] = redirect_proto_rows[i].proto != NULL ? p : NULL;
		r = rig_open(&g, env);
		CHECK_INT("redirect",
		    cgi_redirect(r, "/done", redirect_proto_rows[i].code),
		    CGI_OK);
		(void)rig_close(&g);
		(void)snprintf(want, sizeof(want), "Status: %d ",
		    redirect_proto_rows[i].want);
		CHECK("L-3875-6.3.3 redirect code for the protocol",
		    strncmp(buf_cstr(&g.out), want, strlen(want)) == 0);
		rig_fini(&g);
	}
}

/*
 * L-3875-6.2.3/6.2.4: cgi_redirect's response is the client redirect
 * with document: Status, then Content-Type (the CGI fields first), then
 * Location, and a body. A bare client redirect (Location alone, which
 * allows no other field) is never produced, so a cookie set before the
 * redirect, as after a login, is legitimately part of it.
 */
static void
test_redirect_document(void)
{
	struct cgi_cookie c = { .name = "sid", .value = "1" };
	const char *out, *body;
	struct rig g;
	cgi_req *r = rig_open(&g, get_env);

	CHECK_INT("cookie before redirect", cgi_cookie_set(r, &c), CGI_OK);
	CHECK_INT("redirect", cgi_redirect(r, "/home", 302), CGI_OK);
	(void)rig_close(&g);
	out = buf_cstr(&g.out);
	CHECK("L-3875-6.2.4 Status first",
	    strncmp(out,
	        "Status: 302 Found\r\nContent-Type: text/html; "
	        "charset=utf-8\r\n",
	        58) == 0);
	CHECK("L-3875-6.2.4 Location", strstr(out, "\r\nLocation: /home\r\n"));
	CHECK("L-3875-6.2.3 the cookie rides with the document",
	    strstr(out, "\r\nSet-Cookie: sid=1;") != NULL);
	body = strstr(out, "\r\n\r\n");
	CHECK("L-3875-6.2.3 a document follows, naming the link",
	    body != NULL && strstr(body, "href=\"/home\"") != NULL);
	rig_fini(&g);
}

/* L-3875-8.2-d: Status and Content-Type lead, whatever the program set
 * first. */
static void
test_field_order(void)
{
	struct cgi_cookie c = { .name = "a", .value = "1" };
	struct rig g;
	cgi_req *r = rig_open(&g, get_env);

	CHECK_INT("header first", cgi_header_set(r, "X-First", "1"), CGI_OK);
	CHECK_INT("cookie", cgi_cookie_set(r, &c), CGI_OK);
	CHECK_INT("status after", cgi_status(r, 201), CGI_OK);
	CHECK_INT("type after", cgi_type(r, "text/plain"), CGI_OK);
	CHECK_INT("body", cgi_puts(r, "x"), CGI_OK);
	(void)rig_close(&g);
	CHECK_STR("L-3875-8.2-d CGI fields first", buf_cstr(&g.out),
	    "Status: 201 Created\r\nContent-Type: text/plain\r\n"
	    "X-First: 1\r\n"
	    "Set-Cookie: a=1; Path=/; HttpOnly; SameSite=Lax\r\n"
	    "X-Content-Type-Options: nosniff\r\n\r\nx");
	rig_fini(&g);
}

/* Checks an IMF-fixdate (RFC 9110 5.6.7) at p within 5 s of now. */
static bool
fresh_imf_date(const char *p)
{
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(p, "%a, %d %b %Y %H:%M:%S GMT", &tm)) == NULL ||
	    end - p != 29 || strncmp(end, "\r\n", 2) != 0)
		return false;
	t = timegm(&tm);
	return t != (time_t)-1 && labs((long)(time(NULL) - t)) <= 5;
}

static const struct {
	const char *name, *method, *proto; /* proto NULL: unset */
	int status;                        /* 0: a 200 page with a body */
	const char *line;                  /* the status line */
	bool body;
} nph_rows[] = {
	{ "L-3875-5.2 HTTP/1.1 document", "GET", "HTTP/1.1", 0,
	    "HTTP/1.1 200 OK\r\n", true },
	{ "L-3875-5.2 HTTP/1.0 client gets 1.0", "GET", "HTTP/1.0", 404,
	    "HTTP/1.0 404 Not Found\r\n", true },
	{ "L-3875-5.2 INCLUDED is 1.0", "GET", "INCLUDED", 0,
	    "HTTP/1.0 200 OK\r\n", true },
	{ "L-3875-5.2 HTTP/2.0 client", "GET", "HTTP/2.0", 0,
	    "HTTP/1.1 200 OK\r\n", true },
	{ "L-3875-5.2 HEAD: no body", "HEAD", "HTTP/1.1", 0,
	    "HTTP/1.1 200 OK\r\n", false },
};

static void
test_nph(void)
{
	char m[64], p[64];
	static const char nph_head[] =
	    "Connection: close\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "X-A: 1\r\nX-Content-Type-Options: nosniff\r\n\r\n";
	const char *env[3] = { m, p, NULL }, *out, *hdrs;
	struct rig g;
	cgi_req *r;
	size_t i, n;

	for (i = 0; i < sizeof(nph_rows) / sizeof(nph_rows[0]); i++) {
		(void)snprintf(m, sizeof(m), "REQUEST_METHOD=%s",
		    nph_rows[i].method);
		(void)snprintf(p, sizeof(p), "SERVER_PROTOCOL=%s",
		    nph_rows[i].proto);
		r = rig_open(&g, env);
		CHECK_INT(nph_rows[i].name, cgi_nph(r), CGI_OK);
		CHECK_INT("a header", cgi_header_set(r, "X-A", "1"), CGI_OK);
		if (nph_rows[i].status != 0)
			CHECK_INT(nph_rows[i].name,
			    cgi_error_page(r, nph_rows[i].status), CGI_OK);
		else
			CHECK_INT(nph_rows[i].name, cgi_puts(r, "hi"), CGI_OK);
		CHECK_INT(nph_rows[i].name, rig_close(&g), 0);
		out = buf_cstr(&g.out);
		n = strlen(nph_rows[i].line);
		CHECK(nph_rows[i].name, strncmp(out, nph_rows[i].line, n) == 0);
		CHECK(nph_rows[i].name,
		    strncmp(out + n, "Date: ", 6) == 0 &&
		        fresh_imf_date(out + n + 6));
		hdrs = out + n + 6 + 29 + 2;
		CHECK(nph_rows[i].name,
		    strncmp(hdrs, nph_head, sizeof(nph_head) - 1) == 0);
		CHECK("L-3875-5.2 no CGI Status field",
		    strstr(out, "Status:") == NULL);
		CHECK(nph_rows[i].name,
		    (strlen(hdrs) > sizeof(nph_head) - 1) == nph_rows[i].body);
		rig_fini(&g);
	}

	r = rig_open(&g, get_env);
	CHECK_INT("output first", cgi_puts(r, "x"), CGI_OK);
	CHECK_INT("cgi_flush", cgi_flush(r), CGI_OK);
	CHECK_INT("L-3875-5.2 too late after output", cgi_nph(r), CGI_ESTATE);
	(void)rig_close(&g);
	rig_fini(&g);

	/* FastCGI: the server always parses the response. */
	r = rig_open(&g, get_env);
	r->io.parsed = true;
	CHECK_INT("L-3875-5.2 no NPH over FastCGI", cgi_nph(r), CGI_ENOSYS);
	CHECK_INT("write", cgi_puts(r, "hi"), CGI_OK);
	(void)rig_close(&g);
	CHECK_STR("still a CGI response", buf_cstr(&g.out), DEFAULT_HEAD "hi");
	rig_fini(&g);
}

/* Runs cgi_fail with stderr on a temp file; returns what it wrote. */
static enum cgi_err
fail_captured(cgi_req *r, const char *detail, char *log, size_t n)
{
	FILE *tf = tmpfile();
	enum cgi_err e;
	ssize_t got;
	int fd, saved;

	if (tf == NULL || (fd = fileno(tf)) == -1 ||
	    (saved = dup(STDERR_FILENO)) == -1 || dup2(fd, STDERR_FILENO) == -1)
		exit(2);
	e = cgi_fail(r, "query failed: %s", detail);
	if (dup2(saved, STDERR_FILENO) == -1)
		exit(2);
	(void)close(saved);
	got = pread(fd, log, n - 1, 0);
	log[got > 0 ? got : 0] = '\0';
	(void)fclose(tf);
	return e;
}

static void
test_fail(void)
{
	static const char *const env[] = { "REQUEST_METHOD=GET",
		"SCRIPT_NAME=/cgi-bin/app", NULL };
	char log[512];
	struct buf page;
	struct rig g;
	cgi_req *r;

	/* The client's page: exactly cgi_error_page's 500. */
	r = rig_open(&g, env);
	CHECK_INT("plain 500", cgi_error_page(r, 500), CGI_OK);
	(void)rig_close(&g);
	buf_init(&page, 0);
	(void)buf_append(&page, g.out.data, g.out.len);
	rig_fini(&g);

	r = rig_open(&g, env);
	CHECK_INT("cgi_fail",
	    fail_captured(r, "secret\r\nforged line", log, sizeof(log)),
	    CGI_OK);
	CHECK_INT("complete after cgi_fail", cgi_puts(r, "x"), CGI_ESTATE);
	(void)rig_close(&g);
	CHECK_STR("L-API-09 generic 500 page", buf_cstr(&g.out),
	    buf_cstr(&page));
	CHECK("L-API-09 details not in the body",
	    strstr(buf_cstr(&g.out), "secret") == NULL);
	CHECK_STR("L-API-09 details on stderr, one line", log,
	    "libcgi: /cgi-bin/app: query failed: secret??forged line\n");
	rig_fini(&g);

	r = rig_open(&g, get_env);
	CHECK_INT("output started", cgi_puts(r, "partial"), CGI_OK);
	CHECK_INT("flush", cgi_flush(r), CGI_OK);
	CHECK_INT("L-API-09 too late for a page: still logged",
	    fail_captured(r, "late", log, sizeof(log)), CGI_ESTATE);
	CHECK_STR("late line", log, "libcgi: -: query failed: late\n");
	(void)rig_close(&g);
	rig_fini(&g);
	buf_fini(&page);
}

static const struct {
	const char *name, *ct, *body; /* ct NULL: CONTENT_TYPE unset */
	bool want;
} want_form_rows[] = {
	{ "L-3875-8.2-b urlencoded", "application/x-www-form-urlencoded", "a=1",
	    true },
	{ "L-3875-8.2-b multipart", "multipart/form-data; boundary=B",
	    "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
	    "--B--\r\n",
	    true },
	{ "L-3875-8.2-b text/plain POST: 415", "text/plain", "a=1", false },
	{ "L-3875-8.2-b JSON: 415", "application/json", "{}", false },
	{ "L-3875-8.2-b blank type with a body: 415", NULL, "a=1", false },
	{ "L-3875-8.2-b empty type with a body: 415", "", "a=1", false },
	{ "L-3875-4.3.2 a type but no body is still not a form", "text/plain",
	    "", false },
	{ "L-3875-4.3.2 no type, no body (a GET)", NULL, "", true },
	{ "L-3875-4.3.2 form type, no body",
	    "application/x-www-form-urlencoded", "", true },
};

static void
test_want_form(void)
{
	char ct[128], cl[48];
	const char *env[4];
	enum cgi_err loaded;
	struct rig g;
	cgi_req *r;
	size_t i, k;
	bool ok;

	for (i = 0; i < sizeof(want_form_rows) / sizeof(want_form_rows[0]);
	     i++) {
		k = 0;
		env[k++] = "REQUEST_METHOD=POST";
		(void)snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu",
		    strlen(want_form_rows[i].body));
		env[k++] = cl;
		(void)snprintf(ct, sizeof(ct), "CONTENT_TYPE=%s",
		    want_form_rows[i].ct != NULL ? want_form_rows[i].ct : "");
		if (want_form_rows[i].ct != NULL)
			env[k++] = ct;
		env[k] = NULL;
		r = rig_open_full(&g, env, want_form_rows[i].body,
		    strlen(want_form_rows[i].body), NULL, &loaded, 0);
		CHECK_INT(want_form_rows[i].name, loaded, CGI_OK);
		ok = cgi_want_form(r);
		CHECK_INT(want_form_rows[i].name, ok, want_form_rows[i].want);
		if (ok && *want_form_rows[i].body != '\0')
			CHECK_STR("the form's field", cgi_get(r, "a"), "1");
		(void)rig_close(&g);
		if (ok)
			CHECK_STR(want_form_rows[i].name, buf_cstr(&g.out),
			    DEFAULT_HEAD);
		else
			CHECK(want_form_rows[i].name,
			    strncmp(buf_cstr(&g.out),
			        "Status: 415 Unsupported Media Type\r\n",
			        36) == 0);
		rig_fini(&g);
	}
}

int
main(void)
{
	test_defaults();
	test_headers();
	test_head();
	test_cookies();
	test_redirect();
	test_error_page();
	test_html();
	test_sticky();
	test_allow();
	test_redirect_proto();
	test_redirect_document();
	test_field_order();
	test_nph();
	test_fail();
	test_want_form();
	return harness_done();
}
