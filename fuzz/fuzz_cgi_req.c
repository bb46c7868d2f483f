/*
 * fuzz_cgi_req.c - a whole libcgi request from arbitrary bytes: the input
 * is QUERY_STRING NUL HTTP_COOKIE NUL CONTENT_TYPE NUL body, read through
 * cgi_req_load (the production path, over form.c), then every getter is
 * called on every field and the response is written and finished.
 * Checks the getters agree with each other and with the field views.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cgi.h"
#include "cgi_cli.h"
#include "cgi_req.h"

static ssize_t
discard(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	return (ssize_t)n;
}

/* The next NUL-terminated piece of [*p, end), or all the rest. */
static int
piece(const char **p, const char *end, char *out, size_t cap)
{
	const char *z = memchr(*p, '\0', (size_t)(end - *p));
	size_t n = (z != NULL ? z : end) - *p;

	if (n >= cap)
		return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p = z != NULL ? z + 1 : end;
	return 0;
}

static void
exercise(cgi_req *r)
{
	static const char *const ch[] = { "a", "b", "" };
	const struct cgi_field *f, *g;
	const char *s;
	long long n;
	double d;
	bool b;
	size_t i, k, len;

	for (i = 0; (f = cgi_field_at(r, i)) != NULL; i++) {
		if (strlen(f->name) != f->name_len)
			continue; /* names with NUL: only cgi_find_n could */
		g = cgi_find(r, f->source, f->name, 0);
		if (f->source == CGI_SRC_COOKIE && f->name_len == 0) {
			if (g != NULL)
				__builtin_trap(); /* L-CK-01: found by no name
				                   */
		} else if (g == NULL || g->source != f->source) {
			__builtin_trap();
		}
		if (f->source != CGI_SRC_COOKIE && cgi_count(r, f->name) == 0)
			__builtin_trap();
		s = cgi_get(r, f->name);
		if (s != NULL && strlen(s) >= SIZE_MAX / 2)
			__builtin_trap();
		(void)cgi_get_one(r, f->name, &s, &len);
		(void)cgi_get_int(r, f->name, -5, 5, &n);
		(void)cgi_get_double(r, f->name, -1e9, 1e9, &d);
		(void)cgi_get_bool(r, f->name, &b);
		(void)cgi_get_choice(r, f->name, ch, 3, &k);
		if (f->file != NULL) {
			if (cgi_file_name(f->file) == NULL ||
			    cgi_file_name(f->file)[0] == '\0' ||
			    strchr(cgi_file_name(f->file), '/') != NULL)
				__builtin_trap(); /* not a safe name */
			(void)cgi_file_size(f->file);
			(void)cgi_file_type(f->file);
		}
		(void)cgi_html(r, "<li>%s=%s</li>", f->name, f->value);
		(void)cgi_json_string_len(r, f->value, f->value_len);
	}
	(void)cgi_body(r, &s, &len);
	(void)cgi_cookie_set(r,
	    &(struct cgi_cookie){ .name = "x",
	        .value = cgi_get(r, "v") != NULL ? cgi_get(r, "v") : "" });
	(void)cgi_header_set(r, "X-Echo", cgi_query_string(r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char qs[4096], ck[4096], ct[512], cl[32];
	struct cgi_req_io io;
	struct cgi_limits lim;
	struct cgi_cli *c;
	struct cgi_req *r;

	if (piece(&p, end, qs, sizeof(qs)) == -1 ||
	    piece(&p, end, ck, sizeof(ck)) == -1 ||
	    piece(&p, end, ct, sizeof(ct)) == -1)
		return 0;
	if ((c = cgi_cli_new()) == NULL)
		return 0;
	(void)snprintf(cl, sizeof(cl), "%zu", (size_t)(end - p));
	if (cgi_cli_setenv(c, "REQUEST_METHOD", "POST") == -1 ||
	    cgi_cli_setenv(c, "QUERY_STRING", qs) == -1 ||
	    cgi_cli_setenv(c, "HTTP_COOKIE", ck) == -1 ||
	    cgi_cli_setenv(c, "CONTENT_TYPE", ct) == -1 ||
	    cgi_cli_setenv(c, "CONTENT_LENGTH", cl) == -1 ||
	    buf_append(&c->body, p, (size_t)(end - p)) == -1) {
		cgi_cli_free(c);
		return 0;
	}
	cgi_cli_io(c, &io);
	io.write = discard;
	memset(&lim, 0, sizeof(lim));
	lim.spill_threshold = 64; /* exercise the temp-file path too */
	lim.max_fields = 200;
	if ((r = cgi_req_new(NULL, &io, &lim)) != NULL) {
		(void)cgi_req_load(r);
		exercise(r);
		if (cgi_finish(r) != 0)
			__builtin_trap(); /* discard never fails */
	}
	cgi_cli_free(c);
	return 0;
}
