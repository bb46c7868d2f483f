/*
 * form.c - the per-request field store and body reader (form.h).
 *
 * Work in progress: the contract in form.h is fixed; the body is being
 * written.
 */
#include "form.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void
form_limits_default(struct form_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
}

int
form_err_status(enum form_err err)
{
	return err == FORM_OK ? 0 : 500;
}

const char *
form_err_str(enum form_err err)
{
	(void)err;
	return "not written yet";
}

struct form *
form_new(const struct form_limits *lim)
{
	struct form *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if (lim != NULL)
		f->lim = *lim;
	else
		form_limits_default(&f->lim);
	return f;
}

void
form_free(struct form *f)
{
	free(f);
}

enum form_err
form_parse_query(struct form *f, const char *qs, size_t n)
{
	(void)qs;
	(void)n;
	return f->err = FORM_ENOMEM;
}

enum form_err
form_parse_cookies(struct form *f, const char *hdr, size_t n)
{
	(void)hdr;
	(void)n;
	return f->err = FORM_ENOMEM;
}

enum form_err
form_read_body(struct form *f, form_read_fn *rd, void *ctx,
    const char *content_type, const char *content_length, unsigned flags)
{
	(void)rd;
	(void)ctx;
	(void)content_type;
	(void)content_length;
	(void)flags;
	return f->err = FORM_ENOMEM;
}

const struct form_field *
form_get_n(const struct form *f, unsigned sources, const char *name,
    size_t name_len, size_t nth)
{
	(void)f;
	(void)sources;
	(void)name;
	(void)name_len;
	(void)nth;
	return NULL;
}

const struct form_field *
form_get(const struct form *f, unsigned sources, const char *name, size_t nth)
{
	return form_get_n(f, sources, name, strlen(name), nth);
}

size_t
form_count_n(const struct form *f, unsigned sources, const char *name,
    size_t name_len)
{
	(void)f;
	(void)sources;
	(void)name;
	(void)name_len;
	return 0;
}

size_t
form_count(const struct form *f, unsigned sources, const char *name)
{
	return form_count_n(f, sources, name, strlen(name));
}

const struct form_field *
form_nth(const struct form *f, unsigned sources, size_t nth)
{
	(void)f;
	(void)sources;
	(void)nth;
	return NULL;
}

bool
form_file_chosen(const struct form_file *file)
{
	return file->size > 0 || file->raw_filename_len > 0;
}

int
form_file_save(const struct form_file *file, const char *path)
{
	(void)file;
	(void)path;
	errno = ENOSYS;
	return -1;
}

ssize_t
form_file_read(const struct form_file *file, uint64_t off, void *buf, size_t n)
{
	(void)file;
	(void)off;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
}

size_t
form_sanitize_filename(const char *raw, size_t n, char *out, size_t cap)
{
	(void)raw;
	(void)n;
	if (cap > 0)
		out[0] = '\0';
	return 0;
}
