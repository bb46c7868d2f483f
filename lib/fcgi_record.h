/*
 * fcgi_record.h - encode and decode FastCGI 1.0 records and name-value pairs.
 *
 * Pure functions over byte buffers: no sockets, no allocation, no globals.
 * Both directions are here (a responder reads what a web server writes and
 * the other way round), so libcgi's responder (fcgi_app.c) and cgihttpd's
 * FastCGI client share one implementation. Names follow the FastCGI 1.0
 * specification with RECORD_ inserted after FCGI_ (STYLE Rule 3).
 */
#ifndef LIB_FCGI_RECORD_H
#define LIB_FCGI_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

#define FCGI_RECORD_VERSION     1
#define FCGI_RECORD_HEADER_LEN  8
#define FCGI_RECORD_CONTENT_MAX 65535
#define FCGI_RECORD_PADDING_MAX 255
/* The longest record: header, content and padding. */
#define FCGI_RECORD_MAX                                                        \
	(FCGI_RECORD_HEADER_LEN + FCGI_RECORD_CONTENT_MAX +                    \
	    FCGI_RECORD_PADDING_MAX)
/* BEGIN_REQUEST, END_REQUEST and UNKNOWN_TYPE records: header + 8 bytes. */
#define FCGI_RECORD_FIXED_LEN 16
/* A name-value length above this cannot be encoded (31 bits). */
#define FCGI_RECORD_PAIR_LEN_MAX 0x7fffffffu
/* requestId of management records. */
#define FCGI_RECORD_NULL_ID 0

enum fcgi_record_type {
	FCGI_RECORD_BEGIN_REQUEST = 1,
	FCGI_RECORD_ABORT_REQUEST = 2,
	FCGI_RECORD_END_REQUEST = 3,
	FCGI_RECORD_PARAMS = 4,
	FCGI_RECORD_STDIN = 5,
	FCGI_RECORD_STDOUT = 6,
	FCGI_RECORD_STDERR = 7,
	FCGI_RECORD_DATA = 8,
	FCGI_RECORD_GET_VALUES = 9,
	FCGI_RECORD_GET_VALUES_RESULT = 10,
	FCGI_RECORD_UNKNOWN_TYPE = 11
};

enum fcgi_record_role {
	FCGI_RECORD_RESPONDER = 1,
	FCGI_RECORD_AUTHORIZER = 2,
	FCGI_RECORD_FILTER = 3
};

/* BEGIN_REQUEST flags. */
#define FCGI_RECORD_KEEP_CONN 1

enum fcgi_record_status {
	FCGI_RECORD_REQUEST_COMPLETE = 0,
	FCGI_RECORD_CANT_MPX_CONN = 1,
	FCGI_RECORD_OVERLOADED = 2,
	FCGI_RECORD_UNKNOWN_ROLE = 3
};

enum fcgi_record_parse {
	FCGI_RECORD_DONE, /* *used bytes hold one complete item */
	FCGI_RECORD_MORE, /* incomplete: call again with more bytes */
	FCGI_RECORD_ERROR /* malformed or over a bound: drop the peer */
};

struct fcgi_record {
	unsigned version;
	unsigned type; /* enum fcgi_record_type, or any other value 0..255 */
	unsigned request_id;
	size_t content_len; /* 0..65535 */
	size_t padding_len; /* 0..255 */
	struct str content; /* view into the parsed buffer (empty after
	                         fcgi_record_parse_header) */
};

struct fcgi_record_begin {
	unsigned role;  /* enum fcgi_record_role, or anything else sent */
	unsigned flags; /* FCGI_RECORD_KEEP_CONN */
};

struct fcgi_record_end {
	uint32_t app_status;
	unsigned protocol_status; /* enum fcgi_record_status */
};

struct fcgi_record_pair {
	struct str name, value; /* views into the parsed buffer */
};

/*
 * Parses the 8-byte header at buf (borrowed, len bytes available) into r
 * (content left empty). DONE once 8 bytes are there, MORE before that,
 * ERROR as soon as the version byte is not 1.
 */
enum fcgi_record_parse fcgi_record_parse_header(struct fcgi_record *r,
    const void *buf, size_t len);

/*
 * Parses one whole record (header, content, padding) at buf. On DONE, *used
 * is its length and r->content views the content inside buf: valid while buf
 * is unchanged. MORE if the record is not complete yet, ERROR as above. r and
 * *used are written only on DONE.
 */
enum fcgi_record_parse fcgi_record_parse(struct fcgi_record *r, const void *buf,
    size_t len, size_t *used);

/* The padding that aligns content_len to 8 bytes (what the spec advises). */
size_t fcgi_record_padding(size_t content_len);

/*
 * Writes the header of a record into out (8 bytes). 0, or -1 if type or
 * request_id do not fit in their fields, content_len > 65535 or
 * padding_len > 255 (nothing written).
 */
int fcgi_record_put_header(unsigned char *out, unsigned type,
    unsigned request_id, size_t content_len, size_t padding_len);

/* Whole 16-byte BEGIN_REQUEST record into out. 0, or -1 as above. */
int fcgi_record_put_begin(unsigned char *out, unsigned request_id,
    unsigned role, unsigned flags);
/* Whole 16-byte END_REQUEST record into out. 0, or -1 as above. */
int fcgi_record_put_end(unsigned char *out, unsigned request_id,
    uint32_t app_status, unsigned protocol_status);
/* Whole 16-byte UNKNOWN_TYPE record (request id 0) into out. 0, or -1. */
int fcgi_record_put_unknown(unsigned char *out, unsigned type);

/*
 * Decode the 8-byte bodies of BEGIN_REQUEST, END_REQUEST and UNKNOWN_TYPE
 * records. 0, or -1 if r has another type or its content is not 8 bytes.
 */
int fcgi_record_get_begin(const struct fcgi_record *r,
    struct fcgi_record_begin *b);
int fcgi_record_get_end(const struct fcgi_record *r, struct fcgi_record_end *e);
int fcgi_record_get_unknown(const struct fcgi_record *r, unsigned *type);

/*
 * Parses one name-value pair (the body of PARAMS, GET_VALUES and
 * GET_VALUES_RESULT streams) at buf. Lengths take 1 byte below 128, else 4
 * bytes with the high bit set. ERROR as soon as a length is known to be over
 * name_max or value_max, before its bytes are awaited, so a caller may size
 * its buffers by these bounds. On DONE, p views into buf and *used is the
 * pair's length.
 */
enum fcgi_record_parse fcgi_record_parse_pair(struct fcgi_record_pair *p,
    const void *buf, size_t len, size_t name_max, size_t value_max,
    size_t *used);

/* Encoded size of a pair, or 0 if a length is over 2^31-1. */
size_t fcgi_record_pair_size(size_t name_len, size_t value_len);

/*
 * Writes the pair name=value into out (cap bytes). Returns the bytes
 * written, or 0 if it does not fit or cannot be encoded (nothing written).
 */
size_t fcgi_record_put_pair(unsigned char *out, size_t cap, struct str name,
    struct str value);

#endif /* LIB_FCGI_RECORD_H */
