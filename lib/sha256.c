/*
 * sha256.c - SHA-256 as FIPS 180-4 section 6.2 defines it, and HMAC over
 * it as RFC 2104 defines it.
 *
 * Byte-at-a-time message schedule, no tables beyond the constants of
 * section 4.2.2 and the initial value of section 5.3.3. Constant time in
 * the data (no data-dependent branches or indexes). Callers that compare
 * tags do so in constant time themselves (cgi_sign.c).
 */
#include "sha256.h"

#include <string.h>

/* FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const uint32_t sha256_k[64] = { 0x428a2f98, 0x71374491, 0xb5c0fbcf,
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

/* FIPS 180-4 5.3.3: the first 32 bits of the fractional parts of the
 * square roots of the first 8 primes. */
static const uint32_t sha256_h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

/* RFC 2104: the inner and outer pad bytes. */
#define SHA256_IPAD 0x36
#define SHA256_OPAD 0x5c

static uint32_t
rotr(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

static uint32_t
load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* FIPS 180-4 6.2.2: one block into the chaining value. */
static void
sha256_compress(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], v[8], t1, t2, s0, s1;
	int t;

	for (t = 0; t < 16; t++)
		w[t] = load_be32(p + 4 * t);
	for (t = 16; t < 64; t++) {
		s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ w[t - 15] >> 3;
		s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ w[t - 2] >> 10;
		w[t] = s1 + w[t - 7] + s0 + w[t - 16];
	}
	memcpy(v, h, sizeof(v));
	for (t = 0; t < 64; t++) {
		/* v[0..7] are a..h of the standard. */
		t1 = v[7] + (rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[t] + w[t];
		t2 = (rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = v[3] + t1;
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = t1 + t2;
	}
	for (t = 0; t < 8; t++)
		h[t] += v[t];
}

void
sha256_init(struct sha256 *s)
{
	memcpy(s->h, sha256_h0, sizeof(s->h));
	s->len = 0;
	s->nblock = 0;
}

void
sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t k;

	if (n == 0)
		return; /* data may be NULL */
	s->len += n;
	if (s->nblock > 0) {
		k = SHA256_BLOCK - s->nblock;
		if (k > n)
			k = n;
		memcpy(s->block + s->nblock, p, k);
		s->nblock += k;
		p += k;
		n -= k;
		if (s->nblock < SHA256_BLOCK)
			return;
		sha256_compress(s->h, s->block);
		s->nblock = 0;
	}
	for (; n >= SHA256_BLOCK; p += SHA256_BLOCK, n -= SHA256_BLOCK)
		sha256_compress(s->h, p);
	if (n > 0)
		memcpy(s->block, p, n);
	s->nblock = n;
}

/* Overwrites n bytes in a way the compiler may not drop as a dead store. */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

void
sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN])
{
	uint64_t bits = s->len * 8; /* FIPS 180-4 5.1.1: length mod 2^64 */
	int i;

	/* 5.1.1: a 1 bit, zeros up to 56 mod 64 bytes, the 64-bit length. */
	s->block[s->nblock++] = 0x80;
	if (s->nblock > SHA256_BLOCK - 8) {
		memset(s->block + s->nblock, 0, SHA256_BLOCK - s->nblock);
		sha256_compress(s->h, s->block);
		s->nblock = 0;
	}
	memset(s->block + s->nblock, 0, SHA256_BLOCK - 8 - s->nblock);
	for (i = 0; i < 8; i++)
		s->block[SHA256_BLOCK - 8 + i] =
		    (unsigned char)(bits >> (56 - 8 * i));
	sha256_compress(s->h, s->block);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
	wipe(s, sizeof(*s));
}

void
sha256_digest(const void *data, size_t n, unsigned char out[SHA256_LEN])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, n);
	sha256_final(&s, out);
}

void
sha256_hmac_init(struct sha256_hmac *m, const void *key, size_t keylen)
{
	unsigned char k[SHA256_BLOCK], pad[SHA256_BLOCK];
	size_t i;

	/* RFC 2104 2: a key longer than a block is hashed first; the key
	 * is then padded with zeros to a block. */
	memset(k, 0, sizeof(k));
	if (keylen > SHA256_BLOCK)
		sha256_digest(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ SHA256_IPAD;
	sha256_init(&m->inner);
	sha256_update(&m->inner, pad, sizeof(pad));
	for (i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ SHA256_OPAD;
	sha256_init(&m->outer);
	sha256_update(&m->outer, pad, sizeof(pad));
	wipe(k, sizeof(k));
	wipe(pad, sizeof(pad));
}

void
sha256_hmac_update(struct sha256_hmac *m, const void *data, size_t n)
{
	sha256_update(&m->inner, data, n);
}

void
sha256_hmac_final(struct sha256_hmac *m, unsigned char out[SHA256_LEN])
{
	unsigned char ih[SHA256_LEN];

	sha256_final(&m->inner, ih);
	sha256_update(&m->outer, ih, sizeof(ih));
	sha256_final(&m->outer, out);
	wipe(ih, sizeof(ih));
}

void
sha256_hmac(const void *key, size_t keylen, const void *data, size_t n,
    unsigned char out[SHA256_LEN])
{
	struct sha256_hmac m;

	sha256_hmac_init(&m, key, keylen);
	sha256_hmac_update(&m, data, n);
	sha256_hmac_final(&m, out);
}
