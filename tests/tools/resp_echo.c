/*
 * resp_echo.c - a libcgi program for the end-to-end tests of the response
 * helpers (tests/e2e/test_libcgi_response.py). QUERY_STRING "mode=" picks:
 *
 *   page  a text/plain "hello", through cgi_nph when the program's name
 *         starts with "nph-" (the server then passes the output through)
 *   fail  cgi_fail with the "x" field in its message (L-API-09)
 *   form  cgi_want_form, then "a=" and the "a" field (L-3875-8.2-b)
 */
#include <string.h>

#include <cgi.h>

/* The program's own name, from SCRIPT_NAME. */
static const char *
base_name(cgi_req *r)
{
	const char *s = cgi_script_name(r), *slash = strrchr(s, '/');

	return slash != NULL ? slash + 1 : s;
}

static enum cgi_err
answer(cgi_req *r)
{
	const char *mode = cgi_query_get(r, "mode"), *a;
	enum cgi_err e = CGI_OK;

	if (mode == NULL)
		mode = "page";
	if (strncmp(base_name(r), "nph-", 4) == 0)
		e = cgi_nph(r);
	if (e != CGI_OK)
		return e;
	if (strcmp(mode, "fail") == 0) {
		a = cgi_query_get(r, "x");
		return cgi_fail(r, "lookup of %s failed", a != NULL ? a : "-");
	}
	if (strcmp(mode, "form") == 0) {
		if (!cgi_want_form(r))
			return CGI_OK; /* the 415 is out */
		a = cgi_form_get(r, "a");
		if ((e = cgi_type(r, "text/plain; charset=utf-8")) != CGI_OK)
			return e;
		return cgi_printf(r, "a=%s\n", a != NULL ? a : "(none)");
	}
	if ((e = cgi_type(r, "text/plain; charset=utf-8")) != CGI_OK)
		return e;
	return cgi_puts(r, "hello\n");
}

int
main(int argc, char **argv)
{
	cgi_app *app = cgi_open(argc, argv, NULL);
	cgi_req *r;
	int rc = 0;

	while ((r = cgi_accept(app)) != NULL) {
		if (answer(r) != CGI_OK)
			rc = 1;
		if (cgi_finish(r) != 0)
			rc = 1;
	}
	return cgi_close(app) != 0 ? 1 : rc;
}
