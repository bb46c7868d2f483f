/*
 * upload.c - a file upload: the program reports the file's name, size,
 * type and SHA-256.
 *
 * GET shows a multipart form; POST reads the file libcgi parsed (held in
 * memory when small, in an unlinked temp file past the spill threshold)
 * and hashes it. SHA-256 (FIPS 180-4) is written out here, about 100
 * lines, so the example needs no crypto library. Nothing is kept: the
 * temp file goes away with the request.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cgi.h>

/* Defence in depth behind the escaping: this page runs no script at all,
 * loads only our stylesheet, and posts forms only to this site. */
#define EXAMPLE_CSP                                                            \
	"default-src 'none'; style-src 'self'; form-action 'self'; "           \
	"base-uri 'none'; frame-ancestors 'none'"

#define UPLOAD_MAX_FILE (32u * 1024 * 1024) /* bytes */

/* ---- SHA-256, FIPS 180-4 ---- */

struct sha256 {
	uint32_t h[8];
	uint64_t nbytes;
	unsigned char block[64];
	size_t nblock; /* bytes waiting in block */
};

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

static uint32_t
ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void
sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
		0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof(h0));
	s->nbytes = 0;
	s->nblock = 0;
}

/* FIPS 180-4 6.2.2: one 64-byte block into the state. */
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
		    (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
		        (w[i - 15] >> 3)) +
		    w[i - 7] +
		    (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
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
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t take;

	s->nbytes += len;
	while (len > 0) {
		take = 64 - s->nblock < len ? 64 - s->nblock : len;
		memcpy(s->block + s->nblock, p, take);
		s->nblock += take;
		p += take;
		len -= take;
		if (s->nblock == 64) {
			sha256_block(s, s->block);
			s->nblock = 0;
		}
	}
}

/* Pads (FIPS 180-4 5.1.1) and writes the digest as 64 hex digits + NUL. */
static void
sha256_hex(struct sha256 *s, char out[65])
{
	static const unsigned char pad[64] = { 0x80 };
	unsigned char len[8];
	uint64_t bits = s->nbytes * 8;
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, 1 + (119 - s->nblock) % 64);
	sha256_update(s, len, 8);
	for (i = 0; i < 32; i++) {
		out[2 * i] =
		    "0123456789abcdef"[(s->h[i / 4] >> (28 - 8 * (i % 4))) &
		        15];
		out[2 * i + 1] =
		    "0123456789abcdef"[(s->h[i / 4] >> (24 - 8 * (i % 4))) &
		        15];
	}
	out[64] = '\0';
}

/* ---- The program ---- */

/*
 * Hashes the uploaded file: from memory, or by pread(2) from its temp file
 * (libcgi owns the descriptor; pread leaves its offset alone). 0, or -1
 * with errno set.
 */
static int
hash_file(const struct cgi_file *f, char out[65])
{
	const char *data = cgi_file_data(f);
	int fd = cgi_file_fd(f);
	struct sha256 s;
	char chunk[65536];
	off_t off = 0;
	ssize_t n;

	sha256_init(&s);
	if (data != NULL) {
		sha256_update(&s, data, cgi_file_size(f));
	} else if (fd >= 0) {
		while ((n = pread(fd, chunk, sizeof(chunk), off)) != 0) {
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				return -1;
			sha256_update(&s, chunk, (size_t)n);
			off += n;
		}
		if ((uint64_t)off != cgi_file_size(f)) {
			errno = EIO;
			return -1;
		}
	} else if (cgi_file_size(f) != 0) {
		errno = ENOENT;
		return -1;
	}
	sha256_hex(&s, out);
	return 0;
}

static enum cgi_err
page_head(cgi_req *r)
{
	return cgi_html(r,
	    "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<title>File upload</title>\n"
	    "<link rel=\"stylesheet\" href=\"/style.css\">\n"
	    "</head>\n<body>\n<header class=\"site\">\n"
	    "<a class=\"home\" href=\"/\">cgihttpd examples</a>\n"
	    "<p>A multipart upload, read with libcgi.</p>\n"
	    "</header>\n<main id=\"main\">\n"
	    "<h1>File upload</h1>\n");
}

static enum cgi_err
page_form(cgi_req *r)
{
	return cgi_html(r,
	    "<form class=\"card\" method=\"post\" action=\"%s\" "
	    "enctype=\"multipart/form-data\">\n"
	    "<p class=\"field\"><label for=\"file\">File"
	    "<span class=\"hint\">Up to 32 MiB. It is hashed, then "
	    "forgotten.</span></label>\n"
	    "<input type=\"file\" id=\"file\" name=\"file\" required></p>\n"
	    "<button type=\"submit\">Upload</button>\n"
	    "</form>\n"
	    "<p>Compare with <code>sha256sum FILE</code> on your "
	    "machine.</p>\n"
	    "</main>\n</body>\n</html>\n",
	    cgi_script_name(r));
}

/* The report on an uploaded file. */
static enum cgi_err
page_report(cgi_req *r, const struct cgi_file *f)
{
	char hex[65];
	enum cgi_err e;

	if (hash_file(f, hex) == -1) {
		fprintf(stderr, "upload: reading the file: %s\n",
		    strerror(errno));
		return cgi_error_page(r, 500);
	}
	if ((e = page_head(r)) != CGI_OK)
		return e;
	if ((e = cgi_html(r,
	         "<section class=\"card\" aria-labelledby=\"got\">\n"
	         "<h2 id=\"got\">Received</h2>\n<dl class=\"facts\">\n"
	         "<dt>Name, as sent</dt><dd id=\"raw-name\">%s</dd>\n"
	         "<dt>Name, made safe by libcgi</dt>"
	         "<dd id=\"name\">%s</dd>\n"
	         "<dt>Size</dt><dd><span id=\"size\">%zu</span> bytes</dd>\n"
	         "<dt>Type (as the browser said)</dt><dd id=\"type\">%s</dd>\n"
	         "<dt>SHA-256</dt><dd><code id=\"sha256\">%s</code></dd>\n"
	         "<dt>Kept</dt><dd>%s</dd>\n"
	         "</dl>\n</section>\n<h2>Another one</h2>\n",
	         cgi_file_raw_name(f), cgi_file_name(f), cgi_file_size(f),
	         cgi_file_type(f), hex,
	         cgi_file_data(f) != NULL ? "in memory"
	                                  : "in an unlinked temporary file")) !=
	    CGI_OK)
		return e;
	return page_form(r);
}

static enum cgi_err
upload(cgi_req *r)
{
	const struct cgi_file *f;
	enum cgi_err e;

	if (!cgi_allow(r, "GET, POST"))
		return CGI_OK; /* answered 405 */
	if ((e = cgi_header_set(r, "Content-Security-Policy", EXAMPLE_CSP)) !=
	    CGI_OK)
		return e;
	if (strcmp(cgi_method(r), "POST") == 0) {
		if ((f = cgi_file_get(r, "file")) != NULL)
			return page_report(r, f);
		if ((e = cgi_status(r, 400)) != CGI_OK ||
		    (e = page_head(r)) != CGI_OK ||
		    (e = cgi_html(r,
		         "<p class=\"note bad\" id=\"nofile\">No "
		         "file came with the form: choose one "
		         "first.</p>\n")) != CGI_OK)
			return e;
		return page_form(r);
	}
	if ((e = page_head(r)) != CGI_OK)
		return e;
	return page_form(r);
}

int
main(int argc, char **argv)
{
	struct cgi_limits lim;
	cgi_app *app;
	cgi_req *r;
	enum cgi_err e;

	/* One file, up to 32 MiB: past that libcgi answers 413 by itself. */
	cgi_limits_default(&lim);
	lim.max_files = 1;
	lim.max_file_size = UPLOAD_MAX_FILE;
	lim.max_body = UPLOAD_MAX_FILE + 64 * 1024;
	lim.max_disk = UPLOAD_MAX_FILE;
	if ((app = cgi_open(argc, argv, &lim)) == NULL) {
		perror("upload: cgi_open");
		return 1;
	}
	while ((r = cgi_accept(app)) != NULL) {
		if ((e = upload(r)) != CGI_OK) {
			fprintf(stderr, "upload: %s\n", cgi_strerror(e));
			(void)cgi_error_page(r, 500);
		}
		(void)cgi_finish(r);
	}
	return cgi_close(app);
}
