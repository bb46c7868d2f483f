/*
 * test_urlencoded.c - the WHATWG urlencoded parser: every L-URL row of the
 * checklist that belongs to the parser, the WHATWG urlencoded-parser test
 * vectors, each run whole, split at every byte offset and byte by byte
 * (STYLE Rule 15), plus the raw splitter and the media-type check.
 *
 * Expected field lists are written as name 0x1f value 0x1e per field.
 */
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
	}
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
