/*
 * test_pct.c - percent-decoding in both modes, including bad escapes.
 */
#include <string.h>

#include "buf.h"
#include "pct.h"
#include "harness.h"

static const struct {
	const char *name;
	const char *in;
	enum pct_mode mode;
	int rc;
	const char *out;
	size_t outlen;
} cases[] = {
	{ "empty", "", PCT_STRICT, 0, "", 0 },
	{ "plain", "abc", PCT_STRICT, 0, "abc", 3 },
	{ "hex upper and lower", "%41%2f%2F", PCT_STRICT, 0, "A//", 3 },
	{ "utf-8", "%e2%82%ac", PCT_STRICT, 0, "\xe2\x82\xac", 3 },
	{ "nul decodes to a byte", "a%00b", PCT_STRICT, 0, "a\0b", 3 },
	{ "plus kept in strict", "a+b", PCT_STRICT, 0, "a+b", 3 },
	{ "plus is space in form", "a+b", PCT_FORM, 0, "a b", 3 },
	{ "lone percent strict", "%", PCT_STRICT, -1, NULL, 0 },
	{ "short escape strict", "%4", PCT_STRICT, -1, NULL, 0 },
	{ "non-hex strict", "%G1", PCT_STRICT, -1, NULL, 0 },
	{ "lone percent form", "%", PCT_FORM, 0, "%", 1 },
	{ "short escape form", "a%4", PCT_FORM, 0, "a%4", 3 },
	{ "non-hex form", "%zz%41", PCT_FORM, 0, "%zzA", 4 },
	{ "percent then escape", "%%41", PCT_FORM, 0, "%A", 2 },
	{ "encoded plus stays plus", "%2B", PCT_FORM, 0, "+", 1 },
};

int
main(void)
{
	struct buf out;
	size_t i;
	int rc;
	char *in;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&out, 0);
		in = harness_exact(cases[i].in, strlen(cases[i].in));
		rc = pct_decode(in, strlen(cases[i].in), cases[i].mode, &out);
		CHECK_INT(cases[i].name, rc, cases[i].rc);
		if (rc == 0)
			CHECK_MEM(cases[i].name, out.data ? out.data : "",
			    out.len, cases[i].out, cases[i].outlen);
		free(in);
		buf_fini(&out);
	}
	return harness_done();
}
