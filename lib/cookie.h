/*
 * cookie.h - the server side of RFC 6265 §5.4: splits a Cookie header
 * (HTTP_COOKIE) into name/value pairs.
 *
 * Pure: views into the caller's header, written into the caller's array;
 * no allocation, linear time, never fails on junk (L-CK-05). Names and
 * values are opaque: no percent-decoding, no backslash processing
 * (L-CK-03). Writing Set-Cookie is cgi.h's job, storing fields form.c's.
 *
 * Rules: split on ';' only (',' is data, L-CK-04); trim SP and HTAB around
 * each piece and around its name and value; skip empty pieces; split at
 * the first '='; a piece without '=' has an empty name and the whole piece
 * as value (as draft-ietf-httpbis-rfc6265bis does for nameless cookies);
 * names are case-sensitive; duplicates are all kept, in header order
 * (L-CK-02: browsers send the longest path first, so the first is the one
 * a lookup should return).
 */
#ifndef LIB_COOKIE_H
#define LIB_COOKIE_H

#include <stddef.h>

#include "str.h"

struct cookie_pair {
	struct str name;  /* view into the header; may be empty */
	struct str value; /* view, as sent: DQUOTEs kept (cookie_unquote) */
};

enum cookie_rc {
	COOKIE_OK,      /* every pair is in out[0..*nout) */
	COOKIE_TOO_MANY /* more than max pairs: the first max are in out */
};

/*
 * Splits hdr[0..n) (borrowed; the views in out point into it and are
 * valid while it is unchanged) into at most max pairs. *nout gets the
 * number written. More pairs than max is COOKIE_TOO_MANY, not a parse
 * failure: the caller decides whether that fails the request.
 */
enum cookie_rc cookie_parse(const char *hdr, size_t n, struct cookie_pair *out,
    size_t max, size_t *nout);

/*
 * The value without one pair of surrounding DQUOTEs, if it has them
 * (RFC 6265 cookie-value = *cookie-octet / DQUOTE *cookie-octet DQUOTE);
 * otherwise v itself. A view into the same memory as v.
 */
struct str cookie_unquote(struct str v);

#endif /* LIB_COOKIE_H */
