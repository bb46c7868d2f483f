/*
 * chunked.c - the chunked-body decoder declared in chunked.h.
 */
#include "chunked.h"

#include <string.h>

#include "bounds.h"

void
chunked_init(struct chunked *c, uint64_t max_body)
{
	memset(c, 0, sizeof(*c));
	c->max_body = max_body == 0 ? BOUND_BODY_BYTES : max_body;
	c->max_ext = BOUND_CHUNK_EXT_BYTES;
	c->max_trailer = BOUND_TRAILER_BYTES;
}

enum chunked_rc
chunked_decode(struct chunked *c, const char *in, size_t len, size_t *used,
    struct str *data)
{
	(void)in;
	(void)len;
	*used = 0;
	data->p = in;
	data->len = 0;
	c->status = 400;
	c->reason = "decoder not written yet";
	return CHUNKED_ERROR;
}
