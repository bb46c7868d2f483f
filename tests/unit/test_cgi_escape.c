/*
 * test_cgi_escape.c - HTML, JSON-string and URL escaping (cgi_escape.h)
 * and the public cgi_html_escape / cgi_url_encode.
 *
 * Checklist: L-HTML-01 (the five characters), L-HTML-02 (same function is
 * safe in quoted attributes), L-HTML-05 (invalid UTF-8 -> U+FFFD, NUL
 * removed; %C0%BC never yields '<'), L-HTML-03 (JSON for <script>: < > &
 * U+2028/9 escaped), L-URL-12 (serializer).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cgi.h"
#include "cgi_escape.h"
#include "harness.h"

#define FFFD "\xEF\xBF\xBD"

struct row {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *out;
};

static const struct row html_rows[] = {
	{ "L-HTML-01 the checklist vector", "<a href=\"x\">'&", 0,
	    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;" },
	{ "empty", "", 0, "" },
	{ "plain ascii untouched", "Ada Lovelace 1815", 0,
	    "Ada Lovelace 1815" },
	{ "script tag", "<script>alert(1)</script>", 0,
	    "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "L-HTML-06 escape once: &amp; is text", "&amp;", 0, "&amp;amp;" },
	{ "L-HTML-02 attribute breakout", "\" onmouseover=\"x", 0,
	    "&quot; onmouseover=&quot;x" },
	{ "L-HTML-02 single-quoted breakout", "' onfocus='x", 0,
	    "&#39; onfocus=&#39;x" },
	{ "valid utf-8 kept", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 0,
	    "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" },
	{ "U+FFFD itself kept", FFFD, 0, FFFD },
	{ "L-HTML-05 NUL removed", "a\0b", 3, "ab" },
	{ "L-HTML-05 overlong < (C0 BC) never '<'", "\xC0\xBCscript", 0,
	    FFFD FFFD "script" },
	{ "overlong 3-byte /", "\xE0\x80\xAF", 0, FFFD FFFD FFFD },
	{ "surrogate D800", "\xED\xA0\x80", 0, FFFD FFFD FFFD },
	{ "above U+10FFFF", "\xF4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD },
	{ "truncated 3-byte at end", "a\xE2\x82", 0, "a" FFFD },
	{ "truncated then ascii <", "\xE2\x82<", 0, FFFD "&lt;" },
	{ "stray continuation", "\x80x", 0, FFFD "x" },
	{ "FE FF bytes", "\xFE\xFF", 0, FFFD FFFD },
	{ "C1 controls stay (valid utf-8)", "\xC2\x85", 0, "\xC2\x85" },
	{ "control bytes other than NUL kept", "\t\n", 0, "\t\n" },
};

static const struct row json_rows[] = {
	{ "quote and backslash", "\"\\", 0, "\\\"\\\\" },
	{ "short escapes", "\b\f\n\r\t", 0, "\\b\\f\\n\\r\\t" },
	{ "other controls as \\u00XX", "\x01\x1f", 0, "\\u0001\\u001F" },
	{ "NUL as \\u0000", "a\0b", 3, "a\\u0000b" },
	{ "L-HTML-03 </script> cannot close", "</script>", 0,
	    "\\u003C/script\\u003E" },
	{ "ampersand", "a&b", 0, "a\\u0026b" },
	{ "U+2028 and U+2029", "\xE2\x80\xA8\xE2\x80\xA9", 0,
	    "\\u2028\\u2029" },
	{ "DEL is legal JSON", "\x7f", 0, "\x7f" },
	{ "slash untouched", "a/b", 0, "a/b" },
	{ "valid utf-8 kept", "\xC3\xA9", 0, "\xC3\xA9" },
	{ "invalid utf-8 -> U+FFFD", "\xC3(", 0, FFFD "(" },
	{ "lone FF", "\xFF", 0, FFFD },
};

static const struct row url_rows[] = {
	{ "unreserved kept", "azAZ09*-._", 0, "azAZ09*-._" },
	{ "space is plus", "a b", 0, "a+b" },
	{ "plus encoded", "a+b", 0, "a%2Bb" },
	{ "reserved encoded", "&=?/#%~", 0, "%26%3D%3F%2F%23%25%7E" },
	{ "utf-8 bytes", "\xC3\xA9", 0, "%C3%A9" },
	{ "NUL and CRLF", "\0\r\n", 3, "%00%0D%0A" },
};

typedef int esc_fn(struct buf *, const char *, size_t);

static void
run(const char *what, const struct row *rows, size_t n, esc_fn *fn)
{
	struct buf b;
	char *in, label[200];
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = rows[i].len != 0 ? rows[i].len : strlen(rows[i].in);
		in = harness_exact(rows[i].in, len);
		buf_init(&b, 0);
		(void)snprintf(label, sizeof(label), "%s: %s", what,
		    rows[i].name);
		CHECK_INT(label, fn(&b, in, len), 0);
		CHECK_MEM(label, b.data != NULL ? b.data : "", b.len,
		    rows[i].out, strlen(rows[i].out));
		buf_fini(&b);
		free(in);
	}
}

/* Every 1-4 byte sequence of a few interesting lead bytes: the escaper
 * never lets a raw < > & " ' through and always emits valid UTF-8. */
static void
test_html_exhaustive(void)
{
	static const unsigned char leads[] = { 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
		0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x80 };
	unsigned char in[3];
	struct buf b;
	uint32_t cp;
	size_t i, off, used;
	unsigned x, y;
	int bad = 0;

	for (i = 0; i < sizeof(leads); i++) {
		for (x = 0; x < 256; x++) {
			for (y = 0; y < 256; y += 17) {
				in[0] = leads[i];
				in[1] = (unsigned char)x;
				in[2] = (unsigned char)y;
				buf_init(&b, 0);
				if (cgi_escape_html(&b, (char *)in, 3) == -1)
					bad++;
				if (b.len > 0 &&
				    strpbrk(b.data, "<>\"'") != NULL)
					bad++;
				for (off = 0; off < b.len; off += used) {
					used = cgi_escape_utf8(
					    (unsigned char *)b.data + off,
					    b.len - off, &cp);
					if (cp == 0xFFFD &&
					    memcmp(b.data + off, FFFD, 3) != 0)
						bad++; /* output not UTF-8 */
				}
				buf_fini(&b);
			}
		}
	}
	CHECK_INT("html escape: no markup, always valid UTF-8", bad, 0);
}

static const struct {
	const char *name;
	const char *url;
	bool safe;
} url_safe_rows[] = {
	{ "http", "http://example.org/", true },
	{ "HTTPS upper case", "HTTPS://example.org/", true },
	{ "mailto", "mailto:ada@example.org", true },
	{ "relative path", "notes?page=2", true },
	{ "absolute path", "/cgi-bin/notes", true },
	{ "fragment", "#top", true },
	{ "empty", "", true },
	{ "colon after slash is a path", "a/b:c", true },
	{ "L-HTML-04 mixed case javascript", "JaVaScRiPt:alert(1)", false },
	{ "L-HTML-04 leading space", " javascript:alert(1)", false },
	{ "L-HTML-04 leading control", "\x01\x1fjavascript:x", false },
	{ "L-HTML-04 tab inside", "java\tscript:alert(1)", false },
	{ "L-HTML-04 newline inside", "java\nscript:x", false },
	{ "L-HTML-04 data", "data:text/html,<script>x</script>", false },
	{ "vbscript", "vbscript:msgbox", false },
	{ "unknown scheme", "ftp://example.org/", false },
	{ "file", "file:///etc/passwd", false },
	{ "very long scheme", "abcdefghijklmnopqrstuvwxyz:x", false },
};

static void
test_url_safe(void)
{
	size_t i;

	for (i = 0; i < sizeof(url_safe_rows) / sizeof(url_safe_rows[0]); i++)
		CHECK_INT(url_safe_rows[i].name,
		    cgi_url_is_safe(url_safe_rows[i].url),
		    url_safe_rows[i].safe);
	CHECK("NULL is not safe", !cgi_url_is_safe(NULL));
}

static void
test_public(void)
{
	char *s;

	s = cgi_html_escape("<b>&'\"");
	CHECK_STR("cgi_html_escape", s, "&lt;b&gt;&amp;&#39;&quot;");
	free(s);
	s = cgi_html_escape("");
	CHECK_STR("cgi_html_escape empty", s, "");
	free(s);
	CHECK("cgi_html_escape NULL", cgi_html_escape(NULL) == NULL);
	s = cgi_url_encode("name=Ada Lovelace&x");
	CHECK_STR("cgi_url_encode", s, "name%3DAda+Lovelace%26x");
	free(s);
}

int
main(void)
{
	run("html", html_rows, sizeof(html_rows) / sizeof(html_rows[0]),
	    cgi_escape_html);
	run("json", json_rows, sizeof(json_rows) / sizeof(json_rows[0]),
	    cgi_escape_json);
	run("url", url_rows, sizeof(url_rows) / sizeof(url_rows[0]),
	    cgi_escape_url);
	test_html_exhaustive();
	test_public();
	test_url_safe();
	return harness_done();
}
