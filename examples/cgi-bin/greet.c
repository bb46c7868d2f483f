/*
 * greet.c - the tutorial's greeting form, written with libcgi.
 *
 * The same fields and messages as the tutorial's Python script (name, and
 * the happy and sad checkboxes), over GET or POST, but every value the
 * visitor typed is escaped by cgi_html before it reaches the page: the name
 * "<script>..." comes back as text, never as markup. Compare with
 * tutorial.py, served at /python/tutorial.py, which echoes it raw.
 */
#include <stdio.h>
#include <string.h>

#include <cgi.h>

/* Defence in depth behind the escaping: this page runs no script at all,
 * loads only our stylesheet, and posts forms only to this site. */
#define EXAMPLE_CSP                                                            \
	"default-src 'none'; style-src 'self'; form-action 'self'; "           \
	"base-uri 'none'; frame-ancestors 'none'"

/*
 * A field of the form that was submitted: the body for POST, the query
 * for GET. (cgi_get would look in both, query first, so a POST to a URL
 * that still carries "?name=Ada" would read the old name.)
 */
static const char *
field(cgi_req *r, const char *name)
{
	if (strcmp(cgi_method(r), "POST") == 0)
		return cgi_form_get(r, name);
	return cgi_query_get(r, name);
}

/* True when the field is present with a non-empty value, as the tutorial's
 * form.getvalue() tests it (a ticked checkbox sends "on"). */
static int
ticked(cgi_req *r, const char *name)
{
	const char *v = field(r, name);

	return v != NULL && v[0] != '\0';
}

static enum cgi_err
greet(cgi_req *r)
{
	const char *name = field(r, "name");
	enum cgi_err e;

	/* Anything else gets 405 with an Allow header (HEAD goes with GET:
	 * the library sends the headers only). */
	if (!cgi_allow(r, "GET, POST"))
		return CGI_OK;
	if ((e = cgi_header_set(r, "Content-Security-Policy", EXAMPLE_CSP)) !=
	    CGI_OK)
		return e;
	if (name == NULL)
		name = "";
	if ((e = cgi_html(r,
	         "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	         "<meta charset=\"utf-8\">\n"
	         "<meta name=\"viewport\" content=\"width=device-width, "
	         "initial-scale=1\">\n"
	         "<title>Greeting form (C, libcgi)</title>\n"
	         "<link rel=\"stylesheet\" href=\"/style.css\">\n"
	         "</head>\n<body>\n<header class=\"site\">\n"
	         "<a class=\"home\" href=\"/\">cgihttpd examples</a>\n"
	         "<p>The tutorial's greeting form, in C with libcgi.</p>\n"
	         "</header>\n<main id=\"main\">\n"
	         "<h1>Hello Program!</h1>\n")) != CGI_OK)
		return e;
	if (name[0] != '\0' &&
	    (e = cgi_html(r,
	         "<p class=\"note ok\" id=\"greeting\">Hello %s! Thanks for "
	         "using my script!</p>\n",
	         name)) != CGI_OK)
		return e;
	if (ticked(r, "happy") &&
	    (e = cgi_html(r, "<p id=\"happy\">Yayy! I'm happy too!</p>\n")) !=
	        CGI_OK)
		return e;
	if (ticked(r, "sad") &&
	    (e = cgi_html(r, "<p id=\"sad\">Oh no! Why are you sad?</p>\n")) !=
	        CGI_OK)
		return e;
	/* The form posts back to this program, as in the tutorial; the name
	 * is put back into the field, escaped for a quoted attribute. */
	return cgi_html(r,
	    "<form class=\"card\" method=\"post\" action=\"%s\">\n"
	    "<p class=\"field\"><label for=\"name\">Name</label>\n"
	    "<input type=\"text\" id=\"name\" name=\"name\" value=\"%s\" "
	    "autocomplete=\"name\"></p>\n"
	    "<fieldset><legend>How are you?</legend>\n"
	    "<label><input type=\"checkbox\" name=\"happy\"> Happy</label>\n"
	    "<label><input type=\"checkbox\" name=\"sad\"> Sad</label>\n"
	    "</fieldset>\n"
	    "<input type=\"submit\" value=\"Submit\">\n"
	    "</form>\n"
	    "<p>Try a name with markup in it, such as "
	    "<code>&lt;em&gt;Ada&lt;/em&gt;</code>: it comes back as text. "
	    "<a href=\"/tutorial.html\">The tutorial's Python script</a> "
	    "would run it.</p>\n"
	    "<p>This program also answers GET: "
	    "<a "
	    "href=\"?name=Ada&amp;happy=on\">?name=Ada&amp;happy=on</a>.</p>\n"
	    "</main>\n</body>\n</html>\n",
	    cgi_script_name(r), name);
}

int
main(int argc, char **argv)
{
	cgi_app *app = cgi_open(argc, argv, NULL);
	cgi_req *r;
	enum cgi_err e;

	if (app == NULL) {
		perror("greet: cgi_open");
		return 1;
	}
	while ((r = cgi_accept(app)) != NULL) {
		if ((e = greet(r)) != CGI_OK) {
			fprintf(stderr, "greet: %s\n", cgi_strerror(e));
			/* Too late once the page has started (CGI_ESTATE). */
			(void)cgi_error_page(r, 500);
		}
		/* A lost client makes cgi_close report 1; nothing else to do.
		 */
		(void)cgi_finish(r);
	}
	return cgi_close(app);
}
