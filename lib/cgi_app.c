/*
 * cgi_app.c - cgi_open/cgi_accept/cgi_finish/cgi_close: picks the mode
 * (FastCGI, CGI, terminal) and gives each request its transport.
 *
 * The FastCGI protocol is fcgi_app.c's, terminal runs and recordings are
 * cgi_cli.c's, input and output cgi_req.c's and cgi_out.c's. All state is
 * in struct cgi_app; a request's state is freed by cgi_finish, so nothing
 * leaks from one FastCGI request into the next (L-API-12).
 */
#include "cgi_req.h"

#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi_cli.h"
#include "fcgi_app.h"
#include "form.h"

extern char **environ;

enum cgi_app_mode {
	CGI_APP_CGI,
	CGI_APP_FCGI,
	CGI_APP_TERMINAL
};

struct cgi_app {
	enum cgi_app_mode mode;
	struct cgi_limits lim;
	char *tmpdir; /* owned copy of lim.tmpdir */
	struct fcgi_app *fcgi;
	struct cgi_cli *cli;  /* terminal run */
	struct cgi_req *cur;  /* the open request, if any */
	struct fcgi_req *frq; /* its FastCGI request */
	bool passed;          /* CGI and terminal: the one pass is done */
	bool usage;           /* terminal usage error */
	int status;           /* exit status so far */
	char *record_dir;     /* CGI_RECORD, owned */
	unsigned long nrecorded;
	struct form *form; /* the field store between requests */
};

struct form *
cgi_app_form(struct cgi_app *app, const struct form_limits *lim)
{
	struct form *f;

	if (app == NULL || app->form == NULL)
		return form_new(lim);
	f = app->form;
	app->form = NULL;
	form_reset(f, lim);
	return f;
}

void
cgi_app_form_back(struct cgi_app *app, struct form *f)
{
	if (f == NULL)
		return;
	if (app == NULL || app->form != NULL) {
		form_free(f);
		return;
	}
	form_reset(f, NULL); /* temp files closed now, not at the next one */
	app->form = f;
}

CGI_API void
cgi_limits_default(struct cgi_limits *lim)
{
	struct form_limits fl;

	if (lim == NULL)
		return;
	form_limits_default(&fl);
	memset(lim, 0, sizeof(*lim));
	lim->max_body = (size_t)fl.max_body;
	lim->max_fields = fl.max_fields;
	lim->max_name = fl.max_name;
	lim->max_value = fl.max_value;
	lim->max_files = fl.max_files;
	lim->max_file_size = (size_t)fl.max_file_size;
	lim->max_disk = (size_t)fl.max_disk;
	lim->max_part_headers = fl.max_part_headers;
	lim->max_cookies = fl.max_cookies;
	lim->spill_threshold = fl.spill_threshold;
}

CGI_API const char *
cgi_strerror(enum cgi_err err)
{
	switch (err) {
	case CGI_OK:
		return "success";
	case CGI_MISSING:
		return "no such field";
	case CGI_EMPTY:
		return "empty value";
	case CGI_INVALID:
		return "invalid value";
	case CGI_RANGE:
		return "value out of range";
	case CGI_DUP:
		return "field given more than once";
	case CGI_ENOMEM:
		return "out of memory";
	case CGI_ELIMIT:
		return "input over a limit";
	case CGI_EFORM:
		return "malformed input";
	case CGI_EHEADER:
		return "header refused";
	case CGI_ESTATE:
		return "headers or response already complete";
	case CGI_EIO:
		return "output lost";
	case CGI_ESYSTEM:
		return "system error";
	case CGI_EINVAL:
		return "invalid argument";
	case CGI_ENOSYS:
		return "not available";
	case CGI_EJSON:
		return "JSON writer misuse";
	}
	return "unknown error";
}

/* CGI: the body is fd 0, the response fd 1, the variables environ. */
static ssize_t
cgi_read_stdin(void *ctx, void *p, size_t n)
{
	ssize_t got;

	(void)ctx;
	do
		got = read(STDIN_FILENO, p, n);
	while (got == -1 && errno == EINTR);
	return got;
}

static const char *
cgi_env(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static ssize_t
fcgi_read(void *ctx, void *p, size_t n)
{
	return fcgi_req_read(ctx, p, n);
}

static ssize_t
fcgi_write(void *ctx, const void *p, size_t n)
{
	return fcgi_req_write(ctx, p, n);
}

static int
fcgi_flush(void *ctx)
{
	return fcgi_req_flush(ctx);
}

static const char *
fcgi_env(void *ctx, const char *name)
{
	return fcgi_req_getenv(ctx, name);
}

/* The value of "--listen SPEC" or "--listen=SPEC" in argv, or NULL. */
static const char *
listen_arg(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i] != NULL; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--listen=", 9) == 0)
			return argv[i] + 9;
	}
	return NULL;
}

static bool
fd0_listening(void)
{
	socklen_t len = sizeof(int);
	int v = 0;

	return getsockopt(STDIN_FILENO, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) ==
	    0 &&
	    v != 0;
}

/* Terminal run: the request comes from argv. */
static int
open_terminal(struct cgi_app *app, int argc, char **argv)
{
	char err[512];
	const char *prog = argc > 0 && argv[0] != NULL ? argv[0] : "prog";

	if ((app->cli = cgi_cli_new()) == NULL)
		return -1;
	if (cgi_cli_parse(app->cli, argc, argv, err, sizeof(err)) == -1) {
		/* A person at a terminal gets told; nothing else prints. */
		(void)fprintf(stderr,
		    "%s: %s\nusage: %s [name=value ...] [-X METHOD] "
		    "[-d DATA] [-F name=value|name=@file] [-H 'Name: value'] "
		    "[-C 'name=value'] [-P PATH_INFO] | --replay FILE | "
		    "--listen unix:PATH|HOST:PORT\n",
		    prog, err, prog);
		app->usage = true;
		app->status = 2;
	}
	return 0;
}

CGI_API cgi_app *
cgi_open(int argc, char **argv, const struct cgi_limits *limits)
{
	struct cgi_app *app;
	struct sigaction sa;
	const char *spec, *rec;
	int fd, saved;

	if ((app = calloc(1, sizeof(*app))) == NULL)
		return NULL;
	if (limits != NULL)
		app->lim = *limits;
	else
		cgi_limits_default(&app->lim);
	if (app->lim.tmpdir != NULL) {
		if ((app->tmpdir = strdup(app->lim.tmpdir)) == NULL)
			goto fail;
		app->lim.tmpdir = app->tmpdir;
	}
	/* L-3875-3.4, L-API-10: a client gone mid-response must show as a
	 * write error, not kill the process; a program's own handler stays. */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		(void)signal(SIGPIPE, SIG_IGN);
	/*
	 * CGI before --listen: a server passing an ISINDEX query as argv
	 * (RFC 3875 4.4) must not be able to make a CGI program listen.
	 */
	if (fd0_listening()) {
		app->mode = CGI_APP_FCGI;
		if ((app->fcgi = fcgi_app_new(STDIN_FILENO)) == NULL)
			goto fail;
	} else if (getenv("GATEWAY_INTERFACE") != NULL) {
		app->mode = CGI_APP_CGI;
		rec = getenv("CGI_RECORD");
		if (rec != NULL && *rec != '\0' &&
		    (app->record_dir = strdup(rec)) == NULL)
			goto fail;
	} else if ((spec = listen_arg(argc, argv)) != NULL) {
		app->mode = CGI_APP_FCGI;
		if ((fd = fcgi_listen(spec)) == -1)
			goto fail;
		if ((app->fcgi = fcgi_app_new(fd)) == NULL)
			goto fail;
	} else {
		app->mode = CGI_APP_TERMINAL;
		if (open_terminal(app, argc, argv) == -1)
			goto fail;
	}
	return app;
fail:
	saved = errno;
	fcgi_app_free(app->fcgi);
	cgi_cli_free(app->cli);
	free(app->record_dir);
	free(app->tmpdir);
	free(app);
	errno = saved;
	return NULL;
}

/* Makes the next request's transport; false when there is none. */
static bool
next_io(struct cgi_app *app, struct cgi_req_io *io)
{
	switch (app->mode) {
	case CGI_APP_FCGI:
		if ((app->frq = fcgi_app_accept(app->fcgi)) == NULL)
			return false;
		io->ctx = app->frq;
		io->read = fcgi_read;
		io->write = fcgi_write;
		io->getenv = fcgi_env;
		io->flush = fcgi_flush;
		io->parsed = true;
		return true;
	case CGI_APP_CGI:
		if (app->passed)
			return false;
		app->passed = true;
		io->ctx = app;
		io->read = cgi_read_stdin;
		io->write = cgi_cli_write_stdout;
		io->getenv = cgi_env;
		io->flush = NULL;
		io->parsed = false;
		return true;
	case CGI_APP_TERMINAL:
		if (app->passed || app->usage)
			return false;
		app->passed = true;
		cgi_cli_io(app->cli, io);
		return true;
	}
	return false;
}

CGI_API cgi_req *
cgi_accept(cgi_app *app)
{
	struct cgi_req_io io;
	struct cgi_req *r;
	enum cgi_err e;

	if (app == NULL)
		return NULL;
	if (app->cur != NULL)
		(void)cgi_finish(app->cur);
	while (next_io(app, &io)) {
		if ((r = cgi_req_new(app, &io, &app->lim)) == NULL) {
			app->status = 1;
			if (app->frq != NULL)
				(void)fcgi_req_finish(app->frq, 1);
			app->frq = NULL;
			return NULL;
		}
		app->cur = r;
		r->recording = app->record_dir != NULL;
		e = cgi_req_load(r);
		if (r->recording &&
		    cgi_cli_record(app->record_dir, environ, r->record.data,
		        r->record.len, app->nrecorded++) == -1)
			app->status =
			    1; /* debugging aid: the request goes on */
		buf_fini(&r->record);
		if (e == CGI_OK || (app->lim.flags & CGI_OPT_OWN_ERRORS) != 0)
			return r;
		/* The input broke a limit or was malformed: answer for the
		 * program (413/400/500) and go on to the next request. */
		(void)cgi_error_page(r, r->in_status != 0 ? r->in_status : 500);
		(void)cgi_finish(r);
	}
	return NULL;
}

CGI_API int
cgi_finish(cgi_req *r)
{
	struct cgi_app *app;
	int rc;

	if (r == NULL)
		return 0;
	app = r->app;
	rc = cgi_out_end(r);
	if (app != NULL && app->frq != NULL) {
		if (fcgi_req_finish(app->frq, rc == 0 ? 0 : 1) == -1)
			rc = -1;
		app->frq = NULL;
	}
	if (app != NULL) {
		if (rc == -1)
			app->status = app->status == 0 ? 1 : app->status;
		app->cur = NULL;
	}
	cgi_req_free(r);
	return rc;
}

CGI_API int
cgi_close(cgi_app *app)
{
	int status;

	if (app == NULL)
		return 2;
	if (app->cur != NULL)
		(void)cgi_finish(app->cur);
	status = app->status;
	form_free(app->form); /* the store kept between requests */
	fcgi_app_free(app->fcgi);
	cgi_cli_free(app->cli);
	free(app->record_dir);
	free(app->tmpdir);
	free(app);
	return status;
}
