/*
 * cgi_bounds.h - the bounds of the CGI modules, until they join bounds.h
 * (STYLE Rule 9: each with its reason, directive and status).
 */
#ifndef SERVER_CGI_BOUNDS_H
#define SERVER_CGI_BOUNDS_H

/* Bytes of one CGI program's environment (cgi_env_bytes). Over it: 431,
 * before any spawn. A maximal request head (64 KiB) plus a maximal target
 * (8 KiB, repeated in five variables) fits; ARG_MAX (2 MiB) is far away. */
#define BOUND_CGI_ENV_BYTES 262144
/* Bytes of one NAME=VALUE entry with its NUL: Linux MAX_ARG_STRLEN (32
 * pages). execve fails with E2BIG past it (V-16), so 431 instead. */
#define BOUND_CGI_ENV_VAR_BYTES 131072
/* Environment entries: 100 header fields + 30 meta-variables + the
 * configured --env/--pass-env ones. Over it: 431. */
#define BOUND_CGI_ENV_VARS 256
/* Bytes of a header name mapped to HTTP_*; header lines are 8 KiB. */
#define BOUND_CGI_ENV_NAME 8192
/* One line of a script's header block (S-6.3-h). Over it: 502. Apache's
 * MAX_STRING_LEN is the same 8 KiB. */
#define BOUND_CGI_RESP_LINE 8192
/* The script's whole header block (S-6.3-h). Over it: 502 (lighttpd uses
 * the same 64 KiB). */
#define BOUND_CGI_RESP_HEAD 65536
/* Header fields from a script (S-6.3-h). Over it: 502. */
#define BOUND_CGI_RESP_FIELDS 100
/* Internal redirects for one request (S-6.2.2-b). Over it: 500. */
#define BOUND_CGI_REDIRECTS 10

#endif /* SERVER_CGI_BOUNDS_H */
