/*
 * cookie_echo.c - a libcgi program for the end-to-end cookie tests
 * (L-CK-06): prints, as text/plain, HTTP_COOKIE as the program got it,
 * then every cookie field in arrival order, then cgi_cookie_get of each
 * query field "get". Bytes outside printable ASCII and the backslash are
 * written as \xNN, so the tests compare exact text.
 *
 * Output lines: "env HTTP_COOKIE=..." (or "HTTP_COOKIE unset"),
 * "cookie NAME=VALUE" per cookie, "get NAME=VALUE" or "get NAME missing".
 */
#include <stddef.h>
#include <string.h>

#include <cgi.h>

/* Writes s[0..len) with \xNN for bytes that are not printable ASCII. */
static enum cgi_err
put_escaped(cgi_req *r, const char *s, size_t len)
{
	enum cgi_err e = CGI_OK;
	size_t i, run = 0;

	for (i = 0; i < len && e == CGI_OK; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			continue;
		e = cgi_write(r, s + run, i - run);
		if (e == CGI_OK)
			e = cgi_printf(r, "\\x%02X", c);
		run = i + 1;
	}
	if (e == CGI_OK)
		e = cgi_write(r, s + run, len - run);
	return e;
}

/* "PREFIX NAME=VALUE\n" for one field. */
static enum cgi_err
put_field(cgi_req *r, const char *prefix, const struct cgi_field *f)
{
	enum cgi_err e = cgi_printf(r, "%s ", prefix);

	if (e == CGI_OK)
		e = put_escaped(r, f->name, f->name_len);
	if (e == CGI_OK)
		e = cgi_puts(r, "=");
	if (e == CGI_OK)
		e = put_escaped(r, f->value, f->value_len);
	if (e == CGI_OK)
		e = cgi_puts(r, "\n");
	return e;
}

/* The whole answer for one request. */
static enum cgi_err
echo(cgi_req *r)
{
	const char *hc = cgi_getenv(r, "HTTP_COOKIE");
	const struct cgi_field *f;
	enum cgi_err e;
	size_t i, n = cgi_nfields(r);

	e = cgi_type(r, "text/plain; charset=utf-8");
	if (e == CGI_OK && hc == NULL)
		e = cgi_puts(r, "HTTP_COOKIE unset\n");
	else if (e == CGI_OK) {
		struct cgi_field all = { .name = "HTTP_COOKIE",
			.name_len = strlen("HTTP_COOKIE"),
			.value = hc,
			.value_len = strlen(hc) };

		e = put_field(r, "env", &all);
	}
	for (i = 0; i < n && e == CGI_OK; i++) {
		f = cgi_field_at(r, i);
		if (f != NULL && f->source == CGI_SRC_COOKIE)
			e = put_field(r, "cookie", f);
	}
	for (i = 0;
	     e == CGI_OK && (f = cgi_find(r, CGI_SRC_QUERY, "get", i)) != NULL;
	     i++) {
		struct cgi_field got = { .name = f->value,
			.name_len = f->value_len,
			.value = cgi_cookie_get(r, f->value) };

		if (got.value == NULL) {
			e = cgi_puts(r, "get ");
			if (e == CGI_OK)
				e = put_escaped(r, f->value, f->value_len);
			if (e == CGI_OK)
				e = cgi_puts(r, " missing\n");
			continue;
		}
		got.value_len = strlen(got.value);
		e = put_field(r, "get", &got);
	}
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
