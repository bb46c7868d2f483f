/*
 * form.h - the field store of one request: query, body and cookie fields
 * in arrival order, uploads in memory or in unlinked temp files, and the
 * body reader that streams a request body through the right parser.
 *
 * Parsing is urlencoded.c, multipart.c and cookie.c; this module owns the
 * memory, applies the limits (struct form_limits) while parsing, and
 * never prints, exits or aborts because of input. No global state: one
 * struct form per request, all of it released by form_free. The public
 * API over it (cgi_get and friends, HTTP statuses) is cgi.h's.
 */
#ifndef LIB_FORM_H
#define LIB_FORM_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "form_file.h"

/* Where a field came from; also used as a mask in lookups. */
enum form_source {
	FORM_QUERY = 1,  /* QUERY_STRING */
	FORM_BODY = 2,   /* urlencoded or multipart request body */
	FORM_COOKIE = 4, /* HTTP_COOKIE */
	FORM_PARAMS = FORM_QUERY | FORM_BODY,
	FORM_ANY = FORM_QUERY | FORM_BODY | FORM_COOKIE
};

/*
 * Bounds on one request's input. A size of 0 means "nothing allowed" for
 * counts and sizes (not "unlimited"): start from form_limits_default().
 */
struct form_limits {
	uint64_t max_body;       /* request body bytes (CONTENT_LENGTH) */
	size_t max_fields;       /* query + body fields, files included */
	size_t max_name;         /* bytes of one decoded field name */
	size_t max_value;        /* bytes of one non-file value */
	size_t max_files;        /* uploads (parts with a filename) */
	uint64_t max_file_size;  /* bytes of one upload */
	uint64_t max_disk;       /* temp-file bytes of all uploads together */
	size_t max_part_headers; /* header block bytes of one multipart part */
	size_t max_cookies;      /* cookie pairs */
	size_t spill_threshold;  /* upload bytes kept in memory before a file */
	const char *tmpdir;      /* borrowed; NULL: $TMPDIR, then /tmp */
};

/* Fills *lim with the safe defaults (values and reasons in form.c). */
void form_limits_default(struct form_limits *lim);

/*
 * Every outcome of the form_* calls. Each limit has its own code so the
 * caller can say which limit was hit; form_err_status maps to HTTP.
 */
enum form_err {
	FORM_OK = 0,
	FORM_ENOMEM,      /* allocation failed (500) */
	FORM_ESYSTEM,     /* read or temp-file call failed; errno kept (500) */
	FORM_ELENGTH,     /* CONTENT_LENGTH not plain decimal digits (400) */
	FORM_ETRUNCATED,  /* body shorter than CONTENT_LENGTH (400) */
	FORM_EMALFORMED,  /* bad multipart syntax; f->mp_err says what (400) */
	FORM_EBOUNDARY,   /* multipart without a valid boundary (400) */
	FORM_EBODY_SIZE,  /* max_body (413) */
	FORM_EFIELDS,     /* max_fields (413) */
	FORM_ENAME_SIZE,  /* max_name (413) */
	FORM_EVALUE_SIZE, /* max_value (413) */
	FORM_EFILES,      /* max_files (413) */
	FORM_EFILE_SIZE,  /* max_file_size (413) */
	FORM_EDISK,       /* max_disk (413) */
	FORM_EPART_HEADERS, /* max_part_headers (413) */
	FORM_ECOOKIES,      /* max_cookies: extra cookies dropped (400) */
	FORM_EPREAMBLE      /* multipart preamble + epilogue > 64 KiB (413) */
};

/* 400, 413 or 500 for err (0 for FORM_OK). */
int form_err_status(enum form_err err);
/* Short English text naming the failure or the limit (static storage). */
const char *form_err_str(enum form_err err);

struct form_field {
	const char *name; /* NUL-terminated, may contain NUL: use name_len */
	size_t name_len;
	/*
	 * NUL-terminated; may contain NUL bytes: use value_len. Cookies: the
	 * value with one pair of DQUOTEs removed (quoted says so). Files: the
	 * content when it is in memory, "" when it was spilled to file->fd.
	 */
	const char *value;
	size_t value_len;
	struct form_file *file; /* NULL unless the part had a filename */
	unsigned char source;   /* one enum form_source */
	bool quoted;            /* a cookie sent as "value" */
};

/* Field slots come in blocks of FORM_BLOCK0 << k (k = 0, 1, ...): a
 * block never moves, so pointers to fields stay valid while more are
 * added, and the store never copies a field. */
#define FORM_BLOCK0  16
#define FORM_NBLOCKS 40 /* 16 << 39 fields: more than memory can hold */

/* The request's fields. Read the public members; change them only through
 * form_* calls. All pointers are owned by the form and valid until
 * form_free. Fields are reached with form_field_at or the lookups. */
struct form {
	size_t nfields; /* arrival order: query, body, cookies as they were
	                   parsed */
	struct form_limits lim;
	enum form_err err; /* the last failure, kept for reporting */
	int mp_err;        /* enum multipart_err behind FORM_EMALFORMED */
	struct buf raw;    /* other media types: the body, up to max_body */
	bool body_read;    /* form_read_body ran (successfully or not) */
	/* private: */
	struct form_field *blocks[FORM_NBLOCKS]; /* block k: 16 << k slots */
	size_t nblocks, nparams, nfiles, ncookies;
	uint64_t disk;
	struct form_chunk *mem;   /* allocations released by form_free */
	struct form_chunk *spare; /* kept by form_reset for reuse */
	size_t spare_bytes;
	char *arena; /* free bytes of the newest string block */
	size_t arena_left;
	size_t arena_next; /* size of the next string block (doubles) */
};

/* The ith field (0-based, arrival order), i < f->nfields; constant time. */
const struct form_field *form_field_at(const struct form *f, size_t i);

/*
 * Returns an empty form with a copy of *lim (NULL: the defaults; tmpdir
 * is borrowed and must outlive the form), or NULL (ENOMEM). The caller
 * frees it with form_free.
 */
struct form *form_new(const struct form_limits *lim);
/* Releases the form, its strings and closes its temp files. NULL: no-op. */
void form_free(struct form *f);
/*
 * Empties the form for the next request of a resident (FastCGI) program:
 * fields go, temp files are closed, the limits become *lim (NULL: kept),
 * and up to 32 MiB of its memory is kept for reuse, so a steady stream
 * of requests parses into pages that are already mapped.
 */
void form_reset(struct form *f, const struct form_limits *lim);

/*
 * Adds the fields of a QUERY_STRING (borrowed; NULL is ""), source
 * FORM_QUERY. On a limit it stops: the fields before it stay, the error
 * is returned (and kept in f->err).
 */
enum form_err form_parse_query(struct form *f, const char *qs, size_t n);

/*
 * Adds the pairs of an HTTP_COOKIE value (borrowed; NULL is ""), source
 * FORM_COOKIE. More than max_cookies: the first max_cookies are added and
 * FORM_ECOOKIES is returned; the caller may ignore it.
 */
enum form_err form_parse_cookies(struct form *f, const char *hdr, size_t n);

/*
 * Reads up to n bytes into buf: returns the count, 0 at end of input, or
 * -1 with errno (form.c retries EINTR; any other error ends the read
 * with FORM_ESYSTEM, so a non-blocking source must block or buffer).
 */
typedef ssize_t form_read_fn(void *ctx, void *buf, size_t n);

#define FORM_READ_TO_EOF 0x1u /* no CONTENT_LENGTH: read until EOF */

/*
 * Reads the request body through rd(ctx, ...) and parses it by
 * content_type (CONTENT_TYPE, borrowed; NULL is none):
 * application/x-www-form-urlencoded and multipart/form-data add FORM_BODY
 * fields; anything else (or none) is kept raw in f->raw, up to max_body.
 * content_length (CONTENT_LENGTH, borrowed) must be decimal digits; NULL
 * or "" means no body unless flags has FORM_READ_TO_EOF. Never reads more
 * than CONTENT_LENGTH bytes (RFC 3875 4.2); refuses a length over
 * max_body before reading anything; stops at the first limit without
 * reading the rest (a urlencoded field still arriving is refused once its
 * raw length proves it too long: at most 3 * max_name + 3 * max_value + 2
 * bytes of it, plus the read that brought them; a body read to EOF is
 * bounded by max_body and checked at its end). On any failure no body
 * field is kept (a truncated form is never reported as complete) and temp
 * files are closed; the query and cookie fields stay. Call at most once
 * per form, or once after each form_reset.
 */
enum form_err form_read_body(struct form *f, form_read_fn *rd, void *ctx,
    const char *content_type, const char *content_length, unsigned flags);

/*
 * Lookups. Names are compared byte-exactly (case-sensitive); the _n forms
 * take a length so names with NUL bytes can be found. sources is a mask
 * of enum form_source. Linear in the number of fields.
 */
/* The nth (0-based) field called name among sources, or NULL. */
const struct form_field *form_get(const struct form *f, unsigned sources,
    const char *name, size_t nth);
const struct form_field *form_get_n(const struct form *f, unsigned sources,
    const char *name, size_t name_len, size_t nth);
/* How many fields called name among sources. */
size_t form_count(const struct form *f, unsigned sources, const char *name);
size_t form_count_n(const struct form *f, unsigned sources, const char *name,
    size_t name_len);
/* Iteration: the nth field among sources in arrival order, or NULL. */
const struct form_field *form_nth(const struct form *f, unsigned sources,
    size_t nth);

/*
 * Sanitises a client filename into out (cap bytes, NUL-terminated): the
 * part after the last '/' or '\\', control bytes (< 0x20, 0x7f) and
 * "*:<>?| removed, leading dots and spaces and trailing dots and spaces
 * dropped, cut at 255 bytes on a UTF-8 boundary. "" when nothing is left.
 * Returns the length written. Used for form_file.filename; exported for
 * tests and for cgi.h.
 */
size_t form_sanitize_filename(const char *raw, size_t n, char *out, size_t cap);

#endif /* LIB_FORM_H */
