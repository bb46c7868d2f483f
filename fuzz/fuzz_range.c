/*
 * fuzz_range.c - arbitrary bytes into the Range, ETag-list, HTTP-date and
 * precondition parsers (http_cond.h, http_date.h). Checks the contract as
 * well as survival: a partial range lies inside the file and is not empty,
 * a parsed date formats and parses back to itself, and the evaluator only
 * answers 200, 206, 304, 412 or 416.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_cond.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t sizes[] = { 0, 1, 2, 1000, UINT64_MAX - 1, UINT64_MAX };

static void
check_range(struct str v)
{
	struct http_range r;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (http_range_parse(v, sizes[i], &r) != HTTP_RANGE_PARTIAL)
			continue;
		if (r.len == 0 || r.start > sizes[i] ||
		    r.len > sizes[i] - r.start)
			__builtin_trap();
	}
}

static void
check_date(struct str v)
{
	char out[HTTP_DATE_LEN + 1];
	time_t t, t2;

	if (http_date_parse(v, &t) == -1)
		return;
	if (http_date_format(t, out, sizeof(out)) == -1)
		__builtin_trap(); /* every parsed year fits 0..9999 */
	if (http_date_parse(str_from(out), &t2) == -1 || t2 != t)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct str part[6], all = { (const char *)data, size };
	struct http_cond c;
	struct http_range r;
	const char *p = (const char *)data, *end = p + size, *nl;
	size_t i;
	int st;

	check_range(all);
	check_date(all);
	(void)http_etag_match(all, STR_LIT("\"1-2-3\""), true);
	(void)http_etag_match(all, STR_LIT("\"1-2-3\""), false);

	/* Six newline-separated header values; missing ones are absent. */
	for (i = 0; i < 6; i++) {
		part[i].p = NULL;
		part[i].len = 0;
		if (p > end)
			continue;
		nl = memchr(p, '\n', (size_t)(end - p));
		part[i].p = p;
		part[i].len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		p += part[i].len + 1;
	}
	c.if_match = part[0];
	c.if_none_match = part[1];
	c.if_modified_since = part[2];
	c.if_unmodified_since = part[3];
	c.if_range = part[4];
	c.range = part[5];
	for (i = 0; i < 6; i++) {
		check_range(part[i]);
		check_date(part[i]);
	}
	st = http_cond_eval(&c, STR_LIT("GET"), STR_LIT("\"1-2-3\""), 784111777,
	    1000, &r);
	if (st != 200 && st != 206 && st != 304 && st != 412 && st != 416)
		__builtin_trap();
	if (st == 206 && (r.len == 0 || r.start + r.len > 1000))
		__builtin_trap();
	return 0;
}
