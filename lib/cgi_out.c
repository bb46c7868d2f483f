/*
 * cgi_out.c - the response: status, headers and cookies kept until the
 * first body byte, then a buffered body with sticky output errors.
 *
 * Header values are checked here once for every caller (L-API-06, V-11-d):
 * a CR, LF, NUL or other control byte refuses the header instead of
 * sending it. Writing to the transport goes through r->io (cgi_req.h).
 */
#include "cgi_req.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cgi_cli.h"
#include "cgi_escape.h"
#include "http_date.h"
#include "http_status.h"
#include "str.h"

/* RFC 3875 6.3.4 and RFC 9110 7.6.1: the server frames the response and
 * owns the connection; Status goes through cgi_status, Location through
 * cgi_redirect (one of the four response kinds of RFC 3875 6.2). */
static const char *const owned_fields[] = { "Status", "Location",
	"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
	"Upgrade", "Proxy-Connection", "TE", "Trailer" };

static const char *
reason_of(int code)
{
	const char *text = http_status_reason(code);

	if (text != NULL)
		return text;
	return code < 400 ? "Other"
	    : code < 500  ? "Client Error"
	                  : "Server Error";
}

static bool
valid_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!str_is_tchar((unsigned char)*s))
			return false;
	return true;
}

/* RFC 9110 5.5: field-value is VCHAR, obs-text, SP and HTAB only. */
static bool
valid_value(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u != '\0'; u++)
		if ((*u < 0x20 && *u != '\t') || *u == 0x7f)
			return false;
	return true;
}

static enum cgi_err
check_field(const char *name, const char *value)
{
	size_t i;

	if (name == NULL || value == NULL)
		return CGI_EINVAL;
	if (!valid_name(name) || !valid_value(value) ||
	    strlen(name) + strlen(value) > CGI_REQ_HEADER_MAX)
		return CGI_EHEADER;
	for (i = 0; i < sizeof(owned_fields) / sizeof(owned_fields[0]); i++)
		if (strcasecmp(name, owned_fields[i]) == 0)
			return CGI_EHEADER;
	return CGI_OK;
}

static enum cgi_err
can_set(const cgi_req *r)
{
	if (r == NULL)
		return CGI_EINVAL;
	if (r->out_err != CGI_OK)
		return r->out_err;
	if (r->headers_sent || r->complete)
		return CGI_ESTATE;
	return CGI_OK;
}

static void
hdr_remove(cgi_req *r, size_t i)
{
	free(r->hdrs[i].name);
	free(r->hdrs[i].value);
	memmove(&r->hdrs[i], &r->hdrs[i + 1],
	    (r->nhdrs - i - 1) * sizeof(r->hdrs[0]));
	r->nhdrs--;
}

/* Adds name: value without checks; replaces entry at *at if at != NULL. */
static enum cgi_err
hdr_put(cgi_req *r, const char *name, const char *value, size_t *at)
{
	struct cgi_req_hdr h, *p;
	size_t cap;

	h.name = strdup(name);
	h.value = strdup(value);
	if (h.name == NULL || h.value == NULL)
		goto fail;
	if (at != NULL) {
		free(r->hdrs[*at].name);
		free(r->hdrs[*at].value);
		r->hdrs[*at] = h;
		return CGI_OK;
	}
	if (r->nhdrs == r->caphdrs) {
		cap = r->caphdrs == 0 ? 8 : r->caphdrs * 2;
		if ((p = reallocarray(r->hdrs, cap, sizeof(*p))) == NULL)
			goto fail;
		r->hdrs = p;
		r->caphdrs = cap;
	}
	r->hdrs[r->nhdrs++] = h;
	return CGI_OK;
fail:
	free(h.name);
	free(h.value);
	return CGI_ENOMEM;
}

CGI_API enum cgi_err
cgi_status(cgi_req *r, int code)
{
	enum cgi_err e;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	if (code < 200 || code > 599) /* L-API-07: 1xx is the server's */
		return CGI_EINVAL;
	r->status = code;
	return CGI_OK;
}

CGI_API enum cgi_err
cgi_type(cgi_req *r, const char *type)
{
	enum cgi_err e;
	char *t;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	if (type == NULL)
		return CGI_EINVAL;
	if (*type == '\0' || !valid_value(type) ||
	    strlen(type) > CGI_REQ_HEADER_MAX)
		return CGI_EHEADER;
	if ((t = strdup(type)) == NULL)
		return CGI_ENOMEM;
	free(r->type);
	r->type = t;
	return CGI_OK;
}

CGI_API enum cgi_err
cgi_header_set(cgi_req *r, const char *name, const char *value)
{
	enum cgi_err e;
	size_t i;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	if (name != NULL && strcasecmp(name, "Content-Type") == 0)
		return cgi_type(r, value);
	if ((e = check_field(name, value)) != CGI_OK)
		return e;
	for (i = 0; i < r->nhdrs; i++) {
		if (strcasecmp(r->hdrs[i].name, name) != 0)
			continue;
		if ((e = hdr_put(r, name, value, &i)) != CGI_OK)
			return e;
		while (++i < r->nhdrs)
			if (strcasecmp(r->hdrs[i].name, name) == 0)
				hdr_remove(r, i--);
		return CGI_OK;
	}
	return hdr_put(r, name, value, NULL);
}

CGI_API enum cgi_err
cgi_header_add(cgi_req *r, const char *name, const char *value)
{
	enum cgi_err e;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	if (name != NULL && strcasecmp(name, "Content-Type") == 0)
		return cgi_type(r, value);
	if ((e = check_field(name, value)) != CGI_OK)
		return e;
	return hdr_put(r, name, value, NULL);
}

/* RFC 6265 4.1.1 cookie-octet. */
static bool
cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) ||
	    (c >= 0x2D && c <= 0x3A) || (c >= 0x3C && c <= 0x5B) ||
	    (c >= 0x5D && c <= 0x7E);
}

static bool
valid_cookie_value(const char *v)
{
	size_t n = strlen(v), i;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	for (i = 0; i < n; i++)
		if (!cookie_octet((unsigned char)v[i]))
			return false;
	return true;
}

/* Path: any CHAR but CTLs and ';' (RFC 6265 4.1.1); we also want '/'. */
static bool
valid_cookie_path(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*u != '/' || strlen(p) > 1024) /* 6265bis: attribute <= 1024 */
		return false;
	for (; *u != '\0'; u++)
		if (*u < 0x20 || *u >= 0x7f || *u == ';')
			return false;
	return true;
}

static bool
valid_cookie_domain(const char *d)
{
	const unsigned char *u = (const unsigned char *)d;

	if (*u == '.')
		u++;
	if (*u == '\0' || strlen(d) > 253)
		return false;
	for (; *u != '\0'; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
		        (*u >= '0' && *u <= '9') || *u == '-' || *u == '.'))
			return false;
	return true;
}

static enum cgi_err
cookie_check(const cgi_req *r, const struct cgi_cookie *c, bool *secure)
{
	*secure = (c->flags & CGI_COOKIE_SECURE) != 0 ||
	    ((c->flags & CGI_COOKIE_NO_SECURE) == 0 &&
	        cgi_https((cgi_req *)(uintptr_t)r));
	if (c->name == NULL || c->value == NULL)
		return CGI_EINVAL;
	if (!valid_name(c->name) || !valid_cookie_value(c->value) ||
	    strlen(c->name) + strlen(c->value) > 4096 || c->max_age < 0 ||
	    (unsigned)c->samesite > CGI_SAMESITE_NONE)
		return CGI_EHEADER; /* L-CK-09, L-CK-16 */
	if (c->path != NULL && !valid_cookie_path(c->path))
		return CGI_EHEADER; /* L-CK-11 */
	if (c->domain != NULL && !valid_cookie_domain(c->domain))
		return CGI_EHEADER;
	if (!*secure &&
	    (c->samesite == CGI_SAMESITE_NONE ||
	        (c->flags & CGI_COOKIE_PARTITIONED) != 0))
		return CGI_EHEADER; /* L-CK-13, L-CK-14 */
	if (strncasecmp(c->name, "__Secure-", 9) == 0 && !*secure)
		return CGI_EHEADER; /* L-CK-15 */
	if (strncasecmp(c->name, "__Host-", 7) == 0 &&
	    (!*secure || c->domain != NULL ||
	        (c->path != NULL && strcmp(c->path, "/") != 0)))
		return CGI_EHEADER;
	return CGI_OK;
}

/* L-CK-08: one Set-Cookie per name; a second set replaces the first. */
static enum cgi_err
cookie_put(cgi_req *r, const char *name, const char *line)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, "Set-Cookie") == 0 &&
		    strncmp(r->hdrs[i].value, name, n) == 0 &&
		    r->hdrs[i].value[n] == '=')
			return hdr_put(r, "Set-Cookie", line, &i);
	return hdr_put(r, "Set-Cookie", line, NULL);
}

CGI_API enum cgi_err
cgi_cookie_set(cgi_req *r, const struct cgi_cookie *c)
{
	static const char *const samesite[] = { "Lax", "Strict", "None" };
	struct buf b;
	enum cgi_err e;
	bool secure;
	int rc;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	if (c == NULL)
		return CGI_EINVAL;
	if ((e = cookie_check(r, c, &secure)) != CGI_OK)
		return e;
	buf_init(&b, 0);
	rc = buf_printf(&b, "%s=%s; Path=%s", c->name, c->value,
	    c->path != NULL ? c->path : "/");
	if (rc == 0 && c->domain != NULL)
		rc = buf_printf(&b, "; Domain=%s", c->domain);
	if (rc == 0 && c->max_age > 0)
		rc = buf_printf(&b, "; Max-Age=%lld", c->max_age);
	if (rc == 0 && secure)
		rc = buf_puts(&b, "; Secure");
	if (rc == 0 && (c->flags & CGI_COOKIE_NO_HTTPONLY) == 0)
		rc = buf_puts(&b, "; HttpOnly");
	if (rc == 0)
		rc = buf_printf(&b, "; SameSite=%s", samesite[c->samesite]);
	if (rc == 0 && (c->flags & CGI_COOKIE_PARTITIONED) != 0)
		rc = buf_puts(&b, "; Partitioned");
	e = rc == 0 ? cookie_put(r, c->name, buf_cstr(&b)) : CGI_ENOMEM;
	buf_fini(&b);
	return e;
}

CGI_API enum cgi_err
cgi_cookie_delete(cgi_req *r, const char *name, const char *path)
{
	struct cgi_cookie c = { .name = name, .value = "", .path = path };
	struct buf b;
	enum cgi_err e;
	bool secure;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	/* The prefix rules still apply, so __Host- cookies can be deleted
	 * over HTTPS; a plain name gets no Secure requirement. */
	if ((e = cookie_check(r, &c, &secure)) != CGI_OK)
		return e;
	buf_init(&b, 0);
	/* L-CK-10: Max-Age=0 plus an Expires in the past for old clients. */
	if (buf_printf(&b,
	        "%s=; Path=%s; Max-Age=0; "
	        "Expires=Thu, 01 Jan 1970 00:00:00 GMT%s",
	        name, path != NULL ? path : "/",
	        secure ? "; Secure" : "") == -1)
		e = CGI_ENOMEM;
	else
		e = cookie_put(r, name, buf_cstr(&b));
	buf_fini(&b);
	return e;
}

/* Writes n bytes to the transport; a failure makes output lost for good. */
static enum cgi_err
transport(cgi_req *r, const char *p, size_t n)
{
	if (r->out_err != CGI_OK)
		return r->out_err;
	if (n > 0 && r->io.write(r->io.ctx, p, n) != (ssize_t)n)
		r->out_err = CGI_EIO;
	return r->out_err;
}

static enum cgi_err
drain(cgi_req *r)
{
	enum cgi_err e;

	e = transport(r, r->out.data, r->out.len);
	buf_reset(&r->out);
	return e;
}

static bool http11(cgi_req *r);

/*
 * RFC 3875 5.2: an NPH program's response is the HTTP response. Its
 * status line carries the client's version (a 1.0 client gets 1.0), and
 * Connection: close says the body ends with the connection, which the
 * server closes when the program exits: no keep-alive is promised.
 */
static int
put_nph_head(cgi_req *r, int code)
{
	char date[HTTP_DATE_LEN + 1];

	if (http_date_format(time(NULL), date, sizeof(date)) == -1)
		return -1;
	return buf_printf(&r->out,
	    "HTTP/%s %d %s\r\nDate: %s\r\n"
	    "Connection: close\r\n",
	    http11(r) ? "1.1" : "1.0", code, reason_of(code), date);
}

/*
 * Appends the header block to r->out, once: the CGI header fields (RFC
 * 3875 6.3) come first, Status and Content-Type, then the program's
 * (RFC 3875 8.2); with cgi_nph, a status line and the NPH fields instead
 * of Status.
 */
static enum cgi_err
put_headers(cgi_req *r)
{
	int code = r->status == 0 ? 200 : r->status;
	size_t i;
	int rc;

	if (r->headers_sent)
		return CGI_OK;
	r->headers_sent = true;
	if (r->nph)
		rc = put_nph_head(r, code);
	else
		rc = buf_printf(&r->out, "Status: %d %s\r\n", code,
		    reason_of(code));
	if (rc == 0)
		rc = buf_printf(&r->out, "Content-Type: %s\r\n",
		    r->type != NULL ? r->type : "text/html; charset=utf-8");
	for (i = 0; rc == 0 && i < r->nhdrs; i++)
		rc = buf_printf(&r->out, "%s: %s\r\n", r->hdrs[i].name,
		    r->hdrs[i].value);
	/* L-HTML-07, V-12-b: no content sniffing unless the program says. */
	for (i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, "X-Content-Type-Options") == 0)
			break;
	if (rc == 0 && i == r->nhdrs)
		rc = buf_puts(&r->out, "X-Content-Type-Options: nosniff\r\n");
	if (rc == 0)
		rc = buf_puts(&r->out, "\r\n");
	if (rc == -1) {
		r->out_err = CGI_EIO; /* a half header block must not go out */
		buf_reset(&r->out);
		return CGI_ENOMEM;
	}
	return CGI_OK;
}

/* The body path shared by every writer; ignores r->complete. */
static enum cgi_err
body_write(cgi_req *r, const void *data, size_t len)
{
	enum cgi_err e;

	if (r->out_err != CGI_OK)
		return r->out_err;
	if ((e = put_headers(r)) != CGI_OK)
		return e;
	if (r->is_head || len == 0) /* RFC 3875 4.3.3: no body for HEAD */
		return CGI_OK;
	if (r->out.len + len > CGI_REQ_OUT_CHUNK) {
		if ((e = drain(r)) != CGI_OK)
			return e;
		if (len >= CGI_REQ_OUT_CHUNK)
			return transport(r, data, len);
	}
	if (buf_append(&r->out, data, len) == -1)
		return CGI_ENOMEM;
	return CGI_OK;
}

static enum cgi_err
body_puts(cgi_req *r, const char *s)
{
	return body_write(r, s, strlen(s));
}

CGI_API enum cgi_err
cgi_write(cgi_req *r, const void *data, size_t len)
{
	if (r == NULL || (data == NULL && len > 0))
		return CGI_EINVAL;
	if (r->out_err != CGI_OK)
		return r->out_err;
	if (r->complete)
		return CGI_ESTATE;
	return body_write(r, data, len);
}

CGI_API enum cgi_err
cgi_puts(cgi_req *r, const char *s)
{
	if (s == NULL)
		return CGI_EINVAL;
	return cgi_write(r, s, strlen(s));
}

CGI_API enum cgi_err
cgi_vprintf(cgi_req *r, const char *fmt, va_list ap)
{
	struct buf b;
	enum cgi_err e;

	if (r == NULL || fmt == NULL)
		return CGI_EINVAL;
	buf_init(&b, 0);
	if (buf_vprintf(&b, fmt, ap) == -1)
		e = CGI_ENOMEM;
	else
		e = cgi_write(r, b.data, b.len);
	buf_fini(&b);
	return e;
}

CGI_API enum cgi_err
cgi_printf(cgi_req *r, const char *fmt, ...)
{
	enum cgi_err e;
	va_list ap;

	va_start(ap, fmt);
	e = cgi_vprintf(r, fmt, ap);
	va_end(ap);
	return e;
}

CGI_API enum cgi_err
cgi_write_html(cgi_req *r, const char *s, size_t len)
{
	struct buf b;
	enum cgi_err e;

	if (r == NULL || (s == NULL && len > 0))
		return CGI_EINVAL;
	buf_init(&b, 0);
	if (cgi_escape_html(&b, s, len) == -1)
		e = CGI_ENOMEM;
	else
		e = cgi_write(r, b.data, b.len);
	buf_fini(&b);
	return e;
}

CGI_API enum cgi_err
cgi_flush(cgi_req *r)
{
	enum cgi_err e;

	if (r == NULL)
		return CGI_EINVAL;
	if ((e = put_headers(r)) != CGI_OK || (e = drain(r)) != CGI_OK)
		return e;
	/* A streaming page wants the bytes on the wire, not in FastCGI's
	 * record buffer. */
	if (r->io.flush != NULL && r->io.flush(r->io.ctx) == -1)
		r->out_err = CGI_EIO;
	return r->out_err;
}

int
cgi_out_end(struct cgi_req *r)
{
	if (put_headers(r) != CGI_OK || drain(r) != CGI_OK)
		return -1;
	return r->out_err == CGI_OK ? 0 : -1;
}

void
cgi_out_fini(struct cgi_req *r)
{
	size_t i;

	for (i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	free(r->hdrs);
	r->hdrs = NULL;
	r->nhdrs = r->caphdrs = 0;
	free(r->type);
	r->type = NULL;
	buf_fini(&r->out);
}

/* L-API-08: a local path or an absolute http(s) URL, printable ASCII. */
static bool
valid_redirect(const char *url)
{
	const unsigned char *u = (const unsigned char *)url;
	const char *rest;

	for (; *u != '\0'; u++)
		if (*u <= 0x20 || *u >= 0x7f || *u == '\\' || *u == '"' ||
		    *u == '<' || *u == '>')
			return false;
	/* "//host" is another site; RFC 3875 6.2.2's local path and query
	 * have no fragment, and a server may refuse one. */
	if (url[0] == '/')
		return url[1] != '/' && strchr(url, '#') == NULL;
	if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else
		return false; /* javascript:, data:, relative paths */
	return *rest != '\0' && *rest != '/';
}

CGI_API enum cgi_err
cgi_redirect(cgi_req *r, const char *url, int code)
{
	enum cgi_err e;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	if (url == NULL || !valid_redirect(url))
		return CGI_EINVAL;
	if (code == 0)
		code = 303;
	if (code != 301 && code != 302 && code != 303 && code != 307 &&
	    code != 308)
		return CGI_EINVAL;
	/* RFC 3875 6.3.3: HTTP/1.0 (RFC 1945) has 301 and 302 only. An
	 * unset SERVER_PROTOCOL says nothing: the code stays. */
	if (cgi_req_env(r, "SERVER_PROTOCOL") != NULL && !http11(r))
		code = code == 308 || code == 301 ? 301 : 302;
	/* RFC 3875 6.2.4: a client redirect with a document has a Status. */
	if ((e = hdr_put(r, "Location", url, NULL)) != CGI_OK ||
	    (e = cgi_type(r, "text/html; charset=utf-8")) != CGI_OK)
		return e;
	r->status = code;
	e = body_puts(r,
	    "<!DOCTYPE html>\n<title>Redirect</title>\n"
	    "<p><a href=\"");
	if (e == CGI_OK)
		e = cgi_write_html(r, url, strlen(url));
	if (e == CGI_OK)
		e = body_puts(r, "\">Continue</a></p>\n");
	r->complete = true;
	return e;
}

CGI_API enum cgi_err
cgi_error_page(cgi_req *r, int code)
{
	struct buf b;
	enum cgi_err e;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	if (code < 400 || code > 599)
		return CGI_EINVAL;
	if ((e = cgi_type(r, "text/html; charset=utf-8")) != CGI_OK)
		return e;
	r->status = code;
	buf_init(&b, 0);
	/* V-20-a: a fixed page; nothing from the request is echoed. */
	if (buf_printf(&b,
	        "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>"
	        "<body><h1>%d %s</h1></body></html>\n",
	        code, reason_of(code), code, reason_of(code)) == -1)
		e = CGI_ENOMEM;
	else
		e = body_write(r, b.data, b.len);
	buf_fini(&b);
	r->complete = true;
	return e;
}

CGI_API enum cgi_err
cgi_fail(cgi_req *r, const char *fmt, ...)
{
	const char *script;
	struct buf b;
	va_list ap;
	size_t i;
	int rc;

	if (r == NULL || fmt == NULL)
		return CGI_EINVAL;
	script = cgi_req_env(r, "SCRIPT_NAME");
	buf_init(&b, 0);
	rc = buf_printf(&b,
	    "libcgi: %s: ", script != NULL && *script != '\0' ? script : "-");
	va_start(ap, fmt);
	if (rc == 0)
		rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* One line per failure: a CR or LF from the request (a name, a
	 * value) must not forge log lines. */
	for (i = 0; rc == 0 && i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 ||
		    (unsigned char)b.data[i] == 0x7f)
			b.data[i] = '?';
	if (rc == 0 && buf_putc(&b, '\n') == 0)
		(void)cgi_cli_write_fd(STDERR_FILENO, b.data, b.len);
	buf_fini(&b);
	return cgi_error_page(r, 500);
}

CGI_API enum cgi_err
cgi_nph(cgi_req *r)
{
	enum cgi_err e;

	if ((e = can_set(r)) != CGI_OK)
		return e;
	if (r->io.parsed)
		return CGI_ENOSYS;
	r->nph = true;
	return CGI_OK;
}

/* HTTP/1.1 or later (RFC 3875 4.1.16: INCLUDED counts as HTTP/1.0); the
 * numbers compare numerically, so "HTTP/01.10" is 1.10. */
static bool
http11(cgi_req *r)
{
	const char *p = cgi_getenv(r, "SERVER_PROTOCOL");
	unsigned long major = 0, minor = 0;
	char *end;

	if (p == NULL || strncasecmp(p, "HTTP/", 5) != 0)
		return false;
	major = strtoul(p + 5, &end, 10);
	if (end == p + 5 || *end != '.')
		return false;
	p = end + 1;
	minor = strtoul(p, &end, 10);
	if (end == p || *end != '\0')
		return false;
	return major > 1 || (major == 1 && minor >= 1);
}

/* True if the comma-separated list holds method (exact token). */
static bool
list_has(const char *list, const char *method)
{
	size_t n = strlen(method);
	const char *p = list;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncmp(p, method, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' ' ||
		        p[n] == '\t'))
			return true;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return false;
}

CGI_API bool
cgi_allow(cgi_req *r, const char *methods)
{
	const char *m;

	if (r == NULL || methods == NULL)
		return false;
	m = cgi_method(r);
	/* RFC 3875 4.3.4: a method beyond HTTP/1.0's GET, HEAD and POST
	 * (PUT, DELETE, ...) is protocol-specific: allowed only when
	 * SERVER_PROTOCOL says HTTP/1.1 or later. */
	if ((list_has(methods, m) ||
	        (strcmp(m, "HEAD") == 0 && list_has(methods, "GET"))) &&
	    (http11(r) || strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	        strcmp(m, "POST") == 0))
		return true;
	if (!http11(r)) {
		(void)cgi_error_page(r, 501);
		return false;
	}
	/* RFC 9110 15.5.6: a 405 carries Allow. A bad list refuses the
	 * header; the 405 still goes out. */
	(void)cgi_header_set(r, "Allow", methods);
	(void)cgi_error_page(r, 405);
	return false;
}
