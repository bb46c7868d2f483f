/*
 * fuzz_urlencoded.c - arbitrary bytes into the urlencoded parser.
 *
 * The first byte picks a split point, so the streaming parser sees the
 * input in two feeds. Checks: the split parse equals the one-shot parse;
 * the decoded fields equal pct_decode(PCT_FORM) of the raw views that
 * urlencoded_split reports (two implementations, one answer); no event
 * breaks the contract in urlencoded.h. The in-place decoder runs on a
 * heap copy of exactly n + 1 bytes, once whole and once resumed the way
 * form.c reads a body (first up to just past the last '&' before the
 * split point, with the bytes after the split not yet there, then to the
 * end): both must give the streaming parser's fields, each name and
 * value NUL-terminated inside the buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pct.h"
#include "urlencoded.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
	struct buf out;
	int last;
};

static int
decoded_fn(void *arg, enum urlencoded_event ev, const char *p, size_t n)
{
	struct sink *s = arg;

	if (ev != URLENCODED_END && n == 0)
		__builtin_trap(); /* chunks are never empty */
	if (ev == URLENCODED_NAME && s->last == URLENCODED_VALUE)
		__builtin_trap(); /* names come first */
	if (ev != URLENCODED_NAME && s->last != URLENCODED_VALUE &&
	    buf_putc(&s->out, '=') == -1)
		return -1;
	if (ev == URLENCODED_END) {
		s->last = -1;
		return buf_putc(&s->out, '&');
	}
	s->last = (int)ev;
	return buf_append(&s->out, p, n);
}

static int
raw_fn(void *arg, enum urlencoded_event ev, const char *p, size_t n)
{
	struct buf *b = arg;

	if (ev == URLENCODED_END)
		return buf_putc(b, '&');
	if (ev == URLENCODED_VALUE && buf_putc(b, '=') == -1)
		return -1;
	return pct_decode(p, n, PCT_FORM, b);
}

/* The in-place decoder's fields, in decoded_fn's format. */
struct isink {
	struct buf out;
	const char *lo, *hi; /* the buffer s[0..n] */
};

static int
inplace_fn(void *arg, char *name, size_t name_len, char *value,
    size_t value_len)
{
	struct isink *s = arg;

	if (name < s->lo || name + name_len > s->hi || value < s->lo ||
	    value + value_len > s->hi)
		__builtin_trap(); /* a view outside the buffer */
	if (name[name_len] != '\0' || value[value_len] != '\0')
		__builtin_trap(); /* the documented NULs */
	if (buf_append(&s->out, name, name_len) == -1 ||
	    buf_putc(&s->out, '=') == -1 ||
	    buf_append(&s->out, value, value_len) == -1 ||
	    buf_putc(&s->out, '&') == -1)
		return -1;
	return 0;
}

/*
 * Decodes s[0..n) in place, resumed at k (k > n: whole), and traps unless
 * the fields equal want[0..wantlen).
 */
static void
inplace_check(const char *s, size_t n, size_t k, const char *want,
    size_t wantlen)
{
	struct urlencoded_inplace u;
	struct isink sink;
	const char *amp;
	char *b;
	size_t end, j;

	if ((b = malloc(n + 1)) == NULL)
		return;
	buf_init(&sink.out, 0);
	sink.lo = b;
	sink.hi = b + n;
	u.s = b;
	u.in = 0;
	if (k > n) {
		memcpy(b, s, n);
	} else {
		memcpy(b, s, k);
		for (j = k; j <= n; j++)
			b[j] = "&=%+%4"[j % 6]; /* not there yet */
		amp = k > 0 ? memrchr(s, '&', k) : NULL;
		end = amp != NULL ? (size_t)(amp - s) + 1 : 0;
		if (end > 0 &&
		    (urlencoded_decode_inplace(&u, end, inplace_fn, &sink) !=
		            0 ||
		        u.in != end))
			__builtin_trap();
		for (j = k; j <= n; j++)
			if (b[j] != "&=%+%4"[j % 6])
				__builtin_trap(); /* wrote past end */
		memcpy(b + k, s + k, n - k);
	}
	b[n] = 'Z';
	if (urlencoded_decode_inplace(&u, n, inplace_fn, &sink) != 0 ||
	    u.in != n)
		__builtin_trap();
	if (sink.out.len != wantlen ||
	    (wantlen > 0 && memcmp(sink.out.data, want, wantlen) != 0))
		__builtin_trap(); /* in-place and streaming disagree */
	buf_fini(&sink.out);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink whole = { { 0 }, -1 }, split = { { 0 }, -1 };
	struct urlencoded u;
	struct buf raw;
	const char *s;
	size_t n, k;

	if (size == 0)
		return 0;
	k = data[0];
	s = (const char *)data + 1;
	n = size - 1;
	k = n == 0 ? 0 : k % (n + 1);
	buf_init(&whole.out, 0);
	buf_init(&split.out, 0);
	buf_init(&raw, 0);
	if (urlencoded_parse(s, n, decoded_fn, &whole) != URLENCODED_OK)
		__builtin_trap();
	urlencoded_init(&u, decoded_fn, &split);
	if (urlencoded_feed(&u, s, k) != URLENCODED_OK ||
	    urlencoded_feed(&u, s + k, n - k) != URLENCODED_OK ||
	    urlencoded_finish(&u) != URLENCODED_OK)
		__builtin_trap();
	if (urlencoded_split(s, n, raw_fn, &raw) != URLENCODED_OK)
		__builtin_trap();
	if (whole.out.len != split.out.len || whole.out.len != raw.len ||
	    memcmp(buf_cstr(&whole.out), buf_cstr(&split.out), whole.out.len) !=
	        0 ||
	    memcmp(buf_cstr(&whole.out), buf_cstr(&raw), raw.len) != 0)
		__builtin_trap(); /* split or decoding disagree */
	inplace_check(s, n, SIZE_MAX, buf_cstr(&whole.out), whole.out.len);
	inplace_check(s, n, k, buf_cstr(&whole.out), whole.out.len);
	buf_fini(&whole.out);
	buf_fini(&split.out);
	buf_fini(&raw);
	return 0;
}
