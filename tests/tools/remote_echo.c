/*
 * remote_echo.c - a libcgi program for the end-to-end test of
 * L-3875-8.2-e: prints, as text/plain, what cgi_remote_addr returns and
 * the X-Forwarded-For header the program was handed (HTTP_X_FORWARDED_FOR),
 * so a test can show the header arrived and still did not become the
 * client address.
 *
 * Output lines: "remote_addr=ADDR", then "x_forwarded_for=VALUE" or
 * "x_forwarded_for unset".
 */
#include <cgi.h>

/* The whole answer for one request. */
static enum cgi_err
echo(cgi_req *r)
{
	const char *xff = cgi_getenv(r, "HTTP_X_FORWARDED_FOR");
	enum cgi_err e;

	e = cgi_type(r, "text/plain; charset=utf-8");
	if (e == CGI_OK)
		e = cgi_printf(r, "remote_addr=%s\n", cgi_remote_addr(r));
	if (e == CGI_OK && xff == NULL)
		e = cgi_puts(r, "x_forwarded_for unset\n");
	else if (e == CGI_OK)
		e = cgi_printf(r, "x_forwarded_for=%s\n", xff);
	return e;
}

int
main(int argc, char **argv)
{
	cgi_app *app = cgi_open(argc, argv, NULL);
	cgi_req *r;
	int rc = 0;

	while ((r = cgi_accept(app)) != NULL) {
		if (echo(r) != CGI_OK)
			rc = 1;
		if (cgi_finish(r) != 0)
			rc = 1;
	}
	if (cgi_close(app) != 0)
		rc = 1;
	return rc;
}
