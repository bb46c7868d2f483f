/*
 * fuzz_cgi_path.c - arbitrary bytes as PATH_INFO: cgi_path_check over the
 * bytes with their length, then (when they hold no NUL, as every transport
 * guarantees) cgi_path_segments and cgi_no_path_info on a request whose
 * PATH_INFO they are. Checks the answer against a plain re-statement of
 * the rules, and that accepted segments rebuild the input exactly.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "cgi_path.h"
#include "cgi_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	const char *path_info;
};

static const char *
getenv_fn(void *arg, const char *name)
{
	struct ctx *c = arg;

	return strcmp(name, "PATH_INFO") == 0 ? c->path_info : NULL;
}

static ssize_t
discard(void *arg, const void *p, size_t n)
{
	(void)arg;
	(void)p;
	return (ssize_t)n;
}

/* The rules of cgi_path.h, said the slow way: true if p[0..n) passes. */
static bool
oracle(const unsigned char *p, size_t n)
{
	size_t i, start;

	if (n == 0)
		return true;
	if (p[0] != '/')
		return false;
	for (i = 0; i < n; i++)
		if (p[i] == '\0' || p[i] == '\\' || p[i] < 0x20 || p[i] == 0x7f)
			return false;
	for (start = 1; start <= n; start = i + 1) {
		for (i = start; i < n && p[i] != '/'; i++)
			;
		if (i - start == 0 && i < n)
			return false; /* empty and not the last */
		if ((i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return false;
	}
	return true;
}

static void
through_request(const char *s, size_t n, bool ok, size_t nsegs)
{
	struct ctx c = { s };
	struct cgi_req_io io = { .ctx = &c,
		.write = discard,
		.getenv = getenv_fn };
	const char *const *segs, *const *again;
	size_t k, got, got2, at, len;
	cgi_req *r;

	if ((r = cgi_req_new(NULL, &io, NULL)) == NULL)
		return;
	if (cgi_path_segments(r, &segs, &got) != (ok ? CGI_OK : CGI_INVALID))
		__builtin_trap();
	if (!ok && (segs != NULL || got != 0))
		__builtin_trap();
	if (ok) {
		if (got != nsegs || segs[got] != NULL)
			__builtin_trap();
		/* "/" + segs joined by "/" is the input, byte for byte. */
		for (k = 0, at = 0; k < got; k++) {
			len = strlen(segs[k]);
			if (at >= n || s[at] != '/' || len > n - at - 1 ||
			    memcmp(s + at + 1, segs[k], len) != 0 ||
			    strcmp(segs[k], ".") == 0 ||
			    strcmp(segs[k], "..") == 0)
				__builtin_trap();
			at += 1 + len;
		}
		if (at != n)
			__builtin_trap();
		if (cgi_path_segments(r, &again, &got2) != CGI_OK ||
		    again != segs || got2 != got)
			__builtin_trap();
	}
	if (cgi_no_path_info(r) != (n == 0))
		__builtin_trap();
	(void)cgi_finish(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	size_t nsegs;
	bool ok;
	char *s;

	nsegs = cgi_path_check((const char *)data, size, &why);
	ok = nsegs != CGI_PATH_REFUSED;
	if (ok != oracle(data, size) || ok != (why == NULL))
		__builtin_trap();
	if (memchr(data, '\0', size) != NULL)
		return 0; /* no transport delivers a NUL (cgi_path.c) */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	through_request(s, size, ok, nsegs);
	free(s);
	return 0;
}
