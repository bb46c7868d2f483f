/*
 * urlencoded.c - the WHATWG application/x-www-form-urlencoded parser
 * (urlencoded.h).
 *
 * Decoded bytes collect in a small scratch area and reach the callback in
 * chunks, so a body costs one pass and no allocation. A '%' escape split
 * across feeds waits in esc[] (at most two bytes).
 */
#include "urlencoded.h"

#include <string.h>

void
urlencoded_init(struct urlencoded *u, urlencoded_fn *fn, void *arg)
{
	memset(u, 0, sizeof(*u));
	u->fn = fn;
	u->arg = arg;
}

/* Hands the scratch bytes to the callback. 0, or the stop value. */
static int
flush(struct urlencoded *u)
{
	int rc;

	if (u->nout == 0)
		return 0;
	rc = u->fn(u->arg, u->in_value ? URLENCODED_VALUE : URLENCODED_NAME,
	    u->out, u->nout);
	u->nout = 0;
	return rc;
}

static int
put(struct urlencoded *u, unsigned char ch)
{
	int rc;

	if (u->nout == sizeof(u->out) && (rc = flush(u)) != 0)
		return rc;
	u->out[u->nout++] = (char)ch;
	return 0;
}

static int
hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Emits a pending escape that turned out not to be one, literally. */
static int
put_esc(struct urlencoded *u)
{
	size_t i;
	int rc;

	for (i = 0; i < u->nesc; i++)
		if ((rc = put(u, u->esc[i])) != 0)
			return rc;
	u->nesc = 0;
	return 0;
}

static int
end_field(struct urlencoded *u)
{
	int rc;

	if ((rc = put_esc(u)) != 0 || (rc = flush(u)) != 0)
		return rc;
	if (u->in_field && (rc = u->fn(u->arg, URLENCODED_END, "", 0)) != 0)
		return rc;
	u->in_field = false;
	u->in_value = false;
	return 0;
}

/*
 * One byte of a sequence. A pending "%" or "%X" is resolved first: a hex
 * digit completes or extends it; anything else releases it literally and
 * the byte is then read afresh (WHATWG: bad escapes stay as they are).
 */
static int
step(struct urlencoded *u, unsigned char ch)
{
	int rc, hi, lo;

	if (u->nesc > 0) {
		if (hexval(ch) >= 0 && u->nesc == 1) {
			u->esc[u->nesc++] = ch;
			return 0;
		}
		if (hexval(ch) >= 0) {
			hi = hexval(u->esc[1]);
			lo = hexval(ch);
			u->nesc = 0;
			return put(u, (unsigned char)(hi * 16 + lo));
		}
		if ((rc = put_esc(u)) != 0)
			return rc;
	}
	if (ch == '&')
		return end_field(u);
	u->in_field = true;
	if (ch == '=' && !u->in_value) {
		if ((rc = flush(u)) != 0)
			return rc;
		u->in_value = true;
		return 0;
	}
	if (ch == '%') {
		u->esc[u->nesc++] = ch;
		return 0;
	}
	return put(u, ch == '+' ? ' ' : ch);
}

static enum urlencoded_rc
stopped(struct urlencoded *u, int rc)
{
	u->stop = rc;
	return URLENCODED_STOPPED;
}

enum urlencoded_rc
urlencoded_feed(struct urlencoded *u, const char *p, size_t n)
{
	/* The bytes the fast path stops at, one load per byte ('+' is
	 * copied as a space on the way). */
	static const bool
	    special[256] = { ['&'] = true, ['='] = true, ['%'] = true };
	const unsigned char *s = (const unsigned char *)p;
	size_t i, run, lim;
	int rc;

	if (u->stop != 0)
		return URLENCODED_STOPPED;
	for (i = 0; i < n;) {
		/* Fast path: plain bytes and '+' go to the scratch. */
		run = 0;
		if (u->nesc == 0) {
			lim = n - i < sizeof(u->out) - u->nout
			    ? n - i
			    : sizeof(u->out) - u->nout;
			for (; run < lim && !special[s[i + run]]; run++)
				u->out[u->nout + run] =
				    s[i + run] == '+' ? ' ' : (char)s[i + run];
		}
		if (run > 0) {
			u->nout += run;
			u->in_field = true;
			i += run;
			if (u->nout == sizeof(u->out) && (rc = flush(u)) != 0)
				return stopped(u, rc);
			continue;
		}
		if (u->nesc == 0 && s[i] == '%' && n - i >= 3 &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			/* A whole escape in view: what step() does in three
			 * calls. */
			u->in_field = true;
			if ((rc = put(u,
			         (unsigned char)(hexval(s[i + 1]) * 16 +
			             hexval(s[i + 2])))) != 0)
				return stopped(u, rc);
			i += 3;
			continue;
		}
		if ((rc = step(u, s[i])) != 0)
			return stopped(u, rc);
		i++;
	}
	return URLENCODED_OK;
}

enum urlencoded_rc
urlencoded_finish(struct urlencoded *u)
{
	int rc;

	if (u->stop != 0)
		return URLENCODED_STOPPED;
	if ((rc = end_field(u)) != 0)
		return stopped(u, rc);
	return URLENCODED_OK;
}

enum urlencoded_rc
urlencoded_parse(const char *s, size_t n, urlencoded_fn *fn, void *arg)
{
	struct urlencoded u;

	urlencoded_init(&u, fn, arg);
	if (urlencoded_feed(&u, s, n) != URLENCODED_OK)
		return URLENCODED_STOPPED;
	return urlencoded_finish(&u);
}

enum urlencoded_rc
urlencoded_split(const char *s, size_t n, urlencoded_fn *fn, void *arg)
{
	const char *end = s + n, *amp, *eq;
	size_t len;

	while (s < end) {
		amp = memchr(s, '&', (size_t)(end - s));
		len = amp != NULL ? (size_t)(amp - s) : (size_t)(end - s);
		if (len > 0) {
			eq = memchr(s, '=', len);
			if (eq == NULL) {
				if (fn(arg, URLENCODED_NAME, s, len) != 0 ||
				    fn(arg, URLENCODED_VALUE, s + len, 0) != 0)
					return URLENCODED_STOPPED;
			} else if (fn(arg, URLENCODED_NAME, s,
			               (size_t)(eq - s)) != 0 ||
			    fn(arg, URLENCODED_VALUE, eq + 1,
			        len - (size_t)(eq - s) - 1) != 0) {
				return URLENCODED_STOPPED;
			}
			if (fn(arg, URLENCODED_END, s + len, 0) != 0)
				return URLENCODED_STOPPED;
		}
		s += len + (amp != NULL ? 1 : 0);
	}
	return URLENCODED_OK;
}

bool
urlencoded_is_type(struct str ct)
{
	static const char type[] = "application/x-www-form-urlencoded";
	struct str media;
	const char *semi;

	semi = ct.len > 0 ? memchr(ct.p, ';', ct.len) : NULL;
	media.p = ct.p;
	media.len = semi != NULL ? (size_t)(semi - ct.p) : ct.len;
	return str_caseeq(str_trim(media), STR_LIT(type));
}
