/*
 * cgi_json.c - the streaming JSON writer (RFC 8259) over a request's body.
 *
 * State is a bounded stack in struct cgi_req (no allocation); misuse
 * (a value where a key is due, unbalanced ends, too deep, a second
 * top-level value) is refused with CGI_EJSON and writes nothing. String
 * escaping is cgi_escape.c's.
 */
#include "cgi_req.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_escape.h"

/* May a value (or container) start here? */
static enum cgi_err
value_ok(const cgi_req *r)
{
	if (r == NULL)
		return CGI_EINVAL;
	if (r->json_depth == 0)
		return r->json_done ? CGI_EJSON : CGI_OK;
	if (r->json_stack[r->json_depth - 1] == CGI_REQ_JSON_OBJECT &&
	    !r->json_key_due)
		return CGI_EJSON; /* an object member needs its key first */
	return CGI_OK;
}

/* Writes the separator due before a value and the value text. */
static enum cgi_err
emit(cgi_req *r, const char *s, size_t n)
{
	enum cgi_err e;

	if (!r->json_started) {
		r->json_started = true;
		if (!r->headers_sent && r->type == NULL &&
		    (e = cgi_type(r, "application/json")) != CGI_OK)
			return e;
	}
	if (r->json_depth > 0 && !r->json_key_due &&
	    r->json_count[r->json_depth - 1] > 0 &&
	    (e = cgi_write(r, ",", 1)) != CGI_OK)
		return e;
	return cgi_write(r, s, n);
}

/* Bookkeeping after a complete value. */
static void
done_value(cgi_req *r)
{
	if (r->json_depth == 0) {
		r->json_done = true;
		return;
	}
	r->json_count[r->json_depth - 1]++;
	r->json_key_due = false;
}

static enum cgi_err
scalar(cgi_req *r, const char *s, size_t n)
{
	enum cgi_err e;

	if ((e = value_ok(r)) != CGI_OK)
		return e;
	if ((e = emit(r, s, n)) != CGI_OK)
		return e;
	done_value(r);
	return CGI_OK;
}

static enum cgi_err
open_container(cgi_req *r, enum cgi_req_json kind)
{
	enum cgi_err e;

	if ((e = value_ok(r)) != CGI_OK)
		return e;
	if (r->json_depth == CGI_JSON_MAX_DEPTH)
		return CGI_EJSON;
	if ((e = emit(r, kind == CGI_REQ_JSON_OBJECT ? "{" : "[", 1)) != CGI_OK)
		return e;
	r->json_stack[r->json_depth] = (unsigned char)kind;
	r->json_count[r->json_depth] = 0;
	r->json_depth++;
	r->json_key_due = false;
	return CGI_OK;
}

static enum cgi_err
close_container(cgi_req *r, enum cgi_req_json kind)
{
	enum cgi_err e;

	if (r == NULL)
		return CGI_EINVAL;
	if (r->json_depth == 0 || r->json_stack[r->json_depth - 1] != kind ||
	    r->json_key_due)
		return CGI_EJSON;
	if ((e = cgi_write(r, kind == CGI_REQ_JSON_OBJECT ? "}" : "]", 1)) !=
	    CGI_OK)
		return e;
	r->json_depth--;
	done_value(r);
	return CGI_OK;
}

CGI_API enum cgi_err
cgi_json_object(cgi_req *r)
{
	return open_container(r, CGI_REQ_JSON_OBJECT);
}

CGI_API enum cgi_err
cgi_json_object_end(cgi_req *r)
{
	return close_container(r, CGI_REQ_JSON_OBJECT);
}

CGI_API enum cgi_err
cgi_json_array(cgi_req *r)
{
	return open_container(r, CGI_REQ_JSON_ARRAY);
}

CGI_API enum cgi_err
cgi_json_array_end(cgi_req *r)
{
	return close_container(r, CGI_REQ_JSON_ARRAY);
}

/* "s" escaped, into b. */
static int
quoted(struct buf *b, const char *s, size_t n)
{
	if (buf_putc(b, '"') == -1 || cgi_escape_json(b, s, n) == -1 ||
	    buf_putc(b, '"') == -1)
		return -1;
	return 0;
}

CGI_API enum cgi_err
cgi_json_key(cgi_req *r, const char *key)
{
	struct buf b;
	enum cgi_err e;

	if (r == NULL || key == NULL)
		return CGI_EINVAL;
	if (r->json_depth == 0 ||
	    r->json_stack[r->json_depth - 1] != CGI_REQ_JSON_OBJECT ||
	    r->json_key_due)
		return CGI_EJSON;
	buf_init(&b, 0);
	if (quoted(&b, key, strlen(key)) == -1 || buf_putc(&b, ':') == -1)
		e = CGI_ENOMEM;
	else if ((e = emit(r, b.data, b.len)) == CGI_OK)
		r->json_key_due = true;
	buf_fini(&b);
	return e;
}

CGI_API enum cgi_err
cgi_json_string_len(cgi_req *r, const char *s, size_t len)
{
	struct buf b;
	enum cgi_err e;

	if (r == NULL || (s == NULL && len > 0))
		return CGI_EINVAL;
	if ((e = value_ok(r)) != CGI_OK)
		return e;
	buf_init(&b, 0);
	e = quoted(&b, s != NULL ? s : "", len) == -1
	    ? CGI_ENOMEM
	    : scalar(r, b.data, b.len);
	buf_fini(&b);
	return e;
}

CGI_API enum cgi_err
cgi_json_string(cgi_req *r, const char *s)
{
	if (s == NULL)
		return cgi_json_null(r);
	return cgi_json_string_len(r, s, strlen(s));
}

CGI_API enum cgi_err
cgi_json_int(cgi_req *r, long long v)
{
	char tmp[32];
	int n;

	n = snprintf(tmp, sizeof(tmp), "%lld", v);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return CGI_EINVAL;
	return scalar(r, tmp, (size_t)n);
}

CGI_API enum cgi_err
cgi_json_double(cgi_req *r, double v)
{
	char tmp[40], *p;
	int n;

	if (!isfinite(v))
		return CGI_EJSON; /* RFC 8259 6: no Infinity, no NaN */
	/* The shortest of %.15g and %.17g that reads back as v. */
	n = snprintf(tmp, sizeof(tmp), "%.15g", v);
	if (n > 0 && (size_t)n < sizeof(tmp) && strtod(tmp, NULL) != v)
		n = snprintf(tmp, sizeof(tmp), "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return CGI_EINVAL;
	if ((p = strchr(tmp, ',')) != NULL)
		*p = '.'; /* a locale with a decimal comma */
	return scalar(r, tmp, (size_t)n);
}

CGI_API enum cgi_err
cgi_json_bool(cgi_req *r, bool v)
{
	return v ? scalar(r, "true", 4) : scalar(r, "false", 5);
}

CGI_API enum cgi_err
cgi_json_null(cgi_req *r)
{
	return scalar(r, "null", 4);
}
