/*
 * cgi_escape.h - escaping for the three output contexts libcgi offers:
 * HTML text and quoted attributes, JSON strings, URL query components.
 *
 * All append to a struct buf and share one UTF-8 decoder, so invalid input
 * gets the same treatment everywhere (U+FFFD per maximal invalid subpart,
 * Unicode 15 §3.9). Writing to a request is cgi_out.c's and cgi_json.c's.
 */
#ifndef LIB_CGI_ESCAPE_H
#define LIB_CGI_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Decodes one code point from s[0..n) (n >= 1). Returns the bytes used
 * (1 to 4); *cp gets the code point, or 0xFFFD for an invalid sequence
 * (overlong, surrogate, above U+10FFFF, truncated, stray continuation).
 */
size_t cgi_escape_utf8(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Appends s[0..n) escaped for HTML text and quoted attributes: & < > " '
 * as &amp; &lt; &gt; &quot; &#39;; invalid UTF-8 as U+FFFD; NUL dropped.
 * 0, or -1 with errno (buf_append).
 */
int cgi_escape_html(struct buf *out, const char *s, size_t n);

/*
 * Appends s[0..n) as the inside of a JSON string (no quotes): " \ and
 * controls escaped (\b \f \n \r \t, else \u00XX), < > & and U+2028/9 as
 * \uXXXX, invalid UTF-8 as U+FFFD. 0, or -1 with errno.
 */
int cgi_escape_json(struct buf *out, const char *s, size_t n);

/*
 * Appends s[0..n) percent-encoded for a query component: ASCII letters,
 * digits and * - . _ kept, space as +, every other byte %XX (WHATWG
 * application/x-www-form-urlencoded serializer). 0, or -1 with errno.
 */
int cgi_escape_url(struct buf *out, const char *s, size_t n);

#endif /* LIB_CGI_ESCAPE_H */
