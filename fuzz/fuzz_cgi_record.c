/*
 * fuzz_cgi_record.c - arbitrary bytes into the CGI_RECORD reader that
 * --replay uses (cgi_cli_parse_record). Checks its promises: on success
 * every variable has a non-empty name without '=' and a value without
 * NUL, and the body is a suffix of the input; on failure errno says why.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cgi_cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cgi_cli *c;
	size_t i;

	if ((c = cgi_cli_new()) == NULL)
		return 0;
	if (cgi_cli_parse_record(c, (const char *)data, size) == 0) {
		for (i = 0; i < c->nvars; i++)
			if (c->names[i][0] == '\0' ||
			    strchr(c->names[i], '=') != NULL)
				__builtin_trap();
		if (c->body.len > size ||
		    (c->body.len > 0 &&
		        memcmp(c->body.data, data + size - c->body.len,
		            c->body.len) != 0))
			__builtin_trap(); /* the body is not the tail */
	} else if (errno != EINVAL && errno != ENOMEM) {
		__builtin_trap();
	}
	cgi_cli_free(c);
	return 0;
}
