/*
 * multipart.c - the streaming multipart/form-data parser (multipart.h).
 *
 * Content is scanned for CR, the only byte a delimiter can start with,
 * skipping every CR whose delimiter is in view and visibly wrong (no LF
 * after it, or the wrong byte where the delimiter ends); each CR left
 * starts a candidate that is matched against CRLF "--" boundary and what
 * may follow it, byte by byte when it spans two feeds. Boundaries contain
 * no CR (RFC 2046 bchars), so a failed candidate never hides the start of
 * another one except at its own last byte: every byte is looked at a
 * bounded number of times, whatever the input (L-MP-26).
 */
#include "multipart.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>

static inline __m128i
load16(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}
#endif

enum mp_state {
	MP_PREAMBLE, /* before the first delimiter: skipped */
	MP_DATA,     /* part content */
	MP_HEADERS,  /* collecting a part's header block */
	MP_EPILOGUE, /* after the close delimiter: skipped */
	MP_FAILED
};

enum cand {
	CAND_MORE,  /* the byte extends the candidate */
	CAND_FAIL,  /* the byte shows it is not a delimiter (not consumed) */
	CAND_PART,  /* delimiter, padding, CRLF: a part follows */
	CAND_CLOSE, /* delimiter "--": the body ends */
	CAND_LF     /* delimiter line ended by a bare LF (L-MP-07) */
};

/* RFC 2046 5.1.1 bcharsnospace; space is allowed but not last. */
static bool
is_bchar(unsigned char ch)
{
	if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z'))
		return true;
	return ch != '\0' && strchr("'()+_,-./:=? ", ch) != NULL;
}

static struct str
media_type(struct str ct)
{
	const char *semi = ct.len > 0 ? memchr(ct.p, ';', ct.len) : NULL;

	if (semi != NULL)
		ct.len = (size_t)(semi - ct.p);
	return str_trim(ct);
}

bool
multipart_is_type(struct str ct)
{
	return str_caseeq(media_type(ct), STR_LIT("multipart/form-data"));
}

/*
 * The next parameter of a header value: "; name=value" (RFC 9110 5.6.6).
 * *rest is advanced past it. value is the token, or the inside of the
 * quoted string with its backslashes still in (*escaped says whether
 * there are any). 1 found, 0 no more, -1 malformed.
 */
static int
next_param(struct str *rest, struct str *name, struct str *value, bool *escaped)
{
	const char *p = rest->p, *end = rest->p + rest->len, *q;

	while (p < end && (*p == ' ' || *p == '\t' || *p == ';'))
		p++;
	if (p == end) {
		rest->p = p;
		rest->len = 0;
		return 0;
	}
	for (q = p; q < end && *q != '=' && *q != ';'; q++)
		;
	if (q == end || *q != '=')
		return -1;
	name->p = p;
	name->len = (size_t)(q - p);
	*name = str_trim(*name);
	if (name->len == 0)
		return -1;
	p = q + 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	*escaped = false;
	if (p < end && *p == '"') {
		for (q = ++p; q < end && *q != '"'; q++) {
			if (*q == '\\' && q + 1 < end) {
				*escaped = true;
				q++;
			}
		}
		if (q == end)
			return -1; /* unterminated quoted string */
		value->p = p;
		value->len = (size_t)(q - p);
		for (p = q + 1; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		if (p < end && *p != ';')
			return -1; /* junk after the closing quote */
	} else {
		for (q = p; q < end && *q != ';'; q++)
			;
		value->p = p;
		value->len = (size_t)(q - p);
		*value = str_trim(*value);
		p = q;
	}
	rest->p = p;
	rest->len = (size_t)(end - p);
	return 1;
}

/* The parameters after the media type or disposition type. */
static struct str
params_of(struct str v)
{
	const char *semi = v.len > 0 ? memchr(v.p, ';', v.len) : NULL;
	struct str r = { v.p + v.len, 0 };

	if (semi != NULL) {
		r.p = semi;
		r.len = v.len - (size_t)(semi - v.p);
	}
	return r;
}

/* The boundary parameter of a multipart media type (L-MP-01, L-MP-02). */
static int
boundary_param(struct str ct, struct str *boundary)
{
	struct str rest, name, value, found = { NULL, 0 };
	bool escaped, have = false;
	size_t i;
	int rc;

	rest = params_of(ct);
	while ((rc = next_param(&rest, &name, &value, &escaped)) == 1) {
		if (!str_caseeq(name, STR_LIT("boundary")))
			continue;
		if (have || escaped)
			return -1; /* two boundaries; '\\' is no bchar */
		have = true;
		found = value;
	}
	if (rc == -1 || !have || found.len == 0 ||
	    found.len > MULTIPART_MAX_BOUNDARY || found.p[found.len - 1] == ' ')
		return -1;
	for (i = 0; i < found.len; i++)
		if (!is_bchar((unsigned char)found.p[i]))
			return -1;
	*boundary = found;
	return 0;
}

int
multipart_boundary(struct str ct, struct str *boundary)
{
	if (!multipart_is_type(ct))
		return -1;
	return boundary_param(ct, boundary);
}

void
multipart_set_inner(struct multipart *mp)
{
	mp->inner = true;
}

int
multipart_init(struct multipart *mp, struct str boundary, char *hdr,
    size_t hdrcap, uint64_t max_preamble, multipart_fn *fn, void *arg)
{
	memset(mp, 0, sizeof(*mp));
	if (boundary.len == 0 || boundary.len > MULTIPART_MAX_BOUNDARY)
		return -1;
	memcpy(mp->delim, "\r\n--", 4);
	memcpy(mp->delim + 4, boundary.p, boundary.len);
	mp->delimlen = 4 + boundary.len;
	mp->hdr = hdr;
	mp->hdrcap = hdrcap;
	mp->max_preamble = max_preamble;
	mp->fn = fn;
	mp->arg = arg;
	mp->state = MP_PREAMBLE;
	/* The first delimiter may start the body (RFC 2046 5.1.1): act as
	 * if a CRLF came before it. */
	memcpy(mp->carry, "\r\n", 2);
	mp->ncarry = 2;
	mp->virt = true;
	return 0;
}

static enum multipart_rc
fail(struct multipart *mp, enum multipart_err err)
{
	mp->err = err;
	mp->state = MP_FAILED;
	return MULTIPART_ERROR;
}

static int
emit(struct multipart *mp, enum multipart_event ev, struct str a, struct str b,
    const struct multipart_part *part)
{
	int rc = mp->fn(mp->arg, ev, a, b, part);

	if (rc != 0) {
		mp->stop = rc;
		(void)fail(mp, MULTIPART_ESTOPPED);
	}
	return rc;
}

/* Content bytes: part data, or skipped preamble (bounded). 0 or -1. */
static int
content(struct multipart *mp, const char *p, size_t n)
{
	struct str a = { p, n }, none = { "", 0 };

	if (n == 0)
		return 0;
	if (mp->state == MP_PREAMBLE) {
		mp->nskipped += n;
		if (mp->nskipped > mp->max_preamble) {
			(void)fail(mp, MULTIPART_EPREAMBLE);
			return -1;
		}
		return 0;
	}
	return emit(mp, MULTIPART_EV_DATA, a, none, NULL) != 0 ? -1 : 0;
}

/* Does ch extend the candidate in carry[0..ncarry)? */
static enum cand
cand_step(const struct multipart *mp, unsigned char ch)
{
	size_t n = mp->ncarry, d = mp->delimlen;
	unsigned char last = (unsigned char)mp->carry[n - 1];

	if (n < d)
		return ch == (unsigned char)mp->delim[n] ? CAND_MORE
		                                         : CAND_FAIL;
	if (n == d) {
		if (ch == '-' || ch == ' ' || ch == '\t' || ch == '\r')
			return CAND_MORE;
		return ch == '\n' ? CAND_LF : CAND_FAIL;
	}
	if (mp->carry[d] == '-') /* "--B-": only a second '-' closes */
		return ch == '-' && n == d + 1 ? CAND_CLOSE : CAND_FAIL;
	if (last == '\r')
		return ch == '\n' ? CAND_PART : CAND_FAIL;
	if (ch == '\r')
		return CAND_MORE;
	if (ch == ' ' || ch == '\t')
		return n - d < MULTIPART_MAX_PADDING ? CAND_MORE : CAND_FAIL;
	return ch == '\n' ? CAND_LF : CAND_FAIL;
}

/* A delimiter was completed: end the part, then headers or epilogue. */
static int
delimiter(struct multipart *mp, bool close)
{
	struct str none = { "", 0 };

	mp->ncarry = 0;
	mp->virt = false;
	if (mp->state == MP_DATA &&
	    emit(mp, MULTIPART_EV_PART_END, none, none, NULL) != 0)
		return -1;
	if (close) {
		if (emit(mp, MULTIPART_EV_DONE, none, none, NULL) != 0)
			return -1;
		mp->state = MP_EPILOGUE;
		return 0;
	}
	mp->state = MP_HEADERS;
	mp->hdrlen = 0;
	return 0;
}

/*
 * The first CR in p[0..n) that may start a delimiter, or NULL. Where the
 * whole delimiter (dlen bytes, ending in last) is in view, only a CR
 * followed by LF whose delimiter-end byte is last can: any other is
 * content, and scan() never sees it. A CR too near the end to tell is
 * returned as it is (its candidate may go on in the next feed). With SSE2
 * (every x86-64) sixteen positions are tested at a time, three compares
 * each, so a body of only CRLFs, or of delimiters that fail at their last
 * byte, is skipped as fast as random bytes; elsewhere memchr finds each
 * CR and the two bytes are checked after it.
 */
static const char *
find_cand(const char *p, size_t n, size_t dlen, char last)
{
	const char *q;
	size_t k = 0;
#if defined(__SSE2__)
	const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'),
	              end = _mm_set1_epi8(last);
	unsigned m;

	for (; n - k >= dlen + 15; k += 16) {
		m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_and_si128(_mm_cmpeq_epi8(load16(p + k), cr),
		        _mm_cmpeq_epi8(load16(p + k + 1), lf)),
		    _mm_cmpeq_epi8(load16(p + k + dlen - 1), end)));
		if (m != 0)
			return p + k + (size_t)__builtin_ctz(m);
	}
#endif
	while (k < n && (q = memchr(p + k, '\r', n - k)) != NULL) {
		k = (size_t)(q - p);
		if (n - k < dlen ||
		    (p[k + 1] == '\n' && p[k + dlen - 1] == last))
			return q;
		k++;
	}
	return NULL;
}

/*
 * How many leading bytes of a and b (n each) are equal: eight at a time,
 * the first difference found from the lowest differing bit.
 */
static size_t
common_prefix(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t k = 0;

	for (; n - k >= 8; k += 8) {
		memcpy(&x, a + k, 8);
		memcpy(&y, b + k, 8);
		if (x != y) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			return k + (size_t)__builtin_clzll(x ^ y) / 8;
#else
			return k + (size_t)__builtin_ctzll(x ^ y) / 8;
#endif
		}
	}
	while (k < n && a[k] == b[k])
		k++;
	return k;
}

/*
 * Scans content from p[i]: returns the index where scanning stopped (a
 * delimiter changed the state, or n), or (size_t)-1 after an error.
 * run is the first content byte of this slice not yet reported; cand is
 * where the pending candidate starts in this slice, or -1 if it started
 * in an earlier feed (its bytes are then only in carry).
 */
static size_t
scan(struct multipart *mp, const char *p, size_t n, size_t i)
{
	size_t run = i, k, skip;
	long cand = -1;
	const char *q;
	enum cand c;
	bool keep_cr;

	while (i < n) {
		if (mp->ncarry == 0) {
			if ((q = find_cand(p + i, n - i, mp->delimlen,
			         mp->delim[mp->delimlen - 1])) == NULL) {
				i = n;
				break;
			}
			i = (size_t)(q - p);
			/* Fast path: with the whole delimiter in view, one
			 * comparison settles it; a mismatch leaves the CR as
			 * content (the rest of the delimiter holds no CR). */
			if (n - i >= mp->delimlen) {
				/* find_cand checked CR, LF and the last
				 * byte; two compares more before a call. */
				if (p[i + 2] != '-' || p[i + 3] != '-') {
					i++;
					continue;
				}
				k = common_prefix(p + i, mp->delim,
				    mp->delimlen);
				if (k < mp->delimlen) {
					/* The delimiter's only CR is its first
					 * byte, so no CR, and no delimiter,
					 * starts inside the matched part: go
					 * past it. */
					i += k > 0 ? k : 1;
					continue;
				}
				cand = (long)i;
				memcpy(mp->carry, p + i, mp->delimlen);
				mp->ncarry = mp->delimlen;
				i += mp->delimlen;
				continue;
			}
			cand = (long)i;
			mp->carry[mp->ncarry++] = '\r';
			i++;
			continue;
		}
		c = cand_step(mp, (unsigned char)p[i]);
		if (c == CAND_MORE) {
			mp->carry[mp->ncarry++] = p[i++];
			continue;
		}
		/* Content before the delimiter is reported first, so the
		 * outcome (e.g. a preamble over its bound) is the same
		 * wherever the input was split. */
		if (c == CAND_LF || c == CAND_PART || c == CAND_CLOSE) {
			if (cand >= 0 &&
			    content(mp, p + run, (size_t)cand - run))
				return (size_t)-1;
			if (c == CAND_LF) {
				(void)fail(mp, MULTIPART_ELF);
				return (size_t)-1;
			}
			if (delimiter(mp, c == CAND_CLOSE) != 0)
				return (size_t)-1;
			return i + 1;
		}
		/* Not a delimiter: its bytes are content, except a final CR,
		 * which may start the real one ("--B \r" then "\r\n--B"). */
		keep_cr = mp->ncarry > 1 && mp->carry[mp->ncarry - 1] == '\r';
		if (cand < 0) {
			k = mp->ncarry - (keep_cr ? 1 : 0);
			skip = mp->virt ? 2 : 0; /* not the body's bytes */
			mp->virt = false;
			if (content(mp, mp->carry + skip, k - skip) != 0)
				return (size_t)-1;
			run = i > 0 && keep_cr ? i - 1 : i;
		}
		mp->ncarry = 0;
		cand = -1;
		if (keep_cr) {
			mp->carry[mp->ncarry++] = '\r';
			cand = i > 0 ? (long)(i - 1) : -1;
		}
	}
	/* End of slice: report content up to a pending candidate. */
	k = mp->ncarry > 0 ? (cand >= 0 ? (size_t)cand : run) : n;
	if (content(mp, p + run, k - run) != 0)
		return (size_t)-1;
	return n;
}

/*
 * Decodes the quoted-pairs \" and \\ of a parameter in place (the header
 * buffer is ours); other backslashes stay, as browsers send them raw
 * (L-MP-10).
 */
static struct str
unescape(struct multipart *mp, struct str v)
{
	char *s = mp->hdr + (v.p - mp->hdr);
	size_t i, o = 0;

	for (i = 0; i < v.len; i++) {
		if (s[i] == '\\' && i + 1 < v.len &&
		    (s[i + 1] == '"' || s[i + 1] == '\\'))
			i++;
		s[o++] = s[i];
	}
	v.len = o;
	return v;
}

/* What the header lines of one part have told so far. */
struct hblock {
	struct multipart_part part;
	bool have_disp, have_name, have_type;
};

static enum multipart_err
disposition(struct multipart *mp, struct str v, struct hblock *hb)
{
	struct str rest = params_of(v), type = media_type(v), name, value;
	bool escaped;
	int rc;

	if (hb->have_disp)
		return MULTIPART_EDUPPARAM;
	hb->have_disp = true;
	if (!str_caseeq(type, STR_LIT("form-data")) &&
	    (!mp->inner ||
	        (!str_caseeq(type, STR_LIT("file")) &&
	            !str_caseeq(type, STR_LIT("attachment")))))
		return MULTIPART_ENODISP;
	while ((rc = next_param(&rest, &name, &value, &escaped)) == 1) {
		if (escaped)
			value = unescape(mp, value);
		if (str_caseeq(name, STR_LIT("name"))) {
			if (hb->have_name)
				return MULTIPART_EDUPPARAM; /* L-MP-11 */
			hb->have_name = true;
			hb->part.name = value;
		} else if (str_caseeq(name, STR_LIT("filename"))) {
			if (hb->part.has_filename)
				return MULTIPART_EDUPPARAM;
			hb->part.has_filename = true;
			hb->part.filename = value;
		}
		/* filename* and the rest are ignored (L-MP-12). */
	}
	return rc == -1 ? MULTIPART_EHEADER : MULTIPART_EOK;
}

static enum multipart_err
content_type(const struct multipart *mp, struct str v, struct hblock *hb)
{
	struct str rest = params_of(v), name, value;
	bool escaped;
	int rc;

	if (hb->have_type)
		return MULTIPART_EHEADER;
	hb->have_type = true;
	hb->part.content_type = v;
	if (str_caseprefix(media_type(v), "multipart/")) {
		/* L-MP-21: RFC 2388's multipart/mixed for several files,
		 * one level deep; anything else is refused. */
		if (mp->inner ||
		    !str_caseeq(media_type(v), STR_LIT("multipart/mixed")) ||
		    boundary_param(v, &hb->part.nested) == -1)
			return MULTIPART_ENESTED;
		return MULTIPART_EOK;
	}
	while ((rc = next_param(&rest, &name, &value, &escaped)) == 1)
		if (str_caseeq(name, STR_LIT("charset")))
			hb->part.charset = value;
	return rc == -1 ? MULTIPART_EHEADER : MULTIPART_EOK;
}

/* One header line (without its CRLF). */
static enum multipart_err
header_line(struct multipart *mp, struct str line, struct hblock *hb)
{
	struct str name, value;
	const char *colon;
	size_t i;

	/* RFC 9112 5.2: obs-fold is refused (L-MP-20). */
	if (line.p[0] == ' ' || line.p[0] == '\t')
		return MULTIPART_EHEADER;
	if ((colon = memchr(line.p, ':', line.len)) == NULL)
		return MULTIPART_EHEADER;
	name.p = line.p;
	name.len = (size_t)(colon - line.p);
	if (name.len == 0)
		return MULTIPART_EHEADER;
	for (i = 0; i < name.len; i++)
		if (!str_is_tchar((unsigned char)name.p[i]))
			return MULTIPART_EHEADER;
	value.p = colon + 1;
	value.len = line.len - name.len - 1;
	value = str_trim(value);
	for (i = 0; i < value.len; i++)
		if (value.p[i] == '\r' || value.p[i] == '\0')
			return MULTIPART_EHEADER; /* bare CR, NUL */
	if (emit(mp, MULTIPART_EV_HEADER, name, value, NULL) != 0)
		return MULTIPART_ESTOPPED;
	if (str_caseeq(name, STR_LIT("Content-Disposition")))
		return disposition(mp, value, hb);
	if (str_caseeq(name, STR_LIT("Content-Type")))
		return content_type(mp, value, hb);
	if (str_caseeq(name, STR_LIT("Content-Transfer-Encoding"))) {
		/* RFC 7578 4.7: deprecated; identity encodings only. */
		if (str_caseeq(value, STR_LIT("binary")) ||
		    str_caseeq(value, STR_LIT("8bit")) ||
		    str_caseeq(value, STR_LIT("7bit")))
			return MULTIPART_EOK;
		return MULTIPART_EENCODING;
	}
	return MULTIPART_EOK; /* RFC 7578 4.8: others are ignored */
}

/* The header block hdr[0..hdrlen) is complete (it ends in CRLF CRLF). */
static int
header_block(struct multipart *mp)
{
	struct hblock hb;
	struct str line, none = { "", 0 };
	const char *p = mp->hdr, *end = mp->hdr + mp->hdrlen - 2, *lf;
	enum multipart_err err;

	memset(&hb, 0, sizeof(hb));
	hb.part.name = hb.part.filename = none;
	hb.part.content_type = hb.part.charset = hb.part.nested = none;
	while (p < end) {
		lf = memchr(p, '\n', (size_t)(end - p));
		line.p = p;
		line.len = (size_t)(lf - p) - 1; /* each LF follows a CR */
		p = lf + 1;
		if ((err = header_line(mp, line, &hb)) != MULTIPART_EOK) {
			if (err != MULTIPART_ESTOPPED)
				(void)fail(mp, err);
			return -1;
		}
	}
	/* RFC 7578 4.2 (L-MP-09); the parts inside a multipart/mixed part
	 * take the outer part's name (RFC 2388 4.5). */
	if (mp->inner ? !hb.have_disp : !hb.have_name) {
		(void)fail(mp, MULTIPART_ENODISP);
		return -1;
	}
	mp->nparts++;
	mp->state = MP_DATA;
	return emit(mp, MULTIPART_EV_PART_BEGIN, none, none, &hb.part) != 0 ? -1
	                                                                    : 0;
}

/*
 * Collects header lines from p[i]. Returns where it stopped (the block
 * ended, or n), or (size_t)-1 after an error.
 */
static size_t
headers(struct multipart *mp, const char *p, size_t n, size_t i)
{
	const char *lf;
	size_t len;

	while (i < n) {
		lf = memchr(p + i, '\n', n - i);
		len = lf != NULL ? (size_t)(lf - (p + i)) + 1 : n - i;
		if (len > mp->hdrcap - mp->hdrlen) {
			(void)fail(mp, MULTIPART_EHEADER_SIZE); /* L-MP-19 */
			return (size_t)-1;
		}
		memcpy(mp->hdr + mp->hdrlen, p + i, len);
		mp->hdrlen += len;
		i += len;
		if (lf == NULL)
			break;
		if (mp->hdrlen < 2 || mp->hdr[mp->hdrlen - 2] != '\r') {
			(void)fail(mp, MULTIPART_EHEADER); /* L-MP-07 */
			return (size_t)-1;
		}
		if (mp->hdrlen == 2 ||
		    (mp->hdrlen >= 4 &&
		        memcmp(mp->hdr + mp->hdrlen - 4, "\r\n\r\n", 4) == 0))
			return header_block(mp) == 0 ? i : (size_t)-1;
	}
	return n;
}

enum multipart_rc
multipart_feed(struct multipart *mp, const char *p, size_t n)
{
	size_t i = 0;

	for (;;) {
		switch (mp->state) {
		case MP_FAILED:
			return MULTIPART_ERROR;
		case MP_EPILOGUE:
			mp->nskipped += n - i;
			if (mp->nskipped > mp->max_preamble)
				return fail(mp, MULTIPART_EPREAMBLE);
			return MULTIPART_DONE;
		case MP_HEADERS:
			if (i == n)
				return MULTIPART_MORE;
			i = headers(mp, p, n, i);
			break;
		default:
			if (i == n)
				return MULTIPART_MORE;
			i = scan(mp, p, n, i);
			break;
		}
		if (i == (size_t)-1)
			return MULTIPART_ERROR;
	}
}

enum multipart_rc
multipart_finish(struct multipart *mp)
{
	if (mp->state == MP_FAILED)
		return MULTIPART_ERROR;
	if (mp->state == MP_EPILOGUE)
		return MULTIPART_DONE;
	return fail(mp, MULTIPART_ETRUNCATED); /* L-MP-06 */
}

const char *
multipart_strerror(enum multipart_err err)
{
	switch (err) {
	case MULTIPART_EOK:
		return "no error";
	case MULTIPART_ESTOPPED:
		return "stopped by the caller";
	case MULTIPART_ETRUNCATED:
		return "body ended before the close delimiter";
	case MULTIPART_EHEADER:
		return "malformed part header";
	case MULTIPART_EHEADER_SIZE:
		return "part header block too large";
	case MULTIPART_ENODISP:
		return "part without Content-Disposition: form-data; name";
	case MULTIPART_EDUPPARAM:
		return "duplicate Content-Disposition or parameter";
	case MULTIPART_EENCODING:
		return "unsupported Content-Transfer-Encoding";
	case MULTIPART_ENESTED:
		return "nested multipart part";
	case MULTIPART_EPREAMBLE:
		return "preamble or epilogue too large";
	case MULTIPART_ELF:
		return "delimiter line ended by a bare LF";
	}
	return "unknown multipart error";
}
