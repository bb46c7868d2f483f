/*
 * test_response.c - the status line (response.h), checklist S-6.3.3-b: a
 * script's reason phrase is used when it is HTAB/SP/VCHAR/obs-text only
 * and not empty; anything else (a control byte, DEL, empty) gives the
 * standard phrase. Each phrase is an exact-size heap copy, so a read past
 * its end is caught under ASan.
 */
#include "response.h"

#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const struct {
	const char *name;
	const char *phrase;
	size_t len; /* 0: strlen(phrase) */
	int ok;
	const char *line; /* the status line written for status 404 */
} rows[] = {
	{ "custom words", "Not Here", 0, 1, "HTTP/1.1 404 Not Here\r\n" },
	{ "inner HTAB", "Not\tHere", 0, 1, "HTTP/1.1 404 Not\tHere\r\n" },
	{ "obs-text", "Caf\xc3\xa9 \xff", 0, 1,
	    "HTTP/1.1 404 Caf\xc3\xa9 \xff\r\n" },
	{ "punctuation", "!~\"#", 0, 1, "HTTP/1.1 404 !~\"#\r\n" },
	{ "empty: standard", "", 0, 1, "HTTP/1.1 404 Not Found\r\n" },
	{ "bare CR", "Not\rHere", 0, 0, "HTTP/1.1 404 Not Found\r\n" },
	{ "LF", "Not\nHere", 0, 0, "HTTP/1.1 404 Not Found\r\n" },
	{ "NUL", "Not\0Here", 8, 0, "HTTP/1.1 404 Not Found\r\n" },
	{ "DEL", "Not\x7fHere", 0, 0, "HTTP/1.1 404 Not Found\r\n" },
	{ "VT", "\x0b", 0, 0, "HTTP/1.1 404 Not Found\r\n" },
	{ "ESC", "a\x1b[31m", 0, 0, "HTTP/1.1 404 Not Found\r\n" },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t n =
		    rows[i].len != 0 ? rows[i].len : strlen(rows[i].phrase);
		char *p = harness_exact(rows[i].phrase, n);
		struct str s = { p, n };
		struct buf out;
		size_t ll = strlen(rows[i].line);

		CHECK_INT(rows[i].name, response_phrase_ok(s), rows[i].ok);
		buf_init(&out, 4096);
		CHECK_INT(rows[i].name,
		    response_status_phrase(&out, 404, s,
		        "Sun, 06 Nov 1994 08:49:37 GMT"),
		    0);
		CHECK(rows[i].name, out.len > ll);
		if (out.len > ll)
			CHECK_MEM(rows[i].name, out.data, ll, rows[i].line, ll);
		buf_fini(&out);
		free(p);
	}
	/* response_status() is the standard phrase, always. */
	{
		struct buf out;
		static const char want[] = "HTTP/1.1 502 Bad Gateway\r\nDate: x"
		                           "\r\nServer: ";

		buf_init(&out, 4096);
		CHECK_INT("response_status", response_status(&out, 502, "x"),
		    0);
		CHECK("response_status length", out.len >= sizeof(want) - 1);
		if (out.len >= sizeof(want) - 1)
			CHECK_MEM("response_status", out.data, sizeof(want) - 1,
			    want, sizeof(want) - 1);
		buf_fini(&out);
	}
	return harness_done();
}
