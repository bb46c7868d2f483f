/*
 * form.c - the per-request field store and body reader (form.h).
 *
 * Strings live in blocks chained from f->mem and released together by
 * form_free; string blocks double in size up to FORM_ARENA_MAX, and
 * field slots come in doubling blocks that never move (form.h), so no
 * field or string is ever copied to grow the store. A urlencoded body is
 * read into one buffer and its fields decoded in place there, each
 * counted only when it is complete, so a truncated field is never
 * reported; form_reset keeps the blocks for the next request. Uploads past
 * spill_threshold go to an unlinked temp file (O_TMPFILE, or mkostemp and
 * unlink, form_file.c), so memory does not depend on upload size.
 */
#include "form.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cookie.h"
#include "multipart.h"
#include "str.h"
#include "urlencoded.h"

#define FORM_READ_CHUNK   65536       /* bytes per read(2): one pipe's worth */
#define FORM_READ_MAX     (1u << 20)  /* most per read(2) into a body buffer */
#define FORM_MAX_PREAMBLE 65536       /* browsers send none; see form.h */
#define FORM_ARENA_BLOCK  16384       /* the first string block */
#define FORM_ARENA_MAX    (1u << 20)  /* string blocks grow up to this */
#define FORM_HUGE_BLOCK   (2u << 20)  /* field blocks this big: huge pages */
#define FORM_KEEP         (32u << 20) /* most bytes form_reset keeps */
#define FORM_POPULATE_MIN 65536       /* blocks mapped in at once: populate */

struct form_chunk {
	struct form_chunk *next;
	size_t size;         /* bytes of align[] */
	max_align_t align[]; /* the allocation itself */
};

void
form_limits_default(struct form_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	/* 64 MiB: room for a photo or a short video upload; bigger uploads
	 * are a deliberate choice (and a bigger --max-body in the server). */
	lim->max_body = 64u << 20;
	/* 1000 fields, as PHP's max_input_vars and Go's multipart part cap:
	 * real forms have dozens; each field costs a slot and two copies. */
	lim->max_fields = 1000;
	/* 1 KiB names: control names are short identifiers. */
	lim->max_name = 1024;
	/* 1 MiB values: a large textarea paste, yet 1000 of them still fit
	 * in max_body. */
	lim->max_value = 1u << 20;
	/* 20 uploads, as PHP's max_file_uploads: enough for an
	 * <input multiple> of photos, few enough to bound temp files. */
	lim->max_files = 20;
	/* One upload may use the whole body. */
	lim->max_file_size = 64u << 20;
	/* Temp disk for one request: the body bound, so a request cannot
	 * write more than it sent. */
	lim->max_disk = 64u << 20;
	/* 8 KiB per part header block, as a request head: browsers send
	 * two or three short lines (L-MP-19). */
	lim->max_part_headers = 8192;
	/* 180 cookies: the per-domain cap browsers have used; the header
	 * itself is bounded by the server's head size. */
	lim->max_cookies = 180;
	/* 64 KiB of an upload stay in memory: icons and small documents
	 * need no file; memory per request stays bounded by max_files. */
	lim->spill_threshold = 65536;
	lim->tmpdir = NULL;
}

int
form_err_status(enum form_err err)
{
	switch (err) {
	case FORM_OK:
		return 0;
	case FORM_ENOMEM:
	case FORM_ESYSTEM:
		return 500;
	case FORM_ELENGTH:
	case FORM_ETRUNCATED:
	case FORM_EMALFORMED:
	case FORM_EBOUNDARY:
	case FORM_ECOOKIES:
		return 400;
	case FORM_EBODY_SIZE:
	case FORM_EFIELDS:
	case FORM_ENAME_SIZE:
	case FORM_EVALUE_SIZE:
	case FORM_EFILES:
	case FORM_EFILE_SIZE:
	case FORM_EDISK:
	case FORM_EPART_HEADERS:
	case FORM_EPREAMBLE:
		return 413;
	}
	return 500;
}

const char *
form_err_str(enum form_err err)
{
	static const char *const text[] = {
		[FORM_OK] = "no error",
		[FORM_ENOMEM] = "out of memory",
		[FORM_ESYSTEM] = "system call failed reading the body",
		[FORM_ELENGTH] = "CONTENT_LENGTH is not a decimal number",
		[FORM_ETRUNCATED] = "body shorter than CONTENT_LENGTH",
		[FORM_EMALFORMED] = "malformed multipart body",
		[FORM_EBOUNDARY] =
		    "multipart/form-data without a valid boundary",
		[FORM_EBODY_SIZE] = "body larger than max_body",
		[FORM_EFIELDS] = "more fields than max_fields",
		[FORM_ENAME_SIZE] = "field name longer than max_name",
		[FORM_EVALUE_SIZE] = "field value longer than max_value",
		[FORM_EFILES] = "more uploads than max_files",
		[FORM_EFILE_SIZE] = "upload larger than max_file_size",
		[FORM_EDISK] = "uploads need more than max_disk",
		[FORM_EPART_HEADERS] =
		    "part headers longer than max_part_headers",
		[FORM_ECOOKIES] = "more cookies than max_cookies",
		[FORM_EPREAMBLE] = "multipart preamble or epilogue too large",
	};

	if ((unsigned)err < sizeof(text) / sizeof(text[0]) && text[err])
		return text[err];
	return "unknown form error";
}

/*
 * Maps in the pages of a new block of n bytes (64 KiB and more) in one
 * system call, before its first use: a block is filled to its end (the
 * body buffer has the body's exact size; string blocks are used in
 * turn), and one call costs far less than a page fault per 4 KiB page
 * (on this project's VM 4-5 us a page against 12-15 us). A hint: where
 * MADV_POPULATE_WRITE is unknown (Linux < 5.14) the pages fault in as
 * before.
 */
static void
populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)4095;

	if (n >= FORM_POPULATE_MIN && b > a)
		(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

/*
 * A block of at least size bytes owned by f (*cap: its real size, if
 * cap is not NULL), released by form_free. The smallest fitting block
 * kept by form_reset comes first: a resident program's next request
 * reuses memory that is already mapped instead of faulting in new pages.
 */
static char *
chunk_new_cap(struct form *f, size_t size, size_t *cap)
{
	struct form_chunk *c, **pp, **best = NULL;

	for (pp = &f->spare; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->size >= size &&
		    (best == NULL || (*pp)->size < (*best)->size))
			best = pp;
	if (best != NULL) {
		c = *best;
		*best = c->next;
		f->spare_bytes -= c->size;
	} else {
		if (size > SIZE_MAX - sizeof(*c) ||
		    (c = malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		c->size = size;
		populate(c->align, size);
	}
	c->next = f->mem;
	f->mem = c;
	if (cap != NULL)
		*cap = c->size;
	return (char *)c->align;
}

static char *
chunk_new(struct form *f, size_t size)
{
	return chunk_new_cap(f, size, NULL);
}

/*
 * Makes the current string block hold at least need bytes (callers ask
 * for at most FORM_ARENA_BLOCK / 4; bigger strings get a block of their
 * own). Blocks double from FORM_ARENA_BLOCK up to FORM_ARENA_MAX, so a
 * form of many short strings costs a few mallocs; -1 on ENOMEM.
 */
static int
arena_reserve(struct form *f, size_t need)
{
	size_t size;
	char *p;

	if (need <= f->arena_left)
		return 0;
	if (f->arena_next < FORM_ARENA_BLOCK)
		f->arena_next = FORM_ARENA_BLOCK;
	size = f->arena_next < need ? need : f->arena_next;
	if (f->arena_next < FORM_ARENA_MAX)
		f->arena_next *= 2;
	if ((p = chunk_new_cap(f, size, &size)) == NULL)
		return -1;
	f->arena = p;
	f->arena_left = size;
	return 0;
}

/* Hands out the first n bytes of the current string block. */
static char *
arena_take(struct form *f, size_t n)
{
	char *p = f->arena;

	f->arena += n;
	f->arena_left -= n;
	return p;
}

/*
 * n bytes owned by f, aligned for any object, released by form_free;
 * NULL on ENOMEM. Small ones are carved from the string blocks; big ones
 * get their own block, so they do not waste the current one.
 */
static void *
mem_alloc(struct form *f, size_t n)
{
	size_t align = sizeof(max_align_t);
	size_t pad = (align - (uintptr_t)f->arena % align) % align;

	if (n > FORM_ARENA_BLOCK / 4)
		return chunk_new(f, n);
	if (pad > f->arena_left)
		pad = f->arena_left;
	(void)arena_take(f, pad);
	if (arena_reserve(f, n) == -1)
		return NULL;
	return arena_take(f, n);
}

/* A NUL-terminated copy of p[0..n) owned by f (not aligned: strings). */
static char *
mem_dup(struct form *f, const char *p, size_t n)
{
	char *s;

	if (n == SIZE_MAX)
		return NULL;
	if (n + 1 > FORM_ARENA_BLOCK / 4) {
		if ((s = chunk_new(f, n + 1)) == NULL)
			return NULL;
	} else {
		if (arena_reserve(f, n + 1) == -1)
			return NULL;
		s = arena_take(f, n + 1);
	}
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
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
	buf_init(&f->raw, 0);
	return f;
}

/* The slot of field i: constant time, whatever the block. */
static struct form_field *
slot(const struct form *f, size_t i)
{
	/* Block k holds the fields with i / FORM_BLOCK0 + 1 in [2^k, 2^k+1). */
	unsigned long long q = i / FORM_BLOCK0 + 1;
	size_t k = 63 - (size_t)__builtin_clzll(q);

	return &f->blocks[k][i - FORM_BLOCK0 * (((size_t)1 << k) - 1)];
}

const struct form_field *
form_field_at(const struct form *f, size_t i)
{
	return slot(f, i);
}

/* A walk over the fields in arrival order, block by block. */
struct form_iter {
	size_t i, k, j; /* field i is slot j of block k */
};

/* The next field of the walk, or NULL after the last one. */
static struct form_field *
iter_next(const struct form *f, struct form_iter *it)
{
	if (it->i >= f->nfields)
		return NULL;
	if (it->j == (size_t)FORM_BLOCK0 << it->k) {
		it->k++;
		it->j = 0;
	}
	it->i++;
	return &f->blocks[it->k][it->j++];
}

static void
close_files(struct form *f, size_t from)
{
	struct form_iter it = { 0, 0, 0 };
	struct form_field *fld;

	while ((fld = iter_next(f, &it)) != NULL) {
		if (it.i > from && fld->file != NULL && fld->file->fd >= 0) {
			(void)close(fld->file->fd);
			fld->file->fd = -1;
		}
	}
}

void
form_free(struct form *f)
{
	struct form_chunk *c, *next;
	size_t k;

	if (f == NULL)
		return;
	if (f->nfiles > 0) /* a temp file is only made for a counted upload */
		close_files(f, 0);
	for (c = f->mem; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	for (c = f->spare; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	for (k = 0; k < f->nblocks; k++)
		free(f->blocks[k]);
	buf_fini(&f->raw);
	free(f);
}

void
form_reset(struct form *f, const struct form_limits *lim)
{
	struct form_chunk *c, *next;
	size_t k, kept = 0;

	if (f->nfiles > 0)
		close_files(f, 0);
	for (c = f->mem; c != NULL; c = next) {
		next = c->next;
		if (c->size > FORM_KEEP - f->spare_bytes) {
			free(c);
			continue;
		}
		c->next = f->spare;
		f->spare = c;
		f->spare_bytes += c->size;
	}
	f->mem = NULL;
	f->arena = NULL;
	f->arena_left = 0;
	f->arena_next = 0;
	/* Field blocks stay too, up to the same bound (block k: 16 << k). */
	for (k = 0; k < f->nblocks; k++) {
		kept += ((size_t)FORM_BLOCK0 << k) * sizeof(struct form_field);
		if (kept > FORM_KEEP)
			break;
	}
	for (; k < f->nblocks; k++)
		free(f->blocks[k]);
	f->nblocks = k < f->nblocks ? k : f->nblocks;
	f->nfields = f->nparams = f->nfiles = f->ncookies = 0;
	f->disk = 0;
	f->err = FORM_OK;
	f->mp_err = 0;
	f->body_read = false;
	buf_reset(&f->raw);
	if (lim != NULL)
		f->lim = *lim;
}

/*
 * A block of n field slots. From FORM_HUGE_BLOCK bytes on (forms of over
 * 65,520 fields) the block is aligned and advised as a transparent huge
 * page: its first touch costs one page fault instead of 512, which on a
 * VM was most of the time of a 100,000-field form. The advice is only a
 * hint: where THP is off, it fails or does nothing, and that is fine.
 */
static void *
block_alloc(size_t n)
{
	void *p;

	if (n < FORM_HUGE_BLOCK)
		return malloc(n);
	if ((p = aligned_alloc(FORM_HUGE_BLOCK, n)) != NULL)
		(void)madvise(p, n, MADV_HUGEPAGE); /* a hint, see above */
	return p;
}

/*
 * The next field slot, zeroed; the caller fills it and then counts it
 * (f->nfields++). A full store gets a new block twice the last one:
 * nothing is copied, earlier fields do not move.
 */
static struct form_field *
add_field(struct form *f)
{
	size_t base, k = f->nblocks;
	struct form_field *nf;

	/* The slots of blocks 0..k-1: FORM_BLOCK0 * (2^k - 1); blocks kept
	 * by form_reset are filled again first. */
	base = k == 0 ? 0 : FORM_BLOCK0 * (((size_t)1 << k) - 1);
	if (f->nfields == base) {
		if (k == FORM_NBLOCKS ||
		    ((size_t)FORM_BLOCK0 << k) > SIZE_MAX / sizeof(*nf))
			return NULL;
		if ((nf = block_alloc(
		         ((size_t)FORM_BLOCK0 << k) * sizeof(*nf))) == NULL)
			return NULL;
		f->blocks[k] = nf;
		f->nblocks = k + 1;
	}
	nf = slot(f, f->nfields);
	memset(nf, 0, sizeof(*nf));
	return nf;
}

static enum form_err
set_err(struct form *f, enum form_err err)
{
	f->err = err;
	return err;
}

/* The state of one urlencoded parse: the form and the first failure. */
struct fields {
	struct form *f;
	enum form_source source;
	enum form_err err;
};

/* One decoded field (urlencoded_field_fn): bounds, then a slot. */
static int
field_fn(void *arg, char *name, size_t name_len, char *value, size_t value_len)
{
	struct fields *c = arg;
	struct form *f = c->f;
	struct form_field *fld;

	if (name_len > f->lim.max_name)
		c->err = FORM_ENAME_SIZE;
	else if (value_len > f->lim.max_value)
		c->err = FORM_EVALUE_SIZE;
	else if (f->nparams >= f->lim.max_fields)
		c->err = FORM_EFIELDS; /* L-URL-11: checked while parsing */
	else if ((fld = add_field(f)) == NULL)
		c->err = FORM_ENOMEM;
	else {
		fld->source = c->source;
		fld->name = name;
		fld->name_len = name_len;
		fld->value = value;
		fld->value_len = value_len;
		f->nfields++;
		f->nparams++;
		return 0;
	}
	return 1;
}

/* Decodes s[in..end) in place into fields; see urlencoded.h. */
static enum form_err
fields_decode(struct fields *c, struct urlencoded_inplace *u, size_t end)
{
	if (urlencoded_decode_inplace(u, end, field_fn, c) != 0)
		return c->err;
	return FORM_OK;
}

/* The fields of s[0..n), decoded in a copy owned by f. */
static enum form_err
decode_copy(struct form *f, enum form_source source, const char *s, size_t n)
{
	struct fields c = { f, source, FORM_OK };
	struct urlencoded_inplace u = { NULL, 0 };

	if (n == 0)
		return FORM_OK;
	if ((u.s = mem_dup(f, s, n)) == NULL)
		return FORM_ENOMEM;
	return fields_decode(&c, &u, n);
}

enum form_err
form_parse_query(struct form *f, const char *qs, size_t n)
{
	enum form_err err;

	/* A copy: the environment is not ours to decode in place. */
	err = qs == NULL ? FORM_OK : decode_copy(f, FORM_QUERY, qs, n);
	return err == FORM_OK ? FORM_OK : set_err(f, err);
}

enum form_err
form_parse_cookies(struct form *f, const char *hdr, size_t n)
{
	struct cookie_pair *pairs;
	struct form_field *fld;
	struct str v;
	size_t max, npairs, i;
	enum cookie_rc rc;
	enum form_err err = FORM_OK;

	if (hdr == NULL || n == 0)
		return FORM_OK;
	/* A pair needs at least one byte and a ';' after it. */
	max = f->lim.max_cookies < n / 2 + 1 ? f->lim.max_cookies : n / 2 + 1;
	if (max == 0)
		max = 1; /* so one pair can still show the limit */
	if ((pairs = calloc(max, sizeof(*pairs))) == NULL)
		return set_err(f, FORM_ENOMEM);
	rc = cookie_parse(hdr, n, pairs, max, &npairs);
	if (npairs > f->lim.max_cookies - f->ncookies) {
		npairs = f->lim.max_cookies - f->ncookies;
		rc = COOKIE_TOO_MANY;
	}
	for (i = 0; i < npairs; i++) {
		if ((fld = add_field(f)) == NULL)
			goto nomem;
		v = cookie_unquote(pairs[i].value);
		fld->source = FORM_COOKIE;
		fld->name = mem_dup(f, pairs[i].name.p, pairs[i].name.len);
		fld->value = mem_dup(f, v.p, v.len);
		fld->quoted = v.len != pairs[i].value.len;
		if (fld->name == NULL || fld->value == NULL)
			goto nomem;
		fld->name_len = pairs[i].name.len;
		fld->value_len = v.len;
		f->nfields++;
		f->ncookies++;
	}
	if (rc == COOKIE_TOO_MANY)
		err = set_err(f, FORM_ECOOKIES);
	free(pairs);
	return err;
nomem:
	free(pairs);
	return set_err(f, FORM_ENOMEM);
}

/* The state of one body read. */
struct body {
	struct form *f;
	struct multipart mp;
	char *hdr;
	struct form_file *file; /* the current part's upload, if any */
	char *name;             /* the current part's name */
	size_t name_len;
	bool counted; /* the current upload counts against max_files */
	struct buf value;
	enum form_err err;
	/* L-MP-21: a multipart/mixed part, parsed one level deep */
	bool nested;
	struct multipart inner;
	char *inner_hdr;
	struct str outer; /* the mixed part's name (arena copy) */
};

static int
body_fail(struct body *bd, enum form_err err)
{
	bd->err = err;
	return 1;
}

static int
part_begin(struct body *bd, const struct multipart_part *part)
{
	struct form *f = bd->f;
	struct form_file *file;
	char *clean;

	if (f->nparams >= f->lim.max_fields)
		return body_fail(bd, FORM_EFIELDS);
	if (part->name.len > f->lim.max_name)
		return body_fail(bd, FORM_ENAME_SIZE);
	if ((bd->name = mem_dup(f, part->name.p, part->name.len)) == NULL)
		return body_fail(bd, FORM_ENOMEM);
	bd->name_len = part->name.len;
	buf_reset(&bd->value);
	bd->file = NULL;
	bd->counted = false;
	if (!part->has_filename)
		return 0;
	if ((file = mem_alloc(f, sizeof(*file))) == NULL ||
	    (clean = mem_alloc(f, 256)) == NULL)
		return body_fail(bd, FORM_ENOMEM);
	memset(file, 0, sizeof(*file));
	file->fd = -1;
	file->raw_filename = mem_dup(f, part->filename.p, part->filename.len);
	file->content_type =
	    mem_dup(f, part->content_type.p, part->content_type.len);
	if (file->raw_filename == NULL || file->content_type == NULL)
		return body_fail(bd, FORM_ENOMEM);
	file->raw_filename_len = part->filename.len;
	file->filename_len = form_sanitize_filename(part->filename.p,
	    part->filename.len, clean, 256);
	file->filename = clean;
	bd->file = file;
	/* filename="" is "no file chosen" (L-MP-13): it counts once it
	 * brings content. */
	if (part->filename.len > 0) {
		if (f->nfiles >= f->lim.max_files)
			return body_fail(bd, FORM_EFILES);
		f->nfiles++;
		bd->counted = true;
	}
	return 0;
}

/* The directory for temp files: the limit's, $TMPDIR, or /tmp. */
static const char *
tmp_dir(const struct form *f)
{
	const char *d = f->lim.tmpdir;

	if (d == NULL || *d == '\0')
		d = secure_getenv("TMPDIR");
	return d != NULL && *d != '\0' ? d : "/tmp";
}

/* Below this, a piece of a spilled upload waits for the next one. */
#define FILE_STAGE 4096

/* Writes the spilled upload's waiting bytes, then a. 0, or 1 on error. */
static int
file_flush(struct body *bd, struct str a)
{
	struct form *f = bd->f;

	if (form_file_write2(bd->file->fd, bd->value.data, bd->value.len, a.p,
	        a.len) == -1)
		return body_fail(bd, FORM_ESYSTEM);
	f->disk += bd->value.len + a.len;
	buf_reset(&bd->value);
	return 0;
}

static int
file_data(struct body *bd, struct str a)
{
	struct form *f = bd->f;
	struct form_file *file = bd->file;

	if (!bd->counted) {
		if (f->nfiles >= f->lim.max_files)
			return body_fail(bd, FORM_EFILES);
		f->nfiles++;
		bd->counted = true;
	}
	if (a.len > f->lim.max_file_size - file->size)
		return body_fail(bd, FORM_EFILE_SIZE);
	file->size += a.len;
	if (file->fd < 0 && a.len <= f->lim.spill_threshold - bd->value.len)
		return buf_append(&bd->value, a.p, a.len) == 0
		    ? 0
		    : body_fail(bd, FORM_ENOMEM);
	if (bd->value.len + a.len > f->lim.max_disk - f->disk)
		return body_fail(bd, FORM_EDISK);
	if (file->fd < 0 &&
	    (file->fd = form_file_tmp_open(tmp_dir(f), &file->tmpfile)) < 0)
		return body_fail(bd, FORM_ESYSTEM);
	/* Once spilling, value holds what is not written yet: the content
	 * kept in memory so far, then small pieces (a delimiter candidate's
	 * bytes, found not to be one in the next read) that go out with
	 * the next piece in one writev(2), not in a write(2) each. */
	if (a.len < FILE_STAGE && bd->value.len + a.len <= FILE_STAGE)
		return buf_append(&bd->value, a.p, a.len) == 0
		    ? 0
		    : body_fail(bd, FORM_ENOMEM);
	return file_flush(bd, a);
}

static int
part_end(struct body *bd)
{
	struct form *f = bd->f;
	struct form_field *fld;
	struct form_file *file = bd->file;

	if ((fld = add_field(f)) == NULL)
		return body_fail(bd, FORM_ENOMEM);
	fld->source = FORM_BODY;
	fld->name = bd->name;
	fld->name_len = bd->name_len;
	if (file != NULL && file->fd >= 0) {
		if (file_flush(bd, (struct str){ "", 0 }) != 0)
			return 1;
		if (lseek(file->fd, 0, SEEK_SET) == -1)
			return body_fail(bd, FORM_ESYSTEM);
		fld->value = "";
	} else {
		fld->value = mem_dup(f, buf_cstr(&bd->value), bd->value.len);
		if (fld->value == NULL)
			return body_fail(bd, FORM_ENOMEM);
		fld->value_len = bd->value.len;
		if (file != NULL)
			file->data = fld->value;
	}
	fld->file = file;
	f->nfields++;
	f->nparams++;
	bd->file = NULL; /* the field owns its fd now */
	buf_reset(&bd->value);
	return 0;
}

/* The events of a part's content, for outer and inner parts alike. */
static int
part_event(struct body *bd, enum multipart_event ev, struct str a,
    const struct multipart_part *part)
{
	switch (ev) {
	case MULTIPART_EV_PART_BEGIN:
		return part_begin(bd, part);
	case MULTIPART_EV_DATA:
		if (bd->file != NULL)
			return file_data(bd, a);
		if (a.len > bd->f->lim.max_value - bd->value.len)
			return body_fail(bd, FORM_EVALUE_SIZE);
		return buf_append(&bd->value, a.p, a.len) == 0
		    ? 0
		    : body_fail(bd, FORM_ENOMEM);
	case MULTIPART_EV_PART_END:
		return part_end(bd);
	case MULTIPART_EV_HEADER:
	case MULTIPART_EV_DONE:
		break;
	}
	return 0;
}

static enum form_err
mp_form_err(struct form *f, enum multipart_err err)
{
	f->mp_err = (int)err;
	switch (err) {
	case MULTIPART_EHEADER_SIZE:
		return FORM_EPART_HEADERS;
	case MULTIPART_EPREAMBLE:
		return FORM_EPREAMBLE;
	default:
		return FORM_EMALFORMED;
	}
}

static enum form_err
mp_error(struct body *bd)
{
	if (bd->mp.err == MULTIPART_ESTOPPED)
		return bd->err; /* a limit, or the inner parser's error */
	return mp_form_err(bd->f, bd->mp.err);
}

/* A part inside a multipart/mixed part: it takes the outer name. */
static int
inner_fn(void *arg, enum multipart_event ev, struct str a, struct str b,
    const struct multipart_part *part)
{
	struct body *bd = arg;
	struct multipart_part named;

	(void)b;
	if (ev != MULTIPART_EV_PART_BEGIN)
		return part_event(bd, ev, a, part);
	named = *part;
	named.name = bd->outer;
	return part_event(bd, ev, a, &named);
}

static int
inner_fail(struct body *bd)
{
	if (bd->inner.err != MULTIPART_ESTOPPED)
		bd->err = mp_form_err(bd->f, bd->inner.err);
	return 1;
}

/* A multipart/mixed part starts (RFC 2388 4.5, L-MP-21). */
static int
nested_begin(struct body *bd, const struct multipart_part *part)
{
	struct form *f = bd->f;

	if (part->name.len > f->lim.max_name)
		return body_fail(bd, FORM_ENAME_SIZE);
	bd->outer.p = mem_dup(f, part->name.p, part->name.len);
	bd->outer.len = part->name.len;
	if (bd->outer.p == NULL)
		return body_fail(bd, FORM_ENOMEM);
	if (bd->inner_hdr == NULL &&
	    (bd->inner_hdr = malloc(f->lim.max_part_headers + 1)) == NULL)
		return body_fail(bd, FORM_ENOMEM);
	if (multipart_init(&bd->inner, part->nested, bd->inner_hdr,
	        f->lim.max_part_headers, FORM_MAX_PREAMBLE, inner_fn, bd) == -1)
		return body_fail(bd, FORM_EMALFORMED);
	multipart_set_inner(&bd->inner);
	bd->nested = true;
	return 0;
}

static int
part_fn(void *arg, enum multipart_event ev, struct str a, struct str b,
    const struct multipart_part *part)
{
	struct body *bd = arg;

	(void)b;
	if (ev == MULTIPART_EV_PART_BEGIN && part->nested.len > 0)
		return nested_begin(bd, part);
	if (!bd->nested)
		return part_event(bd, ev, a, part);
	if (ev == MULTIPART_EV_DATA &&
	    multipart_feed(&bd->inner, a.p, a.len) == MULTIPART_ERROR)
		return inner_fail(bd);
	if (ev == MULTIPART_EV_PART_END) {
		bd->nested = false;
		if (multipart_finish(&bd->inner) == MULTIPART_ERROR)
			return inner_fail(bd);
	}
	return 0;
}

enum body_kind {
	BODY_URLENCODED,
	BODY_MULTIPART,
	BODY_RAW
};

/* Feeds one chunk to the chosen parser. */
static enum form_err
body_feed(struct body *bd, enum body_kind kind, const char *p, size_t n)
{
	switch (kind) {
	case BODY_MULTIPART:
		if (multipart_feed(&bd->mp, p, n) == MULTIPART_ERROR)
			return mp_error(bd);
		return FORM_OK;
	case BODY_URLENCODED: /* read raw first: see form_read_body */
	case BODY_RAW:
		if (buf_append(&bd->f->raw, p, n) == -1)
			return errno == ENOBUFS ? FORM_EBODY_SIZE : FORM_ENOMEM;
		return FORM_OK;
	}
	return FORM_OK;
}

static enum form_err
body_finish(struct body *bd, enum body_kind kind)
{
	if (kind == BODY_MULTIPART &&
	    multipart_finish(&bd->mp) == MULTIPART_ERROR)
		return mp_error(bd);
	return FORM_OK;
}

/* Reads the body, at most len bytes (UINT64_MAX: to EOF). */
static enum form_err
body_loop(struct body *bd, enum body_kind kind, form_read_fn *rd, void *ctx,
    uint64_t len, bool known)
{
	char *chunk;
	uint64_t total = 0;
	size_t want;
	ssize_t got;
	enum form_err err = FORM_OK;

	if ((chunk = malloc(FORM_READ_CHUNK)) == NULL)
		return FORM_ENOMEM;
	for (;;) {
		want = FORM_READ_CHUNK;
		if (known && len - total < want)
			want = (size_t)(len - total);
		if (want == 0)
			break; /* never read past CONTENT_LENGTH (RFC 3875 4.2)
			        */
		got = rd(ctx, chunk, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || (size_t)got > want) {
			err = FORM_ESYSTEM;
			break;
		}
		if (got == 0) {
			if (known)
				err = FORM_ETRUNCATED; /* L-API-02 */
			break;
		}
		total += (size_t)got;
		if (total > bd->f->lim.max_body) {
			err = FORM_EBODY_SIZE;
			break;
		}
		if ((err = body_feed(bd, kind, chunk, (size_t)got)) != FORM_OK)
			break;
	}
	free(chunk);
	return err != FORM_OK ? err : body_finish(bd, kind);
}

/* n raw bytes cannot decode to max bytes or fewer: an escape is the
 * longest way to write a byte, three raw bytes for one. */
static bool
certainly_over(size_t n, size_t max)
{
	return n > 0 && (n - 1) / 3 >= max;
}

/*
 * A field still arriving (p[0..n), no '&' yet) that cannot fit its
 * bounds whatever follows: the read stops there, not at its end.
 */
static enum form_err
pending_check(const struct form *f, const char *p, size_t n)
{
	const char *eq;

	if (!certainly_over(n, f->lim.max_name) &&
	    !certainly_over(n, f->lim.max_value))
		return FORM_OK;
	if ((eq = memchr(p, '=', n)) == NULL)
		eq = p + n;
	if (certainly_over((size_t)(eq - p), f->lim.max_name))
		return FORM_ENAME_SIZE;
	if (eq < p + n &&
	    certainly_over(n - (size_t)(eq - p) - 1, f->lim.max_value))
		return FORM_EVALUE_SIZE;
	return FORM_OK;
}

/*
 * A urlencoded body of len bytes (len <= max_body): read straight into one
 * buffer of that size and decoded there as fields complete (up to the
 * last '&' read so far), so bounds stop the read early and a field costs
 * no copy beyond the read itself.
 */
static enum form_err
body_urlencoded(struct form *f, form_read_fn *rd, void *ctx, size_t len)
{
	struct fields c = { f, FORM_BODY, FORM_OK };
	struct urlencoded_inplace u = { NULL, 0 };
	size_t filled = 0, want;
	const char *amp;
	enum form_err err;
	ssize_t got;

	if (len == SIZE_MAX || (u.s = chunk_new(f, len + 1)) == NULL)
		return FORM_ENOMEM;
	while (filled < len) {
		want =
		    len - filled < FORM_READ_MAX ? len - filled : FORM_READ_MAX;
		got = rd(ctx, u.s + filled, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || (size_t)got > want)
			return FORM_ESYSTEM;
		if (got == 0)
			return FORM_ETRUNCATED; /* L-API-02 */
		amp = memrchr(u.s + filled, '&', (size_t)got);
		filled += (size_t)got;
		if (amp != NULL &&
		    (err = fields_decode(&c, &u, (size_t)(amp - u.s) + 1)) !=
		        FORM_OK)
			return err;
		if ((err = pending_check(f, u.s + u.in, filled - u.in)) !=
		    FORM_OK)
			return err;
	}
	return fields_decode(&c, &u, len);
}

static enum form_err
body_start(struct body *bd, struct str ct, enum body_kind *kind)
{
	struct form *f = bd->f;
	struct str boundary;

	if (urlencoded_is_type(ct))
		*kind = BODY_URLENCODED; /* to EOF: read raw, then decoded */
	if (multipart_is_type(ct)) {
		*kind = BODY_MULTIPART;
		if (multipart_boundary(ct, &boundary) == -1)
			return FORM_EBOUNDARY;
		if ((bd->hdr = malloc(f->lim.max_part_headers + 1)) == NULL)
			return FORM_ENOMEM;
		if (multipart_init(&bd->mp, boundary, bd->hdr,
		        f->lim.max_part_headers, FORM_MAX_PREAMBLE, part_fn,
		        bd) == -1)
			return FORM_EBOUNDARY;
		return FORM_OK;
	}
	if (*kind != BODY_URLENCODED)
		*kind = BODY_RAW;
	buf_fini(&f->raw);
	buf_init(&f->raw,
	    f->lim.max_body > SIZE_MAX / 2 ? SIZE_MAX / 2
	                                   : (size_t)f->lim.max_body);
	return FORM_OK;
}

enum form_err
form_read_body(struct form *f, form_read_fn *rd, void *ctx,
    const char *content_type, const char *content_length, unsigned flags)
{
	struct body bd;
	struct str ct = { "", 0 };
	uint64_t len = UINT64_MAX;
	bool known = false;
	size_t mark = f->nfields, mark_params = f->nparams;
	size_t mark_files = f->nfiles;
	enum body_kind kind = BODY_RAW;
	enum form_err err;
	int saved;

	f->body_read = true;
	if (content_length != NULL && *content_length != '\0') {
		/* L-API-01: digits only, no sign, no space, no overflow. */
		if (str_to_u64(str_from(content_length), UINT64_MAX, &len))
			return set_err(f, FORM_ELENGTH);
		if (len > f->lim.max_body)
			return set_err(f, FORM_EBODY_SIZE); /* before reading */
		if (len == 0)
			return FORM_OK;
		known = true;
	} else if ((flags & FORM_READ_TO_EOF) == 0) {
		return FORM_OK; /* L-API-03: no length, no body */
	}
	if (content_type != NULL)
		ct = str_from(content_type);
	memset(&bd, 0, sizeof(bd));
	bd.f = f;
	buf_init(&bd.value, 0);
	if ((err = body_start(&bd, ct, &kind)) != FORM_OK)
		; /* reported below */
	else if (kind == BODY_URLENCODED && known)
		err = body_urlencoded(f, rd, ctx, (size_t)len);
	else if (kind == BODY_URLENCODED &&
	    (err = body_loop(&bd, BODY_RAW, rd, ctx, len, known)) == FORM_OK)
		err = decode_copy(f, FORM_BODY, f->raw.data, f->raw.len);
	else if (kind != BODY_URLENCODED)
		err = body_loop(&bd, kind, rd, ctx, len, known);
	if (kind == BODY_URLENCODED)
		buf_reset(&f->raw); /* the fields hold a copy */
	saved = errno;
	if (err != FORM_OK) {
		/* Nothing of a failed body is reported (L-MP-06). */
		if (bd.file != NULL && bd.file->fd >= 0)
			(void)close(bd.file->fd);
		close_files(f, mark);
		f->nfields = mark;
		f->nparams = mark_params;
		f->nfiles = mark_files;
		buf_reset(&f->raw);
	}
	buf_fini(&bd.value);
	free(bd.hdr);
	free(bd.inner_hdr);
	errno = saved;
	return err == FORM_OK ? FORM_OK : set_err(f, err);
}

static bool
matches(const struct form_field *fld, unsigned sources, const char *name,
    size_t name_len)
{
	return (fld->source & sources) != 0 && fld->name_len == name_len &&
	    (name_len == 0 || memcmp(fld->name, name, name_len) == 0);
}

const struct form_field *
form_get_n(const struct form *f, unsigned sources, const char *name,
    size_t name_len, size_t nth)
{
	struct form_iter it = { 0, 0, 0 };
	const struct form_field *fld;

	while ((fld = iter_next(f, &it)) != NULL)
		if (matches(fld, sources, name, name_len) && nth-- == 0)
			return fld;
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
	struct form_iter it = { 0, 0, 0 };
	const struct form_field *fld;
	size_t n = 0;

	while ((fld = iter_next(f, &it)) != NULL)
		if (matches(fld, sources, name, name_len))
			n++;
	return n;
}

size_t
form_count(const struct form *f, unsigned sources, const char *name)
{
	return form_count_n(f, sources, name, strlen(name));
}

const struct form_field *
form_nth(const struct form *f, unsigned sources, size_t nth)
{
	struct form_iter it = { 0, 0, 0 };
	const struct form_field *fld;

	while ((fld = iter_next(f, &it)) != NULL)
		if ((fld->source & sources) != 0 && nth-- == 0)
			return fld;
	return NULL;
}

static bool
is_unsafe(unsigned char ch)
{
	return ch < 0x20 || ch == 0x7f || strchr("\"*:<>?|", ch) != NULL;
}

/* Drops a UTF-8 sequence that a cut at o left incomplete. */
static size_t
utf8_cut(const char *s, size_t o)
{
	size_t j = o, need;
	unsigned char lead;

	while (j > 0 && ((unsigned char)s[j - 1] & 0xc0) == 0x80)
		j--;
	if (j == 0 || ((unsigned char)s[j - 1] & 0x80) == 0)
		return o;
	lead = (unsigned char)s[j - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return o - (j - 1) < need ? j - 1 : o;
}

size_t
form_sanitize_filename(const char *raw, size_t n, char *out, size_t cap)
{
	size_t i, start = 0, o = 0, max;

	if (cap == 0)
		return 0;
	max = cap - 1 < 255 ? cap - 1 : 255;
	for (i = 0; i < n; i++)
		if (raw[i] == '/' || raw[i] == '\\')
			start = i + 1; /* L-MP-14: no path, ever */
	for (i = start; i < n && o < max; i++) {
		if (is_unsafe((unsigned char)raw[i]))
			continue;
		if (o == 0 && (raw[i] == '.' || raw[i] == ' '))
			continue; /* no ".." or hidden files */
		out[o++] = raw[i];
	}
	if (i < n)
		o = utf8_cut(out, o);
	while (o > 0 && (out[o - 1] == '.' || out[o - 1] == ' '))
		o--;
	out[o] = '\0';
	return o;
}
