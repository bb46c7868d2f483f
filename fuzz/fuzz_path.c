/*
 * fuzz_path.c - arbitrary bytes into the request-path normaliser
 * (path.h). Checks the contract on success: the result starts with '/',
 * has no "//", no "." or ".." segment, no NUL, control or backslash, and
 * normalising it again changes nothing; and the prefix and split helpers
 * agree with it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_normal(const char *p, size_t n)
{
	size_t i, seg = 1;

	if (n == 0 || p[0] != '/' || p[n] != '\0')
		__builtin_trap();
	for (i = 0; i < n; i++) {
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
			__builtin_trap();
		if (p[i] == '/' && i > 0 && p[i - 1] == '/')
			__builtin_trap();
	}
	/* No segment is "." or "..". */
	for (i = 1; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if ((i - seg == 1 && p[seg] == '.') ||
		    (i - seg == 2 && p[seg] == '.' && p[seg + 1] == '.'))
			__builtin_trap();
		seg = i + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out, again;
	struct path_info info;
	struct str segs[64], rest;
	size_t nsegs, i;
	int rc;

	buf_init(&out, 4096);
	buf_init(&again, 4096);
	rc = path_normalize((const char *)data, size, &out, &info);
	if (rc == -1) {
		if (errno != EINVAL && errno != ENOBUFS && errno != ENOMEM)
			__builtin_trap();
		if (info.reason == NULL)
			__builtin_trap();
		goto done;
	}
	check_normal(out.data, out.len);
	if (out.len > size)
		__builtin_trap();
	/* Idempotent (when there is no '%' left to decode). */
	if (memchr(out.data, '%', out.len) == NULL) {
		if (path_normalize(out.data, out.len, &again, NULL) == -1 ||
		    again.len != out.len ||
		    memcmp(again.data, out.data, out.len) != 0)
			__builtin_trap();
	}
	/* Every segment boundary is a prefix; split sees no empty segment. */
	if (path_split((struct str){ out.data, out.len }, segs, 64, &nsegs) ==
	    0) {
		for (i = 0; i < nsegs; i++) {
			if (segs[i].len == 0)
				__builtin_trap();
			if (!path_has_prefix((struct str){ out.data,
			                         (size_t)(segs[i].p +
			                             segs[i].len - out.data) },
			        (struct str){ out.data,
			            (size_t)(segs[i].p + segs[i].len -
			                out.data) },
			        &rest) ||
			    rest.len != 0)
				__builtin_trap();
			if (!path_has_prefix((struct str){ out.data, out.len },
			        (struct str){ out.data,
			            (size_t)(segs[i].p + segs[i].len -
			                out.data) },
			        &rest))
				__builtin_trap();
		}
	}
done:
	buf_fini(&out);
	buf_fini(&again);
	return 0;
}
