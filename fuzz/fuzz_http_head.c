/*
 * fuzz_http_head.c - arbitrary bytes into the request-head parser
 * (http_parse.h). Checks the contract as well as survival: used <= size,
 * nfields <= maxfields, every view inside the head, and the same verdict
 * when the input arrives in two pieces (the second in a moved buffer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_view(struct str v, const char *buf, size_t used)
{
	if (v.len == 0)
		return;
	if (v.p < buf || v.p + v.len > buf + used)
		__builtin_trap();
}

static void
check_done(const struct http_head *h, const char *buf, size_t size, size_t used)
{
	size_t i;

	if (used > size || used < 4 || h->nfields > h->maxfields)
		__builtin_trap();
	if (memcmp(buf + used - 4, "\r\n\r\n", 4) != 0)
		__builtin_trap();
	if (h->method.len == 0 || h->target.len == 0)
		__builtin_trap();
	if (h->target.p[0] != '/' && h->target.p[0] != '*')
		__builtin_trap();
	if (h->minor != 0 && h->minor != 1)
		__builtin_trap();
	if (h->minor == 1 && h->host.len == 0)
		__builtin_trap();
	if (h->framing == HTTP_FRAMING_CHUNKED && h->minor == 0)
		__builtin_trap();
	if (h->framing != HTTP_FRAMING_LENGTH && h->content_length != 0)
		__builtin_trap();
	check_view(h->method, buf, used);
	check_view(h->uri, buf, used);
	check_view(h->query, buf, used);
	check_view(h->host, buf, used);
	check_view(h->port, buf, used);
	if (!(h->absolute_form && h->target.len == 1))
		check_view(h->target, buf, used);
	for (i = 0; i < h->nfields; i++) {
		check_view(h->fields[i].name, buf, used);
		check_view(h->fields[i].value, buf, used);
		if (h->fields[i].name.len == 0 ||
		    memchr(h->fields[i].value.p, '\r',
		        h->fields[i].value.len) ||
		    memchr(h->fields[i].value.p, '\0', h->fields[i].value.len))
			__builtin_trap();
	}
}

/*
 * Parses data whole and in two pieces under lim (NULL: the defaults) and
 * checks that both agree and keep the contract.
 */
static void
run(const uint8_t *data, size_t size, const struct http_limits *lim)
{
	struct http_field f1[16], f2[16];
	struct http_head h1, h2;
	enum http_parse rc1, rc2;
	size_t used1 = 0, used2 = 0, cut = size / 2;
	char *a, *b;

	http_head_init(&h1, f1, 16, lim);
	rc1 = http_parse_head(&h1, (const char *)data, size, &used1);
	if (rc1 == HTTP_PARSE_DONE)
		check_done(&h1, (const char *)data, size, used1);
	else if (used1 != 0)
		__builtin_trap();
	if (rc1 == HTTP_PARSE_ERROR && h1.status != 400 && h1.status != 414 &&
	    h1.status != 417 && h1.status != 431 && h1.status != 501 &&
	    h1.status != 505)
		__builtin_trap();
	if (lim != NULL && rc1 == HTTP_PARSE_DONE &&
	    (used1 > lim->max_head || h1.target.len > lim->max_target ||
	        h1.nfields > lim->max_fields))
		__builtin_trap();

	/* The same bytes in two calls, the buffer moved in between. */
	http_head_init(&h2, f2, 16, lim);
	if ((a = malloc(cut + 1)) == NULL || (b = malloc(size + 1)) == NULL)
		abort();
	memcpy(a, data, cut);
	memcpy(b, data, size);
	rc2 = http_parse_head(&h2, a, cut, &used2);
	free(a);
	if (rc2 == HTTP_PARSE_MORE)
		rc2 = http_parse_head(&h2, b, size, &used2);
	if (rc2 == HTTP_PARSE_DONE && used2 <= cut) {
		/* Complete in the first piece (its views died with a). */
		if (rc1 != HTTP_PARSE_DONE || used1 != used2)
			__builtin_trap();
		free(b);
		return;
	}
	if (rc1 != rc2 || used1 != used2 ||
	    (rc1 == HTTP_PARSE_ERROR && h1.status != h2.status))
		__builtin_trap();
	if (rc2 == HTTP_PARSE_DONE) {
		check_done(&h2, b, size, used2);
		if (h1.nfields != h2.nfields || h1.framing != h2.framing ||
		    h1.content_length != h2.content_length ||
		    h1.keep_alive != h2.keep_alive)
			__builtin_trap();
	}
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Lowered bounds reach the 414 and 431 paths with short inputs. */
	static const struct http_limits small = { .max_request_line = 64,
		.max_target = 40,
		.max_head = 256,
		.max_field_line = 48,
		.max_fields = 6 };

	run(data, size, NULL);
	run(data, size, &small);
	return 0;
}
