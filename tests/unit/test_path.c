/*
 * test_path.c - request-path decoding and normalisation (path.h) against
 * checklist V-03 (every traversal and encoding trick), S-8.1-b and
 * S-9.8-a: each row decoded from an exact-size heap copy, with the result,
 * errno and flags checked; then the prefix and split helpers.
 */
#include "path.h"

#include <errno.h>
#include <string.h>

#include "buf.h"
#include "harness.h"

struct row {
	const char *name;
	const char *raw;
	const char *out; /* normalised path, or NULL when refused */
	int err;         /* errno when refused */
	int flags;       /* ESLASH | TSLASH when accepted */
};

#define ESLASH 1 /* info.encoded_slash */
#define TSLASH 2 /* info.trailing_slash */

static const struct row rows[] = {
	/* Plain and normalised forms. */
	{ "root", "/", "/", 0, TSLASH },
	{ "file", "/index.html", "/index.html", 0, 0 },
	{ "directory keeps its slash", "/a/b/", "/a/b/", 0, TSLASH },
	{ "S-9.8-a dot-dot inside", "/cgi-bin/x/../env.cgi", "/cgi-bin/env.cgi",
	    0, 0 },
	{ "dot inside", "/a/./b", "/a/b", 0, 0 },
	{ "V-03-e // and /./ collapse", "//cgi-bin/./admin.cgi",
	    "/cgi-bin/admin.cgi", 0, 0 },
	{ "many slashes", "///a////b//", "/a/b/", 0, TSLASH },
	{ "final .. leaves a slash", "/a/b/..", "/a/", 0, 0 },
	{ "final . leaves a slash", "/a/b/.", "/a/b/", 0, 0 },
	{ "back to the root", "/a/..", "/", 0, 0 },
	{ "lone dot", "/.", "/", 0, 0 },
	{ "S-8.1-b %2e%2e is .. (inside)", "/a/%2E%2e/b", "/b", 0, 0 },
	{ "%2e is .", "/a/%2e/b", "/a/b", 0, 0 },
	{ "three dots are a name", "/.../a", "/.../a", 0, 0 },
	{ "dotted names", "/.a/a../..b", "/.a/a../..b", 0, 0 },
	{ "escapes decoded once", "/a%20b%41", "/a bA", 0, 0 },
	{ "V-03-a %252e stays %2e", "/cgi-bin/%252e%252e/", "/cgi-bin/%2e%2e/",
	    0, TSLASH },
	{ "plus stays plus", "/a+b", "/a+b", 0, 0 },
	{ "V-03-b %2F is reported", "/a%2Fb", "/a/b", 0, ESLASH },
	{ "%2f lower case is reported", "/a%2fb/", "/a/b/", 0,
	    ESLASH | TSLASH },
	{ "utf-8 two bytes", "/caf%C3%A9", "/caf\xc3\xa9", 0, 0 },
	{ "utf-8 raw bytes", "/caf\xc3\xa9", "/caf\xc3\xa9", 0, 0 },
	{ "utf-8 three bytes", "/%e2%82%ac", "/\xe2\x82\xac", 0, 0 },
	{ "utf-8 four bytes", "/%f0%9f%98%80", "/\xf0\x9f\x98\x80", 0, 0 },
	{ "utf-8 U+10FFFF", "/%f4%8f%bf%bf", "/\xf4\x8f\xbf\xbf", 0, 0 },
	{ "utf-8 U+FFFD", "/%ef%bf%bd", "/\xef\xbf\xbd", 0, 0 },

	/* V-03-a traversal vectors. */
	{ "V-03-a .%2e twice", "/cgi-bin/.%2e/.%2e/etc/passwd", NULL, EINVAL,
	    0 },
	{ "V-03-a %2e%2e twice", "/cgi-bin/%2e%2e/%2e%2e/bin/sh", NULL, EINVAL,
	    0 },
	{ "V-03-a %%32%65 is a bad escape", "/cgi-bin/%%32%65%%32%65/", NULL,
	    EINVAL, 0 },
	{ "V-03-a ..%2f climbs", "/cgi-bin/..%2f..%2fetc", NULL, EINVAL, 0 },
	{ "V-03-a overlong slash %c0%af", "/cgi-bin/..%c0%af..%c0%afetc", NULL,
	    EINVAL, 0 },
	{ "V-03-a backslashes", "/cgi-bin/..\\..\\etc", NULL, EINVAL, 0 },
	{ "V-03-a %5c", "/cgi-bin/%5c..%5c", NULL, EINVAL, 0 },
	{ "V-03-a NUL before .txt", "/cgi-bin/env.cgi%00.txt", NULL, EINVAL,
	    0 },
	{ "V-03-c backslash as separator", "/cgi-bin\\env.cgi", NULL, EINVAL,
	    0 },
	{ "plain ..", "/..", NULL, EINVAL, 0 },
	{ ".. with slash", "/../", NULL, EINVAL, 0 },
	{ "%2E%2e/ at the root", "/%2E%2e/", NULL, EINVAL, 0 },
	{ "climbs after a descent", "/a/../../b", NULL, EINVAL, 0 },
	{ "..%2f at the root", "/..%2fetc", NULL, EINVAL, 0 },
	{ "mixed: %2e. and ./", "/a/./%2e./..", NULL, EINVAL, 0 },
	{ "mixed case %2E.", "/x/%2E./%2e%2E/y", NULL, EINVAL, 0 },

	/* Bytes that must never reach the file system. */
	{ "%00", "/a%00", NULL, EINVAL, 0 },
	{ "%0a", "/a%0a", NULL, EINVAL, 0 },
	{ "%0d", "/a%0db", NULL, EINVAL, 0 },
	{ "%1f", "/%1f", NULL, EINVAL, 0 },
	{ "%7f DEL", "/%7f", NULL, EINVAL, 0 },
	{ "%09 tab", "/a%09b", NULL, EINVAL, 0 },
	{ "raw control byte", "/a\x01", NULL, EINVAL, 0 },

	/* UTF-8 that must be refused (V-03-b). */
	{ "overlong . %c0%ae", "/%c0%ae%c0%ae/x", NULL, EINVAL, 0 },
	{ "overlong . %e0%80%ae", "/%e0%80%ae", NULL, EINVAL, 0 },
	{ "overlong / %f0%80%80%af", "/%f0%80%80%af", NULL, EINVAL, 0 },
	{ "overlong %c1%bf", "/%c1%bf", NULL, EINVAL, 0 },
	{ "surrogate %ed%a0%80", "/%ed%a0%80", NULL, EINVAL, 0 },
	{ "past U+10FFFF", "/%f4%90%80%80", NULL, EINVAL, 0 },
	{ "%f5 lead", "/%f5%80%80%80", NULL, EINVAL, 0 },
	{ "%ff", "/%ff", NULL, EINVAL, 0 },
	{ "stray continuation", "/%80", NULL, EINVAL, 0 },
	{ "truncated three-byte", "/%e2%82", NULL, EINVAL, 0 },
	{ "truncated then ASCII", "/%e2%82a", NULL, EINVAL, 0 },
	{ "raw Latin-1 byte", "/caf\xe9", NULL, EINVAL, 0 },

	/* Malformed escapes and forms. */
	{ "lone %", "/a%", NULL, EINVAL, 0 },
	{ "short escape", "/a%4", NULL, EINVAL, 0 },
	{ "non-hex escape", "/a%zz", NULL, EINVAL, 0 },
	{ "empty", "", NULL, EINVAL, 0 },
	{ "relative", "a/b", NULL, EINVAL, 0 },
	{ "asterisk", "*", NULL, EINVAL, 0 },
	{ "encoded leading slash", "%2fa", NULL, EINVAL, 0 },
};

static void
test_rows(void)
{
	struct path_info info;
	struct buf out;
	size_t i, n;
	char *raw;
	int rc, flags;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = strlen(rows[i].raw);
		raw = harness_exact(rows[i].raw, n);
		buf_init(&out, 1024);
		errno = 0;
		rc = path_normalize(raw, n, &out, &info);
		if (rows[i].out == NULL) {
			CHECK_INT(rows[i].name, rc, -1);
			CHECK_INT(rows[i].name, errno, rows[i].err);
			CHECK(rows[i].name, info.reason != NULL);
			CHECK_INT(rows[i].name, out.len, 0);
		} else {
			CHECK_INT(rows[i].name, rc, 0);
			CHECK_STR(rows[i].name, buf_cstr(&out), rows[i].out);
			flags = (info.encoded_slash ? ESLASH : 0) |
			    (info.trailing_slash ? TSLASH : 0);
			CHECK_INT(rows[i].name, flags, rows[i].flags);
		}
		buf_fini(&out);
		free(raw);
	}
}

/* Output bound: out->max holds the raw length, one less is ENOBUFS. */
static void
test_bound(void)
{
	struct buf out;
	struct path_info info;

	buf_init(&out, 10);
	CHECK_INT("path at out->max",
	    path_normalize("/aaaaaaaaa", 10, &out, &info), 0);
	CHECK_STR("path at out->max", buf_cstr(&out), "/aaaaaaaaa");
	errno = 0;
	CHECK_INT("path past out->max",
	    path_normalize("/aaaaaaaaaa", 11, &out, &info), -1);
	CHECK_INT("path past out->max errno", errno, ENOBUFS);
	CHECK_INT("NULL info is allowed",
	    path_normalize("/a/../b", 7, &out, NULL), 0);
	CHECK_STR("NULL info result", buf_cstr(&out), "/b");
	buf_fini(&out);
}

static const struct {
	const char *name, *path, *prefix;
	bool match;
	const char *rest;
} prefixes[] = {
	{ "exact", "/cgi-bin", "/cgi-bin", true, "" },
	{ "exact with slash prefix", "/cgi-bin", "/cgi-bin/", true, "" },
	{ "below", "/cgi-bin/x.cgi/extra", "/cgi-bin", true, "/x.cgi/extra" },
	{ "below, slash prefix", "/cgi-bin/x", "/cgi-bin/", true, "/x" },
	{ "directory", "/cgi-bin/", "/cgi-bin", true, "/" },
	{ "not a segment boundary", "/cgi-binx", "/cgi-bin", false, NULL },
	{ "not a segment boundary, slash", "/cgi-binx/y", "/cgi-bin/", false,
	    NULL },
	{ "shorter path", "/cgi", "/cgi-bin", false, NULL },
	{ "case matters", "/CGI-BIN/x", "/cgi-bin", false, NULL },
	{ "root prefix matches all", "/x/y", "/", true, "/x/y" },
	{ "empty prefix matches all", "/x", "", true, "/x" },
	{ "deeper prefix", "/a/b/c", "/a/b", true, "/c" },
	{ "deeper prefix mismatch", "/a/bc", "/a/b", false, NULL },
};

static void
test_prefix(void)
{
	struct str rest;
	size_t i;
	bool m;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		rest.p = NULL;
		rest.len = 0;
		m = path_has_prefix(str_from(prefixes[i].path),
		    str_from(prefixes[i].prefix), &rest);
		CHECK_INT(prefixes[i].name, m, prefixes[i].match);
		if (m && prefixes[i].rest != NULL)
			CHECK_MEM(prefixes[i].name, rest.p, rest.len,
			    prefixes[i].rest, strlen(prefixes[i].rest));
	}
	CHECK("NULL rest",
	    path_has_prefix(STR_LIT("/a/b"), STR_LIT("/a"), NULL));
}

static void
test_split(void)
{
	struct str segs[3];
	size_t n;

	CHECK_INT("split root", path_split(STR_LIT("/"), segs, 3, &n), 0);
	CHECK_INT("split root count", n, 0);
	CHECK_INT("split", path_split(STR_LIT("/a/bc/"), segs, 3, &n), 0);
	CHECK_INT("split count", n, 2);
	CHECK_MEM("split 0", segs[0].p, segs[0].len, "a", 1);
	CHECK_MEM("split 1", segs[1].p, segs[1].len, "bc", 2);
	CHECK_INT("split at max", path_split(STR_LIT("/a/b/c"), segs, 3, &n),
	    0);
	CHECK_INT("split at max count", n, 3);
	CHECK_MEM("split at max 2", segs[2].p, segs[2].len, "c", 1);
	errno = 0;
	CHECK_INT("split past max",
	    path_split(STR_LIT("/a/b/c/d"), segs, 3, &n), -1);
	CHECK_INT("split past max errno", errno, E2BIG);
}

/*
 * Every decoded byte value, alone in a segment ("/a%XXb"): refused exactly
 * when it is a control, DEL, backslash, or a lone byte >= 0x80 (never
 * valid UTF-8 by itself); "%2f" is accepted and reported.
 */
static void
test_every_byte(void)
{
	struct path_info info;
	struct buf out;
	char raw[8], name[40], want[4];
	int b, ok, rc;

	buf_init(&out, 64);
	for (b = 0; b < 256; b++) {
		if (snprintf(raw, sizeof(raw), "/a%%%02xb", b) != 6 ||
		    snprintf(name, sizeof(name), "decoded byte 0x%02x", b) < 0)
			exit(2);
		ok = b >= 0x20 && b < 0x7f && b != '\\';
		rc = path_normalize(raw, 6, &out, &info);
		CHECK_INT(name, rc, ok ? 0 : -1);
		if (!ok)
			continue;
		want[0] = 'a';
		want[1] = (char)b;
		want[2] = 'b';
		want[3] = '\0';
		CHECK_MEM(name, out.data + 1, out.len - 1, want, 3);
		CHECK_INT(name, info.encoded_slash, b == '/');
	}
	buf_fini(&out);
}

int
main(void)
{
	test_rows();
	test_every_byte();
	test_bound();
	test_prefix();
	test_split();
	return harness_done();
}
