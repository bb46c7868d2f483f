/*
 * pct.h - percent-decoding, written once for the server (request paths) and
 * the library (query strings, form bodies).
 *
 * Two policies: PCT_STRICT refuses a '%' not followed by two hex digits (a
 * request path, where a bad escape is a bad request); PCT_FORM keeps such
 * bytes literally and turns '+' into a space (the WHATWG
 * application/x-www-form-urlencoded parser).
 */
#ifndef LIB_PCT_H
#define LIB_PCT_H

#include <stddef.h>

#include "buf.h"

enum pct_mode {
	PCT_STRICT, /* bad escape: error; '+' stays '+' */
	PCT_FORM    /* bad escape: kept literally; '+' is a space */
};

/*
 * Appends the decoding of s[0..n) to out. Returns 0, or -1 with errno
 * EINVAL (PCT_STRICT and a bad escape) or the errno of buf_append. out may
 * hold NUL bytes afterwards: the caller decides whether they are allowed.
 */
int pct_decode(const char *s, size_t n, enum pct_mode mode, struct buf *out);

/*
 * Decodes in place; returns the new length (never more than n). Bad escapes
 * stay literal and '+' becomes a space when mode is PCT_FORM; in PCT_STRICT
 * mode a bad escape makes it return (size_t)-1 and leaves s unspecified.
 */
size_t pct_decode_inplace(char *s, size_t n, enum pct_mode mode);

#endif /* LIB_PCT_H */
