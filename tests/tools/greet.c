/*
 * greet.c - the greeting program of DESIGN §4, used by the libcgi
 * end-to-end tests: one binary run as CGI, as FastCGI and from a terminal.
 * The name is escaped by cgi_html, so <script> arrives as text.
 */
#include <cgi.h>

int
main(int argc, char **argv)
{
	cgi_app *app = cgi_open(argc, argv, NULL); /* NULL: safe limits */
	cgi_req *r;

	while ((r = cgi_accept(app)) != NULL) { /* CGI: exactly one pass */
		/* The first value of the field, or NULL. */
		const char *name = cgi_get(r, "name");

		cgi_html(r, "<h1>Hello %s!</h1>\n",
		    name != NULL ? name : "stranger"); /* %s is escaped */
		cgi_finish(r);
	}
	return cgi_close(app);
}
