/*
 * signed_cookie.c - a CGI program for tests/e2e/test_libcgi_signed.py:
 * sets and reads the signed cookie "sid" through the public API only, so
 * a real client can show a tampered cookie refused (L-CK-07, L-3875-9.7).
 *
 *   ?set=VALUE[&age=N]   sets sid=VALUE signed (max_age N); prints "set"
 *   ?name=NAME           reads NAME instead of sid
 *   otherwise            prints "ok VALUE", "missing", "dup" or "invalid"
 *
 * The key is a constant because this is a test tool whose cookies guard
 * nothing; a real program reads 32 random bytes from a file outside the
 * document root (cgi_cookie_set_signed(3)).
 */
#include <cgi.h>

#include <string.h>

static const unsigned char test_key[32] = "signed_cookie test key, 32 byte";

static void
serve(cgi_req *r)
{
	const char *set = cgi_get(r, "set"), *name = cgi_get(r, "name");
	const char *value = NULL;
	long long age = 0;
	enum cgi_err e;

	(void)cgi_type(r, "text/plain; charset=utf-8");
	if (set != NULL) {
		if (cgi_get_int(r, "age", 0, 400LL * 86400, &age) != CGI_OK)
			age = 0;
		e = cgi_cookie_set_signed(r,
		    &(struct cgi_cookie){ .name = "sid",
		        .value = set,
		        .max_age = age },
		    test_key, sizeof(test_key));
		if (e != CGI_OK) {
			(void)cgi_status(r, 400);
			(void)cgi_printf(r, "refused: %s\n", cgi_strerror(e));
			return;
		}
		(void)cgi_puts(r, "set\n");
		return;
	}
	e = cgi_cookie_get_signed(r, name != NULL ? name : "sid", test_key,
	    sizeof(test_key), &value);
	switch (e) {
	case CGI_OK:
		(void)cgi_printf(r, "ok %s\n", value);
		break;
	case CGI_MISSING:
		(void)cgi_puts(r, "missing\n");
		break;
	case CGI_DUP:
		(void)cgi_puts(r, "dup\n");
		break;
	case CGI_INVALID:
		(void)cgi_puts(r, "invalid\n");
		break;
	default:
		(void)cgi_status(r, 500);
		(void)cgi_printf(r, "error: %s\n", cgi_strerror(e));
		break;
	}
}

int
main(int argc, char **argv)
{
	cgi_app *app = cgi_open(argc, argv, NULL);
	cgi_req *r;

	while ((r = cgi_accept(app)) != NULL) {
		serve(r);
		(void)cgi_finish(r);
	}
	return cgi_close(app);
}
