/*
 * test_fcgi_record.c - tables for fcgi_record: record and name-value pair
 * decoding (whole, and every prefix of the input, each in an exact-size heap
 * copy), encoders, and encode-then-decode round trips.
 */
#include "fcgi_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define B(s) s, sizeof(s) - 1

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	enum fcgi_record_parse rc;
	unsigned type, id;
	const char *content;
	size_t content_len, padding_len, used;
} record_cases[] = {
	{ "begin request", B("\1\1\0\1\0\10\0\0\0\1\1\0\0\0\0\0"),
	    FCGI_RECORD_DONE, 1, 1, "\0\1\1\0\0\0\0\0", 8, 0, 16 },
	{ "empty params, id 0x1234", B("\1\4\x12\x34\0\0\0\0"),
	    FCGI_RECORD_DONE, 4, 0x1234, "", 0, 0, 8 },
	{ "stdin with padding", B("\1\5\0\1\0\3\5\0abcPPPPP"), FCGI_RECORD_DONE,
	    5, 1, "abc", 3, 5, 16 },
	{ "trailing bytes are the next record's",
	    B("\1\5\0\1\0\1\0\0x\1\5\0\1\0\0\0\0"), FCGI_RECORD_DONE, 5, 1, "x",
	    1, 0, 9 },
	{ "reserved byte ignored",
	    B("\1\6\0\2\0\2\0\xff"
	      "ok"),
	    FCGI_RECORD_DONE, 6, 2, "ok", 2, 0, 10 },
	{ "unknown type 0 parses", B("\1\0\0\0\0\0\0\0"), FCGI_RECORD_DONE, 0,
	    0, "", 0, 0, 8 },
	{ "type 255 parses", B("\1\xff\xff\xff\0\0\0\0"), FCGI_RECORD_DONE, 255,
	    0xffff, "", 0, 0, 8 },
	{ "empty input", B(""), FCGI_RECORD_MORE, 0, 0, NULL, 0, 0, 0 },
	{ "truncated header", B("\1\5\0\1\0"), FCGI_RECORD_MORE, 0, 0, NULL, 0,
	    0, 0 },
	{ "truncated content", B("\1\5\0\1\0\4\0\0ab"), FCGI_RECORD_MORE, 0, 0,
	    NULL, 0, 0, 0 },
	{ "truncated padding", B("\1\5\0\1\0\2\6\0abPPP"), FCGI_RECORD_MORE, 0,
	    0, NULL, 0, 0, 0 },
	{ "oversize length waits, never reads past",
	    B("\1\5\0\1\xff\xff\xff\0"), FCGI_RECORD_MORE, 0, 0, NULL, 0, 0,
	    0 },
	{ "version 0", B("\0\1\0\1\0\10\0\0"), FCGI_RECORD_ERROR, 0, 0, NULL, 0,
	    0, 0 },
	{ "version 2", B("\2\5\0\1\0\0\0\0"), FCGI_RECORD_ERROR, 0, 0, NULL, 0,
	    0, 0 },
	{ "HTTP instead of FastCGI", B("GET / HTTP/1.1\r\n"), FCGI_RECORD_ERROR,
	    0, 0, NULL, 0, 0, 0 },
};

/* The result expected for the first k bytes of a row. */
static enum fcgi_record_parse
record_prefix_want(size_t i, size_t k)
{
	if (record_cases[i].rc == FCGI_RECORD_ERROR)
		return k == 0 ? FCGI_RECORD_MORE : FCGI_RECORD_ERROR;
	if (record_cases[i].rc == FCGI_RECORD_DONE && k >= record_cases[i].used)
		return FCGI_RECORD_DONE;
	return FCGI_RECORD_MORE;
}

static void
test_record_parse(void)
{
	struct fcgi_record r;
	enum fcgi_record_parse rc;
	size_t i, k, used;
	char *in, name[160];

	for (i = 0; i < sizeof(record_cases) / sizeof(record_cases[0]); i++) {
		for (k = 0; k <= record_cases[i].inlen; k++) {
			in = harness_exact(record_cases[i].in, k);
			used = 12345;
			rc = fcgi_record_parse(&r, in, k, &used);
			(void)snprintf(name, sizeof(name), "%s (first %zu)",
			    record_cases[i].name, k);
			CHECK_INT(name, rc, record_prefix_want(i, k));
			if (rc != FCGI_RECORD_DONE) {
				CHECK_INT(name, used, 12345);
				free(in);
				continue;
			}
			CHECK_INT(name, r.version, 1);
			CHECK_INT(name, r.type, record_cases[i].type);
			CHECK_INT(name, r.request_id, record_cases[i].id);
			CHECK_INT(name, r.content_len,
			    record_cases[i].content_len);
			CHECK_INT(name, r.padding_len,
			    record_cases[i].padding_len);
			CHECK_INT(name, used, record_cases[i].used);
			CHECK_MEM(name, r.content.p, r.content.len,
			    record_cases[i].content,
			    record_cases[i].content_len);
			CHECK(name, r.content.p == in + 8);
			free(in);
		}
	}
}

static void
test_record_header(void)
{
	struct fcgi_record r;
	char *in;

	in = harness_exact("\1\5\0\7\1\0\3\0", 8);
	CHECK_INT("header only", fcgi_record_parse_header(&r, in, 8),
	    FCGI_RECORD_DONE);
	CHECK_INT("header only: content_len", r.content_len, 256);
	CHECK_INT("header only: padding", r.padding_len, 3);
	CHECK_INT("header only: id", r.request_id, 7);
	CHECK_INT("header only: no content view", r.content.len, 0);
	CHECK_INT("header, 7 bytes", fcgi_record_parse_header(&r, in, 7),
	    FCGI_RECORD_MORE);
	free(in);
}

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	size_t name_max, value_max;
	enum fcgi_record_parse rc;
	const char *pname;
	size_t pname_len;
	const char *pvalue;
	size_t pvalue_len;
	size_t used; /* for ERROR rows: bytes after which the error is due */
} pair_cases[] = {
	{ "1-byte lengths", B("\4\3HOST127"), 100, 100, FCGI_RECORD_DONE,
	    B("HOST"), B("127"), 9 },
	{ "empty value", B("\x0e\0FCGI_MAX_CONNS"), 100, 100, FCGI_RECORD_DONE,
	    B("FCGI_MAX_CONNS"), B(""), 16 },
	{ "empty name and value", B("\0\0"), 100, 100, FCGI_RECORD_DONE, B(""),
	    B(""), 2 },
	{ "length 127 in one byte",
	    B("\1\x7f"
	      "n"
	      "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	      "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	      "v"),
	    1000, 1000, FCGI_RECORD_DONE, B("n"),
	    B("vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	      "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	      "v"),
	    130 },
	{ "4-byte value length 128",
	    B("\1\x80\0\0\x80"
	      "n"
	      "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	      "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	      "v"),
	    1000, 1000, FCGI_RECORD_DONE, B("n"),
	    B("vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	      "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	      "v"),
	    134 },
	{ "4-byte name length, small value",
	    B("\x80\0\0\2\1"
	      "abc"),
	    10, 10, FCGI_RECORD_DONE, B("ab"), B("c"), 8 },
	{ "4-byte lengths may encode small values", B("\x80\0\0\1\x80\0\0\1xy"),
	    10, 10, FCGI_RECORD_DONE, B("x"), B("y"), 10 },
	{ "binary bytes pass through", B("\1\2\0\xff\x80"), 10, 10,
	    FCGI_RECORD_DONE, B("\0"), B("\xff\x80"), 5 },
	{ "next pair not consumed", B("\1\1ab\1\1cd"), 10, 10, FCGI_RECORD_DONE,
	    B("a"), B("b"), 4 },
	{ "name at its bound", B("\3\0abc"), 3, 0, FCGI_RECORD_DONE, B("abc"),
	    B(""), 5 },
	{ "name one over its bound", B("\4\0abcd"), 3, 0, FCGI_RECORD_ERROR,
	    NULL, 0, NULL, 0, 1 },
	{ "value one over its bound", B("\1\4abcde"), 3, 3, FCGI_RECORD_ERROR,
	    NULL, 0, NULL, 0, 2 },
	{ "huge 4-byte name refused before its bytes", B("\xff\xff\xff\xff"),
	    1 << 20, 1 << 20, FCGI_RECORD_ERROR, NULL, 0, NULL, 0, 4 },
	{ "huge 4-byte value refused before its bytes", B("\1\xff\xff\xff\xff"),
	    1 << 20, 1 << 20, FCGI_RECORD_ERROR, NULL, 0, NULL, 0, 5 },
	{ "empty input", B(""), 10, 10, FCGI_RECORD_MORE, NULL, 0, NULL, 0, 0 },
	{ "truncated 4-byte length", B("\x80\0\0"), 10, 10, FCGI_RECORD_MORE,
	    NULL, 0, NULL, 0, 0 },
	{ "truncated value", B("\1\5ab"), 10, 10, FCGI_RECORD_MORE, NULL, 0,
	    NULL, 0, 0 },
};

/* A pair row's result for its first k bytes. */
static enum fcgi_record_parse
pair_prefix_want(size_t i, size_t k)
{
	if (pair_cases[i].rc == FCGI_RECORD_DONE)
		return k >= pair_cases[i].used ? FCGI_RECORD_DONE
		                               : FCGI_RECORD_MORE;
	if (pair_cases[i].rc == FCGI_RECORD_MORE)
		return FCGI_RECORD_MORE;
	/* ERROR is due once the offending length is complete (used). */
	return k >= pair_cases[i].used ? FCGI_RECORD_ERROR : FCGI_RECORD_MORE;
}

static void
test_pair_parse(void)
{
	struct fcgi_record_pair pr;
	enum fcgi_record_parse rc;
	size_t i, k, used;
	char *in, name[160];

	for (i = 0; i < sizeof(pair_cases) / sizeof(pair_cases[0]); i++) {
		for (k = 0; k <= pair_cases[i].inlen; k++) {
			in = harness_exact(pair_cases[i].in, k);
			used = 999;
			rc = fcgi_record_parse_pair(&pr, in, k,
			    pair_cases[i].name_max, pair_cases[i].value_max,
			    &used);
			(void)snprintf(name, sizeof(name), "%s (first %zu)",
			    pair_cases[i].name, k);
			CHECK_INT(name, rc, pair_prefix_want(i, k));
			if (rc == FCGI_RECORD_DONE) {
				CHECK_INT(name, used, pair_cases[i].used);
				CHECK_MEM(name, pr.name.p, pr.name.len,
				    pair_cases[i].pname,
				    pair_cases[i].pname_len);
				CHECK_MEM(name, pr.value.p, pr.value.len,
				    pair_cases[i].pvalue,
				    pair_cases[i].pvalue_len);
			} else {
				CHECK_INT(name, used, 999);
			}
			free(in);
		}
	}
}

static const struct {
	const char *name;
	unsigned type, id;
	size_t content_len, padding_len;
	int rc;
	const char *out; /* 8 bytes when rc == 0 */
} header_cases[] = {
	{ "stdout 65535", 6, 1, 65535, 1, 0, "\1\6\0\1\xff\xff\1\0" },
	{ "end, id 0xfffe", 3, 0xfffe, 8, 0, 0, "\1\3\xff\xfe\0\10\0\0" },
	{ "padding 255", 5, 2, 0, 255, 0, "\1\5\0\2\0\0\xff\0" },
	{ "content one over", 6, 1, 65536, 0, -1, NULL },
	{ "padding one over", 6, 1, 0, 256, -1, NULL },
	{ "id one over", 6, 0x10000, 0, 0, -1, NULL },
	{ "type one over", 256, 1, 0, 0, -1, NULL },
};

static void
test_put_header(void)
{
	unsigned char out[8];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		memset(out, 0xaa, sizeof(out));
		rc = fcgi_record_put_header(out, header_cases[i].type,
		    header_cases[i].id, header_cases[i].content_len,
		    header_cases[i].padding_len);
		CHECK_INT(header_cases[i].name, rc, header_cases[i].rc);
		if (rc == 0)
			CHECK_MEM(header_cases[i].name, out, 8,
			    header_cases[i].out, 8);
		else
			CHECK_MEM(header_cases[i].name, out, 8,
			    "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa", 8);
	}
}

static void
test_fixed_records(void)
{
	unsigned char out[16];
	struct fcgi_record r;
	struct fcgi_record_begin b;
	struct fcgi_record_end e;
	unsigned t;
	size_t used;

	CHECK_INT("put begin", fcgi_record_put_begin(out, 1, 1, 1), 0);
	CHECK_MEM("put begin bytes", out, 16,
	    "\1\1\0\1\0\10\0\0\0\1\1\0\0\0\0\0", 16);
	CHECK_INT("begin parses", fcgi_record_parse(&r, out, 16, &used),
	    FCGI_RECORD_DONE);
	CHECK_INT("get begin", fcgi_record_get_begin(&r, &b), 0);
	CHECK_INT("begin role", b.role, FCGI_RECORD_RESPONDER);
	CHECK_INT("begin flags", b.flags, FCGI_RECORD_KEEP_CONN);
	CHECK_INT("begin is not end", fcgi_record_get_end(&r, &e), -1);
	CHECK_INT("put begin, role too big",
	    fcgi_record_put_begin(out, 1, 0x10000, 0), -1);

	CHECK_INT("put end", fcgi_record_put_end(out, 0x102, 0xdeadbeef, 3), 0);
	CHECK_MEM("put end bytes", out, 16,
	    "\1\3\1\2\0\10\0\0\xde\xad\xbe\xef\3\0\0\0", 16);
	CHECK_INT("end parses", fcgi_record_parse(&r, out, 16, &used),
	    FCGI_RECORD_DONE);
	CHECK_INT("get end", fcgi_record_get_end(&r, &e), 0);
	CHECK_INT("end app status", e.app_status, 0xdeadbeef);
	CHECK_INT("end protocol status", e.protocol_status,
	    FCGI_RECORD_UNKNOWN_ROLE);

	CHECK_INT("put unknown", fcgi_record_put_unknown(out, 200), 0);
	CHECK_MEM("put unknown bytes", out, 16,
	    "\1\13\0\0\0\10\0\0\310\0\0\0\0\0\0\0", 16);
	CHECK_INT("unknown parses", fcgi_record_parse(&r, out, 16, &used),
	    FCGI_RECORD_DONE);
	CHECK_INT("get unknown", fcgi_record_get_unknown(&r, &t), 0);
	CHECK_INT("unknown type", t, 200);

	/* A BEGIN_REQUEST whose body is not 8 bytes is malformed. */
	CHECK_INT("short begin parses",
	    fcgi_record_parse(&r, "\1\1\0\1\0\7\0\0\0\1\1\0\0\0\0", 15, &used),
	    FCGI_RECORD_DONE);
	CHECK_INT("short begin refused", fcgi_record_get_begin(&r, &b), -1);
}

static const struct {
	const char *name;
	size_t name_len, value_len;
	size_t size;
} pair_size_cases[] = {
	{ "both small", 1, 1, 4 },
	{ "127 and 0", 127, 0, 129 },
	{ "128 and 0", 128, 0, 133 },
	{ "0 and 128", 0, 128, 133 },
	{ "both 4-byte", 200, 70000, 70208 },
	{ "largest encodable", 0, 0x7fffffff, 5 + 0x7fffffffu },
	{ "name too long", 0x80000000u, 0, 0 },
	{ "value too long", 0, 0x80000000u, 0 },
};

static void
test_pair_size(void)
{
	size_t i;

	for (i = 0; i < sizeof(pair_size_cases) / sizeof(pair_size_cases[0]);
	     i++)
		CHECK_INT(pair_size_cases[i].name,
		    fcgi_record_pair_size(pair_size_cases[i].name_len,
		        pair_size_cases[i].value_len),
		    pair_size_cases[i].size);
}

/* Encode pairs of many lengths, decode them back, compare. */
static void
test_pair_roundtrip(void)
{
	static const size_t lens[] = { 0, 1, 126, 127, 128, 129, 255, 256,
		65535, 65536, 100000 };
	struct fcgi_record_pair pr;
	unsigned char *out;
	char *nm, *val, name[80];
	size_t i, j, n, used, cap = 2 * 100000 + 8;

	nm = malloc(100000);
	val = malloc(100000);
	out = malloc(cap);
	if (nm == NULL || val == NULL || out == NULL)
		exit(2);
	for (i = 0; i < 100000; i++) {
		nm[i] = (char)('A' + i % 26);
		val[i] = (char)(i * 7);
	}
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			struct str a = { nm, lens[i] }, b = { val, lens[j] };

			(void)snprintf(name, sizeof(name), "roundtrip %zu/%zu",
			    lens[i], lens[j]);
			n = fcgi_record_put_pair(out, cap, a, b);
			CHECK_INT(name, n, fcgi_record_pair_size(a.len, b.len));
			CHECK_INT(name, fcgi_record_put_pair(out, n - 1, a, b),
			    0);
			CHECK_INT(name,
			    fcgi_record_parse_pair(&pr, out, n, 100000, 100000,
			        &used),
			    FCGI_RECORD_DONE);
			CHECK_INT(name, used, n);
			CHECK_MEM(name, pr.name.p, pr.name.len, a.p, a.len);
			CHECK_MEM(name, pr.value.p, pr.value.len, b.p, b.len);
		}
	}
	free(nm);
	free(val);
	free(out);
}

static const struct {
	size_t len, pad;
} padding_cases[] = {
	{ 0, 0 },
	{ 1, 7 },
	{ 7, 1 },
	{ 8, 0 },
	{ 9, 7 },
	{ 65535, 1 },
};

static void
test_padding(void)
{
	size_t i;

	for (i = 0; i < sizeof(padding_cases) / sizeof(padding_cases[0]); i++)
		CHECK_INT("padding aligns to 8",
		    fcgi_record_padding(padding_cases[i].len),
		    padding_cases[i].pad);
}

int
main(void)
{
	test_record_parse();
	test_record_header();
	test_pair_parse();
	test_put_header();
	test_fixed_records();
	test_pair_size();
	test_pair_roundtrip();
	test_padding();
	return harness_done();
}
