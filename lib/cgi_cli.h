/*
 * cgi_cli.h - terminal runs: a request made from a command line
 * (name=value, curl-like -X -d -F -H -C) or replayed from a recording,
 * and the recording itself (CGI_RECORD=DIR in CGI mode).
 *
 * A struct cgi_cli is a table of meta-variables plus a body in memory;
 * cgi_app.c turns it into a request through cgi_cli_io. Unit tests use
 * the same table to build requests without a process environment.
 *
 * Recording format (one file per request), version 1:
 *   line 1     "CGI-RECORD 1"
 *   then       one "NAME=VALUE" line per meta-variable, VALUE with '%',
 *              control bytes and DEL written as %XX
 *   then       an empty line
 *   the rest   the request body bytes, exactly as read
 */
#ifndef LIB_CGI_CLI_H
#define LIB_CGI_CLI_H

#include <sys/types.h>

#include <stddef.h>

#include "buf.h"
#include "cgi_req.h"

struct cgi_cli {
	char **names;  /* owned */
	char **values; /* owned */
	size_t nvars, capvars;
	struct buf body; /* request body */
	size_t off;      /* bytes of body already read */
};

/* An empty table (no variables, no body); NULL with errno ENOMEM. */
struct cgi_cli *cgi_cli_new(void);
/* Frees the table; NULL is a no-op. */
void cgi_cli_free(struct cgi_cli *c);

/* Sets (replaces) a variable; name and value are copied. 0, or -1. */
int cgi_cli_setenv(struct cgi_cli *c, const char *name, const char *value);
/* The value of name, or NULL; owned by c. */
const char *cgi_cli_getenv(const struct cgi_cli *c, const char *name);

/*
 * Builds the request of a command line: argv[1..argc) (borrowed). On a
 * usage error returns -1 and writes a one-line reason into err (errlen
 * bytes); 0 on success.
 */
int cgi_cli_parse(struct cgi_cli *c, int argc, char **argv, char *err,
    size_t errlen);

/* Loads a recording from data[0..len) (borrowed): the variables and the
 * body into c. 0, or -1 with errno (EINVAL: not a well-formed recording). */
int cgi_cli_parse_record(struct cgi_cli *c, const char *data, size_t len);

/* Loads a recording written by cgi_cli_record. 0, or -1 with errno
 * (EINVAL: not a recording). */
int cgi_cli_load(struct cgi_cli *c, const char *path);

/*
 * Writes a recording of the variables envp (a NULL-terminated
 * "NAME=VALUE" array, borrowed; CGI_RECORD itself is left out) and body
 * into a new file in dir, named req-SECONDS-PID-SEQ.cgirec, mode 0600.
 * 0, or -1 with errno.
 */
int cgi_cli_record(const char *dir, char *const *envp, const char *body,
    size_t len, unsigned long seq);

/* Writes all of p[0..n) to fd 1 (EINTR retried): n, or -1 with errno.
 * ctx is unused; CGI mode writes through it too. */
ssize_t cgi_cli_write_stdout(void *ctx, const void *p, size_t n);
/* The same to any fd (cgi_fail's line to stderr). */
ssize_t cgi_cli_write_fd(int fd, const void *p, size_t n);

/* A transport over c: body read from c, output to fd 1, env from c. */
void cgi_cli_io(struct cgi_cli *c, struct cgi_req_io *io);

#endif /* LIB_CGI_CLI_H */
