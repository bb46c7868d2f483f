/*
 * fuzz_cgi_escape.c - arbitrary bytes through libcgi's HTML, JSON-string
 * and URL escapers (cgi_escape.h), checking what they promise rather
 * than only surviving: HTML output holds no raw < > " ' and only the five
 * entities, JSON output holds no raw control, quote or < > &, both are
 * valid UTF-8, and URL encoding decodes back to the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "cgi_escape.h"
#include "pct.h"

static void
check_utf8(const struct buf *b)
{
	uint32_t cp;
	size_t off, used;

	for (off = 0; off < b->len; off += used) {
		used = cgi_escape_utf8((const unsigned char *)b->data + off,
		    b->len - off, &cp);
		if (cp == 0xFFFD &&
		    (used != 3 || memcmp(b->data + off, "\xEF\xBF\xBD", 3)))
			__builtin_trap(); /* output is not UTF-8 */
	}
}

static void
check_html(const struct buf *b)
{
	static const char *const ent[] = { "&amp;", "&lt;", "&gt;", "&quot;",
		"&#39;" };
	size_t i, k;

	for (i = 0; i < b->len; i++) {
		if (strchr("<>\"'", b->data[i]) != NULL || b->data[i] == '\0')
			__builtin_trap();
		if (b->data[i] != '&')
			continue;
		for (k = 0; k < 5; k++)
			if (b->len - i >= strlen(ent[k]) &&
			    memcmp(b->data + i, ent[k], strlen(ent[k])) == 0)
				break;
		if (k == 5)
			__builtin_trap(); /* a bare & */
	}
	check_utf8(b);
}

static void
check_json(const struct buf *b)
{
	const unsigned char *u = (const unsigned char *)b->data;
	size_t i;

	for (i = 0; i < b->len; i++) {
		if (u[i] < 0x20 || u[i] == '"' || u[i] == '<' || u[i] == '>' ||
		    u[i] == '&')
			__builtin_trap();
		if (u[i] != '\\')
			continue;
		if (++i >= b->len || strchr("\"\\bfnrtu", u[i]) == NULL)
			__builtin_trap(); /* a bad escape */
		if (u[i] == 'u')
			i += 4;
	}
	if (i > b->len)
		__builtin_trap(); /* a cut \u escape */
	if (b->len > 0 && memmem(b->data, b->len, "\xE2\x80\xA8", 3) != NULL)
		__builtin_trap();
	check_utf8(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf b, back;

	buf_init(&b, 0);
	if (cgi_escape_html(&b, s, size) == 0)
		check_html(&b);
	buf_reset(&b);
	if (cgi_escape_json(&b, s, size) == 0)
		check_json(&b);
	buf_reset(&b);
	buf_init(&back, 0);
	if (cgi_escape_url(&b, s, size) == 0 &&
	    pct_decode(b.data != NULL ? b.data : "", b.len, PCT_FORM, &back) ==
	        0 &&
	    (back.len != size || (size > 0 && memcmp(back.data, s, size))))
		__builtin_trap(); /* the encoding does not round-trip */
	buf_fini(&back);
	buf_fini(&b);
	return 0;
}
