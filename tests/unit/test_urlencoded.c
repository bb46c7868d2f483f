/*
 * test_urlencoded.c - the WHATWG urlencoded parser: every L-URL row of the
 * checklist that belongs to the parser, the WHATWG urlencoded-parser test
 * vectors, each run whole, split at every byte offset and byte by byte
 * (STYLE Rule 15), plus the raw splitter and the media-type check.
 * Every row also goes through the in-place decoder, whole in a block of
 * exactly n + 1 bytes and resumed at every offset the way form.c feeds
 * it; generated rows (escapes, '+' and '&' at every offset of long runs,
 * across the 8-, 16- and 64-byte word and window paths) are held to the
 * streaming parser, the reference, and to an expectation built alongside.
 *
 * Expected field lists are written as name 0x1f value 0x1e per field.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "urlencoded.h"
#include "harness.h"

#define S(s) s, sizeof(s) - 1

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	const char *out;
	size_t outlen;
} cases[] = {
	{ "L-URL-01 semicolon is data", S("a=1;b=2"),
	    S("a\x1f"
	      "1;b=2\x1e") },
	{ "L-URL-02 empty pieces skipped", S("&&&a=b&&&&c=d&"),
	    S("a\x1f"
	      "b\x1e"
	      "c\x1f"
	      "d\x1e") },
	{ "L-URL-03 no equals", S("a"), S("a\x1f\x1e") },
	{ "L-URL-03 split at first equals", S("a==a"), S("a\x1f=a\x1e") },
	{ "L-URL-03 empty name", S("=b"),
	    S("\x1f"
	      "b\x1e") },
	{ "L-URL-03 lone equals", S("="), S("\x1f\x1e") },
	{ "L-URL-03 blank value kept", S("a="), S("a\x1f\x1e") },
	{ "L-URL-04 plus is space", S("a=a+b+c"),
	    S("a\x1f"
	      "a b c\x1e") },
	{ "L-URL-04 encoded plus", S("a=%2B"), S("a\x1f+\x1e") },
	{ "L-URL-04 plus in name", S("a+b=c"),
	    S("a b\x1f"
	      "c\x1e") },
	{ "L-URL-05 percent name", S("%=a"),
	    S("%\x1f"
	      "a\x1e") },
	{ "L-URL-05 bad escape zz", S("v=%zz"), S("v\x1f%zz\x1e") },
	{ "L-URL-05 short escape", S("v=%4"), S("v\x1f%4\x1e") },
	{ "L-URL-05 lone percent", S("v=%"), S("v\x1f%\x1e") },
	{ "L-URL-05 percent percent", S("v=%%41"), S("v\x1f%A\x1e") },
	{ "L-URL-05 either case", S("v=%2f%2F%e9"), S("v\x1f//\xe9\x1e") },
	{ "L-URL-05 escape then amp", S("v=%4&w"), S("v\x1f%4\x1ew\x1f\x1e") },
	{ "L-URL-05 escape then equals", S("%4=x"), S("%4\x1fx\x1e") },
	{ "L-URL-06 decoded once", S("a=%2541"), S("a\x1f%41\x1e") },
	{ "L-URL-07 raw bytes kept (C2)", S("%C2"), S("\xc2\x1f\x1e") },
	{ "L-URL-07 raw bytes kept (FEFF)", S("%FE%FF"),
	    S("\xfe\xff\x1f\x1e") },
	{ "L-URL-07 BOM not stripped", S("%EF%BB%BFx"),
	    S("\xef\xbb\xbfx\x1f\x1e") },
	{ "L-URL-07 overlong stays bytes", S("a=%C0%AF"),
	    S("a\x1f\xc0\xaf\x1e") },
	{ "L-URL-08 decoded NUL kept with length", S("a=x%00y"),
	    S("a\x1fx\0y\x1e") },
	{ "L-URL-09 _charset_ changes nothing",
	    S("_charset_=windows-1252&t=%C2x"),
	    S("_charset_\x1fwindows-1252\x1et\x1f\xc2x\x1e") },
	{ "L-URL-10 no ISINDEX", S("foo+bar"), S("foo bar\x1f\x1e") },
	{ "L-URL-13 CRLF preserved", S("t=a%0D%0Ab"),
	    S("t\x1f"
	      "a\r\nb\x1e") },
	{ "empty", S(""), S("") },
	{ "only ampersands", S("&&&"), S("") },
	{ "raw NUL byte is data", S("a\0b=c"),
	    S("a\0b\x1f"
	      "c\x1e") },
	{ "raw high bytes", S("\xff=\x80"), S("\xff\x1f\x80\x1e") },
	{ "long run crosses scratch",
	    S("k="
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	      "%41"),
	    S("k\x1f"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	      "A\x1e") },
	/* WHATWG url/urlencoded-parser.any.js, as bytes. */
	{ "whatwg test", S("test"), S("test\x1f\x1e") },
	{ "whatwg bom", S("\xef\xbb\xbftest=\xef\xbb\xbf"),
	    S("\xef\xbb\xbftest\x1f\xef\xbb\xbf\x1e") },
	{ "whatwg dagger", S("\xe2\x80\xa0&\xe2\x80\xa0=x"),
	    S("\xe2\x80\xa0\x1f\x1e\xe2\x80\xa0\x1fx\x1e") },
	{ "whatwg C2x", S("%C2x"), S("\xc2x\x1f\x1e") },
	{ "whatwg a=b", S("a=b"),
	    S("a\x1f"
	      "b\x1e") },
	{ "whatwg amp", S("&"), S("") },
	{ "whatwg &a", S("&a"), S("a\x1f\x1e") },
	{ "whatwg a&", S("a&"), S("a\x1f\x1e") },
	{ "whatwg a&a", S("a&a"),
	    S("a\x1f\x1e"
	      "a\x1f\x1e") },
	{ "whatwg a&b&c", S("a&b&c"),
	    S("a\x1f\x1e"
	      "b\x1f\x1e"
	      "c\x1f\x1e") },
	{ "whatwg a=b&c=d&", S("a=b&c=d&"),
	    S("a\x1f"
	      "b\x1e"
	      "c\x1f"
	      "d\x1e") },
	{ "whatwg repeats", S("a=a&a=b&a=c"),
	    S("a\x1f"
	      "a\x1e"
	      "a\x1f"
	      "b\x1e"
	      "a\x1f"
	      "c\x1e") },
	{ "whatwg a=a+b+c+d", S("a=a+b+c+d"),
	    S("a\x1f"
	      "a b c d\x1e") },
	{ "whatwg %a=a", S("%a=a"),
	    S("%a\x1f"
	      "a\x1e") },
	{ "whatwg %a_=a", S("%a_=a"),
	    S("%a_\x1f"
	      "a\x1e") },
	{ "whatwg %61=a", S("%61=a"),
	    S("a\x1f"
	      "a\x1e") },
	{ "whatwg %61+%4d%4D=", S("%61+%4d%4D="), S("a MM\x1f\x1e") },
	{ "whatwg id=0&value=%", S("id=0&value=%"),
	    S("id\x1f"
	      "0\x1evalue\x1f%\x1e") },
	{ "whatwg b=%2sf%2a", S("b=%2sf%2a"), S("b\x1f%2sf*\x1e") },
	{ "whatwg b=%2%2af%2a", S("b=%2%2af%2a"), S("b\x1f%2*f*\x1e") },
	{ "whatwg b=%%2a", S("b=%%2a"), S("b\x1f%*\x1e") },
	/* Word paths of the in-place decoder (8- and 16-byte loads). */
	{ "W8 40 plain bytes in a value",
	    S("a=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	    S("a\x1f"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x1e") },
	{ "W8 40 plain bytes, a name without equals",
	    S("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
	    S("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\x1f\x1e") },
	{ "W8 40 plus signs", S("v=++++++++++++++++++++++++++++++++++++++++"),
	    S("v\x1f                                        \x1e") },
	{ "W8 plus at growing gaps",
	    S("v=+a+aa+aaa+aaaa+aaaaa+aaaaaa+aaaaaaa+aaaaaaaa+aaaaaaaaa+"),
	    S("v\x1f a aa aaa aaaa aaaaa aaaaaa aaaaaaa aaaaaaaa aaaaaaaaa "
	      "\x1e") },
	{ "W8 20 escapes then 40 plain bytes",
	    S("v=%41%42%43%44%45%46%47%48%49%4A%4b%4C%4d%4E%4f%50%51%52%53%54"
	      "0123456789012345678901234567890123456789"),
	    S("v\x1f"
	      "ABCDEFGHIJKLMNOPQRST0123456789012345678901234567890123456789"
	      "\x1e") },
	{ "W8 shifted run then the next field",
	    S("v=%41%42%43%44%45%46%47%48%49%4A%4B%4C%4D%4E%4F%50%51%52%53%54"
	      "0123456789012345678901234567890123456789&w=abcdefghijklmnopq"),
	    S("v\x1f"
	      "ABCDEFGHIJKLMNOPQRST0123456789012345678901234567890123456789"
	      "\x1ew\x1f"
	      "abcdefghijklmnopq\x1e") },
	{ "W8 plus inside a shifted run",
	    S("v=%41%42%43ab+cd+ef+gh+ij+kl+mn+op+qr+st+uv+wx+yz"),
	    S("v\x1f"
	      "ABCab cd ef gh ij kl mn op qr st uv wx yz\x1e") },
	{ "W8 name shifted by escapes",
	    S("%41%42%43abcdefghijklmnopqrstuvwxyz=0123456789abcdefghij"),
	    S("ABCabcdefghijklmnopqrstuvwxyz\x1f"
	      "0123456789abcdefghij\x1e") },
	{ "W8 short escape after 30 plain",
	    S("v=012345678901234567890123456789%4"),
	    S("v\x1f"
	      "012345678901234567890123456789%4\x1e") },
	{ "W8 lone percent after 30 plain",
	    S("v=012345678901234567890123456789%"),
	    S("v\x1f"
	      "012345678901234567890123456789%\x1e") },
	{ "W8 bad escape after 30 plain",
	    S("v=012345678901234567890123456789%zz"),
	    S("v\x1f"
	      "012345678901234567890123456789%zz\x1e") },
	{ "W8 half escape before amp after 30 plain",
	    S("v=012345678901234567890123456789%4&w=012345678901234567890%"),
	    S("v\x1f"
	      "012345678901234567890123456789%4\x1ew\x1f"
	      "012345678901234567890%\x1e") },
	{ "W8 equals in a value after escapes",
	    S("v=%41%42=01234567890123456789=abcdefghijabcdefghij"),
	    S("v\x1f"
	      "AB=01234567890123456789=abcdefghijabcdefghij\x1e") },
	{ "W8 decoded delimiters are data",
	    S("v=%26%3D%25%2B012345678901234567890123456789&w=%3d%26"),
	    S("v\x1f&=%+012345678901234567890123456789\x1ew\x1f=&\x1e") },
	{ "W16 fields of 15, 16 and 17 bytes",
	    S("a=0123456789abcde&b=0123456789abcdef&c=0123456789abcdefg"),
	    S("a\x1f"
	      "0123456789abcde\x1e"
	      "b\x1f"
	      "0123456789abcdef\x1e"
	      "c\x1f"
	      "0123456789abcdefg\x1e") },
	{ "W16 empty pieces between long runs",
	    S("&&0123456789abcdefghij&&&=0123456789abcdefghij&&=&"),
	    S("0123456789abcdefghij\x1f\x1e\x1f"
	      "0123456789abcdefghij\x1e\x1f\x1e") },
	{ "W8 high bytes and NUL in a long run",
	    S("v=\xff\x80\0\x01\xfe\x7f\0\0\xff\x80\0\x01\xfe\x7f\0\0\x81"),
	    S("v\x1f\xff\x80\0\x01\xfe\x7f\0\0\xff\x80\0\x01\xfe\x7f\0\0"
	      "\x81\x1e") },
};

struct sink {
	struct buf out;
	int last; /* last event, to check the ordering contract */
	int bad;  /* a contract breach: empty chunk, NAME after VALUE */
};

static int
sink_fn(void *arg, enum urlencoded_event ev, const char *p, size_t n)
{
	struct sink *s = arg;
	int rc = 0;

	if (ev != URLENCODED_END && n == 0)
		s->bad = 1;
	if (ev == URLENCODED_NAME && s->last == URLENCODED_VALUE)
		s->bad = 1;
	if (ev == URLENCODED_VALUE && s->last != URLENCODED_VALUE)
		rc = buf_putc(&s->out, 0x1f);
	if (ev == URLENCODED_END && s->last != URLENCODED_VALUE)
		rc = buf_putc(&s->out, 0x1f);
	if (rc == 0 && ev == URLENCODED_END)
		rc = buf_putc(&s->out, 0x1e);
	if (rc == 0 && ev != URLENCODED_END)
		rc = buf_append(&s->out, p, n);
	s->last = ev == URLENCODED_END ? -1 : (int)ev;
	return rc;
}

static void
sink_init(struct sink *s)
{
	buf_init(&s->out, 0);
	s->last = -1;
	s->bad = 0;
}

/* Feeds in[0..k) and in[k..n) as separate exact heap copies. */
static void
run_split(size_t i, size_t k)
{
	struct urlencoded u;
	struct sink s;
	char *a, *b;
	size_t n = cases[i].inlen;

	sink_init(&s);
	a = harness_exact(cases[i].in, k);
	b = harness_exact(cases[i].in + k, n - k);
	urlencoded_init(&u, sink_fn, &s);
	CHECK_INT(cases[i].name, urlencoded_feed(&u, a, k), URLENCODED_OK);
	CHECK_INT(cases[i].name, urlencoded_feed(&u, b, n - k), URLENCODED_OK);
	CHECK_INT(cases[i].name, urlencoded_finish(&u), URLENCODED_OK);
	CHECK_MEM(cases[i].name, buf_cstr(&s.out), s.out.len, cases[i].out,
	    cases[i].outlen);
	CHECK_INT(cases[i].name, s.bad, 0);
	free(a);
	free(b);
	buf_fini(&s.out);
}

static void
run_bytewise(size_t i)
{
	struct urlencoded u;
	struct sink s;
	size_t j;
	char *c;

	sink_init(&s);
	urlencoded_init(&u, sink_fn, &s);
	for (j = 0; j < cases[i].inlen; j++) {
		c = harness_exact(cases[i].in + j, 1);
		(void)urlencoded_feed(&u, c, 1);
		free(c);
	}
	(void)urlencoded_finish(&u);
	CHECK_MEM(cases[i].name, buf_cstr(&s.out), s.out.len, cases[i].out,
	    cases[i].outlen);
	buf_fini(&s.out);
}

/*
 * The in-place decoder (urlencoded_decode_inplace): the sink writes each
 * field as name 0x1f value 0x1e, like the table, and notes a breach of
 * the contract (no NUL at name[name_len] or value[value_len], a pointer
 * outside the buffer). stop_at > 0: the stop_at-th call returns 7.
 */
struct isink {
	struct buf out;
	const char *lo, *hi; /* the buffer: s[0..n] */
	int bad;
	unsigned calls, stop_at;
};

static int
isink_fn(void *arg, char *name, size_t name_len, char *value, size_t value_len)
{
	struct isink *s = arg;

	s->calls++;
	if (name < s->lo || name + name_len > s->hi || value < s->lo ||
	    value + value_len > s->hi)
		s->bad = 1;
	else if (name[name_len] != '\0' || value[value_len] != '\0')
		s->bad = 1;
	if (buf_append(&s->out, name, name_len) == -1 ||
	    buf_putc(&s->out, 0x1f) == -1 ||
	    buf_append(&s->out, value, value_len) == -1 ||
	    buf_putc(&s->out, 0x1e) == -1)
		return -1;
	return s->calls == s->stop_at ? 7 : 0;
}

static void
isink_init(struct isink *s, const char *buf, size_t n)
{
	buf_init(&s->out, 0);
	s->lo = buf;
	s->hi = buf + n; /* the NUL of the last field may sit at s[n] */
	s->bad = 0;
	s->calls = 0;
	s->stop_at = 0;
}

/* The buffer bytes not yet received: delimiters, so a read past end shows. */
static void
poison(char *p, size_t n)
{
	static const char pat[] = "&=%+%4";
	size_t j;

	for (j = 0; j < n; j++)
		p[j] = pat[j % (sizeof(pat) - 1)];
}

/*
 * Whole: in[0..n) in a heap block of exactly n + 1 bytes (s[n] is the one
 * slack byte the API allows), decoded in one call.
 */
static void
inplace_whole(const char *name, const char *in, size_t n, const char *want,
    size_t wantlen)
{
	struct urlencoded_inplace u;
	struct isink s;
	char *b = harness_exact(in, n + 1);

	b[n] = 'Z'; /* not a NUL the decoder could rely on */
	isink_init(&s, b, n);
	u.s = b;
	u.in = 0;
	CHECK_INT(name, urlencoded_decode_inplace(&u, n, isink_fn, &s), 0);
	CHECK_INT(name, u.in, n);
	CHECK_MEM(name, buf_cstr(&s.out), s.out.len, want, wantlen);
	CHECK_INT(name, s.bad, 0);
	free(b);
	buf_fini(&s.out);
}

/*
 * Resumed, the way form.c reads a body: only in[0..k) has arrived (the
 * rest of the block holds delimiters), the first call decodes up to just
 * past the last '&' of it (skipped when there is none) and must neither
 * read nor write behind that end; then the rest arrives and the second
 * call ends the input. The fields together must be the whole answer.
 */
static void
inplace_resumed(const char *name, const char *in, size_t n, size_t k,
    const char *want, size_t wantlen)
{
	struct urlencoded_inplace u;
	struct isink s;
	char *b = harness_exact(in, n + 1), *after;
	const char *amp = k > 0 ? memrchr(in, '&', k) : NULL;
	size_t end = amp != NULL ? (size_t)(amp - in) + 1 : 0;

	poison(b + k, n + 1 - k);
	isink_init(&s, b, n);
	u.s = b;
	u.in = 0;
	if (end > 0) {
		CHECK_INT(name,
		    urlencoded_decode_inplace(&u, end, isink_fn, &s), 0);
		CHECK_INT(name, u.in, end);
		/* Nothing behind end was touched: received bytes, then the
		 * not-yet-received ones. */
		CHECK_MEM(name, b + end, k - end, in + end, k - end);
		after = harness_exact(b + k, n + 1 - k); /* then poisoned */
		poison(after, n + 1 - k);
		CHECK_MEM(name, b + k, n + 1 - k, after, n + 1 - k);
		free(after);
	}
	memcpy(b + k, in + k, n - k);
	b[n] = 'Z';
	CHECK_INT(name, urlencoded_decode_inplace(&u, n, isink_fn, &s), 0);
	CHECK_INT(name, u.in, n);
	CHECK_MEM(name, buf_cstr(&s.out), s.out.len, want, wantlen);
	CHECK_INT(name, s.bad, 0);
	free(b);
	buf_fini(&s.out);
}

/* One row through the in-place decoder: whole, and resumed at every k. */
static void
inplace_row(const char *name, const char *in, size_t n, const char *want,
    size_t wantlen)
{
	size_t k;

	inplace_whole(name, in, n, want, wantlen);
	for (k = 0; k <= n; k++)
		inplace_resumed(name, in, n, k, want, wantlen);
}

/* The reference: the streaming parser's answer, in the table's format. */
static void
reference(const char *in, size_t n, struct buf *out)
{
	struct sink s;

	sink_init(&s);
	if (urlencoded_parse(in, n, sink_fn, &s) != URLENCODED_OK || s.bad)
		exit(2);
	buf_fini(out);
	*out = s.out;
}

/*
 * A generated row: raw bytes go to in, what they decode to to want; then
 * the row is checked against the streaming parser (the reference) and run
 * through the in-place decoder whole and resumed at every offset.
 */
struct gen {
	struct buf in, want, ref;
};

static void
gen_put(struct gen *g, const char *raw, const char *dec)
{
	if (buf_puts(&g->in, raw) == -1 || buf_puts(&g->want, dec) == -1)
		exit(2);
}

static void
gen_plain(struct gen *g, size_t n, size_t plus_at)
{
	size_t j;
	char c[2] = { 0, 0 };

	for (j = 0; j < n; j++) {
		c[0] = (char)('a' + j % 26);
		gen_put(g, j == plus_at ? "+" : c, j == plus_at ? " " : c);
	}
}

static void
gen_run(const char *name, struct gen *g)
{
	reference(g->in.data, g->in.len, &g->ref);
	CHECK_MEM(name, buf_cstr(&g->ref), g->ref.len, buf_cstr(&g->want),
	    g->want.len);
	inplace_row(name, g->in.data, g->in.len, buf_cstr(&g->want),
	    g->want.len);
	buf_reset(&g->in);
	buf_reset(&g->want);
}

static void
test_generated(void)
{
	static const char *const bad_tail[] = { "%", "%4", "%zz", "%4z", "%z",
		"%%" };
	struct gen g;
	char esc[4];
	size_t p, j, len;

	buf_init(&g.in, 0);
	buf_init(&g.want, 0);
	buf_init(&g.ref, 0);
	/* One escape at every offset of a 30-byte value, then of a name. */
	for (p = 0; p <= 30; p++) {
		gen_put(&g, "v=", "v\x1f");
		gen_plain(&g, p, SIZE_MAX);
		gen_put(&g, "%41", "A");
		gen_plain(&g, 30 - p, SIZE_MAX);
		gen_put(&g, "", "\x1e");
		gen_run("W8 escape moved across a value", &g);
		gen_plain(&g, p, SIZE_MAX);
		gen_put(&g, "%7e", "~");
		gen_plain(&g, 30 - p, SIZE_MAX);
		gen_put(&g, "=x&y", "\x1fx\x1ey\x1f\x1e");
		gen_run("W8 escape moved across a name", &g);
	}
	/* '+' at every position of two 16-byte words, in value and name. */
	for (p = 0; p < 32; p++) {
		gen_put(&g, "v=", "v\x1f");
		gen_plain(&g, 32, p);
		gen_put(&g, "", "\x1e");
		gen_run("W8 plus at every position of a value", &g);
		gen_plain(&g, 32, p);
		gen_put(&g, "&", "\x1f\x1e");
		gen_run("W8 plus at every position of a name", &g);
	}
	/* 1..20 escapes in a row, then 40 plain bytes: the output lags the
	 * input by 2..40 bytes in the copy that follows. */
	for (j = 1; j <= 20; j++) {
		gen_put(&g, "v=", "v\x1f");
		for (p = 0; p < j; p++) {
			(void)snprintf(esc, sizeof(esc), "%%%02X",
			    (unsigned)('A' + p));
			gen_put(&g, esc, (char[]){ (char)('A' + p), 0 });
		}
		gen_plain(&g, 40, j % 8 == 0 ? SIZE_MAX : j + 3);
		gen_put(&g, "&w=", "\x1ew\x1f");
		gen_plain(&g, 17, SIZE_MAX);
		gen_put(&g, "", "\x1e");
		gen_run("W8 escapes in a row then a long run", &g);
	}
	/* An invalid escape at the very end after runs of every length. */
	for (len = 0; len <= 24; len++)
		for (j = 0; j < sizeof(bad_tail) / sizeof(bad_tail[0]); j++) {
			gen_put(&g, "v=", "v\x1f");
			gen_plain(&g, len, SIZE_MAX);
			gen_put(&g, bad_tail[j], bad_tail[j]); /* literal */
			gen_put(&g, "", "\x1e");
			gen_run("W8 invalid escape at the end", &g);
		}
	/* The decoder classifies 64-byte windows: an escape, an '&' and a
	 * '+' at every offset of a 140-byte run (two window boundaries;
	 * escapes straddle them), the value starting at raw offset 2. */
	for (p = 0; p <= 140; p++) {
		gen_put(&g, "v=", "v\x1f");
		gen_plain(&g, p, SIZE_MAX);
		gen_put(&g, "%3D", "=");
		gen_plain(&g, 140 - p, SIZE_MAX);
		gen_put(&g, "", "\x1e");
		gen_run("W64 escape at every offset of a long value", &g);
		gen_plain(&g, p, SIZE_MAX);
		gen_put(&g, "&", p == 0 ? "" : "\x1f\x1e");
		gen_plain(&g, 140 - p, (140 - p) / 3);
		gen_put(&g, "", p == 140 ? "" : "\x1f\x1e");
		gen_run("W64 amp at every offset of a long run", &g);
		gen_plain(&g, 141, p);
		gen_put(&g, "=", "\x1f");
		gen_plain(&g, 141, 140 - p);
		gen_put(&g, "", "\x1e");
		gen_run("W64 plus at every offset, name and value", &g);
	}
	/* A run of 10 escapes across the first window boundary. */
	for (p = 40; p <= 70; p++) {
		gen_put(&g, "v=", "v\x1f");
		gen_plain(&g, p, SIZE_MAX);
		gen_put(&g, "%c3%a9%C3%A9%e2%82%ac%25%2b%26",
		    "\xc3\xa9\xc3\xa9\xe2\x82\xac%+&");
		gen_plain(&g, 80, 50);
		gen_put(&g, "", "\x1e");
		gen_run("W64 escape run across a window boundary", &g);
	}
	/* Fields of every length 0..33 in one input, '=' after escapes. */
	for (len = 0; len <= 33; len++) {
		gen_put(&g, "n%3D", "n=");
		gen_plain(&g, len, SIZE_MAX);
		gen_put(&g, "=%3d=", "\x1f==");
		gen_plain(&g, len, len / 2);
		gen_put(&g, "&", "\x1e");
	}
	gen_run("W16 fields of every length 0..33", &g);
	buf_fini(&g.in);
	buf_fini(&g.want);
	buf_fini(&g.ref);
}

/*
 * The stop rule of the in-place decoder: fn's non-zero return ends the
 * call with that value and no further call, whole and when the stop comes
 * in the second, resumed call.
 */
static void
test_inplace_stop(void)
{
	static const char in[] = "a=1&b=2&c=3";
	struct urlencoded_inplace u;
	struct isink s;
	char *b;

	b = harness_exact(in, sizeof(in));
	isink_init(&s, b, sizeof(in) - 1);
	s.stop_at = 2;
	u.s = b;
	u.in = 0;
	CHECK_INT("inplace stop value",
	    urlencoded_decode_inplace(&u, sizeof(in) - 1, isink_fn, &s), 7);
	CHECK_INT("inplace stop: no third call", s.calls, 2);
	CHECK_MEM("inplace stop: fields before it", buf_cstr(&s.out), s.out.len,
	    "a\x1f"
	    "1\x1e"
	    "b\x1f"
	    "2\x1e",
	    8);
	free(b);
	buf_fini(&s.out);
	/* Resumed: "a=1&" first (one call), then the stop in the rest. */
	b = harness_exact(in, sizeof(in));
	isink_init(&s, b, sizeof(in) - 1);
	s.stop_at = 2;
	u.s = b;
	u.in = 0;
	CHECK_INT("inplace stop resumed: first part",
	    urlencoded_decode_inplace(&u, 4, isink_fn, &s), 0);
	CHECK_INT("inplace stop resumed: first part calls", s.calls, 1);
	CHECK_INT("inplace stop resumed value",
	    urlencoded_decode_inplace(&u, sizeof(in) - 1, isink_fn, &s), 7);
	CHECK_INT("inplace stop resumed: no third call", s.calls, 2);
	free(b);
	buf_fini(&s.out);
}

/* The raw splitter gives the same fields before decoding. */
static int
split_fn(void *arg, enum urlencoded_event ev, const char *p, size_t n)
{
	struct buf *b = arg;

	if (ev == URLENCODED_VALUE && buf_putc(b, '=') == -1)
		return -1;
	if (ev == URLENCODED_END)
		return buf_putc(b, '|');
	return buf_append(b, p, n);
}

static const struct {
	const char *name, *in, *out;
} split_cases[] = {
	{ "split keeps escapes", "a=%41+b&&c&=", "a=%41+b|c=|=|" },
	{ "split semicolon", "a=1;b=2", "a=1;b=2|" },
	{ "split empty", "", "" },
};

static const struct {
	const char *name, *ct;
	bool want;
} type_cases[] = {
	{ "L-URL-14 exact", "application/x-www-form-urlencoded", true },
	{ "L-URL-14 case and charset",
	    "Application/X-WWW-Form-URLEncoded; charset=UTF-8", true },
	{ "L-URL-14 spaces", "  application/x-www-form-urlencoded ;x=y", true },
	{ "L-URL-14 other type", "multipart/form-data; boundary=x", false },
	{ "L-URL-14 prefix only", "application/x-www-form-urlencodedx", false },
	{ "L-URL-14 empty", "", false },
};

static int
stop_fn(void *arg, enum urlencoded_event ev, const char *p, size_t n)
{
	int *count = arg;

	(void)p;
	(void)n;
	return ev == URLENCODED_END && ++*count == 2 ? 7 : 0;
}

int
main(void)
{
	struct urlencoded u;
	struct buf b;
	size_t i, k;
	int count = 0;
	char *in;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (k = 0; k <= cases[i].inlen; k++)
			run_split(i, k);
		run_bytewise(i);
		inplace_row(cases[i].name, cases[i].in, cases[i].inlen,
		    cases[i].out, cases[i].outlen);
	}
	test_generated();
	test_inplace_stop();
	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		buf_init(&b, 0);
		in =
		    harness_exact(split_cases[i].in, strlen(split_cases[i].in));
		CHECK_INT(split_cases[i].name,
		    urlencoded_split(in, strlen(split_cases[i].in), split_fn,
		        &b),
		    URLENCODED_OK);
		CHECK_STR(split_cases[i].name, buf_cstr(&b),
		    split_cases[i].out);
		free(in);
		buf_fini(&b);
	}
	for (i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++)
		CHECK_INT(type_cases[i].name,
		    urlencoded_is_type(str_from(type_cases[i].ct)),
		    type_cases[i].want);
	/* A non-zero callback return stops the parse and sticks. */
	urlencoded_init(&u, stop_fn, &count);
	CHECK_INT("stop", urlencoded_feed(&u, "a&b&c&d", 7),
	    URLENCODED_STOPPED);
	CHECK_INT("stop value kept", u.stop, 7);
	CHECK_INT("stop sticks", urlencoded_feed(&u, "e&f", 3),
	    URLENCODED_STOPPED);
	CHECK_INT("stop finish", urlencoded_finish(&u), URLENCODED_STOPPED);
	CHECK_INT("stop count", count, 2);
	return harness_done();
}
