/*
 * chunked.h - incremental decoder of the chunked transfer coding
 * (RFC 9112 7.1) for request bodies.
 *
 * Pure: a byte-at-a-time state machine over caller bytes that hands back
 * views of the data bytes; chunk extensions are ignored and trailer fields
 * are checked for syntax and dropped, both within bounds (bounds.h).
 * Spooling the decoded body is left to the caller.
 */
#ifndef SERVER_CHUNKED_H
#define SERVER_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

enum chunked_rc {
	CHUNKED_DONE, /* the final CRLF after the trailer was consumed */
	CHUNKED_MORE, /* call again: with the rest of in, or with new bytes */
	CHUNKED_ERROR /* malformed or over a bound: see c->status */
};

struct chunked {
	/* Set by chunked_init; the caller may lower them before decoding. */
	uint64_t max_body;  /* decoded bytes; over it: 413 */
	size_t max_ext;     /* bytes between chunk-sizes and their CRs,
	                       summed over the body; over it: 400 */
	size_t max_trailer; /* bytes after the last-chunk line, final CRLF
	                       included; over it: 431 */

	uint64_t total;     /* decoded data bytes so far */
	int status;         /* on CHUNKED_ERROR: 400, 413 or 431 */
	const char *reason; /* static text for the error log, or NULL */

	/* Decoder state: private to chunked.c. */
	int state_;
	uint64_t left_; /* data bytes left in the current chunk */
	unsigned ndigits_;
	size_t ext_;     /* extension bytes seen */
	size_t trailer_; /* trailer bytes seen */
};

/*
 * Prepares c for a new body: zeroes it, sets max_body (0 means
 * BOUND_BODY_BYTES), max_ext and max_trailer to their BOUND_* values.
 */
void chunked_init(struct chunked *c, uint64_t max_body);

/*
 * Decodes from in[0..len). Consumes bytes and returns after the first data
 * span, at the end of in, or at DONE/ERROR, whichever comes first.
 *
 * *used: bytes of in consumed (<= len); the caller drops them and passes
 * the rest next time. *data: a view into in (valid while in is) of the
 * decoded bytes found in this call, data->len may be 0; it always lies
 * inside in[0..*used). Every byte consumed is remembered in c, so nothing
 * is ever passed twice.
 *
 * MORE with *used < len: call again at once with in + *used. MORE with
 * *used == len: wait for more bytes. DONE: in + *used starts the next
 * request. ERROR: c->status is 400 (syntax: size with a sign, "0x", over
 * BOUND_CHUNK_SIZE_DIGITS digits, bare CR or LF, missing CRLF after data,
 * bad trailer line), 413 (total would pass max_body), or 431 (trailer too
 * big); *used and *data are then unspecified; later calls return ERROR.
 */
enum chunked_rc chunked_decode(struct chunked *c, const char *in, size_t len,
    size_t *used, struct str *data);

#endif /* SERVER_CHUNKED_H */
