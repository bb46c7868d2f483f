/*
 * test_chunked.c - the chunked-body decoder (chunked.h) against checklist
 * H-9112-7.1-a/b, H-9112-7.1.2-a and V-06-a: every row decoded whole, one
 * byte per call, and split in two at every offset, each piece in an
 * exact-size heap copy; the decoded bytes, verdict and bytes consumed must
 * not depend on the split.
 */
#include "chunked.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "harness.h"

struct row {
	const char *name;
	const char *in;
	const char *want;   /* "DONE data", "MORE data" or "ERROR status" */
	size_t extra;       /* bytes after the body (next request) */
	uint64_t max_body;  /* 0: default */
	size_t max_ext;     /* 0: default */
	size_t max_trailer; /* 0: default */
};

static const struct row rows[] = {
	/* Accepted. */
	{ "one chunk", "5\r\nhello\r\n0\r\n\r\n", "DONE hello", 0, 0, 0, 0 },
	{ "two chunks", "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", "DONE abcde", 0, 0,
	    0, 0 },
	{ "hex size both cases",
	    "A\r\n0123456789\r\na\r\nabcdefghij\r\n"
	    "0\r\n\r\n",
	    "DONE 0123456789abcdefghij", 0, 0, 0, 0 },
	{ "leading zeros", "0005\r\nhello\r\n000\r\n\r\n", "DONE hello", 0, 0,
	    0, 0 },
	{ "16 hex digits (the bound)", "0000000000000005\r\nhello\r\n0\r\n\r\n",
	    "DONE hello", 0, 0, 0, 0 },
	{ "H-9112-7.1-b extensions ignored",
	    "5;name=val;x=\"q \\\" ;\"\r\nhello\r\n0;last\r\n\r\n",
	    "DONE hello", 0, 0, 0, 0 },
	{ "BWS before an extension", "5 \t;x\r\nhello\r\n0\r\n\r\n",
	    "DONE hello", 0, 0, 0, 0 },
	{ "extension with obs-text", "5;x=\xc3\xa9\r\nhello\r\n0\r\n\r\n",
	    "DONE hello", 0, 0, 0, 0 },
	{ "H-9112-7.1.2-a trailers dropped",
	    "5\r\nhello\r\n0\r\nX-T: 1\r\nY:\r\nZ: a\tb \r\n\r\n", "DONE hello",
	    0, 0, 0, 0 },
	{ "empty body", "0\r\n\r\n", "DONE ", 0, 0, 0, 0 },
	{ "data with CR LF inside", "4\r\n\r\n\r\n\r\n0\r\n\r\n",
	    "DONE \r\n\r\n", 0, 0, 0, 0 },
	{ "data with NUL and high bytes", "3\r\n\xff\x80\x01\r\n0\r\n\r\n",
	    "DONE \xff\x80\x01", 0, 0, 0, 0 },
	{ "next request after the body", "1\r\nx\r\n0\r\n\r\nGET /", "DONE x",
	    5, 0, 0, 0 },

	/* Incomplete. */
	{ "nothing yet", "", "MORE ", 0, 0, 0, 0 },
	{ "mid data", "5\r\nhel", "MORE hel", 0, 0, 0, 0 },
	{ "before the last CRLF", "5\r\nhello\r\n0\r\n", "MORE hello", 0, 0, 0,
	    0 },
	{ "inside a trailer", "0\r\nX: 1", "MORE ", 0, 0, 0, 0 },

	/* H-9112-7.1-a malformed sizes. */
	{ "negative size", "-1\r\nx\r\n0\r\n\r\n", "ERROR 400", 0, 0, 0, 0 },
	{ "0x prefix", "0x10\r\n", "ERROR 400", 0, 0, 0, 0 },
	{ "17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n",
	    "ERROR 400", 0, 0, 0, 0 },
	{ "17 significant hex digits", "10000000000000000\r\n", "ERROR 400", 0,
	    0, 0, 0 },
	{ "empty size", "\r\nhello\r\n", "ERROR 400", 0, 0, 0, 0 },
	{ "leading space", " 5\r\nhello\r\n0\r\n\r\n", "ERROR 400", 0, 0, 0,
	    0 },
	{ "plus sign", "+5\r\nhello\r\n0\r\n\r\n", "ERROR 400", 0, 0, 0, 0 },
	{ "space without extension", "5 \r\nhello\r\n0\r\n\r\n", "ERROR 400", 0,
	    0, 0, 0 },
	{ "junk after size", "5x\r\nhello\r\n0\r\n\r\n", "ERROR 400", 0, 0, 0,
	    0 },
	{ "bare LF after size", "5\nhello\r\n0\r\n\r\n", "ERROR 400", 0, 0, 0,
	    0 },
	{ "bare CR after size", "5\rhello\r\n0\r\n\r\n", "ERROR 400", 0, 0, 0,
	    0 },
	{ "H-9112-7.1-a 1;ext and bare LF", "1;ext\nx\r\n0\r\n\r\n",
	    "ERROR 400", 0, 0, 0, 0 },
	{ "control byte in extension", "5;\x01\r\nhello\r\n0\r\n\r\n",
	    "ERROR 400", 0, 0, 0, 0 },
	{ "NUL in extension", "5;a\0\r\nhello\r\n0\r\n\r\n", "ERROR 400", 0, 0,
	    0, 0 },

	/* Missing CRLF after data. */
	{ "H-9112-7.1-a data longer than its size", "5\r\nhelloX\r\n0\r\n\r\n",
	    "ERROR 400", 0, 0, 0, 0 },
	{ "bare LF after data", "5\r\nhello\n0\r\n\r\n", "ERROR 400", 0, 0, 0,
	    0 },
	{ "CR without LF after data", "5\r\nhello\rX0\r\n\r\n", "ERROR 400", 0,
	    0, 0, 0 },

	/* Trailers and the end. */
	{ "trailer obs-fold", "0\r\nX: 1\r\n y\r\n\r\n", "ERROR 400", 0, 0, 0,
	    0 },
	{ "trailer without colon", "0\r\nX\r\n\r\n", "ERROR 400", 0, 0, 0, 0 },
	{ "trailer space before colon", "0\r\nX : 1\r\n\r\n", "ERROR 400", 0, 0,
	    0, 0 },
	{ "trailer control byte", "0\r\nX: \x01\r\n\r\n", "ERROR 400", 0, 0, 0,
	    0 },
	{ "trailer bare LF", "0\r\nX: 1\n\r\n", "ERROR 400", 0, 0, 0, 0 },
	{ "final bare LF", "0\r\n\n", "ERROR 400", 0, 0, 0, 0 },
	{ "final CR without LF", "0\r\n\rX", "ERROR 400", 0, 0, 0, 0 },

	/* Bounds (lowered so the rows stay short). */
	{ "413: total at max_body", "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
	    "DONE abcde", 0, 5, 0, 0 },
	{ "413: total one past max_body", "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n",
	    "ERROR 413", 0, 5, 0, 0 },
	{ "413: huge size against the default bound", "ffffffffffffffff\r\n",
	    "ERROR 413", 0, 0, 0, 0 },
	{ "extensions at max_ext", "1;aaa\r\nx\r\n0 ;b\r\n\r\n", "DONE x", 0, 0,
	    7, 0 },
	{ "extensions one past max_ext", "1;aaa\r\nx\r\n0 ;bc\r\n\r\n",
	    "ERROR 400", 0, 0, 7, 0 },
	{ "trailer at max_trailer", "0\r\nX: 12\r\n\r\n", "DONE ", 0, 0, 0, 9 },
	{ "trailer one past max_trailer", "0\r\nX: 123\r\n\r\n", "ERROR 431", 0,
	    0, 0, 9 },
};

struct result {
	struct buf data;
	enum chunked_rc rc;
	size_t used;
};

static void
start(struct chunked *c, const struct row *r, struct result *res)
{
	chunked_init(c, r->max_body);
	if (r->max_ext != 0)
		c->max_ext = r->max_ext;
	if (r->max_trailer != 0)
		c->max_trailer = r->max_trailer;
	buf_init(&res->data, 0);
	res->rc = CHUNKED_MORE;
	res->used = 0;
}

/* Feeds one piece (an exact-size copy) until it is used up or decided. */
static void
feed(struct chunked *c, const char *p, size_t n, struct result *res)
{
	char *copy = harness_exact(p, n);
	struct str data;
	size_t off = 0, used;

	while (res->rc == CHUNKED_MORE && off < n) {
		res->rc = chunked_decode(c, copy + off, n - off, &used, &data);
		if (res->rc == CHUNKED_ERROR)
			break;
		CHECK("used <= len", used <= n - off);
		CHECK("data inside used",
		    data.len == 0 ||
		        (data.p >= copy + off &&
		            data.p + data.len <= copy + off + used));
		if (data.len > 0 &&
		    buf_append(&res->data, data.p, data.len) == -1)
			exit(2);
		CHECK("progress", used > 0 || res->rc != CHUNKED_MORE);
		off += used;
		res->used += used;
	}
	free(copy);
}

static void
verdict(const char *name, const char *how, const struct chunked *c,
    struct result *res, const struct row *r, size_t len)
{
	struct buf got;
	char label[200];
	int e;

	if (snprintf(label, sizeof(label), "%s [%s]", name, how) >=
	    (int)sizeof(label))
		label[sizeof(label) - 1] = '\0';
	buf_init(&got, 0);
	if (res->rc == CHUNKED_ERROR)
		e = buf_printf(&got, "ERROR %d", c->status);
	else
		e = buf_printf(&got, "%s ",
		    res->rc == CHUNKED_DONE ? "DONE" : "MORE");
	if (e == 0 && res->rc != CHUNKED_ERROR)
		e = buf_append(&got, res->data.data, res->data.len);
	if (e == -1)
		exit(2);
	CHECK_MEM(label, got.data, got.len, r->want, strlen(r->want));
	if (res->rc == CHUNKED_DONE)
		CHECK_INT(label, res->used, len - r->extra);
	if (res->rc == CHUNKED_MORE)
		CHECK_INT(label, res->used, len);
	if (res->rc != CHUNKED_ERROR)
		CHECK_INT(label, c->total, res->data.len);
	buf_fini(&got);
	buf_fini(&res->data);
}

static void
run_row(const struct row *r, size_t len)
{
	struct chunked c;
	struct result res;
	size_t k;

	start(&c, r, &res);
	feed(&c, r->in, len, &res);
	verdict(r->name, "whole", &c, &res, r, len);

	start(&c, r, &res);
	for (k = 0; k < len && res.rc == CHUNKED_MORE; k++)
		feed(&c, r->in + k, 1, &res);
	verdict(r->name, "bytewise", &c, &res, r, len);

	for (k = 1; k < len; k++) {
		start(&c, r, &res);
		feed(&c, r->in, k, &res);
		feed(&c, r->in + k, len - k, &res);
		verdict(r->name, "split", &c, &res, r, len);
	}
}

/* Checklist H-9112-7.1-b: 1 MiB of extensions is refused, early. */
static void
test_big_extensions(void)
{
	struct chunked c;
	struct str data;
	size_t used, n = 1024 * 1024;
	char *in = malloc(n);

	if (in == NULL)
		exit(2);
	memset(in, 'a', n);
	in[0] = '1';
	in[1] = ';';
	chunked_init(&c, 0);
	CHECK_INT("1 MiB of extensions",
	    chunked_decode(&c, in, n, &used, &data), CHUNKED_ERROR);
	CHECK_INT("1 MiB of extensions: 400", c.status, 400);
	CHECK_INT("1 MiB of extensions: sticky",
	    chunked_decode(&c, "0", 1, &used, &data), CHUNKED_ERROR);
	free(in);

	/* The default bound itself: BOUND_CHUNK_EXT_BYTES passes. */
	in = malloc(BOUND_CHUNK_EXT_BYTES + 16);
	if (in == NULL)
		exit(2);
	memset(in, 'e', BOUND_CHUNK_EXT_BYTES + 16);
	memcpy(in, "0;", 2); /* ';' and 'e's: BOUND_CHUNK_EXT_BYTES bytes */
	memcpy(in + 1 + BOUND_CHUNK_EXT_BYTES, "\r\n\r\n", 4);
	chunked_init(&c, 0);
	CHECK_INT("extensions at BOUND_CHUNK_EXT_BYTES",
	    chunked_decode(&c, in, BOUND_CHUNK_EXT_BYTES + 5, &used, &data),
	    CHUNKED_DONE);
	memcpy(in + 1 + BOUND_CHUNK_EXT_BYTES, "e\r\n\r\n", 5);
	chunked_init(&c, 0);
	CHECK_INT("extensions past BOUND_CHUNK_EXT_BYTES",
	    chunked_decode(&c, in, BOUND_CHUNK_EXT_BYTES + 6, &used, &data),
	    CHUNKED_ERROR);
	free(in);

	/* A DONE decoder stays DONE and consumes nothing more. */
	chunked_init(&c, 0);
	CHECK_INT("done", chunked_decode(&c, "0\r\n\r\n", 5, &used, &data),
	    CHUNKED_DONE);
	CHECK_INT("done again", chunked_decode(&c, "GET", 3, &used, &data),
	    CHUNKED_DONE);
	CHECK_INT("done again uses nothing", used, 0);
}

/*
 * Every byte value in a chunk extension and in a trailer value: accepted
 * exactly when it is HTAB, SP, visible ASCII or obs-text.
 */
static void
test_every_byte(void)
{
	struct row r = { 0 };
	char in[40], name[48];
	int b, n;

	for (b = 0; b < 256; b++) {
		if (b == '\r')
			continue;
		r.want = b == '\t' || (b >= 0x20 && b != 0x7f) ? "DONE x"
		                                               : "ERROR 400";
		n = snprintf(in, sizeof(in), "1;e%c\r\nx\r\n0\r\n\r\n", b);
		if (n < 0 ||
		    snprintf(name, sizeof(name), "byte 0x%02x in an extension",
		        b) < 0)
			exit(2);
		r.name = name;
		r.in = in;
		run_row(&r, (size_t)n);
		n = snprintf(in, sizeof(in), "1\r\nx\r\n0\r\nT: %c\r\n\r\n", b);
		if (n < 0 ||
		    snprintf(name, sizeof(name), "byte 0x%02x in a trailer",
		        b) < 0)
			exit(2);
		run_row(&r, (size_t)n);
	}
}

int
main(void)
{
	size_t i, len;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		len = strlen(rows[i].in);
		if (strcmp(rows[i].name, "NUL in extension") == 0)
			len = sizeof("5;a\0\r\nhello\r\n0\r\n\r\n") - 1;
		run_row(&rows[i], len);
	}
	test_big_extensions();
	test_every_byte();
	return harness_done();
}
