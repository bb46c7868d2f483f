/*
 * cgi_req.h - the inside of a cgi_req, shared by libcgi's public modules:
 * cgi_req.c (input and getters), cgi_out.c (headers and body), cgi_json.c,
 * cgi_app.c (modes) and cgi_cli.c (terminal runs).
 *
 * A request reaches its transport only through struct cgi_req_io, so the
 * same code serves CGI (fds 0/1 and environ), FastCGI (fcgi_req) and
 * terminal runs (a table built from argv), and unit tests can build a
 * request over memory and a pipe.
 */
#ifndef LIB_CGI_REQ_H
#define LIB_CGI_REQ_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cgi.h"

/* Reads up to n bytes of body: count, 0 at the end, -1 with errno. */
typedef ssize_t cgi_req_read_fn(void *ctx, void *buf, size_t n);
/* Writes all n bytes of output: n, or -1 with errno (output lost). */
typedef ssize_t cgi_req_write_fn(void *ctx, const void *buf, size_t n);
/* Pushes buffered output to the peer now: 0, or -1 (output lost). */
typedef int cgi_req_flush_fn(void *ctx);
/* The meta-variable name, or NULL; the string outlives the request. */
typedef const char *cgi_req_getenv_fn(void *ctx, const char *name);

struct cgi_req_io {
	void *ctx; /* borrowed: outlives the request */
	cgi_req_read_fn *read;
	cgi_req_write_fn *write;
	cgi_req_getenv_fn *getenv;
	cgi_req_flush_fn *flush; /* NULL: writes are not buffered below us */
	bool parsed; /* the server always parses the response (FastCGI) */
};

/* Bytes of body output kept before a write to the transport. */
#define CGI_REQ_OUT_CHUNK 16384
/* Bytes of one response header line: far inside every server's bound. */
#define CGI_REQ_HEADER_MAX 8000

struct cgi_req_hdr {
	char *name;  /* owned */
	char *value; /* owned */
};

enum cgi_req_json {
	CGI_REQ_JSON_ARRAY,
	CGI_REQ_JSON_OBJECT
};

struct form;     /* lib/form.h */
struct cgi_path; /* lib/cgi_path.h */

struct form;
struct cgi_req_kept; /* cgi_req.c: copies made by cgi_req_keep */
struct form_limits;

struct cgi_req {
	struct cgi_app *app; /* NULL for a request made by a unit test */
	struct cgi_req_io io;
	struct cgi_limits lim; /* defaults filled in */
	bool is_head;

	/* Input (cgi_req.c). */
	struct form *form;
	struct cgi_field *fields; /* views into form */
	size_t nfields;
	struct cgi_file *files; /* chosen uploads, views into form */
	enum cgi_err in_err;    /* input failure, CGI_OK if none */
	int in_status;          /* 400, 413, 415 with in_err */
	struct buf record;      /* body bytes tee'd for CGI_RECORD */
	bool recording;
	struct cgi_path *path; /* PATH_INFO segments (cgi_path.c), owned;
	                          NULL until cgi_path_segments */

	/* Output (cgi_out.c). */
	int status;
	char *type; /* owned; NULL: text/html; charset=utf-8 */
	struct cgi_req_hdr *hdrs;
	size_t nhdrs, caphdrs;
	bool headers_sent;
	bool complete;        /* redirect or error page written */
	bool nph;             /* cgi_nph: we write the status line */
	enum cgi_err out_err; /* sticky CGI_EIO once output was lost */
	struct buf out;

	/* JSON writer (cgi_json.c). */
	unsigned char json_stack[CGI_JSON_MAX_DEPTH];
	size_t json_count[CGI_JSON_MAX_DEPTH];
	size_t json_depth;
	bool json_key_due; /* a value is due after a key */
	bool json_done;    /* the top-level value is complete */
	bool json_started;

	/* Copies handed out by getters (cgi_req_keep), freed with r. */
	struct cgi_req_kept *kept;
};

/*
 * A request over io (borrowed, copied) with limits (borrowed, copied;
 * NULL or zero fields: the defaults). The input is not read yet. NULL with
 * errno ENOMEM.
 */
struct cgi_req *cgi_req_new(struct cgi_app *app, const struct cgi_req_io *io,
    const struct cgi_limits *limits);

/*
 * Reads and parses the input: query, cookies, body. Returns CGI_OK, or the
 * failure also kept in r->in_err / r->in_status.
 */
enum cgi_err cgi_req_load(struct cgi_req *r);

/* Frees r and everything it owns (NULL is a no-op); writes nothing. Its
 * field store goes back to r->app for the next request (cgi_app_form). */
void cgi_req_free(struct cgi_req *r);

/*
 * cgi_app.c: a resident program keeps one field store across requests,
 * so each request parses into memory that is already mapped.
 * cgi_app_form hands it out emptied and with the limits *lim (a new one
 * the first time; NULL on ENOMEM); cgi_app_form_back takes it back
 * (app NULL: it is freed).
 */
struct form *cgi_app_form(struct cgi_app *app, const struct form_limits *lim);
void cgi_app_form_back(struct cgi_app *app, struct form *f);

/*
 * A NUL-terminated copy of p[0..n) owned by r (freed by cgi_req_free),
 * for getters whose result is not a view into the field store; NULL on
 * ENOMEM.
 */
const char *cgi_req_keep(struct cgi_req *r, const char *p, size_t n);

/* The meta-variable name of r, or NULL. */
const char *cgi_req_env(const struct cgi_req *r, const char *name);

/* cgi_out.c: sends the header block if not sent, then all buffered output.
 * 0, or -1 when output was lost (sticky). */
int cgi_out_end(struct cgi_req *r);

/* cgi_out.c: frees the header list, type and output buffer. */
void cgi_out_fini(struct cgi_req *r);

#endif /* LIB_CGI_REQ_H */
