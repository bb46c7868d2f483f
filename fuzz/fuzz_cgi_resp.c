/*
 * fuzz_cgi_resp.c - arbitrary script output into the CGI response-header
 * parser, then into the response-head builder.
 *
 * Invariants checked (cgi_resp.h): views stay inside the input, counts
 * stay within their capacity, a split feed agrees with a whole feed, and
 * the head sent to the client has no NUL and no CR or LF outside CRLF.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_resp.h"

#define MAXF 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
inside(struct str v, const char *p, size_t n)
{
	return v.p == NULL || (v.p >= p && v.p + v.len <= p + n);
}

static void
check_head(const struct cgi_resp *r)
{
	struct cgi_resp_out o = { .frame = CGI_FRAME_CHUNKED,
		.keep_alive = true,
		.date = "D",
		.server = "S" };
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	if (cgi_resp_head(r, &o, &b) == -1)
		__builtin_trap();
	for (i = 0; i < b.len; i++) {
		if (b.data[i] == '\0')
			__builtin_trap();
		if (b.data[i] == '\r' &&
		    (i + 1 >= b.len || b.data[i + 1] != '\n'))
			__builtin_trap();
		if (b.data[i] == '\n' && (i == 0 || b.data[i - 1] != '\r'))
			__builtin_trap();
	}
	buf_fini(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str names[MAXF], values[MAXF], n2[MAXF], v2[MAXF];
	struct cgi_resp r = { .names = names,
		.values = values,
		.maxfields = MAXF };
	struct cgi_resp r2 = { .names = n2, .values = v2, .maxfields = MAXF };
	const char *p = (const char *)data;
	enum cgi_resp_parse rc, rc2;
	size_t used = 0, used2 = 0, i;

	rc = cgi_resp_parse(&r, p, size, &used);
	rc2 = cgi_resp_parse(&r2, p, size / 2, &used2);
	if (rc2 == CGI_RESP_MORE)
		rc2 = cgi_resp_parse(&r2, p, size, &used2);
	if (rc2 != rc || (rc == CGI_RESP_DONE && used2 != used))
		__builtin_trap();
	if (rc != CGI_RESP_DONE)
		return 0;
	if (used > size || r.nfields > r.maxfields)
		__builtin_trap();
	if (!inside(r.content_type, p, used) || !inside(r.location, p, used))
		__builtin_trap();
	for (i = 0; i < r.nfields; i++)
		if (!inside(r.names[i], p, used) ||
		    !inside(r.values[i], p, used))
			__builtin_trap();
	if (r.kind != CGI_RESP_LOCAL_REDIRECT &&
	    (r.status < 200 || r.status > 599))
		__builtin_trap();
	check_head(&r);
	return 0;
}
