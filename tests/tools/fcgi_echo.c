/*
 * fcgi_echo.c - a FastCGI responder for end-to-end tests, built directly on
 * fcgi_app (no libcgi public API): it lists the request's parameters and
 * the length and SHA-256 of its body, so a test can check both ends.
 *
 *   fcgi_echo                  serve the listening socket on fd 0
 *   fcgi_echo --listen SPEC    serve "unix:PATH" or "HOST:PORT"
 *
 * QUERY_STRING picks the answer: "" lists (text/plain, with the number of
 * the connection the request came on), "echo" sends the
 * body back, "size=N" sends N bytes of 'a'..'z' repeated, "stderr" also
 * writes a line to FCGI_STDERR, "noread" answers without reading the body.
 * Exits 0 after SIGTERM, 1 on errors.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fcgi_app.h"
#include "str.h"

/* SHA-256 after FIPS 180-4, enough for a test tool. */
struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed */
	unsigned char block[64];
	size_t nblock;
};

static const uint32_t sha_k[64] = { 0x428a2f98, 0x71374491, 0xb5c0fbcf,
	0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
	0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
	0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
	0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
	0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c,
	0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee,
	0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2 };

static uint32_t
ror(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

static void
sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
		0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
	s->nblock = 0;
}

static void
sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] +
		    (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3) +
		    w[i - 7] +
		    (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha_k[i] + w[i];
		t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void
sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t k;

	s->len += n;
	while (n > 0) {
		k = 64 - s->nblock < n ? 64 - s->nblock : n;
		memcpy(s->block + s->nblock, p, k);
		s->nblock += k;
		p += k;
		n -= k;
		if (s->nblock == 64) {
			sha256_block(s, s->block);
			s->nblock = 0;
		}
	}
}

/* Writes the digest as 64 lowercase hex digits and a NUL into hex. */
static void
sha256_hex(struct sha256 *s, char *hex)
{
	unsigned char pad[72] = { 0x80 };
	uint64_t bits = s->len * 8;
	size_t npad = (s->nblock < 56 ? 56 : 120) - s->nblock, i;

	for (i = 0; i < 8; i++)
		pad[npad + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, npad + 8);
	for (i = 0; i < 32; i++) {
		hex[2 * i] =
		    "0123456789abcdef"[s->h[i / 4] >> (24 - 8 * (i % 4)) >> 4 &
		        0xf];
		hex[2 * i + 1] =
		    "0123456789abcdef"[s->h[i / 4] >> (24 - 8 * (i % 4)) & 0xf];
	}
	hex[64] = '\0';
}

static int
put(struct fcgi_req *rq, const char *s)
{
	size_t n = strlen(s);

	return fcgi_req_write(rq, s, n) == (ssize_t)n ? 0 : -1;
}

/* QUERY_STRING=size=N: N bytes of the alphabet, repeated. */
static int
send_size(struct fcgi_req *rq, const char *q)
{
	char chunk[26 * 1000];
	uint64_t n;
	size_t i, k;

	if (str_to_u64(str_from(q + 5), UINT64_C(1) << 32, &n) == -1)
		return put(rq, "Status: 400\r\n\r\nbad size\n");
	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)('a' + i % 26);
	if (put(rq, "Content-Type: application/octet-stream\r\n\r\n") == -1)
		return -1;
	while (n > 0) {
		k = n < sizeof(chunk) ? (size_t)n : sizeof(chunk);
		if (fcgi_req_write(rq, chunk, k) == -1)
			return -1;
		n -= k;
	}
	return 0;
}

/* The default answer: parameters, body length and digest. */
static int
send_list(struct fcgi_req *rq, struct sha256 *sh, uint64_t len,
    unsigned long conn)
{
	const char *name, *value;
	struct buf b;
	char hex[65];
	size_t i;
	int rc;

	buf_init(&b, 0);
	rc = buf_puts(&b, "Content-Type: text/plain\r\n\r\n");
	for (i = 0; rc == 0 && fcgi_req_param(rq, i, &name, &value) == 0; i++)
		rc = buf_printf(&b, "param %s=%s\n", name, value);
	sha256_hex(sh, hex);
	if (rc == 0)
		rc = buf_printf(&b,
		    "stdin-length %llu\nstdin-sha256 %s\nconnection %lu\n",
		    (unsigned long long)len, hex, conn);
	if (rc == 0 && fcgi_req_write(rq, b.data, b.len) != (ssize_t)b.len)
		rc = -1;
	buf_fini(&b);
	return rc;
}

/* Answers rq; conn numbers the connection it came on. */
static int
serve(struct fcgi_req *rq, unsigned long conn)
{
	const char *q = fcgi_req_getenv(rq, "QUERY_STRING");
	int echo = q != NULL && strcmp(q, "echo") == 0;
	char data[65536];
	struct sha256 sh;
	uint64_t len = 0;
	ssize_t n;

	if (q == NULL)
		q = "";
	if (strcmp(q, "stderr") == 0 &&
	    fcgi_req_write_err(rq, "fcgi_echo: stderr line\n", 23) == -1)
		return -1;
	if (strcmp(q, "noread") == 0)
		return put(rq, "Content-Type: text/plain\r\n\r\nnot read\n");
	if (echo &&
	    put(rq, "Content-Type: application/octet-stream\r\n\r\n") == -1)
		return -1;
	sha256_init(&sh);
	while ((n = fcgi_req_read(rq, data, sizeof(data))) > 0) {
		sha256_update(&sh, data, (size_t)n);
		len += (uint64_t)n;
		if (echo && fcgi_req_write(rq, data, (size_t)n) == -1)
			return -1;
	}
	if (n == -1)
		return -1;
	if (echo)
		return 0;
	if (strncmp(q, "size=", 5) == 0)
		return send_size(rq, q);
	return send_list(rq, &sh, len, conn);
}

int
main(int argc, char **argv)
{
	struct fcgi_app *app;
	struct fcgi_req *rq;
	unsigned long nreq = 0;
	int fd = 0;

	if (argc == 3 && strcmp(argv[1], "--listen") == 0) {
		if ((fd = fcgi_listen(argv[2])) == -1) {
			fprintf(stderr, "fcgi_echo: %s: %s\n", argv[2],
			    strerror(errno));
			return 1;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: fcgi_echo [--listen SPEC]\n");
		return 2;
	}
	if ((app = fcgi_app_new(fd)) == NULL) {
		fprintf(stderr, "fcgi_echo: fd %d: %s\n", fd, strerror(errno));
		return 1;
	}
	while ((rq = fcgi_app_accept(app)) != NULL) {
		nreq++;
		(void)fcgi_req_finish(rq,
		    serve(rq, fcgi_app_conn_id(app)) == 0 ? 0 : 1);
	}
	if (!fcgi_app_stopping(app)) {
		fprintf(stderr, "fcgi_echo: accept: %s\n", strerror(errno));
		fcgi_app_free(app);
		return 1;
	}
	fprintf(stderr, "fcgi_echo: SIGTERM after %lu requests\n", nreq);
	fcgi_app_free(app);
	return 0;
}
