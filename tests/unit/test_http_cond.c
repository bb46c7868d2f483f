/*
 * test_http_cond.c - ranges, ETags and preconditions (http_cond.h) against
 * RFC 9110 13.2.2 (evaluation order) and 14 (ranges): a Range table over
 * several file sizes, the ETag format, weak and strong list matching, and
 * a table of header combinations with the status each must produce. Every
 * header value is an exact-size heap copy.
 */
#include "http_cond.h"

#include <errno.h>
#include <string.h>

#include "harness.h"

static const struct {
	const char *name;
	const char *range;
	uint64_t size;
	enum http_range_kind kind;
	uint64_t start, len;
} range_rows[] = {
	{ "first bytes", "bytes=0-99", 1000, HTTP_RANGE_PARTIAL, 0, 100 },
	{ "middle", "bytes=100-199", 1000, HTTP_RANGE_PARTIAL, 100, 100 },
	{ "one byte", "bytes=5-5", 1000, HTTP_RANGE_PARTIAL, 5, 1 },
	{ "last byte by position", "bytes=999-999", 1000, HTTP_RANGE_PARTIAL,
	    999, 1 },
	{ "open end", "bytes=900-", 1000, HTTP_RANGE_PARTIAL, 900, 100 },
	{ "open end from 0", "bytes=0-", 1000, HTTP_RANGE_PARTIAL, 0, 1000 },
	{ "suffix", "bytes=-100", 1000, HTTP_RANGE_PARTIAL, 900, 100 },
	{ "suffix longer than file", "bytes=-5000", 1000, HTTP_RANGE_PARTIAL, 0,
	    1000 },
	{ "end clamped", "bytes=900-5000", 1000, HTTP_RANGE_PARTIAL, 900, 100 },
	{ "end past 64 bits clamped", "bytes=0-99999999999999999999999", 1000,
	    HTTP_RANGE_PARTIAL, 0, 1000 },
	{ "unit case-insensitive", "Bytes=0-0", 10, HTTP_RANGE_PARTIAL, 0, 1 },
	{ "OWS around", "  bytes= 1-2 ", 10, HTTP_RANGE_PARTIAL, 1, 2 },
	{ "leading zeros", "bytes=007-008", 10, HTTP_RANGE_PARTIAL, 7, 2 },

	{ "start at size", "bytes=1000-", 1000, HTTP_RANGE_UNSATISFIABLE, 0,
	    0 },
	{ "start past size", "bytes=2000-2100", 1000, HTTP_RANGE_UNSATISFIABLE,
	    0, 0 },
	{ "start past 64 bits", "bytes=99999999999999999999999-", 1000,
	    HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "suffix zero", "bytes=-0", 1000, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "empty file", "bytes=0-", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0 },
	{ "empty file suffix", "bytes=-5", 0, HTTP_RANGE_UNSATISFIABLE, 0, 0 },

	{ "last before first", "bytes=5-4", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "other unit", "items=0-1", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "two ranges", "bytes=0-1,5-6", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "trailing comma", "bytes=0-1,", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "no dash", "bytes=5", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "only a dash", "bytes=-", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "negative", "bytes=--5", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "hex", "bytes=0x1-2", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "no unit", "0-1", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "empty", "", 1000, HTTP_RANGE_FULL, 0, 0 },
	{ "space inside a number", "bytes=1 0-20", 1000, HTTP_RANGE_FULL, 0,
	    0 },
};

static void
test_ranges(void)
{
	struct http_range r;
	enum http_range_kind k;
	size_t i, n;
	char *v;

	for (i = 0; i < sizeof(range_rows) / sizeof(range_rows[0]); i++) {
		n = strlen(range_rows[i].range);
		v = harness_exact(range_rows[i].range, n);
		r.start = r.len = 77;
		k = http_range_parse((struct str){ v, n }, range_rows[i].size,
		    &r);
		CHECK_INT(range_rows[i].name, k, range_rows[i].kind);
		if (range_rows[i].kind == HTTP_RANGE_PARTIAL) {
			CHECK_INT(range_rows[i].name, r.start,
			    range_rows[i].start);
			CHECK_INT(range_rows[i].name, r.len, range_rows[i].len);
			CHECK(range_rows[i].name,
			    r.len > 0 && r.start + r.len <= range_rows[i].size);
		} else {
			CHECK_INT(range_rows[i].name, r.start, 77);
		}
		free(v);
	}
}

static void
test_etag_make(void)
{
	char e[HTTP_ETAG_MAX], e2[HTTP_ETAG_MAX], small[8];

	CHECK_INT("etag",
	    http_etag_make(0x1234, 0x10, 0x5f000000, 7, e, sizeof(e)), 0);
	CHECK_STR("etag format", e, "\"1234-10-5f00000000000007\"");
	CHECK_INT("etag max",
	    http_etag_make(UINT64_MAX, UINT64_MAX, INT64_MAX, 999999999, e,
	        sizeof(e)),
	    0);
	CHECK("etag max fits", strlen(e) < HTTP_ETAG_MAX);
	CHECK_INT("etag ns", http_etag_make(1, 2, 3, 4, e, sizeof(e)), 0);
	CHECK_INT("etag ns+1", http_etag_make(1, 2, 3, 5, e2, sizeof(e2)), 0);
	CHECK("a nanosecond changes the etag", strcmp(e, e2) != 0);
	CHECK_INT("etag inode", http_etag_make(9, 2, 3, 4, e2, sizeof(e2)), 0);
	CHECK("the inode changes the etag", strcmp(e, e2) != 0);
	CHECK_INT("etag size", http_etag_make(1, 9, 3, 4, e2, sizeof(e2)), 0);
	CHECK("the size changes the etag", strcmp(e, e2) != 0);
	errno = 0;
	CHECK_INT("etag too small",
	    http_etag_make(1, 2, 3, 4, small, sizeof(small)), -1);
	CHECK_INT("etag too small errno", errno, ENOBUFS);
	CHECK_STR("etag too small is empty", small, "");
}

static const struct {
	const char *name;
	const char *list;
	const char *etag;
	bool weak, match;
} match_rows[] = {
	{ "same, strong", "\"abc\"", "\"abc\"", false, true },
	{ "same, weak", "\"abc\"", "\"abc\"", true, true },
	{ "different", "\"abd\"", "\"abc\"", true, false },
	{ "star", "*", "\"abc\"", false, true },
	{ "star with OWS", " * ", "\"abc\"", true, true },
	{ "in a list", "\"x\", \"abc\" ,\"y\"", "\"abc\"", false, true },
	{ "W/ in list, weak comparison", "W/\"abc\"", "\"abc\"", true, true },
	{ "W/ in list, strong comparison", "W/\"abc\"", "\"abc\"", false,
	    false },
	{ "weak etag, weak comparison", "\"abc\"", "W/\"abc\"", true, true },
	{ "weak etag, strong comparison", "\"abc\"", "W/\"abc\"", false,
	    false },
	{ "unquoted never matches", "abc", "\"abc\"", true, false },
	{ "malformed list matches nothing", "\"abc\" junk", "\"abc\"", true,
	    false },
	{ "no comma between tags", "\"x\"\"abc\"", "\"abc\"", true, false },
	{ "unterminated", "\"abc", "\"abc\"", true, false },
	{ "empty list elements", ",, \"abc\",", "\"abc\"", true, true },
	{ "empty list", "", "\"abc\"", true, false },
	{ "star inside a list is not star", "\"x\", *", "\"abc\"", true,
	    false },
	{ "case matters", "\"ABC\"", "\"abc\"", true, false },
	{ "control byte in tag", "\"a\x01\"", "\"a\x01\"", true, false },
};

static void
test_etag_match(void)
{
	struct http_range r;
	size_t i, n;
	char *v;

	/* Absent values (NULL views): no match, no range, no crash. */
	CHECK("NULL list",
	    !http_etag_match((struct str){ NULL, 0 }, STR_LIT("\"a\""), true));
	CHECK("NULL range",
	    http_range_parse((struct str){ NULL, 0 }, 10, &r) ==
	        HTTP_RANGE_FULL);

	for (i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
		n = strlen(match_rows[i].list);
		v = harness_exact(match_rows[i].list, n);
		CHECK_INT(match_rows[i].name,
		    http_etag_match((struct str){ v, n },
		        str_from(match_rows[i].etag), match_rows[i].weak),
		    match_rows[i].match);
		free(v);
	}
}

#define ETAG  "\"1-2-3\""
#define MTIME 784111777 /* Sun, 06 Nov 1994 08:49:37 GMT */
#define SIZE  1000

static const struct {
	const char *name;
	const char *method;
	const char *im, *inm, *ims, *ius, *ir, *range;
	int status;
	uint64_t start, len;
} eval_rows[] = {
	{ "plain GET", "GET", NULL, NULL, NULL, NULL, NULL, NULL, 200, 0, 0 },
	{ "If-None-Match hit", "GET", NULL, ETAG, NULL, NULL, NULL, NULL, 304,
	    0, 0 },
	{ "If-None-Match hit, HEAD", "HEAD", NULL, ETAG, NULL, NULL, NULL, NULL,
	    304, 0, 0 },
	{ "If-None-Match weak hit", "GET", NULL, "W/" ETAG, NULL, NULL, NULL,
	    NULL, 304, 0, 0 },
	{ "If-None-Match star", "GET", NULL, "*", NULL, NULL, NULL, NULL, 304,
	    0, 0 },
	{ "If-None-Match miss", "GET", NULL, "\"x\"", NULL, NULL, NULL, NULL,
	    200, 0, 0 },
	{ "If-None-Match hit, POST is 412", "POST", NULL, ETAG, NULL, NULL,
	    NULL, NULL, 412, 0, 0 },
	{ "IMS same second: 304", "GET", NULL, NULL,
	    "Sun, 06 Nov 1994 08:49:37 GMT", NULL, NULL, NULL, 304, 0, 0 },
	{ "IMS later: 304", "GET", NULL, NULL, "Mon, 07 Nov 1994 08:49:37 GMT",
	    NULL, NULL, NULL, 304, 0, 0 },
	{ "IMS earlier: 200", "GET", NULL, NULL,
	    "Sun, 06 Nov 1994 08:49:36 GMT", NULL, NULL, NULL, 200, 0, 0 },
	{ "IMS RFC 850 form", "GET", NULL, NULL,
	    "Sunday, 06-Nov-94 08:49:37 GMT", NULL, NULL, NULL, 304, 0, 0 },
	{ "IMS asctime form", "GET", NULL, NULL, "Sun Nov  6 08:49:37 1994",
	    NULL, NULL, NULL, 304, 0, 0 },
	{ "IMS invalid date ignored", "GET", NULL, NULL, "yesterday", NULL,
	    NULL, NULL, 200, 0, 0 },
	{ "IMS ignored when INM present (miss)", "GET", NULL, "\"x\"",
	    "Mon, 07 Nov 1994 08:49:37 GMT", NULL, NULL, NULL, 200, 0, 0 },
	{ "IMS ignored for POST", "POST", NULL, NULL,
	    "Mon, 07 Nov 1994 08:49:37 GMT", NULL, NULL, NULL, 200, 0, 0 },
	{ "If-Match hit", "GET", ETAG, NULL, NULL, NULL, NULL, NULL, 200, 0,
	    0 },
	{ "If-Match miss: 412", "GET", "\"x\"", NULL, NULL, NULL, NULL, NULL,
	    412, 0, 0 },
	{ "If-Match weak tag never matches", "GET", "W/" ETAG, NULL, NULL, NULL,
	    NULL, NULL, 412, 0, 0 },
	{ "If-Match star", "PUT", "*", NULL, NULL, NULL, NULL, NULL, 200, 0,
	    0 },
	{ "IUS earlier: 412", "GET", NULL, NULL, NULL,
	    "Sun, 06 Nov 1994 08:49:36 GMT", NULL, NULL, 412, 0, 0 },
	{ "IUS same: 200", "GET", NULL, NULL, NULL,
	    "Sun, 06 Nov 1994 08:49:37 GMT", NULL, NULL, 200, 0, 0 },
	{ "IUS ignored with If-Match", "GET", ETAG, NULL, NULL,
	    "Sun, 06 Nov 1994 08:49:36 GMT", NULL, NULL, 200, 0, 0 },
	{ "IUS invalid ignored", "GET", NULL, NULL, NULL, "soon", NULL, NULL,
	    200, 0, 0 },
	{ "412 before 304", "GET", "\"x\"", ETAG, NULL, NULL, NULL, NULL, 412,
	    0, 0 },
	{ "Range", "GET", NULL, NULL, NULL, NULL, NULL, "bytes=10-19", 206, 10,
	    10 },
	{ "Range unsatisfiable", "GET", NULL, NULL, NULL, NULL, NULL,
	    "bytes=1000-", 416, 0, 0 },
	{ "Range ignored for HEAD", "HEAD", NULL, NULL, NULL, NULL, NULL,
	    "bytes=0-1", 200, 0, 0 },
	{ "Range ignored when malformed", "GET", NULL, NULL, NULL, NULL, NULL,
	    "bytes=1-0", 200, 0, 0 },
	{ "Range after 304 check", "GET", NULL, ETAG, NULL, NULL, NULL,
	    "bytes=0-1", 304, 0, 0 },
	{ "Range with INM miss", "GET", NULL, "\"x\"", NULL, NULL, NULL,
	    "bytes=0-1", 206, 0, 2 },
	{ "If-Range etag hit", "GET", NULL, NULL, NULL, NULL, ETAG, "bytes=-10",
	    206, 990, 10 },
	{ "If-Range etag miss: whole file", "GET", NULL, NULL, NULL, NULL,
	    "\"x\"", "bytes=-10", 200, 0, 0 },
	{ "If-Range weak etag: whole file", "GET", NULL, NULL, NULL, NULL,
	    "W/" ETAG, "bytes=-10", 200, 0, 0 },
	{ "If-Range date equal", "GET", NULL, NULL, NULL, NULL,
	    "Sun, 06 Nov 1994 08:49:37 GMT", "bytes=0-0", 206, 0, 1 },
	{ "If-Range date later: whole file", "GET", NULL, NULL, NULL, NULL,
	    "Sun, 06 Nov 1994 08:49:38 GMT", "bytes=0-0", 200, 0, 0 },
	{ "If-Range garbage: whole file", "GET", NULL, NULL, NULL, NULL, "*",
	    "bytes=0-0", 200, 0, 0 },
	{ "If-Range without Range", "GET", NULL, NULL, NULL, NULL, ETAG, NULL,
	    200, 0, 0 },
};

static struct str
view(const char *s, char **copy)
{
	struct str v = { NULL, 0 };

	*copy = NULL;
	if (s != NULL) {
		*copy = harness_exact(s, strlen(s));
		v.p = *copy;
		v.len = strlen(s);
	}
	return v;
}

static void
test_eval(void)
{
	struct http_cond c;
	struct http_range r;
	char *cp[6];
	size_t i, j;
	int st;

	for (i = 0; i < sizeof(eval_rows) / sizeof(eval_rows[0]); i++) {
		c.if_match = view(eval_rows[i].im, &cp[0]);
		c.if_none_match = view(eval_rows[i].inm, &cp[1]);
		c.if_modified_since = view(eval_rows[i].ims, &cp[2]);
		c.if_unmodified_since = view(eval_rows[i].ius, &cp[3]);
		c.if_range = view(eval_rows[i].ir, &cp[4]);
		c.range = view(eval_rows[i].range, &cp[5]);
		r.start = r.len = 0;
		st = http_cond_eval(&c, str_from(eval_rows[i].method),
		    STR_LIT(ETAG), MTIME, SIZE, &r);
		CHECK_INT(eval_rows[i].name, st, eval_rows[i].status);
		if (st == 206) {
			CHECK_INT(eval_rows[i].name, r.start,
			    eval_rows[i].start);
			CHECK_INT(eval_rows[i].name, r.len, eval_rows[i].len);
		}
		for (j = 0; j < 6; j++)
			free(cp[j]);
	}
}

/* http_cond_from_head picks the fields out of a parsed head. */
static void
test_from_head(void)
{
	static const char req[] =
	    "GET / HTTP/1.1\r\nHost: a\r\n"
	    "if-none-match: \"x\"\r\nRange: bytes=0-1\r\n\r\n";
	struct http_field fv[8];
	struct http_head h;
	struct http_cond c;
	size_t used;

	http_head_init(&h, fv, 8, NULL);
	CHECK_INT("from head: parse",
	    http_parse_head(&h, req, sizeof(req) - 1, &used), HTTP_PARSE_DONE);
	http_cond_from_head(&c, &h);
	CHECK_MEM("from head: INM", c.if_none_match.p, c.if_none_match.len,
	    "\"x\"", 3);
	CHECK_MEM("from head: Range", c.range.p, c.range.len, "bytes=0-1", 9);
	CHECK("from head: If-Match absent", c.if_match.p == NULL);
	CHECK("from head: IMS absent", c.if_modified_since.p == NULL);
}

int
main(void)
{
	test_ranges();
	test_etag_make();
	test_etag_match();
	test_eval();
	test_from_head();
	return harness_done();
}
