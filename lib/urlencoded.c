/*
 * urlencoded.c - the WHATWG application/x-www-form-urlencoded parser
 * (urlencoded.h).
 *
 * Two parsers with one set of rules. The streaming one (urlencoded_feed)
 * collects decoded bytes in a small scratch area and reaches the callback
 * in chunks; a '%' escape split across feeds waits in esc[]. It is the
 * reference the tests and fuzzers hold the in-place one to. The in-place
 * one (urlencoded_decode_inplace), which the field store uses, reads
 * eight bytes at a time: a word without '&', '=' or '%' is copied down
 * in one store with its '+' turned into spaces, so a form costs about a
 * store per eight bytes plus a little per delimiter and escape.
 */
#include "urlencoded.h"

#include <stdint.h>
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

#define UE_ONES  0x0101010101010101ull
#define UE_LOW7  0x7f7f7f7f7f7f7f7full
#define UE_HIGHS 0x8080808080808080ull

/* 0x80 in each byte of w that equals c, 0 elsewhere (exact, no carries
 * between bytes). */
static inline uint64_t
bytes_eq(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (UE_ONES * c);

	return ~(((x & UE_LOW7) + UE_LOW7) | x | UE_LOW7);
}

/* The index in memory order of the first byte marked in m (m != 0). */
static inline size_t
first_marked(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(m) / 8;
#else
	return (size_t)__builtin_ctzll(m) / 8;
#endif
}

/* hex[c]: the value of hex digit c, or -1. */
static const signed char hex[256] = {
	['0'] = 0 + 1,
	['1'] = 1 + 1,
	['2'] = 2 + 1,
	['3'] = 3 + 1,
	['4'] = 4 + 1,
	['5'] = 5 + 1,
	['6'] = 6 + 1,
	['7'] = 7 + 1,
	['8'] = 8 + 1,
	['9'] = 9 + 1,
	['a'] = 10 + 1,
	['b'] = 11 + 1,
	['c'] = 12 + 1,
	['d'] = 13 + 1,
	['e'] = 14 + 1,
	['f'] = 15 + 1,
	['A'] = 10 + 1,
	['B'] = 11 + 1,
	['C'] = 12 + 1,
	['D'] = 13 + 1,
	['E'] = 14 + 1,
	['F'] = 15 + 1,
}; /* stored plus one, so the zero of the other entries means "none" */

/*
 * Copies plain bytes from s[*i] down to s[*o] until the next '&', '=' or
 * '%' or until fewer than eight bytes are left before end. A word is
 * stored whole only where the store can neither overwrite raw bytes still
 * to be read nor overlap the next load (a partly overlapping load stalls
 * on store forwarding): in place with no '+', nothing is stored at all;
 * eight or more bytes apart, the word goes down in one store; otherwise
 * the bytes before the delimiter go one by one.
 */
static void
copy_plain(char *s, size_t *i, size_t *o, size_t end)
{
	size_t in = *i, out = *o, k = 8, j;
	uint64_t w, m, plus;

	while (end - in >= 8) {
		memcpy(&w, s + in, 8);
		m = bytes_eq(w, '&') | bytes_eq(w, '=') | bytes_eq(w, '%');
		plus = bytes_eq(w, '+');
		if (m != 0)
			k = first_marked(m);
		if (in - out >= 8) {
			w -= (plus >> 7) * (uint64_t)('+' - ' ');
			memcpy(s + out, &w, 8);
		} else if (in != out || plus != 0) {
			for (j = 0; j < k; j++)
				s[out + j] = s[in + j] == '+' ? ' ' : s[in + j];
		}
		in += k;
		out += k;
		if (m != 0)
			break;
	}
	*i = in;
	*o = out;
}

int
urlencoded_decode_inplace(struct urlencoded_inplace *u, size_t end,
    urlencoded_field_fn *fn, void *arg)
{
	/* The bytes that end a run of plain ones ('+' is plain: a space). */
	enum {
		UE_PLAIN,
		UE_DELIM
	};
	static const unsigned char kind
	    [256] = { ['&'] = UE_DELIM, ['='] = UE_DELIM, ['%'] = UE_DELIM };
	char *s = u->s;
	size_t i = u->in, o, raw, name_len, value, run;
	unsigned char c;
	int rc;

	/*
	 * Name and value are each decoded where they start (the value right
	 * after its '='), so only the bytes behind an escape move, and only
	 * within their own name or value.
	 */
	while (i < end) {
		raw = o = i;
		name_len = SIZE_MAX; /* no '=' yet */
		value = 0;
		for (run = 0; i < end; run++) {
			c = (unsigned char)s[i];
			if (kind[c] == UE_PLAIN) {
				s[o++] = c == '+' ? ' ' : (char)c;
				i++;
				if (run >= 8) /* a long run: eight at a time */
					copy_plain(s, &i, &o, end);
				continue;
			}
			run = 0;
			if (c == '&')
				break;
			if (c == '=' && name_len == SIZE_MAX) {
				name_len = o - raw;
				s[o] = '\0';
				value = o = ++i;
			} else if (c == '%' && end - i >= 3 &&
			    hex[(unsigned char)s[i + 1]] != 0 &&
			    hex[(unsigned char)s[i + 2]] != 0) {
				s[o++] =
				    (char)((hex[(unsigned char)s[i + 1]] - 1) *
				            16 +
				        hex[(unsigned char)s[i + 2]] - 1);
				i += 3;
			} else {
				s[o++] = (char)c; /* a literal '=' or '%' */
				i++;
			}
		}
		if (i > raw) { /* empty sequences are skipped */
			if (name_len == SIZE_MAX) {
				name_len = o - raw;
				value = o; /* "" at the name's NUL */
			}
			s[o] = '\0';
			u->in = i < end ? i + 1 : i;
			if ((rc = fn(arg, s + raw, name_len, s + value,
			         o - value)) != 0)
				return rc;
		}
		if (i < end)
			i++; /* the '&' */
	}
	u->in = i;
	return 0;
}
