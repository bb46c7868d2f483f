/*
 * http_date.c - HTTP-date formatting and parsing declared in http_date.h.
 */
#include "http_date.h"

#include <errno.h>

int
http_date_format(time_t t, char *out, size_t outlen)
{
	(void)t;
	(void)out;
	(void)outlen;
	errno = EOVERFLOW;
	return -1;
}

int
http_date_parse(struct str s, time_t *t)
{
	(void)s;
	(void)t;
	return -1;
}
