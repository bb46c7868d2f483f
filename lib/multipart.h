/*
 * multipart.h - a streaming multipart/form-data parser (RFC 7578 on
 * RFC 2046 §5.1).
 *
 * One state machine, fed any number of byte slices, that reports the same
 * events wherever the input is split. No allocation (the caller lends the
 * part-header buffer), no I/O, linear time even on hostile input: the data
 * state scans for a CR that may start a delimiter (a CR followed by LF,
 * with the delimiter's last byte where it would end), and a candidate
 * delimiter split across feeds waits in a carry buffer of at most
 * MULTIPART_CARRY bytes. What to keep, and the limits on parts, fields
 * and files, is form.c's job.
 *
 * Decisions (docs/notes/libcgi-parsers.md): CRLF only (a delimiter or
 * header line ended by a bare LF is an error, L-MP-07); transport padding
 * (SP/HTAB) after a boundary is allowed up to MULTIPART_MAX_PADDING bytes;
 * "--B" followed by anything else is content (L-MP-04); folded headers,
 * a missing Content-Disposition: form-data with a name, duplicate
 * name/filename parameters, Content-Transfer-Encoding other than 7bit,
 * 8bit or binary are errors; filename* is ignored. A multipart/mixed part
 * is reported with its boundary (part->nested) for the caller to parse
 * one level deep (multipart_set_inner); other or deeper nesting is an
 * error.
 */
#ifndef LIB_MULTIPART_H
#define LIB_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

#define MULTIPART_MAX_BOUNDARY 70 /* RFC 2046 §5.1.1 */
#define MULTIPART_MAX_PADDING  32 /* SP/HTAB after a boundary */
/* CRLF "--" boundary "--" or padding CRLF: the longest pending candidate. */
#define MULTIPART_CARRY (4 + MULTIPART_MAX_BOUNDARY + MULTIPART_MAX_PADDING + 2)

/*
 * Finds the boundary parameter in a CONTENT_TYPE value whose media type is
 * multipart/form-data (case-insensitive). 0 and *boundary (a view into
 * content_type, quotes removed), or -1: another media type, no boundary
 * parameter, an empty or over-long one, bytes outside the RFC 2046 bchars
 * set, a trailing space, or two boundary parameters (L-MP-01, L-MP-02).
 */
int multipart_boundary(struct str content_type, struct str *boundary);

/* True if the media type is multipart/form-data (parameters ignored). */
bool multipart_is_type(struct str content_type);

/* What is known about a part once its header block has been read. */
struct multipart_part {
	struct str name;     /* Content-Disposition name, \" and \\ decoded */
	struct str filename; /* raw filename parameter, \" \\ decoded */
	bool has_filename;   /* filename present (maybe "": no file chosen) */
	struct str content_type; /* trimmed value, "" if absent (text/plain) */
	struct str charset;      /* charset parameter of it, "" if none */
	struct str nested;       /* multipart/mixed: its boundary, else "" */
};

enum multipart_event {
	MULTIPART_EV_HEADER,     /* a = header name, b = value (trimmed) */
	MULTIPART_EV_PART_BEGIN, /* header block done: see part */
	MULTIPART_EV_DATA,       /* a = part content (a.len >= 1) */
	MULTIPART_EV_PART_END,   /* the part's delimiter was seen */
	MULTIPART_EV_DONE        /* the close delimiter was seen */
};

/*
 * Event callback; a, b and part are set as the event says (else empty or
 * NULL). DATA views point into the fed slice or into the parser's carry
 * buffer; header and part views point into the header buffer. Every view
 * is valid only during the call. Return 0 to go on, non-zero to stop: the
 * parser then fails with MULTIPART_ESTOPPED and keeps the value in
 * mp->stop.
 */
typedef int multipart_fn(void *arg, enum multipart_event ev, struct str a,
    struct str b, const struct multipart_part *part);

enum multipart_rc {
	MULTIPART_MORE, /* input consumed; feed more, or finish */
	MULTIPART_DONE, /* close delimiter seen: further input is epilogue */
	MULTIPART_ERROR /* see mp->err; further feeds return ERROR again */
};

enum multipart_err {
	MULTIPART_EOK = 0,
	MULTIPART_ESTOPPED,   /* the callback returned non-zero */
	MULTIPART_ETRUNCATED, /* input ended before the close delimiter */
	MULTIPART_EHEADER,    /* malformed part header (LF-only, folded, ...) */
	MULTIPART_EHEADER_SIZE, /* part header block larger than hdrcap */
	MULTIPART_ENODISP,      /* no Content-Disposition: form-data; name= */
	MULTIPART_EDUPPARAM,    /* name or filename given twice (L-MP-11) */
	MULTIPART_EENCODING, /* Content-Transfer-Encoding not 7bit/8bit/binary
	                      */
	MULTIPART_ENESTED,   /* nested multipart other than one mixed level */
	MULTIPART_EPREAMBLE, /* preamble or epilogue larger than max_preamble */
	MULTIPART_ELF        /* a delimiter line ended by a bare LF */
};

/* Parser state; the caller owns the storage. Fields are private. */
struct multipart {
	multipart_fn *fn;
	void *arg;
	int stop;
	enum multipart_err err;
	int state;
	char delim[4 + MULTIPART_MAX_BOUNDARY]; /* CRLF "--" boundary */
	size_t delimlen;
	char carry[MULTIPART_CARRY]; /* pending delimiter candidate */
	size_t ncarry;
	char *hdr; /* lent by the caller, hdrcap bytes */
	size_t hdrlen, hdrcap;
	uint64_t nskipped; /* preamble + epilogue bytes so far */
	uint64_t max_preamble;
	uint64_t nparts;
	bool virt;  /* carry starts with the CRLF assumed before the body */
	bool inner; /* parsing inside a multipart/mixed part */
};

/*
 * Starts a parse with the given boundary (from multipart_boundary; copied,
 * 1..MULTIPART_MAX_BOUNDARY bytes) that reports to fn(arg, ...). hdr
 * (borrowed for the whole parse) holds one part's header block: at most
 * hdrcap bytes, counting the CRLFs. max_preamble bounds the bytes before
 * the first delimiter and after the close delimiter, together. Returns 0,
 * or -1 if the boundary length is out of range.
 */
int multipart_init(struct multipart *mp, struct str boundary, char *hdr,
    size_t hdrcap, uint64_t max_preamble, multipart_fn *fn, void *arg);

/*
 * Makes mp (just initialised) parse the content of a multipart/mixed part
 * of a form (RFC 2388 4.5, L-MP-21): its parts need a Content-Disposition
 * of form-data, file or attachment, but no name (they take the outer
 * part's), and a further multipart part is MULTIPART_ENESTED.
 */
void multipart_set_inner(struct multipart *mp);

/* Parses the next n bytes (p borrowed; n may be 0). */
enum multipart_rc multipart_feed(struct multipart *mp, const char *p, size_t n);

/*
 * Ends the input: MULTIPART_DONE if the close delimiter was seen, else
 * MULTIPART_ERROR with MULTIPART_ETRUNCATED (or the earlier error). A part
 * in progress is never reported complete (no PART_END) on truncation.
 */
enum multipart_rc multipart_finish(struct multipart *mp);

/* A short English description of err (static storage). */
const char *multipart_strerror(enum multipart_err err);

#endif /* LIB_MULTIPART_H */
