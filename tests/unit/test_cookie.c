/*
 * test_cookie.c - the Cookie header splitter: the L-CK rows of the
 * checklist that belong to reading cookies (L-CK-01..05), junk, the pair
 * cap at the bound and one past it, and cookie_unquote.
 *
 * Expected pairs are written as name 0x1f value 0x1e per pair. The
 * splitter works on a whole header (the server hands over one joined
 * value), so rows run on exact-size heap copies rather than splits.
 */
#include <string.h>

#include "buf.h"
#include "cookie.h"
#include "harness.h"

#define S(s) s, sizeof(s) - 1

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	size_t max;
	enum cookie_rc rc;
	const char *out;
	size_t outlen;
} cases[] = {
	{ "L-CK-01 trim and nameless", S("a=1;  b=2 ;c"), 10, COOKIE_OK,
	    S("a\x1f"
	      "1\x1e"
	      "b\x1f"
	      "2\x1e\x1f"
	      "c\x1e") },
	{ "L-CK-01 no space after semicolon", S("a=1;b=2"), 10, COOKIE_OK,
	    S("a\x1f"
	      "1\x1e"
	      "b\x1f"
	      "2\x1e") },
	{ "L-CK-01 split at first equals", S("a=b=c"), 10, COOKIE_OK,
	    S("a\x1f"
	      "b=c\x1e") },
	{ "L-CK-01 empty value", S("a="), 10, COOKIE_OK, S("a\x1f\x1e") },
	{ "L-CK-01 empty name", S("=v"), 10, COOKIE_OK, S("\x1fv\x1e") },
	{ "L-CK-01 spaces around equals", S("a = 1"), 10, COOKIE_OK,
	    S("a\x1f"
	      "1\x1e") },
	{ "L-CK-01 tabs trimmed", S("\ta=1\t;\tb=2"), 10, COOKIE_OK,
	    S("a\x1f"
	      "1\x1e"
	      "b\x1f"
	      "2\x1e") },
	{ "L-CK-02 duplicates kept in order", S("a=1; a=2"), 10, COOKIE_OK,
	    S("a\x1f"
	      "1\x1e"
	      "a\x1f"
	      "2\x1e") },
	{ "L-CK-02 names case-sensitive", S("A=1; a=2"), 10, COOKIE_OK,
	    S("A\x1f"
	      "1\x1e"
	      "a\x1f"
	      "2\x1e") },
	{ "L-CK-03 quotes and percent kept raw", S("a=\"x%20y\""), 10,
	    COOKIE_OK, S("a\x1f\"x%20y\"\x1e") },
	{ "L-CK-03 no backslash processing", S("a=\"x\\\"y\""), 10, COOKIE_OK,
	    S("a\x1f\"x\\\"y\"\x1e") },
	{ "L-CK-04 comma is data", S("a=1, b=2"), 10, COOKIE_OK,
	    S("a\x1f"
	      "1, b=2\x1e") },
	{ "L-CK-05 empty pieces", S(";;a=1;;; ;b=2;"), 10, COOKIE_OK,
	    S("a\x1f"
	      "1\x1e"
	      "b\x1f"
	      "2\x1e") },
	{ "L-CK-05 non-ASCII and controls", S("\xff=\x01\x80; k=\"v"), 10,
	    COOKIE_OK, S("\xff\x1f\x01\x80\x1ek\x1f\"v\x1e") },
	{ "L-CK-05 empty header", S(""), 10, COOKIE_OK, S("") },
	{ "L-CK-05 only spaces", S("  ;  "), 10, COOKIE_OK, S("") },
	{ "L-CK-05 at the pair cap", S("a=1; b=2; c=3"), 3, COOKIE_OK,
	    S("a\x1f"
	      "1\x1e"
	      "b\x1f"
	      "2\x1e"
	      "c\x1f"
	      "3\x1e") },
	{ "L-CK-05 one past the pair cap", S("a=1; b=2; c=3"), 2,
	    COOKIE_TOO_MANY,
	    S("a\x1f"
	      "1\x1e"
	      "b\x1f"
	      "2\x1e") },
	{ "L-CK-05 cap zero", S("a=1"), 0, COOKIE_TOO_MANY, S("") },
	{ "L-CK-05 NUL byte is data", S("a=x\0y"), 4, COOKIE_OK,
	    S("a\x1fx\0y\x1e") },
};

static const struct {
	const char *name, *in, *out;
} unquote_cases[] = {
	{ "L-CK-03 unquote", "\"x%20y\"", "x%20y" },
	{ "L-CK-03 unquote empty quotes", "\"\"", "" },
	{ "L-CK-03 lone quote kept", "\"", "\"" },
	{ "L-CK-03 open quote kept", "\"abc", "\"abc" },
	{ "L-CK-03 unquoted unchanged", "abc", "abc" },
	{ "L-CK-03 one pair only", "\"\"a\"\"", "\"a\"" },
};

int
main(void)
{
	struct cookie_pair pairs[16];
	struct buf out;
	struct str v;
	size_t i, j, n;
	char *in;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&out, 0);
		in = harness_exact(cases[i].in, cases[i].inlen);
		CHECK_INT(cases[i].name,
		    cookie_parse(in, cases[i].inlen, pairs, cases[i].max, &n),
		    cases[i].rc);
		CHECK(cases[i].name, n <= cases[i].max);
		for (j = 0; j < n; j++) {
			if (buf_append(&out, pairs[j].name.p,
			        pairs[j].name.len) == -1 ||
			    buf_putc(&out, 0x1f) == -1 ||
			    buf_append(&out, pairs[j].value.p,
			        pairs[j].value.len) == -1 ||
			    buf_putc(&out, 0x1e) == -1)
				return 2;
		}
		CHECK_MEM(cases[i].name, buf_cstr(&out), out.len, cases[i].out,
		    cases[i].outlen);
		free(in);
		buf_fini(&out);
	}
	for (i = 0; i < sizeof(unquote_cases) / sizeof(unquote_cases[0]); i++) {
		in = harness_exact(unquote_cases[i].in,
		    strlen(unquote_cases[i].in));
		v.p = in;
		v.len = strlen(unquote_cases[i].in);
		v = cookie_unquote(v);
		CHECK_MEM(unquote_cases[i].name, v.p, v.len,
		    unquote_cases[i].out, strlen(unquote_cases[i].out));
		free(in);
	}
	return harness_done();
}
