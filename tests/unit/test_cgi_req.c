/*
 * test_cgi_req.c - the reading side of libcgi: getters over query, form
 * and cookie fields, the typed getters' statuses, uploads, the raw body,
 * metadata, and input limits answered by the library.
 *
 * Checklist: L-API-05 (sources distinguishable, duplicates in order),
 * L-URL-08 (a NUL never truncates: C-string getters refuse), L-API-14
 * (unset and empty variables alike), L-API-01 (strict CONTENT_LENGTH),
 * L-API-02 (short reads; truncated body -> 400), L-API-04 (limits -> 413),
 * L-MP-13 (no file chosen is no upload), L-3875-4.1.3/4.2 (raw body of a
 * non-form type, never past CONTENT_LENGTH), L-3875-3.3 (HTTPS).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi_rig.h"
#include "harness.h"

static const struct {
	const char *name;
	const char *query;
	int kind; /* 0 one, 1 int, 2 double, 3 bool, 4 choice */
	enum cgi_err want;
	const char *value; /* expected value as text when CGI_OK */
} typed_rows[] = {
	{ "one: missing", "y=1", 0, CGI_MISSING, NULL },
	{ "one: present", "x=abc", 0, CGI_OK, "abc" },
	{ "one: empty", "x=", 0, CGI_EMPTY, NULL },
	{ "one: name only is empty", "x", 0, CGI_EMPTY, NULL },
	{ "one: repeated", "x=1&x=2", 0, CGI_DUP, NULL },
	{ "one: L-URL-08 NUL inside", "x=a%00b", 0, CGI_INVALID, NULL },
	{ "int: plain", "x=42", 1, CGI_OK, "42" },
	{ "int: negative", "x=-7", 1, CGI_OK, "-7" },
	{ "int: plus sign", "x=%2B7", 1, CGI_OK, "7" },
	{ "int: spaces trimmed", "x=+42+", 1, CGI_OK, "42" },
	{ "int: leading zeros", "x=007", 1, CGI_OK, "7" },
	{ "int: at max", "x=100", 1, CGI_OK, "100" },
	{ "int: one past max", "x=101", 1, CGI_RANGE, NULL },
	{ "int: at min", "x=-100", 1, CGI_OK, "-100" },
	{ "int: one below min", "x=-101", 1, CGI_RANGE, NULL },
	{ "int: overflow is range", "x=99999999999999999999", 1, CGI_RANGE,
	    NULL },
	{ "int: fraction", "x=1.5", 1, CGI_INVALID, NULL },
	{ "int: hex", "x=0x10", 1, CGI_INVALID, NULL },
	{ "int: trailing junk", "x=12abc", 1, CGI_INVALID, NULL },
	{ "int: sign only", "x=-", 1, CGI_INVALID, NULL },
	{ "int: double sign", "x=--1", 1, CGI_INVALID, NULL },
	{ "int: inner space", "x=1+2", 1, CGI_INVALID, NULL },
	{ "int: only spaces", "x=+++", 1, CGI_EMPTY, NULL },
	{ "int: empty", "x=", 1, CGI_EMPTY, NULL },
	{ "int: missing", "", 1, CGI_MISSING, NULL },
	{ "int: duplicate", "x=1&x=1", 1, CGI_DUP, NULL },
	{ "double: plain", "x=2.5", 2, CGI_OK, "2.5" },
	{ "double: exponent", "x=-1e2", 2, CGI_OK, "-100" },
	{ "double: leading dot", "x=.5", 2, CGI_OK, "0.5" },
	{ "double: trailing dot", "x=5.", 2, CGI_OK, "5" },
	{ "double: inf refused", "x=inf", 2, CGI_INVALID, NULL },
	{ "double: nan refused", "x=nan", 2, CGI_INVALID, NULL },
	{ "double: hex refused", "x=0x1p3", 2, CGI_INVALID, NULL },
	{ "double: lone dot", "x=.", 2, CGI_INVALID, NULL },
	{ "double: exponent without digits", "x=1e", 2, CGI_INVALID, NULL },
	{ "double: comma", "x=1,5", 2, CGI_INVALID, NULL },
	{ "double: over max", "x=100.5", 2, CGI_RANGE, NULL },
	{ "double: huge", "x=1e999", 2, CGI_RANGE, NULL },
	{ "bool: on", "x=on", 3, CGI_OK, "1" },
	{ "bool: TRUE", "x=TRUE", 3, CGI_OK, "1" },
	{ "bool: yes", "x=yes", 3, CGI_OK, "1" },
	{ "bool: 1", "x=1", 3, CGI_OK, "1" },
	{ "bool: off", "x=off", 3, CGI_OK, "0" },
	{ "bool: False", "x=False", 3, CGI_OK, "0" },
	{ "bool: no", "x=no", 3, CGI_OK, "0" },
	{ "bool: 0", "x=0", 3, CGI_OK, "0" },
	{ "bool: maybe", "x=maybe", 3, CGI_INVALID, NULL },
	{ "bool: 2", "x=2", 3, CGI_INVALID, NULL },
	{ "bool: missing (unchecked box)", "", 3, CGI_MISSING, NULL },
	{ "choice: second", "x=green", 4, CGI_OK, "1" },
	{ "choice: case matters", "x=Green", 4, CGI_INVALID, NULL },
	{ "choice: not listed", "x=purple", 4, CGI_INVALID, NULL },
	{ "choice: prefix is not a match", "x=re", 4, CGI_INVALID, NULL },
	{ "choice: empty", "x=", 4, CGI_EMPTY, NULL },
};

static void
test_typed(void)
{
	static const char *const colors[] = { "red", "green", "blue" };
	const char *env[3] = { "REQUEST_METHOD=GET", NULL, NULL };
	char qs[256], got[64];
	struct rig g;
	cgi_req *r;
	const char *s;
	long long n;
	double d;
	bool b;
	size_t i, k;
	enum cgi_err e = CGI_OK;

	for (i = 0; i < sizeof(typed_rows) / sizeof(typed_rows[0]); i++) {
		(void)snprintf(qs, sizeof(qs), "QUERY_STRING=%s",
		    typed_rows[i].query);
		env[1] = qs;
		r = rig_open(&g, env);
		got[0] = '\0';
		switch (typed_rows[i].kind) {
		case 0:
			if ((e = cgi_get_one(r, "x", &s, &k)) == CGI_OK)
				(void)snprintf(got, sizeof(got), "%.*s", (int)k,
				    s);
			break;
		case 1:
			if ((e = cgi_get_int(r, "x", -100, 100, &n)) == CGI_OK)
				(void)snprintf(got, sizeof(got), "%lld", n);
			break;
		case 2:
			if ((e = cgi_get_double(r, "x", -1e300, 100.0, &d)) ==
			    CGI_OK)
				(void)snprintf(got, sizeof(got), "%g", d);
			break;
		case 3:
			if ((e = cgi_get_bool(r, "x", &b)) == CGI_OK)
				(void)snprintf(got, sizeof(got), "%d", b);
			break;
		case 4:
			if ((e = cgi_get_choice(r, "x", colors, 3, &k)) ==
			    CGI_OK)
				(void)snprintf(got, sizeof(got), "%zu", k);
			break;
		}
		CHECK_INT(typed_rows[i].name, e, typed_rows[i].want);
		if (typed_rows[i].want == CGI_OK)
			CHECK_STR(typed_rows[i].name, got, typed_rows[i].value);
		(void)rig_close(&g);
		rig_fini(&g);
	}

	/* Out-parameters are written only on success (STYLE Rule 6). */
	env[1] = "QUERY_STRING=x=zz";
	r = rig_open(&g, env);
	n = 5;
	d = 5;
	b = true;
	k = 5;
	s = "keep";
	(void)cgi_get_int(r, "x", 0, 10, &n);
	(void)cgi_get_double(r, "x", 0, 10, &d);
	(void)cgi_get_bool(r, "x", &b);
	(void)cgi_get_choice(r, "x", colors, 3, &k);
	(void)cgi_get_one(r, "nope", &s, NULL);
	CHECK("out-params untouched on failure",
	    n == 5 && d == 5 && b && k == 5 && strcmp(s, "keep") == 0);
	(void)rig_close(&g);
	rig_fini(&g);
}

/* L-CK-01: a nameless cookie is no answer to a lookup by name, not even
 * by ""; iteration still shows it. An empty query name is a real name
 * (L-URL-03). */
static void
test_nameless_cookie(void)
{
	static const char *const env[] = { "REQUEST_METHOD=GET",
		"QUERY_STRING==x", "HTTP_COOKIE=a=1; b", NULL };
	const struct cgi_field *f;
	struct rig g;
	cgi_req *r = rig_open(&g, env);

	CHECK("L-CK-01 nameless cookie not found by \"\"",
	    cgi_cookie_get(r, "") == NULL);
	CHECK("L-CK-01 nor through cgi_find",
	    cgi_find(r, CGI_SRC_COOKIE, "", 0) == NULL);
	CHECK_STR("named cookie still found", cgi_cookie_get(r, "a"), "1");
	f = cgi_field_at(r, 2);
	CHECK("L-CK-01 iteration shows the nameless cookie",
	    f != NULL && f->source == CGI_SRC_COOKIE && f->name_len == 0 &&
	        strcmp(f->value, "b") == 0);
	CHECK_STR("L-URL-03 empty query name is found", cgi_query_get(r, ""),
	    "x");
	(void)rig_close(&g);
	rig_fini(&g);
}

static void
test_sources(void)
{
	static const char body[] = "a=form1&b=2&a=form2&n=x%00y";
	static const char *const env[] = { "REQUEST_METHOD=POST",
		"QUERY_STRING=a=q1&a=q2&c=%3Cb%3E",
		"CONTENT_TYPE=application/x-www-form-urlencoded",
		"CONTENT_LENGTH=27", "HTTP_COOKIE=a=cookie; sid=\"s1\"; sid=s2",
		NULL };
	const struct cgi_field *f;
	struct rig g;
	enum cgi_err e;
	cgi_req *r;
	const char *s;
	size_t len;

	r = rig_open_full(&g, env, body, sizeof(body) - 1, NULL, &e, 0);
	CHECK_INT("load", e, CGI_OK);
	CHECK_STR("L-API-05 get: query first", cgi_get(r, "a"), "q1");
	CHECK_INT("count over query+form", cgi_count(r, "a"), 4);
	CHECK_STR("nth 1", cgi_get_nth(r, "a", 1), "q2");
	CHECK_STR("nth 2", cgi_get_nth(r, "a", 2), "form1");
	CHECK_STR("nth 3", cgi_get_nth(r, "a", 3), "form2");
	CHECK("nth 4", cgi_get_nth(r, "a", 4) == NULL);
	CHECK_STR("query only", cgi_query_get(r, "a"), "q1");
	CHECK_STR("form only", cgi_form_get(r, "a"), "form1");
	CHECK_STR("cookie only", cgi_cookie_get(r, "a"), "cookie");
	CHECK_STR("L-CK-03 cookie unquoted, L-CK-02 first",
	    cgi_cookie_get(r, "sid"), "s1");
	CHECK("cookies are not params", cgi_get(r, "sid") == NULL);
	CHECK("form has no c", cgi_form_get(r, "c") == NULL);
	CHECK_STR("decoded, not escaped", cgi_get(r, "c"), "<b>");
	CHECK("L-URL-08 C string refuses NUL", cgi_get(r, "n") == NULL);
	f = cgi_find(r, CGI_SRC_FORM, "n", 0);
	CHECK("L-URL-08 bytes with length",
	    f != NULL && f->value_len == 3 && memcmp(f->value, "x\0y", 3) == 0);
	CHECK_INT("get_one on NUL value", cgi_get_one(r, "n", &s, &len),
	    CGI_INVALID);
	CHECK_INT("nfields", cgi_nfields(r), 10);
	f = cgi_field_at(r, 0);
	CHECK("arrival order: first is query",
	    f != NULL && f->source == CGI_SRC_QUERY &&
	        strcmp(f->value, "q1") == 0);
	CHECK("past the end", cgi_field_at(r, 10) == NULL);
	CHECK_INT("body of a form: fields instead", cgi_body(r, &s, &len),
	    CGI_ENOSYS);
	CHECK_STR("method", cgi_method(r), "POST");
	CHECK_STR("getenv any", cgi_getenv(r, "CONTENT_LENGTH"), "27");
	CHECK("getenv unset", cgi_getenv(r, "NOPE") == NULL);
	CHECK_STR("L-API-14 unset PATH_INFO is empty", cgi_path_info(r), "");
	CHECK("not https", !cgi_https(r));
	(void)rig_close(&g);
	rig_fini(&g);
}

static void
test_body(void)
{
	static const char json[] = "{\"a\":[1,2]}EXTRA";
	static const char *const env[] = { "REQUEST_METHOD=PUT",
		"CONTENT_TYPE=application/json", "CONTENT_LENGTH=11",
		"HTTPS=on", "PATH_INFO=/items/7", "SCRIPT_NAME=/app",
		"REMOTE_ADDR=192.0.2.1", NULL };
	static const char *const noenv[] = { "REQUEST_METHOD=", NULL };
	struct rig g;
	enum cgi_err e;
	cgi_req *r;
	const char *s;
	size_t len;

	r = rig_open_full(&g, env, json, sizeof(json) - 1, NULL, &e, 3);
	CHECK_INT("L-API-02 load json in 3-byte reads", e, CGI_OK);
	CHECK_INT("raw body", cgi_body(r, &s, &len), CGI_OK);
	CHECK("L-3875-4.2 not past CONTENT_LENGTH",
	    len == 11 && memcmp(s, json, 11) == 0 && s[11] == '\0');
	CHECK("L-3875-3.3 HTTPS=on", cgi_https(r));
	CHECK_STR("path info", cgi_path_info(r), "/items/7");
	CHECK_STR("script name", cgi_script_name(r), "/app");
	CHECK_STR("remote addr", cgi_remote_addr(r), "192.0.2.1");
	CHECK_STR("content type", cgi_content_type(r), "application/json");
	CHECK_STR("query string unset", cgi_query_string(r), "");
	(void)rig_close(&g);
	rig_fini(&g);

	r = rig_open_full(&g, noenv, NULL, 0, NULL, &e, 0);
	CHECK_INT("no body", cgi_body(r, &s, &len), CGI_OK);
	CHECK("empty body", len == 0 && strcmp(s, "") == 0);
	CHECK_STR("empty REQUEST_METHOD is GET", cgi_method(r), "GET");
	(void)rig_close(&g);
	rig_fini(&g);
}

static const struct {
	const char *name;
	const char *ctype;
	const char *clen;
	const char *body;
	size_t max_body, max_fields, max_value;
	enum cgi_err want;
	int status;
} limit_rows[] = {
	{ "L-API-01 CONTENT_LENGTH -1", "application/x-www-form-urlencoded",
	    "-1", "", 0, 0, 0, CGI_EFORM, 400 },
	{ "L-API-01 CONTENT_LENGTH +5", "application/x-www-form-urlencoded",
	    "+5", "a=123", 0, 0, 0, CGI_EFORM, 400 },
	{ "L-API-01 CONTENT_LENGTH space", "application/x-www-form-urlencoded",
	    " 5", "a=123", 0, 0, 0, CGI_EFORM, 400 },
	{ "L-API-01 CONTENT_LENGTH huge", "application/x-www-form-urlencoded",
	    "99999999999999999999", "", 0, 0, 0, CGI_EFORM, 400 },
	{ "L-API-02 truncated body", "application/x-www-form-urlencoded", "10",
	    "a=1", 0, 0, 0, CGI_EFORM, 400 },
	{ "L-API-04 body at max", "application/x-www-form-urlencoded", "5",
	    "a=123", 5, 0, 0, CGI_OK, 0 },
	{ "L-API-04 body one past max", "application/x-www-form-urlencoded",
	    "6", "a=1234", 5, 0, 0, CGI_ELIMIT, 413 },
	{ "L-API-04 fields at max", "application/x-www-form-urlencoded", "7",
	    "a&b&c&d", 0, 4, 0, CGI_OK, 0 },
	{ "L-API-04 fields one past", "application/x-www-form-urlencoded", "9",
	    "a&b&c&d&e", 0, 4, 0, CGI_ELIMIT, 413 },
	{ "L-API-04 value at max", "application/x-www-form-urlencoded", "6",
	    "a=1234", 0, 0, 4, CGI_OK, 0 },
	{ "L-API-04 value one past", "application/x-www-form-urlencoded", "7",
	    "a=12345", 0, 0, 4, CGI_ELIMIT, 413 },
	{ "raw body over max", "application/json", "6", "[1,2]]", 5, 0, 0,
	    CGI_ELIMIT, 413 },
};

static void
test_limits(void)
{
	const char *env[5] = { "REQUEST_METHOD=POST", NULL, NULL, NULL };
	char ct[128], cl[64];
	struct cgi_limits lim;
	struct rig g;
	enum cgi_err e;
	int status;
	size_t i;

	for (i = 0; i < sizeof(limit_rows) / sizeof(limit_rows[0]); i++) {
		memset(&lim, 0, sizeof(lim)); /* zero fields: defaults */
		lim.max_body = limit_rows[i].max_body;
		lim.max_fields = limit_rows[i].max_fields;
		lim.max_value = limit_rows[i].max_value;
		(void)snprintf(ct, sizeof(ct), "CONTENT_TYPE=%s",
		    limit_rows[i].ctype);
		(void)snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%s",
		    limit_rows[i].clen);
		env[1] = ct;
		env[2] = cl;
		(void)rig_open_full(&g, env, limit_rows[i].body,
		    strlen(limit_rows[i].body), &lim, &e, 0);
		CHECK_INT(limit_rows[i].name, e, limit_rows[i].want);
		CHECK_INT(limit_rows[i].name, cgi_input_error(g.r, &status),
		    limit_rows[i].want);
		CHECK_INT(limit_rows[i].name, status, limit_rows[i].status);
		(void)rig_close(&g);
		rig_fini(&g);
	}
}

static void
test_upload(void)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
	    "Ada\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"doc\"; "
	    "filename=\"../../etc/passwd\"\r\n"
	    "Content-Type: text/plain\r\n\r\n"
	    "hello file\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"none\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n"
	    "\r\n"
	    "--XyZ--\r\n";
	char cl[64], path[] = "/tmp/test_cgi_req.XXXXXX", saved[64];
	const char *env[] = { "REQUEST_METHOD=POST",
		"CONTENT_TYPE=multipart/form-data; boundary=XyZ", cl, NULL };
	const struct cgi_file *f;
	struct cgi_limits lim;
	struct rig g;
	enum cgi_err e;
	cgi_req *r;
	ssize_t n;
	int fd;

	(void)snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", sizeof(body) - 1);
	r = rig_open_full(&g, env, body, sizeof(body) - 1, NULL, &e, 0);
	CHECK_INT("multipart load", e, CGI_OK);
	CHECK_STR("text field", cgi_get(r, "name"), "Ada");
	f = cgi_file_get(r, "doc");
	CHECK("file found", f != NULL);
	CHECK_STR("field name", cgi_file_field(f), "doc");
	CHECK_STR("L-MP-14 sanitised name", cgi_file_name(f), "passwd");
	CHECK_STR("raw name kept", cgi_file_raw_name(f), "../../etc/passwd");
	CHECK_STR("type", cgi_file_type(f), "text/plain");
	CHECK_INT("size", cgi_file_size(f), 10);
	CHECK("small file in memory",
	    cgi_file_data(f) != NULL &&
	        memcmp(cgi_file_data(f), "hello file", 10) == 0 &&
	        cgi_file_fd(f) == -1);
	CHECK_STR("cgi_get of a file field: its safe name", cgi_get(r, "doc"),
	    "passwd");
	CHECK("L-MP-13 no file chosen: no upload",
	    cgi_file_get(r, "none") == NULL);
	CHECK("no such file", cgi_file_get(r, "name") == NULL);
	if ((fd = mkstemp(path)) == -1)
		exit(2);
	(void)close(fd);
	CHECK_INT("save refuses an existing path", cgi_file_save(f, path),
	    CGI_ESYSTEM);
	(void)unlink(path);
	CHECK_INT("save", cgi_file_save(f, path), CGI_OK);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, saved, sizeof(saved)) : -1;
	CHECK("saved bytes", n == 10 && memcmp(saved, "hello file", 10) == 0);
	if (fd >= 0)
		(void)close(fd);
	(void)unlink(path);
	(void)rig_close(&g);
	rig_fini(&g);

	/* Past the spill threshold the file lives in an unlinked temp file. */
	memset(&lim, 0, sizeof(lim));
	lim.spill_threshold = 4;
	r = rig_open_full(&g, env, body, sizeof(body) - 1, &lim, &e, 0);
	CHECK_INT("spilled load", e, CGI_OK);
	f = cgi_file_get(r, "doc");
	CHECK("spilled to a file",
	    f != NULL && cgi_file_data(f) == NULL && cgi_file_fd(f) >= 0);
	n = f != NULL ? pread(cgi_file_fd(f), saved, sizeof(saved), 0) : -1;
	CHECK("spilled bytes", n == 10 && memcmp(saved, "hello file", 10) == 0);
	(void)rig_close(&g);
	rig_fini(&g);
}

/* L-API-03: without CONTENT_LENGTH the body is empty unless the program
 * asked to read to EOF; L-API-14: unset and empty QUERY_STRING alike. */
static void
test_no_length(void)
{
	static const char *const env[] = { "REQUEST_METHOD=POST",
		"CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	static const char *const empty_qs[] = { "REQUEST_METHOD=GET",
		"QUERY_STRING=", NULL };
	static const char *const no_qs[] = { "REQUEST_METHOD=GET", NULL };
	static const char body[] = "name=Ada";
	struct cgi_limits lim;
	struct rig g;
	enum cgi_err e;
	cgi_req *r;

	r = rig_open_full(&g, env, body, sizeof(body) - 1, NULL, &e, 0);
	CHECK_INT("L-API-03 no CONTENT_LENGTH loads", e, CGI_OK);
	CHECK("L-API-03 no CONTENT_LENGTH: empty body",
	    cgi_get(r, "name") == NULL && cgi_nfields(r) == 0);
	(void)rig_close(&g);
	rig_fini(&g);

	memset(&lim, 0, sizeof(lim));
	lim.flags = CGI_OPT_BODY_TO_EOF;
	r = rig_open_full(&g, env, body, sizeof(body) - 1, &lim, &e, 2);
	CHECK_INT("L-API-03 read to EOF loads", e, CGI_OK);
	CHECK_STR("L-API-03 read to EOF", cgi_get(r, "name"), "Ada");
	(void)rig_close(&g);
	rig_fini(&g);

	lim.max_body = 7;
	r = rig_open_full(&g, env, body, sizeof(body) - 1, &lim, &e, 0);
	CHECK_INT("read to EOF still bounded by max_body", e, CGI_ELIMIT);
	(void)rig_close(&g);
	rig_fini(&g);

	r = rig_open(&g, empty_qs);
	CHECK_INT("L-API-14 empty QUERY_STRING: no fields", cgi_nfields(r), 0);
	CHECK_STR("L-API-14 empty", cgi_query_string(r), "");
	(void)rig_close(&g);
	rig_fini(&g);
	r = rig_open(&g, no_qs);
	CHECK_INT("L-API-14 unset QUERY_STRING: no fields", cgi_nfields(r), 0);
	CHECK_STR("L-API-14 unset", cgi_query_string(r), "");
	(void)rig_close(&g);
	rig_fini(&g);
}

int
main(void)
{
	test_typed();
	test_sources();
	test_nameless_cookie();
	test_body();
	test_limits();
	test_upload();
	test_no_length();
	return harness_done();
}
