/*
 * http_parse.c - the request-head parser declared in http_parse.h.
 */
#include "http_parse.h"

#include <string.h>

#include "bounds.h"

void
http_limits_default(struct http_limits *lim)
{
	lim->max_request_line = BOUND_REQUEST_LINE_BYTES;
	lim->max_target = BOUND_TARGET_BYTES;
	lim->max_head = BOUND_HEAD_BYTES;
	lim->max_field_line = BOUND_FIELD_LINE_BYTES;
	lim->max_fields = BOUND_HEAD_FIELDS;
}

void
http_head_init(struct http_head *h, struct http_field *fields, size_t maxfields,
    const struct http_limits *lim)
{
	memset(h, 0, sizeof(*h));
	h->fields = fields;
	h->maxfields = maxfields;
	h->limits = lim;
}

enum http_parse
http_parse_head(struct http_head *h, const char *buf, size_t len, size_t *used)
{
	(void)buf;
	(void)len;
	*used = 0;
	h->status = 501;
	h->reason = "parser not written yet";
	return HTTP_PARSE_ERROR;
}

struct str
http_head_get(const struct http_head *h, const char *name)
{
	struct str n = str_from(name), none = { NULL, 0 };
	size_t i;

	for (i = 0; i < h->nfields; i++)
		if (str_caseeq(h->fields[i].name, n))
			return h->fields[i].value;
	return none;
}
