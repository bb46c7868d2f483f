/*
 * http_parse.c - the request-head parser declared in http_parse.h.
 *
 * Two passes, both linear. The scan finds line ends byte by byte, keeping
 * its place in struct http_head between calls, enforces the size bounds as
 * it goes and checks each line's syntax when the line completes. Once the
 * empty line arrives, finish_head() walks the now complete head again to
 * fill the views (the buffer may have moved between calls, so no pointer
 * is kept across calls) and applies the rules that need every field:
 * framing, Host, Connection and Expect.
 */
#include "http_parse.h"

#include <string.h>

#include "bounds.h"

enum {
	ST_START,  /* before the request line (skipping empty lines) */
	ST_FIELDS, /* after the request line */
	ST_DONE,
	ST_ERROR
};

void
http_limits_default(struct http_limits *lim)
{
	lim->max_request_line = BOUND_REQUEST_LINE_BYTES;
	lim->max_target = BOUND_TARGET_BYTES;
	lim->max_head = BOUND_HEAD_BYTES;
	lim->max_field_line = BOUND_FIELD_LINE_BYTES;
	lim->max_fields = BOUND_HEAD_FIELDS;
}

void
http_head_init(struct http_head *h, struct http_field *fields, size_t maxfields,
    const struct http_limits *lim)
{
	memset(h, 0, sizeof(*h));
	h->fields = fields;
	h->maxfields = maxfields;
	h->limits = lim;
}

/* The bounds in force: the caller's, with 0 meaning the default. */
static void
effective_limits(const struct http_head *h, struct http_limits *lim)
{
	http_limits_default(lim);
	if (h->limits == NULL)
		return;
	if (h->limits->max_request_line != 0)
		lim->max_request_line = h->limits->max_request_line;
	if (h->limits->max_target != 0)
		lim->max_target = h->limits->max_target;
	if (h->limits->max_head != 0)
		lim->max_head = h->limits->max_head;
	if (h->limits->max_field_line != 0)
		lim->max_field_line = h->limits->max_field_line;
	if (h->limits->max_fields != 0)
		lim->max_fields = h->limits->max_fields;
}

static enum http_parse
fail(struct http_head *h, int status, const char *reason)
{
	h->state_ = ST_ERROR;
	h->status = status;
	h->reason = reason;
	return HTTP_PARSE_ERROR;
}

/*
 * Byte classes, one table load per byte on the hot paths:
 * C_TCHAR is RFC 9110 5.6.2 tchar (the set of str_is_tchar);
 * C_VALUE is RFC 9110 5.5 field-vchar / SP / HTAB (obs-text kept, CTLs
 * and DEL not); C_EOL is CR or LF.
 */
#define C_TCHAR 1
#define C_VALUE 2
#define C_EOL   4

static const unsigned char cls[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 4, 0, 0, 4, 0, 0, /* 00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 10 */
	2, 3, 2, 3, 3, 3, 3, 3, 2, 2, 3, 3, 2, 3, 3, 2, /* 20 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, /* 30 */
	2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 40 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 3, 3, /* 50 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 60 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 2, 3, 0, /* 70 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 80 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 90 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* a0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* b0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* c0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* d0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* e0 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* f0 */
};

static bool
is_value_byte(unsigned char ch)
{
	return (cls[ch] & C_VALUE) != 0;
}

static bool
is_tchar(unsigned char ch)
{
	return (cls[ch] & C_TCHAR) != 0;
}

static bool
is_token(struct str s)
{
	size_t i;

	if (s.len == 0)
		return false;
	for (i = 0; i < s.len; i++)
		if (!is_tchar((unsigned char)s.p[i]))
			return false;
	return true;
}

static bool
is_reg_name_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
	    ch == '~';
}

static bool
valid_port(struct str port)
{
	uint64_t v;

	/* RFC 3986 3.2.3 allows an empty port after ':'. */
	if (port.len == 0)
		return true;
	return port.len <= 5 && str_to_u64(port, 65535, &v) == 0;
}

/*
 * Splits an authority (Host value or absolute-form authority) into host
 * and port, and checks it: an IP-literal of hex digits, ':' and '.', or a
 * reg-name/IPv4 of letters, digits, "-._~". Userinfo, '%', '/', '\',
 * controls, "..", and names of dots only are refused: the host may pick a
 * document root (V-03-d).
 */
static bool
split_authority(struct str v, struct str *host, struct str *port)
{
	size_t i, end;
	bool colon = false, dotsonly = true;

	if (v.len == 0)
		return false;
	if (v.p[0] == '[') {
		for (i = 1; i < v.len && v.p[i] != ']'; i++) {
			if (v.p[i] == ':')
				colon = true;
			else if (v.p[i] != '.' &&
			    str_hexval((unsigned char)v.p[i]) < 0)
				return false;
		}
		if (i == v.len || !colon || i < 3)
			return false;
		end = i + 1;
	} else {
		for (i = 0; i < v.len && v.p[i] != ':'; i++) {
			if (!is_reg_name_byte((unsigned char)v.p[i]))
				return false;
			if (v.p[i] != '.')
				dotsonly = false;
			if (v.p[i] == '.' && i > 0 && v.p[i - 1] == '.')
				return false;
		}
		if (i == 0 || dotsonly)
			return false;
		end = i;
	}
	host->p = v.p;
	host->len = end;
	port->p = v.p + end;
	port->len = 0;
	if (end == v.len)
		return true;
	if (v.p[end] != ':')
		return false;
	port->p = v.p + end + 1;
	port->len = v.len - end - 1;
	return valid_port(*port);
}

/*
 * Splits a request-target (RFC 9112 3.2) into path and query. Only
 * origin-form, absolute-form (http/https) and "*" for OPTIONS are served.
 */
static enum http_parse
parse_target(struct http_head *h, struct str t)
{
	static const char slash[] = "/";
	const char *q, *a;
	struct str auth, rest;
	size_t i, skip;

	for (i = 0; i < t.len; i++) {
		/* Visible ASCII; never a fragment (RFC 9112 3.2). */
		if ((unsigned char)t.p[i] <= 0x20 ||
		    (unsigned char)t.p[i] >= 0x7f || t.p[i] == '#')
			return fail(h, 400, "bad byte in request-target");
	}
	h->uri = t;
	h->query.p = t.p + t.len;
	h->query.len = 0;
	h->has_query = false;
	h->absolute_form = false;
	if (t.len == 1 && t.p[0] == '*') {
		if (!str_eq(h->method, STR_LIT("OPTIONS")))
			return fail(h, 400, "'*' target without OPTIONS");
		h->target = t;
		return HTTP_PARSE_MORE;
	}
	rest = t;
	if (t.p[0] != '/') {
		if (str_caseprefix(t, "http://"))
			skip = 7;
		else if (str_caseprefix(t, "https://"))
			skip = 8;
		else
			return fail(h, 400, "request-target form not served");
		a = t.p + skip;
		auth.p = a;
		auth.len = 0;
		while (skip + auth.len < t.len && a[auth.len] != '/' &&
		    a[auth.len] != '?')
			auth.len++;
		if (!split_authority(auth, &h->host, &h->port))
			return fail(h, 400, "bad authority in request-target");
		h->absolute_form = true;
		rest.p = a + auth.len;
		rest.len = t.len - skip - auth.len;
	}
	q = rest.len > 0 ? memchr(rest.p, '?', rest.len) : NULL;
	h->target = rest;
	if (q != NULL) {
		h->target.len = (size_t)(q - rest.p);
		h->query.p = q + 1;
		h->query.len = rest.len - h->target.len - 1;
		h->has_query = true;
	}
	if (h->target.len == 0) { /* "http://a.test" or "http://a.test?x" */
		h->target.p = slash;
		h->target.len = 1;
	}
	return HTTP_PARSE_MORE;
}

/* RFC 9112 3: method SP request-target SP HTTP-version, nothing else. */
static enum http_parse
parse_request_line(struct http_head *h, const char *p, size_t n,
    const struct http_limits *lim)
{
	const char *sp1, *sp2;
	struct str target, v;

	if ((sp1 = memchr(p, ' ', n)) == NULL)
		return fail(h, 400, "request line without spaces");
	h->method.p = p;
	h->method.len = (size_t)(sp1 - p);
	if (h->method.len > BOUND_METHOD_BYTES)
		return fail(h, 501, "method too long");
	if (!is_token(h->method))
		return fail(h, 400, "method is not a token");
	target.p = sp1 + 1;
	sp2 = memchr(target.p, ' ', n - h->method.len - 1);
	if (sp2 == NULL)
		return fail(h, 400, "request line without version");
	target.len = (size_t)(sp2 - target.p);
	if (target.len == 0)
		return fail(h, 400, "empty request-target");
	if (target.len > lim->max_target)
		return fail(h, 414, "request-target too long");
	v.p = sp2 + 1;
	v.len = n - (size_t)(v.p - p);
	if (v.len != 8 || memcmp(v.p, "HTTP/", 5) != 0 || v.p[5] < '0' ||
	    v.p[5] > '9' || v.p[6] != '.' || v.p[7] < '0' || v.p[7] > '9')
		return fail(h, 400, "malformed HTTP-version");
	if (v.p[5] != '1')
		return fail(h, 505, "HTTP major version is not 1");
	/* RFC 9110 2.5: a higher minor version is served as 1.1. */
	h->minor = v.p[7] == '0' ? 0 : 1;
	return parse_target(h, target);
}

/*
 * RFC 9112 5: field-name ":" OWS field-value OWS, no space before ':'.
 * check: validate the bytes (the scan does, once); finish_head only
 * splits lines that already passed.
 */
static enum http_parse
parse_field_line(struct http_head *h, const char *p, size_t n,
    struct http_field *f, bool check)
{
	size_t i;

	for (i = 0; i < n && p[i] != ':'; i++)
		if (check && !is_tchar((unsigned char)p[i]))
			return fail(h, 400, "field name is not a token");
	if (i == n)
		return fail(h, 400, "field line without colon");
	if (i == 0)
		return fail(h, 400, "empty field name");
	f->name.p = p;
	f->name.len = i;
	f->value.p = p + i + 1;
	f->value.len = n - i - 1;
	for (i = 0; check && i < f->value.len; i++)
		if (!is_value_byte((unsigned char)f->value.p[i]))
			return fail(h, 400, "control byte in field value");
	f->value = str_trim(f->value);
	return HTTP_PARSE_MORE;
}

/*
 * Calls fn on each non-empty OWS-trimmed element of a comma list (RFC 9110
 * 5.6.1: empty elements are ignored). Stops at the first nonzero return.
 */
static int
each_element(struct str v, int (*fn)(struct str el, void *arg), void *arg)
{
	struct str el;
	size_t i, start = 0;
	int rc;

	for (i = 0; i <= v.len; i++) {
		if (i < v.len && v.p[i] != ',')
			continue;
		el.p = v.p + start;
		el.len = i - start;
		el = str_trim(el);
		start = i + 1;
		if (el.len > 0 && (rc = fn(el, arg)) != 0)
			return rc;
	}
	return 0;
}

struct te_state {
	unsigned ncodings;
	unsigned nchunked;
	bool last_chunked;
	bool bad;
};

static int
te_element(struct str el, void *arg)
{
	struct te_state *te = arg;
	struct str name = el;
	const char *semi = memchr(el.p, ';', el.len);

	if (semi != NULL)
		name.len = (size_t)(semi - el.p);
	name = str_trim(name);
	if (!is_token(name)) {
		te->bad = true;
		return 1;
	}
	te->ncodings++;
	/* "chunked" takes no parameters: "chunked;x=1" is unknown (501). */
	te->last_chunked = semi == NULL && str_caseeq(el, STR_LIT("chunked"));
	if (te->last_chunked)
		te->nchunked++;
	return 0;
}

struct conn_state {
	bool close;
	bool keep_alive;
	bool bad;
};

static int
connection_element(struct str el, void *arg)
{
	struct conn_state *cs = arg;

	if (!is_token(el)) {
		cs->bad = true;
		return 1;
	}
	if (str_caseeq(el, STR_LIT("close")))
		cs->close = true;
	else if (str_caseeq(el, STR_LIT("keep-alive")))
		cs->keep_alive = true;
	return 0;
}

/* What finish_head learns from the fields, before judging them. */
struct head_facts {
	struct te_state te;
	struct conn_state conn;
	unsigned nte, ncl, nhost;
	bool cl_bad, expect_bad, expect_continue;
	struct str cl, host;
};

static void
note_field(struct head_facts *hf, const struct http_field *f)
{
	unsigned before;

	if (str_caseeq(f->name, STR_LIT("Transfer-Encoding"))) {
		before = hf->te.ncodings;
		hf->nte++;
		if (each_element(f->value, te_element, &hf->te) == 0 &&
		    hf->te.ncodings == before)
			hf->te.bad = true; /* empty, or nothing but commas */
	} else if (str_caseeq(f->name, STR_LIT("Content-Length"))) {
		hf->ncl++;
		hf->cl = f->value;
	} else if (str_caseeq(f->name, STR_LIT("Host"))) {
		hf->nhost++;
		hf->host = f->value;
	} else if (str_caseeq(f->name, STR_LIT("Connection"))) {
		(void)each_element(f->value, connection_element, &hf->conn);
	} else if (str_caseeq(f->name, STR_LIT("Expect"))) {
		if (str_caseeq(f->value, STR_LIT("100-continue")))
			hf->expect_continue = true;
		else
			hf->expect_bad = true;
	}
}

/* RFC 9112 6.1, 6.3: the body's framing, refusing every ambiguity. */
static enum http_parse
judge_framing(struct http_head *h, const struct head_facts *hf)
{
	h->framing = HTTP_FRAMING_NONE;
	h->content_length = 0;
	if (hf->nte > 0 && h->minor == 0)
		return fail(h, 400, "Transfer-Encoding in HTTP/1.0");
	if (hf->nte > 0 && hf->ncl > 0)
		return fail(h, 400, "Content-Length with Transfer-Encoding");
	if (hf->ncl > 1)
		return fail(h, 400, "several Content-Length fields");
	if (hf->ncl == 1) {
		/* Digits only: "+1", "1 2", "42, 42" are all refused. */
		if (str_to_u64(hf->cl, INT64_MAX, &h->content_length) == -1)
			return fail(h, 400, "invalid Content-Length");
		h->framing = HTTP_FRAMING_LENGTH;
	}
	if (hf->nte == 0)
		return HTTP_PARSE_MORE;
	if (hf->te.bad)
		return fail(h, 400, "malformed Transfer-Encoding");
	if (hf->te.nchunked > 0 && !hf->te.last_chunked)
		return fail(h, 400, "chunked is not the final coding");
	if (hf->te.nchunked > 1)
		return fail(h, 400, "chunked applied twice");
	h->framing = HTTP_FRAMING_CHUNKED;
	return HTTP_PARSE_MORE;
}

static enum http_parse
judge_head(struct http_head *h, const struct head_facts *hf)
{
	struct str host, port;

	if (judge_framing(h, hf) == HTTP_PARSE_ERROR)
		return HTTP_PARSE_ERROR;
	if (hf->conn.bad)
		return fail(h, 400, "malformed Connection");
	/* RFC 9112 3.2: exactly one valid Host in HTTP/1.1. */
	if (hf->nhost == 0 && h->minor == 1)
		return fail(h, 400, "no Host in HTTP/1.1");
	if (hf->nhost > 1)
		return fail(h, 400, "several Host fields");
	if (hf->nhost == 1 && !split_authority(hf->host, &host, &port))
		return fail(h, 400, "invalid Host");
	if (hf->nhost == 1 && !h->absolute_form) {
		h->host = host;
		h->port = port;
	}
	/* RFC 9112 6.1: only a lone "chunked" is implemented. */
	if (h->framing == HTTP_FRAMING_CHUNKED &&
	    (hf->te.ncodings != 1 || hf->te.nchunked != 1))
		return fail(h, 501, "unsupported transfer coding");
	/* RFC 9110 10.1.1: HTTP/1.0 expectations are ignored. */
	if (h->minor == 1 && hf->expect_bad)
		return fail(h, 417, "unknown expectation");
	h->expect_continue = h->minor == 1 && hf->expect_continue;
	if (h->minor == 1)
		h->keep_alive = !hf->conn.close;
	else
		h->keep_alive = hf->conn.keep_alive && !hf->conn.close;
	return HTTP_PARSE_DONE;
}

/*
 * The head buf[0..end) is complete and each line passed its syntax check:
 * fill the views from this buf and apply the whole-head rules.
 */
static enum http_parse
finish_head(struct http_head *h, const char *buf, size_t end,
    const struct http_limits *lim)
{
	struct head_facts hf;
	const char *p, *cr;
	size_t n;

	memset(&hf, 0, sizeof(hf));
	p = buf + h->reqline_;
	cr = memchr(p, '\r', end - h->reqline_);
	if (parse_request_line(h, p, (size_t)(cr - p), lim) == HTTP_PARSE_ERROR)
		return HTTP_PARSE_ERROR;
	h->nfields = 0;
	p = buf + h->fields_;
	while (p < buf + end - 2) {
		cr = memchr(p, '\r', (size_t)(buf + end - p));
		n = (size_t)(cr - p);
		if (parse_field_line(h, p, n, &h->fields[h->nfields], false) ==
		    HTTP_PARSE_ERROR)
			return HTTP_PARSE_ERROR;
		note_field(&hf, &h->fields[h->nfields]);
		h->nfields++;
		p = cr + 2;
	}
	return judge_head(h, &hf);
}

/* A line buf[start..start+n) ended with CRLF at start+n. */
static enum http_parse
line_done(struct http_head *h, const char *buf, size_t start, size_t n,
    const struct http_limits *lim)
{
	struct http_field f;
	size_t maxf;

	if (h->state_ == ST_START) {
		/* RFC 9112 2.2: empty lines before the request line are
		 * ignored (bounded by max_head like everything else). */
		if (n == 0)
			return HTTP_PARSE_MORE;
		h->reqline_ = start;
		h->fields_ = start + n + 2;
		h->state_ = ST_FIELDS;
		return parse_request_line(h, buf + start, n, lim);
	}
	if (n == 0)
		return finish_head(h, buf, start + 2, lim);
	/*
	 * RFC 9112 5.2 obs-fold and 2.2 whitespace before the first field:
	 * both are smuggling vectors; refuse rather than guess.
	 */
	if (buf[start] == ' ' || buf[start] == '\t')
		return fail(h, 400, "line starts with whitespace");
	if (parse_field_line(h, buf + start, n, &f, true) == HTTP_PARSE_ERROR)
		return HTTP_PARSE_ERROR;
	maxf = h->maxfields < lim->max_fields ? h->maxfields : lim->max_fields;
	if (++h->nseen_ > maxf)
		return fail(h, 431, "too many header fields");
	return HTTP_PARSE_MORE;
}

/*
 * Checks byte i (not CR) of the line that started at h->pos_. Each
 * decision depends only on bytes before it, so a head fed in pieces meets
 * the same verdict at the same byte as one fed whole.
 */
static enum http_parse
check_byte(struct http_head *h, const char *buf, size_t i,
    const struct http_limits *lim)
{
	size_t linelen = i - h->pos_ + 1;
	unsigned char ch = (unsigned char)buf[i];

	if (ch == '\n')
		return fail(h, 400, "bare LF");
	if (h->state_ == ST_START) {
		/* 414 is for the request line's own bound; a head bound
		 * crossed inside the request line (or by empty lines before
		 * it) is the head's limit: 431, as bounds.h says. */
		if (linelen > lim->max_request_line)
			return fail(h, 414, "request line too long");
		if (i + 1 > lim->max_head)
			return fail(h, 431, "request head too big");
		if (ch == ' ')
			h->line_sp_ = true;
		else if (!h->line_sp_ && !is_tchar(ch))
			return fail(h, 400, "method is not a token");
		else if (!h->line_sp_ && linelen > BOUND_METHOD_BYTES)
			return fail(h, 501, "method too long");
		return HTTP_PARSE_MORE;
	}
	if (linelen > lim->max_field_line)
		return fail(h, 431, "header field line too long");
	if (i + 1 > lim->max_head)
		return fail(h, 431, "request head too big");
	return HTTP_PARSE_MORE;
}

/*
 * In a field line, returns the first index from i on that check_byte
 * could object to (CR, LF, or the first byte past a bound), or len. The
 * bytes skipped are exactly those check_byte would pass, so the verdict is
 * the same; this only keeps the per-byte work to one comparison.
 */
static size_t
skip_plain(const struct http_head *h, const char *buf, size_t i, size_t len,
    const struct http_limits *lim)
{
	size_t stop = h->pos_ + lim->max_field_line;

	if (stop > lim->max_head)
		stop = lim->max_head;
	if (stop > len)
		stop = len;
	while (i < stop && (cls[(unsigned char)buf[i]] & C_EOL) == 0)
		i++;
	return i;
}

enum http_parse
http_parse_head(struct http_head *h, const char *buf, size_t len, size_t *used)
{
	struct http_limits lim;
	enum http_parse rc;
	size_t i;

	*used = 0;
	if (h->state_ == ST_ERROR)
		return HTTP_PARSE_ERROR;
	effective_limits(h, &lim);
	if (h->state_ == ST_DONE) { /* called again: refresh the views */
		if (finish_head(h, buf, h->scan_, &lim) != HTTP_PARSE_DONE)
			return HTTP_PARSE_ERROR;
		*used = h->scan_;
		return HTTP_PARSE_DONE;
	}
	for (i = h->scan_; i < len; i++) {
		if (h->state_ == ST_FIELDS)
			i = skip_plain(h, buf, i, len, &lim);
		if (i == len)
			break;
		if (buf[i] != '\r') {
			if (check_byte(h, buf, i, &lim) == HTTP_PARSE_ERROR)
				return HTTP_PARSE_ERROR;
			continue;
		}
		if (i + 1 == len)
			break; /* the CR's partner has not arrived yet */
		if (buf[i + 1] != '\n')
			return fail(h, 400, "bare CR");
		if (i + 2 > lim.max_head)
			return fail(h, 431, "request head too big");
		rc = line_done(h, buf, h->pos_, i - h->pos_, &lim);
		h->pos_ = i + 2;
		h->line_sp_ = false;
		i++;
		if (rc == HTTP_PARSE_ERROR)
			return rc;
		if (rc == HTTP_PARSE_DONE) {
			h->state_ = ST_DONE;
			h->scan_ = i + 1;
			*used = i + 1;
			return rc;
		}
	}
	h->scan_ = i;
	return HTTP_PARSE_MORE;
}

struct str
http_head_get(const struct http_head *h, const char *name)
{
	struct str n = str_from(name), none = { NULL, 0 };
	size_t i;

	for (i = 0; i < h->nfields; i++)
		if (str_caseeq(h->fields[i].name, n))
			return h->fields[i].value;
	return none;
}
