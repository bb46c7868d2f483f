/*
 * fcgi_record.c - encode and decode FastCGI 1.0 records and name-value pairs.
 *
 * Pure functions over byte buffers (STYLE Rule 11): every length is read
 * from the header and checked against what is available before a byte of
 * content is touched. The connection state machines that drive these are
 * fcgi_app.c (responder) and the server's FastCGI client.
 */
#include "fcgi_record.h"

#include <string.h>

enum fcgi_record_parse
fcgi_record_parse_header(struct fcgi_record *r, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	/* FastCGI 1.0 section 3.3: version is FCGI_VERSION_1; anything else
	 * is a peer we do not understand, so fail before waiting for more. */
	if (len >= 1 && p[0] != FCGI_RECORD_VERSION)
		return FCGI_RECORD_ERROR;
	if (len < FCGI_RECORD_HEADER_LEN)
		return FCGI_RECORD_MORE;
	r->version = p[0];
	r->type = p[1];
	r->request_id = (unsigned)p[2] << 8 | p[3];
	r->content_len = (size_t)p[4] << 8 | p[5];
	r->padding_len = p[6];
	/* p[7] is reserved: ignored, as the spec asks of receivers. */
	r->content.p = NULL;
	r->content.len = 0;
	return FCGI_RECORD_DONE;
}

enum fcgi_record_parse
fcgi_record_parse(struct fcgi_record *r, const void *buf, size_t len,
    size_t *used)
{
	struct fcgi_record h;
	enum fcgi_record_parse rc;
	size_t total;

	if ((rc = fcgi_record_parse_header(&h, buf, len)) != FCGI_RECORD_DONE)
		return rc;
	/* At most 8 + 65535 + 255: no overflow possible. */
	total = FCGI_RECORD_HEADER_LEN + h.content_len + h.padding_len;
	if (len < total)
		return FCGI_RECORD_MORE;
	h.content.p = (const char *)buf + FCGI_RECORD_HEADER_LEN;
	h.content.len = h.content_len;
	*r = h;
	*used = total;
	return FCGI_RECORD_DONE;
}

size_t
fcgi_record_padding(size_t content_len)
{
	return (8 - content_len % 8) % 8;
}

int
fcgi_record_put_header(unsigned char *out, unsigned type, unsigned request_id,
    size_t content_len, size_t padding_len)
{
	if (type > 0xff || request_id > 0xffff ||
	    content_len > FCGI_RECORD_CONTENT_MAX ||
	    padding_len > FCGI_RECORD_PADDING_MAX)
		return -1;
	out[0] = FCGI_RECORD_VERSION;
	out[1] = (unsigned char)type;
	out[2] = (unsigned char)(request_id >> 8);
	out[3] = (unsigned char)request_id;
	out[4] = (unsigned char)(content_len >> 8);
	out[5] = (unsigned char)content_len;
	out[6] = (unsigned char)padding_len;
	out[7] = 0;
	return 0;
}

int
fcgi_record_put_begin(unsigned char *out, unsigned request_id, unsigned role,
    unsigned flags)
{
	if (role > 0xffff || flags > 0xff ||
	    fcgi_record_put_header(out, FCGI_RECORD_BEGIN_REQUEST, request_id,
	        8, 0) == -1)
		return -1;
	out[8] = (unsigned char)(role >> 8);
	out[9] = (unsigned char)role;
	out[10] = (unsigned char)flags;
	memset(out + 11, 0, 5);
	return 0;
}

int
fcgi_record_put_end(unsigned char *out, unsigned request_id,
    uint32_t app_status, unsigned protocol_status)
{
	if (protocol_status > 0xff ||
	    fcgi_record_put_header(out, FCGI_RECORD_END_REQUEST, request_id, 8,
	        0) == -1)
		return -1;
	out[8] = (unsigned char)(app_status >> 24);
	out[9] = (unsigned char)(app_status >> 16);
	out[10] = (unsigned char)(app_status >> 8);
	out[11] = (unsigned char)app_status;
	out[12] = (unsigned char)protocol_status;
	memset(out + 13, 0, 3);
	return 0;
}

int
fcgi_record_put_unknown(unsigned char *out, unsigned type)
{
	if (type > 0xff ||
	    fcgi_record_put_header(out, FCGI_RECORD_UNKNOWN_TYPE,
	        FCGI_RECORD_NULL_ID, 8, 0) == -1)
		return -1;
	out[8] = (unsigned char)type;
	memset(out + 9, 0, 7);
	return 0;
}

/* The 8-byte body of a fixed-size record of the given type, or NULL. */
static const unsigned char *
fixed_body(const struct fcgi_record *r, unsigned type)
{
	if (r->type != type || r->content.len != 8 || r->content.p == NULL)
		return NULL;
	return (const unsigned char *)r->content.p;
}

int
fcgi_record_get_begin(const struct fcgi_record *r, struct fcgi_record_begin *b)
{
	const unsigned char *p;

	if ((p = fixed_body(r, FCGI_RECORD_BEGIN_REQUEST)) == NULL)
		return -1;
	b->role = (unsigned)p[0] << 8 | p[1];
	b->flags = p[2];
	return 0;
}

int
fcgi_record_get_end(const struct fcgi_record *r, struct fcgi_record_end *e)
{
	const unsigned char *p;

	if ((p = fixed_body(r, FCGI_RECORD_END_REQUEST)) == NULL)
		return -1;
	e->app_status = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	e->protocol_status = p[4];
	return 0;
}

int
fcgi_record_get_unknown(const struct fcgi_record *r, unsigned *type)
{
	const unsigned char *p;

	if ((p = fixed_body(r, FCGI_RECORD_UNKNOWN_TYPE)) == NULL)
		return -1;
	*type = p[0];
	return 0;
}

/*
 * Reads one pair length at p[*off]: 1 byte if the high bit is clear, else
 * 4 bytes big-endian with the high bit masked off. MORE if not all there.
 */
static enum fcgi_record_parse
pair_len(const unsigned char *p, size_t len, size_t *off, size_t max,
    size_t *out)
{
	size_t v;

	if (*off >= len)
		return FCGI_RECORD_MORE;
	if ((p[*off] & 0x80) == 0) {
		v = p[*off];
		*off += 1;
	} else {
		if (len - *off < 4)
			return FCGI_RECORD_MORE;
		v = (size_t)(p[*off] & 0x7f) << 24 | (size_t)p[*off + 1] << 16 |
		    (size_t)p[*off + 2] << 8 | p[*off + 3];
		*off += 4;
	}
	if (v > max)
		return FCGI_RECORD_ERROR;
	*out = v;
	return FCGI_RECORD_DONE;
}

enum fcgi_record_parse
fcgi_record_parse_pair(struct fcgi_record_pair *pr, const void *buf, size_t len,
    size_t name_max, size_t value_max, size_t *used)
{
	const unsigned char *p = buf;
	enum fcgi_record_parse rc;
	size_t off = 0, nlen = 0, vlen = 0;

	if ((rc = pair_len(p, len, &off, name_max, &nlen)) != FCGI_RECORD_DONE)
		return rc;
	if ((rc = pair_len(p, len, &off, value_max, &vlen)) != FCGI_RECORD_DONE)
		return rc;
	/* off <= 8, and both lengths are < 2^31: the sum cannot wrap. */
	if (len - off < nlen || len - off - nlen < vlen)
		return FCGI_RECORD_MORE;
	pr->name.p = (const char *)p + off;
	pr->name.len = nlen;
	pr->value.p = (const char *)p + off + nlen;
	pr->value.len = vlen;
	*used = off + nlen + vlen;
	return FCGI_RECORD_DONE;
}

static size_t
len_size(size_t n)
{
	return n < 128 ? 1 : 4;
}

size_t
fcgi_record_pair_size(size_t name_len, size_t value_len)
{
	if (name_len > FCGI_RECORD_PAIR_LEN_MAX ||
	    value_len > FCGI_RECORD_PAIR_LEN_MAX)
		return 0;
	return len_size(name_len) + len_size(value_len) + name_len + value_len;
}

static unsigned char *
put_len(unsigned char *out, size_t n)
{
	if (n < 128) {
		*out++ = (unsigned char)n;
		return out;
	}
	*out++ = (unsigned char)(0x80 | n >> 24);
	*out++ = (unsigned char)(n >> 16);
	*out++ = (unsigned char)(n >> 8);
	*out++ = (unsigned char)n;
	return out;
}

size_t
fcgi_record_put_pair(unsigned char *out, size_t cap, struct str name,
    struct str value)
{
	size_t n = fcgi_record_pair_size(name.len, value.len);
	unsigned char *q;

	if (n == 0 || n > cap)
		return 0;
	q = put_len(out, name.len);
	q = put_len(q, value.len);
	if (name.len > 0)
		memcpy(q, name.p, name.len);
	q += name.len;
	if (value.len > 0)
		memcpy(q, value.p, value.len);
	return n;
}
