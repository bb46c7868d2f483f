/*
 * fuzz_cookie.c - arbitrary bytes as a Cookie header, into cookie_parse
 * and the form store.
 *
 * Checks the contract in cookie.h: at most max pairs; every view lies
 * inside the header; no view starts or ends with SP/HTAB or holds ';';
 * a name never holds '='; and form_parse_cookies stores the same pairs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cookie.h"
#include "form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_view(struct str v, const char *hdr, size_t n)
{
	if (v.len == 0)
		return;
	if (v.p < hdr || v.p + v.len > hdr + n)
		__builtin_trap();
	if (memchr(v.p, ';', v.len) != NULL)
		__builtin_trap();
	if (v.p[0] == ' ' || v.p[0] == '\t' || v.p[v.len - 1] == ' ' ||
	    v.p[v.len - 1] == '\t')
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cookie_pair pairs[8];
	struct form_limits lim;
	struct form *f;
	const struct form_field *fld;
	const char *hdr = (const char *)data;
	size_t n, i;
	enum cookie_rc rc;
	enum form_err err;

	rc = cookie_parse(hdr, size, pairs, 8, &n);
	if (n > 8 || (rc == COOKIE_TOO_MANY && n != 8))
		__builtin_trap();
	for (i = 0; i < n; i++) {
		check_view(pairs[i].name, hdr, size);
		check_view(pairs[i].value, hdr, size);
		if (memchr(pairs[i].name.p, '=', pairs[i].name.len) != NULL)
			__builtin_trap();
	}
	form_limits_default(&lim);
	lim.max_cookies = 8;
	if ((f = form_new(&lim)) == NULL)
		return 0;
	err = form_parse_cookies(f, hdr, size);
	if (err != (rc == COOKIE_OK ? FORM_OK : FORM_ECOOKIES) ||
	    f->nfields != n)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		fld = form_field_at(f, i);
		if (fld->value_len + (fld->quoted ? 2 : 0) !=
		        pairs[i].value.len ||
		    fld->name_len != pairs[i].name.len)
			__builtin_trap();
	}
	form_free(f);
	return 0;
}
