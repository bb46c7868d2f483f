/*
 * cgi_resp.c - the CGI response-header parser (RFC 3875 6.2, 6.3) and the
 * translation of its result into an HTTP/1.1 response head (6.3.4).
 *
 * The scan for the blank line is incremental (each byte looked at once,
 * bounds enforced on the way); the fields are parsed once the block is
 * complete, so views always point into the caller's latest buffer.
 */
#include <string.h>

#include "bounds.h"
#include "cgi_resp.h"
#include "http_status.h"

static enum cgi_resp_parse
fail(struct cgi_resp *r, const char *why)
{
	r->error = why;
	return CGI_RESP_ERROR;
}

const char *
cgi_resp_reason(int code)
{
	const char *text = http_status_reason(code);

	return text != NULL ? text : "Unknown";
}

/*
 * Finds the blank line. Returns DONE with *end set past it, MORE, or an
 * ERROR for a bound (S-6.3-h) that no further byte could repair.
 */
static enum cgi_resp_parse
scan(struct cgi_resp *r, const char *buf, size_t len, size_t *end)
{
	size_t i, n;

	for (i = r->scanned; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		/* The bound counts the line with its terminator. */
		if (i + 1 - r->line_start > BOUND_CGI_RESP_LINE)
			return fail(r, "script header line too long");
		n = i - r->line_start;
		if (n > 0 && buf[i - 1] == '\r')
			n--;
		if (n == 0) {
			*end = i + 1;
			r->scanned = i + 1;
			return CGI_RESP_DONE;
		}
		if (++r->nlines > BOUND_CGI_RESP_FIELDS)
			return fail(r, "too many script header fields");
		r->line_start = i + 1;
	}
	r->scanned = len;
	if (len - r->line_start >= BOUND_CGI_RESP_LINE)
		return fail(r, "script header line too long");
	if (len >= BOUND_CGI_RESP_HEAD)
		return fail(r, "script header block too large");
	return CGI_RESP_MORE;
}

/* S-6.3-g: HTAB, SP, VCHAR and obs-text only. */
static bool
value_ok(struct str v)
{
	size_t i;
	unsigned char ch;

	for (i = 0; i < v.len; i++) {
		ch = (unsigned char)v.p[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return false;
	}
	return true;
}

/* RFC 3986 URI characters, without space and the unwise ones. */
static bool
uri_char(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && strchr("\"<>\\^`{|}", ch) == NULL;
}

/* S-6.3.2-a: "/path[?query]" or an absolute URI. 1 local, 2 absolute. */
static int
location_kind(struct str v)
{
	size_t i;

	if (v.len == 0)
		return 0;
	for (i = 0; i < v.len; i++)
		if (!uri_char((unsigned char)v.p[i]))
			return 0;
	if (v.p[0] == '/')
		return memchr(v.p, '#', v.len) == NULL ? 1 : 0;
	if (!((v.p[0] | 0x20) >= 'a' && (v.p[0] | 0x20) <= 'z'))
		return 0;
	for (i = 1; i < v.len; i++) {
		unsigned char ch = (unsigned char)v.p[i];
		if (ch == ':')
			return i + 1 < v.len ? 2 : 0;
		if (!(((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ||
		        (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ||
		        ch == '.'))
			return 0;
	}
	return 0;
}

/* S-6.3.3-a: 3 digits in 200..599, then nothing or SP and a phrase. */
static bool
parse_status(struct cgi_resp *r, struct str v)
{
	int code;

	if (v.len < 3 || v.p[0] < '2' || v.p[0] > '5' || v.p[1] < '0' ||
	    v.p[1] > '9' || v.p[2] < '0' || v.p[2] > '9')
		return false;
	if (v.len > 3 && v.p[3] != ' ' && v.p[3] != '\t')
		return false;
	code = (v.p[0] - '0') * 100 + (v.p[1] - '0') * 10 + (v.p[2] - '0');
	r->status = code;
	r->reason = str_trim((struct str){ v.p + 3, v.len - 3 });
	r->own_reason = r->reason.len > 0;
	return true;
}

/* Script fields the server never forwards (S-6.3.4-b, S-6.3.5-a). */
static bool
dropped(struct str n)
{
	static const char *const drop[] = { "Connection", "Keep-Alive", "TE",
		"Trailer", "Upgrade", "Proxy-Connection", "Date", "Server",
		"Content-Length" };
	size_t i;

	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (str_caseeq(n, str_from(drop[i])))
			return true;
	return str_caseprefix(n, "X-CGI-");
}

/* One "name: value" line (terminator removed). */
static enum cgi_resp_parse
field(struct cgi_resp *r, struct str line, int *ncl, struct str *cl)
{
	struct str n, v;
	size_t i;

	if (line.p[0] == ' ' || line.p[0] == '\t')
		return fail(r, "continuation line in script headers");
	for (i = 0; i < line.len && str_is_tchar((unsigned char)line.p[i]); i++)
		;
	if (i == 0 || i == line.len || line.p[i] != ':')
		return fail(r, "malformed script header line");
	n = (struct str){ line.p, i };
	v = str_trim((struct str){ line.p + i + 1, line.len - i - 1 });
	if (!value_ok(v))
		return fail(r, "control byte in script header value");
	if (str_caseeq(n, STR_LIT("Status"))) {
		if (r->status != 0)
			return fail(r, "duplicate Status from script");
		if (!parse_status(r, v))
			return fail(r, "invalid Status from script");
		return CGI_RESP_DONE;
	}
	if (str_caseeq(n, STR_LIT("Content-Type")) ||
	    str_caseeq(n, STR_LIT("Location"))) {
		struct str *slot =
		    (n.p[0] | 0x20) == 'c' ? &r->content_type : &r->location;
		if (v.len == 0)
			return CGI_RESP_DONE; /* S-6.3-d: empty is absent */
		if (slot->p != NULL)
			return fail(r, "duplicate CGI field from script");
		*slot = v;
		return CGI_RESP_DONE;
	}
	if (str_caseeq(n, STR_LIT("Transfer-Encoding")))
		return fail(r, "Transfer-Encoding from script"); /* V-11-b */
	if (str_caseeq(n, STR_LIT("Content-Length"))) {
		(*ncl)++;
		*cl = v;
	}
	if (dropped(n))
		return CGI_RESP_DONE;
	if (r->nfields >= r->maxfields)
		return fail(r, "too many script header fields");
	r->names[r->nfields] = n;
	r->values[r->nfields] = v;
	r->nfields++;
	return CGI_RESP_DONE;
}

/* RFC 3875 6.2: which of the four response kinds this is. */
static enum cgi_resp_parse
classify(struct cgi_resp *r)
{
	int lk = 0;

	if (r->location.p != NULL && (lk = location_kind(r->location)) == 0)
		return fail(r, "invalid Location from script");
	if (r->status == 0 && r->content_type.p == NULL && lk == 0)
		return fail(r, "no CGI field in script headers"); /* S-6.3-b */
	if (lk == 1 && r->status == 0) {
		r->kind = CGI_RESP_LOCAL_REDIRECT;
		r->no_body = true;
		return CGI_RESP_DONE;
	}
	if (lk == 2 && r->status == 0) {
		r->status = 302;
		r->kind = r->content_type.p != NULL
		    ? CGI_RESP_CLIENT_REDIRECT_DOC
		    : CGI_RESP_CLIENT_REDIRECT;
	} else if (lk != 0 && r->status >= 300 && r->status < 400) {
		r->kind = CGI_RESP_CLIENT_REDIRECT_DOC;
	} else {
		r->kind = CGI_RESP_DOCUMENT;
		if (r->status == 0)
			r->status = 200;
	}
	if (r->status == 204 || r->status == 304 ||
	    r->kind == CGI_RESP_CLIENT_REDIRECT)
		r->no_body = true;
	/* S-6.3.1-a: never guess a type; the caller refuses a typeless body. */
	r->untyped = r->content_type.p == NULL && !r->no_body;
	return CGI_RESP_DONE;
}

enum cgi_resp_parse
cgi_resp_parse(struct cgi_resp *r, const char *buf, size_t len, size_t *used)
{
	enum cgi_resp_parse rc;
	struct str line, cl = { NULL, 0 };
	size_t end = 0, i, start;
	int ncl = 0;

	if (r->error != NULL)
		return CGI_RESP_ERROR;
	if ((rc = scan(r, buf, len, &end)) != CGI_RESP_DONE)
		return rc;
	if (end > BOUND_CGI_RESP_HEAD)
		return fail(r, "script header block too large");
	r->nfields = 0;
	r->status = 0;
	r->content_type = r->location = (struct str){ NULL, 0 };
	for (start = 0, i = 0; i < end; i++) {
		if (buf[i] != '\n')
			continue;
		line = (struct str){ buf + start, i - start };
		if (line.len > 0 && line.p[line.len - 1] == '\r')
			line.len--;
		start = i + 1;
		if (line.len == 0)
			break;
		if (memchr(line.p, '\r', line.len) != NULL)
			return fail(r, "bare CR in script headers");
		if ((rc = field(r, line, &ncl, &cl)) != CGI_RESP_DONE)
			return rc;
	}
	/* S-6.3.4-c: one valid decimal, or the server frames the body. */
	r->has_length =
	    ncl == 1 && str_to_u64(cl, UINT64_MAX / 2, &r->content_length) == 0;
	if ((rc = classify(r)) != CGI_RESP_DONE)
		return rc;
	if (r->reason.len == 0 &&
	    strcmp(cgi_resp_reason(r->status), "Unknown") != 0)
		r->reason = str_from(cgi_resp_reason(r->status));
	*used = end;
	return CGI_RESP_DONE;
}

static int
put_field(struct buf *out, const char *n, struct str v)
{
	if (buf_puts(out, n) == -1 || buf_append(out, ": ", 2) == -1 ||
	    buf_append(out, v.p, v.len) == -1 || buf_append(out, "\r\n", 2))
		return -1;
	return 0;
}

int
cgi_resp_head(const struct cgi_resp *r, const struct cgi_resp_out *o,
    struct buf *out)
{
	size_t i;

	if (buf_printf(out, "HTTP/1.1 %03d %.*s\r\n", r->status,
	        (int)r->reason.len, r->reason.p) == -1)
		return -1;
	if (o->date != NULL && put_field(out, "Date", str_from(o->date)))
		return -1;
	if (o->server != NULL && put_field(out, "Server", str_from(o->server)))
		return -1;
	for (i = 0; i < r->nfields; i++) {
		if (buf_append(out, r->names[i].p, r->names[i].len) == -1 ||
		    put_field(out, "", r->values[i]) == -1)
			return -1;
	}
	if (r->content_type.p != NULL &&
	    put_field(out, "Content-Type", r->content_type) == -1)
		return -1;
	if (r->location.p != NULL &&
	    put_field(out, "Location", r->location) == -1)
		return -1;
	/* RFC 9110 8.6: never a Content-Length on 204 or 304. */
	if (o->frame == CGI_FRAME_LENGTH && r->status != 204 &&
	    r->status != 304 &&
	    buf_printf(out, "Content-Length: %llu\r\n",
	        (unsigned long long)o->length) == -1)
		return -1;
	if (o->frame == CGI_FRAME_CHUNKED &&
	    buf_puts(out, "Transfer-Encoding: chunked\r\n") == -1)
		return -1;
	if (!o->keep_alive && buf_puts(out, "Connection: close\r\n") == -1)
		return -1;
	return buf_append(out, "\r\n", 2);
}
