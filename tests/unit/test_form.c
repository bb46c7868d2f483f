/*
 * test_form.c - the form store and body reader: every limit at its bound
 * and one past it (L-API-04, L-URL-11, L-MP-25), CONTENT_LENGTH handling
 * (L-API-01..03, RFC 3875 4.2), lookups by name, source and position
 * (L-API-05), uploads in memory and in unlinked temp files and saving them
 * (L-API-13), filename sanitising (L-MP-14) and request isolation
 * (L-API-12). Urlencoded bodies, decoded in place as fields complete:
 * the same fields at every read size, early refusal of a field that can
 * no longer fit (and none of one that still can), form_reset for the
 * next request, and reading to EOF without CONTENT_LENGTH (L-API-03).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "form.h"
#include "harness.h"

#define S(s) s, sizeof(s) - 1
#define MPT  "multipart/form-data; boundary=XB"
#define CD   "Content-Disposition: form-data; name="
#define UT   "application/x-www-form-urlencoded"
/* RFC 2388 4.5: a field, then two files under one name in a mixed part. */
#define MIXED                                                                  \
	"--XB\r\n" CD "a\r\n\r\n1\r\n--XB\r\n" CD "files\r\n"                  \
	"Content-Type: multipart/mixed; boundary=YY\r\n\r\n--YY\r\n"           \
	"Content-Disposition: file; filename=\"x.txt\"\r\n"                    \
	"Content-Type: text/plain\r\n\r\nxx\r\n--YY\r\n"                       \
	"Content-Disposition: file; filename=\"y.png\"\r\n\r\nyyy\r\n"         \
	"--YY--\r\n\r\n"

/* Serves a body from memory, chunk bytes at a time, and counts calls. */
struct reader {
	const char *p;
	size_t len, off, chunk;
	unsigned calls;
	int fail_errno; /* return -1 with this errno once off reaches len */
};

static ssize_t
mem_read(void *ctx, void *out, size_t n)
{
	struct reader *r = ctx;

	r->calls++;
	if (r->off == r->len && r->fail_errno != 0) {
		errno = r->fail_errno;
		r->fail_errno = errno == EINTR ? 0 : r->fail_errno;
		return -1;
	}
	if (n > r->chunk)
		n = r->chunk;
	if (n > r->len - r->off)
		n = r->len - r->off;
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return (ssize_t)n;
}

enum lim {
	L_NONE,
	L_BODY,
	L_FIELDS,
	L_NAME,
	L_VALUE,
	L_FILES,
	L_FILE_SIZE,
	L_DISK,
	L_PART_HEADERS,
	L_COOKIES
};

enum kind {
	K_QUERY,
	K_COOKIE,
	K_BODY
};

static const struct {
	const char *name;
	enum lim lim;
	uint64_t value;
	enum kind kind;
	const char *ct; /* K_BODY */
	const char *in;
	size_t inlen;
	enum form_err err;
	size_t nfields;
	int status;
} cases[] = {
	{ "L-URL-11 max_fields at the bound", L_FIELDS, 3, K_QUERY, NULL,
	    S("a&b&c"), FORM_OK, 3, 0 },
	{ "L-URL-11 max_fields one past", L_FIELDS, 3, K_QUERY, NULL,
	    S("a&b&c&d"), FORM_EFIELDS, 3, 413 },
	{ "L-API-04 max_name at the bound", L_NAME, 3, K_QUERY, NULL,
	    S("a%41c=1"), FORM_OK, 1, 0 },
	{ "L-API-04 max_name one past", L_NAME, 3, K_QUERY, NULL,
	    S("x=1&abcd=1"), FORM_ENAME_SIZE, 1, 413 },
	{ "L-API-04 max_value at the bound", L_VALUE, 4, K_QUERY, NULL,
	    S("a=%41+cd"), FORM_OK, 1, 0 },
	{ "L-API-04 max_value one past", L_VALUE, 4, K_QUERY, NULL,
	    S("a=abcde"), FORM_EVALUE_SIZE, 0, 413 },
	{ "L-API-04 body max_fields one past", L_FIELDS, 2, K_BODY, UT,
	    S("a&b&c"), FORM_EFIELDS, 0, 413 },
	{ "L-API-04 body max_value one past", L_VALUE, 2, K_BODY, UT,
	    S("a=12&b=123"), FORM_EVALUE_SIZE, 0, 413 },
	{ "L-API-04 max_body at the bound", L_BODY, 7, K_BODY, UT, S("a=1&b=2"),
	    FORM_OK, 2, 0 },
	{ "L-API-04 max_body one past", L_BODY, 6, K_BODY, UT, S("a=1&b=2"),
	    FORM_EBODY_SIZE, 0, 413 },
	{ "L-MP-25 parts at max_fields", L_FIELDS, 2, K_BODY, MPT,
	    S("--XB\r\n" CD "a\r\n\r\n1\r\n--XB\r\n" CD "b\r\n\r\n2\r\n--XB--"),
	    FORM_OK, 2, 0 },
	{ "L-MP-25 parts one past max_fields", L_FIELDS, 1, K_BODY, MPT,
	    S("--XB\r\n" CD "a\r\n\r\n1\r\n--XB\r\n" CD "b\r\n\r\n2\r\n--XB--"),
	    FORM_EFIELDS, 0, 413 },
	{ "L-MP-25 part name at max_name", L_NAME, 2, K_BODY, MPT,
	    S("--XB\r\n" CD "ab\r\n\r\n1\r\n--XB--"), FORM_OK, 1, 0 },
	{ "L-MP-25 part name one past", L_NAME, 2, K_BODY, MPT,
	    S("--XB\r\n" CD "abc\r\n\r\n1\r\n--XB--"), FORM_ENAME_SIZE, 0,
	    413 },
	{ "L-MP-25 part value at max_value", L_VALUE, 3, K_BODY, MPT,
	    S("--XB\r\n" CD "a\r\n\r\n123\r\n--XB--"), FORM_OK, 1, 0 },
	{ "L-MP-25 part value one past", L_VALUE, 3, K_BODY, MPT,
	    S("--XB\r\n" CD "a\r\n\r\n1234\r\n--XB--"), FORM_EVALUE_SIZE, 0,
	    413 },
	{ "L-MP-25 files at max_files", L_FILES, 1, K_BODY, MPT,
	    S("--XB\r\n" CD "f; filename=a\r\n\r\n1\r\n--XB--"), FORM_OK, 1,
	    0 },
	{ "L-MP-25 files one past", L_FILES, 1, K_BODY, MPT,
	    S("--XB\r\n" CD "f; filename=a\r\n\r\n1\r\n--XB\r\n" CD
	      "f; filename=b\r\n\r\n2\r\n--XB--"),
	    FORM_EFILES, 0, 413 },
	{ "L-MP-13 no file chosen is not counted", L_FILES, 0, K_BODY, MPT,
	    S("--XB\r\n" CD "f; filename=\"\"\r\n\r\n\r\n--XB--"), FORM_OK, 1,
	    0 },
	{ "L-MP-25 file size at the bound", L_FILE_SIZE, 4, K_BODY, MPT,
	    S("--XB\r\n" CD "f; filename=a\r\n\r\n1234\r\n--XB--"), FORM_OK, 1,
	    0 },
	{ "L-MP-25 file size one past", L_FILE_SIZE, 4, K_BODY, MPT,
	    S("--XB\r\n" CD "f; filename=a\r\n\r\n12345\r\n--XB--"),
	    FORM_EFILE_SIZE, 0, 413 },
	{ "L-MP-25 disk at the bound", L_DISK, 10, K_BODY, MPT,
	    S("--XB\r\n" CD "f; filename=a\r\n\r\n12345\r\n--XB\r\n" CD
	      "g; filename=b\r\n\r\n12345\r\n--XB--"),
	    FORM_OK, 2, 0 },
	{ "L-MP-25 disk one past", L_DISK, 9, K_BODY, MPT,
	    S("--XB\r\n" CD "f; filename=a\r\n\r\n12345\r\n--XB\r\n" CD
	      "g; filename=b\r\n\r\n12345\r\n--XB--"),
	    FORM_EDISK, 0, 413 },
	{ "L-MP-19 part headers at the bound", L_PART_HEADERS, 48, K_BODY, MPT,
	    S("--XB\r\n" CD "abcdefg\r\n\r\nv\r\n--XB--"), FORM_OK, 1, 0 },
	{ "L-MP-19 part headers one past", L_PART_HEADERS, 47, K_BODY, MPT,
	    S("--XB\r\n" CD "abcdefg\r\n\r\nv\r\n--XB--"), FORM_EPART_HEADERS,
	    0, 413 },
	{ "L-CK-05 cookies at the bound", L_COOKIES, 2, K_COOKIE, NULL,
	    S("a=1; b=2"), FORM_OK, 2, 0 },
	{ "L-CK-05 cookies one past", L_COOKIES, 2, K_COOKIE, NULL,
	    S("a=1; b=2; c=3"), FORM_ECOOKIES, 2, 400 },
	{ "L-MP-06 truncated multipart", L_NONE, 0, K_BODY, MPT,
	    S("--XB\r\n" CD "a\r\n\r\n1\r\n--XB\r\n" CD "b\r\n\r\n2"),
	    FORM_EMALFORMED, 0, 400 },
	{ "L-MP-07 LF-only multipart", L_NONE, 0, K_BODY, MPT,
	    S("--XB\n" CD "a\n\n1\n--XB--\n"), FORM_EMALFORMED, 0, 400 },
	{ "L-MP-21 two files in one mixed part", L_NONE, 0, K_BODY, MPT,
	    S(MIXED "--XB--"), FORM_OK, 3, 0 },
	{ "L-MP-21 mixed files count against max_files", L_FILES, 1, K_BODY,
	    MPT, S(MIXED "--XB--"), FORM_EFILES, 0, 413 },
	{ "L-MP-21 mixed part truncated", L_NONE, 0, K_BODY, MPT,
	    S("--XB\r\n" CD "files\r\nContent-Type: multipart/mixed; "
	      "boundary=YY\r\n\r\n--YY\r\nContent-Disposition: file; "
	      "filename=a\r\n\r\nx\r\n--XB--"),
	    FORM_EMALFORMED, 0, 400 },
	{ "L-MP-01 no boundary", L_NONE, 0, K_BODY, "multipart/form-data",
	    S("--XB--"), FORM_EBOUNDARY, 0, 400 },
	{ "L-3875-4.1.3 no content type kept raw", L_NONE, 0, K_BODY, NULL,
	    S("a=1"), FORM_OK, 0, 0 },
	{ "L-URL-08 NUL kept with length", L_NONE, 0, K_QUERY, NULL,
	    S("a=x%00y"), FORM_OK, 1, 0 },
};

static void
set_limit(struct form_limits *lim, enum lim which, uint64_t v)
{
	switch (which) {
	case L_NONE:
		break;
	case L_BODY:
		lim->max_body = v;
		break;
	case L_FIELDS:
		lim->max_fields = (size_t)v;
		break;
	case L_NAME:
		lim->max_name = (size_t)v;
		break;
	case L_VALUE:
		lim->max_value = (size_t)v;
		break;
	case L_FILES:
		lim->max_files = (size_t)v;
		break;
	case L_FILE_SIZE:
		lim->max_file_size = v;
		break;
	case L_DISK:
		lim->max_disk = v;
		lim->spill_threshold = 0; /* every byte goes to disk */
		break;
	case L_PART_HEADERS:
		lim->max_part_headers = (size_t)v;
		break;
	case L_COOKIES:
		lim->max_cookies = (size_t)v;
		break;
	}
}

static char *
decimal(size_t n)
{
	static char s[32];

	if (snprintf(s, sizeof(s), "%zu", n) >= (int)sizeof(s))
		exit(2);
	return s;
}

/* Runs row i with the body arriving chunk bytes per read. */
static void
run_row(size_t i, size_t chunk)
{
	struct form_limits lim;
	struct form *f;
	struct reader rd = { NULL, 0, 0, chunk, 0, 0 };
	enum form_err err = FORM_OK;
	char *in;

	form_limits_default(&lim);
	set_limit(&lim, cases[i].lim, cases[i].value);
	if ((f = form_new(&lim)) == NULL)
		exit(2);
	in = harness_exact(cases[i].in, cases[i].inlen);
	if (cases[i].kind == K_QUERY)
		err = form_parse_query(f, in, cases[i].inlen);
	else if (cases[i].kind == K_COOKIE)
		err = form_parse_cookies(f, in, cases[i].inlen);
	else {
		rd.p = in;
		rd.len = cases[i].inlen;
		err = form_read_body(f, mem_read, &rd, cases[i].ct,
		    decimal(cases[i].inlen), 0);
	}
	CHECK_INT(cases[i].name, err, cases[i].err);
	CHECK_INT(cases[i].name, f->nfields, cases[i].nfields);
	CHECK_INT(cases[i].name, form_err_status(err), cases[i].status);
	CHECK(cases[i].name, strlen(form_err_str(err)) > 0);
	if (err != FORM_OK)
		CHECK_INT(cases[i].name, f->err, err);
	free(in);
	form_free(f);
}

static void
test_rows(void)
{
	size_t i, chunk;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (chunk = 1; chunk <= cases[i].inlen + 1; chunk++)
			run_row(i, chunk);
}

static const struct {
	const char *name, *cl;
	enum form_err err;
	unsigned calls; /* reads expected: 0 = refused before reading */
} cl_cases[] = {
	{ "L-API-01 minus", "-1", FORM_ELENGTH, 0 },
	{ "L-API-01 plus", "+5", FORM_ELENGTH, 0 },
	{ "L-API-01 leading space", " 5", FORM_ELENGTH, 0 },
	{ "L-API-01 trailing space", "5 ", FORM_ELENGTH, 0 },
	{ "L-API-01 overflow", "99999999999999999999", FORM_ELENGTH, 0 },
	{ "L-API-01 hex", "0x5", FORM_ELENGTH, 0 },
	{ "L-API-01 leading zeros", "005", FORM_OK, 1 },
	{ "L-API-03 empty length is no body", "", FORM_OK, 0 },
	{ "L-API-03 zero length is no body", "0", FORM_OK, 0 },
	{ "L-API-04 over max_body before reading", "1000001", FORM_EBODY_SIZE,
	    0 },
};

static void
test_content_length(void)
{
	struct form_limits lim;
	struct form *f;
	struct reader rd = { "a=1&b", 5, 0, 64, 0, 0 };
	size_t i;

	form_limits_default(&lim);
	lim.max_body = 1000000;
	for (i = 0; i < sizeof(cl_cases) / sizeof(cl_cases[0]); i++) {
		rd.off = 0;
		rd.calls = 0;
		if ((f = form_new(&lim)) == NULL)
			exit(2);
		CHECK_INT(cl_cases[i].name,
		    form_read_body(f, mem_read, &rd, UT, cl_cases[i].cl, 0),
		    cl_cases[i].err);
		CHECK_INT(cl_cases[i].name, rd.calls, cl_cases[i].calls);
		CHECK_INT(cl_cases[i].name, f->nfields,
		    cl_cases[i].err == FORM_OK && rd.calls > 0 ? 2 : 0);
		form_free(f);
	}
	/* L-API-03: NULL length, no body; with the flag, read to EOF. */
	f = form_new(NULL);
	rd.off = rd.calls = 0;
	CHECK_INT("L-API-03 NULL length",
	    form_read_body(f, mem_read, &rd, UT, NULL, 0), FORM_OK);
	CHECK_INT("L-API-03 NULL length reads nothing", rd.calls, 0);
	CHECK_INT("L-API-03 read to EOF",
	    form_read_body(f, mem_read, &rd, UT, NULL, FORM_READ_TO_EOF),
	    FORM_OK);
	CHECK_INT("L-API-03 read to EOF fields", f->nfields, 2);
	form_free(f);
	lim.max_body = 4;
	f = form_new(&lim);
	rd.off = rd.calls = 0;
	CHECK_INT("L-API-03 read to EOF bounded",
	    form_read_body(f, mem_read, &rd, UT, NULL, FORM_READ_TO_EOF),
	    FORM_EBODY_SIZE);
	form_free(f);
	/* RFC 3875 4.2: never more than CONTENT_LENGTH, even if more waits. */
	f = form_new(NULL);
	rd.off = rd.calls = 0;
	CHECK_INT("L-3875-4.2 stops at CONTENT_LENGTH",
	    form_read_body(f, mem_read, &rd, UT, "3", 0), FORM_OK);
	CHECK_INT("L-3875-4.2 bytes read", rd.off, 3);
	CHECK_INT("L-3875-4.2 one field", f->nfields, 1);
	form_free(f);
	/* L-API-02: a short body is an error and keeps nothing. */
	f = form_new(NULL);
	rd.off = rd.calls = 0;
	CHECK_INT("L-API-02 truncated",
	    form_read_body(f, mem_read, &rd, UT, "6", 0), FORM_ETRUNCATED);
	CHECK_INT("L-API-02 truncated keeps no field", f->nfields, 0);
	CHECK_INT("L-API-02 status", form_err_status(FORM_ETRUNCATED), 400);
	form_free(f);
	/* L-API-02: EINTR is retried, other errors end the read. */
	f = form_new(NULL);
	rd.off = rd.calls = 0;
	rd.fail_errno = EINTR;
	CHECK_INT("L-API-02 EINTR retried",
	    form_read_body(f, mem_read, &rd, UT, "6", 0), FORM_ETRUNCATED);
	form_free(f);
	f = form_new(NULL);
	rd.off = rd.calls = 0;
	rd.fail_errno = EIO;
	CHECK_INT("L-API-02 EIO", form_read_body(f, mem_read, &rd, UT, "6", 0),
	    FORM_ESYSTEM);
	CHECK_INT("L-API-02 EIO errno", errno, EIO);
	CHECK_INT("L-API-02 EIO status", form_err_status(FORM_ESYSTEM), 500);
	form_free(f);
}

static void
test_lookups(void)
{
	struct form *f = form_new(NULL), *g = form_new(NULL);
	struct reader rd = { S("a=3&b=4"), 0, 2, 0, 0 };
	const struct form_field *fld;

	if (f == NULL || g == NULL)
		exit(2);
	CHECK_INT("L-API-05 query", form_parse_query(f, S("a=1&a=2&c")),
	    FORM_OK);
	CHECK_INT("L-API-05 body", form_read_body(f, mem_read, &rd, UT, "7", 0),
	    FORM_OK);
	CHECK_INT("L-API-05 cookies", form_parse_cookies(f, S("a=\"c1\"; z=9")),
	    FORM_OK);
	fld = form_get(f, FORM_PARAMS, "a", 0);
	CHECK_STR("L-API-05 first a", fld ? fld->value : NULL, "1");
	fld = form_get(f, FORM_PARAMS, "a", 2);
	CHECK_STR("L-API-05 third a", fld ? fld->value : NULL, "3");
	CHECK("L-API-05 no fourth a", form_get(f, FORM_PARAMS, "a", 3) == NULL);
	CHECK_INT("L-API-05 count a", form_count(f, FORM_PARAMS, "a"), 3);
	CHECK_INT("L-API-05 count a any", form_count(f, FORM_ANY, "a"), 4);
	fld = form_get(f, FORM_BODY, "a", 0);
	CHECK_STR("L-API-05 body a", fld ? fld->value : NULL, "3");
	fld = form_get(f, FORM_COOKIE, "a", 0);
	CHECK_STR("L-CK-03 cookie unquoted", fld ? fld->value : NULL, "c1");
	CHECK("L-CK-03 cookie was quoted", fld != NULL && fld->quoted);
	CHECK("L-API-05 cookie not a param",
	    form_get(f, FORM_PARAMS, "z", 0) == NULL);
	fld = form_get(f, FORM_QUERY, "c", 0);
	CHECK_INT("L-API-05 blank value kept",
	    fld ? (long long)fld->value_len : -1, 0);
	fld = form_nth(f, FORM_ANY, 3);
	CHECK_STR("iteration order", fld ? fld->name : NULL, "a");
	CHECK_INT("iteration source", fld ? (int)fld->source : 0, FORM_BODY);
	fld = form_nth(f, FORM_COOKIE, 1);
	CHECK_STR("iteration per source", fld ? fld->name : NULL, "z");
	CHECK("iteration end", form_nth(f, FORM_ANY, 7) == NULL);
	CHECK("get_n with NUL name",
	    form_get_n(f, FORM_ANY, "a\0", 2, 0) == NULL);
	/* L-API-12: a second request shares nothing with the first. */
	CHECK_INT("L-API-12 isolated", g->nfields, 0);
	CHECK_INT("L-API-12 second query", form_parse_query(g, S("a=x")),
	    FORM_OK);
	fld = form_get(g, FORM_ANY, "a", 0);
	CHECK_STR("L-API-12 own value", fld ? fld->value : NULL, "x");
	CHECK_INT("L-API-12 first unchanged", form_count(f, FORM_ANY, "a"), 4);
	form_free(f);
	form_free(g);
	form_free(NULL);
}

/*
 * L-API-05 across the store's blocks: field slots come in blocks of
 * 16 << k that never move. Each row parses "n=0&n=1&..." in two query
 * strings (the first half, then the rest) and proves that every field is
 * found by index, by form_nth and by form_get in arrival order with its
 * own value, that the count is right, and that the fields and strings of
 * the first half did not move when the second half was added. The sizes
 * sit on block boundaries (16, 48 = 16 + 32, ...) and past 32,752 fields,
 * where blocks are 2 MiB huge-page blocks.
 */
static void
test_blocks(void)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 47, 48, 49, 1000, 32752,
		32753, 40000 };
	struct form_limits lim;
	struct form *f;
	const struct form_field *fld, *first;
	const char *first_value;
	struct buf q1, q2;
	char want[32];
	size_t r, i, n, half, bad;

	for (r = 0; r < sizeof(sizes) / sizeof(sizes[0]); r++) {
		n = sizes[r];
		half = n / 2;
		form_limits_default(&lim);
		lim.max_fields = n;
		buf_init(&q1, 0);
		buf_init(&q2, 0);
		for (i = 0; i < n; i++)
			if (buf_printf(i < half ? &q1 : &q2, "%sn=%zu",
			        i == 0 || i == half ? "" : "&", i) == -1)
				exit(2);
		if ((f = form_new(&lim)) == NULL)
			exit(2);
		CHECK_INT("L-API-05 blocks: first half",
		    form_parse_query(f, q1.data, q1.len), FORM_OK);
		first = half > 0 ? form_field_at(f, 0) : NULL;
		first_value = first != NULL ? first->value : NULL;
		CHECK_INT("L-API-05 blocks: second half",
		    form_parse_query(f, q2.data, q2.len), FORM_OK);
		CHECK_INT("L-API-05 blocks: nfields", f->nfields, n);
		CHECK_INT("L-API-05 blocks: count",
		    form_count(f, FORM_QUERY, "n"), n);
		CHECK("L-API-05 blocks: first field did not move",
		    first == NULL ||
		        (form_field_at(f, 0) == first &&
		            first->value == first_value &&
		            strcmp(first->value, "0") == 0));
		bad = 0;
		for (i = 0; i < n && i < f->nfields; i++) {
			fld = form_field_at(f, i);
			(void)snprintf(want, sizeof(want), "%zu", i);
			if (fld != form_nth(f, FORM_ANY, i) ||
			    fld->name_len != 1 || strcmp(fld->name, "n") != 0 ||
			    strcmp(fld->value, want) != 0 ||
			    fld->value_len != strlen(want) || fld->quoted ||
			    fld->file != NULL)
				bad++;
		}
		CHECK_INT("L-API-05 blocks: every field by index and nth", bad,
		    0);
		fld = form_get(f, FORM_QUERY, "n", n - 1);
		(void)snprintf(want, sizeof(want), "%zu", n - 1);
		CHECK_STR("L-API-05 blocks: last by form_get",
		    fld ? fld->value : NULL, want);
		CHECK("L-API-05 blocks: none past the last",
		    form_get(f, FORM_QUERY, "n", n) == NULL &&
		        form_nth(f, FORM_ANY, n) == NULL);
		CHECK_INT("L-URL-11 blocks: one more field is refused",
		    form_parse_query(f, "n=x", 3), FORM_EFIELDS);
		CHECK_INT("L-URL-11 blocks: nothing added", f->nfields, n);
		form_free(f);
		buf_fini(&q1);
		buf_fini(&q2);
	}
}

/* Checks an upload's content through form_file_read. */
static void
check_content(const char *name, const struct form_file *file, const char *want,
    size_t wantlen)
{
	char got[256];
	ssize_t n;

	n = form_file_read(file, 0, got, sizeof(got));
	CHECK_MEM(name, got, n < 0 ? 0 : (size_t)n, want, wantlen);
	CHECK_INT(name, file->size, wantlen);
	CHECK_INT(name, form_file_read(file, wantlen, got, sizeof(got)), 0);
}

/*
 * L-3875-9.6: large submissions are spooled, not held in a fixed buffer.
 * A spilled upload holds exactly the part's bytes, at every read size and
 * spill threshold: content dense with near-delimiters (so candidates
 * span reads and their bytes arrive as small pieces, which wait to be
 * written with the next piece), and max_disk counts the waiting bytes:
 * a limit of the content's size passes, one byte less is refused.
 */
#define SB "b0undary-long-enough-to-split"

static void
spill_case(const struct buf *body, const char *want, size_t wantlen,
    size_t spill, uint64_t disk, size_t chunk, enum form_err want_err)
{
	struct form_limits lim;
	struct form *f;
	struct reader rd = { body->data, body->len, 0, chunk, 0, 0 };
	const struct form_field *fld;
	char got[4096], cl[32];
	enum form_err err;
	size_t off = 0;
	ssize_t n;
	bool same = true;

	form_limits_default(&lim);
	lim.spill_threshold = spill;
	lim.max_disk = disk;
	if ((f = form_new(&lim)) == NULL)
		exit(2);
	(void)snprintf(cl, sizeof(cl), "%zu", body->len);
	err = form_read_body(f, mem_read, &rd,
	    "multipart/form-data; boundary=" SB, cl, 0);
	CHECK_INT("spill pieces: status", err, want_err);
	if (err == FORM_OK) {
		fld = form_get(f, FORM_BODY, "up", 0);
		CHECK("spill pieces: field", fld != NULL && fld->file != NULL);
		if (fld == NULL || fld->file == NULL)
			exit(1);
		CHECK_INT("spill pieces: size", fld->file->size, wantlen);
		CHECK_INT("spill pieces: on disk iff over the threshold",
		    fld->file->fd >= 0, wantlen > spill);
		while (fld->file->fd >= 0 &&
		    (n = form_file_read(fld->file, off, got, sizeof(got))) >
		        0) {
			same = same && off + (size_t)n <= wantlen &&
			    memcmp(got, want + off, (size_t)n) == 0;
			off += (size_t)n;
		}
		if (fld->file->fd < 0)
			same = fld->value_len == wantlen &&
			    memcmp(fld->value, want, wantlen) == 0;
		else
			same = same && off == wantlen;
		CHECK("L-3875-9.6 spooled content byte for byte", same);
	}
	form_free(f);
}

static void
test_spill_pieces(void)
{
	static const char *const near[] = { "\r", "\r\n", "\r\n-", "\r\n--",
		"\r\n--" SB "x", "\r\n--b0undary", "\r\n--" SB " x",
		"\r\n--b0undary-long-enough-to-spli\r\n" };
	static const size_t chunks[] = { 1, 2, 3, 7, 31, 32, 33, 64, 1000, 4095,
		4096, 4097, 65536 };
	static const size_t spills[] = { 0, 100, 5000, 20000 };
	struct buf content, body;
	uint32_t x = 12345;
	size_t c, s, k;

	buf_init(&content, 0);
	buf_init(&body, 0);
	while (content.len < 12000) {
		x = x * 1103515245u + 12345u;
		if ((x >> 16) % 4 == 0) {
			k = (x >> 20) % (sizeof(near) / sizeof(near[0]));
			(void)buf_append(&content, near[k], strlen(near[k]));
		} else {
			char ch = (char)(x >> 24);
			(void)buf_append(&content, &ch, 1);
		}
	}
	(void)buf_printf(&body,
	    "--" SB "\r\n" CD "\"up\"; filename=\"u.bin\""
	    "\r\n\r\n");
	(void)buf_append(&body, content.data, content.len);
	(void)buf_printf(&body, "\r\n--" SB "--\r\n");
	for (s = 0; s < sizeof(spills) / sizeof(spills[0]); s++)
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++)
			spill_case(&body, content.data, content.len, spills[s],
			    UINT64_MAX, chunks[c], FORM_OK);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		spill_case(&body, content.data, content.len, 0, content.len,
		    chunks[c], FORM_OK);
		spill_case(&body, content.data, content.len, 0, content.len - 1,
		    chunks[c], FORM_EDISK);
	}
	buf_fini(&content);
	buf_fini(&body);
}

static void
test_uploads(void)
{
	static const char body[] =
	    "--XB\r\n" CD "small; filename=\"../a.txt\"\r\n"
	    "Content-Type: text/plain\r\n\r\n1234\r\n"
	    "--XB\r\n" CD "big; filename=\"C:\\\\x\\\\b.bin\"\r\n\r\n12345\r\n"
	    "--XB\r\n" CD "none; filename=\"\"\r\n\r\n\r\n"
	    "--XB\r\n" CD "_charset_\r\n\r\nUTF-8\r\n--XB--\r\n";
	struct form_limits lim;
	struct form *f;
	struct reader rd = { S(body), 0, 7, 0, 0 };
	const struct form_field *fld;
	struct stat st;
	char dir[] = "/tmp/test_form.XXXXXX", path[128], got[16];
	int fl, fd;

	form_limits_default(&lim);
	lim.spill_threshold = 4; /* "1234" stays in memory, "12345" spills */
	if ((f = form_new(&lim)) == NULL || mkdtemp(dir) == NULL)
		exit(2);
	CHECK_INT("uploads",
	    form_read_body(f, mem_read, &rd, MPT, decimal(sizeof(body) - 1), 0),
	    FORM_OK);
	fld = form_get(f, FORM_BODY, "small", 0);
	CHECK("in memory",
	    fld != NULL && fld->file != NULL && fld->file->fd == -1);
	if (fld != NULL && fld->file != NULL) {
		check_content("in memory content", fld->file, "1234", 4);
		CHECK_MEM("in memory value", fld->value, fld->value_len, "1234",
		    4);
		CHECK_STR("L-MP-14 sanitised", fld->file->filename, "a.txt");
		CHECK_STR("L-MP-14 raw kept", fld->file->raw_filename,
		    "../a.txt");
		CHECK_STR("L-MP-16 type", fld->file->content_type,
		    "text/plain");
		CHECK("chosen", form_file_chosen(fld->file));
		if (snprintf(path, sizeof(path), "%s/m", dir) >= 64)
			exit(2);
		CHECK_INT("save from memory", form_file_save(fld->file, path),
		    0);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		CHECK_INT("saved copy",
		    fd >= 0 ? read(fd, got, sizeof(got)) : -1, 4);
		CHECK("saved mode",
		    fd >= 0 && fstat(fd, &st) == 0 &&
		        (st.st_mode & 0777) == 0600);
		if (fd >= 0)
			(void)close(fd);
		(void)unlink(path);
	}
	fld = form_get(f, FORM_BODY, "big", 0);
	CHECK("spilled",
	    fld != NULL && fld->file != NULL && fld->file->fd >= 0);
	if (fld != NULL && fld->file != NULL && fld->file->fd >= 0) {
		check_content("spilled content", fld->file, "12345", 5);
		CHECK_INT("spilled value empty", fld->value_len, 0);
		CHECK_STR("L-MP-14 backslash path", fld->file->filename,
		    "b.bin");
		CHECK("L-API-13 unlinked 0600",
		    fstat(fld->file->fd, &st) == 0 && st.st_nlink == 0 &&
		        (st.st_mode & 0777) == 0600);
		fl = fcntl(fld->file->fd, F_GETFD);
		CHECK("L-API-13 close-on-exec", fl >= 0 && (fl & FD_CLOEXEC));
		if (snprintf(path, sizeof(path), "%s/b", dir) >= 64)
			exit(2);
		CHECK_INT("save spilled", form_file_save(fld->file, path), 0);
		CHECK("saved spilled size",
		    stat(path, &st) == 0 && st.st_size == 5 &&
		        (st.st_mode & 0777) == 0600);
		CHECK_INT("save refuses to overwrite",
		    form_file_save(fld->file, path), -1);
		CHECK_INT("save EEXIST", errno, EEXIST);
		check_content("still readable after save", fld->file, "12345",
		    5);
		(void)unlink(path);
	}
	fld = form_get(f, FORM_BODY, "none", 0);
	CHECK("L-MP-13 no file chosen",
	    fld != NULL && fld->file != NULL && !form_file_chosen(fld->file));
	fld = form_get(f, FORM_BODY, "_charset_", 0);
	CHECK_STR("L-MP-17 _charset_ field", fld ? fld->value : NULL, "UTF-8");
	CHECK_INT("upload count", f->nfields, 4);
	form_free(f);
	(void)rmdir(dir);
}

/* L-MP-03, L-URL-11: hostile bodies stop early, without reading it all. */
static void
test_hostile(void)
{
	struct buf big;
	struct form *f;
	struct reader rd = { NULL, 0, 0, 65536, 0, 0 };
	size_t i;

	buf_init(&big, 0);
	for (i = 0; i < 1000000; i++)
		if (buf_puts(&big, "a&") == -1)
			exit(2);
	rd.p = big.data;
	rd.len = big.len;
	f = form_new(NULL);
	CHECK_INT("L-URL-11 1 000 000 pairs",
	    form_read_body(f, mem_read, &rd, UT, decimal(big.len), 0),
	    FORM_EFIELDS);
	CHECK("L-URL-11 stops early", rd.off < big.len);
	form_free(f);
	buf_reset(&big);
	for (i = 0; i < 10u << 20; i += 16)
		if (buf_puts(&big, "preamble.......\n") == -1)
			exit(2);
	rd.p = big.data;
	rd.len = big.len;
	rd.off = 0;
	f = form_new(NULL);
	CHECK_INT("L-MP-03 10 MiB preamble",
	    form_read_body(f, mem_read, &rd, MPT, decimal(big.len), 0),
	    FORM_EPREAMBLE);
	CHECK_INT("L-MP-03 status", form_err_status(FORM_EPREAMBLE), 413);
	CHECK("L-MP-03 stops early", rd.off <= 2 * 65536);
	form_free(f);
	buf_fini(&big);
}

/* L-MP-21: each file of a mixed part is an upload under the outer name. */
static void
test_mixed(void)
{
	static const char body[] = MIXED "--XB--";
	struct form *f = form_new(NULL);
	struct reader rd = { S(body), 0, 5, 0, 0 };
	const struct form_field *x, *y;

	if (f == NULL)
		exit(2);
	CHECK_INT("L-MP-21 mixed",
	    form_read_body(f, mem_read, &rd, MPT, decimal(sizeof(body) - 1), 0),
	    FORM_OK);
	CHECK_INT("L-MP-21 count", form_count(f, FORM_BODY, "files"), 2);
	x = form_get(f, FORM_BODY, "files", 0);
	y = form_get(f, FORM_BODY, "files", 1);
	CHECK("L-MP-21 both uploads",
	    x != NULL && x->file != NULL && y != NULL && y->file != NULL);
	if (x != NULL && x->file != NULL && y != NULL && y->file != NULL) {
		CHECK_STR("L-MP-21 first name", x->file->filename, "x.txt");
		CHECK_STR("L-MP-21 first type", x->file->content_type,
		    "text/plain");
		CHECK_MEM("L-MP-21 first content", x->value, x->value_len, "xx",
		    2);
		CHECK_STR("L-MP-21 second name", y->file->filename, "y.png");
		CHECK_MEM("L-MP-21 second content", y->value, y->value_len,
		    "yyy", 3);
	}
	form_free(f);
}

/*
 * L-MP-27: malformed and hostile bodies produce no output at all (the
 * library never prints): stdout and stderr go to a file that must stay
 * empty while every error row of the table is parsed again.
 */
static void
test_silent(void)
{
	char path[] = "/tmp/test_form_silent.XXXXXX";
	struct stat st;
	int fd, out, err;
	size_t i;

	if ((fd = mkstemp(path)) == -1 || unlink(path) == -1)
		exit(2);
	fflush(stdout);
	fflush(stderr);
	if ((out = dup(1)) == -1 || (err = dup(2)) == -1 || dup2(fd, 1) == -1 ||
	    dup2(fd, 2) == -1)
		exit(2);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].err != FORM_OK)
			run_row(i, 3);
	fflush(stdout);
	fflush(stderr);
	if (dup2(out, 1) == -1 || dup2(err, 2) == -1)
		exit(2);
	(void)close(out);
	(void)close(err);
	CHECK("L-MP-27 nothing printed",
	    fstat(fd, &st) == 0 && st.st_size == 0);
	(void)close(fd);
}

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	const char *out;
} name_cases[] = {
	{ "L-MP-14 traversal", S("../../etc/passwd"), "passwd" },
	{ "L-MP-14 windows path", S("C:\\x\\a.txt"), "a.txt" },
	{ "L-MP-14 NUL removed", S("a\0.cgi"), "a.cgi" },
	{ "L-MP-14 controls removed",
	    S("a\r\n\x7f\x01"
	      "b"),
	    "ab" },
	{ "L-MP-14 dot", S("."), "" },
	{ "L-MP-14 dotdot", S(".."), "" },
	{ "L-MP-14 trailing slash", S("a/"), "" },
	{ "L-MP-14 hidden file", S(".htaccess"), "htaccess" },
	{ "L-MP-14 dangerous characters", S("a\"*:<>?|b"), "ab" },
	{ "L-MP-14 trailing dots and spaces", S("a.txt. . "), "a.txt" },
	{ "L-MP-15 UTF-8 kept", S("\xc3\xa9.txt"), "\xc3\xa9.txt" },
	{ "empty", S(""), "" },
};

static void
test_sanitize(void)
{
	char out[300], longname[400];
	size_t i, n;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		n = form_sanitize_filename(name_cases[i].in,
		    name_cases[i].inlen, out, sizeof(out));
		CHECK_STR(name_cases[i].name, out, name_cases[i].out);
		CHECK_INT(name_cases[i].name, n, strlen(name_cases[i].out));
	}
	/* 254 ASCII bytes then a 2-byte character: cut before it. */
	memset(longname, 'a', 254);
	memcpy(longname + 254, "\xc3\xa9xyz", 5);
	n = form_sanitize_filename(longname, 259, out, sizeof(out));
	CHECK_INT("long name cut on a UTF-8 boundary", n, 254);
	n = form_sanitize_filename(longname, 259, out, 10);
	CHECK_INT("small output", n, 9);
}

/* Appends every field of f as source, name, 0x1f, value, 0x1e. */
static void
dump(const struct form *f, struct buf *out)
{
	const struct form_field *fld;
	size_t i;

	buf_reset(out);
	for (i = 0; i < f->nfields; i++) {
		fld = form_field_at(f, i);
		if (buf_putc(out, '0' + (int)fld->source) == -1 ||
		    buf_append(out, fld->name, fld->name_len) == -1 ||
		    buf_putc(out, 0x1f) == -1 ||
		    buf_append(out, fld->value, fld->value_len) == -1 ||
		    buf_putc(out, 0x1e) == -1)
			exit(2);
	}
}

/* Parses body as a urlencoded body read chunk bytes at a time. */
static enum form_err
read_urlencoded(struct form *f, const char *body, size_t n, size_t chunk,
    struct reader *rd)
{
	rd->p = body;
	rd->len = n;
	rd->off = 0;
	rd->chunk = chunk;
	rd->calls = 0;
	rd->fail_errno = 0;
	return form_read_body(f, mem_read, rd, UT, decimal(n), 0);
}

/*
 * L-API-02, L-URL-02..05: the body reader decodes each field once it is
 * complete (up to the last '&' read so far) and resumes after it, so the
 * fields must not depend on how the body arrives. A 2 KiB body with
 * escapes (some split across reads), '+', empty pieces and pieces
 * without '=' is read whole, 1 byte and 7 bytes at a time (and at a few
 * other sizes); every way gives the same field list, which is also the
 * one built alongside the body.
 */
static void
test_read_sizes(void)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 16, 63, 64, 65, 1000 };
	struct buf body, want, whole, got;
	struct reader rd;
	struct form *f;
	size_t i, c, nwant = 0;
	char name[64];

	buf_init(&body, 0);
	buf_init(&want, 0);
	buf_init(&whole, 0);
	buf_init(&got, 0);
	for (i = 0; body.len < 2048; i++) {
		(void)snprintf(name, sizeof(name), "f%zu", i);
		switch (i % 5) {
		case 0: /* escapes, '+', a bad escape, a literal '=' */
			if (buf_printf(&body, "%s=%%41+b%%zz=%%C3%%A9%zu&",
			        name, i) == -1 ||
			    buf_printf(&want,
			        "2%s\x1f"
			        "A b%%zz=\xc3\xa9%zu\x1e",
			        name, i) == -1)
				exit(2);
			break;
		case 1: /* no '=': a name with an empty value */
			if (buf_printf(&body, "%s+flag&&", name) == -1 ||
			    buf_printf(&want, "2%s flag\x1f\x1e", name) == -1)
				exit(2);
			break;
		case 2: /* a long plain value, then empty pieces */
			if (buf_printf(&body,
			        "%s=0123456789abcdef0123456789abcdef%zu&&&",
			        name, i) == -1 ||
			    buf_printf(&want,
			        "2%s\x1f"
			        "0123456789abcdef0123456789abcdef%zu\x1e",
			        name, i) == -1)
				exit(2);
			break;
		case 3: /* an empty name, an escaped name */
			if (buf_printf(&body, "=%zu&%%66%%5f%zu=%%2B%%26&", i,
			        i) == -1 ||
			    buf_printf(&want,
			        "2\x1f%zu\x1e"
			        "2f_%zu\x1f+&\x1e",
			        i, i) == -1)
				exit(2);
			nwant++;
			break;
		default: /* an empty value and a half escape */
			if (buf_printf(&body, "%s=&%s=%%4&", name, name) ==
			        -1 ||
			    buf_printf(&want,
			        "2%s\x1f\x1e"
			        "2%s\x1f%%4\x1e",
			        name, name) == -1)
				exit(2);
			nwant++;
			break;
		}
		nwant++;
	}
	/* The last field ends the body without an '&'. */
	if (buf_puts(&body, "last=%41%42+") == -1 ||
	    buf_puts(&want,
	        "2last\x1f"
	        "AB \x1e") == -1)
		exit(2);
	nwant++;
	f = form_new(NULL);
	if (f == NULL)
		exit(2);
	CHECK_INT("L-API-02 one read",
	    read_urlencoded(f, body.data, body.len, body.len, &rd), FORM_OK);
	CHECK_INT("L-API-02 one read: one call", rd.calls, 1);
	CHECK_INT("L-API-02 one read: nfields", f->nfields, nwant);
	dump(f, &whole);
	CHECK_MEM("L-API-02 one read: fields", buf_cstr(&whole), whole.len,
	    buf_cstr(&want), want.len);
	form_free(f);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		if ((f = form_new(NULL)) == NULL)
			exit(2);
		CHECK_INT("L-API-02 chunked reads",
		    read_urlencoded(f, body.data, body.len, chunks[c], &rd),
		    FORM_OK);
		CHECK_INT("L-API-02 chunked reads: all read", rd.off, body.len);
		CHECK_INT("L-API-02 chunked reads: nfields", f->nfields, nwant);
		dump(f, &got);
		CHECK_MEM("L-API-02 chunked reads: same fields as one read",
		    buf_cstr(&got), got.len, buf_cstr(&whole), whole.len);
		form_free(f);
	}
	buf_fini(&body);
	buf_fini(&want);
	buf_fini(&whole);
	buf_fini(&got);
}

/*
 * L-API-04, L-URL-11: a urlencoded field that is still arriving is
 * refused as soon as its raw bytes cannot decode within max_name or
 * max_value (an escape, three raw bytes, is the shortest a byte can be),
 * not after the whole body was read; and a field that can still fit,
 * e.g. a value of exactly max_value bytes written as escapes (three
 * times as many raw bytes), is not refused early.
 */
static void
test_pending(void)
{
	struct form_limits lim;
	struct buf body;
	struct reader rd;
	struct form *f;
	const struct form_field *fld;
	size_t i, c;

	buf_init(&body, 0);
	/* "a=" and 1000 'x', max_value 10, 16 bytes per read. */
	form_limits_default(&lim);
	lim.max_value = 10;
	if (buf_puts(&body, "a=") == -1)
		exit(2);
	for (i = 0; i < 1000; i++)
		if (buf_putc(&body, 'x') == -1)
			exit(2);
	f = form_new(&lim);
	CHECK_INT("L-API-04 long value refused",
	    read_urlencoded(f, body.data, body.len, 16, &rd), FORM_EVALUE_SIZE);
	CHECK("L-API-04 long value refused early (< 100 bytes read)",
	    rd.off < 100);
	CHECK_INT("L-API-04 long value: no field kept", f->nfields, 0);
	form_free(f);
	/* 1000 name bytes without '=', max_name 10. */
	form_limits_default(&lim);
	lim.max_name = 10;
	buf_reset(&body);
	for (i = 0; i < 1000; i++)
		if (buf_putc(&body, 'n') == -1)
			exit(2);
	f = form_new(&lim);
	CHECK_INT("L-API-04 long name refused",
	    read_urlencoded(f, body.data, body.len, 16, &rd), FORM_ENAME_SIZE);
	CHECK("L-API-04 long name refused early (< 100 bytes read)",
	    rd.off < 100);
	form_free(f);
	/* A long name followed by '=' and a value: the name decides. */
	buf_reset(&body);
	for (i = 0; i < 500; i++)
		if (buf_putc(&body, 'n') == -1)
			exit(2);
	if (buf_puts(&body, "=v") == -1)
		exit(2);
	f = form_new(&lim);
	CHECK_INT("L-API-04 long name with a value refused",
	    read_urlencoded(f, body.data, body.len, 16, &rd), FORM_ENAME_SIZE);
	CHECK("L-API-04 long name with a value refused early", rd.off < 100);
	form_free(f);
	/* Exactly max_value (10) bytes as 30 raw bytes of escapes, at every
	 * read size: accepted; one more escape: refused. Same for names. */
	form_limits_default(&lim);
	lim.max_value = 10;
	lim.max_name = 10;
	for (c = 1; c <= 40; c++) {
		buf_reset(&body);
		if (buf_puts(&body,
		        "%41%41%41%41%41%41%41%41%41%41=%41%41%41"
		        "%41%41%41%41%41%41%41") == -1)
			exit(2);
		f = form_new(&lim);
		CHECK_INT("L-API-04 escaped name and value at the bound",
		    read_urlencoded(f, body.data, body.len, c, &rd), FORM_OK);
		fld = f->nfields == 1 ? form_field_at(f, 0) : NULL;
		CHECK_STR("L-API-04 escaped value at the bound",
		    fld != NULL ? fld->value : NULL, "AAAAAAAAAA");
		CHECK_STR("L-API-04 escaped name at the bound",
		    fld != NULL ? fld->name : NULL, "AAAAAAAAAA");
		form_free(f);
		/* Then a second field of the same kind after an '&'. */
		if (buf_puts(&body, "&b=%42%42%42%42%42%42%42%42%42%42") == -1)
			exit(2);
		f = form_new(&lim);
		CHECK_INT("L-API-04 two escaped values at the bound",
		    read_urlencoded(f, body.data, body.len, c, &rd), FORM_OK);
		CHECK_INT("L-API-04 two escaped values: nfields", f->nfields,
		    2);
		fld = form_get(f, FORM_BODY, "b", 0);
		CHECK_STR("L-API-04 second escaped value",
		    fld != NULL ? fld->value : NULL, "BBBBBBBBBB");
		form_free(f);
		if (buf_puts(&body, "%42") == -1)
			exit(2);
		f = form_new(&lim);
		CHECK_INT("L-API-04 escaped value one past",
		    read_urlencoded(f, body.data, body.len, c, &rd),
		    FORM_EVALUE_SIZE);
		form_free(f);
		buf_reset(&body);
		if (buf_puts(&body, "%41%41%41%41%41%41%41%41%41%41%41") == -1)
			exit(2);
		f = form_new(&lim);
		CHECK_INT("L-API-04 escaped name one past",
		    read_urlencoded(f, body.data, body.len, c, &rd),
		    FORM_ENAME_SIZE);
		form_free(f);
	}
	/* max_value 0 and max_name 0 allow empty ones (0 is "nothing"). */
	form_limits_default(&lim);
	lim.max_value = 0;
	lim.max_name = 0;
	for (c = 1; c <= 8; c++) {
		f = form_new(&lim);
		CHECK_INT("L-API-04 empty names and values at a bound of 0",
		    read_urlencoded(f, S("=&=&&="), c, &rd), FORM_OK);
		CHECK_INT("L-API-04 bound of 0: nfields", f->nfields, 3);
		form_free(f);
	}
	buf_fini(&body);
}

/*
 * form_reset (L-API-12 for a resident program): after a reset only the
 * next request's fields exist, with their own values, however many
 * fields it has; new limits apply; temp files of uploads are closed.
 */
static void
test_reset(void)
{
	static const char second[] = "2x\x1f"
	                             "A\x1e"
	                             "2y\x1f\x1e"
	                             "2z\x1f \x1e";
	static const char up[] = "--XB\r\n" CD "f; filename=a.bin\r\n\r\n"
	                         "0123456789\r\n--XB--";
	struct form_limits lim;
	struct reader rd;
	struct form *f;
	const struct form_field *fld;
	struct buf body, want, got;
	char v[32];
	size_t i, round, bad;
	int fd;

	buf_init(&body, 0);
	buf_init(&want, 0);
	buf_init(&got, 0);
	if ((f = form_new(NULL)) == NULL)
		exit(2);
	CHECK_INT("L-API-12 reset: first body",
	    read_urlencoded(f, S("a=1&b=2&c=%33"), 4, &rd), FORM_OK);
	CHECK_INT("L-API-12 reset: first query", form_parse_query(f, S("q=1")),
	    FORM_OK);
	CHECK_INT("L-API-12 reset: first nfields", f->nfields, 4);
	form_reset(f, NULL);
	CHECK_INT("L-API-12 reset: empty", f->nfields, 0);
	CHECK("L-API-12 reset: nothing found",
	    form_get(f, FORM_ANY, "a", 0) == NULL &&
	        form_nth(f, FORM_ANY, 0) == NULL);
	CHECK_INT("L-API-12 reset: second body",
	    read_urlencoded(f, S("x=%41&y&z=+"), 3, &rd), FORM_OK);
	dump(f, &got);
	CHECK_MEM("L-API-12 reset: only the second body's fields",
	    buf_cstr(&got), got.len, second, sizeof(second) - 1);
	CHECK_INT("L-API-12 reset: second nfields", f->nfields, 3);
	CHECK("L-API-12 reset: old names gone",
	    form_get(f, FORM_ANY, "a", 0) == NULL &&
	        form_get(f, FORM_ANY, "q", 0) == NULL);
	CHECK_INT("L-API-12 reset: err cleared", f->err, FORM_OK);
	/* Rounds of growing bodies (16 .. 600 fields: new field blocks and
	 * larger string chunks after a reset), each checked field by field. */
	for (round = 0; round < 8; round++) {
		size_t n = round == 0 ? 16 : round * 75;

		form_reset(f, NULL);
		buf_reset(&body);
		for (i = 0; i < n; i++)
			if (buf_printf(&body, "%sr%zu=%%3%zu%zu+%zu",
			        i == 0 ? "" : "&", round, i % 10, i,
			        round) == -1)
				exit(2);
		CHECK_INT("L-API-12 reset: bigger body",
		    read_urlencoded(f, body.data, body.len, 7 + round * 100,
		        &rd),
		    FORM_OK);
		CHECK_INT("L-API-12 reset: bigger body nfields", f->nfields, n);
		bad = 0;
		for (i = 0; i < n && i < f->nfields; i++) {
			fld = form_field_at(f, i);
			(void)snprintf(v, sizeof(v), "%zu%zu %zu", i % 10, i,
			    round);
			(void)snprintf(v + 16, sizeof(v) - 16, "r%zu", round);
			if (fld->source != FORM_BODY ||
			    strcmp(fld->name, v + 16) != 0 ||
			    strcmp(fld->value, v) != 0 ||
			    fld->value_len != strlen(v))
				bad++;
		}
		CHECK_INT("L-API-12 reset: every field of the bigger body", bad,
		    0);
		CHECK_INT("L-API-12 reset: count by name",
		    form_count(f, FORM_BODY, v + 16), n);
	}
	/* New limits: max_fields 3 refuses a body of 4 fields. */
	form_limits_default(&lim);
	lim.max_fields = 3;
	form_reset(f, &lim);
	CHECK_INT("L-API-12 reset: limits replaced", f->lim.max_fields, 3);
	CHECK_INT("L-URL-11 reset: new max_fields applies",
	    read_urlencoded(f, S("a&b&c&d"), 64, &rd), FORM_EFIELDS);
	CHECK_INT("L-URL-11 reset: nothing kept", f->nfields, 0);
	form_reset(f, NULL);
	CHECK_INT("L-API-12 reset: NULL keeps the limits", f->lim.max_fields,
	    3);
	CHECK_INT("L-URL-11 reset: at the bound",
	    read_urlencoded(f, S("a&b&c"), 64, &rd), FORM_OK);
	CHECK_INT("L-URL-11 reset: at the bound nfields", f->nfields, 3);
	/* L-API-13: a spilled upload's temp file is closed by the reset. */
	form_limits_default(&lim);
	lim.spill_threshold = 0;
	form_reset(f, &lim);
	rd.p = up;
	rd.len = sizeof(up) - 1;
	rd.off = 0;
	rd.chunk = 5;
	rd.fail_errno = 0;
	CHECK_INT("L-API-13 reset: upload",
	    form_read_body(f, mem_read, &rd, MPT, decimal(sizeof(up) - 1), 0),
	    FORM_OK);
	fld = form_get(f, FORM_BODY, "f", 0);
	fd = fld != NULL && fld->file != NULL ? fld->file->fd : -1;
	CHECK("L-API-13 reset: upload spilled to a file", fd >= 0);
	CHECK("L-API-13 reset: temp file open before",
	    fd >= 0 && fcntl(fd, F_GETFD) != -1);
	form_reset(f, NULL);
	errno = 0;
	CHECK("L-API-13 reset: temp file closed",
	    fd >= 0 && fcntl(fd, F_GETFD) == -1 && errno == EBADF);
	/* And the form takes the next upload after the reset. */
	rd.off = 0;
	CHECK_INT("L-API-13 reset: upload after reset",
	    form_read_body(f, mem_read, &rd, MPT, decimal(sizeof(up) - 1), 0),
	    FORM_OK);
	fld = form_get(f, FORM_BODY, "f", 0);
	if (fld != NULL && fld->file != NULL)
		check_content("L-API-13 reset: content after reset", fld->file,
		    "0123456789", 10);
	else
		CHECK("L-API-13 reset: upload after reset found", 0);
	form_free(f);
	buf_fini(&body);
	buf_fini(&want);
	buf_fini(&got);
}

/*
 * L-API-03: without CONTENT_LENGTH and with FORM_READ_TO_EOF a urlencoded
 * body is read to EOF (read raw, then decoded): same fields whatever the
 * read size.
 */
static void
test_to_eof(void)
{
	static const char body[] = "a=%41+b&&c&=d&e=%zz%4";
	static const char want[] = "2a\x1f"
	                           "A b\x1e"
	                           "2c\x1f\x1e"
	                           "2\x1f"
	                           "d\x1e"
	                           "2e\x1f%zz%4\x1e";
	struct reader rd = { S(body), 0, 1, 0, 0 };
	struct form *f;
	struct buf got;
	size_t c;

	buf_init(&got, 0);
	for (c = 1; c <= sizeof(body); c++) {
		if ((f = form_new(NULL)) == NULL)
			exit(2);
		rd.off = 0;
		rd.chunk = c;
		CHECK_INT("L-API-03 urlencoded to EOF",
		    form_read_body(f, mem_read, &rd, UT, NULL,
		        FORM_READ_TO_EOF),
		    FORM_OK);
		dump(f, &got);
		CHECK_MEM("L-API-03 urlencoded to EOF fields", buf_cstr(&got),
		    got.len, want, sizeof(want) - 1);
		CHECK_INT("L-API-03 urlencoded to EOF nfields", f->nfields, 4);
		CHECK("L-API-03 urlencoded to EOF: raw not kept",
		    f->raw.len == 0);
		form_free(f);
	}
	buf_fini(&got);
}

int
main(void)
{
	test_rows();
	test_content_length();
	test_lookups();
	test_blocks();
	test_uploads();
	test_spill_pieces();
	test_hostile();
	test_sanitize();
	test_mixed();
	test_silent();
	test_read_sizes();
	test_pending();
	test_reset();
	test_to_eof();
	return harness_done();
}
