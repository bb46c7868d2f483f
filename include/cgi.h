/*
 * cgi.h - libcgi: read a CGI or FastCGI request, write its response.
 *
 * The whole public API (the only installed header). One program runs as
 * FastCGI, as CGI and from a terminal; cgi_open picks the mode. Everything
 * the library returns belongs to the request and stays valid until
 * cgi_finish; everything passed in is copied. No global state.
 */
#ifndef CGI_H
#define CGI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define CGI_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cgi_app cgi_app; /* opaque: one program's connection */
typedef struct cgi_req cgi_req; /* opaque: one request and its response */

enum cgi_err {
	CGI_OK = 0,
	CGI_MISSING, /* no field of that name */
	CGI_EMPTY,   /* the field is there but its value is empty */
	CGI_INVALID, /* the value does not parse as asked (or holds a NUL) */
	CGI_RANGE,   /* the value parses but lies outside [min, max] */
	CGI_DUP,     /* one value was asked for and the field repeats */
	CGI_ENOMEM,  /* an allocation failed */
	CGI_ELIMIT,  /* input exceeded a bound of struct cgi_limits (413) */
	CGI_EFORM,   /* the request input was malformed (400) */
	CGI_EHEADER, /* header name or value refused (CR, LF, NUL, not a
	                token, or a field the server owns) */
	CGI_ESTATE,  /* too late: the headers (or the response) are done */
	CGI_EIO,     /* output lost: the client is gone (sticky) */
	CGI_ESYSTEM, /* a system call failed; errno says which */
	CGI_EINVAL,  /* a bad argument from the program */
	CGI_ENOSYS,  /* not available in this mode or build */
	CGI_EJSON    /* JSON writer misuse: nesting too deep, a value where a
	                key is due, a non-finite number, unbalanced end */
};

/* A short English description of err; a static string, never NULL. */
CGI_API const char *cgi_strerror(enum cgi_err err);

/* ---- Opening, accepting, finishing (cgi_open.3) ---- */

/* Bits of cgi_limits.flags. */
enum cgi_opt {
	/* Do not answer input errors (400/413/415) automatically: cgi_accept
	 * returns the request and cgi_input_error reports the failure. */
	CGI_OPT_OWN_ERRORS = 1u << 0,
	/* Without CONTENT_LENGTH, read the body to EOF (bounded by max_body)
	 * instead of taking it as empty (RFC 3875 4.2 leaves this open). */
	CGI_OPT_BODY_TO_EOF = 1u << 1
};

/*
 * Bounds on one request's input, checked before and while reading. A zero
 * field means "the default" (cgi_limits_default). Going past a bound
 * answers 413 (400 for malformed input) with a small page by itself,
 * unless flags has CGI_OPT_OWN_ERRORS.
 */
struct cgi_limits {
	size_t max_body;         /* bytes of request body */
	size_t max_fields;       /* query + form fields */
	size_t max_name;         /* bytes of one field name */
	size_t max_value;        /* bytes of one non-file field value */
	size_t max_files;        /* uploaded files */
	size_t max_file_size;    /* bytes of one uploaded file */
	size_t max_disk;         /* temp-file bytes for one request */
	size_t max_part_headers; /* header bytes of one multipart part */
	size_t max_cookies;      /* cookie pairs */
	size_t spill_threshold;  /* files larger than this go to disk */
	const char *tmpdir;      /* NULL: $TMPDIR, else /tmp (copied) */
	unsigned flags;          /* enum cgi_opt bits */
};

/* Fills *lim with the safe defaults (documented in cgi_open(3)). */
CGI_API void cgi_limits_default(struct cgi_limits *lim);

/*
 * Chooses the mode and prepares it, in this order: FastCGI when fd 0 is a
 * listening socket; CGI when GATEWAY_INTERFACE is set (argv is then never
 * read, so a query passed as argv cannot change the mode); FastCGI on its
 * own socket with "--listen unix:PATH|HOST:PORT" in argv; else a terminal
 * run built from argv (see libcgi(3): name=value arguments, -X, -d, -F,
 * -H, -C, -P, --replay FILE). limits (borrowed, copied) may be NULL for
 * the defaults. Sets SIGPIPE to ignored when it is at its default, so a
 * vanished client shows as an output error instead of killing the
 * program. Returns NULL only when out of memory or the FastCGI socket
 * cannot be set up (errno set); a terminal usage error gives an app whose
 * cgi_accept returns NULL and whose cgi_close returns 2 (the one case
 * where the library writes a message, to stderr).
 */
CGI_API cgi_app *cgi_open(int argc, char **argv,
    const struct cgi_limits *limits);

/*
 * Waits for the next request and reads its input (query, cookies, body)
 * under the limits. CGI and terminal runs give exactly one request; FastCGI
 * gives one per call until the server stops the program (SIGTERM). A
 * request whose input breaks a limit is answered (413/400/415) and skipped,
 * unless CGI_OPT_OWN_ERRORS. A request still open from the previous call is
 * finished first. Returns NULL when there are no more requests; app NULL
 * gives NULL.
 */
CGI_API cgi_req *cgi_accept(cgi_app *app);

/*
 * Completes the response (headers if none were sent yet, buffered body)
 * and frees r and everything it returned. Returns 0, or -1 when output was
 * lost (the client went away, a write failed). NULL gives 0.
 */
CGI_API int cgi_finish(cgi_req *r);

/*
 * Finishes an open request, releases app, and returns the exit status for
 * main: 0, 1 if any response lost output or a system error happened, 2 for
 * a terminal usage error. NULL gives 2.
 */
CGI_API int cgi_close(cgi_app *app);

/*
 * The input error of r: CGI_OK, or CGI_ELIMIT/CGI_EFORM/CGI_ESYSTEM when
 * reading the input failed (only seen with CGI_OPT_OWN_ERRORS). When
 * status is not NULL it gets the HTTP status to answer (0, 400, 413, 415).
 */
CGI_API enum cgi_err cgi_input_error(const cgi_req *r, int *status);

/* ---- Reading fields (cgi_get.3) ---- */

/* Where a field came from; masks combine them. */
enum cgi_source {
	CGI_SRC_QUERY = 1u << 0,  /* QUERY_STRING */
	CGI_SRC_FORM = 1u << 1,   /* request body (urlencoded or multipart) */
	CGI_SRC_COOKIE = 1u << 2, /* HTTP_COOKIE */
	CGI_SRC_PARAMS = CGI_SRC_QUERY | CGI_SRC_FORM
};

struct cgi_file; /* an uploaded file, see cgi_file_get */

/*
 * One field, a view owned by its request (valid until cgi_finish). name and
 * value are NUL-terminated and may hold NUL bytes: the lengths count. For a
 * file upload, value is the sanitised file name and file is non-NULL.
 */
struct cgi_field {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	enum cgi_source source;
	const struct cgi_file *file; /* NULL unless an uploaded file */
};

/*
 * The first value of name among the query and form fields (query first),
 * or NULL if there is none or it holds a NUL byte (use cgi_find for bytes).
 * Owned by r.
 */
CGI_API const char *cgi_get(cgi_req *r, const char *name);
/* Per source: the same lookup in the query, the form body, the cookies. */
CGI_API const char *cgi_query_get(cgi_req *r, const char *name);
CGI_API const char *cgi_form_get(cgi_req *r, const char *name);
CGI_API const char *cgi_cookie_get(cgi_req *r, const char *name);
/* How many query and form fields are called name. */
CGI_API size_t cgi_count(cgi_req *r, const char *name);
/* The i-th (from 0) value of name among query and form fields, or NULL. */
CGI_API const char *cgi_get_nth(cgi_req *r, const char *name, size_t i);
/* The i-th field called name whose source is in the mask sources, or NULL. */
CGI_API const struct cgi_field *cgi_find(cgi_req *r, unsigned sources,
    const char *name, size_t i);
/* Number of fields (all sources) and the i-th in arrival order, or NULL. */
CGI_API size_t cgi_nfields(cgi_req *r);
CGI_API const struct cgi_field *cgi_field_at(cgi_req *r, size_t i);

/*
 * Strict and typed getters over query and form fields. Each returns CGI_OK
 * and writes *out, or leaves *out alone and returns CGI_MISSING (no such
 * field), CGI_DUP (it repeats), CGI_EMPTY (""), CGI_INVALID (does not
 * parse, or holds a NUL) or CGI_RANGE (outside [min, max]).
 */
CGI_API enum cgi_err cgi_get_one(cgi_req *r, const char *name, const char **out,
    size_t *len);
/* Optional sign and decimal digits; spaces and tabs around are trimmed. */
CGI_API enum cgi_err cgi_get_int(cgi_req *r, const char *name, long long min,
    long long max, long long *out);
/* Decimal notation with optional fraction and exponent; no inf, nan, hex. */
CGI_API enum cgi_err cgi_get_double(cgi_req *r, const char *name, double min,
    double max, double *out);
/* on/true/yes/1 and off/false/no/0, in any case. */
CGI_API enum cgi_err cgi_get_bool(cgi_req *r, const char *name, bool *out);
/* *out = index of the value in choices[0..nchoices) (exact match). */
CGI_API enum cgi_err cgi_get_choice(cgi_req *r, const char *name,
    const char *const *choices, size_t nchoices, size_t *out);

/* ---- Uploaded files (cgi_file_get.3) ---- */

/* The first uploaded file in field name, or NULL. Owned by r. */
CGI_API const struct cgi_file *cgi_file_get(cgi_req *r, const char *name);
/* The field name of f. */
CGI_API const char *cgi_file_field(const struct cgi_file *f);
/* The file name made safe: no directory part, no control bytes, never "."
 * or ".." or empty (then "upload"). Still untrusted: do not use as a path. */
CGI_API const char *cgi_file_name(const struct cgi_file *f);
/* The file name exactly as the client sent it (may be ""). */
CGI_API const char *cgi_file_raw_name(const struct cgi_file *f);
/* The part's Content-Type (default application/octet-stream). */
CGI_API const char *cgi_file_type(const struct cgi_file *f);
/* Size in bytes. */
CGI_API size_t cgi_file_size(const struct cgi_file *f);
/* The contents when held in memory (NUL-terminated), else NULL. */
CGI_API const char *cgi_file_data(const struct cgi_file *f);
/* The unlinked temp file holding the contents, else -1. Owned by r: read
 * it with pread(2); do not close it. */
CGI_API int cgi_file_fd(const struct cgi_file *f);
/* Copies the contents to a new file at path (mode 0600, O_EXCL: an
 * existing path is refused with CGI_ESYSTEM, errno EEXIST). */
CGI_API enum cgi_err cgi_file_save(const struct cgi_file *f, const char *path);

/* ---- Body and request metadata (cgi_method.3) ---- */

/*
 * The raw request body, when its type is not a form type (for instance
 * application/json): *data (NUL-terminated, owned by r) and *len. An
 * absent body gives "" and 0. A form body was parsed into fields: then
 * CGI_ENOSYS.
 */
CGI_API enum cgi_err cgi_body(cgi_req *r, const char **data, size_t *len);
/*
 * RFC 3875 4.3.2, 8.2: for a program that takes a form. True when the
 * request has a form body (application/x-www-form-urlencoded or
 * multipart/form-data, already parsed into fields), or no body and no
 * CONTENT_TYPE at all (a GET, say). Any other body or type, a body
 * without a type included, answers 415 Unsupported Media Type, completing
 * the response, and returns false.
 */
CGI_API bool cgi_want_form(cgi_req *r);
/* Any meta-variable (REQUEST_METHOD, HTTP_USER_AGENT, ...), or NULL. */
CGI_API const char *cgi_getenv(cgi_req *r, const char *name);
/* REQUEST_METHOD ("GET" if unset). */
CGI_API const char *cgi_method(cgi_req *r);
/* PATH_INFO, SCRIPT_NAME, QUERY_STRING, REMOTE_ADDR, CONTENT_TYPE: "" if
 * unset (RFC 3875 4.1: unset and empty mean the same). */
CGI_API const char *cgi_path_info(cgi_req *r);
CGI_API const char *cgi_script_name(cgi_req *r);
CGI_API const char *cgi_query_string(cgi_req *r);
CGI_API const char *cgi_remote_addr(cgi_req *r);
CGI_API const char *cgi_content_type(cgi_req *r);
/* True when the request came over TLS (HTTPS=on/1, REQUEST_SCHEME=https). */
CGI_API bool cgi_https(cgi_req *r);

/*
 * PATH_INFO split into segments, for programs that map it to names or files
 * (cgi_path_segments.3). PATH_INFO arrives decoded (RFC 3875 4.1.5), so no
 * second decode happens: "%2e%2e" stays those six bytes. The value after
 * its leading '/' is split on '/': "/a/b" gives "a" "b", "/a/" gives "a" "",
 * "/" gives one "", unset or "" gives *n = 0. *segs gets an array of *n
 * NUL-terminated segments and a final NULL, owned by r (valid until
 * cgi_finish; a second call gives the same array). Refused with
 * CGI_INVALID (*segs NULL, *n 0): no leading '/', a "." or ".." segment,
 * an empty inner segment ("//"), a backslash, a control byte (0x01-0x1f,
 * 0x7f), a NUL; no NUL gets this far, though: a CGI environment cannot
 * hold one, and the FastCGI responder and --replay refuse a value with one
 * before the program sees the request. CGI_ENOMEM when out of memory,
 * CGI_EINVAL for a NULL argument.
 */
CGI_API enum cgi_err cgi_path_segments(cgi_req *r, const char *const **segs,
    size_t *n);
/*
 * For a program that takes no PATH_INFO (RFC 3875 8.2): true when PATH_INFO
 * is unset or empty. Otherwise answers 404 Not Found (cgi_error_page),
 * completing the response, and returns false. A program that uses
 * PATH_INFO simply never calls it.
 */
CGI_API bool cgi_no_path_info(cgi_req *r);

/* ---- Response headers (cgi_status.3) ---- */

/*
 * Headers are kept until the first body byte; after it these return
 * CGI_ESTATE. Names must be tokens; values must not hold CR, LF, NUL or
 * other control bytes except HTAB (refused with CGI_EHEADER, nothing is
 * sent). Fields the server owns (Status, Connection, Content-Length,
 * Transfer-Encoding, Keep-Alive, Upgrade, ...) are refused. The default
 * type is "text/html; charset=utf-8", and X-Content-Type-Options: nosniff
 * is sent unless replaced.
 */
CGI_API enum cgi_err cgi_status(cgi_req *r, int code); /* 200..599 */
CGI_API enum cgi_err cgi_type(cgi_req *r, const char *type);
/* Replaces every header called name (case-insensitive) by this one. */
CGI_API enum cgi_err cgi_header_set(cgi_req *r, const char *name,
    const char *value);
/* Adds one more header called name. */
CGI_API enum cgi_err cgi_header_add(cgi_req *r, const char *name,
    const char *value);

enum cgi_samesite {
	CGI_SAMESITE_LAX = 0, /* the default */
	CGI_SAMESITE_STRICT,
	CGI_SAMESITE_NONE /* needs Secure */
};

/* Bits of cgi_cookie.flags. */
enum cgi_cookie_flag {
	CGI_COOKIE_SECURE = 1u << 0,      /* Secure even without HTTPS */
	CGI_COOKIE_NO_SECURE = 1u << 1,   /* no Secure even with HTTPS */
	CGI_COOKIE_NO_HTTPONLY = 1u << 2, /* readable by scripts */
	CGI_COOKIE_PARTITIONED = 1u << 3  /* CHIPS; needs Secure */
};

/*
 * A cookie to set. A zeroed struct plus name and value gives the safe
 * defaults: Path=/, host-only, session lifetime, SameSite=Lax, HttpOnly,
 * and Secure when the request came over HTTPS.
 */
struct cgi_cookie {
	const char *name;   /* a token */
	const char *value;  /* cookie-octets only (RFC 6265 4.1.1) */
	const char *path;   /* NULL: "/" */
	const char *domain; /* NULL: host-only */
	long long max_age;  /* seconds; 0: a session cookie */
	enum cgi_samesite samesite;
	unsigned flags; /* enum cgi_cookie_flag bits */
};

/*
 * Adds a Set-Cookie header (replacing an earlier one of the same name).
 * Refuses (CGI_EHEADER) bad names/values, SameSite=None or Partitioned
 * without Secure, __Secure-/__Host- prefix violations, name+value over
 * 4096 bytes, a negative max_age.
 */
CGI_API enum cgi_err cgi_cookie_set(cgi_req *r, const struct cgi_cookie *c);
/* Sets name to expire now (Max-Age=0 and an Expires in the past). */
CGI_API enum cgi_err cgi_cookie_delete(cgi_req *r, const char *name,
    const char *path);

/*
 * Signed cookies (cgi_cookie_set_signed.3), for state the client must not
 * change (RFC 3875 9.7). The value sent is VALUE "." EXPIRY "." TAG:
 * EXPIRY is the Unix time now + max_age, or 0 for a session cookie; TAG is
 * the unpadded base64url HMAC-SHA256 under key (borrowed, at least 32
 * bytes, else CGI_EINVAL) of name, NUL, VALUE, NUL, EXPIRY. set_signed
 * then acts as cgi_cookie_set (same defaults and checks, on the signed
 * value). get_signed gives CGI_MISSING (no such cookie), CGI_DUP (sent
 * twice), CGI_INVALID (bad form, bad tag, or expired), or CGI_OK with
 * *value = VALUE (owned by r, valid until cgi_finish; NULL on failure).
 */
CGI_API enum cgi_err cgi_cookie_set_signed(cgi_req *r,
    const struct cgi_cookie *c, const void *key, size_t keylen);
CGI_API enum cgi_err cgi_cookie_get_signed(cgi_req *r, const char *name,
    const void *key, size_t keylen, const char **value);

/*
 * Answers with a redirect to url: a local path ("/x", not "//x" nor "/\x",
 * no "#fragment") or an absolute http(s) URL, printable ASCII without
 * space, quotes, < > or backslash; anything else is CGI_EINVAL. code 0 is 303
 * See Other (for POST-redirect-GET); else 301, 302, 303, 307 or 308. For an
 * HTTP/1.0 client (SERVER_PROTOCOL, INCLUDED counting as 1.0), whose
 * protocol lacks 303, 307 and 308, those go out as 302, 302 and 301
 * (RFC 3875 6.3.3). Sends Status, Location and a small HTML body naming
 * the link (a client redirect with document, RFC 3875 6.2.4); the
 * response is then complete.
 */
CGI_API enum cgi_err cgi_redirect(cgi_req *r, const char *url, int code);
/*
 * Answers with status code (400..599) and a small static HTML page; the
 * response is then complete (later writes: CGI_ESTATE).
 */
CGI_API enum cgi_err cgi_error_page(cgi_req *r, int code);
/*
 * For a failure whose details are for the log, not the client (L-API-09):
 * writes one line, "libcgi: SCRIPT_NAME: " and the formatted message
 * (control bytes as '?'), to stderr, the server's error log, and answers
 * the fixed page of cgi_error_page(r, 500). Once the headers are out,
 * only the line is written (CGI_ESTATE).
 */
CGI_API enum cgi_err cgi_fail(cgi_req *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * RFC 3875 5: makes the response non-parsed-header, for a program the
 * server runs as NPH (cgihttpd: a name starting "nph-" in a CGI folder).
 * The library then writes the whole HTTP response itself: a status line
 * of SERVER_PROTOCOL's version (HTTP/1.1, else HTTP/1.0), Date,
 * Connection: close (the body ends when the program exits), the headers,
 * the body (none for HEAD). Call before any output; CGI_ENOSYS in
 * FastCGI mode, where the server always parses the response.
 */
CGI_API enum cgi_err cgi_nph(cgi_req *r);

/*
 * RFC 3875 4.3: true when the request method is in methods, a list like
 * "GET, POST" (GET also allows HEAD); a method other than GET, HEAD and
 * POST only when SERVER_PROTOCOL is HTTP/1.1 or later (RFC 3875 4.3.4).
 * Otherwise answers 405 Method Not Allowed with an Allow header (501 Not
 * Implemented for HTTP/1.0, SERVER_PROTOCOL=INCLUDED or unset),
 * completing the response, and returns false.
 */
CGI_API bool cgi_allow(cgi_req *r, const char *methods);

/* ---- Response body (cgi_write.3) ---- */

/*
 * Body output, buffered; the first byte sends the headers. For HEAD the
 * bytes are dropped (headers only). Once a write fails (client gone) every
 * later call returns CGI_EIO without writing, and cgi_finish returns -1.
 */
CGI_API enum cgi_err cgi_write(cgi_req *r, const void *data, size_t len);
CGI_API enum cgi_err cgi_puts(cgi_req *r, const char *s);
CGI_API enum cgi_err cgi_printf(cgi_req *r, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
CGI_API enum cgi_err cgi_vprintf(cgi_req *r, const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 2, 0)));
/*
 * printf for HTML: the text of %s and %c arguments is escaped (& < > " '
 * become &amp; &lt; &gt; &quot; &#39;; invalid UTF-8 becomes U+FFFD; a NUL
 * is dropped), so it is safe in element text and in double- or
 * single-quoted attribute values; nothing else is (scripts, styles,
 * unquoted attributes, URLs). Numbers are formatted as printf does; %n is
 * refused (CGI_EINVAL). The format itself is written as is.
 */
CGI_API enum cgi_err cgi_html(cgi_req *r, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
CGI_API enum cgi_err cgi_vhtml(cgi_req *r, const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 2, 0)));
/* Writes s[0..len) escaped as cgi_html escapes %s. */
CGI_API enum cgi_err cgi_write_html(cgi_req *r, const char *s, size_t len);
/* Sends the headers and buffered body now (for streaming pages). */
CGI_API enum cgi_err cgi_flush(cgi_req *r);

/*
 * Escaping without a request. Each returns a new string, or NULL with errno
 * ENOMEM; the caller frees it with free(3). cgi_html_escape escapes as
 * cgi_html; cgi_url_encode percent-encodes every byte except ASCII
 * letters, digits and * - . _ , with space as + (a query component).
 */
CGI_API char *cgi_html_escape(const char *s);
CGI_API char *cgi_url_encode(const char *s);
/*
 * True when url may go into an href or src attribute: relative, or with
 * the scheme http, https or mailto, judged as browsers parse it (leading
 * spaces and controls skipped, tabs and newlines ignored, any case).
 * javascript:, data:, vbscript: and every other scheme are false. Escape
 * the URL as well (cgi_html); this only rules out script URLs.
 */
CGI_API bool cgi_url_is_safe(const char *url);

/* ---- Streaming JSON writer (cgi_json.3) ---- */

/* Deepest nesting of arrays and objects (deeper: CGI_EJSON). */
#define CGI_JSON_MAX_DEPTH 64

/*
 * Writes one JSON text (RFC 8259) into the body; commas come by
 * themselves. The first call sets the type to application/json unless one
 * was set. Strings: " \ and control bytes are escaped, and also < > & and
 * U+2028/U+2029 (so the text is safe inside <script>); invalid UTF-8
 * becomes U+FFFD. Inside an object each value follows cgi_json_key.
 */
CGI_API enum cgi_err cgi_json_object(cgi_req *r);     /* { */
CGI_API enum cgi_err cgi_json_object_end(cgi_req *r); /* } */
CGI_API enum cgi_err cgi_json_array(cgi_req *r);      /* [ */
CGI_API enum cgi_err cgi_json_array_end(cgi_req *r);  /* ] */
CGI_API enum cgi_err cgi_json_key(cgi_req *r, const char *key);
CGI_API enum cgi_err cgi_json_string(cgi_req *r, const char *s);
CGI_API enum cgi_err cgi_json_string_len(cgi_req *r, const char *s, size_t len);
CGI_API enum cgi_err cgi_json_int(cgi_req *r, long long v);
CGI_API enum cgi_err cgi_json_double(cgi_req *r, double v); /* finite */
CGI_API enum cgi_err cgi_json_bool(cgi_req *r, bool v);
CGI_API enum cgi_err cgi_json_null(cgi_req *r);

#ifdef __cplusplus
}
#endif
#endif /* CGI_H */
