/*
 * test_cgi_sign.c - signed cookies (lib/cgi_sign.c): the exact Set-Cookie
 * line, its flags, its refusals, and that a value the client changed in
 * any way is refused.
 *
 * Checklist: L-CK-07 and L-3875-9.7 (a tampered signed cookie is
 * rejected: every single-byte change, another name's tag, another key,
 * an expired one), L-CK-12 (Secure and HttpOnly on by default in the
 * helper's output), L-CK-09 / L-CK-16 (the builder's refusals hold on the
 * signed value).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cgi_rig.h"
#include "harness.h"
#include "sha256.h"

static const char *const get_env[] = { "REQUEST_METHOD=GET", NULL };
static const char *const https_env[] = { "REQUEST_METHOD=GET", "HTTPS=on",
	NULL };

/* The key of most cases: the bytes 0, 1, ..., 31. */
static unsigned char key[32];

/*
 * The tag as the format defines it, computed here from the HMAC alone:
 * base64url (RFC 4648 5) of HMAC-SHA256(key, name NUL value NUL expiry),
 * no padding. Written as a bit accumulator, unlike lib/cgi_sign.c.
 */
static void
want_tag(const unsigned char *k, size_t klen, const char *name,
    const char *value, const char *expiry, char out[44])
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char mac[SHA256_LEN];
	unsigned long acc = 0;
	struct buf m;
	size_t i, o = 0;
	int bits = 0;

	buf_init(&m, 0);
	if (buf_append(&m, name, strlen(name) + 1) == -1 ||
	    buf_append(&m, value, strlen(value) + 1) == -1 ||
	    buf_puts(&m, expiry) == -1)
		exit(2);
	sha256_hmac(k, klen, m.data, m.len, mac);
	buf_fini(&m);
	for (i = 0; i < SHA256_LEN; i++) {
		acc = acc << 8 | mac[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = abc[acc >> bits & 0x3f];
		}
	}
	out[o++] = abc[acc << (6 - bits) & 0x3f];
	out[o] = '\0';
}

/* The value of the first "Set-Cookie: " line of out, up to its ';'. */
static const char *
set_cookie_pair(const char *out, char *pair, size_t cap)
{
	const char *p = strstr(out, "\r\nSet-Cookie: ");
	size_t n;

	if (p == NULL)
		return NULL;
	p += 14;
	n = strcspn(p, ";\r");
	if (n >= cap)
		return NULL;
	memcpy(pair, p, n);
	pair[n] = '\0';
	return pair;
}

/* Sets c signed under k and returns the "name=wire" pair sent. */
static const char *
sign_pair(const struct cgi_cookie *c, const unsigned char *k, char *pair,
    size_t cap)
{
	struct rig g;
	cgi_req *r = rig_open(&g, get_env);
	const char *p;

	if (cgi_cookie_set_signed(r, c, k, 32) != CGI_OK)
		p = NULL;
	else if (rig_close(&g) != 0)
		p = NULL;
	else
		p = set_cookie_pair(buf_cstr(&g.out), pair, cap);
	if (g.r != NULL)
		(void)rig_close(&g);
	rig_fini(&g);
	return p;
}

/*
 * Opens a request whose Cookie header is cookie and asks for name signed
 * under k[0..klen); *got gets a copy of the value on CGI_OK.
 */
static enum cgi_err
get_with(const char *cookie, const char *name, const unsigned char *k,
    size_t klen, char *got, size_t cap)
{
	const char *env[3] = { "REQUEST_METHOD=GET", NULL, NULL };
	const char *v = "unset";
	struct buf hdr;
	struct rig g;
	enum cgi_err e;
	cgi_req *r;

	buf_init(&hdr, 0);
	if (buf_printf(&hdr, "HTTP_COOKIE=%s", cookie) == -1)
		exit(2);
	env[1] = buf_cstr(&hdr);
	r = rig_open(&g, env);
	e = cgi_cookie_get_signed(r, name, k, klen, &v);
	if (e != CGI_OK && v != NULL)
		e = CGI_EJSON; /* failure must leave *value NULL: say so */
	if (e == CGI_OK && got != NULL)
		(void)snprintf(got, cap, "%s", v);
	(void)rig_close(&g);
	rig_fini(&g);
	buf_fini(&hdr);
	return e;
}

/* ---- Writing ---- */

static void
test_exact_line(void)
{
	static const struct {
		const char *name;
		const char *const *env;
		bool secure;
	} lines[] = {
		{ "L-CK-12 exact line over http: HttpOnly, Lax, no Secure",
		    get_env, false },
		{ "L-CK-12 exact line over https: Secure, HttpOnly, Lax",
		    https_env, true },
	};
	char tag[44], want[200];
	struct rig g;
	cgi_req *r;
	size_t i;

	/* Computed outside this code base with:
	 *   python3 -c 'import hmac,hashlib,base64; k=bytes(range(32));
	 *   print(base64.urlsafe_b64encode(hmac.new(k,
	 *   b"sid\0user42\0"+b"0",hashlib.sha256).digest())
	 *   .rstrip(b"=").decode())' */
	want_tag(key, sizeof(key), "sid", "user42", "0", tag);
	CHECK_STR("L-CK-07 tag matches python hmac", tag,
	    "pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo");

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		r = rig_open(&g, lines[i].env);
		CHECK_INT(lines[i].name,
		    cgi_cookie_set_signed(r,
		        &(struct cgi_cookie){ .name = "sid",
		            .value = "user42" },
		        key, sizeof(key)),
		    CGI_OK);
		CHECK_INT("finish", rig_close(&g), 0);
		(void)snprintf(want, sizeof(want),
		    "\r\nSet-Cookie: sid=user42.0.%s; Path=/; %sHttpOnly; "
		    "SameSite=Lax\r\n",
		    tag, lines[i].secure ? "Secure; " : "");
		CHECK(lines[i].name, strstr(buf_cstr(&g.out), want) != NULL);
		if (!lines[i].secure)
			CHECK("L-CK-12 no Secure without HTTPS",
			    strstr(buf_cstr(&g.out), "Secure") == NULL);
		rig_fini(&g);
	}
}

/* A max_age gives EXPIRY = now + max_age and the same Max-Age. */
static void
test_expiry_written(void)
{
	char pair[300], tag[44], exp[32];
	const char *p, *dot;
	long long t0, t1, e;
	struct rig g;
	cgi_req *r;

	t0 = (long long)time(NULL);
	r = rig_open(&g, get_env);
	CHECK_INT("set with max_age",
	    cgi_cookie_set_signed(r,
	        &(struct cgi_cookie){ .name = "s",
	            .value = "v",
	            .max_age = 3600 },
	        key, sizeof(key)),
	    CGI_OK);
	CHECK_INT("finish", rig_close(&g), 0);
	t1 = (long long)time(NULL);
	CHECK("Max-Age sent as for cgi_cookie_set",
	    strstr(buf_cstr(&g.out), "; Max-Age=3600; HttpOnly") != NULL);
	p = set_cookie_pair(buf_cstr(&g.out), pair, sizeof(pair));
	CHECK("a Set-Cookie line", p != NULL && strncmp(p, "s=v.", 4) == 0);
	if (p != NULL && strncmp(p, "s=v.", 4) == 0) {
		dot = strchr(p + 4, '.');
		(void)snprintf(exp, sizeof(exp), "%.*s",
		    dot != NULL ? (int)(dot - p - 4) : 0, p + 4);
		e = strtoll(exp, NULL, 10);
		CHECK("EXPIRY is now + max_age",
		    e >= t0 + 3600 && e <= t1 + 3600);
		want_tag(key, sizeof(key), "s", "v", exp, tag);
		CHECK_STR("tag covers the expiry", dot != NULL ? dot + 1 : "",
		    tag);
		CHECK_INT("L-CK-07 round trip with expiry",
		    get_with(p, "s", key, sizeof(key), NULL, 0), CGI_OK);
	}
	rig_fini(&g);
}

static const struct {
	const char *name;
	const char *const *env;
	struct cgi_cookie c;
	size_t keylen;
	enum cgi_err want;
} refuse_rows[] = {
	{ "short key (31 bytes)", get_env, { .name = "a", .value = "1" }, 31,
	    CGI_EINVAL },
	{ "empty key", get_env, { .name = "a", .value = "1" }, 0, CGI_EINVAL },
	{ "NULL name", get_env, { .value = "1" }, 32, CGI_EINVAL },
	{ "NULL value", get_env, { .name = "a" }, 32, CGI_EINVAL },
	{ "L-CK-09 value with ;", get_env, { .name = "a", .value = "1;b=2" },
	    32, CGI_EHEADER },
	{ "L-CK-09 value with ,", get_env, { .name = "a", .value = "1,2" }, 32,
	    CGI_EHEADER },
	{ "L-CK-09 value with space", get_env, { .name = "a", .value = "1 2" },
	    32, CGI_EHEADER },
	{ "L-CK-09 value with backslash", get_env,
	    { .name = "a", .value = "1\\" }, 32, CGI_EHEADER },
	{ "L-CK-09 value in quotes", get_env, { .name = "a", .value = "\"q\"" },
	    32, CGI_EHEADER },
	{ "L-CK-09 value with CRLF", get_env,
	    { .name = "a", .value = "1\r\nX: y" }, 32, CGI_EHEADER },
	{ "L-CK-09 value non-ascii", get_env,
	    { .name = "a", .value = "\xC3\xA9" }, 32, CGI_EHEADER },
	{ "L-CK-09 name with =", get_env, { .name = "a=b", .value = "1" }, 32,
	    CGI_EHEADER },
	{ "negative max_age", get_env,
	    { .name = "a", .value = "1", .max_age = -1 }, 32, CGI_EHEADER },
	{ "max_age past any time", get_env,
	    { .name = "a", .value = "1", .max_age = LLONG_MAX }, 32,
	    CGI_EHEADER },
	{ "L-CK-13 SameSite=None without Secure", get_env,
	    { .name = "a", .value = "1", .samesite = CGI_SAMESITE_NONE }, 32,
	    CGI_EHEADER },
	{ "L-CK-15 __Host- with a Path", https_env,
	    { .name = "__Host-a", .value = "1", .path = "/x" }, 32,
	    CGI_EHEADER },
};

static void
test_refusals(void)
{
	char big[4100];
	struct rig g;
	cgi_req *r;
	size_t i;

	for (i = 0; i < sizeof(refuse_rows) / sizeof(refuse_rows[0]); i++) {
		r = rig_open(&g, refuse_rows[i].env);
		CHECK_INT(refuse_rows[i].name,
		    cgi_cookie_set_signed(r, &refuse_rows[i].c, key,
		        refuse_rows[i].keylen),
		    refuse_rows[i].want);
		CHECK_INT(refuse_rows[i].name, rig_close(&g), 0);
		CHECK(refuse_rows[i].name,
		    strstr(buf_cstr(&g.out), "Set-Cookie") == NULL);
		rig_fini(&g);
	}

	r = rig_open(&g, get_env);
	CHECK_INT("NULL request",
	    cgi_cookie_set_signed(NULL,
	        &(struct cgi_cookie){ .name = "a", .value = "1" }, key,
	        sizeof(key)),
	    CGI_EINVAL);
	CHECK_INT("NULL cookie", cgi_cookie_set_signed(r, NULL, key, 32),
	    CGI_EINVAL);
	CHECK_INT("NULL key",
	    cgi_cookie_set_signed(r,
	        &(struct cgi_cookie){ .name = "a", .value = "1" }, NULL, 32),
	    CGI_EINVAL);
	/* L-CK-16 on the wire: "a=" + value + ".0." + 43-byte tag. The name
	 * (1) and the wire value (n + 46) may make 4096, not 4097. */
	memset(big, 'v', sizeof(big));
	big[4050] = '\0';
	CHECK_INT("L-CK-16 name + signed value 4097 bytes",
	    cgi_cookie_set_signed(r,
	        &(struct cgi_cookie){ .name = "a", .value = big }, key,
	        sizeof(key)),
	    CGI_EHEADER);
	big[4049] = '\0';
	CHECK_INT("L-CK-16 name + signed value 4096 bytes",
	    cgi_cookie_set_signed(r,
	        &(struct cgi_cookie){ .name = "a", .value = big }, key,
	        sizeof(key)),
	    CGI_OK);
	CHECK_INT("finish", rig_close(&g), 0);
	CHECK("only the 4096-byte cookie went out",
	    strstr(buf_cstr(&g.out), "Set-Cookie: a=vvv") != NULL &&
	        strstr(strstr(buf_cstr(&g.out), "Set-Cookie") + 1,
	            "Set-Cookie") == NULL);
	rig_fini(&g);
}

/* ---- Reading ---- */

/* Values that must come back as they were set (dots, empty, symbols). */
static const char *const trip_values[] = { "user42", "", "a.b.c", "...", "x.0",
	"1.0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo",
	"!#$%&'()*+-./:<=>?@[]^_`{|}~", "a=b" };

static void
test_round_trip(void)
{
	char pair[400], got[300], name[80];
	size_t i;

	for (i = 0; i < sizeof(trip_values) / sizeof(trip_values[0]); i++) {
		(void)snprintf(name, sizeof(name), "L-CK-07 round trip \"%s\"",
		    trip_values[i]);
		if (sign_pair(&(struct cgi_cookie){ .name = "sid",
		                  .value = trip_values[i] },
		        key, pair, sizeof(pair)) == NULL) {
			CHECK(name, 0);
			continue;
		}
		got[0] = '\0';
		CHECK_INT(name,
		    get_with(pair, "sid", key, 32, got, sizeof(got)), CGI_OK);
		CHECK_STR(name, got, trip_values[i]);
	}
	/* Among other cookies, and sent in DQUOTEs (RFC 6265 4.1.1). */
	if (sign_pair(&(struct cgi_cookie){ .name = "sid", .value = "u.1" },
	        key, pair, sizeof(pair)) != NULL) {
		char hdr[500];

		(void)snprintf(hdr, sizeof(hdr), "a=1; %s; b=2", pair);
		CHECK_INT("among other cookies",
		    get_with(hdr, "sid", key, 32, got, sizeof(got)), CGI_OK);
		CHECK_STR("among other cookies", got, "u.1");
		(void)snprintf(hdr, sizeof(hdr), "sid=\"%s\"", pair + 4);
		CHECK_INT("quoted",
		    get_with(hdr, "sid", key, 32, got, sizeof(got)), CGI_OK);
	}
}

/*
 * L-CK-07, L-3875-9.7: every single-byte change anywhere in VALUE, EXPIRY
 * or TAG is refused, for several replacement bytes per position; so is
 * every truncation.
 */
static void
test_tamper(void)
{
	static const char repl[] = { 'A', 'z', '0', '9', '.', '-', '_', '!' };
	char pair[400], bad[sizeof(pair) + 1], name[120];
	size_t i, k, n, nbad = 0, nchanges = 0;
	enum cgi_err e;

	if (sign_pair(&(struct cgi_cookie){ .name = "sid",
	                  .value = "admin.1",
	                  .max_age = 86400 },
	        key, pair, sizeof(pair)) == NULL) {
		CHECK("L-CK-07 tamper: signed", 0);
		return;
	}
	CHECK_INT("L-CK-07 tamper: the original passes",
	    get_with(pair, "sid", key, 32, NULL, 0), CGI_OK);
	n = strlen(pair);
	for (i = 4; i < n; i++) { /* after "sid=" */
		for (k = 0; k < sizeof(repl); k++) {
			if (pair[i] == repl[k])
				continue;
			memcpy(bad, pair, n + 1);
			bad[i] = repl[k];
			e = get_with(bad, "sid", key, 32, NULL, 0);
			nchanges++;
			if (e != CGI_INVALID) {
				nbad++;
				(void)snprintf(name, sizeof(name),
				    "L-CK-07/L-3875-9.7 byte %zu -> %c", i,
				    repl[k]);
				CHECK_INT(name, e, CGI_INVALID);
			}
		}
	}
	CHECK_INT("L-CK-07/L-3875-9.7 every single-byte change refused", nbad,
	    0);
	CHECK("each position had changes", nchanges >= (n - 4) * 7);
	for (nbad = 0, i = 4; i < n; i++) {
		memcpy(bad, pair, i);
		bad[i] = '\0';
		if (get_with(bad, "sid", key, 32, NULL, 0) != CGI_INVALID)
			nbad++;
	}
	CHECK_INT("L-CK-07 every truncation refused", nbad, 0);
	/* Appending a byte moves the tag: refused as well. */
	(void)snprintf(bad, sizeof(bad), "%sA", pair);
	CHECK_INT("L-CK-07 a byte appended",
	    get_with(bad, "sid", key, 32, NULL, 0), CGI_INVALID);
}

static void
test_wrong_name_key_expired(void)
{
	char pair[400], bad[400], tag[44], exp[32];
	unsigned char other[32];

	if (sign_pair(&(struct cgi_cookie){ .name = "sid", .value = "u1" }, key,
	        pair, sizeof(pair)) == NULL) {
		CHECK("signed", 0);
		return;
	}
	/* The tag of "sid" under another name: the name is in the MAC. */
	(void)snprintf(bad, sizeof(bad), "uid=%s", pair + 4);
	CHECK_INT("L-CK-07/L-3875-9.7 another name's tag",
	    get_with(bad, "uid", key, 32, NULL, 0), CGI_INVALID);
	memcpy(other, key, sizeof(other));
	other[31] ^= 0x01;
	CHECK_INT("L-CK-07/L-3875-9.7 another key",
	    get_with(pair, "sid", other, 32, NULL, 0), CGI_INVALID);
	CHECK_INT("a longer key with the same start",
	    get_with(pair, "sid",
	        (const unsigned char *)"\x00\x01\x02\x03\x04\x05\x06\x07\x08"
	                               "\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11"
	                               "\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
	                               "\x1b\x1c\x1d\x1e\x1f\x20",
	        33, NULL, 0),
	    CGI_INVALID);
	CHECK_INT("short key when reading",
	    get_with(pair, "sid", key, 31, NULL, 0), CGI_EINVAL);

	/* Well signed, with an expiry of our choosing. */
	(void)snprintf(exp, sizeof(exp), "%lld", (long long)time(NULL) - 10);
	want_tag(key, sizeof(key), "sid", "u1", exp, tag);
	(void)snprintf(bad, sizeof(bad), "sid=u1.%s.%s", exp, tag);
	CHECK_INT("L-CK-07/L-3875-9.7 expired 10 s ago",
	    get_with(bad, "sid", key, 32, NULL, 0), CGI_INVALID);
	want_tag(key, sizeof(key), "sid", "u1", "1", tag);
	(void)snprintf(bad, sizeof(bad), "sid=u1.1.%s", tag);
	CHECK_INT("L-CK-07 expired in 1970",
	    get_with(bad, "sid", key, 32, NULL, 0), CGI_INVALID);
	(void)snprintf(exp, sizeof(exp), "%lld", (long long)time(NULL) + 600);
	want_tag(key, sizeof(key), "sid", "u1", exp, tag);
	(void)snprintf(bad, sizeof(bad), "sid=u1.%s.%s", exp, tag);
	CHECK_INT("the same made by hand, not expired: accepted",
	    get_with(bad, "sid", key, 32, NULL, 0), CGI_OK);
}

static const struct {
	const char *name;
	const char *cookie;
	enum cgi_err want;
} shape_rows[] = {
	{ "missing: no Cookie", "", CGI_MISSING },
	{ "missing: other cookies", "a=1; sidx=2; si=3", CGI_MISSING },
	{ "unsigned value", "sid=user42", CGI_INVALID },
	{ "empty value", "sid=", CGI_INVALID },
	{ "dots only", "sid=..", CGI_INVALID },
	{ "tag 42 chars",
	    "sid=user42.0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosIT",
	    CGI_INVALID },
	{ "tag 44 chars",
	    "sid=user42.0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosIToA",
	    CGI_INVALID },
	{ "no expiry", "sid=user42.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo",
	    CGI_INVALID },
	{ "empty expiry",
	    "sid=user42..pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo",
	    CGI_INVALID },
	{ "signed expiry",
	    "sid=user42.-0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo",
	    CGI_INVALID },
	{ "20-digit expiry",
	    "sid=user42.00000000000000000000."
	    "pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo",
	    CGI_INVALID },
	{ "the right one",
	    "sid=user42.0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo",
	    CGI_OK },
	{ "two of the name, both good",
	    "sid=user42.0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo; "
	    "sid=user42.0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo",
	    CGI_DUP },
	{ "two of the name, one planted",
	    "sid=user42.0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo; sid=x",
	    CGI_DUP },
};

static void
test_shapes(void)
{
	char got[100];
	size_t i;

	for (i = 0; i < sizeof(shape_rows) / sizeof(shape_rows[0]); i++)
		CHECK_INT(shape_rows[i].name,
		    get_with(shape_rows[i].cookie, "sid", key, 32, got,
		        sizeof(got)),
		    shape_rows[i].want);
	CHECK_STR("the python-made cookie reads back", got, "user42");
}

static void
test_get_args(void)
{
	const char *env[] = { "REQUEST_METHOD=GET",
		"HTTP_COOKIE=sid=user42.0."
		"pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo",
		NULL };
	const char *v = "unset", *v2 = NULL;
	struct rig g;
	cgi_req *r = rig_open(&g, env);

	CHECK_INT("NULL request",
	    cgi_cookie_get_signed(NULL, "sid", key, 32, &v), CGI_EINVAL);
	CHECK("failure sets *value NULL", v == NULL);
	CHECK_INT("NULL name", cgi_cookie_get_signed(r, NULL, key, 32, &v),
	    CGI_EINVAL);
	CHECK_INT("NULL key", cgi_cookie_get_signed(r, "sid", NULL, 32, &v),
	    CGI_EINVAL);
	CHECK_INT("NULL value", cgi_cookie_get_signed(r, "sid", key, 32, NULL),
	    CGI_EINVAL);
	CHECK_INT("owned copy", cgi_cookie_get_signed(r, "sid", key, 32, &v),
	    CGI_OK);
	CHECK_INT("asked twice", cgi_cookie_get_signed(r, "sid", key, 32, &v2),
	    CGI_OK);
	CHECK_STR("value without expiry and tag", v, "user42");
	CHECK_STR("first copy still valid", v, v2);
	CHECK_STR("the raw cookie is unchanged", cgi_cookie_get(r, "sid"),
	    "user42.0.pKJb4jvOnB58GRgIidlDI13Lc2bWhR4HrMnWWeosITo");
	CHECK_INT("finish", rig_close(&g), 0);
	rig_fini(&g);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	test_exact_line();
	test_expiry_written();
	test_refusals();
	test_round_trip();
	test_tamper();
	test_wrong_name_key_expired();
	test_shapes();
	test_get_args();
	return harness_done();
}
