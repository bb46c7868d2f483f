/*
 * fuzz_chunked.c - arbitrary bytes into the chunked-body decoder
 * (chunked.h). Checks the contract as well as survival: used <= len, each
 * data view inside the consumed bytes, total equal to the bytes handed
 * out, and the same decoded body and verdict when the input arrives in two
 * pieces.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	struct chunked c;
	enum chunked_rc rc;
	size_t used;   /* bytes consumed over all calls */
	uint64_t sum;  /* decoded bytes handed out */
	uint64_t hash; /* of the decoded bytes, order-sensitive */
};

static void
start(struct run *r)
{
	chunked_init(&r->c, 1024 * 1024);
	r->c.max_ext = 64;
	r->c.max_trailer = 64;
	r->rc = CHUNKED_MORE;
	r->used = r->sum = 0;
	r->hash = 1469598103934665603ull;
}

static void
feed(struct run *r, const uint8_t *p, size_t n)
{
	char *copy = malloc(n + 1);
	struct str d;
	size_t off = 0, used, i;

	if (copy == NULL)
		abort();
	memcpy(copy, p, n);
	while (r->rc == CHUNKED_MORE && off < n) {
		r->rc = chunked_decode(&r->c, copy + off, n - off, &used, &d);
		if (r->rc == CHUNKED_ERROR)
			break;
		if (used > n - off || (used == 0 && r->rc == CHUNKED_MORE))
			__builtin_trap();
		if (d.len > 0 &&
		    (d.p < copy + off || d.p + d.len > copy + off + used))
			__builtin_trap();
		for (i = 0; i < d.len; i++)
			r->hash = (r->hash ^ (unsigned char)d.p[i]) *
			    1099511628211ull;
		r->sum += d.len;
		off += used;
		r->used += used;
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run a, b;
	size_t cut = size / 3;

	start(&a);
	feed(&a, data, size);
	if (a.rc != CHUNKED_ERROR && a.c.total != a.sum)
		__builtin_trap();
	if (a.sum > a.c.max_body)
		__builtin_trap();
	if (a.rc == CHUNKED_ERROR && a.c.status != 400 && a.c.status != 413 &&
	    a.c.status != 431)
		__builtin_trap();

	start(&b);
	feed(&b, data, cut);
	feed(&b, data + cut, size - cut);
	if (a.rc != b.rc || (a.rc == CHUNKED_ERROR && a.c.status != b.c.status))
		__builtin_trap();
	if (a.rc != CHUNKED_ERROR &&
	    (a.used != b.used || a.sum != b.sum || a.hash != b.hash))
		__builtin_trap();
	return 0;
}
