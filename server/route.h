/*
 * route.h - from a parsed request to what serves it: a static file or
 * folder, a CGI script (with SCRIPT_NAME and PATH_INFO), or an error.
 *
 * The path is decoded and normalised once (path.h, checklist V-03), then
 * every file is opened beneath its root with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS), so neither ".." nor a symlink can leave the root
 * (V-04). Files inside a CGI folder are never routed as static. Producing
 * the response is static.c's or the CGI handler's job.
 */
#ifndef SERVER_ROUTE_H
#define SERVER_ROUTE_H

#include <sys/stat.h>

#include <stdbool.h>

#include "buf.h"
#include "path.h"
#include "str.h"

struct config_cgi_dir;
struct config_cgi_ext;
struct http_head;
struct server;

enum route_kind {
	ROUTE_ERROR,  /* answer status */
	ROUTE_STATIC, /* a regular file or a folder: fd, st */
	ROUTE_CGI     /* a script: cgi_dir or cgi_ext, script_* below */
};

struct route {
	enum route_kind kind;
	int status;         /* ROUTE_ERROR: 400, 403, 404, 414 or 500 */
	const char *reason; /* why, for the error log, or NULL */
	struct buf path;    /* decoded, normalised request path (owned) */
	struct path_info info;

	/* ROUTE_STATIC: the file or folder, opened O_RDONLY (owned). */
	int fd;
	struct stat st;

	/* ROUTE_CGI */
	const struct config_cgi_dir *cgi_dir; /* NULL: matched by extension */
	const struct config_cgi_ext *cgi_ext; /* NULL: inside a CGI folder */
	struct str script_name;               /* view into path */
	struct str path_info;                 /* view into path; p NULL: none */
	int script_fd;                        /* the script, O_PATH (owned) */
	struct stat script_st;                /* its stat */
	struct buf script_filename; /* its absolute file name (owned) */
};

/* Empty route (no fds). */
void route_init(struct route *rt);
/* Closes the fds and forgets the result; keeps the buffers' memory. */
void route_reset(struct route *rt);
/* Releases everything; rt is empty afterwards. */
void route_fini(struct route *rt);

/*
 * Decides what serves h's target on srv. Always sets rt->kind (after
 * route_reset). ROUTE_ERROR covers: a bad path (400), one too long (414),
 * an encoded slash, a dotfile, a missing file or a symlink out of the root
 * (404), a file we may not read, a special file, a folder of a CGI
 * directory or a CGI folder reached by another URL (403).
 */
void route_resolve(struct route *rt, const struct server *srv,
    const struct http_head *h);

/*
 * openat2(dirfd, rel, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) with
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS: rel can name nothing outside
 * dirfd, through ".." or a symlink. O_NONBLOCK keeps a FIFO from blocking
 * the worker. Returns the fd, or -1 with errno (EXDEV: an escape).
 */
int route_open_beneath(int dirfd, const char *rel, int flags);

/*
 * The two halves of route_resolve(), for a caller that looks the path up
 * in a cache between them. route_normalize() resets rt, decodes and
 * normalises the path into rt->path and refuses bad paths, encoded
 * slashes and dotfiles: false with rt->kind ROUTE_ERROR. It never touches
 * the file system. route_resolve_normalized() then does the rest.
 */
bool route_normalize(struct route *rt, const struct http_head *h);
void route_resolve_normalized(struct route *rt, const struct server *srv);

/* Takes the static fd out of rt (the caller closes it); rt keeps -1. */
int route_take_fd(struct route *rt);

#endif /* SERVER_ROUTE_H */
