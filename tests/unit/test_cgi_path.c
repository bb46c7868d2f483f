/*
 * test_cgi_path.c - PATH_INFO as segments (cgi_path_segments) and the
 * 404 for programs that take none (cgi_no_path_info).
 *
 * One table of PATH_INFO values runs through every way a value reaches a
 * program: the check itself over an exact-size copy (the length known, so
 * NUL rows count), a request over a variable table (terminal runs), a
 * real CGI run (environ, cgi_open) and a real FastCGI run (cgi_open
 * --listen, records sent over a unix socket). Checklist: L-API-11 (decoded
 * segments; ".", "..", empty inner segments, NUL and "\" refused),
 * L-3875-8.2-c ("//", ".", ".." refused before any file-system use),
 * L-3875-8.2-a (404 for PATH_INFO a program does not take).
 */
#include "cgi_path.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi_rig.h"
#include "fcgi_record.h"
#include "harness.h"
#include "str.h"

#define B(s)    s, sizeof(s) - 1
#define REFUSED (-1)

static const struct {
	const char *name;
	const char *in; /* PATH_INFO; NULL: unset */
	size_t len;
	int nsegs; /* REFUSED: CGI_INVALID */
	const char *segs[4];
} rows[] = {
	{ "L-API-11 unset: no segments", NULL, 0, 0, { NULL } },
	{ "L-API-11 empty: no segments", B(""), 0, { NULL } },
	{ "L-API-11 two segments", B("/a/b"), 2, { "a", "b" } },
	{ "L-API-11 trailing slash: a last empty segment", B("/a/b/"), 3,
	    { "a", "b", "" } },
	{ "L-API-11 root: one empty segment", B("/"), 1, { "" } },
	{ "L-API-11 no leading slash", B("a/b"), REFUSED, { NULL } },
	{ "L-API-11 dot alone, no slash", B("."), REFUSED, { NULL } },
	{ "L-API-11 L-3875-8.2-c empty inner segment", B("/a//b"), REFUSED,
	    { NULL } },
	{ "L-API-11 L-3875-8.2-c leading //", B("//a"), REFUSED, { NULL } },
	{ "L-API-11 L-3875-8.2-c // alone", B("//"), REFUSED, { NULL } },
	{ "L-API-11 L-3875-8.2-c dot segment first", B("/./a"), REFUSED,
	    { NULL } },
	{ "L-API-11 L-3875-8.2-c dot segment last", B("/a/."), REFUSED,
	    { NULL } },
	{ "L-API-11 L-3875-8.2-c dot-dot last", B("/a/.."), REFUSED, { NULL } },
	{ "L-API-11 L-3875-8.2-c dot-dot inner", B("/a/../b"), REFUSED,
	    { NULL } },
	{ "L-API-11 L-3875-8.2-c dot-dot alone", B("/.."), REFUSED, { NULL } },
	{ "L-API-11 L-3875-8.2-c dot-dot then slash", B("/../"), REFUSED,
	    { NULL } },
	{ "L-API-11 backslash", B("/a\\b"), REFUSED, { NULL } },
	{ "L-API-11 backslash dot-dot", B("/..\\x"), REFUSED, { NULL } },
	{ "L-API-11 decoded once: %2F stays three bytes", B("/a%2Fb"), 1,
	    { "a%2Fb" } },
	{ "L-API-11 decoded once: %2e%2e is a name", B("/%2e%2e"), 1,
	    { "%2e%2e" } },
	{ "L-API-11 three dots is a name", B("/.../a"), 2, { "...", "a" } },
	{ "L-API-11 dots inside names", B("/.a/b./..c"), 3,
	    { ".a", "b.", "..c" } },
	{ "L-API-11 space kept", B("/a b"), 1, { "a b" } },
	{ "L-API-11 control byte 0x01",
	    B("/a\x01"
	      "b"),
	    REFUSED, { NULL } },
	{ "L-API-11 control byte 0x1f", B("/a\x1f"), REFUSED, { NULL } },
	{ "L-API-11 tab", B("/a\tb"), REFUSED, { NULL } },
	{ "L-API-11 newline", B("/a\nb"), REFUSED, { NULL } },
	{ "L-API-11 DEL", B("/a\x7f"), REFUSED, { NULL } },
	{ "L-API-11 UTF-8 bytes kept", B("/\xc3\xa9/\xc3\xbc"), 2,
	    { "\xc3\xa9", "\xc3\xbc" } },
	{ "L-API-11 bytes over 0x7f kept as they are", B("/\xff\x80"), 1,
	    { "\xff\x80" } },
	/* Rows with a NUL: only where the length travels with the value. */
	{ "L-API-11 NUL inside a segment", B("/a\0b"), REFUSED, { NULL } },
	{ "L-API-11 NUL as a segment", B("/a/\0"), REFUSED, { NULL } },
	{ "L-API-11 NUL first", B("\0/a"), REFUSED, { NULL } },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static bool
has_nul(size_t i)
{
	return rows[i].in != NULL && memchr(rows[i].in, '\0', rows[i].len);
}

/* The 4 KiB row: "/000/001/.../999" with the last segment padded. */
#define BIG_LEN 4096
static char big[BIG_LEN + 1];

static void
big_make(void)
{
	size_t off = 0;
	int i;

	for (i = 0; i < 1000; i++)
		off +=
		    (size_t)snprintf(big + off, sizeof(big) - off, "/%03d", i);
	memset(big + off, 'x', BIG_LEN - off);
	big[BIG_LEN] = '\0';
}

/* Compares what a call gave with row i (or the big row when i == NROWS). */
static void
check_result(const char *mode, size_t i, enum cgi_err e,
    const char *const *segs, size_t n)
{
	char name[200];
	size_t k;

	if (i == NROWS) {
		(void)snprintf(name, sizeof(name),
		    "L-API-11 4 KiB, 1,000 segments (%s)", mode);
		CHECK_INT(name, e, CGI_OK);
		CHECK_INT(name, n, 1000);
		for (k = 0; e == CGI_OK && k < n; k++)
			CHECK(name,
			    strncmp(segs[k], big + 1 + 4 * k, 3) == 0 &&
			        strlen(segs[k]) == (k < 999 ? 3 : 3 + 96));
		CHECK(name, e == CGI_OK && segs[n] == NULL);
		return;
	}
	(void)snprintf(name, sizeof(name), "%s (%s)", rows[i].name, mode);
	if (rows[i].nsegs == REFUSED) {
		CHECK_INT(name, e, CGI_INVALID);
		CHECK(name, segs == NULL && n == 0);
		return;
	}
	CHECK_INT(name, e, CGI_OK);
	CHECK_INT(name, n, rows[i].nsegs);
	if (e != CGI_OK || n != (size_t)rows[i].nsegs)
		return;
	for (k = 0; k < n; k++)
		CHECK_STR(name, segs[k], rows[i].segs[k]);
	CHECK(name, segs[n] == NULL);
}

/* The check over an exact-size copy: the length is known, NULs count. */
static void
test_check(void)
{
	const char *why;
	size_t i, got;
	char *p;

	for (i = 0; i < NROWS; i++) {
		p = harness_exact(rows[i].in != NULL ? rows[i].in : "",
		    rows[i].len);
		got = cgi_path_check(p, rows[i].len, &why);
		CHECK_INT(rows[i].name, got,
		    rows[i].nsegs == REFUSED ? CGI_PATH_REFUSED
		                             : (size_t)rows[i].nsegs);
		CHECK(rows[i].name,
		    (why == NULL) == (rows[i].nsegs != REFUSED));
		free(p);
	}
	p = harness_exact(big, BIG_LEN);
	CHECK_INT("L-API-11 4 KiB, 1,000 segments (check)",
	    cgi_path_check(p, BIG_LEN, NULL), 1000);
	free(p);
}

/* Runs the helper twice on r: the second answer is the first one. */
static void
segments_twice(const char *mode, size_t i, cgi_req *r)
{
	const char *const *segs, *const *again;
	size_t n, n2;
	enum cgi_err e;

	e = cgi_path_segments(r, &segs, &n);
	check_result(mode, i, e, segs, n);
	CHECK_INT("L-API-11 same answer twice",
	    cgi_path_segments(r, &again, &n2), e);
	CHECK("L-API-11 same segments twice", again == segs && n2 == n);
}

/* A request over a table of variables, as a terminal run makes one. */
static void
test_table(void)
{
	char pi[BIG_LEN + 16];
	const char *env[3] = { "REQUEST_METHOD=GET", NULL, NULL };
	struct rig g;
	size_t i;

	for (i = 0; i <= NROWS; i++) {
		if (i < NROWS && has_nul(i))
			continue; /* argv and the table hold C strings */
		env[1] = NULL;
		if (i == NROWS || rows[i].in != NULL) {
			(void)snprintf(pi, sizeof(pi), "PATH_INFO=%s",
			    i == NROWS ? big : rows[i].in);
			env[1] = pi;
		}
		segments_twice("table", i, rig_open(&g, env));
		CHECK_INT("finish", rig_close(&g), 0);
		rig_fini(&g);
	}
}

/* The arguments of a misuse: nothing is written through a NULL. */
static void
test_args(void)
{
	const char *env[] = { "PATH_INFO=/a", NULL };
	const char *const *segs = (const char *const *)&segs;
	size_t n = 7;
	struct rig g;
	cgi_req *r = rig_open(&g, env);

	CHECK_INT("NULL request", cgi_path_segments(NULL, &segs, &n),
	    CGI_EINVAL);
	CHECK("NULL request: outputs cleared", segs == NULL && n == 0);
	CHECK_INT("NULL segs", cgi_path_segments(r, NULL, &n), CGI_EINVAL);
	CHECK_INT("NULL n", cgi_path_segments(r, &segs, NULL), CGI_EINVAL);
	CHECK("L-3875-8.2-a NULL request is not a go-ahead",
	    !cgi_no_path_info(NULL));
	(void)rig_close(&g);
	rig_fini(&g);
}

/* --replay carries values percent-encoded, so it could carry a NUL: the
 * recording is refused whole, and the program never runs with it. */
static void
test_replay_nul(void)
{
	static const char good[] = "CGI-RECORD 1\nPATH_INFO=/a%2Fb\n\n";
	static const char nul[] = "CGI-RECORD 1\nPATH_INFO=/a%00b\n\n";
	struct cgi_cli *c;

	if ((c = cgi_cli_new()) == NULL)
		exit(2);
	CHECK_INT("replay: a %2F is decoded once",
	    cgi_cli_parse_record(c, good, sizeof(good) - 1), 0);
	CHECK_STR("replay: a %2F is decoded once",
	    cgi_cli_getenv(c, "PATH_INFO"), "/a/b");
	cgi_cli_free(c);
	if ((c = cgi_cli_new()) == NULL)
		exit(2);
	CHECK_INT("L-API-11 replay: a NUL in PATH_INFO refuses the run",
	    cgi_cli_parse_record(c, nul, sizeof(nul) - 1), -1);
	cgi_cli_free(c);
}

/* cgi_no_path_info over the table of variables. */
static const struct {
	const char *name;
	const char *path_info; /* NULL: unset */
	bool ok;
} npi_rows[] = {
	{ "L-3875-8.2-a unset: go ahead, nothing sent", NULL, true },
	{ "L-3875-8.2-a empty: go ahead, nothing sent", "", true },
	{ "L-3875-8.2-a /extra: 404", "/extra", false },
	{ "L-3875-8.2-a / alone is PATH_INFO too: 404", "/", false },
	{ "L-3875-8.2-a a refused path: 404 as well", "/a/../b", false },
};

static void
test_no_path_info(void)
{
	const char *env[3] = { "REQUEST_METHOD=GET", NULL, NULL };
	static const char status404[] = "Status: 404 Not Found\r\n"
	                                "Content-Type: text/html; "
	                                "charset=utf-8\r\n";
	char pi[64];
	struct rig g;
	cgi_req *r;
	size_t i;
	bool ok;

	for (i = 0; i < sizeof(npi_rows) / sizeof(npi_rows[0]); i++) {
		env[1] = NULL;
		if (npi_rows[i].path_info != NULL) {
			(void)snprintf(pi, sizeof(pi), "PATH_INFO=%s",
			    npi_rows[i].path_info);
			env[1] = pi;
		}
		r = rig_open(&g, env);
		ok = cgi_no_path_info(r);
		CHECK_INT(npi_rows[i].name, ok, npi_rows[i].ok);
		CHECK_INT(npi_rows[i].name, g.out.len, 0); /* buffered */
		if (ok) {
			CHECK_INT(npi_rows[i].name, cgi_puts(r, "page"),
			    CGI_OK);
		} else {
			CHECK_INT("refused: the response is complete",
			    cgi_puts(r, "page"), CGI_ESTATE);
		}
		CHECK_INT(npi_rows[i].name, rig_close(&g), 0);
		if (ok) {
			CHECK_STR(npi_rows[i].name, buf_cstr(&g.out),
			    "Status: 200 OK\r\nContent-Type: text/html; "
			    "charset=utf-8\r\nX-Content-Type-Options: "
			    "nosniff\r\n"
			    "\r\npage");
		} else {
			CHECK(npi_rows[i].name,
			    strncmp(buf_cstr(&g.out), status404,
			        sizeof(status404) - 1) == 0);
			CHECK(npi_rows[i].name,
			    strstr(buf_cstr(&g.out),
			        "<h1>404 Not Found</h1>") != NULL);
			CHECK("the path is not echoed",
			    strstr(buf_cstr(&g.out), "extra") == NULL);
		}
		rig_fini(&g);
	}
}

/* ---- CGI: a real cgi_open over environ, stdout captured ---- */

static int
stdout_to_file(int *saved)
{
	char tmp[] = "/tmp/test_cgi_path.XXXXXX";
	int fd;

	if (fflush(stdout) == EOF || (fd = mkstemp(tmp)) == -1 ||
	    unlink(tmp) == -1 || (*saved = dup(1)) == -1 || dup2(fd, 1) == -1)
		exit(2);
	return fd;
}

static void
stdout_back(int fd, int saved, struct buf *out)
{
	char chunk[4096];
	ssize_t n;

	if (dup2(saved, 1) == -1 || close(saved) == -1 ||
	    lseek(fd, 0, SEEK_SET) == -1)
		exit(2);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(out, chunk, (size_t)n) == -1)
			exit(2);
	(void)close(fd);
}

static void
test_cgi(void)
{
	char *argv[] = { (char *)(uintptr_t) "prog", NULL };
	const char *v;
	struct buf out;
	cgi_app *app;
	cgi_req *r;
	size_t i;
	int fd, saved;

	if (setenv("GATEWAY_INTERFACE", "CGI/1.1", 1) == -1 ||
	    setenv("REQUEST_METHOD", "GET", 1) == -1 ||
	    unsetenv("CONTENT_LENGTH") == -1 || unsetenv("CGI_RECORD") == -1)
		exit(2);
	for (i = 0; i <= NROWS; i++) {
		if (i < NROWS && has_nul(i))
			continue; /* environ cannot hold a NUL */
		v = i == NROWS ? big : rows[i].in;
		if ((v == NULL ? unsetenv("PATH_INFO")
		               : setenv("PATH_INFO", v, 1)) == -1)
			exit(2);
		buf_init(&out, 0);
		fd = stdout_to_file(&saved);
		app = cgi_open(1, argv, NULL);
		r = cgi_accept(app);
		if (r != NULL)
			segments_twice("CGI", i, r);
		CHECK_INT("CGI: finish", cgi_finish(r), 0);
		CHECK_INT("CGI: close", cgi_close(app), 0);
		stdout_back(fd, saved, &out);
		CHECK("CGI: request accepted", r != NULL);
		buf_fini(&out);
	}

	/* The 404 in a real CGI run: bytes on stdout. */
	if (setenv("PATH_INFO", "/extra", 1) == -1)
		exit(2);
	buf_init(&out, 0);
	fd = stdout_to_file(&saved);
	app = cgi_open(1, argv, NULL);
	r = cgi_accept(app);
	CHECK("L-3875-8.2-a CGI /extra: not a go-ahead", !cgi_no_path_info(r));
	(void)cgi_finish(r);
	(void)cgi_close(app);
	stdout_back(fd, saved, &out);
	CHECK("L-3875-8.2-a CGI /extra: 404 on stdout",
	    strncmp(buf_cstr(&out), "Status: 404 Not Found\r\n", 23) == 0);
	buf_fini(&out);
	if (unsetenv("GATEWAY_INTERFACE") == -1 ||
	    unsetenv("PATH_INFO") == -1 || unsetenv("REQUEST_METHOD") == -1)
		exit(2);
}

/* ---- FastCGI: a real cgi_open --listen, records over a socket ---- */

/* Connects to sock and sends one request whose PATH_INFO is pi[0..len)
 * (pi NULL: no PATH_INFO param), then shuts the write side. */
static int
fcgi_send(const char *sock, const char *pi, size_t len)
{
	static unsigned char rec[BIG_LEN + 256];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = 16, plen;
	int fd;

	(void)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	(void)fcgi_record_put_begin(rec, 1, FCGI_RECORD_RESPONDER, 0);
	plen = fcgi_record_put_pair(rec + n + 8, sizeof(rec) - n - 16,
	    STR_LIT("REQUEST_METHOD"), STR_LIT("GET"));
	if (pi != NULL)
		plen += fcgi_record_put_pair(rec + n + 8 + plen,
		    sizeof(rec) - n - 16 - plen, STR_LIT("PATH_INFO"),
		    (struct str){ pi, len });
	(void)fcgi_record_put_header(rec + n, FCGI_RECORD_PARAMS, 1, plen, 0);
	n += 8 + plen;
	(void)fcgi_record_put_header(rec + n, FCGI_RECORD_PARAMS, 1, 0, 0);
	n += 8;
	(void)fcgi_record_put_header(rec + n, FCGI_RECORD_STDIN, 1, 0, 0);
	n += 8;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    write(fd, rec, n) != (ssize_t)n || shutdown(fd, SHUT_WR) == -1)
		exit(2);
	return fd;
}

/* Bytes the responder sent back on fd before closing it. */
static size_t
fcgi_reply_len(int fd)
{
	char chunk[4096];
	size_t total = 0;
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		total += (size_t)n;
	(void)close(fd);
	return total;
}

static void
test_fastcgi(void)
{
	char dir[] = "/tmp/test_cgi_path.XXXXXX", sock[128], spec[140];
	char *argv[4] = { NULL };
	const char *const *segs;
	const char *pi;
	cgi_app *app;
	cgi_req *r;
	size_t i, n, len;
	int fd, fd2;

	if (mkdtemp(dir) == NULL)
		exit(2);
	(void)snprintf(sock, sizeof(sock), "%s/s", dir);
	(void)snprintf(spec, sizeof(spec), "unix:%s", sock);
	argv[0] = (char *)(uintptr_t) "prog";
	argv[1] = (char *)(uintptr_t) "--listen";
	argv[2] = spec;
	if (unsetenv("GATEWAY_INTERFACE") == -1 ||
	    (app = cgi_open(3, argv, NULL)) == NULL)
		exit(2);
	for (i = 0; i <= NROWS; i++) {
		pi = i == NROWS ? big : rows[i].in;
		len = i == NROWS ? BIG_LEN : rows[i].len;
		fd = fcgi_send(sock, pi, len);
		if (i < NROWS && has_nul(i)) {
			/* The params stream holds the NUL with its length;
			 * the responder drops that connection, and the next
			 * request is the first the program sees. */
			fd2 = fcgi_send(sock, B("/after"));
			r = cgi_accept(app);
			CHECK(rows[i].name, r != NULL);
			if (r == NULL)
				break;
			CHECK_INT(rows[i].name, cgi_path_segments(r, &segs, &n),
			    CGI_OK);
			CHECK(rows[i].name,
			    n == 1 && strcmp(segs[0], "after") == 0);
			CHECK_INT("FastCGI: finish", cgi_finish(r), 0);
			CHECK_INT("L-API-11 FastCGI: NUL request dropped "
			          "unanswered",
			    fcgi_reply_len(fd), 0);
			CHECK("FastCGI: next request answered",
			    fcgi_reply_len(fd2) > 0);
			continue;
		}
		r = cgi_accept(app);
		CHECK("FastCGI: request accepted", r != NULL);
		if (r == NULL)
			break;
		segments_twice("FastCGI", i, r);
		CHECK_INT("FastCGI: finish", cgi_finish(r), 0);
		CHECK("FastCGI: answered", fcgi_reply_len(fd) > 0);
	}
	CHECK_INT("FastCGI: close", cgi_close(app), 0);
	(void)unlink(sock);
	(void)rmdir(dir);
}

int
main(void)
{
	big_make();
	test_check();
	test_table();
	test_args();
	test_replay_nul();
	test_no_path_info();
	test_cgi();
	test_fastcgi();
	return harness_done();
}
