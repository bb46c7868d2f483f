/*
 * test_config.c - the option table: command lines in, settings or the
 * one-line error out (exit 2 in main), and a configuration file that gives
 * the same settings as the options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"

enum field {
	F_NONE,
	F_PORT,
	F_WORKERS,
	F_MAXBODY,
	F_KEEPALIVE,
	F_HEADER,
	F_LISTDIRS,
	F_NBINDS,
	F_NENV,
	F_MAXFIELDS
};

static const struct {
	const char *name;
	const char *args; /* split on spaces; "/" is always the DOCROOT */
	enum config_action act;
	enum field field;
	unsigned long long want;
	const char *err; /* substring of the message on CONFIG_ERROR */
} cases[] = {
	{ "defaults", "", CONFIG_RUN, F_PORT, 8080, NULL },
	{ "short port", "-p 0", CONFIG_RUN, F_PORT, 0, NULL },
	{ "long port with =", "--port=81", CONFIG_RUN, F_PORT, 81, NULL },
	{ "port max", "-p 65535", CONFIG_RUN, F_PORT, 65535, NULL },
	{ "port one past", "-p 65536", CONFIG_ERROR, F_NONE, 0, "--port" },
	{ "port with sign", "-p +1", CONFIG_ERROR, F_NONE, 0, "--port" },
	{ "port empty", "--port=", CONFIG_ERROR, F_NONE, 0, "--port" },
	{ "workers", "-w 3", CONFIG_RUN, F_WORKERS, 3, NULL },
	{ "workers zero", "-w 0", CONFIG_ERROR, F_NONE, 0, "--workers" },
	{ "max-body k", "--max-body 2k", CONFIG_RUN, F_MAXBODY, 2048, NULL },
	{ "max-body m", "--max-body 1m", CONFIG_RUN, F_MAXBODY, 1048576, NULL },
	{ "max-body past bound", "--max-body 65g", CONFIG_ERROR, F_NONE, 0,
	    "--max-body" },
	{ "max-body junk", "--max-body 1x", CONFIG_ERROR, F_NONE, 0,
	    "--max-body" },
	{ "timeout seconds", "--keepalive-timeout 3", CONFIG_RUN, F_KEEPALIVE,
	    3000, NULL },
	{ "timeout ms", "--header-timeout 250ms", CONFIG_RUN, F_HEADER, 250,
	    NULL },
	{ "timeout zero", "--header-timeout 0", CONFIG_ERROR, F_NONE, 0,
	    "--header-timeout" },
	{ "timeout negative", "--body-timeout -1", CONFIG_ERROR, F_NONE, 0,
	    "--body-timeout" },
	{ "max-fields at bound", "--max-fields 100", CONFIG_RUN, F_MAXFIELDS,
	    100, NULL },
	{ "max-fields past bound", "--max-fields 101", CONFIG_ERROR, F_NONE, 0,
	    "--max-fields" },
	{ "flag", "--list-dirs", CONFIG_RUN, F_LISTDIRS, 1, NULL },
	{ "flag with value", "--list-dirs=yes", CONFIG_ERROR, F_NONE, 0,
	    "--list-dirs" },
	{ "binds repeat", "-b ::1 -b 127.0.0.1", CONFIG_RUN, F_NBINDS, 2,
	    NULL },
	{ "default bind", "", CONFIG_RUN, F_NBINDS, 1, NULL },
	{ "bind brackets", "-b [::1] -b localhost", CONFIG_RUN, F_NBINDS, 2,
	    NULL },
	{ "bind not an address", "-b example.invalid", CONFIG_ERROR, F_NONE, 0,
	    "--bind" },
	{ "bind bad v4", "-b 1.2.3.256", CONFIG_ERROR, F_NONE, 0, "--bind" },
	{ "env ok", "--env A_1=x=y", CONFIG_RUN, F_NENV, 1, NULL },
	{ "env bad name", "--env 1A=x", CONFIG_ERROR, F_NONE, 0, "--env" },
	{ "env no equals", "--env A", CONFIG_ERROR, F_NONE, 0, "--env" },
	{ "cgi-dir bad", "--cgi-dir x", CONFIG_ERROR, F_NONE, 0, "--cgi-dir" },
	{ "cgi-ext bad", "--cgi-ext =/bin/x", CONFIG_ERROR, F_NONE, 0,
	    "--cgi-ext" },
	{ "unknown", "--frobnicate", CONFIG_ERROR, F_NONE, 0, "--frobnicate" },
	{ "missing value", "--port", CONFIG_ERROR, F_NONE, 0, "--port" },
	{ "bundled shorts refused", "-pw", CONFIG_ERROR, F_NONE, 0, "-pw" },
	{ "help", "-h", CONFIG_HELP, F_NONE, 0, NULL },
	{ "version", "--version", CONFIG_VERSION, F_NONE, 0, NULL },
	{ "help wins over version", "-V -h", CONFIG_HELP, F_NONE, 0, NULL },
};

static unsigned long long
get(const struct config *cf, enum field f)
{
	switch (f) {
	case F_NONE:
		return 0;
	case F_PORT:
		return cf->port;
	case F_WORKERS:
		return cf->workers;
	case F_MAXBODY:
		return cf->max_body;
	case F_KEEPALIVE:
		return cf->keepalive_timeout_ms;
	case F_HEADER:
		return cf->header_timeout_ms;
	case F_LISTDIRS:
		return cf->list_dirs;
	case F_NBINDS:
		return cf->nbinds;
	case F_NENV:
		return cf->nenv;
	case F_MAXFIELDS:
		return cf->max_fields;
	}
	return 0;
}

/* Splits args on spaces into argv (program name first, "/" last). */
static char prog[] = "cgihttpd", root[] = "/", dashc[] = "-c";

static int
split(const char *args, char *store, size_t storelen, char **argv, int max)
{
	int argc = 0;
	char *p;

	if (strlen(args) >= storelen)
		return -1;
	memcpy(store, args, strlen(args) + 1);
	argv[argc++] = prog;
	for (p = store; *p != '\0' && argc < max - 1;) {
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
		if (*p == ' ')
			*p++ = '\0';
	}
	argv[argc++] = root;
	return argc;
}

static void
test_table(void)
{
	char store[256], err[256];
	char *argv[16];
	struct config cf;
	enum config_action act;
	int argc;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argc = split(cases[i].args, store, sizeof(store), argv, 16);
		config_init(&cf);
		err[0] = '\0';
		act = config_args(&cf, argc, argv, err, sizeof(err));
		CHECK_INT(cases[i].name, act, cases[i].act);
		if (act == CONFIG_RUN && cases[i].act == CONFIG_RUN) {
			CHECK_INT(cases[i].name, get(&cf, cases[i].field),
			    cases[i].want);
			CHECK_STR(cases[i].name, cf.docroot, "/");
		}
		if (cases[i].err != NULL) {
			CHECK(cases[i].name, strstr(err, cases[i].err) != NULL);
			CHECK(cases[i].name, strchr(err, '\n') == NULL);
		}
		config_fini(&cf);
	}
}

/* The same settings from a file and from options. */
static void
test_file(void)
{
	char path[] = "/tmp/cgihttpd-test-conf-XXXXXX";
	static const char text[] = "# comment\n"
	                           "port 0\n"
	                           "  list-dirs   # trailing comment\n"
	                           "\n"
	                           "max-body 4k\n"
	                           "keepalive-timeout 2\n"
	                           "cgi-dir /s/=/tmp\n"
	                           "cgi-ext .php=/usr/bin/php-cgi\n";
	char *argv[] = { prog, dashc, path, root };
	struct config cf;
	char err[256];
	FILE *fp;
	int fd;

	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		CHECK("mkstemp", 0);
		return;
	}
	CHECK("write", fputs(text, fp) >= 0);
	CHECK("close", fclose(fp) == 0);
	config_init(&cf);
	CHECK_INT("file", config_args(&cf, 4, argv, err, sizeof(err)),
	    CONFIG_RUN);
	CHECK_INT("file port", cf.port, 0);
	CHECK("file list-dirs", cf.list_dirs);
	CHECK_INT("file max-body", cf.max_body, 4096);
	CHECK_INT("file keepalive", cf.keepalive_timeout_ms, 2000);
	CHECK_INT("file cgi-dirs", cf.ncgi_dirs, 1);
	if (cf.ncgi_dirs == 1)
		CHECK_STR("file cgi prefix", cf.cgi_dirs[0].prefix, "/s/");
	CHECK_INT("file cgi-exts", cf.ncgi_exts, 1);
	if (cf.ncgi_exts == 1) {
		CHECK_STR("file cgi ext", cf.cgi_exts[0].ext, ".php");
		CHECK_STR("file cgi interp", cf.cgi_exts[0].interp,
		    "/usr/bin/php-cgi");
	}
	config_fini(&cf);

	/* A bad line names the file, the line and the directive. */
	fp = fopen(path, "w");
	CHECK("reopen", fp != NULL);
	if (fp == NULL)
		return;
	CHECK("write bad", fputs("port 1\nworkers many\n", fp) >= 0);
	CHECK("close bad", fclose(fp) == 0);
	config_init(&cf);
	CHECK_INT("bad file", config_args(&cf, 4, argv, err, sizeof(err)),
	    CONFIG_ERROR);
	CHECK("bad file names line", strstr(err, ":2:") != NULL);
	CHECK("bad file names directive", strstr(err, "--workers") != NULL);
	config_fini(&cf);
	(void)unlink(path);
}

int
main(void)
{
	test_table();
	test_file();
	return harness_done();
}
