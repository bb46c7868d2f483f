/*
 * cgi_rig.h - a libcgi request over a table of meta-variables and a body,
 * with its output captured in memory, for the test_cgi_*.c unit tests.
 *
 * The request is made the way cgi_app.c makes one (cgi_req_new +
 * cgi_req_load), only the transport differs.
 */
#ifndef TESTS_UNIT_CGI_RIG_H
#define TESTS_UNIT_CGI_RIG_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cgi.h"
#include "cgi_cli.h"
#include "cgi_req.h"

/* A request over a table of variables; output captured in out. */
struct rig {
	struct cgi_cli *cli;
	struct buf out;
	int fail_writes; /* writes fail with EPIPE when set */
	size_t chunk;    /* reads return at most this many bytes (0: any) */
	int nflush;      /* transport flushes asked for */
	int fail_flush;  /* the transport flush fails when set */
	cgi_req *r;
};

static __attribute__((unused)) ssize_t
cap_write(void *ctx, const void *p, size_t n)
{
	struct rig *g = ctx;

	if (g->fail_writes) {
		errno = EPIPE;
		return -1;
	}
	if (buf_append(&g->out, p, n) == -1)
		return -1;
	return (ssize_t)n;
}

static __attribute__((unused)) ssize_t
cap_read(void *ctx, void *p, size_t n)
{
	struct rig *g = ctx;
	struct cgi_req_io io;

	cgi_cli_io(g->cli, &io);
	if (g->chunk != 0 && n > g->chunk)
		n = g->chunk; /* short reads, as from a pipe */
	return io.read(io.ctx, p, n);
}

static __attribute__((unused)) int
cap_flush(void *ctx)
{
	struct rig *g = ctx;

	g->nflush++;
	return g->fail_flush ? -1 : 0;
}

static __attribute__((unused)) const char *
cap_getenv(void *ctx, const char *name)
{
	struct rig *g = ctx;

	return cgi_cli_getenv(g->cli, name);
}

/*
 * env: "NAME=VALUE" strings, NULL-terminated; body (len bytes) is stdin;
 * lim NULL: defaults. *loaded gets cgi_req_load's result. chunk > 0
 * makes every read return at most chunk bytes.
 */
static __attribute__((unused)) cgi_req *
rig_open_full(struct rig *g, const char *const *env, const char *body,
    size_t len, const struct cgi_limits *lim, enum cgi_err *loaded,
    size_t chunk)
{
	struct cgi_req_io io = { g, cap_read, cap_write, cap_getenv,
		cap_flush, false };
	char name[128];
	const char *eq;
	size_t i;

	memset(g, 0, sizeof(*g));
	g->chunk = chunk;
	buf_init(&g->out, 0);
	if ((g->cli = cgi_cli_new()) == NULL)
		exit(2);
	for (i = 0; env != NULL && env[i] != NULL; i++) {
		eq = strchr(env[i], '=');
		(void)snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]),
		    env[i]);
		if (cgi_cli_setenv(g->cli, name, eq + 1) == -1)
			exit(2);
	}
	if (body != NULL && buf_append(&g->cli->body, body, len) == -1)
		exit(2);
	if ((g->r = cgi_req_new(NULL, &io, lim)) == NULL)
		exit(2);
	*loaded = cgi_req_load(g->r);
	return g->r;
}

/* A request without body whose input loads fine. */
static __attribute__((unused)) cgi_req *
rig_open(struct rig *g, const char *const *env)
{
	enum cgi_err e;

	rig_open_full(g, env, NULL, 0, NULL, &e, 0);
	if (e != CGI_OK)
		exit(2);
	return g->r;
}

/* Finishes the request; returns cgi_finish's value. */
static __attribute__((unused)) int
rig_close(struct rig *g)
{
	int rc = cgi_finish(g->r);

	g->r = NULL;
	cgi_cli_free(g->cli);
	return rc;
}

static __attribute__((unused)) void
rig_fini(struct rig *g)
{
	buf_fini(&g->out);
}

/* A writable, heap-copied argv from string literals (-Wwrite-strings);
 * free it with rig_argv_free. */
static __attribute__((unused)) char **
rig_argv(const char *const *args)
{
	size_t n = 0, i;
	char **v;

	while (args[n] != NULL)
		n++;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		exit(2);
	for (i = 0; i < n; i++)
		if ((v[i] = strdup(args[i])) == NULL)
			exit(2);
	return v;
}

static __attribute__((unused)) void
rig_argv_free(char **v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

#endif /* TESTS_UNIT_CGI_RIG_H */
