/*
 * stream.c - a page that arrives line by line.
 *
 * The program writes one list item, calls cgi_flush so the bytes leave at
 * once (the server passes them on as they come, chunked), sleeps a little,
 * and writes the next: the browser shows each line as it arrives. The
 * number of lines and the pause are query fields, read with the typed
 * getters, which refuse what is not a number or out of range.
 */
#include <stdio.h>
#include <time.h>

#include <cgi.h>

/* Defence in depth behind the escaping: this page runs no script at all,
 * loads only our stylesheet, and posts forms only to this site. */
#define EXAMPLE_CSP                                                            \
	"default-src 'none'; style-src 'self'; form-action 'self'; "           \
	"base-uri 'none'; frame-ancestors 'none'"

#define STREAM_LINES    8   /* default number of lines */
#define STREAM_MAX      50  /* most lines */
#define STREAM_DELAY_MS 400 /* default pause between lines */
#define STREAM_MAX_MS   2000

/* A query number in [min, max], def when absent; CGI_OK or why not. */
static enum cgi_err
num(cgi_req *r, const char *name, long long min, long long max, long long def,
    long long *out)
{
	enum cgi_err e = cgi_get_int(r, name, min, max, out);

	if (e == CGI_MISSING) {
		*out = def;
		return CGI_OK;
	}
	return e;
}

/* Milliseconds since start. */
static long long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return 0;
	return (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

static enum cgi_err
stream(cgi_req *r)
{
	struct timespec start, pause;
	long long lines, delay, i;
	enum cgi_err e;

	if (!cgi_allow(r, "GET"))
		return CGI_OK; /* answered 405 */
	if ((e = cgi_header_set(r, "Content-Security-Policy", EXAMPLE_CSP)) !=
	    CGI_OK)
		return e;
	if (num(r, "lines", 1, STREAM_MAX, STREAM_LINES, &lines) != CGI_OK ||
	    num(r, "delay_ms", 0, STREAM_MAX_MS, STREAM_DELAY_MS, &delay) !=
	        CGI_OK)
		return cgi_error_page(r, 400);
	if (clock_gettime(CLOCK_MONOTONIC, &start) == -1)
		return CGI_ESYSTEM;
	/* Intermediaries must not hold the page back to compress or cache
	 * it whole. */
	if ((e = cgi_header_set(r, "Cache-Control", "no-store")) != CGI_OK)
		return e;
	if ((e = cgi_html(r,
	         "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	         "<meta charset=\"utf-8\">\n"
	         "<meta name=\"viewport\" content=\"width=device-width, "
	         "initial-scale=1\">\n"
	         "<title>Streaming output</title>\n"
	         "<link rel=\"stylesheet\" href=\"/style.css\">\n"
	         "</head>\n<body>\n<header class=\"site\">\n"
	         "<a class=\"home\" href=\"/\">cgihttpd examples</a>\n"
	         "<p>Output that arrives as the program writes it.</p>\n"
	         "</header>\n<main id=\"main\">\n"
	         "<h1>Streaming output</h1>\n"
	         "<p>%lld lines, one every %lld ms. Each is sent with "
	         "<code>cgi_flush()</code>; try <a href=\"?lines=20&amp;"
	         "delay_ms=250\">20 lines</a>.</p>\n"
	         "<ol class=\"stream\" id=\"lines\" aria-live=\"polite\">\n",
	         lines, delay)) != CGI_OK)
		return e;
	pause.tv_sec = delay / 1000;
	pause.tv_nsec = (delay % 1000) * 1000000;
	for (i = 1; i <= lines; i++) {
		if (i > 1)
			(void)nanosleep(&pause, NULL);
		/* A client that went away makes these fail (CGI_EIO): stop
		 * early instead of sleeping on for nobody. */
		if ((e = cgi_html(r,
		         "<li id=\"line-%lld\">line %lld of %lld, written at "
		         "+%lld ms</li>\n",
		         i, i, lines, elapsed_ms(&start))) != CGI_OK ||
		    (e = cgi_flush(r)) != CGI_OK)
			return e;
	}
	return cgi_html(r,
	    "</ol>\n<p class=\"note ok\" id=\"done\">All %lld lines sent in "
	    "%lld ms.</p>\n</main>\n</body>\n</html>\n",
	    lines, elapsed_ms(&start));
}

int
main(int argc, char **argv)
{
	cgi_app *app = cgi_open(argc, argv, NULL);
	cgi_req *r;
	enum cgi_err e;

	if (app == NULL) {
		perror("stream: cgi_open");
		return 1;
	}
	while ((r = cgi_accept(app)) != NULL) {
		if ((e = stream(r)) != CGI_OK && e != CGI_EIO) {
			fprintf(stderr, "stream: %s\n", cgi_strerror(e));
			(void)cgi_error_page(r, 500);
		}
		(void)cgi_finish(r);
	}
	return cgi_close(app);
}
