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
#include "sha256.h"
#include "str.h"

/* Writes the digest as 64 lowercase hex digits and a NUL into hex. */
static void
digest_hex(struct sha256 *s, char *hex)
{
	unsigned char d[SHA256_LEN];
	size_t i;

	sha256_final(s, d);
	for (i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[d[i] & 0xf];
	}
	hex[2 * SHA256_LEN] = '\0';
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
	digest_hex(sh, hex);
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
