/*
 * str.c - byte views and number parsing declared in str.h.
 */
#include "str.h"

#include <string.h>

struct str
str_from(const char *s)
{
	struct str v = { s, strlen(s) };

	return v;
}

bool
str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

bool
str_caseeq(struct str a, struct str b)
{
	size_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++)
		if (lower((unsigned char)a.p[i]) !=
		    lower((unsigned char)b.p[i]))
			return false;
	return true;
}

bool
str_caseprefix(struct str a, const char *prefix)
{
	struct str p = str_from(prefix);

	if (a.len < p.len)
		return false;
	a.len = p.len;
	return str_caseeq(a, p);
}

struct str
str_trim(struct str a)
{
	while (a.len > 0 && (a.p[0] == ' ' || a.p[0] == '\t')) {
		a.p++;
		a.len--;
	}
	while (a.len > 0 && (a.p[a.len - 1] == ' ' || a.p[a.len - 1] == '\t'))
		a.len--;
	return a;
}

int
str_to_u64(struct str a, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	unsigned d;

	if (a.len == 0)
		return -1;
	for (i = 0; i < a.len; i++) {
		if (a.p[i] < '0' || a.p[i] > '9')
			return -1;
		d = (unsigned)(a.p[i] - '0');
		if (d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
str_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

bool
str_is_tchar(int ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return true;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}
