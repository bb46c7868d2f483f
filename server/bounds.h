/*
 * bounds.h - every bound cgihttpd places on untrusted input (STYLE Rule 9).
 *
 * Each bound gives its default, the reason for the number, the
 * cgihttpd.conf directive (in parentheses; the same name as the long
 * command-line option) that may lower it, and the status
 * sent when it is passed. Configuration may lower a bound, never raise it
 * past the value here. Code refers only to these names.
 */
#ifndef SERVER_BOUNDS_H
#define SERVER_BOUNDS_H

/* ---- HTTP request head (server/http_parse.c) ---- */

/*
 * Bytes of the request-target (no directive: max-request-line bounds it). Over
 * it: 414. RFC 9112 3 recommends supporting at least 8000 octets; 8 KiB is what
 * nginx and Apache accept, so every real client fits.
 */
#define BOUND_TARGET_BYTES 8192
/*
 * Bytes of a method token (no directive). Over it: 501 (RFC 9112 3: a
 * method longer than any implemented one). Our longest is OPTIONS (7);
 * registered methods stay under 20, so 32 wastes nothing real.
 */
#define BOUND_METHOD_BYTES 32
/*
 * Bytes of the request line, CRLF excluded (max-request-line). Over it: 414.
 * Method, two spaces, the longest target and "HTTP/1.1": any line over it
 * must have a target over BOUND_TARGET_BYTES, so the answer is the same 414.
 */
#define BOUND_REQUEST_LINE_BYTES                                               \
	(BOUND_METHOD_BYTES + 1 + BOUND_TARGET_BYTES + 1 + 8)
/*
 * Bytes of one header field line, CRLF excluded (no directive). Over it:
 * 431. Apache's LimitRequestFieldSize is 8190; big cookies fit in 8 KiB.
 */
#define BOUND_FIELD_LINE_BYTES 8192
/*
 * Bytes of the whole request head: leading empty lines, request line, field
 * lines and the closing empty line (max-head). Over it: 431 (414 when the
 * request line alone passes its own bound first). 16 KiB holds the longest
 * request line plus a maximal cookie line; nginx's default is 4 x 8 KiB of
 * buffers, and every byte here is held per connection while parsing.
 */
#define BOUND_HEAD_BYTES 16384
/*
 * Header fields per request (max-fields). Over it: 431. Browsers send one
 * to two dozen; Apache's LimitRequestFields default is 100. Each costs a
 * slot in the caller's field array.
 */
#define BOUND_HEAD_FIELDS 100

/* ---- HTTP request body (server/chunked.c and the body readers) ---- */

/*
 * Decoded request body bytes (max-body). Over it: 413, checked
 * against Content-Length before reading and against the running total of a
 * chunked body. Uploads bigger than 64 MiB belong in another tool.
 */
#define BOUND_BODY_BYTES (64ull * 1024 * 1024)
/*
 * Hex digits in a chunk-size, leading zeros included (no directive).
 * More: 400. 16 hex digits already hold any 64-bit value; a longer size is
 * an overflow attempt (RFC 9112 7.1 demands an overflow check).
 */
#define BOUND_CHUNK_SIZE_DIGITS 16
/*
 * Bytes of chunk extensions over a whole body (no directive). Over it: 400.
 * Extensions are ignored (RFC 9112 7.1.1), so they are pure overhead; a
 * body of one-byte chunks with long extensions is a CPU and bandwidth
 * attack (picohttpparser refuses such streams for the same reason).
 */
#define BOUND_CHUNK_EXT_BYTES 4096
/*
 * Bytes of the trailer section after the last chunk (no directive). Over
 * it: 431. Trailers are parsed for syntax and discarded (RFC 9112 7.1.2).
 */
#define BOUND_TRAILER_BYTES 8192

/* ---- Connections (server/server.c, server/conn.c) ---- */

/*
 * Open client connections in all (--max-conns default; the option allows
 * up to BOUND_CONNS_MAX). Each costs about 20 KiB of buffers at most and
 * one fd: 10000 keeps a worst case near 200 MiB and below common
 * RLIMIT_NOFILE hard limits. Over it: closed before any byte is read.
 */
#define BOUND_CONNS 10000
/*
 * Open connections from one client address (--max-conns-per-ip default;
 * 0 in the option lifts it). 256 lets a NAT of browsers (6 each) through
 * and keeps one address from taking the whole BOUND_CONNS (V-10-d).
 */
#define BOUND_CONNS_PER_IP 256
/* Largest value --max-conns and --max-conns-per-ip accept. */
#define BOUND_CONNS_MAX 1000000

/* ---- MIME table (server/mime.c; a local file, still bounded) ---- */

/* Bytes of an extension that can be looked up; longer ones have no type. */
#define BOUND_MIME_EXT_BYTES 32
/* Bytes of /etc/mime.types read; past it the rest is ignored (Debian's is
 * about 60 KiB). */
#define BOUND_MIME_FILE_BYTES (1024 * 1024)

/* ---- CGI (server/cgi*.c) ---- */

/*
 * Bytes of one CGI program's environment (no directive). Over it: 431,
 * before any spawn. A maximal head (BOUND_HEAD_BYTES) plus a maximal
 * target repeated in five variables fits; Linux ARG_MAX (2 MiB with the
 * usual 8 MiB stack) stays far away, so execve never fails with E2BIG.
 */
#define BOUND_CGI_ENV_BYTES 262144
/*
 * Bytes of one NAME=VALUE entry with its NUL: Linux MAX_ARG_STRLEN (32
 * pages). execve fails with E2BIG past it (V-16), so 431 instead.
 */
#define BOUND_CGI_ENV_VAR_BYTES 131072
/*
 * Environment entries (no directive): BOUND_HEAD_FIELDS header fields,
 * about 30 meta-variables and the --env/--pass-env ones. Over it: 431.
 */
#define BOUND_CGI_ENV_VARS 256
/* Bytes of a header name mapped to HTTP_*: a field line's bound. */
#define BOUND_CGI_ENV_NAME BOUND_FIELD_LINE_BYTES
/*
 * Bytes of one line of a script's header block, terminator included (no
 * directive). Over it: 502 (S-6.3-h). Apache's MAX_STRING_LEN is 8 KiB.
 */
#define BOUND_CGI_RESP_LINE 8192
/*
 * Bytes of a script's whole header block (no directive). Over it: 502
 * (S-6.3-h). lighttpd uses the same 64 KiB.
 */
#define BOUND_CGI_RESP_HEAD 65536
/* Header fields from a script (no directive). Over it: 502 (S-6.3-h). */
#define BOUND_CGI_RESP_FIELDS 100
/*
 * Internal redirects (Location: /path) for one request (no directive).
 * Over it: 500 (S-6.2.2-b): a script redirecting to itself must end.
 */
#define BOUND_CGI_REDIRECTS 10
/*
 * Scripts running at once across all workers (--max-cgi default and
 * largest value). Past --max-cgi a request waits briefly, then 503: a
 * request flood is never a fork bomb. 64 processes of a typical script
 * (10-30 MiB each) fit a small machine's memory.
 */
#define BOUND_CGI_CHILDREN 64
/*
 * Seconds a script has to send its header block (--cgi-timeout default;
 * then 504). The whole run may take 10 times that (CGI_TOTAL_FACTOR) and
 * so much CPU (RLIMIT_CPU). Apache's Timeout is 60 s as well.
 */
#define BOUND_CGI_SECONDS 60

#endif /* SERVER_BOUNDS_H */
