/*
 * http_cond.c - conditional and range evaluation declared in http_cond.h.
 *
 * Every malformed input degrades to the plain answer (200 and the whole
 * file) rather than an error, as RFC 9110 13.1 and 14.2 direct: a broken
 * precondition or range is ignored, never trusted.
 */
#include "http_cond.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/*
 * Parses a run of digits at *p, saturating at UINT64_MAX: a position too
 * big to represent is still past the end of any file.
 */
static bool
range_num(const char **p, const char *end, uint64_t *v)
{
	const char *start = *p;
	unsigned d;

	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9') {
		d = (unsigned)(**p - '0');
		*v = *v > (UINT64_MAX - d) / 10 ? UINT64_MAX : *v * 10 + d;
		(*p)++;
	}
	return *p > start;
}

enum http_range_kind
http_range_parse(struct str value, uint64_t size, struct http_range *r)
{
	const char *p, *end;
	uint64_t first, last;
	bool has_first, has_last;

	value = str_trim(value);
	if (!str_caseprefix(value, "bytes="))
		return HTTP_RANGE_FULL; /* another unit: ignore */
	p = value.p + 6;
	end = value.p + value.len;
	/* RFC 9110 14.1.1: OWS is allowed around list elements. */
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	has_first = range_num(&p, end, &first);
	if (p == end || *p != '-')
		return HTTP_RANGE_FULL;
	p++;
	has_last = range_num(&p, end, &last);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	/* Several ranges (or junk) are not served: the whole file is. */
	if (p != end || (!has_first && !has_last))
		return HTTP_RANGE_FULL;
	if (has_first && has_last && last < first)
		return HTTP_RANGE_FULL; /* invalid: the header is ignored */
	if (!has_first) {
		/* suffix-range: the last "last" bytes */
		if (last == 0 || size == 0)
			return HTTP_RANGE_UNSATISFIABLE;
		r->len = last < size ? last : size;
		r->start = size - r->len;
		return HTTP_RANGE_PARTIAL;
	}
	if (first >= size)
		return HTTP_RANGE_UNSATISFIABLE;
	if (!has_last || last >= size)
		last = size - 1;
	r->start = first;
	r->len = last - first + 1;
	return HTTP_RANGE_PARTIAL;
}

int
http_etag_make(uint64_t ino, uint64_t size, int64_t mtime_sec, long mtime_nsec,
    char *out, size_t outlen)
{
	int n;

	n = snprintf(out, outlen,
	    "\"%" PRIx64 "-%" PRIx64 "-%" PRIx64 "%08lx\"", ino, size,
	    (uint64_t)mtime_sec, (unsigned long)mtime_nsec);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		errno = ENOBUFS;
		return -1;
	}
	return 0;
}

/*
 * Reads one entity-tag at *p (RFC 9110 8.8.3): [W/] DQUOTE *etagc DQUOTE.
 * On success *tag is the opaque-tag with its quotes and *weak is set.
 */
static bool
read_etag(const char **p, const char *end, struct str *tag, bool *weak)
{
	const char *q = *p;

	*weak = false;
	if (end - q >= 2 && q[0] == 'W' && q[1] == '/') {
		*weak = true;
		q += 2;
	}
	if (q == end || *q != '"')
		return false;
	tag->p = q++;
	/* etagc = %x21 / %x23-7E / obs-text */
	while (q < end && *q != '"') {
		if ((unsigned char)*q < 0x21 || *q == 0x7f)
			return false;
		q++;
	}
	if (q == end)
		return false;
	q++;
	tag->len = (size_t)(q - tag->p);
	*p = q;
	return true;
}

bool
http_etag_match(struct str list, struct str etag, bool weak)
{
	const char *p, *end;
	struct str mine, tag;
	bool mine_weak, tag_weak, hit = false;

	list = str_trim(list);
	if (list.len == 0 || etag.len == 0)
		return false;
	if (list.len == 1 && list.p[0] == '*')
		return true;
	p = etag.p;
	if (!read_etag(&p, etag.p + etag.len, &mine, &mine_weak) ||
	    p != etag.p + etag.len || (mine_weak && !weak))
		return false;
	p = list.p;
	end = list.p + list.len;
	/* 1#entity-tag: the whole list must parse, or nothing matches. */
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p == end)
			break;
		if (!read_etag(&p, end, &tag, &tag_weak))
			return false;
		if (str_eq(tag, mine) && (weak || !tag_weak))
			hit = true;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p != ',')
			return false;
	}
	return hit;
}

void
http_cond_from_head(struct http_cond *c, const struct http_head *h)
{
	c->if_match = http_head_get(h, "If-Match");
	c->if_none_match = http_head_get(h, "If-None-Match");
	c->if_modified_since = http_head_get(h, "If-Modified-Since");
	c->if_unmodified_since = http_head_get(h, "If-Unmodified-Since");
	c->if_range = http_head_get(h, "If-Range");
	c->range = http_head_get(h, "Range");
}

/* If-Range (RFC 9110 13.1.5): true when the Range may be honoured. */
static bool
if_range_holds(struct str v, struct str etag, time_t mtime)
{
	time_t t;

	v = str_trim(v);
	if (v.len > 0 && (v.p[0] == '"' || v.p[0] == 'W'))
		return http_etag_match(v, etag, false);
	/* A date must match exactly: a strong validator only. */
	return http_date_parse(v, &t) == 0 && t == mtime;
}

int
http_cond_eval(const struct http_cond *c, struct str method, struct str etag,
    time_t mtime, uint64_t size, struct http_range *r)
{
	bool safe =
	    str_eq(method, STR_LIT("GET")) || str_eq(method, STR_LIT("HEAD"));
	time_t t;

	/* Step 1 and 2: the preconditions that protect a state change. */
	if (c->if_match.p != NULL) {
		if (!http_etag_match(c->if_match, etag, false))
			return 412;
	} else if (c->if_unmodified_since.p != NULL &&
	    http_date_parse(str_trim(c->if_unmodified_since), &t) == 0 &&
	    mtime > t) {
		return 412;
	}
	/* Step 3 and 4: the ones that save a transfer. */
	if (c->if_none_match.p != NULL) {
		if (http_etag_match(c->if_none_match, etag, true))
			return safe ? 304 : 412;
	} else if (safe && c->if_modified_since.p != NULL &&
	    http_date_parse(str_trim(c->if_modified_since), &t) == 0 &&
	    mtime <= t) {
		return 304;
	}
	/* Step 5: Range, only for GET (RFC 9110 14.2). */
	if (c->range.p == NULL || !str_eq(method, STR_LIT("GET")))
		return 200;
	if (c->if_range.p != NULL && !if_range_holds(c->if_range, etag, mtime))
		return 200;
	switch (http_range_parse(c->range, size, r)) {
	case HTTP_RANGE_PARTIAL:
		return 206;
	case HTTP_RANGE_UNSATISFIABLE:
		return 416;
	default:
		return 200;
	}
}
