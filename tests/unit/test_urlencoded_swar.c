/*
 * test_urlencoded_swar.c - the portable classifier of the in-place
 * urlencoded decoder (eight-byte words) against the one x86-64 builds use
 * (SSE2). lib/urlencoded.c is compiled a second time here with
 * URLENCODED_SWAR and its functions renamed, and both decoders, plus the
 * streaming reference parser, run over the same generated inputs: dense
 * and sparse delimiters, long plain runs that cross the 64-byte windows,
 * '+' everywhere, escapes valid, short and broken, at every alignment,
 * whole and resumed at a split point. All three must give the same
 * fields byte for byte. Without SSE2 both decoders are the portable one,
 * still held to the reference.
 */
#define URLENCODED_SWAR           1
#define urlencoded_init           swar_urlencoded_init
#define urlencoded_feed           swar_urlencoded_feed
#define urlencoded_finish         swar_urlencoded_finish
#define urlencoded_parse          swar_urlencoded_parse
#define urlencoded_split          swar_urlencoded_split
#define urlencoded_is_type        swar_urlencoded_is_type
#define urlencoded_decode_inplace swar_urlencoded_decode_inplace
#include "urlencoded.c"
#undef urlencoded_init
#undef urlencoded_feed
#undef urlencoded_finish
#undef urlencoded_parse
#undef urlencoded_split
#undef urlencoded_is_type
#undef urlencoded_decode_inplace
#undef URLENCODED_SWAR

#include <stdlib.h>

#include "buf.h"
#include "harness.h"

/* The library's own (SSE2 where available) decoder and reference. */
int urlencoded_decode_inplace(struct urlencoded_inplace *u, size_t end,
    urlencoded_field_fn *fn, void *arg);
enum urlencoded_rc urlencoded_parse(const char *s, size_t n, urlencoded_fn *fn,
    void *arg);

/* Fields as name 0x1f value 0x1e, from the in-place decoders. */
static int
field_fn(void *arg, char *name, size_t name_len, char *value, size_t value_len)
{
	struct buf *b = arg;

	if (name[name_len] != '\0' || value[value_len] != '\0')
		return 9; /* both must be NUL-terminated */
	if (buf_append(b, name, name_len) == -1 || buf_putc(b, 0x1f) == -1 ||
	    buf_append(b, value, value_len) == -1 || buf_putc(b, 0x1e) == -1)
		return 8;
	return 0;
}

/* The same shape from the streaming reference parser's events. */
struct ref {
	struct buf out;
	int last;
};

static int
ref_fn(void *arg, enum urlencoded_event ev, const char *p, size_t n)
{
	struct ref *r = arg;

	if (ev != URLENCODED_NAME && r->last != URLENCODED_VALUE &&
	    buf_putc(&r->out, 0x1f) == -1)
		return 1;
	if (ev == URLENCODED_END) {
		r->last = -1;
		return buf_putc(&r->out, 0x1e);
	}
	r->last = (int)ev;
	return buf_append(&r->out, p, n);
}

typedef int decode_fn(struct urlencoded_inplace *, size_t,
    urlencoded_field_fn *, void *);

/*
 * Decodes in[0..n) with dec in an exact heap copy (n + 1 bytes: the one
 * byte of slack the API allows), resumed at k: first up to just past the
 * last '&' before k, then to the end.
 */
static int
decode(decode_fn *dec, const char *in, size_t n, size_t k, struct buf *out)
{
	struct urlencoded_inplace u;
	char *s;
	const char *amp = NULL;
	size_t j;
	int rc = 0;

	if ((s = malloc(n + 1)) == NULL)
		return -1;
	memcpy(s, in, n);
	s[n] = 'X'; /* slack: whatever was there must not leak in */
	u.s = s;
	u.in = 0;
	for (j = 0; j < k; j++)
		if (in[j] == '&')
			amp = in + j;
	if (amp != NULL)
		rc = dec(&u, (size_t)(amp - in) + 1, field_fn, out);
	if (rc == 0)
		rc = dec(&u, n, field_fn, out);
	free(s);
	return rc;
}

static uint32_t rng = 2463534242u;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* One input of n bytes; dense picks how often a byte is special. */
static void
generate(char *s, size_t n, unsigned dense)
{
	static const char special[] = "&=%+%%&=+";
	static const char hexes[] = "0123456789abcdefABCDEFzZ";
	size_t i;

	for (i = 0; i < n; i++) {
		if (next() % 100 < dense)
			s[i] = special[next() % (sizeof(special) - 1)];
		else if (i > 0 && s[i - 1] == '%' && next() % 4 != 0)
			s[i] = hexes[next() % (sizeof(hexes) - 1)];
		else if (i > 1 && s[i - 2] == '%' && next() % 4 != 0)
			s[i] = hexes[next() % (sizeof(hexes) - 1)];
		else
			s[i] = (char)(next() % 3 == 0 ? next() % 256
			                              : 'a' + next() % 26);
	}
}

int
main(void)
{
	static const unsigned dens[] = { 0, 1, 5, 20, 50, 90 };
	char in[400];
	struct buf a, b;
	struct ref r;
	size_t n, k;
	unsigned t, d, bad = 0;

	buf_init(&a, 0);
	buf_init(&b, 0);
	buf_init(&r.out, 0);
	for (t = 0; t < 6000; t++) {
		d = dens[t % (sizeof(dens) / sizeof(dens[0]))];
		n = next() % sizeof(in);
		generate(in, n, d);
		k = n == 0 ? 0 : next() % (n + 1);
		buf_reset(&a);
		buf_reset(&b);
		buf_reset(&r.out);
		r.last = -1;
		if (decode(urlencoded_decode_inplace, in, n, k, &a) != 0 ||
		    decode(swar_urlencoded_decode_inplace, in, n, k, &b) != 0 ||
		    urlencoded_parse(in, n, ref_fn, &r) != URLENCODED_OK) {
			bad++;
			continue;
		}
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0 ||
		    a.len != r.out.len ||
		    memcmp(a.data, r.out.data, a.len) != 0) {
			if (bad++ == 0) {
				harness_mem("input", in, n);
				harness_mem("library", a.data, a.len);
				harness_mem("portable", b.data, b.len);
				harness_mem("reference", r.out.data, r.out.len);
			}
		}
	}
	CHECK_INT("6000 generated inputs: SSE2, portable and reference agree",
	    bad, 0);
	/* Long plain runs across windows, '+' at every offset of a word. */
	for (n = 60; n < 200; n++) {
		memset(in, 'p', n);
		in[0] = 'v';
		in[1] = '=';
		in[n % 64] = '+';
		in[(n * 7) % n] = '+';
		buf_reset(&a);
		buf_reset(&b);
		CHECK_INT("long run decodes (library)",
		    decode(urlencoded_decode_inplace, in, n, n / 2, &a), 0);
		CHECK_INT("long run decodes (portable)",
		    decode(swar_urlencoded_decode_inplace, in, n, n / 2, &b),
		    0);
		CHECK_MEM("long run: portable as library", b.data, b.len,
		    a.data, a.len);
	}
	buf_fini(&a);
	buf_fini(&b);
	buf_fini(&r.out);
	return harness_done();
}
