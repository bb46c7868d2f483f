/*
 * chunked.c - the chunked-body decoder declared in chunked.h.
 *
 * One state per position in the RFC 9112 7.1 grammar; every byte that is
 * not data moves the machine by one step, so bytes are never looked at
 * twice and a body split anywhere decodes the same. Data bytes are not
 * copied: the caller gets a view of each run.
 */
#include "chunked.h"

#include <stdbool.h>
#include <string.h>

#include "bounds.h"

enum {
	S_SIZE_START, /* first hex digit of a chunk-size */
	S_SIZE,       /* more hex digits, ';', BWS or CR */
	S_SIZE_BWS,   /* BWS after the size: only ';' may follow */
	S_EXT,        /* inside chunk extensions, up to CR */
	S_SIZE_LF,    /* LF ending the size line */
	S_DATA,       /* left_ data bytes to go */
	S_DATA_CR,    /* CR after the data */
	S_DATA_LF,    /* LF after the data */
	S_TR_START,   /* start of a trailer line, or CR of the last line */
	S_TR_NAME,    /* trailer field name */
	S_TR_VALUE,   /* trailer field value, up to CR */
	S_TR_LF,      /* LF ending a trailer line */
	S_FINAL_LF,   /* LF ending the body */
	S_DONE,
	S_ERROR
};

void
chunked_init(struct chunked *c, uint64_t max_body)
{
	memset(c, 0, sizeof(*c));
	c->max_body = max_body == 0 ? BOUND_BODY_BYTES : max_body;
	c->max_ext = BOUND_CHUNK_EXT_BYTES;
	c->max_trailer = BOUND_TRAILER_BYTES;
}

static enum chunked_rc
fail(struct chunked *c, int status, const char *reason)
{
	c->state_ = S_ERROR;
	c->status = status;
	c->reason = reason;
	return CHUNKED_ERROR;
}

/* Field-value and extension bytes: no CTL except HTAB, no DEL. */
static bool
is_text(unsigned char ch)
{
	return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

/*
 * Counts one byte between a chunk-size and its CR. RFC 9112 7.1.1: they are
 * ignored, so they are bounded over the whole body.
 */
static enum chunked_rc
ext_byte(struct chunked *c)
{
	if (++c->ext_ > c->max_ext)
		return fail(c, 400, "chunk extensions too long");
	return CHUNKED_MORE;
}

/* The size line ended: check the body bound and choose what follows. */
static enum chunked_rc
size_done(struct chunked *c)
{
	if (c->left_ > c->max_body - c->total)
		return fail(c, 413, "chunked body too large");
	c->ndigits_ = 0;
	c->state_ = c->left_ == 0 ? S_TR_START : S_DATA;
	return CHUNKED_MORE;
}

/* Moves the machine one byte (never a data byte). */
static enum chunked_rc
step(struct chunked *c, unsigned char ch)
{
	int d;

	switch (c->state_) {
	case S_SIZE_START:
	case S_SIZE:
		if ((d = str_hexval(ch)) >= 0) {
			if (++c->ndigits_ > BOUND_CHUNK_SIZE_DIGITS)
				return fail(c, 400, "chunk size too long");
			c->left_ = c->left_ * 16 + (uint64_t)d;
			c->state_ = S_SIZE;
			return CHUNKED_MORE;
		}
		if (c->state_ == S_SIZE_START)
			return fail(c, 400, "chunk size is not hex");
		if (ch == '\r') {
			c->state_ = S_SIZE_LF;
			return CHUNKED_MORE;
		}
		if (ch == ';')
			c->state_ = S_EXT;
		else if (ch == ' ' || ch == '\t')
			c->state_ = S_SIZE_BWS;
		else
			return fail(c, 400, "bad byte after chunk size");
		return ext_byte(c);
	case S_SIZE_BWS:
		if (ch == ';')
			c->state_ = S_EXT;
		else if (ch != ' ' && ch != '\t')
			return fail(c, 400, "whitespace without extension");
		return ext_byte(c);
	case S_EXT:
		if (ch == '\r') {
			c->state_ = S_SIZE_LF;
			return CHUNKED_MORE;
		}
		if (!is_text(ch))
			return fail(c, 400, "control byte in extension");
		return ext_byte(c);
	case S_SIZE_LF:
		if (ch != '\n')
			return fail(c, 400, "bare CR in size line");
		return size_done(c);
	case S_DATA_CR:
		if (ch != '\r')
			return fail(c, 400, "no CRLF after chunk data");
		c->state_ = S_DATA_LF;
		return CHUNKED_MORE;
	case S_DATA_LF:
		if (ch != '\n')
			return fail(c, 400, "no CRLF after chunk data");
		c->state_ = S_SIZE_START;
		return CHUNKED_MORE;
	default:
		break;
	}
	/* RFC 9112 7.1.2: trailer fields are checked, then dropped. */
	if (++c->trailer_ > c->max_trailer)
		return fail(c, 431, "trailer section too large");
	switch (c->state_) {
	case S_TR_START:
		if (ch == '\r')
			c->state_ = S_FINAL_LF;
		else if (str_is_tchar(ch))
			c->state_ = S_TR_NAME;
		else
			return fail(c, 400, "bad trailer line");
		return CHUNKED_MORE;
	case S_TR_NAME:
		if (ch == ':')
			c->state_ = S_TR_VALUE;
		else if (!str_is_tchar(ch))
			return fail(c, 400, "bad trailer field name");
		return CHUNKED_MORE;
	case S_TR_VALUE:
		if (ch == '\r')
			c->state_ = S_TR_LF;
		else if (!is_text(ch))
			return fail(c, 400, "control byte in trailer");
		return CHUNKED_MORE;
	case S_TR_LF:
		if (ch != '\n')
			return fail(c, 400, "bare CR in trailer");
		c->state_ = S_TR_START;
		return CHUNKED_MORE;
	case S_FINAL_LF:
		if (ch != '\n')
			return fail(c, 400, "bare CR at end of body");
		c->state_ = S_DONE;
		return CHUNKED_DONE;
	default:
		return fail(c, 400, "decoder in an impossible state");
	}
}

enum chunked_rc
chunked_decode(struct chunked *c, const char *in, size_t len, size_t *used,
    struct str *data)
{
	enum chunked_rc rc;
	size_t i, n;

	*used = 0;
	data->p = in;
	data->len = 0;
	if (c->state_ == S_ERROR)
		return CHUNKED_ERROR;
	if (c->state_ == S_DONE)
		return CHUNKED_DONE;
	for (i = 0; i < len; i++) {
		if (c->state_ == S_DATA) {
			n = len - i;
			if (n > c->left_)
				n = (size_t)c->left_;
			data->p = in + i;
			data->len = n;
			c->left_ -= n;
			c->total += n;
			if (c->left_ == 0)
				c->state_ = S_DATA_CR;
			*used = i + n;
			return CHUNKED_MORE;
		}
		rc = step(c, (unsigned char)in[i]);
		if (rc == CHUNKED_ERROR)
			return rc;
		if (rc == CHUNKED_DONE) {
			*used = i + 1;
			return rc;
		}
	}
	*used = len;
	return CHUNKED_MORE;
}
