/*
 * parse_bench.c - parses one multipart/form-data or urlencoded body file N
 * times through form_read_body and prints throughput and peak RSS, for
 * comparison with Python's cgi.FieldStorage on the same file; or, with -F,
 * measures the spill floor of the file: what copying it to a temp file
 * costs, the least a parser that keeps memory flat on an upload must do.
 *
 * usage: parse_bench [-s SPILL] FILE [CONTENT_TYPE [N]]   (bench/parse.sh)
 *        parse_bench [-n N] [-s SPILL] [-t CONTENT_TYPE] FILE
 *        parse_bench -F FILE [N]                           (spill floor)
 *        parse_bench -g multipart|urlencoded SIZE FILE     (write a body)
 *
 * N defaults to 10. Without a type, a file starting with "--" is multipart
 * with the boundary of its first line, anything else urlencoded. Limits
 * are the defaults (spill threshold included, so uploads go to a temp file
 * as in production) with the size and count limits raised to what the
 * file needs, so a bench body is never refused; -s sets the spill
 * threshold. One form is made with form_new and reused with form_reset
 * between parses, as a resident (FastCGI) program does. Output:
 *
 *   parse_bench: TYPE BYTES bytes x N: X MB/s, peak RSS Y KiB
 *   parse_bench: first parse: Z MB/s (T us, form_new included)
 *
 * X is over parses 2..N (the steady state of a resident program; with
 * N = 1 it is the one parse), Z the first parse of this fresh process,
 * page faults of its new heap and stack included (what a one-shot CGI
 * program pays, less exec and dynamic loading). -F prints the same two
 * lines with "spill-floor" for TYPE and "first pass" for "first parse":
 * each pass reads the file with read(2) in 64 KiB chunks (FORM_READ_CHUNK
 * in lib/form.c) and writes every byte to a fresh unlinked temp file
 * (O_TMPFILE, else mkostemp + unlink) in $TMPDIR or /tmp, then closes it.
 * The body is read from the file with read(2) each time, as a CGI program
 * reads stdin, so the RSS is the parser's and not a copy of the body.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "form.h"
#include "form_file.h"
#include "str.h"

/* Reads the body from the file, as a CGI program reads its stdin. */
static ssize_t
fd_read(void *ctx, void *out, size_t n)
{
	return read(*(int *)ctx, out, n);
}

/* Bytes per read(2) of the spill floor: FORM_READ_CHUNK in lib/form.c. */
#define FLOOR_CHUNK 65536

/* CLOCK_MONOTONIC in seconds; -1 on failure. */
static double
now(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_MONOTONIC, &t) == -1)
		return -1;
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* An unlinked temp file in $TMPDIR or /tmp, opened by the very call
 * libcgi spills uploads with. */
static int
tmp_open(void)
{
	const char *dir = getenv("TMPDIR");
	bool tmpfile;

	return form_file_tmp_open(dir != NULL && *dir != '\0' ? dir : "/tmp",
	    &tmpfile);
}

/* One pass of the spill floor: the whole file into a fresh temp file. */
static int
floor_pass(int fd, char *chunk)
{
	ssize_t got, w;
	size_t off;
	int out;

	if (lseek(fd, 0, SEEK_SET) == -1 || (out = tmp_open()) == -1)
		return -1;
	for (;;) {
		got = read(fd, chunk, FLOOR_CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		for (off = 0; off < (size_t)got; off += (size_t)w) {
			w = write(out, chunk + off, (size_t)got - off);
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				goto fail;
		}
	}
	if (got < 0)
		goto fail;
	return close(out);
fail:
	(void)close(out);
	return -1;
}

/* The two output lines (see the file comment); secs per pass. */
static int
report(const char *what, const char *first, size_t size, uint64_t n,
    double first_secs, double rest_secs)
{
	struct rusage ru;
	double steady;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 1;
	steady = n > 1 ? rest_secs / (double)(n - 1) : first_secs;
	printf(
	    "parse_bench: %s %zu bytes x %llu: %.1f MB/s, peak RSS %ld KiB\n",
	    what, size, (unsigned long long)n,
	    steady > 0 ? (double)size / steady / 1e6 : 0.0, ru.ru_maxrss);
	printf("parse_bench: %s: %.1f MB/s (%.0f us%s)\n", first,
	    first_secs > 0 ? (double)size / first_secs / 1e6 : 0.0,
	    first_secs * 1e6,
	    strcmp(first, "first parse") == 0 ? ", form_new included" : "");
	return fflush(stdout) == EOF ? 1 : 0;
}

/* The size of the open file and its first bytes (for guess_type). */
static int
load_head(int fd, struct buf *head, size_t *size)
{
	struct stat st;
	char chunk[4096];
	ssize_t got;

	if (fstat(fd, &st) == -1)
		return -1;
	*size = (size_t)st.st_size;
	if ((got = pread(fd, chunk, sizeof(chunk), 0)) < 0)
		return -1;
	return buf_append(head, chunk, (size_t)got);
}

/* A browser-shaped body: one field, then one file of size bytes. */
static int
generate(const char *kind, uint64_t size, const char *path)
{
	FILE *fp;
	uint64_t i;
	uint32_t x = 2463534242u;
	int ch;

	if ((fp = fopen(path, "wb")) == NULL)
		return -1;
	if (strcmp(kind, "multipart") == 0) {
		if (fputs(
		        "--BenchBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition:"
		        " form-data; name=\"title\"\r\n\r\nbench\r\n--"
		        "BenchBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: "
		        "form-data; name=\"file\"; filename=\"data.bin\"\r\n"
		        "Content-Type: application/octet-stream\r\n\r\n",
		        fp) == EOF)
			goto fail;
		for (i = 0; i < size; i++) {
			x ^= x << 13; /* xorshift32: incompressible bytes */
			x ^= x >> 17;
			x ^= x << 5;
			if (putc((int)(x & 0xff), fp) == EOF)
				goto fail;
		}
		if (fputs("\r\n--BenchBoundary7MA4YWxkTrZu0gW--\r\n", fp) ==
		    EOF)
			goto fail;
	} else {
		for (i = 0; i < size; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			ch = i % 16 == 15 ? '&'
			    : i % 16 == 3 ? '='
			    : x % 7 == 0  ? '+'
			    : x % 11 == 0 ? '%'
			                  : 'a' + (int)(x % 26);
			if (ch == '%' && fputs("%4", fp) == EOF)
				goto fail;
			if (putc(ch == '%' ? '1' : ch, fp) == EOF)
				goto fail;
		}
	}
	return fclose(fp);
fail:
	(void)fclose(fp);
	return -1;
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: parse_bench [-n N] [-s SPILL] [-t TYPE] FILE\n"
	    "       parse_bench -F FILE [N]\n"
	    "       parse_bench -g multipart|urlencoded SIZE FILE\n");
	return 2;
}

/* The content type for a body without -t: see the file comment. */
static int
guess_type(const struct buf *body, struct buf *ct)
{
	const char *eol;

	if (body->len < 3 || memcmp(body->data, "--", 2) != 0)
		return buf_puts(ct, "application/x-www-form-urlencoded");
	if ((eol = memchr(body->data, '\r', body->len)) == NULL)
		return -1;
	if (buf_puts(ct, "multipart/form-data; boundary=\"") == -1 ||
	    buf_append(ct, body->data + 2, (size_t)(eol - body->data - 2)) ||
	    buf_putc(ct, '"') == -1)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct form_limits lim;
	struct form *f;
	struct buf body, ct, cl;
	size_t size;
	int fd;
	const char *type = NULL;
	uint64_t n = 10, v, i;
	enum form_err err;
	double t0, t1, first = 0, rest = 0;
	int opt, spill_floor = 0, rc;
	char *chunk;

	form_limits_default(&lim);
	buf_init(&body, 0);
	buf_init(&ct, 0);
	buf_init(&cl, 64);
	while ((opt = getopt(argc, argv, "Fg:n:s:t:")) != -1) {
		if (opt == 'F') {
			spill_floor = 1;
			continue;
		}
		if (opt == 'g') {
			if (argc - optind != 2)
				return usage();
			if (str_to_u64(str_from(argv[optind]), UINT64_MAX, &v))
				return usage();
			if (generate(optarg, v, argv[optind + 1]) != 0) {
				perror(argv[optind + 1]);
				return 1;
			}
			return 0;
		}
		if (opt == 't') {
			type = optarg;
			continue;
		}
		if (opt == '?' || str_to_u64(str_from(optarg), SIZE_MAX, &v))
			return usage();
		if (opt == 'n')
			n = v;
		else
			lim.spill_threshold = (size_t)v;
	}
	if (spill_floor) {
		/* -F FILE [N] */
		if (optind + 2 == argc &&
		    str_to_u64(str_from(argv[optind + 1]), UINT64_MAX, &n))
			return usage();
		if (optind >= argc || optind + 2 < argc || n == 0)
			return usage();
	} else {
		if (optind + 2 <= argc)
			type = argv[optind + 1];
		if (optind + 3 == argc &&
		    str_to_u64(str_from(argv[optind + 2]), UINT64_MAX, &n))
			return usage();
		if (optind >= argc || optind + 3 < argc || n == 0)
			return usage();
	}
	if ((fd = open(argv[optind], O_RDONLY | O_CLOEXEC)) == -1 ||
	    load_head(fd, &body, &size) != 0) {
		perror(argv[optind]);
		return 1;
	}
	if (spill_floor) {
		if ((chunk = malloc(FLOOR_CHUNK)) == NULL)
			return 1;
		for (i = 0; i < n; i++) {
			if ((t0 = now()) < 0 || floor_pass(fd, chunk) != 0 ||
			    (t1 = now()) < 0) {
				perror("parse_bench: spill floor");
				return 1;
			}
			if (i == 0)
				first = t1 - t0;
			else
				rest += t1 - t0;
		}
		free(chunk);
		rc = report("spill-floor", "first pass", size, n, first, rest);
		goto out;
	}
	if ((type != NULL ? buf_puts(&ct, type) : guess_type(&body, &ct)) ||
	    buf_printf(&cl, "%zu", size) == -1)
		return usage();
	if (lim.max_body < size) {
		lim.max_body = size;
		lim.max_file_size = lim.max_disk = size;
	}
	if (lim.max_fields < size / 2 + 1)
		lim.max_fields = size / 2 + 1; /* "a&b&...": len/2+1 */
	if (lim.max_value < size)
		lim.max_value = lim.max_name = size;
	/* The first parse is timed with form_new, as a CGI program runs. */
	if ((t0 = now()) < 0 || (f = form_new(&lim)) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		if (i > 0 && (t0 = now()) < 0)
			return 1;
		if (lseek(fd, 0, SEEK_SET) == -1)
			return 1;
		if (i > 0)
			form_reset(f, NULL);
		err = form_read_body(f, fd_read, &fd, buf_cstr(&ct),
		    buf_cstr(&cl), 0);
		if (err != FORM_OK) {
			fprintf(stderr, "parse_bench: %s\n", form_err_str(err));
			return 1;
		}
		if ((t1 = now()) < 0)
			return 1;
		if (i == 0)
			first = t1 - t0;
		else
			rest += t1 - t0;
	}
	form_free(f);
	rc = report(buf_cstr(&ct), "first parse", size, n, first, rest);
out:
	(void)close(fd);
	buf_fini(&body);
	buf_fini(&ct);
	buf_fini(&cl);
	return rc;
}
