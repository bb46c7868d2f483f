/*
 * test_cgi_env.c - the CGI environment builder against checklist items
 * S-4.1-*, S-4.1.*, S-4.1.18-*, X-*, V-01/02/07/08/16/24.
 *
 * Each row describes a request (header fields as "Name: value" lines) and
 * lists entries that must be present ("NAME=VALUE") and names that must be
 * absent ("!NAME"). Every row also checks that no name appears twice.
 */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cgi_env.h"
#include "harness.h"

#define MAXF 16

struct row {
	const char *name;
	const char *method, *uri, *script, *pinfo, *query;
	const char *fields; /* "Name: value\n" lines; may hold \0 via len */
	int has_body;
	unsigned long long cl;
	int pass_auth;
	int rc;
	const char *want[12]; /* "NAME=VALUE" present, "!NAME" absent */
};

static const struct row rows[] = {
	{ "S-4.1-c nine always set", "GET", "/cgi-bin/e.cgi", "/cgi-bin/e.cgi",
	    NULL, NULL, "Host: example.test:8080\n", 0, 0, 0, 0,
	    { "GATEWAY_INTERFACE=CGI/1.1",
	        "QUERY_STRING=", "REMOTE_ADDR=127.0.0.1", "REQUEST_METHOD=GET",
	        "SCRIPT_NAME=/cgi-bin/e.cgi", "SERVER_NAME=example.test",
	        "SERVER_PORT=8080", "SERVER_PROTOCOL=HTTP/1.1",
	        "SERVER_SOFTWARE=cgihttpd/test", "!PATH_INFO",
	        "!PATH_TRANSLATED", "!CONTENT_LENGTH" } },
	{ "X-* extension variables", "GET", "/cgi-bin/e.cgi/%7Ex?q=1",
	    "/cgi-bin/e.cgi", "/~x", "q=1", "Host: h\n", 0, 0, 0, 0,
	    { "REQUEST_URI=/cgi-bin/e.cgi/%7Ex?q=1", "REQUEST_SCHEME=http",
	        "DOCUMENT_ROOT=/srv/www",
	        "SCRIPT_FILENAME=/srv/www/cgi-bin/e.cgi",
	        "SERVER_ADDR=127.0.0.2", "REMOTE_PORT=40000",
	        "REDIRECT_STATUS=200", "PATH=/usr/local/bin:/usr/bin:/bin",
	        "!HTTPS", "REMOTE_HOST=127.0.0.1", "!AUTH_TYPE",
	        "!REMOTE_IDENT" } },
	{ "S-4.1.5/S-4.1.6 path info and translated", "GET", "/e.cgi/AbC",
	    "/e.cgi", "/AbC", "", "", 0, 0, 0, 0,
	    { "PATH_INFO=/AbC", "PATH_TRANSLATED=/srv/www/AbC",
	        "SERVER_NAME=default.test" } },
	{ "S-4.1.5-a lone slash", "GET", "/e.cgi/", "/e.cgi", "/", "", "", 0, 0,
	    0, 0, { "PATH_INFO=/", "PATH_TRANSLATED=/srv/www/" } },
	{ "S-4.1.14-a IPv6 host keeps brackets", "GET", "/e", "/e", NULL, "",
	    "Host: [::1]:8080\n", 0, 0, 0, 0, { "SERVER_NAME=[::1]" } },
	{ "S-4.1.7-b query as received", "GET", "/e?a=%41+b", "/e", NULL,
	    "a=%41+b", "", 0, 0, 0, 0, { "QUERY_STRING=a=%41+b" } },
	{ "S-4.1.2-a POST CL 0", "POST", "/e", "/e", NULL, "", "", 1, 0, 0, 0,
	    { "CONTENT_LENGTH=0", "!CONTENT_TYPE" } },
	{ "S-4.1.2-c normalised digits", "POST", "/e", "/e", NULL, "",
	    "Content-Length: 007\nContent-Type: multipart/form-data; "
	    "boundary=\"x y\"\n",
	    1, 7, 0, 0,
	    { "CONTENT_LENGTH=7",
	        "CONTENT_TYPE=multipart/form-data; boundary=\"x y\"",
	        "!HTTP_CONTENT_LENGTH", "!HTTP_CONTENT_TYPE" } },
	{ "S-4.1.18-a/b repeats joined, Cookie with ;", "GET", "/e", "/e", NULL,
	    "",
	    "User-Agent: ua\nAccept: a\nCookie: a=1\nAccept: b\nCookie: b=2\n",
	    0, 0, 0, 0,
	    { "HTTP_USER_AGENT=ua", "HTTP_ACCEPT=a, b",
	        "HTTP_COOKIE=a=1; b=2" } },
	{ "S-4.1-a case variants give one entry", "GET", "/e", "/e", NULL, "",
	    "X-Foo: 1\nx-foo: 2\nX_Foo: 3\n", 0, 0, 0, 0,
	    { "HTTP_X_FOO=1, 2" } },
	{ "S-4.1.18-e/V-08-a authorization hidden", "GET", "/e", "/e", NULL, "",
	    "Authorization: Basic eDp5\nProxy-Authorization: Basic eDp5\n", 0,
	    0, 0, 0,
	    { "!HTTP_AUTHORIZATION", "!HTTP_PROXY_AUTHORIZATION", "!AUTH_TYPE",
	        "!REMOTE_USER" } },
	{ "V-08-a pass_auth exports it", "GET", "/e", "/e", NULL, "",
	    "Authorization: Basic eDp5\n", 0, 0, 1, 0,
	    { "HTTP_AUTHORIZATION=Basic eDp5", "!AUTH_TYPE" } },
	{ "S-4.1.18-f connection fields dropped", "POST", "/e", "/e", NULL, "",
	    "Connection: keep-alive, X-Hop\nKeep-Alive: 5\nTE: trailers\n"
	    "Transfer-Encoding: chunked\nUpgrade: h2c\nTrailer: X-T\n"
	    "Proxy-Connection: x\nX-Hop: 1\nX-Kept: 2\n",
	    1, 0, 0, 0,
	    { "!HTTP_CONNECTION", "!HTTP_KEEP_ALIVE", "!HTTP_TE",
	        "!HTTP_TRANSFER_ENCODING", "!HTTP_UPGRADE", "!HTTP_TRAILER",
	        "!HTTP_PROXY_CONNECTION", "!HTTP_X_HOP", "HTTP_X_KEPT=2" } },
	{ "V-01-a httpoxy", "GET", "/e", "/e", NULL, "",
	    "Proxy: http://127.0.0.1:1\nPath: x\n", 0, 0, 0, 0,
	    { "!HTTP_PROXY", "HTTP_PATH=x",
	        "PATH=/usr/local/bin:/usr/bin:/bin" } },
	{ "V-07-a/c underscore names dropped", "GET", "/e", "/e", NULL, "",
	    "X_Remote_User: admin\nContent_Type: x\nX.Y: 1\n", 0, 0, 0, 0,
	    { "!HTTP_X_REMOTE_USER", "!CONTENT_TYPE", "!HTTP_CONTENT_TYPE",
	        "!HTTP_X_Y", "!HTTP_X.Y" } },
	{ "S-4.1.18-d obs-text passes", "GET", "/e", "/e", NULL, "",
	    "X-A: caf\xe9\tx\n", 0, 0, 0, 0, { "HTTP_X_A=caf\xe9\tx" } },
	{ "S-4.1.12-a method case kept", "get", "/e", "/e", NULL, "", "", 0, 0,
	    0, 0, { "REQUEST_METHOD=get" } },
	{ "S-4.1-e/V-24 LF in path info", "GET", "/e/%0a", "/e", "/\n", "", "",
	    0, 0, 0, 400, { NULL } },
	{ "V-24 DEL in path info", "GET", "/e/%7f", "/e", "/\x7f", "", "", 0, 0,
	    0, 400, { NULL } },
	{ "V-24 CR in script name", "GET", "/e%0d", "/e\r", NULL, "", "", 0, 0,
	    0, 400, { NULL } },
	{ "S-4.1-e control byte in header value", "GET", "/e", "/e", NULL, "",
	    "X-A: a\x01"
	    "b\n",
	    0, 0, 0, 400, { NULL } },
	{ "V-02-b shellshock guard", "GET", "/e", "/e", NULL, "",
	    "User-Agent: () { :;}; echo x\n", 0, 0, 0, 400, { NULL } },
};

/* Splits "Name: value\n" lines into views (into the static row text). */
static size_t
split_fields(const char *s, struct http_field *f)
{
	size_t n = 0;
	const char *colon, *nl;

	while (*s != '\0' && n < MAXF) {
		colon = strchr(s, ':');
		nl = strchr(s, '\n');
		f[n].name = (struct str){ s, (size_t)(colon - s) };
		f[n].value = str_trim(
		    (struct str){ colon + 1, (size_t)(nl - colon - 1) });
		n++;
		s = nl + 1;
	}
	return n;
}

static void
check_no_dups(const char *name, const struct cgi_env *env)
{
	size_t i, j, li, lj;

	for (i = 0; i < env->n; i++) {
		li = (size_t)(strchr(env->envp[i], '=') - env->envp[i]);
		for (j = i + 1; j < env->n; j++) {
			lj = (size_t)(strchr(env->envp[j], '=') - env->envp[j]);
			CHECK(name,
			    !(li == lj &&
			        strncasecmp(env->envp[i], env->envp[j], li) ==
			            0));
		}
	}
	CHECK(name, env->envp[env->n] == NULL);
}

static void
run_row(const struct row *r)
{
	struct http_field f[MAXF];
	struct cgi_env_req rq;
	struct cgi_env_opts o = { .server_software = "cgihttpd/test",
		.pass_auth = r->pass_auth != 0 };
	struct cgi_env env;
	const char *got, *eq;
	char name[64];
	size_t k;
	int rc;

	memset(&rq, 0, sizeof(rq));
	rq.method = str_from(r->method);
	rq.request_uri = str_from(r->uri);
	rq.script_name = str_from(r->script);
	if (r->pinfo != NULL)
		rq.path_info = str_from(r->pinfo);
	if (r->query != NULL)
		rq.query = str_from(r->query);
	rq.minor = 1;
	rq.nfields = split_fields(r->fields, f);
	rq.fields = f;
	rq.has_body = r->has_body != 0;
	rq.content_length = r->cl;
	for (k = 0; k < rq.nfields; k++)
		if (str_caseeq(f[k].name, STR_LIT("Host")))
			rq.host = f[k].value;
	rq.default_name = STR_LIT("default.test");
	rq.remote_addr = STR_LIT("127.0.0.1");
	rq.remote_port = 40000;
	rq.local_addr = STR_LIT("127.0.0.2");
	rq.local_port = 8080;
	rq.docroot = STR_LIT("/srv/www");
	rq.script_filename = STR_LIT("/srv/www/cgi-bin/e.cgi");

	rc = cgi_env_build(&rq, &o, &env);
	CHECK_INT(r->name, rc, r->rc);
	if (rc != 0) {
		CHECK(r->name, env.envp == NULL);
		return;
	}
	check_no_dups(r->name, &env);
	for (k = 0; k < 12 && r->want[k] != NULL; k++) {
		if (r->want[k][0] == '!') {
			got = cgi_env_get(&env, r->want[k] + 1);
			CHECK_STR(r->want[k], got, NULL);
			continue;
		}
		eq = strchr(r->want[k], '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq - r->want[k]),
		    r->want[k]);
		CHECK_STR(r->want[k], cgi_env_get(&env, name), eq + 1);
	}
	cgi_env_fini(&env);
}

/* X-ENV-CLEAN, --env, --pass-env, PATH override and dedup. */
static void
test_config(void)
{
	static const char *const set[] = { "GIT_PROJECT_ROOT=/srv/git",
		"REQUEST_METHOD=EVIL", "PATH=/opt/bin", "BROKEN" };
	static const char *const pass[] = { "CGI_ENV_TEST_PASS",
		"CGI_ENV_TEST_UNSET", "GIT_PROJECT_ROOT" };
	struct cgi_env_opts o = { .set = set,
		.nset = 4,
		.pass = pass,
		.npass = 3 };
	struct cgi_env_req rq = { .method = STR_LIT("GET"),
		.script_name = STR_LIT("/e"),
		.https = true };
	struct cgi_env env;

	CHECK("setenv", setenv("CGI_ENV_TEST_PASS", "yes", 1) == 0);
	CHECK("setenv", setenv("CGI_ENV_TEST_SECRET", "no", 1) == 0);
	CHECK_INT("config rc", cgi_env_build(&rq, &o, &env), 0);
	CHECK_STR("--env", cgi_env_get(&env, "GIT_PROJECT_ROOT"), "/srv/git");
	CHECK_STR("--env cannot replace a meta-variable",
	    cgi_env_get(&env, "REQUEST_METHOD"), "GET");
	CHECK_STR("--env may set PATH", cgi_env_get(&env, "PATH"), "/opt/bin");
	CHECK_STR("--pass-env", cgi_env_get(&env, "CGI_ENV_TEST_PASS"), "yes");
	CHECK_STR("X-ENV-CLEAN", cgi_env_get(&env, "CGI_ENV_TEST_SECRET"),
	    NULL);
	CHECK_STR("X-ENV-CLEAN unset pass",
	    cgi_env_get(&env, "CGI_ENV_TEST_UNSET"), NULL);
	CHECK_STR("S-4.1.18-i HTTPS=on", cgi_env_get(&env, "HTTPS"), "on");
	CHECK_STR("X-REQUEST_SCHEME https", cgi_env_get(&env, "REQUEST_SCHEME"),
	    "https");
	CHECK_STR("SERVER_PROTOCOL 1.0", cgi_env_get(&env, "SERVER_PROTOCOL"),
	    "HTTP/1.0");
	check_no_dups("config dups", &env);
	cgi_env_fini(&env);
}

/* V-16: a variable at MAX_ARG_STRLEN - 1 passes, one byte more is 431. */
static void
test_bounds(void)
{
	struct http_field f[1] = { { STR_LIT("Cookie"), { NULL, 0 } } };
	struct cgi_env_req rq = { .method = STR_LIT("GET"),
		.script_name = STR_LIT("/e"),
		.fields = f,
		.nfields = 1 };
	struct cgi_env env;
	size_t fit = BOUND_CGI_ENV_VAR_BYTES - 1 - strlen("HTTP_COOKIE=");
	char *big = malloc(fit + 1);

	memset(big, 'c', fit + 1);
	f[0].value = (struct str){ big, fit };
	CHECK_INT("V-16 at the bound", cgi_env_build(&rq, NULL, &env), 0);
	CHECK("V-16 length",
	    cgi_env_get(&env, "HTTP_COOKIE") != NULL &&
	        strlen(cgi_env_get(&env, "HTTP_COOKIE")) == fit);
	cgi_env_fini(&env);
	f[0].value = (struct str){ big, fit + 1 };
	CHECK_INT("V-16 one past", cgi_env_build(&rq, NULL, &env), 431);
	CHECK("V-16 empty on error", env.envp == NULL);
	free(big);
	f[0].value = (struct str){ "a\0b", 3 };
	CHECK_INT("S-4.1-e NUL in value", cgi_env_build(&rq, NULL, &env), 400);
}

/* S-4.1.18-k: the total bound passes at its value and fails one below. */
static void
test_total_bound(void)
{
	struct http_field f[2] = { { STR_LIT("Accept"), STR_LIT("a/b") },
		{ STR_LIT("Cookie"), STR_LIT("x=1") } };
	struct cgi_env_req rq = { .method = STR_LIT("GET"),
		.script_name = STR_LIT("/e"),
		.fields = f,
		.nfields = 2 };
	struct cgi_env_opts o = { .max_bytes = 0 };
	struct cgi_env env;
	size_t all;

	CHECK_INT("total: unbounded", cgi_env_build(&rq, &o, &env), 0);
	all = env.bytes;
	cgi_env_fini(&env);
	o.max_bytes = all;
	CHECK_INT("total: at the bound", cgi_env_build(&rq, &o, &env), 0);
	CHECK_INT("total: same bytes", env.bytes, all);
	cgi_env_fini(&env);
	o.max_bytes = all - 1;
	CHECK_INT("total: one byte short", cgi_env_build(&rq, &o, &env), 431);
	CHECK("total: empty on error", env.envp == NULL);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
	test_config();
	test_bounds();
	test_total_bound();
	return harness_done();
}
