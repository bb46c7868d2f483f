/*
 * pct.c - percent-decoding (pct.h).
 */
#include "pct.h"

#include <errno.h>

#include "str.h"

size_t
pct_decode_inplace(char *s, size_t n, enum pct_mode mode)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			hi = i + 1 < n ? str_hexval((unsigned char)s[i + 1])
			               : -1;
			lo = i + 2 < n ? str_hexval((unsigned char)s[i + 2])
			               : -1;
			if (hi >= 0 && lo >= 0) {
				s[o++] = (char)(hi * 16 + lo);
				i += 2;
				continue;
			}
			if (mode == PCT_STRICT)
				return (size_t)-1;
			s[o++] = '%';
		} else if (s[i] == '+' && mode == PCT_FORM) {
			s[o++] = ' ';
		} else {
			s[o++] = s[i];
		}
	}
	return o;
}

int
pct_decode(const char *s, size_t n, enum pct_mode mode, struct buf *out)
{
	size_t start = out->len, len;

	if (buf_append(out, s, n) == -1)
		return -1;
	len = pct_decode_inplace(out->data + start, n, mode);
	if (len == (size_t)-1) {
		out->len = start;
		out->data[start] = '\0';
		errno = EINVAL;
		return -1;
	}
	out->len = start + len;
	out->data[out->len] = '\0';
	return 0;
}
