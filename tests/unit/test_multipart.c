/*
 * test_multipart.c - the streaming multipart/form-data parser: every
 * L-MP row of the checklist that belongs to the parser, run whole, split
 * at every byte offset and byte by byte (STYLE Rule 15); a ~2 KiB and a
 * 4 KiB body split at every offset (L-MP-08); the boundary parameter
 * rules (L-MP-01, L-MP-02); and hostile bodies that must stay linear
 * (L-MP-26): only CRLFs, near-boundaries, 100,000 tiny parts.
 *
 * Events are written as {name:value} per header, [name|filename|type|
 * charset] per part start ("-" for no filename), the content bytes, <E>
 * per part end and <D> at the close delimiter.
 */
#include <string.h>

#include "buf.h"
#include "multipart.h"
#include "harness.h"

#define S(s) s, sizeof(s) - 1
#define CD   "Content-Disposition: form-data; name="
#define P(n) "--XB\r\n" CD "\"" n "\"\r\n\r\n"
#define END  "\r\n--XB--\r\n"

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	size_t hdrcap;
	enum multipart_rc rc;
	enum multipart_err err;
	const char *out; /* events when rc is MULTIPART_DONE */
	size_t outlen;
} cases[] = {
	{ "one field", S(P("a") "hello" END), 256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; "
	      "name=\"a\"}[a|-||]hello<E><D>") },
	{ "L-MP-03 preamble and epilogue ignored",
	    S("junk\r\nmore--XB junk\r\n" P("a") "v" END "epilogue --XB\r\n"),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]v<E><D>") },
	{ "L-MP-03 preamble bound",
	    S("0123456789abcdef0123456789abcdef0123456\r\n" P("a") "v" END),
	    256, MULTIPART_ERROR, MULTIPART_EPREAMBLE, S("") },
	{ "L-MP-03 preamble at the bound",
	    S("0123456789abcdef0123456789abcdef012345\r\n" P("a") "v" END), 256,
	    MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]v<E><D>") },
	{ "L-MP-04 transport padding",
	    S("--XB  \t\r\n" CD "a\r\n\r\nv\r\n--XB \r\n" CD
	      "b\r\n\r\nw\r\n--XB--"),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=a}[a|-||]v<E>"
	      "{Content-Disposition:form-data; name=b}[b|-||]w<E><D>") },
	{ "L-MP-04 boundary then junk is content",
	    S(P("a") "x\r\n--XBx\r\ny\r\n--XB-\r\nz" END), 256, MULTIPART_DONE,
	    0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]"
	      "x\r\n--XBx\r\ny\r\n--XB-\r\nz<E><D>") },
	{ "L-MP-04 padding then junk is content",
	    S(P("a") "x\r\n--XB  y\r\n--XB \r\r\n--XB--"), 256, MULTIPART_DONE,
	    0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]"
	      "x\r\n--XB  y\r\n--XB \r<E><D>") },
	{ "L-MP-05 CRLF belongs to the delimiter",
	    S(P("a") "line\r\n\r\nmid --XB here\r\n" END), 256, MULTIPART_DONE,
	    0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]"
	      "line\r\n\r\nmid --XB here\r\n<E><D>") },
	{ "L-MP-05 near-boundaries are content",
	    S(P("a") "\r\n--X\r\n-\r\r\n--\r\n--XC\r\r" END), 256,
	    MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]"
	      "\r\n--X\r\n-\r\r\n--\r\n--XC\r\r<E><D>") },
	{ "L-MP-05 empty part", S(P("a") "\r\n--XB--"), 256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]<E><D>") },
	{ "L-MP-06 truncated in data", S(P("a") "hello\r\n--X"), 256,
	    MULTIPART_ERROR, MULTIPART_ETRUNCATED, S("") },
	{ "L-MP-06 truncated in headers", S("--XB\r\n" CD "a\r\n"), 256,
	    MULTIPART_ERROR, MULTIPART_ETRUNCATED, S("") },
	{ "L-MP-06 empty body", S(""), 256, MULTIPART_ERROR,
	    MULTIPART_ETRUNCATED, S("") },
	{ "L-MP-06 no close delimiter", S(P("a") "v\r\n--XB\r\n"), 256,
	    MULTIPART_ERROR, MULTIPART_ETRUNCATED, S("") },
	{ "L-MP-07 LF-only delimiter", S("--XB\n" CD "a\n\nv\n--XB--\n"), 256,
	    MULTIPART_ERROR, MULTIPART_ELF, S("") },
	{ "L-MP-07 LF-only header line", S("--XB\r\n" CD "a\n\r\nv" END), 256,
	    MULTIPART_ERROR, MULTIPART_EHEADER, S("") },
	{ "L-MP-07 bare CR in header", S("--XB\r\n" CD "a\rb\r\n\r\nv" END),
	    256, MULTIPART_ERROR, MULTIPART_EHEADER, S("") },
	{ "L-MP-09 no Content-Disposition",
	    S("--XB\r\nContent-Type: text/plain\r\n\r\nv" END), 256,
	    MULTIPART_ERROR, MULTIPART_ENODISP, S("") },
	{ "L-MP-09 no name",
	    S("--XB\r\nContent-Disposition: form-data\r\n\r\nv" END), 256,
	    MULTIPART_ERROR, MULTIPART_ENODISP, S("") },
	{ "L-MP-09 not form-data",
	    S("--XB\r\nContent-Disposition: attachment;"
	      " name=a\r\n\r\nv" END),
	    256, MULTIPART_ERROR, MULTIPART_ENODISP, S("") },
	{ "L-MP-09 no headers at all", S("--XB\r\n\r\nv" END), 256,
	    MULTIPART_ERROR, MULTIPART_ENODISP, S("") },
	{ "L-MP-10 percent not decoded", S(P("a%22b") "v" END), 256,
	    MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; "
	      "name=\"a%22b\"}[a%22b|-||]v<E><D>") },
	{ "L-MP-10 quoted-pairs decoded",
	    S("--XB\r\n" CD "\"a\\\"b\\\\c\\d\"\r\n\r\nv" END), 256,
	    MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; "
	      "name=\"a\\\"b\\\\c\\d\"}[a\"b\\c\\d|-||]v<E><D>") },
	{ "L-MP-10 semicolon inside quotes",
	    S("--XB\r\n" CD "\"a;b\"; filename=\"x;y\"\r\n\r\nv" END), 256,
	    MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; "
	      "name=\"a;b\"; filename=\"x;y\"}[a;b|x;y||]v<E><D>") },
	{ "L-MP-10 unterminated quote", S("--XB\r\n" CD "\"a\r\n\r\nv" END),
	    256, MULTIPART_ERROR, MULTIPART_EHEADER, S("") },
	{ "L-MP-11 duplicate name",
	    S("--XB\r\n" CD "\"a\"; name=\"b\"\r\n\r\nv" END), 256,
	    MULTIPART_ERROR, MULTIPART_EDUPPARAM, S("") },
	{ "L-MP-11 duplicate name case",
	    S("--XB\r\n" CD "\"a\"; NAME=\"b\"\r\n"
	      "\r\nv" END),
	    256, MULTIPART_ERROR, MULTIPART_EDUPPARAM, S("") },
	{ "L-MP-11 duplicate filename",
	    S("--XB\r\n" CD "a; filename=x; "
	      "filename=y\r\n\r\nv" END),
	    256, MULTIPART_ERROR, MULTIPART_EDUPPARAM, S("") },
	{ "L-MP-11 two Content-Disposition",
	    S("--XB\r\n" CD "a\r\n" CD "b\r\n"
	      "\r\nv" END),
	    256, MULTIPART_ERROR, MULTIPART_EDUPPARAM, S("") },
	{ "L-MP-12 filename* ignored",
	    S("--XB\r\n" CD "f; filename=\"a.txt\"; "
	      "filename*=UTF-8''..%2F..%2Fx\r\n\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=f; filename=\"a.txt\"; "
	      "filename*=UTF-8''..%2F..%2Fx}[f|a.txt||]v<E><D>") },
	{ "L-MP-13 empty filename",
	    S("--XB\r\n" CD "f; filename=\"\"\r\n"
	      "Content-Type: application/octet-stream\r\n\r\n" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=f; "
	      "filename=\"\"}{Content-Type:application/octet-stream}"
	      "[f||application/octet-stream|]<E><D>") },
	{ "L-MP-14 path kept raw here",
	    S("--XB\r\n" CD "f; filename="
	      "\"../../etc/passwd\"\r\n\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=f; filename="
	      "\"../../etc/passwd\"}[f|../../etc/passwd||]v<E><D>") },
	{ "L-MP-15 raw UTF-8 filename",
	    S("--XB\r\n" CD "f; filename=\"\xc3\xa9"
	      ".txt\"\r\n\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=f; "
	      "filename=\"\xc3\xa9.txt\"}"
	      "[f|\xc3\xa9.txt||]v<E><D>") },
	{ "L-MP-15 encoded-word left alone",
	    S("--XB\r\n" CD "f; filename=\"=?"
	      "utf-8?B?w6k=?=\"\r\n\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=f; filename=\"=?utf-8?B?w6k"
	      "=?=\"}[f|=?utf-8?B?w6k=?=||]v<E><D>") },
	{ "L-MP-16 content type and charset",
	    S("--XB\r\n" CD "a\r\ncontent-type:"
	      " text/plain; charset=\"iso-8859-1\"\r\n\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=a}"
	      "{content-type:text/plain; charset=\"iso-8859-1\"}"
	      "[a|-|text/plain; charset=\"iso-8859-1\"|iso-8859-1]v<E><D>") },
	{ "L-MP-17 _charset_ is a field", S(P("_charset_") "UTF-8" END), 256,
	    MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name="
	      "\"_charset_\"}[_charset_|-||]UTF-8<E><D>") },
	{ "L-MP-18 binary accepted",
	    S("--XB\r\n" CD "a\r\nContent-Transfer-"
	      "Encoding: BINARY\r\n\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; "
	      "name=a}{Content-Transfer-Encoding"
	      ":BINARY}[a|-||]v<E><D>") },
	{ "L-MP-18 8bit accepted",
	    S("--XB\r\n" CD "a\r\nContent-Transfer-"
	      "Encoding: 8bit\r\n\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; "
	      "name=a}{Content-Transfer-Encoding"
	      ":8bit}[a|-||]v<E><D>") },
	{ "L-MP-18 7bit accepted",
	    S("--XB\r\n" CD "a\r\nContent-Transfer-"
	      "Encoding: 7bit\r\n\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; "
	      "name=a}{Content-Transfer-Encoding"
	      ":7bit}[a|-||]v<E><D>") },
	{ "L-MP-18 base64 refused",
	    S("--XB\r\n" CD "a\r\nContent-Transfer-"
	      "Encoding: base64\r\n\r\ndg==" END),
	    256, MULTIPART_ERROR, MULTIPART_EENCODING, S("") },
	{ "L-MP-18 quoted-printable refused",
	    S("--XB\r\n" CD "a\r\nContent-"
	      "Transfer-Encoding: quoted-printable\r\n\r\nv" END),
	    256, MULTIPART_ERROR, MULTIPART_EENCODING, S("") },
	{ "L-MP-18 unknown refused",
	    S("--XB\r\n" CD "a\r\nContent-Transfer-"
	      "Encoding: x-foo\r\n\r\nv" END),
	    256, MULTIPART_ERROR, MULTIPART_EENCODING, S("") },
	{ "L-MP-19 other headers ignored",
	    S("--XB\r\n" CD "a\r\nX-Foo: bar\r\n"
	      "\r\nv" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; "
	      "name=a}{X-Foo:bar}[a|-||]v<E><D>") },
	{ "L-MP-19 header block at the bound",
	    S("--XB\r\n" CD "abcdefghij\r\n\r\nv" END), 51, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=abcdefghij}"
	      "[abcdefghij|-||]v<E><D>") },
	{ "L-MP-19 header block one past",
	    S("--XB\r\n" CD "abcdefghijk\r\n\r\nv" END), 51, MULTIPART_ERROR,
	    MULTIPART_EHEADER_SIZE, S("") },
	{ "L-MP-19 bad header name",
	    S("--XB\r\n" CD "a\r\nX Y: z\r\n\r\nv" END), 256, MULTIPART_ERROR,
	    MULTIPART_EHEADER, S("") },
	{ "L-MP-19 header without colon",
	    S("--XB\r\n" CD "a\r\nXY\r\n\r\nv" END), 256, MULTIPART_ERROR,
	    MULTIPART_EHEADER, S("") },
	{ "L-MP-20 folded header",
	    S("--XB\r\n" CD "a\r\n continued\r\n\r\nv" END), 256,
	    MULTIPART_ERROR, MULTIPART_EHEADER, S("") },
	{ "L-MP-21 mixed part reported with its boundary",
	    S("--XB\r\n" CD "files\r\n"
	      "Content-Type: multipart/mixed; boundary=YY\r\n\r\n--YY\r\n"
	      "Content-Disposition: file; filename=a\r\n\r\nx\r\n--YY--" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=files}{Content-Type:"
	      "multipart/mixed; boundary=YY}[files|-|multipart/mixed; boundary="
	      "YY||nested=YY]--YY\r\nContent-Disposition: file; filename=a\r\n"
	      "\r\nx\r\n--YY--<E><D>") },
	{ "L-MP-21 other nested type refused",
	    S("--XB\r\n" CD "files\r\nContent-Type: multipart/alternative; "
	      "boundary=YY\r\n\r\n--YY--" END),
	    256, MULTIPART_ERROR, MULTIPART_ENESTED, S("") },
	{ "L-MP-21 mixed without boundary refused",
	    S("--XB\r\n" CD "files\r\nContent-Type: multipart/mixed\r\n\r\n"
	      "--YY--" END),
	    256, MULTIPART_ERROR, MULTIPART_ENESTED, S("") },
	{ "L-MP-22 several files one name",
	    S("--XB\r\n" CD "f; filename=a\r\n\r\n1\r\n--XB\r\n" CD
	      "f; filename=b\r\n\r\n2" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=f; filename=a}[f|a||]1<E>"
	      "{Content-Disposition:form-data; name=f; filename=b}[f|b||]2<E>"
	      "<D>") },
	{ "L-MP-23 order and duplicates",
	    S(P("a") "1\r\n" P("b") "2\r\n" P("a") "3" END), 256,
	    MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]1<E>"
	      "{Content-Disposition:form-data; name=\"b\"}[b|-||]2<E>"
	      "{Content-Disposition:form-data; name=\"a\"}[a|-||]3<E><D>") },
	{ "L-MP-24 value byte-exact", S(P("t") "a\r\nb\r\n\r\n\0\xff\r" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=\"t\"}"
	      "[t|-||]a\r\nb\r\n\r\n\0\xff\r<E><D>") },
	{ "close delimiter then anything", S(P("a") "v\r\n--XB--garbage"), 256,
	    MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]v<E><D>") },
	{ "close delimiter first", S("--XB--\r\n"), 256, MULTIPART_DONE, 0,
	    S("<D>") },
	{ "padding too long is content",
	    S(P("a") "v\r\n--XB"
	             "                                 \r\n" END),
	    256, MULTIPART_DONE, 0,
	    S("{Content-Disposition:form-data; name=\"a\"}[a|-||]v\r\n--XB"
	      "                                 \r\n<E><D>") },
	{ "fuzz: preamble bound before a bare-LF delimiter",
	    S("0123456789abcdef0123456789abcdef0123456789\r\n--XB \n"), 256,
	    MULTIPART_ERROR, MULTIPART_EPREAMBLE, S("") },
	{ "NUL in header value", S("--XB\r\n" CD "a\0\r\n\r\nv" END), 256,
	    MULTIPART_ERROR, MULTIPART_EHEADER, S("") },
};

struct sink {
	struct buf out;
	int bad; /* an event broke the contract */
};

static int
put(struct buf *b, const char *p, size_t n)
{
	return buf_append(b, p, n);
}

static int
sink_fn(void *arg, enum multipart_event ev, struct str a, struct str b,
    const struct multipart_part *part)
{
	struct sink *s = arg;
	struct buf *o = &s->out;

	switch (ev) {
	case MULTIPART_EV_HEADER:
		return put(o, "{", 1) || put(o, a.p, a.len) || put(o, ":", 1) ||
		    put(o, b.p, b.len) || put(o, "}", 1);
	case MULTIPART_EV_PART_BEGIN:
		return put(o, "[", 1) || put(o, part->name.p, part->name.len) ||
		    put(o, "|", 1) ||
		    (part->has_filename
		            ? put(o, part->filename.p, part->filename.len)
		            : put(o, "-", 1)) ||
		    put(o, "|", 1) ||
		    put(o, part->content_type.p, part->content_type.len) ||
		    put(o, "|", 1) ||
		    put(o, part->charset.p, part->charset.len) ||
		    (part->nested.len > 0 &&
		        (put(o, "|nested=", 8) ||
		            put(o, part->nested.p, part->nested.len))) ||
		    put(o, "]", 1);
	case MULTIPART_EV_DATA:
		if (a.len == 0)
			s->bad = 1;
		return put(o, a.p, a.len);
	case MULTIPART_EV_PART_END:
		return put(o, "<E>", 3);
	case MULTIPART_EV_DONE:
		return put(o, "<D>", 3);
	}
	return -1;
}

/* Feeds the pieces in[cut[j]..cut[j+1]) as exact heap copies. */
static enum multipart_rc
run(const char *in, size_t n, const size_t *cut, size_t ncut, size_t hdrcap,
    struct multipart *mp, struct sink *s)
{
	char hdr[4096], *piece;
	enum multipart_rc rc = MULTIPART_MORE;
	size_t j, from = 0, to;

	buf_init(&s->out, 0);
	s->bad = 0;
	if (multipart_init(mp, STR_LIT("XB"), hdr, hdrcap, 40, sink_fn, s))
		return MULTIPART_ERROR;
	for (j = 0; j <= ncut; j++) {
		to = j < ncut ? cut[j] : n;
		piece = harness_exact(in + from, to - from);
		rc = multipart_feed(mp, piece, to - from);
		free(piece);
		from = to;
		if (rc == MULTIPART_ERROR)
			return rc;
	}
	rc = multipart_finish(mp);
	return rc;
}

static void
check_row(size_t i, const size_t *cut, size_t ncut)
{
	struct multipart mp;
	struct sink s;
	enum multipart_rc rc;

	rc = run(cases[i].in, cases[i].inlen, cut, ncut, cases[i].hdrcap, &mp,
	    &s);
	CHECK_INT(cases[i].name, rc, cases[i].rc);
	CHECK_INT(cases[i].name, mp.err, cases[i].err);
	if (cases[i].rc == MULTIPART_DONE)
		CHECK_MEM(cases[i].name, buf_cstr(&s.out), s.out.len,
		    cases[i].out, cases[i].outlen);
	if (strstr(cases[i].name, "truncated in data") != NULL)
		CHECK(cases[i].name,
		    s.out.len < 3 ||
		        memcmp(s.out.data + s.out.len - 3, "<E>", 3) != 0);
	CHECK_INT(cases[i].name, s.bad, 0);
	buf_fini(&s.out);
}

static void
test_rows(void)
{
	size_t i, k, *cuts, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = cases[i].inlen;
		check_row(i, NULL, 0);
		for (k = 0; k <= n; k++)
			check_row(i, &k, 1);
		if ((cuts = malloc((n + 1) * sizeof(*cuts))) == NULL)
			exit(2);
		for (k = 0; k < n; k++)
			cuts[k] = k + 1;
		check_row(i, cuts, n > 0 ? n - 1 : 0);
		free(cuts);
	}
}

static const struct {
	const char *name, *ct;
	int rc;
	const char *boundary;
} boundary_cases[] = {
	{ "L-MP-01 token", "multipart/form-data; boundary=XB", 0, "XB" },
	{ "L-MP-01 quoted with space", "multipart/form-data; boundary=\"a b\"",
	    0, "a b" },
	{ "L-MP-01 name case-insensitive", "Multipart/Form-Data; BOUNDARY=x", 0,
	    "x" },
	{ "L-MP-01 among parameters",
	    "multipart/form-data; charset=utf-8; "
	    "boundary=----WebKitFormBoundary"
	    "7MA4YWxkTrZu0gW",
	    0, "----WebKitFormBoundary7MA4YWxkTrZu0gW" },
	{ "L-MP-01 none", "multipart/form-data", -1, NULL },
	{ "L-MP-01 empty", "multipart/form-data; boundary=", -1, NULL },
	{ "L-MP-01 empty quoted", "multipart/form-data; boundary=\"\"", -1,
	    NULL },
	{ "L-MP-01 twice", "multipart/form-data; boundary=a; boundary=b", -1,
	    NULL },
	{ "L-MP-01 other type", "multipart/mixed; boundary=a", -1, NULL },
	{ "L-MP-01 unterminated quote", "multipart/form-data; boundary=\"ab",
	    -1, NULL },
	{ "L-MP-02 70 characters",
	    "multipart/form-data; boundary="
	    "012345678901234567890123456789012345678901234567890123456789012345"
	    "6789",
	    0,
	    "012345678901234567890123456789012345678901234567890123456789012345"
	    "6789" },
	{ "L-MP-02 71 characters",
	    "multipart/form-data; boundary="
	    "012345678901234567890123456789012345678901234567890123456789012345"
	    "67890",
	    -1, NULL },
	{ "L-MP-02 trailing space", "multipart/form-data; boundary=\"ab \"", -1,
	    NULL },
	{ "L-MP-02 not a bchar", "multipart/form-data; boundary=a@b", -1,
	    NULL },
	{ "L-MP-02 backslash", "multipart/form-data; boundary=\"a\\b\"", -1,
	    NULL },
	{ "L-MP-02 all bchars",
	    "multipart/form-data; boundary=\"'()+_,-./:=? x\"", 0,
	    "'()+_,-./:=? x" },
};

static void
test_boundary(void)
{
	struct str b = { NULL, 0 };
	size_t i;
	char *ct;
	int rc;

	for (i = 0; i < sizeof(boundary_cases) / sizeof(boundary_cases[0]);
	     i++) {
		ct = harness_exact(boundary_cases[i].ct,
		    strlen(boundary_cases[i].ct));
		rc = multipart_boundary(
		    (struct str){ ct, strlen(boundary_cases[i].ct) }, &b);
		CHECK_INT(boundary_cases[i].name, rc, boundary_cases[i].rc);
		if (rc == 0)
			CHECK_MEM(boundary_cases[i].name, b.p, b.len,
			    boundary_cases[i].boundary,
			    strlen(boundary_cases[i].boundary));
		free(ct);
	}
	CHECK_INT("init refuses empty boundary",
	    multipart_init(&(struct multipart){ 0 }, STR_LIT(""), NULL, 0, 0,
	        sink_fn, NULL),
	    -1);
}

/*
 * L-MP-08: a body of about size bytes with two fields and a file whose
 * content is full of CRs and near-boundaries, split at every offset.
 */
static void
test_big_split(size_t size)
{
	struct buf body, want, content;
	struct multipart mp;
	struct sink s;
	size_t k, i;
	enum multipart_rc rc;
	int ok = 1;

	buf_init(&body, 0);
	buf_init(&want, 0);
	buf_init(&content, 0);
	for (i = 0; content.len < size - 200; i++)
		if (buf_printf(&content, "%zu\r\n--X\r--XB%c\r\r\n-", i,
		        (int)('a' + i % 26)) == -1)
			exit(2);
	if (buf_puts(&body,
	        "preamble\r\n" P("a") "1\r\n--XB\r\n" CD
	                              "f; filename=\"x.bin\"\r\n\r\n") == -1 ||
	    buf_append(&body, content.data, content.len) == -1 ||
	    buf_puts(&body, "\r\n" P("b") "2" END) == -1)
		exit(2);
	if (buf_puts(&want,
	        "{Content-Disposition:form-data; name=\"a\"}"
	        "[a|-||]1<E>{Content-Disposition:form-data; "
	        "name=f; filename=\"x.bin\"}[f|x.bin||]") == -1 ||
	    buf_append(&want, content.data, content.len) == -1 ||
	    buf_puts(&want,
	        "<E>{Content-Disposition:form-data; name=\"b\"}"
	        "[b|-||]2<E><D>") == -1)
		exit(2);
	for (k = 0; k <= body.len; k++) {
		rc = run(body.data, body.len, &k, 1, 256, &mp, &s);
		if (rc != MULTIPART_DONE || s.out.len != want.len ||
		    memcmp(s.out.data, want.data, want.len) != 0) {
			CHECK_INT("L-MP-08 big body split", (long long)k, -1);
			ok = 0;
		}
		buf_fini(&s.out);
		if (!ok)
			break;
	}
	CHECK("L-MP-08 big body split at every offset", ok);
	CHECK("L-MP-08 body size", body.len >= size - 100);
	buf_fini(&body);
	buf_fini(&want);
	buf_fini(&content);
}

/*
 * L-MP-05, L-MP-26 with a 40-byte boundary: content made of candidates
 * that match the delimiter up to each of its positions and then differ
 * (by a letter, or by a CR that must start the next candidate), so the
 * scanner's jump past a matched prefix is taken at every length, then
 * the real delimiter; whole and split at every offset into two feeds.
 */
static void
test_long_boundary_near_misses(void)
{
	static const char bnd[] = "----LongBoundary0123456789abcdefghijklm";
	char delim[64], hdr[4096], *a, *b;
	struct buf body, content, want;
	struct multipart mp;
	struct sink s;
	size_t dl, j, k;
	enum multipart_rc rc;
	int bad = 0;

	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", bnd);
	buf_init(&body, 0);
	buf_init(&content, 0);
	buf_init(&want, 0);
	for (j = 0; j < dl; j++) {
		/* delim[0..j) then a byte that is not delim[j] */
		if (buf_append(&content, delim, j) == -1 ||
		    buf_putc(&content, j % 3 == 0 ? '\r' : 'Q') == -1 ||
		    buf_puts(&content, "x") == -1)
			exit(2);
	}
	/* A near-miss whose first differing byte is the real delimiter's CR:
	 * a jump one byte too far would miss the end of the part. */
	if (buf_append(&content, delim, 9) == -1)
		exit(2);
	if (buf_printf(&body,
	        "--%s\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n",
	        bnd) == -1 ||
	    buf_append(&body, content.data, content.len) == -1 ||
	    buf_printf(&body, "%s--\r\n", delim) == -1 ||
	    buf_puts(&want,
	        "{Content-Disposition:form-data; name=\"f\"}[f|-||]") == -1 ||
	    buf_append(&want, content.data, content.len) == -1 ||
	    buf_puts(&want, "<E><D>") == -1)
		exit(2);
	for (k = 0; k <= body.len; k++) {
		buf_init(&s.out, 0);
		s.bad = 0;
		if (multipart_init(&mp, str_from(bnd), hdr, sizeof(hdr) - 1, 40,
		        sink_fn, &s) != 0)
			exit(2);
		a = harness_exact(body.data, k);
		b = harness_exact(body.data + k, body.len - k);
		rc = multipart_feed(&mp, a, k);
		if (rc != MULTIPART_ERROR)
			rc = multipart_feed(&mp, b, body.len - k);
		if (rc != MULTIPART_ERROR)
			rc = multipart_finish(&mp);
		if (rc != MULTIPART_DONE || s.bad != 0 ||
		    s.out.len != want.len ||
		    memcmp(s.out.data, want.data, want.len) != 0) {
			if (bad++ == 0) {
				CHECK_INT("long boundary: first bad split",
				    (long long)k, -1);
				CHECK_MEM("long boundary: events", s.out.data,
				    s.out.len, want.data, want.len);
			}
		}
		free(a);
		free(b);
		buf_fini(&s.out);
	}
	CHECK_INT("L-MP-05 long boundary: near-misses at every length are "
	          "content, at every split",
	    bad, 0);
	buf_fini(&body);
	buf_fini(&content);
	buf_fini(&want);
}

static int
count_fn(void *arg, enum multipart_event ev, struct str a, struct str b,
    const struct multipart_part *part)
{
	size_t *n = arg;

	(void)a;
	(void)b;
	(void)part;
	if (ev == MULTIPART_EV_PART_END)
		(*n)++;
	return 0;
}

/* L-MP-26: hostile bodies complete (the suite's time budget bounds them). */
static void
test_hostile(void)
{
	struct multipart mp;
	struct buf body;
	char hdr[256];
	size_t i, nparts = 0;
	enum multipart_rc rc;

	buf_init(&body, 0);
	for (i = 0; i < 1u << 19; i++)
		if (buf_puts(&body, "\r\n") == -1)
			exit(2);
	(void)multipart_init(&mp, STR_LIT("XB"), hdr, sizeof(hdr), 1u << 30,
	    count_fn, &nparts);
	rc = multipart_feed(&mp, body.data, body.len);
	CHECK_INT("L-MP-26 only CRLFs", rc, MULTIPART_MORE);
	CHECK_INT("L-MP-26 only CRLFs truncated", multipart_finish(&mp),
	    MULTIPART_ERROR);
	buf_reset(&body);
	if (buf_puts(&body, P("a")) == -1)
		exit(2);
	for (i = 0; i < 1u << 17; i++)
		if (buf_puts(&body, "\r\n--X") == -1)
			exit(2);
	if (buf_puts(&body, END) == -1)
		exit(2);
	(void)multipart_init(&mp, STR_LIT("XB"), hdr, sizeof(hdr), 2, count_fn,
	    &nparts);
	CHECK_INT("L-MP-26 near-boundaries",
	    multipart_feed(&mp, body.data, body.len), MULTIPART_DONE);
	CHECK_INT("L-MP-26 near-boundaries one part", nparts, 1);
	buf_reset(&body);
	for (i = 0; i < 100000; i++)
		if (buf_puts(&body, "--XB\r\n" CD "a\r\n\r\nv\r\n") == -1)
			exit(2);
	if (buf_puts(&body, "--XB--") == -1)
		exit(2);
	nparts = 0;
	(void)multipart_init(&mp, STR_LIT("XB"), hdr, sizeof(hdr), 2, count_fn,
	    &nparts);
	CHECK_INT("L-MP-26 100000 tiny parts",
	    multipart_feed(&mp, body.data, body.len), MULTIPART_DONE);
	CHECK_INT("L-MP-26 100000 tiny parts counted", nparts, 100000);
	buf_fini(&body);
}

static int
stop_fn(void *arg, enum multipart_event ev, struct str a, struct str b,
    const struct multipart_part *part)
{
	(void)arg;
	(void)a;
	(void)b;
	(void)part;
	return ev == MULTIPART_EV_DATA ? 9 : 0;
}

static void
test_stop(void)
{
	struct multipart mp;
	char hdr[256];
	static const char body[] = P("a") "v" END;

	(void)multipart_init(&mp, STR_LIT("XB"), hdr, sizeof(hdr), 0, stop_fn,
	    NULL);
	CHECK_INT("stop", multipart_feed(&mp, body, sizeof(body) - 1),
	    MULTIPART_ERROR);
	CHECK_INT("stop err", mp.err, MULTIPART_ESTOPPED);
	CHECK_INT("stop value", mp.stop, 9);
	CHECK_INT("stop sticks", multipart_feed(&mp, "x", 1), MULTIPART_ERROR);
	CHECK_INT("stop finish", multipart_finish(&mp), MULTIPART_ERROR);
	CHECK("strerror", strlen(multipart_strerror(MULTIPART_ELF)) > 0);
	CHECK("is_type",
	    multipart_is_type(STR_LIT("Multipart/Form-Data ;b=1")));
	CHECK("is_type other", !multipart_is_type(STR_LIT("multipart/mixed")));
}

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	enum multipart_err err;
	const char *out;
	size_t outlen;
} inner_cases[] = {
	{ "L-MP-21 inner parts need no name",
	    S("--XB\r\nContent-Disposition: file; filename=a.txt\r\n\r\n1\r\n"
	      "--XB\r\nContent-Disposition: attachment; filename=b\r\n\r\n2"
	      "\r\n--XB--"),
	    MULTIPART_EOK,
	    S("{Content-Disposition:file; filename=a.txt}[|a.txt||]1<E>"
	      "{Content-Disposition:attachment; filename=b}[|b||]2<E><D>") },
	{ "L-MP-21 inner needs a disposition",
	    S("--XB\r\nContent-Type: text/plain\r\n\r\n1\r\n--XB--"),
	    MULTIPART_ENODISP, S("") },
	{ "L-MP-21 deeper nesting refused",
	    S("--XB\r\nContent-Disposition: file\r\nContent-Type: multipart/"
	      "mixed; boundary=ZZ\r\n\r\n--ZZ--\r\n--XB--"),
	    MULTIPART_ENESTED, S("") },
};

static void
test_inner(void)
{
	struct multipart mp;
	struct sink s;
	char hdr[256], *in;
	size_t i, k;
	enum multipart_rc rc;

	for (i = 0; i < sizeof(inner_cases) / sizeof(inner_cases[0]); i++) {
		for (k = 0; k <= inner_cases[i].inlen; k++) {
			buf_init(&s.out, 0);
			s.bad = 0;
			(void)multipart_init(&mp, STR_LIT("XB"), hdr,
			    sizeof(hdr), 0, sink_fn, &s);
			multipart_set_inner(&mp);
			in = harness_exact(inner_cases[i].in,
			    inner_cases[i].inlen);
			rc = multipart_feed(&mp, in, k);
			if (rc != MULTIPART_ERROR)
				rc = multipart_feed(&mp, in + k,
				    inner_cases[i].inlen - k);
			if (rc != MULTIPART_ERROR)
				rc = multipart_finish(&mp);
			CHECK_INT(inner_cases[i].name, mp.err,
			    inner_cases[i].err);
			if (inner_cases[i].err == MULTIPART_EOK)
				CHECK_MEM(inner_cases[i].name, buf_cstr(&s.out),
				    s.out.len, inner_cases[i].out,
				    inner_cases[i].outlen);
			free(in);
			buf_fini(&s.out);
		}
	}
}

int
main(void)
{
	test_rows();
	test_inner();
	test_boundary();
	test_long_boundary_near_misses();
	test_big_split(2048);
	test_big_split(4096);
	test_hostile();
	test_stop();
	return harness_done();
}
