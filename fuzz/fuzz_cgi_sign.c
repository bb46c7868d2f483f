/*
 * fuzz_cgi_sign.c - signed cookies from arbitrary bytes: the input is an
 * HTTP_COOKIE header. Every cookie of it is read with
 * cgi_cookie_get_signed, and every value cgi_cookie_set_signed accepts is
 * sent back in a second request, which must read it back unchanged.
 * Checks that a value read is the cookie's own prefix up to a dot.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cgi.h"
#include "cgi_cli.h"
#include "cgi_req.h"

/* The seeds in fuzz/corpus/cgi_sign/ are signed with this key. */
static const unsigned char fuzz_key[32] = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";

/* A request's transport: variables from cli, output kept in out. */
struct fuzz_io {
	struct cgi_cli *cli;
	struct buf out;
};

static ssize_t
capture(void *ctx, const void *p, size_t n)
{
	struct fuzz_io *f = ctx;

	return buf_append(&f->out, p, n) == 0 ? (ssize_t)n : -1;
}

static ssize_t
no_body(void *ctx, void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return 0;
}

static const char *
env(void *ctx, const char *name)
{
	struct fuzz_io *f = ctx;

	return cgi_cli_getenv(f->cli, name);
}

/* A GET request whose Cookie is cookie, over *f (f->cli already made). */
static struct cgi_req *
open_req(struct fuzz_io *f, const char *cookie)
{
	struct cgi_req_io io = { .ctx = f,
		.read = no_body,
		.write = capture,
		.getenv = env };
	struct cgi_req *r;

	if (cgi_cli_setenv(f->cli, "REQUEST_METHOD", "GET") == -1 ||
	    cgi_cli_setenv(f->cli, "HTTP_COOKIE", cookie) == -1)
		return NULL;
	if ((r = cgi_req_new(NULL, &io, NULL)) != NULL)
		(void)cgi_req_load(r);
	return r;
}

/* Sets name=value signed, sends the pair back, and reads it again. */
static void
round_trip(const char *name, const char *value)
{
	struct fuzz_io a = { NULL, { 0 } }, b = { NULL, { 0 } };
	struct cgi_req *r = NULL;
	const char *p, *got = NULL;
	struct buf hdr;
	enum cgi_err e;

	buf_init(&hdr, 0);
	if ((a.cli = cgi_cli_new()) == NULL || (r = open_req(&a, "")) == NULL)
		goto done;
	e = cgi_cookie_set_signed(r,
	    &(struct cgi_cookie){ .name = name, .value = value }, fuzz_key,
	    sizeof(fuzz_key));
	(void)cgi_finish(r);
	if (e != CGI_OK)
		goto done;
	if ((p = strstr(buf_cstr(&a.out), "\nSet-Cookie: ")) == NULL)
		__builtin_trap(); /* accepted but not sent */
	p += 13;
	if (buf_append(&hdr, p, strcspn(p, ";\r")) == -1)
		goto done;
	if ((b.cli = cgi_cli_new()) == NULL ||
	    (r = open_req(&b, buf_cstr(&hdr))) == NULL)
		goto done;
	e = cgi_cookie_get_signed(r, name, fuzz_key, sizeof(fuzz_key), &got);
	if (e != CGI_OK || strcmp(got, value) != 0)
		__builtin_trap(); /* what we signed must read back */
	(void)cgi_finish(r);
done:
	cgi_cli_free(a.cli);
	cgi_cli_free(b.cli);
	buf_fini(&a.out);
	buf_fini(&b.out);
	buf_fini(&hdr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_io io = { NULL, { 0 } };
	const struct cgi_field *f;
	char cookie[8192];
	struct cgi_req *r;
	const char *v;
	size_t i, n;

	if (size >= sizeof(cookie) || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(cookie, data, size);
	cookie[size] = '\0';
	if ((io.cli = cgi_cli_new()) == NULL)
		return 0;
	if ((r = open_req(&io, cookie)) != NULL) {
		for (i = 0; (f = cgi_field_at(r, i)) != NULL; i++) {
			if (strlen(f->name) != f->name_len)
				continue;
			if (cgi_cookie_get_signed(r, f->name, fuzz_key,
			        sizeof(fuzz_key), &v) != CGI_OK)
				continue;
			n = strlen(v);
			if (n >= f->value_len || memcmp(v, f->value, n) != 0 ||
			    f->value[n] != '.')
				__builtin_trap(); /* not the cookie's VALUE */
		}
		f = cgi_field_at(r, 0);
		if (f != NULL && i < 4 && strlen(f->name) == f->name_len &&
		    strlen(f->value) == f->value_len)
			round_trip(f->name, f->value);
		(void)cgi_finish(r);
	}
	cgi_cli_free(io.cli);
	buf_fini(&io.out);
	return 0;
}
