/*
 * test_cgi_json.c - the streaming JSON writer (cgi_json.c).
 *
 * Proves: RFC 8259 output with commas placed by the writer, strings
 * escaped (controls, quote, backslash; < > & and U+2028/9 for <script>,
 * L-HTML-03), invalid UTF-8 as U+FFFD (the documented policy), numbers
 * that read back exactly, Infinity/NaN refused, misuse refused without
 * output, nesting bounded at CGI_JSON_MAX_DEPTH, application/json set.
 */
#include <math.h>
#include <string.h>

#include "cgi_rig.h"
#include "harness.h"

static const char *const get_env[] = { "REQUEST_METHOD=GET", NULL };

/* The body of g's response. */
static const char *
body_of(struct rig *g)
{
	const char *b = strstr(buf_cstr(&g->out), "\r\n\r\n");

	return b != NULL ? b + 4 : "";
}

static void
test_document(void)
{
	struct rig g;
	cgi_req *r = rig_open(&g, get_env);

	CHECK_INT("{", cgi_json_object(r), CGI_OK);
	CHECK_INT("key", cgi_json_key(r, "name"), CGI_OK);
	CHECK_INT("string", cgi_json_string(r, "Ada \"<b>\"\n"), CGI_OK);
	CHECK_INT("key", cgi_json_key(r, "n"), CGI_OK);
	CHECK_INT("int", cgi_json_int(r, -9223372036854775807LL - 1), CGI_OK);
	CHECK_INT("key", cgi_json_key(r, "list"), CGI_OK);
	CHECK_INT("[", cgi_json_array(r), CGI_OK);
	CHECK_INT("true", cgi_json_bool(r, true), CGI_OK);
	CHECK_INT("false", cgi_json_bool(r, false), CGI_OK);
	CHECK_INT("null", cgi_json_null(r), CGI_OK);
	CHECK_INT("0.1", cgi_json_double(r, 0.1), CGI_OK);
	CHECK_INT("1e300", cgi_json_double(r, 1e300), CGI_OK);
	CHECK_INT("1/3", cgi_json_double(r, 1.0 / 3.0), CGI_OK);
	CHECK_INT("[] inside", cgi_json_array(r), CGI_OK);
	CHECK_INT("] inside", cgi_json_array_end(r), CGI_OK);
	CHECK_INT("{} inside", cgi_json_object(r), CGI_OK);
	CHECK_INT("} inside", cgi_json_object_end(r), CGI_OK);
	CHECK_INT("string with NUL", cgi_json_string_len(r, "a\0b", 3), CGI_OK);
	CHECK_INT("NULL string is null", cgi_json_string(r, NULL), CGI_OK);
	CHECK_INT("]", cgi_json_array_end(r), CGI_OK);
	CHECK_INT("key with escapes", cgi_json_key(r, "k\"</"), CGI_OK);
	CHECK_INT("invalid utf-8", cgi_json_string(r, "\xC0\xAF\xE2\x80\xA8"),
	    CGI_OK);
	CHECK_INT("}", cgi_json_object_end(r), CGI_OK);
	CHECK_INT("second top-level value refused", cgi_json_null(r),
	    CGI_EJSON);
	CHECK_INT("finish", rig_close(&g), 0);
	CHECK("application/json type set",
	    strncmp(buf_cstr(&g.out),
	        "Status: 200 OK\r\nContent-Type: application/json\r\n",
	        48) == 0);
	CHECK_STR("document", body_of(&g),
	    "{\"name\":\"Ada \\\"\\u003Cb\\u003E\\\"\\n\","
	    "\"n\":-9223372036854775808,"
	    "\"list\":[true,false,null,0.1,1e+300,0.33333333333333331,[],{},"
	    "\"a\\u0000b\",null],"
	    "\"k\\\"\\u003C/\":\"\xEF\xBF\xBD\xEF\xBF\xBD\\u2028\"}");
	rig_fini(&g);
}

static const struct {
	const char *name;
	int steps[8]; /* 1 { 2 } 3 [ 4 ] 5 key 6 value, 0 ends */
	int bad;      /* index of the step that must fail with CGI_EJSON */
} misuse_rows[] = {
	{ "value in object without key", { 1, 6 }, 1 },
	{ "key in array", { 3, 5 }, 1 },
	{ "key at top level", { 5 }, 0 },
	{ "two keys in a row", { 1, 5, 5 }, 2 },
	{ "close object after key", { 1, 5, 2 }, 2 },
	{ "] closes {", { 1, 4 }, 1 },
	{ "} closes [", { 3, 2 }, 1 },
	{ "close at top level", { 4 }, 0 },
	{ "value after top-level value", { 6, 6 }, 1 },
	{ "container after top-level container", { 3, 4, 1 }, 2 },
};

static enum cgi_err
step(cgi_req *r, int s)
{
	switch (s) {
	case 1:
		return cgi_json_object(r);
	case 2:
		return cgi_json_object_end(r);
	case 3:
		return cgi_json_array(r);
	case 4:
		return cgi_json_array_end(r);
	case 5:
		return cgi_json_key(r, "k");
	default:
		return cgi_json_int(r, 1);
	}
}

static void
test_misuse(void)
{
	struct rig g;
	cgi_req *r;
	size_t i, k, before;

	for (i = 0; i < sizeof(misuse_rows) / sizeof(misuse_rows[0]); i++) {
		r = rig_open(&g, get_env);
		for (k = 0; k < 8 && misuse_rows[i].steps[k] != 0; k++) {
			(void)cgi_flush(r);
			before = g.out.len;
			if ((int)k != misuse_rows[i].bad) {
				CHECK_INT(misuse_rows[i].name,
				    step(r, misuse_rows[i].steps[k]), CGI_OK);
				continue;
			}
			CHECK_INT(misuse_rows[i].name,
			    step(r, misuse_rows[i].steps[k]), CGI_EJSON);
			(void)cgi_flush(r);
			CHECK_INT("refused step writes nothing", g.out.len,
			    before);
			break;
		}
		(void)rig_close(&g);
		rig_fini(&g);
	}
}

static void
test_limits(void)
{
	struct rig g;
	cgi_req *r = rig_open(&g, get_env);
	size_t i;
	enum cgi_err e = CGI_OK;

	for (i = 0; i < CGI_JSON_MAX_DEPTH && e == CGI_OK; i++)
		e = cgi_json_array(r);
	CHECK_INT("nesting up to the bound", e, CGI_OK);
	CHECK_INT("one past the bound", cgi_json_array(r), CGI_EJSON);
	CHECK_INT("Infinity refused", cgi_json_double(r, INFINITY), CGI_EJSON);
	CHECK_INT("NaN refused", cgi_json_double(r, NAN), CGI_EJSON);
	for (i = 0; i < CGI_JSON_MAX_DEPTH; i++)
		(void)cgi_json_array_end(r);
	CHECK_INT("finish", rig_close(&g), 0);
	CHECK_INT("body is balanced", strlen(body_of(&g)),
	    2 * CGI_JSON_MAX_DEPTH);
	rig_fini(&g);

	/* A type the program chose stays. */
	r = rig_open(&g, get_env);
	CHECK_INT("type", cgi_type(r, "application/ld+json"), CGI_OK);
	CHECK_INT("value", cgi_json_int(r, 7), CGI_OK);
	(void)rig_close(&g);
	CHECK("program's type kept",
	    strstr(buf_cstr(&g.out), "Content-Type: application/ld+json\r\n") !=
	        NULL);
	CHECK_STR("scalar document", body_of(&g), "7");
	rig_fini(&g);
}

int
main(void)
{
	test_document();
	test_misuse();
	test_limits();
	return harness_done();
}
