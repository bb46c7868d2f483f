/*
 * formdump.c - parses a query string, an urlencoded or multipart body, or
 * a Cookie header from stdin with libcgi's form store and prints the field
 * list in an unambiguous format, for the differential tests against
 * Python's standard library (tests/e2e/test_libcgi_diff.py).
 *
 * usage: formdump [-c CHUNK] [-s SPILL] query|cookie|body [CONTENT_TYPE]
 *
 * One line per field: "F <source> <name> <value>" or, for an upload,
 * "U <source> <name> <raw filename> <safe filename> <content type>
 * <content>", every string as lowercase hex ("-" when empty), then a final
 * "OK" or "ERR <status> <form_err text>". Exit status 0 either way; 2 on
 * a usage or system error. -c bounds each read so the body arrives split;
 * -s sets the spill threshold so uploads go through temp files.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "form.h"
#include "str.h"

struct reader {
	const char *p;
	size_t len, off, chunk;
};

static ssize_t
mem_read(void *ctx, void *out, size_t n)
{
	struct reader *r = ctx;

	if (n > r->chunk)
		n = r->chunk;
	if (n > r->len - r->off)
		n = r->len - r->off;
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return (ssize_t)n;
}

static void
hex(const char *p, size_t n)
{
	size_t i;

	putchar(' ');
	if (n == 0)
		putchar('-');
	for (i = 0; i < n; i++)
		printf("%02x", (unsigned char)p[i]);
}

static const char *
source_name(enum form_source s)
{
	return s == FORM_QUERY ? "query" : s == FORM_BODY ? "body" : "cookie";
}

static int
dump_file(const struct form_file *file)
{
	struct buf content;
	char chunk[8192];
	uint64_t off = 0;
	ssize_t got;

	buf_init(&content, 0);
	while ((got = form_file_read(file, off, chunk, sizeof(chunk))) > 0) {
		if (buf_append(&content, chunk, (size_t)got) == -1)
			return -1;
		off += (uint64_t)got;
	}
	if (got < 0 || off != file->size)
		return -1;
	hex(file->raw_filename, file->raw_filename_len);
	hex(file->filename, file->filename_len);
	hex(file->content_type, strlen(file->content_type));
	hex(buf_cstr(&content), content.len);
	buf_fini(&content);
	return 0;
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: formdump [-c CHUNK] [-s SPILL] "
	    "query|cookie|body [CONTENT_TYPE]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct form_limits lim;
	struct form *f;
	struct reader rd = { NULL, 0, 0, SIZE_MAX };
	struct buf in, cl;
	char chunk[65536];
	const struct form_field *fld;
	enum form_err err;
	ssize_t got;
	uint64_t v;
	size_t i;
	int opt;

	form_limits_default(&lim);
	while ((opt = getopt(argc, argv, "c:s:")) != -1) {
		if (opt == '?' || str_to_u64(str_from(optarg), SIZE_MAX, &v))
			return usage();
		if (opt == 'c' && v > 0)
			rd.chunk = (size_t)v;
		else if (opt == 's')
			lim.spill_threshold = (size_t)v;
	}
	if (optind >= argc)
		return usage();
	buf_init(&in, 0);
	while ((got = read(0, chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || buf_append(&in, chunk, (size_t)got) == -1) {
			perror("formdump: stdin");
			return 2;
		}
	}
	if ((f = form_new(&lim)) == NULL) {
		perror("formdump");
		return 2;
	}
	if (strcmp(argv[optind], "query") == 0) {
		err = form_parse_query(f, buf_cstr(&in), in.len);
	} else if (strcmp(argv[optind], "cookie") == 0) {
		err = form_parse_cookies(f, buf_cstr(&in), in.len);
	} else if (strcmp(argv[optind], "body") == 0) {
		rd.p = buf_cstr(&in);
		rd.len = in.len;
		buf_init(&cl, 64);
		if (buf_printf(&cl, "%zu", in.len) == -1)
			return 2;
		err = form_read_body(f, mem_read, &rd,
		    optind + 1 < argc ? argv[optind + 1] : NULL, buf_cstr(&cl),
		    0);
		buf_fini(&cl);
	} else {
		return usage();
	}
	for (i = 0; (fld = form_nth(f, FORM_ANY, i)) != NULL; i++) {
		fputs(fld->file != NULL ? "U " : "F ", stdout);
		fputs(source_name(fld->source), stdout);
		hex(fld->name, fld->name_len);
		if (fld->file == NULL)
			hex(fld->value, fld->value_len);
		else if (dump_file(fld->file) == -1)
			return 2;
		putchar('\n');
	}
	if (err == FORM_OK)
		printf("OK\n");
	else
		printf("ERR %d %s\n", form_err_status(err), form_err_str(err));
	form_free(f);
	buf_fini(&in);
	return fflush(stdout) == 0 ? 0 : 2;
}
