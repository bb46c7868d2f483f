/*
 * fuzz_multipart.c - arbitrary bytes as a multipart/form-data body with
 * boundary "XB", into the streaming parser and the form store.
 *
 * The first two bytes pick two split points and the read size, so the
 * same body is parsed in one feed and in three; the events (headers, part
 * starts, content, ends) and the outcome must be identical (multipart.h:
 * "the same events wherever the input is split"). Then the body goes
 * through form_read_body with small limits read by read size, which must
 * stay within its limits and never report fields from a failed body.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "buf.h"
#include "form.h"
#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
	struct buf out;
};

static int
put(struct buf *b, const void *p, size_t n)
{
	return buf_append(b, p, n);
}

static int
sink_fn(void *arg, enum multipart_event ev, struct str a, struct str b,
    const struct multipart_part *part)
{
	struct sink *s = arg;
	char tag = (char)('0' + ev);

	if (put(&s->out, &tag, 1) == -1)
		return -1;
	switch (ev) {
	case MULTIPART_EV_HEADER:
		return put(&s->out, a.p, a.len) || put(&s->out, ":", 1) ||
		    put(&s->out, b.p, b.len);
	case MULTIPART_EV_PART_BEGIN:
		return put(&s->out, part->name.p, part->name.len) ||
		    put(&s->out, "|", 1) ||
		    put(&s->out, part->filename.p, part->filename.len) ||
		    put(&s->out, part->has_filename ? "|" : "-", 1);
	case MULTIPART_EV_DATA:
		if (a.len == 0)
			__builtin_trap();
		/* content is merged: its chunking depends on the split */
		s->out.len--;
		return put(&s->out, a.p, a.len);
	case MULTIPART_EV_PART_END:
	case MULTIPART_EV_DONE:
		break;
	}
	return 0;
}

static enum multipart_rc
parse(const char *p, size_t n, size_t k1, size_t k2, struct sink *s,
    struct multipart *mp)
{
	char hdr[512];
	enum multipart_rc rc;

	buf_init(&s->out, 0);
	if (multipart_init(mp, STR_LIT("XB"), hdr, sizeof(hdr), 256, sink_fn,
	        s) != 0)
		__builtin_trap();
	if ((rc = multipart_feed(mp, p, k1)) == MULTIPART_ERROR)
		return rc;
	if ((rc = multipart_feed(mp, p + k1, k2 - k1)) == MULTIPART_ERROR)
		return rc;
	if ((rc = multipart_feed(mp, p + k2, n - k2)) == MULTIPART_ERROR)
		return rc;
	if (mp->ncarry > MULTIPART_CARRY)
		__builtin_trap();
	return multipart_finish(mp);
}

struct reader {
	const char *p;
	size_t len, off, chunk;
};

static ssize_t
mem_read(void *ctx, void *out, size_t n)
{
	struct reader *r = ctx;

	if (n > r->chunk)
		n = r->chunk;
	if (n > r->len - r->off)
		n = r->len - r->off;
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return (ssize_t)n;
}

static void
through_form(const char *p, size_t n, size_t chunk)
{
	struct form_limits lim;
	struct form *f;
	const struct form_field *fld;
	struct reader rd = { p, n, 0, chunk };
	char cl[32];
	enum form_err err;
	size_t i;

	form_limits_default(&lim);
	lim.max_fields = 8;
	lim.max_files = 2;
	lim.max_value = 64;
	lim.max_name = 16;
	lim.max_part_headers = 256;
	lim.spill_threshold = 1 << 20; /* no temp files while fuzzing */
	if ((f = form_new(&lim)) == NULL)
		return;
	if ((size_t)snprintf(cl, sizeof(cl), "%zu", n) >= sizeof(cl))
		__builtin_trap();
	err = form_read_body(f, mem_read, &rd,
	    "multipart/form-data; boundary=XB", cl, 0);
	if (err != FORM_OK && f->nfields != 0)
		__builtin_trap(); /* a failed body leaves no field */
	if (f->nfields > lim.max_fields)
		__builtin_trap();
	for (i = 0; i < f->nfields; i++) {
		fld = form_field_at(f, i);
		if (fld->name_len > lim.max_name ||
		    (fld->file == NULL && fld->value_len > lim.max_value) ||
		    fld->value[fld->value_len] != '\0')
			__builtin_trap();
	}
	form_free(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink a, b;
	struct multipart ma, mb;
	enum multipart_rc ra, rb;
	const char *p;
	size_t n, k1, k2;

	if (size < 2)
		return 0;
	p = (const char *)data + 2;
	n = size - 2;
	k1 = n == 0 ? 0 : data[0] % (n + 1);
	k2 = n == 0 ? 0 : k1 + data[1] % (n - k1 + 1);
	ra = parse(p, n, 0, 0, &a, &ma);
	rb = parse(p, n, k1, k2, &b, &mb);
	if (ra != rb || ma.err != mb.err)
		__builtin_trap();
	if (ra != MULTIPART_ERROR &&
	    (a.out.len != b.out.len ||
	        memcmp(buf_cstr(&a.out), buf_cstr(&b.out), a.out.len) != 0))
		__builtin_trap();
	buf_fini(&a.out);
	buf_fini(&b.out);
	through_form(p, n, (size_t)data[1] % 97 + 1);
	return 0;
}
