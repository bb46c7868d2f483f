/*
 * cgi_env.h - builds a CGI/1.1 script's environment (RFC 3875 section 4.1
 * plus the de-facto extension variables) from a request description.
 *
 * Pure: no I/O, no globals except the --pass-env lookups the caller asks
 * for. Deciding which script runs, and where PATH_INFO starts, is cgi.c's
 * job; parsing the request is http_parse.c's. Every limit is in bounds.h.
 */
#ifndef SERVER_CGI_ENV_H
#define SERVER_CGI_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_parse.h"
#include "str.h"

/*
 * The request as cgi_env_build() needs it. Every struct str is a borrowed
 * view; p == NULL means "absent" (an empty view with p != NULL is a
 * present empty value). fields[] are the request's header fields in the
 * order received, repeats included (http_parse.h).
 */
struct cgi_env_req {
	struct str method;      /* token as received, case kept */
	struct str request_uri; /* raw request-target (REQUEST_URI) */
	struct str script_name; /* decoded, normalised script path */
	struct str path_info;   /* decoded remainder; p == NULL: none */
	struct str query;       /* raw, without the '?' ("" if none) */
	int minor;              /* HTTP/1.<minor> */
	const struct http_field *fields; /* views, OWS-trimmed */
	size_t nfields;
	bool no_content_type;    /* internal redirect: CONTENT_TYPE unset */
	bool has_body;           /* framed by Content-Length or chunked */
	uint64_t content_length; /* exact body length when has_body */
	struct str host;         /* Host value (port may follow) or none */
	struct str default_name; /* SERVER_NAME when Host is absent */
	struct str remote_addr;  /* textual, IPv6 without brackets */
	unsigned remote_port;
	struct str local_addr; /* textual, from getsockname() */
	unsigned local_port;
	bool https;                 /* the connection is TLS */
	struct str docroot;         /* absolute, no trailing '/' */
	struct str script_filename; /* absolute path of the executed file */
	int redirect_status;        /* REDIRECT_STATUS; 0 means 200 */
	struct str redirect_url;    /* after an internal redirect, or none */
	struct str redirect_query;  /* the original query with redirect_url */
	struct str auth_type;       /* only when the server authenticated */
	struct str remote_user;     /* idem */
};

/* Settings from the configuration (borrowed, NUL-terminated strings). */
struct cgi_env_opts {
	bool pass_auth;              /* export Authorization (S-9.2-a) */
	bool allow_fn_values;        /* turn the V-02-b "() {" guard off */
	const char *server_software; /* NULL: "cgihttpd/" CGI_VERSION */
	const char *const *set;      /* --env "NAME=VALUE" entries */
	size_t nset;
	const char *const *pass; /* --pass-env NAME entries */
	size_t npass;
	size_t max_bytes; /* 0: BOUND_CGI_ENV_BYTES */
};

/*
 * The result: envp is a NULL-terminated array whose strings live in the
 * same allocation. The owner frees it with cgi_env_fini().
 */
struct cgi_env {
	char **envp;
	size_t n;     /* entries, not counting the NULL */
	size_t bytes; /* sum of strlen + 1 over the entries */
};

/*
 * Builds the environment for rq. Returns 0 and fills *out, or an HTTP
 * status and leaves *out empty: 400 when a value would carry NUL or a
 * control byte (S-4.1-e, S-4.1.5-d, V-24) or starts with "() {" (V-02-b),
 * 431 when a variable or the total passes its bound (V-16), 500 when
 * memory runs out. Nothing is ever truncated.
 */
int cgi_env_build(const struct cgi_env_req *rq, const struct cgi_env_opts *o,
    struct cgi_env *out);

/* Releases out; a zeroed struct is a no-op. */
void cgi_env_fini(struct cgi_env *out);

/* The value of NAME in env, or NULL (for tests and logging). */
const char *cgi_env_get(const struct cgi_env *env, const char *name);

#endif /* SERVER_CGI_ENV_H */
