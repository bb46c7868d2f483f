/*
 * fuzz_fcgi_record.c - arbitrary bytes as a FastCGI record stream into
 * fcgi_record: every record is parsed, fixed bodies and name-value streams
 * decoded, and what was decoded encoded again and compared, so the fuzzer
 * checks the codec's contract as well as its survival.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fcgi_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pairs of a PARAMS or GET_VALUES body: views inside it, re-encoded equal. */
static void
check_pairs(struct str body)
{
	unsigned char out[FCGI_RECORD_CONTENT_MAX + 8];
	struct fcgi_record_pair pr, again;
	enum fcgi_record_parse rc;
	size_t off = 0, used, n, used2;

	while (off < body.len) {
		rc = fcgi_record_parse_pair(&pr, body.p + off, body.len - off,
		    1024, FCGI_RECORD_CONTENT_MAX, &used);
		if (rc != FCGI_RECORD_DONE)
			return;
		if (used == 0 || used > body.len - off ||
		    pr.name.p < body.p + off ||
		    pr.value.p + pr.value.len > body.p + off + used)
			__builtin_trap();
		n = fcgi_record_put_pair(out, sizeof(out), pr.name, pr.value);
		/* Minimal encoding is never longer than what was read. */
		if (n == 0 || n > used)
			__builtin_trap();
		if (fcgi_record_parse_pair(&again, out, n, 1024,
		        FCGI_RECORD_CONTENT_MAX, &used2) != FCGI_RECORD_DONE ||
		    used2 != n || !str_eq(again.name, pr.name) ||
		    !str_eq(again.value, pr.value))
			__builtin_trap();
		off += used;
	}
}

static void
check_record(const struct fcgi_record *r, const uint8_t *at)
{
	unsigned char hdr[FCGI_RECORD_FIXED_LEN];
	struct fcgi_record_begin b;
	struct fcgi_record_end e;
	struct fcgi_record again;
	unsigned t;
	size_t used;

	if (fcgi_record_put_header(hdr, r->type, r->request_id, r->content_len,
	        r->padding_len) == -1 ||
	    memcmp(hdr, at, 7) != 0)
		__builtin_trap();
	if (fcgi_record_get_begin(r, &b) == 0) {
		if (fcgi_record_put_begin(hdr, r->request_id, b.role,
		        b.flags) == -1 ||
		    fcgi_record_parse(&again, hdr, sizeof(hdr), &used) !=
		        FCGI_RECORD_DONE ||
		    memcmp(again.content.p, r->content.p, 3) != 0)
			__builtin_trap();
	}
	if (fcgi_record_get_end(r, &e) == 0) {
		if (fcgi_record_put_end(hdr, r->request_id, e.app_status,
		        e.protocol_status) == -1 ||
		    memcmp(hdr + 8, r->content.p, 5) != 0)
			__builtin_trap();
	}
	if (fcgi_record_get_unknown(r, &t) == 0 &&
	    (fcgi_record_put_unknown(hdr, t) == -1 || hdr[8] != at[8]))
		__builtin_trap();
	if (r->type == FCGI_RECORD_PARAMS ||
	    r->type == FCGI_RECORD_GET_VALUES ||
	    r->type == FCGI_RECORD_GET_VALUES_RESULT)
		check_pairs(r->content);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgi_record r;
	enum fcgi_record_parse rc;
	size_t off = 0, used;

	while (off < size) {
		rc = fcgi_record_parse(&r, data + off, size - off, &used);
		if (rc != FCGI_RECORD_DONE)
			break;
		if (used !=
		        FCGI_RECORD_HEADER_LEN + r.content_len +
		            r.padding_len ||
		    used > size - off || r.content.len != r.content_len ||
		    (const uint8_t *)r.content.p != data + off + 8)
			__builtin_trap();
		check_record(&r, data + off);
		off += used;
	}
	return 0;
}
