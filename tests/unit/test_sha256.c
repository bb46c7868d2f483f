/*
 * test_sha256.c - lib/sha256.c against published vectors: SHA-256 from
 * FIPS 180-2 appendix B / the NIST examples, HMAC-SHA256 from RFC 4231
 * section 4. Signed cookies (L-CK-07, L-3875-9.7) rest on these.
 *
 * Every short message is also fed split at every offset, and byte by
 * byte, so the partial-block path of sha256_update is proved as well as
 * the whole-block one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sha256.h"

/* Decodes 2n hex digits of hex into out[0..n). */
static void
unhex(const char *hex, unsigned char *out, size_t n)
{
	unsigned v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			exit(2);
		out[i] = (unsigned char)v;
	}
}

/* A message is msg, or when msg is NULL, rep copies of the byte fill. */
static const struct {
	const char *name;
	const char *msg;
	size_t rep;
	char fill;
	const char *digest;
} sha_rows[] = {
	{ "FIPS empty", "", 0, 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"
	    "5" },
	{ "FIPS abc (one block)", "abc", 0, 0,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"
	    "d" },
	{ "FIPS 448-bit (two blocks)",
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0, 0,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c"
	    "1" },
	{ "FIPS 896-bit",
	    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	    0, 0,
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d"
	    "1" },
	/* Padding edges; digests from python3 hashlib.sha256(b"a" * n). */
	{ "55 a (padding fits)", NULL, 55, 'a',
	    "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f73431"
	    "8" },
	{ "56 a (padding spills)", NULL, 56, 'a',
	    "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738"
	    "a" },
	{ "63 a", NULL, 63, 'a',
	    "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f3"
	    "4" },
	{ "64 a (one whole block)", NULL, 64, 'a',
	    "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668e"
	    "b" },
	{ "65 a", NULL, 65, 'a',
	    "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae"
	    "0" },
	{ "119 a", NULL, 119, 'a',
	    "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcf"
	    "b" },
	{ "FIPS one million a", NULL, 1000000, 'a',
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd"
	    "0" },
};

/* Messages up to this size are also fed split at every offset. */
#define SPLIT_MAX 256

static void
test_sha256(void)
{
	unsigned char want[SHA256_LEN], got[SHA256_LEN];
	struct sha256 s;
	char name[160], *m;
	size_t i, n, cut, k;

	for (i = 0; i < sizeof(sha_rows) / sizeof(sha_rows[0]); i++) {
		n = sha_rows[i].msg != NULL ? strlen(sha_rows[i].msg)
		                            : sha_rows[i].rep;
		m = harness_exact(sha_rows[i].msg != NULL ? sha_rows[i].msg
		                                          : "",
		    sha_rows[i].msg != NULL ? n : 0);
		if (sha_rows[i].msg == NULL) {
			free(m);
			if ((m = malloc(n)) == NULL)
				exit(2);
			memset(m, sha_rows[i].fill, n);
		}
		unhex(sha_rows[i].digest, want, SHA256_LEN);

		sha256_digest(m, n, got);
		CHECK_MEM(sha_rows[i].name, got, SHA256_LEN, want, SHA256_LEN);

		/* Uneven pieces of 1..97 bytes: every nblock state occurs. */
		sha256_init(&s);
		for (cut = 0, k = 1; cut < n; cut += k, k = k % 97 + 1)
			sha256_update(&s, m + cut, k < n - cut ? k : n - cut);
		sha256_final(&s, got);
		(void)snprintf(name, sizeof(name), "%s, pieces of 1..97",
		    sha_rows[i].name);
		CHECK_MEM(name, got, SHA256_LEN, want, SHA256_LEN);

		for (cut = 0; n <= SPLIT_MAX && cut <= n; cut++) {
			sha256_init(&s);
			sha256_update(&s, m, cut);
			sha256_update(&s, m + cut, n - cut);
			sha256_final(&s, got);
			(void)snprintf(name, sizeof(name), "%s, split at %zu",
			    sha_rows[i].name, cut);
			CHECK_MEM(name, got, SHA256_LEN, want, SHA256_LEN);
		}
		free(m);
	}
}

/* RFC 4231 section 4: keys and data in hex; case 5 compares 128 bits. */
static const struct {
	const char *name;
	const char *key;
	const char *data;
	const char *tag;
} hmac_rows[] = {
	{ "RFC 4231 case 1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	    "4869205468657265",
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff"
	    "7" },
	{ "RFC 4231 case 2 (short key)", "4a656665",
	    "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384"
	    "3" },
	{ "RFC 4231 case 3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "dddddddddddddddddddddddddddddddddddddddddddddddddd"
	    "dddddddddddddddddddddddddddddddddddddddddddddddddd",
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565f"
	    "e" },
	{ "RFC 4231 case 4",
	    "0102030405060708090a0b0c0d0e0f10111213141516171819",
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665"
	    "b" },
	{ "RFC 4231 case 5 (truncated to 128 bits)",
	    "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	    "546573742057697468205472756e636174696f6e",
	    "a3b6167473100ee06e0c796c2955552b" },
	{ "RFC 4231 case 6 (131-byte key)",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	    "65204b6579202d2048617368204b6579204669727374",
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f5"
	    "4" },
	{ "RFC 4231 case 7 (131-byte key, long data)",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "5468697320697320612074657374207573696e672061206c6172676572207468"
	    "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
	    "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
	    "647320746f20626520686173686564206265666f7265206265696e6720757365"
	    "642062792074686520484d414320616c676f726974686d2e",
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e"
	    "2" },
};

static void
test_hmac(void)
{
	unsigned char key[256], data[256], want[SHA256_LEN], got[SHA256_LEN];
	struct sha256_hmac m;
	size_t i, nkey, ndata, ntag, cut;
	char name[160], *k, *d;

	for (i = 0; i < sizeof(hmac_rows) / sizeof(hmac_rows[0]); i++) {
		nkey = strlen(hmac_rows[i].key) / 2;
		ndata = strlen(hmac_rows[i].data) / 2;
		ntag = strlen(hmac_rows[i].tag) / 2;
		unhex(hmac_rows[i].key, key, nkey);
		unhex(hmac_rows[i].data, data, ndata);
		unhex(hmac_rows[i].tag, want, ntag);
		k = harness_exact(key, nkey);
		d = harness_exact(data, ndata);

		sha256_hmac(k, nkey, d, ndata, got);
		CHECK_MEM(hmac_rows[i].name, got, ntag, want, ntag);

		for (cut = 0; cut <= ndata; cut++) {
			sha256_hmac_init(&m, k, nkey);
			sha256_hmac_update(&m, d, cut);
			sha256_hmac_update(&m, d + cut, ndata - cut);
			sha256_hmac_final(&m, got);
			(void)snprintf(name, sizeof(name), "%s, split at %zu",
			    hmac_rows[i].name, cut);
			CHECK_MEM(name, got, ntag, want, ntag);
		}
		free(k);
		free(d);
	}
}

/* The key and the data both count: one bit off in either changes it. */
static void
test_hmac_sensitivity(void)
{
	unsigned char key[32], a[SHA256_LEN], b[SHA256_LEN];

	memset(key, 0x42, sizeof(key));
	sha256_hmac(key, sizeof(key), "value", 5, a);
	key[31] ^= 1;
	sha256_hmac(key, sizeof(key), "value", 5, b);
	CHECK("one key bit changes the tag", memcmp(a, b, SHA256_LEN) != 0);
	key[31] ^= 1;
	sha256_hmac(key, sizeof(key), "valuf", 5, b);
	CHECK("one data bit changes the tag", memcmp(a, b, SHA256_LEN) != 0);
	sha256_hmac(key, sizeof(key), "value", 5, b);
	CHECK_MEM("same input, same tag", a, SHA256_LEN, b, SHA256_LEN);
}

int
main(void)
{
	test_sha256();
	test_hmac();
	test_hmac_sensitivity();
	return harness_done();
}
