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
#if defined(__SSE2__) && !defined(URLENCODED_SWAR)
#include <emmintrin.h>
#endif

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

#define UE_ONES 0x0101010101010101ull
#define UE_LOW7 0x7f7f7f7f7f7f7f7full

/* 0x80 in each byte of w that equals c, 0 elsewhere (exact, no carries
 * between bytes). */
static inline uint64_t
bytes_eq(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (UE_ONES * c);

	return ~(((x & UE_LOW7) + UE_LOW7) | x | UE_LOW7);
}

/* The bytes marked in m (0x80 each) as eight bits, bit j for the j-th
 * byte in memory order. */
static inline uint64_t
word_bits(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	return ((m >> 7) * 0x0102040810204080ull) >> 56;
}

/* hex[c]: the value of hex digit c plus one, or 0 for any other byte. */
static const unsigned char hex[256] = {
	['0'] = 1,
	['1'] = 2,
	['2'] = 3,
	['3'] = 4,
	['4'] = 5,
	['5'] = 6,
	['6'] = 7,
	['7'] = 8,
	['8'] = 9,
	['9'] = 10,
	['a'] = 11,
	['b'] = 12,
	['c'] = 13,
	['d'] = 14,
	['e'] = 15,
	['f'] = 16,
	['A'] = 11,
	['B'] = 12,
	['C'] = 13,
	['D'] = 14,
	['E'] = 15,
	['F'] = 16,
};

/* The bytes that are not plain ('+' is plain: it only becomes a space). */
static const bool delimiter[256] = { ['&'] = true, ['='] = true, ['%'] = true };

#define UE_WINDOW 64 /* bytes classified at once: one bit each */

/*
 * The window: which of s[w..w+64) (bounded by end) are '&', '=' or '%',
 * bit j for s[w + j]. Its '+' bytes become spaces right here, in the raw
 * input: '+' always decodes to a space and is never part of an escape,
 * so this is the same as doing it while decoding, but for a window at a
 * time. A full window takes sixteen bytes per instruction with SSE2
 * (every x86-64), otherwise eight per word; a short one, at the end,
 * goes byte by byte.
 */
static uint64_t
classify(char *s, size_t w, size_t end)
{
	uint64_t d = 0;
	size_t j, n = end - w < UE_WINDOW ? end - w : UE_WINDOW;

	if (n < UE_WINDOW) {
		for (j = 0; j < n; j++) {
			d |= (uint64_t)delimiter[(unsigned char)s[w + j]] << j;
			if (s[w + j] == '+')
				s[w + j] = ' ';
		}
		return d;
	}
#if defined(__SSE2__) && !defined(URLENCODED_SWAR)
	__m128i v, p, amp = _mm_set1_epi8('&'), eq = _mm_set1_epi8('='),
	              pct = _mm_set1_epi8('%'), plus = _mm_set1_epi8('+'),
	              diff = _mm_set1_epi8('+' - ' ');

	for (j = 0; j < UE_WINDOW; j += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + w + j));
		d |= (uint64_t)(unsigned)_mm_movemask_epi8(
		         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp),
		                          _mm_cmpeq_epi8(v, eq)),
		             _mm_cmpeq_epi8(v, pct)))
		    << j;
		p = _mm_cmpeq_epi8(v, plus);
		if (_mm_movemask_epi8(p) != 0)
			_mm_storeu_si128((__m128i *)(void *)(s + w + j),
			    _mm_sub_epi8(v, _mm_and_si128(p, diff)));
	}
#else
	uint64_t x, p;

	for (j = 0; j < UE_WINDOW; j += 8) {
		memcpy(&x, s + w + j, 8);
		d |= word_bits(
		         bytes_eq(x, '&') | bytes_eq(x, '=') | bytes_eq(x, '%'))
		    << j;
		if ((p = bytes_eq(x, '+')) != 0) {
			x -= (p >> 7) * (uint64_t)('+' - ' ');
			memcpy(s + w + j, &x, 8);
		}
	}
#endif
	return d;
}

/*
 * Moves n bytes from src down to dst (dst <= src; the ranges may
 * overlap): small moves as two overlapping words, both loaded before
 * either is stored, instead of a call to memmove for a few bytes.
 */
static inline void
move_down(char *dst, const char *src, size_t n)
{
	uint64_t a, b;
	uint32_t c, d;

	if (dst == src) {
		return;
	} else if (n > 16) {
		memmove(dst, src, n);
	} else if (n >= 8) {
		memcpy(&a, src, 8);
		memcpy(&b, src + n - 8, 8);
		memcpy(dst, &a, 8);
		memcpy(dst + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&c, src, 4);
		memcpy(&d, src + n - 4, 4);
		memcpy(dst, &c, 4);
		memcpy(dst + n - 4, &d, 4);
	} else {
		while (n-- > 0)
			*dst++ = *src++;
	}
}

/*
 * Plain bytes s[i..i+n) go down to s[o..] (o <= i). Once output lags
 * input by sixteen bytes or more, which it soon does after the first few
 * escapes, whole sixteen-byte chunks are copied without a branch on n:
 * a chunk never reaches the raw bytes still to be read, and its spill
 * past the run lands on bytes already consumed, overwritten by the next
 * output. Chunks never read past end.
 */
static inline void
copy_down(char *s, size_t o, size_t i, size_t n, size_t end)
{
	char t[16];
	size_t j;

	if (i - o < 16 || ((n + 15) & ~(size_t)15) > end - i) {
		move_down(s + o, s + i, n);
		return;
	}
	for (j = 0; j < n; j += 16) {
		memcpy(t, s + i + j, 16);
		memcpy(s + o + j, t, 16);
	}
}

int
urlencoded_decode_inplace(struct urlencoded_inplace *u, size_t end,
    urlencoded_field_fn *fn, void *arg)
{
	char *s = u->s;
	size_t i = u->in, w = i, o, raw, start, name_len, value, k, n, esc;
	uint64_t dm, m;
	unsigned h1, h2;
	unsigned char c;
	int rc;

	/*
	 * Bytes are classified a window of 64 at a time and the bit masks
	 * then walked from delimiter to delimiter, so the cost is per
	 * window and per delimiter, not per byte. Output only ever goes
	 * below i, so the masks of the raw bytes at and after i stay true.
	 * Output runs on across fields (name NUL value NUL ...): after the
	 * first escapes it lags input by sixteen bytes or more, and then
	 * every run moves down in whole chunks (copy_down).
	 */
	dm = classify(s, w, end);
	o = i;
	while (i < end) {
		raw = i;
		start = o;
		name_len = SIZE_MAX; /* no '=' yet */
		value = 0;
		for (;;) {
			if (i - w >= UE_WINDOW) {
				w = i;
				dm = classify(s, w, end);
			}
			m = dm >> (i - w);
			if (m == 0) { /* plain to the window's end */
				n = (end - w < UE_WINDOW ? end - w
				                         : UE_WINDOW) -
				    (i - w);
				copy_down(s, o, i, n, end);
				i += n;
				o += n;
				if (i == end)
					break;
				continue;
			}
			k = (size_t)__builtin_ctzll(m);
			copy_down(s, o, i, k, end);
			i += k;
			o += k;
			c = (unsigned char)s[i];
			if (c == '%') {
				/* Decoded without a branch on validity: a bad
				 * escape is a literal '%'. */
				esc = end - i >= 3;
				h1 = hex[(unsigned char)s[i + esc]];
				h2 = hex[(unsigned char)s[i + 2 * esc]];
				esc = esc && h1 != 0 && h2 != 0;
				s[o++] = esc ? (char)(h1 * 16 + h2 - 17) : '%';
				i += esc ? 3 : 1;
				continue;
			}
			if (c == '&')
				break;
			if (c == '=' && name_len == SIZE_MAX) {
				name_len = o - start;
				s[o++] = '\0';
				value = o;
				i++;
			} else {
				s[o++] = (char)c; /* a literal '=' or '%' */
				i++;
			}
		}
		if (i > raw) { /* empty sequences are skipped */
			if (name_len == SIZE_MAX) {
				name_len = o - start;
				value = o; /* "" at the name's NUL */
			}
			s[o] = '\0';
			u->in = i < end ? i + 1 : i;
			if ((rc = fn(arg, s + start, name_len, s + value,
			         o - value)) != 0)
				return rc;
			o++;
		}
		if (i < end)
			i++; /* the '&' */
	}
	u->in = i;
	return 0;
}
