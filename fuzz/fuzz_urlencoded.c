/*
 * fuzz_urlencoded.c - arbitrary bytes into the urlencoded parser.
 *
 * The first byte picks a split point, so the streaming parser sees the
 * input in two feeds. Checks: the split parse equals the one-shot parse;
 * the decoded fields equal pct_decode(PCT_FORM) of the raw views that
 * urlencoded_split reports (two implementations, one answer); no event
 * breaks the contract in urlencoded.h.
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
	buf_fini(&whole.out);
	buf_fini(&split.out);
	buf_fini(&raw);
	return 0;
}
