/*
 * cookie.c - splitting a Cookie header into pairs (cookie.h).
 */
#include "cookie.h"

#include <string.h>

enum cookie_rc
cookie_parse(const char *hdr, size_t n, struct cookie_pair *out, size_t max,
    size_t *nout)
{
	const char *end = hdr + n, *semi, *eq;
	struct str piece;
	size_t count = 0;

	*nout = 0;
	while (hdr < end) {
		semi = memchr(hdr, ';', (size_t)(end - hdr));
		piece.p = hdr;
		piece.len =
		    semi != NULL ? (size_t)(semi - hdr) : (size_t)(end - hdr);
		hdr += piece.len + (semi != NULL ? 1 : 0);
		piece = str_trim(piece);
		if (piece.len == 0)
			continue; /* "a=1;;b=2", "a=1; " (L-CK-05) */
		if (count == max) {
			*nout = count;
			return COOKIE_TOO_MANY;
		}
		eq = memchr(piece.p, '=', piece.len);
		if (eq == NULL) {
			/* 6265bis 5.6: a pair without '=' is a nameless
			 * cookie whose value is the whole pair. */
			out[count].name.p = piece.p;
			out[count].name.len = 0;
			out[count].value = piece;
		} else {
			out[count].name.p = piece.p;
			out[count].name.len = (size_t)(eq - piece.p);
			out[count].name = str_trim(out[count].name);
			out[count].value.p = eq + 1;
			out[count].value.len =
			    piece.len - (size_t)(eq - piece.p) - 1;
			out[count].value = str_trim(out[count].value);
		}
		count++;
	}
	*nout = count;
	return COOKIE_OK;
}

struct str
cookie_unquote(struct str v)
{
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
		v.p++;
		v.len -= 2;
	}
	return v;
}
