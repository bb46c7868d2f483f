/*
 * path_echo.c - the PATH_INFO program of tests/e2e/test_libcgi_path.py.
 *
 * Run under the name "no_path" it takes no PATH_INFO (cgi_no_path_info,
 * L-3875-8.2-a); under any other name it answers, in text/plain, the
 * PATH_INFO it got and what cgi_path_segments made of it (L-API-11), one
 * segment a line in brackets, bytes outside printable ASCII as \xHH.
 */
#include <stdio.h>
#include <string.h>

#include <cgi.h>

/* The bytes of s, with anything not printable ASCII (and \) as \xHH. */
static void
put_escaped(cgi_req *r, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u != '\0'; u++) {
		if (*u >= 0x20 && *u < 0x7f && *u != '\\')
			(void)cgi_write(r, u, 1);
		else
			(void)cgi_printf(r, "\\x%02x", *u);
	}
}

static void
echo(cgi_req *r)
{
	const char *const *segs;
	enum cgi_err e;
	size_t i, n;

	(void)cgi_type(r, "text/plain; charset=utf-8");
	(void)cgi_puts(r, "path_info=");
	put_escaped(r, cgi_path_info(r));
	e = cgi_path_segments(r, &segs, &n);
	(void)cgi_printf(r, "\nstatus=%s\nn=%zu\n",
	    e == CGI_OK ? "ok" : cgi_strerror(e), n);
	for (i = 0; i < n; i++) {
		(void)cgi_puts(r, "[");
		put_escaped(r, segs[i]);
		(void)cgi_puts(r, "]\n");
	}
}

int
main(int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	cgi_app *app = cgi_open(argc, argv, NULL);
	bool strict;
	cgi_req *r;

	base = base != NULL ? base + 1 : argc > 0 ? argv[0] : "";
	strict = strcmp(base, "no_path") == 0;
	while ((r = cgi_accept(app)) != NULL) {
		if (!strict)
			echo(r);
		else if (cgi_no_path_info(r))
			(void)cgi_puts(r, "<p>no path info: served</p>\n");
		(void)cgi_finish(r);
	}
	return cgi_close(app);
}
