/*
 * multipart.c - the streaming multipart/form-data parser (multipart.h).
 *
 * Work in progress: the contract in multipart.h is fixed; the state
 * machine is being written.
 */
#include "multipart.h"

#include <string.h>

bool
multipart_is_type(struct str ct)
{
	(void)ct;
	return false;
}

int
multipart_boundary(struct str ct, struct str *boundary)
{
	(void)ct;
	(void)boundary;
	return -1;
}

int
multipart_init(struct multipart *mp, struct str boundary, char *hdr,
    size_t hdrcap, uint64_t max_preamble, multipart_fn *fn, void *arg)
{
	memset(mp, 0, sizeof(*mp));
	if (boundary.len == 0 || boundary.len > MULTIPART_MAX_BOUNDARY)
		return -1;
	mp->hdr = hdr;
	mp->hdrcap = hdrcap;
	mp->max_preamble = max_preamble;
	mp->fn = fn;
	mp->arg = arg;
	return 0;
}

enum multipart_rc
multipart_feed(struct multipart *mp, const char *p, size_t n)
{
	(void)p;
	(void)n;
	mp->err = MULTIPART_ETRUNCATED;
	return MULTIPART_ERROR;
}

enum multipart_rc
multipart_finish(struct multipart *mp)
{
	mp->err = MULTIPART_ETRUNCATED;
	return MULTIPART_ERROR;
}

const char *
multipart_strerror(enum multipart_err err)
{
	(void)err;
	return "multipart parser not written yet";
}
