/*
 * path.c - request-path decoding and normalisation declared in path.h.
 */
#include "path.h"

#include <errno.h>

int
path_normalize(const char *raw, size_t n, struct buf *out,
    struct path_info *info)
{
	(void)raw;
	(void)n;
	(void)out;
	if (info != NULL)
		info->reason = "not written yet";
	errno = EINVAL;
	return -1;
}

bool
path_has_prefix(struct str path, struct str prefix, struct str *rest)
{
	(void)path;
	(void)prefix;
	(void)rest;
	return false;
}

int
path_split(struct str path, struct str *segs, size_t maxsegs, size_t *nsegs)
{
	(void)path;
	(void)segs;
	(void)maxsegs;
	*nsegs = 0;
	errno = E2BIG;
	return -1;
}
