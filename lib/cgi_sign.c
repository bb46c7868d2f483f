/*
 * cgi_sign.c - signed cookies (cgi_cookie_set_signed, cgi_cookie_get_signed):
 * state kept by the client that the client cannot change (RFC 3875 9.7,
 * checklist L-CK-07, L-3875-9.7).
 *
 * The cookie sent is VALUE "." EXPIRY "." TAG, TAG the unpadded base64url
 * HMAC-SHA256 of name NUL VALUE NUL EXPIRY (sha256.c). Writing goes through
 * cgi_cookie_set, so every attribute, default and check of cgi_out.c
 * applies to the signed value; reading goes through cgi_find. Why the
 * format is so is in docs/notes/signed-cookies.md.
 */
#include "cgi_req.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "sha256.h"
#include "str.h"

/* Bytes of key at the least: the HMAC's own strength (RFC 2104 3). */
#define CGI_SIGN_KEY_MIN 32
/* Characters of TAG: 32 bytes in base64url without padding. */
#define CGI_SIGN_TAG_LEN 43
/* Digits of EXPIRY at most (LLONG_MAX has 19). */
#define CGI_SIGN_EXPIRY_MAX 19

/* RFC 4648 5: base64url; n bytes of p into 4n/3 rounded up characters of
 * out (no padding, no NUL). */
static void
b64url(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                             "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t v;
	size_t i, k;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		for (k = 0; k < 4 && k <= n - i; k++)
			*out++ = digits[v >> (18 - 6 * k) & 0x3f];
	}
}

/* tag[0..CGI_SIGN_TAG_LEN) = base64url(HMAC(key, name NUL value NUL
 * expiry)); the name is in the MAC so a cookie cannot change names. */
static void
sign_tag(const void *key, size_t keylen, const char *name, struct str value,
    struct str expiry, char tag[CGI_SIGN_TAG_LEN])
{
	unsigned char mac[SHA256_LEN];
	struct sha256_hmac m;

	sha256_hmac_init(&m, key, keylen);
	sha256_hmac_update(&m, name, strlen(name) + 1);
	sha256_hmac_update(&m, value.p, value.len);
	sha256_hmac_update(&m, "", 1);
	sha256_hmac_update(&m, expiry.p, expiry.len);
	sha256_hmac_final(&m, mac);
	b64url(mac, sizeof(mac), tag);
}

/* True when a and b (n bytes each) are equal; the time taken does not
 * depend on where they differ. */
static bool
same_tag(const char *a, const char *b, size_t n)
{
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

CGI_API enum cgi_err
cgi_cookie_set_signed(cgi_req *r, const struct cgi_cookie *c, const void *key,
    size_t keylen)
{
	char tag[CGI_SIGN_TAG_LEN], exp[CGI_SIGN_EXPIRY_MAX + 2];
	struct cgi_cookie signed_c;
	long long expiry = 0;
	struct buf b;
	enum cgi_err e;
	time_t now;
	int n;

	if (r == NULL || c == NULL || c->name == NULL || c->value == NULL ||
	    key == NULL || keylen < CGI_SIGN_KEY_MIN)
		return CGI_EINVAL;
	if (c->max_age < 0)
		return CGI_EHEADER; /* as cgi_cookie_set */
	if (c->max_age > 0) {
		if ((now = time(NULL)) == (time_t)-1)
			return CGI_ESYSTEM;
		if (c->max_age > LLONG_MAX - (long long)now)
			return CGI_EHEADER; /* no expiry can say it */
		expiry = (long long)now + c->max_age;
	}
	n = snprintf(exp, sizeof(exp), "%lld", expiry);
	if (n < 0 || (size_t)n >= sizeof(exp))
		return CGI_EINVAL; /* cannot happen: 19 digits fit */
	sign_tag(key, keylen, c->name, str_from(c->value),
	    (struct str){ exp, (size_t)n }, tag);
	buf_init(&b, 0);
	if (buf_printf(&b, "%s.%s.%.*s", c->value, exp, CGI_SIGN_TAG_LEN,
	        tag) == -1) {
		buf_fini(&b);
		return CGI_ENOMEM;
	}
	/* The builder checks the wire value: cookie-octets, and name plus
	 * value within 4096 bytes (L-CK-09, L-CK-16). */
	signed_c = *c;
	signed_c.value = buf_cstr(&b);
	e = cgi_cookie_set(r, &signed_c);
	buf_fini(&b);
	return e;
}

/* Splits wire[0..n) at its last two dots into value, expiry and tag;
 * false when the shape is wrong. */
static bool
split_signed(const char *wire, size_t n, struct str *value, struct str *expiry,
    uint64_t *exp)
{
	const char *dot;

	if (n < CGI_SIGN_TAG_LEN + 3 || wire[n - CGI_SIGN_TAG_LEN - 1] != '.')
		return false;
	n -= CGI_SIGN_TAG_LEN + 1;
	if ((dot = memrchr(wire, '.', n)) == NULL)
		return false;
	value->p = wire;
	value->len = (size_t)(dot - wire);
	expiry->p = dot + 1;
	expiry->len = n - value->len - 1;
	return expiry->len <= CGI_SIGN_EXPIRY_MAX &&
	    str_to_u64(*expiry, LLONG_MAX, exp) == 0;
}

CGI_API enum cgi_err
cgi_cookie_get_signed(cgi_req *r, const char *name, const void *key,
    size_t keylen, const char **value)
{
	char tag[CGI_SIGN_TAG_LEN];
	const struct cgi_field *f;
	struct str v, ex;
	uint64_t exp;
	time_t now;

	if (value != NULL)
		*value = NULL;
	if (r == NULL || name == NULL || key == NULL || value == NULL ||
	    keylen < CGI_SIGN_KEY_MIN)
		return CGI_EINVAL;
	if ((f = cgi_find(r, CGI_SRC_COOKIE, name, 0)) == NULL)
		return CGI_MISSING;
	/* Two cookies of one name (another path, a planted one): refuse
	 * rather than guess which the server set. */
	if (cgi_find(r, CGI_SRC_COOKIE, name, 1) != NULL)
		return CGI_DUP;
	if (strlen(f->value) != f->value_len ||
	    !split_signed(f->value, f->value_len, &v, &ex, &exp))
		return CGI_INVALID;
	sign_tag(key, keylen, name, v, ex, tag);
	if (!same_tag(tag, f->value + f->value_len - CGI_SIGN_TAG_LEN,
	        CGI_SIGN_TAG_LEN))
		return CGI_INVALID;
	if (exp != 0) {
		if ((now = time(NULL)) == (time_t)-1)
			return CGI_ESYSTEM;
		if ((long long)now >= (long long)exp)
			return CGI_INVALID; /* expired */
	}
	if ((*value = cgi_req_keep(r, v.p, v.len)) == NULL)
		return CGI_ENOMEM;
	return CGI_OK;
}
