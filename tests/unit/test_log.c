/*
 * test_log.c - access-log lines in Combined Log Format: fields in order,
 * "-" for absent values, and every byte that could break or forge a line
 * (quote, backslash, CR, LF, NUL, DEL, 0x80 and above) written as \xNN.
 */
#include <string.h>

#include "buf.h"
#include "log.h"
#include "harness.h"

#define S(s) ((struct str){ (s), sizeof(s) - 1 })
#define NONE ((struct str){ NULL, 0 })

static const struct {
	const char *name;
	struct str request;
	int status;
	unsigned long long bytes;
	struct str referer, agent, extra;
	const char *want;
} cases[] = {
	{ "plain", S("GET / HTTP/1.1"), 200, 5, S("http://r/"), S("ua/1"), NONE,
	    "1.2.3.4 - - [06/Nov/1994:08:49:37 +0000] \"GET / HTTP/1.1\" 200 5 "
	    "\"http://r/\" \"ua/1\"\n" },
	{ "absent fields and zero bytes", S("HEAD /x HTTP/1.0"), 304, 0, NONE,
	    NONE, NONE,
	    "1.2.3.4 - - [06/Nov/1994:08:49:37 +0000] \"HEAD /x HTTP/1.0\" 304 "
	    "- \"-\" \"-\"\n" },
	{ "quote and backslash", S("GET /\"\\ HTTP/1.1"), 404, 9, NONE,
	    S("a\" 200 1 \"b"), NONE,
	    "1.2.3.4 - - [06/Nov/1994:08:49:37 +0000] \"GET /\\x22\\x5c "
	    "HTTP/1.1\" 404 9 \"-\" \"a\\x22 200 1 \\x22b\"\n" },
	{ "controls and high bytes", S("G\r\n\x00\x7f\x80\xff"), 400, 1, NONE,
	    NONE, NONE,
	    "1.2.3.4 - - [06/Nov/1994:08:49:37 +0000] "
	    "\"G\\x0d\\x0a\\x00\\x7f\\x80\\xff\" 400 1 \"-\" \"-\"\n" },
	{ "empty request", S(""), 408, 111, NONE, NONE, NONE,
	    "1.2.3.4 - - [06/Nov/1994:08:49:37 +0000] \"\" 408 111 \"-\" "
	    "\"-\"\n" },
	{ "extra fields", S("GET /cgi-bin/x HTTP/1.1"), 200, 3, NONE, NONE,
	    S("exit=0 cpu=0.001 rss=1024"),
	    "1.2.3.4 - - [06/Nov/1994:08:49:37 +0000] \"GET /cgi-bin/x "
	    "HTTP/1.1\" 200 3 \"-\" \"-\" exit=0 cpu=0.001 rss=1024\n" },
};

int
main(void)
{
	struct log_access a;
	struct buf out;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.peer = "1.2.3.4";
		a.when = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
		a.request = cases[i].request;
		a.status = cases[i].status;
		a.bytes = cases[i].bytes;
		a.referer = cases[i].referer;
		a.agent = cases[i].agent;
		a.extra = cases[i].extra;
		buf_init(&out, 4096);
		CHECK_INT(cases[i].name, log_access_format(&out, &a), 0);
		CHECK_MEM(cases[i].name, out.data, out.len, cases[i].want,
		    strlen(cases[i].want));
		buf_fini(&out);
	}
	/* A cached clock gives the same line, and follows a new second. */
	{
		struct log_clock clk;
		static const char *const want[] = {
			"[06/Nov/1994:08:49:37 +0000]",
			"[06/Nov/1994:08:49:37 +0000]",
			"[06/Nov/1994:08:49:38 +0000]",
		};
		time_t when[] = { 784111777, 784111777, 784111778 };

		memset(&clk, 0, sizeof(clk));
		for (size_t i = 0; i < 3; i++) {
			memset(&a, 0, sizeof(a));
			a.clock = &clk;
			a.peer = "p";
			a.when = when[i];
			a.request = S("GET / HTTP/1.1");
			buf_init(&out, 4096);
			CHECK_INT("clock", log_access_format(&out, &a), 0);
			CHECK("clock time",
			    out.data != NULL &&
			        strstr(out.data, want[i]) != NULL);
			buf_fini(&out);
		}
	}
	/* Over the buffer's bound: an error, never a cut line. */
	memset(&a, 0, sizeof(a));
	a.peer = "1.2.3.4";
	a.request = S("GET / HTTP/1.1");
	buf_init(&out, 16);
	CHECK_INT("bounded", log_access_format(&out, &a), -1);
	buf_fini(&out);
	return harness_done();
}
