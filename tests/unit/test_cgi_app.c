/*
 * test_cgi_app.c - modes and terminal runs: cgi_open/cgi_accept/cgi_close
 * in CGI and terminal mode, the curl-like command line, CGI_RECORD and
 * --replay, and input errors answered by the library itself.
 *
 * Checklist: L-API-04 (a limit answers 413 by itself, or reports it with
 * CGI_OPT_OWN_ERRORS), L-3875-4.2 (never read past CONTENT_LENGTH from
 * stdin), L-3875-4.4 (argv ignored in CGI mode), one pass in CGI mode.
 */
#include <sys/types.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi_rig.h"
#include "harness.h"

static const struct {
	const char *name;
	const char *argv[8];
	int rc;
	const char *vars[6]; /* "NAME=VALUE" expected in the table */
	const char *body;
} cli_rows[] = {
	{ "name=value args are a GET query", { "p", "name=Ada L", "happy=on" },
	    0,
	    { "REQUEST_METHOD=GET", "QUERY_STRING=name=Ada+L&happy=on",
	        "GATEWAY_INTERFACE=CGI/1.1", "SCRIPT_NAME=/p" },
	    "" },
	{ "query args are encoded", { "p", "a&b=c=d", "x" }, 0,
	    { "QUERY_STRING=a%26b=c%3Dd&x" }, "" },
	{ "-d makes a urlencoded POST", { "p", "-d", "name=Ada", "-d", "x=1" },
	    0,
	    { "REQUEST_METHOD=POST",
	        "CONTENT_TYPE=application/x-www-form-urlencoded",
	        "CONTENT_LENGTH=12" },
	    "name=Ada&x=1" },
	{ "-X overrides the method", { "p", "-X", "PUT", "--data=abc" }, 0,
	    { "REQUEST_METHOD=PUT", "CONTENT_LENGTH=3" }, "abc" },
	{ "-XHEAD glued", { "p", "-XHEAD" }, 0, { "REQUEST_METHOD=HEAD" }, "" },
	{ "-H sets HTTP_ and Content-Type",
	    { "p", "-H", "X-Api-Key: k1", "-H",
	        "Content-Type: application/json", "-d", "{}" },
	    0,
	    { "HTTP_X_API_KEY=k1", "CONTENT_TYPE=application/json",
	        "CONTENT_LENGTH=2" },
	    "{}" },
	{ "-C joins cookies with -H Cookie",
	    { "p", "-C", "a=1", "-H", "Cookie: b=2", "--cookie", "c=3" }, 0,
	    { "HTTP_COOKIE=a=1; c=3; b=2" }, "" },
	{ "-P sets PATH_INFO", { "p", "-P", "/x/y" }, 0, { "PATH_INFO=/x/y" },
	    "" },
	{ "-- ends options", { "p", "--", "-d" }, 0, { "QUERY_STRING=-d" },
	    "" },
	{ "unknown option", { "p", "-Z" }, -1, { NULL }, NULL },
	{ "missing value", { "p", "-d" }, -1, { NULL }, NULL },
	{ "-H without colon", { "p", "-H", "X-Y" }, -1, { NULL }, NULL },
	{ "-H name with underscore", { "p", "-H", "X_Y: 1" }, -1, { NULL },
	    NULL },
	{ "-d and -F do not mix", { "p", "-d", "a=1", "-F", "b=2" }, -1,
	    { NULL }, NULL },
	{ "-F without =", { "p", "-F", "novalue" }, -1, { NULL }, NULL },
	{ "-F missing file", { "p", "-F", "f=@/nonexistent/x" }, -1, { NULL },
	    NULL },
	{ "--replay not alone", { "p", "--replay", "x", "a=1" }, -1, { NULL },
	    NULL },
	{ "--replay with -H", { "p", "-H", "X: 1", "--replay=x" }, -1, { NULL },
	    NULL },
	{ "--replay=FILE of a missing file", { "p", "--replay=/nonexistent" },
	    -1, { NULL }, NULL },
	{ "repeated -H joined", { "p", "-H", "Accept: a", "-H", "accept: b" },
	    0, { "HTTP_ACCEPT=a, b" }, "" },
	{ "repeated -H Cookie joined",
	    { "p", "-H", "Cookie: a=1", "-H", "Cookie: b=2" }, 0,
	    { "HTTP_COOKIE=a=1; b=2" }, "" },
};

static void
test_cli_parse(void)
{
	struct cgi_cli *c;
	char err[256], name[64];
	const char *eq, *v;
	size_t i, k;
	int argc, rc;

	for (i = 0; i < sizeof(cli_rows) / sizeof(cli_rows[0]); i++) {
		if ((c = cgi_cli_new()) == NULL)
			exit(2);
		for (argc = 0; cli_rows[i].argv[argc] != NULL; argc++)
			;
		rc = cgi_cli_parse(c, argc,
		    (char **)(uintptr_t)cli_rows[i].argv, err, sizeof(err));
		CHECK_INT(cli_rows[i].name, rc, cli_rows[i].rc);
		if (rc == -1)
			CHECK(cli_rows[i].name, err[0] != '\0');
		for (k = 0; rc == 0 && k < 6 && cli_rows[i].vars[k] != NULL;
		     k++) {
			eq = strchr(cli_rows[i].vars[k], '=');
			(void)snprintf(name, sizeof(name), "%.*s",
			    (int)(eq - cli_rows[i].vars[k]),
			    cli_rows[i].vars[k]);
			v = cgi_cli_getenv(c, name);
			CHECK_STR(cli_rows[i].name, v, eq + 1);
		}
		if (rc == 0)
			CHECK_STR(cli_rows[i].name, buf_cstr(&c->body),
			    cli_rows[i].body);
		cgi_cli_free(c);
	}
}

static void
test_cli_multipart(void)
{
	char path[] = "/tmp/test_cgi_app.XXXXXX", arg[64], err[256];
	char **argv;
	const struct cgi_file *f;
	struct cgi_cli *c;
	struct rig g;
	cgi_req *r;
	enum cgi_err e;
	const char *env[4] = { NULL };
	char ct[200], cl[64];
	int fd;

	if ((fd = mkstemp(path)) == -1 || write(fd, "bin\0ary", 7) != 7)
		exit(2);
	(void)close(fd);
	(void)snprintf(arg, sizeof(arg), "up=@%s;type=image/png", path);
	argv = rig_argv(
	    (const char *const[]){ "p", "-F", "name=Ada", "-F", arg, NULL });
	if ((c = cgi_cli_new()) == NULL)
		exit(2);
	CHECK_INT("-F parse", cgi_cli_parse(c, 5, argv, err, sizeof(err)), 0);
	CHECK_STR("-F method", cgi_cli_getenv(c, "REQUEST_METHOD"), "POST");
	/* The body built by -F parses as multipart with the real parser. */
	(void)snprintf(ct, sizeof(ct), "CONTENT_TYPE=%s",
	    cgi_cli_getenv(c, "CONTENT_TYPE"));
	(void)snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%s",
	    cgi_cli_getenv(c, "CONTENT_LENGTH"));
	env[0] = "REQUEST_METHOD=POST";
	env[1] = ct;
	env[2] = cl;
	r = rig_open_full(&g, env, c->body.data, c->body.len, NULL, &e, 0);
	CHECK_INT("-F body parses", e, CGI_OK);
	CHECK_STR("-F text field", cgi_get(r, "name"), "Ada");
	f = cgi_file_get(r, "up");
	CHECK("-F file",
	    f != NULL && cgi_file_size(f) == 7 &&
	        memcmp(cgi_file_data(f), "bin\0ary", 7) == 0);
	CHECK_STR("-F file type", cgi_file_type(f), "image/png");
	CHECK_STR("-F file name", cgi_file_name(f), strrchr(path, '/') + 1);
	(void)rig_close(&g);
	rig_fini(&g);
	cgi_cli_free(c);
	rig_argv_free(argv);
	(void)unlink(path);
}

static void
test_record(void)
{
	char dir[] = "/tmp/test_cgi_rec.XXXXXX", path[512];
	const char *const envp[] = { "REQUEST_METHOD=POST",
		"QUERY_STRING=a=%41&b=\t\x01", "CGI_RECORD=/x",
		"HTTP_X=line1\nline2", "EMPTY=", NULL };
	static const char body[] = "x=1\0\n\r\nCGI-RECORD";
	struct cgi_cli *c;
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (mkdtemp(dir) == NULL)
		exit(2);
	CHECK_INT("record",
	    cgi_cli_record(dir, (char *const *)(uintptr_t)envp, body,
	        sizeof(body), 7),
	    0);
	if ((d = opendir(dir)) == NULL)
		exit(2);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
	}
	(void)closedir(d);
	CHECK_INT("one file", n, 1);
	if ((c = cgi_cli_new()) == NULL)
		exit(2);
	CHECK_INT("load", cgi_cli_load(c, path), 0);
	CHECK_STR("method", cgi_cli_getenv(c, "REQUEST_METHOD"), "POST");
	CHECK_STR("percent and controls survive",
	    cgi_cli_getenv(c, "QUERY_STRING"), "a=%41&b=\t\x01");
	CHECK_STR("newline survives", cgi_cli_getenv(c, "HTTP_X"),
	    "line1\nline2");
	CHECK_STR("empty value", cgi_cli_getenv(c, "EMPTY"), "");
	CHECK("CGI_RECORD itself not recorded",
	    cgi_cli_getenv(c, "CGI_RECORD") == NULL);
	CHECK_MEM("body byte-exact", c->body.data, c->body.len, body,
	    sizeof(body));
	cgi_cli_free(c);
	(void)unlink(path);

	/* Not a recording. */
	if ((c = cgi_cli_new()) == NULL)
		exit(2);
	(void)snprintf(path, sizeof(path), "%s/bad", dir);
	{
		int fd = open(path, O_WRONLY | O_CREAT, 0600);

		if (fd == -1 || write(fd, "CGI-RECORD 2\n\n", 14) != 14)
			exit(2);
		(void)close(fd);
	}
	CHECK_INT("wrong version refused", cgi_cli_load(c, path), -1);
	cgi_cli_free(c);
	(void)unlink(path);
	(void)rmdir(dir);
}

static const struct {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen */
	int rc;
	const char *var; /* NAME=VALUE expected when rc == 0 */
	const char *body;
} record_rows[] = {
	{ "minimal", "CGI-RECORD 1\n\n", 0, 0, NULL, "" },
	{ "one variable and a body", "CGI-RECORD 1\nA=b%0Ac\n\nxyz", 0, 0,
	    "A=b\nc", "xyz" },
	{ "body keeps its newlines", "CGI-RECORD 1\n\n\nx\n", 0, 0, NULL,
	    "\nx\n" },
	{ "value with =", "CGI-RECORD 1\nQ=a=b\n\n", 0, 0, "Q=a=b", "" },
	{ "empty input", "", 0, -1, NULL, NULL },
	{ "wrong magic", "CGI-RECORD 2\n\n", 0, -1, NULL, NULL },
	{ "no blank line", "CGI-RECORD 1\nA=b\n", 0, -1, NULL, NULL },
	{ "line cut short", "CGI-RECORD 1\nA=b", 0, -1, NULL, NULL },
	{ "line without =", "CGI-RECORD 1\nAB\n\n", 0, -1, NULL, NULL },
	{ "empty name", "CGI-RECORD 1\n=b\n\n", 0, -1, NULL, NULL },
	{ "bad escape", "CGI-RECORD 1\nA=%zz\n\n", 0, -1, NULL, NULL },
	{ "escaped NUL refused", "CGI-RECORD 1\nA=x%00y\n\n", 0, -1, NULL,
	    NULL },
	{ "raw NUL in a line refused", "CGI-RECORD 1\nA=x\0y\n\n", 20, -1, NULL,
	    NULL },
};

static void
test_record_parse(void)
{
	struct cgi_cli *c;
	char name[64], *in;
	const char *eq;
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof(record_rows) / sizeof(record_rows[0]); i++) {
		if ((c = cgi_cli_new()) == NULL)
			exit(2);
		len = record_rows[i].len != 0 ? record_rows[i].len
		                              : strlen(record_rows[i].in);
		in = harness_exact(record_rows[i].in, len);
		rc = cgi_cli_parse_record(c, in, len);
		CHECK_INT(record_rows[i].name, rc, record_rows[i].rc);
		if (rc == 0 && record_rows[i].var != NULL) {
			eq = strchr(record_rows[i].var, '=');
			(void)snprintf(name, sizeof(name), "%.*s",
			    (int)(eq - record_rows[i].var), record_rows[i].var);
			CHECK_STR(record_rows[i].name, cgi_cli_getenv(c, name),
			    eq + 1);
		}
		if (rc == 0)
			CHECK_MEM(record_rows[i].name, c->body.data,
			    c->body.len, record_rows[i].body,
			    strlen(record_rows[i].body));
		free(in);
		cgi_cli_free(c);
	}
}

/* Runs fn with stdout (and stdin when in_fd >= 0) redirected; the output
 * lands in out. */
static void
capture(int in_fd, struct buf *out, void (*fn)(void *), void *arg)
{
	char tmp[] = "/tmp/test_cgi_out.XXXXXX", chunk[4096];
	int fd, saved_out, saved_in = -1;
	ssize_t n;

	if ((fd = mkstemp(tmp)) == -1 || (saved_out = dup(1)) == -1 ||
	    dup2(fd, 1) == -1)
		exit(2);
	if (in_fd >= 0 && ((saved_in = dup(0)) == -1 || dup2(in_fd, 0) == -1))
		exit(2);
	fn(arg);
	if (dup2(saved_out, 1) == -1 || close(saved_out) == -1)
		exit(2);
	if (saved_in >= 0 && (dup2(saved_in, 0) == -1 || close(saved_in)))
		exit(2);
	buf_init(out, 0);
	if (lseek(fd, 0, SEEK_SET) == -1)
		exit(2);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(out, chunk, (size_t)n) == -1)
			exit(2);
	(void)close(fd);
	(void)unlink(tmp);
}

struct run {
	int argc;
	char **argv;
	struct cgi_limits *lim;
	int accepted, passes, status, close_rc;
	enum cgi_err in_err;
	const char *name;
};

static void
run_app(void *arg)
{
	struct run *u = arg;
	cgi_app *app = cgi_open(u->argc, u->argv, u->lim);
	cgi_req *r;
	const char *n;

	u->passes = 0;
	while ((r = cgi_accept(app)) != NULL) {
		u->passes++;
		u->accepted = 1;
		u->in_err = cgi_input_error(r, &u->status);
		n = cgi_get(r, "name");
		(void)cgi_html(r, "<p>%s</p>", n != NULL ? n : "-");
		(void)cgi_finish(r);
	}
	u->close_rc = cgi_close(app);
}

static void
test_app(void)
{
	char **big = rig_argv(
	    (const char *const[]){ "p", "-d", "name=0123456789", NULL });
	char **bad = rig_argv((const char *const[]){ "p", "-Q", NULL });
	struct cgi_limits lim;
	struct run u;
	struct buf out;

	if (unsetenv("GATEWAY_INTERFACE") == -1)
		exit(2);
	cgi_limits_default(&lim);
	lim.max_body = 10;
	memset(&u, 0, sizeof(u));
	u.argc = 3;
	u.argv = big;
	u.lim = &lim;
	capture(-1, &out, run_app, &u);
	CHECK_INT("L-API-04 over max_body: no request for the program",
	    u.accepted, 0);
	CHECK("L-API-04/L-3875-9.6 oversize: 413 answered by the library",
	    strncmp(buf_cstr(&out), "Status: 413 Content Too Large\r\n", 31) ==
	        0);
	CHECK_INT("exit status 0", u.close_rc, 0);
	buf_fini(&out);

	lim.flags = CGI_OPT_OWN_ERRORS;
	memset(&u, 0, sizeof(u));
	u.argc = 3;
	u.argv = big;
	u.lim = &lim;
	capture(-1, &out, run_app, &u);
	CHECK_INT("OWN_ERRORS: the program gets the request", u.accepted, 1);
	CHECK_INT("OWN_ERRORS: error reported", u.in_err, CGI_ELIMIT);
	CHECK_INT("OWN_ERRORS: status reported", u.status, 413);
	CHECK("OWN_ERRORS: no body field", strstr(buf_cstr(&out), "<p>-</p>"));
	buf_fini(&out);

	memset(&u, 0, sizeof(u));
	u.argc = 2;
	u.argv = bad;
	capture(-1, &out, run_app, &u);
	CHECK_INT("usage error: no request", u.accepted, 0);
	CHECK_INT("usage error: exit 2", u.close_rc, 2);
	CHECK_INT("usage error: nothing on stdout", out.len, 0);
	buf_fini(&out);

	CHECK("NULL app accepts nothing", cgi_accept(NULL) == NULL);
	CHECK_INT("NULL app closes with 2", cgi_close(NULL), 2);
	CHECK_INT("NULL request finishes", cgi_finish(NULL), 0);
	rig_argv_free(big);
	rig_argv_free(bad);
}

static void
test_cgi_mode(void)
{
	char **argv = rig_argv((const char *const[]){ "p", "--listen",
	    "unix:/tmp/nope.sock", "-X", "POST", "name=argv", NULL });
	char in[] = "/tmp/test_cgi_in.XXXXXX", dir[] = "/tmp/test_rec.XXXXXX";
	char path[512];
	struct dirent *de;
	struct cgi_cli *c;
	struct run u;
	struct buf out;
	DIR *d;
	int fd;

	if ((fd = mkstemp(in)) == -1 ||
	    write(fd, "name=Ada&zzzzEXTRA", 18) != 18 ||
	    lseek(fd, 0, SEEK_SET) == -1 || mkdtemp(dir) == NULL)
		exit(2);
	if (setenv("GATEWAY_INTERFACE", "CGI/1.1", 1) == -1 ||
	    setenv("REQUEST_METHOD", "POST", 1) == -1 ||
	    setenv("CONTENT_TYPE", "application/x-www-form-urlencoded", 1) ==
	        -1 ||
	    setenv("CONTENT_LENGTH", "13", 1) == -1 ||
	    setenv("QUERY_STRING", "", 1) == -1 ||
	    setenv("CGI_RECORD", dir, 1) == -1)
		exit(2);
	memset(&u, 0, sizeof(u));
	u.argc = 6;
	u.argv = argv;
	capture(fd, &out, run_app, &u);
	CHECK_INT("CGI: exactly one pass", u.passes, 1);
	CHECK("CGI: body field read, L-3875-4.4 argv ignored",
	    strstr(buf_cstr(&out), "\r\n\r\n<p>Ada</p>") != NULL);
	CHECK_INT("L-3875-4.2 stdin not read past CONTENT_LENGTH",
	    lseek(fd, 0, SEEK_CUR), 13);
	buf_fini(&out);
	(void)close(fd);
	(void)unlink(in);

	/* CGI_RECORD wrote the request; --replay runs it again. */
	path[0] = '\0';
	if ((d = opendir(dir)) == NULL)
		exit(2);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			(void)snprintf(path, sizeof(path), "%s/%s", dir,
			    de->d_name);
	(void)closedir(d);
	CHECK("CGI_RECORD made a file", path[0] != '\0');
	if ((c = cgi_cli_new()) == NULL)
		exit(2);
	CHECK_INT("recording loads", cgi_cli_load(c, path), 0);
	CHECK_MEM("recorded body is what was read", c->body.data, c->body.len,
	    "name=Ada&zzzz", 13);
	cgi_cli_free(c);
	if (unsetenv("GATEWAY_INTERFACE") == -1 || unsetenv("CGI_RECORD"))
		exit(2);
	{
		char arg[600], **rargv;

		(void)snprintf(arg, sizeof(arg), "--replay=%s", path);
		rargv = rig_argv((const char *const[]){ "p", arg, NULL });
		memset(&u, 0, sizeof(u));
		u.argc = 2;
		u.argv = rargv;
		capture(-1, &out, run_app, &u);
		CHECK("replay gives the same answer",
		    strstr(buf_cstr(&out), "\r\n\r\n<p>Ada</p>") != NULL);
		buf_fini(&out);
		rig_argv_free(rargv);
	}
	rig_argv_free(argv);
	(void)unlink(path);
	(void)rmdir(dir);
}

int
main(void)
{
	test_cli_parse();
	test_cli_multipart();
	test_record();
	test_record_parse();
	test_app();
	test_cgi_mode();
	return harness_done();
}
