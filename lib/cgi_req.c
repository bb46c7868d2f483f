/*
 * cgi_req.c - one request's input: reads query, cookies and body into the
 * field store (form.c) under the limits, and the public getters over it.
 *
 * Parsing and limits are form.c's; this module maps them to the public
 * statuses (enum cgi_err, HTTP 400/413) and shapes views (struct
 * cgi_field) the program sees. Output is cgi_out.c's.
 */
#include "cgi_req.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgi_path.h"
#include "form.h"
#include "multipart.h"
#include "str.h"
#include "urlencoded.h"

/* An upload as the program sees it: the form's file plus its field. */
struct cgi_file {
	const struct form_field *field;
	const char *name; /* sanitised, never empty */
};

const char *
cgi_req_env(const struct cgi_req *r, const char *name)
{
	if (r == NULL || name == NULL || r->io.getenv == NULL)
		return NULL;
	return r->io.getenv(r->io.ctx, name);
}

struct cgi_req *
cgi_req_new(struct cgi_app *app, const struct cgi_req_io *io,
    const struct cgi_limits *limits)
{
	struct cgi_limits def;
	struct cgi_req *r;
	const char *m;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->app = app;
	r->io = *io;
	cgi_limits_default(&def);
	r->lim = limits != NULL ? *limits : def;
	/* A zero field means the default (cgi.h). */
#define CGI_REQ_DEF(f)                                                         \
	if (r->lim.f == 0)                                                     \
		r->lim.f = def.f;
	CGI_REQ_DEF(max_body)
	CGI_REQ_DEF(max_fields)
	CGI_REQ_DEF(max_name)
	CGI_REQ_DEF(max_value)
	CGI_REQ_DEF(max_files)
	CGI_REQ_DEF(max_file_size)
	CGI_REQ_DEF(max_disk)
	CGI_REQ_DEF(max_part_headers)
	CGI_REQ_DEF(max_cookies)
	CGI_REQ_DEF(spill_threshold)
#undef CGI_REQ_DEF
	buf_init(&r->record, 0);
	buf_init(&r->out, 0);
	m = cgi_req_env(r, "REQUEST_METHOD");
	r->is_head = m != NULL && strcmp(m, "HEAD") == 0;
	return r;
}

/* One copy made by cgi_req_keep; a list, so earlier copies never move. */
struct cgi_req_kept {
	struct cgi_req_kept *next;
	char s[];
};

const char *
cgi_req_keep(struct cgi_req *r, const char *p, size_t n)
{
	struct cgi_req_kept *k;

	if (n > SIZE_MAX - sizeof(*k) - 1 ||
	    (k = malloc(sizeof(*k) + n + 1)) == NULL)
		return NULL;
	memcpy(k->s, p, n);
	k->s[n] = '\0';
	k->next = r->kept;
	r->kept = k;
	return k->s;
}

void
cgi_req_free(struct cgi_req *r)
{
	struct cgi_req_kept *k;

	if (r == NULL)
		return;
	while ((k = r->kept) != NULL) {
		r->kept = k->next;
		free(k);
	}
	cgi_app_form_back(r->app, r->form);
	free(r->fields);
	free(r->files);
	buf_fini(&r->record);
	cgi_path_free(r->path);
	cgi_out_fini(r);
	free(r);
}

/* form.c asks for body bytes; a copy goes to the recording if wanted. */
static ssize_t
body_read(void *ctx, void *p, size_t n)
{
	struct cgi_req *r = ctx;
	ssize_t got;

	got = r->io.read(r->io.ctx, p, n);
	if (got > 0 && r->recording &&
	    buf_append(&r->record, p, (size_t)got) == -1)
		r->recording = false; /* a recording is a debugging aid */
	return got;
}

static enum cgi_err
map_err(enum form_err e)
{
	switch (e) {
	case FORM_OK:
		return CGI_OK;
	case FORM_ENOMEM:
		return CGI_ENOMEM;
	case FORM_ESYSTEM:
		return CGI_ESYSTEM;
	case FORM_ELENGTH:
	case FORM_ETRUNCATED:
	case FORM_EMALFORMED:
	case FORM_EBOUNDARY:
	case FORM_ECOOKIES:
		return CGI_EFORM;
	default:
		return CGI_ELIMIT;
	}
}

/* Builds the public views: file fields show their sanitised name. */
static enum cgi_err
make_views(struct cgi_req *r)
{
	const struct form_field *ff;
	struct cgi_field *cf;
	size_t i, nf = 0;

	if (r->form->nfields == 0)
		return CGI_OK;
	r->fields = calloc(r->form->nfields, sizeof(*r->fields));
	r->files = calloc(r->form->nfields, sizeof(*r->files));
	if (r->fields == NULL || r->files == NULL)
		return CGI_ENOMEM;
	for (i = 0; i < r->form->nfields; i++) {
		ff = form_field_at(r->form, i);
		cf = &r->fields[i];
		cf->name = ff->name;
		cf->name_len = ff->name_len;
		cf->value = ff->value;
		cf->value_len = ff->value_len;
		cf->source = ff->source == FORM_QUERY ? CGI_SRC_QUERY
		    : ff->source == FORM_BODY         ? CGI_SRC_FORM
		                                      : CGI_SRC_COOKIE;
		if (ff->file == NULL || !form_file_chosen(ff->file))
			continue; /* L-MP-13: "no file chosen" is no upload */
		r->files[nf].field = ff;
		r->files[nf].name = ff->file->filename[0] != '\0'
		    ? ff->file->filename
		    : "upload";
		cf->file = &r->files[nf];
		cf->value = r->files[nf].name;
		cf->value_len = strlen(cf->value);
		nf++;
	}
	r->nfields = r->form->nfields;
	return CGI_OK;
}

static enum cgi_err
fail(struct cgi_req *r, enum cgi_err e, int status)
{
	r->in_err = e;
	r->in_status = status;
	return e;
}

enum cgi_err
cgi_req_load(struct cgi_req *r)
{
	struct form_limits fl;
	enum form_err fe;
	const char *s;
	enum cgi_err e;

	form_limits_default(&fl);
	fl.max_body = r->lim.max_body;
	fl.max_fields = r->lim.max_fields;
	fl.max_name = r->lim.max_name;
	fl.max_value = r->lim.max_value;
	fl.max_files = r->lim.max_files;
	fl.max_file_size = r->lim.max_file_size;
	fl.max_disk = r->lim.max_disk;
	fl.max_part_headers = r->lim.max_part_headers;
	fl.max_cookies = r->lim.max_cookies;
	fl.spill_threshold = r->lim.spill_threshold;
	fl.tmpdir = r->lim.tmpdir;
	if ((r->form = cgi_app_form(r->app, &fl)) == NULL)
		return fail(r, CGI_ENOMEM, 500);
	s = cgi_req_env(r, "QUERY_STRING");
	fe = form_parse_query(r->form, s, s != NULL ? strlen(s) : 0);
	if (fe != FORM_OK)
		return fail(r, map_err(fe), form_err_status(fe));
	s = cgi_req_env(r, "HTTP_COOKIE");
	fe = form_parse_cookies(r->form, s, s != NULL ? strlen(s) : 0);
	if (fe != FORM_OK && fe != FORM_ECOOKIES) /* extra cookies: dropped */
		return fail(r, map_err(fe), form_err_status(fe));
	fe = form_read_body(r->form, body_read, r,
	    cgi_req_env(r, "CONTENT_TYPE"), cgi_req_env(r, "CONTENT_LENGTH"),
	    (r->lim.flags & CGI_OPT_BODY_TO_EOF) != 0 ? FORM_READ_TO_EOF : 0);
	/* Fields parsed before a failure stay visible (query, cookies). */
	if ((e = make_views(r)) != CGI_OK)
		return fail(r, e, 500);
	if (fe != FORM_OK)
		return fail(r, map_err(fe), form_err_status(fe));
	return CGI_OK;
}

CGI_API enum cgi_err
cgi_input_error(const cgi_req *r, int *status)
{
	if (r == NULL)
		return CGI_EINVAL;
	if (status != NULL)
		*status = r->in_status;
	return r->in_err;
}

static bool
name_is(const struct cgi_field *f, const char *name)
{
	size_t n = strlen(name);

	return f->name_len == n && memcmp(f->name, name, n) == 0;
}

CGI_API const struct cgi_field *
cgi_find(cgi_req *r, unsigned sources, const char *name, size_t i)
{
	size_t k;

	if (r == NULL || name == NULL)
		return NULL;
	for (k = 0; k < r->nfields; k++) {
		if ((r->fields[k].source & sources) == 0 ||
		    !name_is(&r->fields[k], name))
			continue;
		/* L-CK-01: a cookie sent without a name ("b" in "a=1; b")
		 * is kept for iteration but found by no name, "" included. */
		if (r->fields[k].source == CGI_SRC_COOKIE &&
		    r->fields[k].name_len == 0)
			continue;
		if (i-- == 0)
			return &r->fields[k];
	}
	return NULL;
}

/* L-URL-08: the C-string API never truncates at an embedded NUL. */
static const char *
cstr(const struct cgi_field *f)
{
	if (f == NULL || strlen(f->value) != f->value_len)
		return NULL;
	return f->value;
}

CGI_API const char *
cgi_get(cgi_req *r, const char *name)
{
	return cstr(cgi_find(r, CGI_SRC_PARAMS, name, 0));
}

CGI_API const char *
cgi_query_get(cgi_req *r, const char *name)
{
	return cstr(cgi_find(r, CGI_SRC_QUERY, name, 0));
}

CGI_API const char *
cgi_form_get(cgi_req *r, const char *name)
{
	return cstr(cgi_find(r, CGI_SRC_FORM, name, 0));
}

CGI_API const char *
cgi_cookie_get(cgi_req *r, const char *name)
{
	return cstr(cgi_find(r, CGI_SRC_COOKIE, name, 0));
}

CGI_API const char *
cgi_get_nth(cgi_req *r, const char *name, size_t i)
{
	return cstr(cgi_find(r, CGI_SRC_PARAMS, name, i));
}

CGI_API size_t
cgi_count(cgi_req *r, const char *name)
{
	size_t k, n = 0;

	if (r == NULL || name == NULL)
		return 0;
	for (k = 0; k < r->nfields; k++) /* one pass: never quadratic */
		if ((r->fields[k].source & CGI_SRC_PARAMS) != 0 &&
		    name_is(&r->fields[k], name))
			n++;
	return n;
}

CGI_API size_t
cgi_nfields(cgi_req *r)
{
	return r != NULL ? r->nfields : 0;
}

CGI_API const struct cgi_field *
cgi_field_at(cgi_req *r, size_t i)
{
	if (r == NULL || i >= r->nfields)
		return NULL;
	return &r->fields[i];
}

CGI_API enum cgi_err
cgi_get_one(cgi_req *r, const char *name, const char **out, size_t *len)
{
	const struct cgi_field *f;

	if (r == NULL || name == NULL)
		return CGI_EINVAL;
	if ((f = cgi_find(r, CGI_SRC_PARAMS, name, 0)) == NULL)
		return CGI_MISSING;
	if (cgi_find(r, CGI_SRC_PARAMS, name, 1) != NULL)
		return CGI_DUP;
	if (f->value_len == 0)
		return CGI_EMPTY;
	if (cstr(f) == NULL)
		return CGI_INVALID;
	if (out != NULL)
		*out = f->value;
	if (len != NULL)
		*len = f->value_len;
	return CGI_OK;
}

/* The single value of name with SP/HTAB trimmed, as a view. */
static enum cgi_err
one_trimmed(cgi_req *r, const char *name, struct str *v)
{
	const char *s;
	size_t n;
	enum cgi_err e;

	if ((e = cgi_get_one(r, name, &s, &n)) != CGI_OK)
		return e;
	*v = str_trim((struct str){ s, n });
	return v->len == 0 ? CGI_EMPTY : CGI_OK;
}

CGI_API enum cgi_err
cgi_get_int(cgi_req *r, const char *name, long long min, long long max,
    long long *out)
{
	struct str v;
	uint64_t u;
	bool neg = false;
	long long x;
	enum cgi_err e;

	if ((e = one_trimmed(r, name, &v)) != CGI_OK)
		return e;
	if (v.p[0] == '-' || v.p[0] == '+') {
		neg = v.p[0] == '-';
		v.p++;
		v.len--;
	}
	if (v.len == 0)
		return CGI_INVALID;
	if (str_to_u64(v, UINT64_MAX, &u) == -1) {
		/* Digits only, but too many of them: out of range. */
		while (v.len > 0 && v.p[0] >= '0' && v.p[0] <= '9') {
			v.p++;
			v.len--;
		}
		return v.len == 0 ? CGI_RANGE : CGI_INVALID;
	}
	if (!neg && u > (uint64_t)LLONG_MAX)
		return CGI_RANGE;
	if (neg && u > (uint64_t)LLONG_MAX + 1)
		return CGI_RANGE;
	x = neg ? (u == (uint64_t)LLONG_MAX + 1 ? LLONG_MIN : -(long long)u)
	        : (long long)u;
	if (x < min || x > max)
		return CGI_RANGE;
	if (out != NULL)
		*out = x;
	return CGI_OK;
}

/* [-+]? digits [. digits]? ([eE] [-+]? digits)? with digits somewhere. */
static bool
decimal_syntax(struct str v)
{
	size_t i = 0, d = 0;

	if (i < v.len && (v.p[i] == '-' || v.p[i] == '+'))
		i++;
	for (; i < v.len && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		d++;
	if (i < v.len && v.p[i] == '.')
		for (i++; i < v.len && v.p[i] >= '0' && v.p[i] <= '9'; i++)
			d++;
	if (d == 0)
		return false;
	if (i < v.len && (v.p[i] == 'e' || v.p[i] == 'E')) {
		i++;
		if (i < v.len && (v.p[i] == '-' || v.p[i] == '+'))
			i++;
		for (d = 0; i < v.len && v.p[i] >= '0' && v.p[i] <= '9'; i++)
			d++;
		if (d == 0)
			return false;
	}
	return i == v.len;
}

CGI_API enum cgi_err
cgi_get_double(cgi_req *r, const char *name, double min, double max,
    double *out)
{
	char tmp[128], *end;
	struct str v;
	double x;
	enum cgi_err e;

	if ((e = one_trimmed(r, name, &v)) != CGI_OK)
		return e;
	if (!decimal_syntax(v) || v.len >= sizeof(tmp))
		return CGI_INVALID;
	memcpy(tmp, v.p, v.len);
	tmp[v.len] = '\0';
	errno = 0;
	x = strtod(tmp, &end);
	if (*end != '\0')
		return CGI_INVALID; /* a locale whose decimal point is not '.'
		                     */
	if ((errno == ERANGE && isinf(x)) || isnan(x) || x < min || x > max)
		return CGI_RANGE;
	if (out != NULL)
		*out = x;
	return CGI_OK;
}

CGI_API enum cgi_err
cgi_get_bool(cgi_req *r, const char *name, bool *out)
{
	static const char *const yes[] = { "on", "true", "yes", "1" };
	static const char *const no[] = { "off", "false", "no", "0" };
	struct str v;
	size_t i;
	enum cgi_err e;

	if ((e = one_trimmed(r, name, &v)) != CGI_OK)
		return e;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (str_caseeq(v, str_from(yes[i]))) {
			if (out != NULL)
				*out = true;
			return CGI_OK;
		}
		if (str_caseeq(v, str_from(no[i]))) {
			if (out != NULL)
				*out = false;
			return CGI_OK;
		}
	}
	return CGI_INVALID;
}

CGI_API enum cgi_err
cgi_get_choice(cgi_req *r, const char *name, const char *const *choices,
    size_t nchoices, size_t *out)
{
	const char *s;
	size_t n, i;
	enum cgi_err e;

	if (choices == NULL && nchoices > 0)
		return CGI_EINVAL;
	if ((e = cgi_get_one(r, name, &s, &n)) != CGI_OK)
		return e;
	for (i = 0; i < nchoices; i++) {
		if (choices[i] != NULL && strcmp(choices[i], s) == 0) {
			if (out != NULL)
				*out = i;
			return CGI_OK;
		}
	}
	return CGI_INVALID;
}

CGI_API const struct cgi_file *
cgi_file_get(cgi_req *r, const char *name)
{
	const struct cgi_field *f;
	size_t i = 0;

	while ((f = cgi_find(r, CGI_SRC_FORM, name, i++)) != NULL)
		if (f->file != NULL)
			return f->file;
	return NULL;
}

CGI_API const char *
cgi_file_field(const struct cgi_file *f)
{
	return f != NULL ? f->field->name : NULL;
}

CGI_API const char *
cgi_file_name(const struct cgi_file *f)
{
	return f != NULL ? f->name : NULL;
}

CGI_API const char *
cgi_file_raw_name(const struct cgi_file *f)
{
	return f != NULL ? f->field->file->raw_filename : NULL;
}

CGI_API const char *
cgi_file_type(const struct cgi_file *f)
{
	if (f == NULL)
		return NULL;
	/* RFC 7578 4.4: a part without Content-Type is text/plain, but a
	 * file is bytes until the program decides otherwise. */
	return f->field->file->content_type[0] != '\0'
	    ? f->field->file->content_type
	    : "application/octet-stream";
}

CGI_API size_t
cgi_file_size(const struct cgi_file *f)
{
	return f != NULL ? (size_t)f->field->file->size : 0;
}

CGI_API const char *
cgi_file_data(const struct cgi_file *f)
{
	return f != NULL ? f->field->file->data : NULL;
}

CGI_API int
cgi_file_fd(const struct cgi_file *f)
{
	return f != NULL ? f->field->file->fd : -1;
}

CGI_API enum cgi_err
cgi_file_save(const struct cgi_file *f, const char *path)
{
	if (f == NULL || path == NULL)
		return CGI_EINVAL;
	if (form_file_save(f->field->file, path) == -1)
		return errno == ENOMEM ? CGI_ENOMEM : CGI_ESYSTEM;
	return CGI_OK;
}

CGI_API enum cgi_err
cgi_body(cgi_req *r, const char **data, size_t *len)
{
	struct str ct;

	if (r == NULL || data == NULL || len == NULL)
		return CGI_EINVAL;
	if (r->form == NULL)
		return CGI_ESTATE;
	ct = str_from(cgi_content_type(r));
	if (urlencoded_is_type(ct) || multipart_is_type(ct))
		return CGI_ENOSYS;
	*data = buf_cstr(&r->form->raw);
	*len = r->form->raw.len;
	return CGI_OK;
}

CGI_API bool
cgi_want_form(cgi_req *r)
{
	struct str ct;

	if (r == NULL || r->form == NULL)
		return false;
	ct = str_from(cgi_content_type(r));
	if (urlencoded_is_type(ct) || multipart_is_type(ct))
		return true;
	/* RFC 3875 8.2: a body of another type, or of no type at all, is
	 * not parsed as a form and must not pass for an empty one. */
	if (ct.len == 0 && r->form->raw.len == 0)
		return true;
	(void)cgi_error_page(r, 415);
	return false;
}

CGI_API const char *
cgi_getenv(cgi_req *r, const char *name)
{
	return cgi_req_env(r, name);
}

static const char *
env_or(cgi_req *r, const char *name, const char *dflt)
{
	const char *v = cgi_req_env(r, name);

	return v != NULL ? v : dflt;
}

CGI_API const char *
cgi_method(cgi_req *r)
{
	const char *m = env_or(r, "REQUEST_METHOD", "");

	return *m != '\0' ? m : "GET";
}

CGI_API const char *
cgi_path_info(cgi_req *r)
{
	return env_or(r, "PATH_INFO", "");
}

CGI_API const char *
cgi_script_name(cgi_req *r)
{
	return env_or(r, "SCRIPT_NAME", "");
}

CGI_API const char *
cgi_query_string(cgi_req *r)
{
	return env_or(r, "QUERY_STRING", "");
}

CGI_API const char *
cgi_remote_addr(cgi_req *r)
{
	return env_or(r, "REMOTE_ADDR", "");
}

CGI_API const char *
cgi_content_type(cgi_req *r)
{
	return env_or(r, "CONTENT_TYPE", "");
}

CGI_API bool
cgi_https(cgi_req *r)
{
	const char *h = env_or(r, "HTTPS", "");

	return strcasecmp(h, "on") == 0 || strcmp(h, "1") == 0 ||
	    strcasecmp(env_or(r, "REQUEST_SCHEME", ""), "https") == 0;
}
