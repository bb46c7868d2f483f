/*
 * sha256.h - SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), internal to
 * libcgi and its tests.
 *
 * Pure functions over caller-provided state: no allocation, no globals.
 * Used by cgi_sign.c for signed cookies; not part of the public API.
 */
#ifndef LIB_SHA256_H
#define LIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN   32 /* bytes of a digest */
#define SHA256_BLOCK 64 /* bytes of one compression block */

/* One digest in progress. A struct is reused only after sha256_init. */
struct sha256 {
	uint32_t h[8];                     /* chaining value */
	uint64_t len;                      /* bytes hashed so far */
	unsigned char block[SHA256_BLOCK]; /* a partial block */
	size_t nblock;                     /* bytes in block */
};

/* One HMAC in progress: the inner hash and the prepared outer one. */
struct sha256_hmac {
	struct sha256 inner;
	struct sha256 outer;
};

void sha256_init(struct sha256 *s);
/* Hashes n more bytes of data (borrowed; NULL only with n == 0). */
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes the digest to out and wipes *s. */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN]);
/* The digest of data[0..n) in one call. */
void sha256_digest(const void *data, size_t n, unsigned char out[SHA256_LEN]);

/* HMAC-SHA256 under key[0..keylen) (borrowed; any length, RFC 2104). */
void sha256_hmac_init(struct sha256_hmac *m, const void *key, size_t keylen);
void sha256_hmac_update(struct sha256_hmac *m, const void *data, size_t n);
/* Writes the tag to out and wipes *m. */
void sha256_hmac_final(struct sha256_hmac *m, unsigned char out[SHA256_LEN]);
/* The tag of data[0..n) under key in one call. */
void sha256_hmac(const void *key, size_t keylen, const void *data, size_t n,
    unsigned char out[SHA256_LEN]);

#endif /* LIB_SHA256_H */
