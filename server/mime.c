/*
 * mime.c - extension to Content-Type lookups declared in mime.h.
 *
 * Built-ins first, then what mime_load added: both are sorted arrays
 * searched with bsearch, so a lookup is O(log n) with no allocation. The
 * built-ins win because the host's file is old in places (Debian has
 * served .js as application/javascript) and lacks the charset parameter
 * that keeps browsers from guessing the encoding of text.
 */
#include "mime.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"

/* Sorted by ext (strcmp order): test_mime checks it. */
static const struct mime_entry builtin[] = {
	{ "7z", "application/x-7z-compressed" },
	{ "aac", "audio/aac" },
	{ "apng", "image/apng" },
	{ "atom", "application/atom+xml" },
	{ "avif", "image/avif" },
	{ "bmp", "image/bmp" },
	{ "bz2", "application/x-bzip2" },
	{ "css", "text/css; charset=utf-8" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "epub", "application/epub+zip" },
	{ "flac", "audio/flac" },
	{ "gif", "image/gif" },
	{ "gz", "application/gzip" },
	{ "heic", "image/heic" },
	{ "htm", "text/html; charset=utf-8" },
	{ "html", "text/html; charset=utf-8" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "ics", "text/calendar; charset=utf-8" },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "jsonld", "application/ld+json" },
	{ "jxl", "image/jxl" },
	{ "m4a", "audio/mp4" },
	{ "map", "application/json" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "mid", "audio/midi" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "mov", "video/quicktime" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "mpeg", "video/mpeg" },
	{ "oga", "audio/ogg" },
	{ "ogg", "audio/ogg" },
	{ "ogv", "video/ogg" },
	{ "opus", "audio/ogg" },
	{ "otf", "font/otf" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "rss", "application/rss+xml" },
	{ "rtf", "application/rtf" },
	{ "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },
	{ "tif", "image/tiff" },
	{ "tiff", "image/tiff" },
	{ "ttf", "font/ttf" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "vtt", "text/vtt; charset=utf-8" },
	{ "wasm", "application/wasm" },
	{ "wav", "audio/wav" },
	{ "webm", "video/webm" },
	{ "webmanifest", "application/manifest+json" },
	{ "webp", "image/webp" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "xhtml", "application/xhtml+xml" },
	{ "xml", "application/xml" },
	{ "xz", "application/x-xz" },
	{ "zip", "application/zip" },
	{ "zst", "application/zstd" },
};

#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))

void
mime_init(struct mime *m)
{
	m->ents = NULL;
	m->nents = 0;
	m->store = NULL;
}

void
mime_fini(struct mime *m)
{
	free(m->ents);
	free(m->store);
	mime_init(m);
}

static int
cmp_key(const void *key, const void *ent)
{
	return strcmp(key, ((const struct mime_entry *)ent)->ext);
}

/* The lower-case copy of ext into out (BOUND_MIME_EXT_BYTES + 1), or
 * false when it is empty, too long or holds a byte no extension has. */
static bool
lower_ext(struct str ext, char *out)
{
	size_t i;
	unsigned char ch;

	if (ext.len == 0 || ext.len > BOUND_MIME_EXT_BYTES)
		return false;
	for (i = 0; i < ext.len; i++) {
		ch = (unsigned char)ext.p[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		        ch == '+' || ch == '-' || ch == '_' || ch == '.'))
			return false;
		out[i] = (char)ch;
	}
	out[ext.len] = '\0';
	return true;
}

const char *
mime_lookup(const struct mime *m, struct str ext)
{
	char key[BOUND_MIME_EXT_BYTES + 1];
	const struct mime_entry *e;

	if (!lower_ext(ext, key))
		return MIME_DEFAULT;
	e = bsearch(key, builtin, NBUILTIN, sizeof(builtin[0]), cmp_key);
	if (e == NULL && m != NULL && m->nents > 0)
		e = bsearch(key, m->ents, m->nents, sizeof(m->ents[0]),
		    cmp_key);
	return e != NULL ? e->type : MIME_DEFAULT;
}

const char *
mime_for_path(const struct mime *m, struct str path)
{
	const char *seg = path.p, *dot = NULL;
	size_t i;

	for (i = 0; i < path.len; i++) {
		if (path.p[i] == '/') {
			seg = path.p + i + 1;
			dot = NULL;
		} else if (path.p[i] == '.') {
			dot = path.p + i;
		}
	}
	/* No dot, or only the leading dot of a hidden file. */
	if (dot == NULL || dot == seg)
		return MIME_DEFAULT;
	return mime_lookup(m,
	    (struct str){ dot + 1, (size_t)(path.p + path.len - dot - 1) });
}

/* A loaded entry before the store stops moving: offsets, not pointers. */
struct pending {
	size_t ext, type;
};

/* A loaded entry while sorting; order keeps the file's first one. */
struct loaded {
	struct mime_entry e;
	size_t order;
};

static int
cmp_loaded(const void *a, const void *b)
{
	const struct loaded *x = a, *y = b;
	int c = strcmp(x->e.ext, y->e.ext);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool
is_type(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 127 || memchr(s, '/', n) == NULL)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/*
 * One "type ext ext ..." line: records each extension the built-ins lack.
 * Returns 0, or -1 with errno from the store or the pending array.
 */
static int
load_line(const char *p, size_t n, struct buf *store, struct pending **pend,
    size_t *npend, size_t *pcap)
{
	char key[BOUND_MIME_EXT_BYTES + 1];
	struct pending *grown;
	struct str tok, type = { NULL, 0 };
	size_t i = 0, start, type_off = SIZE_MAX;

	while (i < n) {
		while (i < n &&
		    (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
		        p[i] == '\n'))
			i++;
		start = i;
		while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			i++;
		if (i == start)
			break;
		tok.p = p + start;
		tok.len = i - start;
		if (type.p == NULL) {
			if (tok.p[0] == '#' || !is_type(tok.p, tok.len))
				return 0; /* comment or junk: skip the line */
			type = tok;
			continue;
		}
		if (!lower_ext(tok, key) ||
		    bsearch(key, builtin, NBUILTIN, sizeof(builtin[0]),
		        cmp_key) != NULL)
			continue;
		if (type_off == SIZE_MAX) {
			type_off = store->len;
			if (buf_append(store, type.p, type.len) == -1 ||
			    buf_putc(store, '\0') == -1)
				return -1;
		}
		if (*npend == *pcap) {
			*pcap = *pcap == 0 ? 64 : *pcap * 2;
			grown = reallocarray(*pend, *pcap, sizeof(**pend));
			if (grown == NULL)
				return -1;
			*pend = grown;
		}
		(*pend)[*npend].ext = store->len;
		(*pend)[*npend].type = type_off;
		if (buf_append(store, key, tok.len + 1) == -1)
			return -1;
		(*npend)++;
	}
	return 0;
}

/*
 * Turns the pending offsets into sorted entries over the final store,
 * keeping the first of duplicate extensions. Returns the array (owned by
 * the caller) or NULL with errno ENOMEM; *n gets the count.
 */
static struct mime_entry *
build_table(const char *store, const struct pending *pend, size_t npend,
    size_t *n)
{
	struct loaded *tmp;
	struct mime_entry *ents;
	size_t i, k = 0;

	*n = 0;
	if ((tmp = calloc(npend == 0 ? 1 : npend, sizeof(*tmp))) == NULL)
		return NULL;
	if ((ents = calloc(npend == 0 ? 1 : npend, sizeof(*ents))) == NULL) {
		free(tmp);
		return NULL;
	}
	for (i = 0; i < npend; i++) {
		tmp[i].e.ext = store + pend[i].ext;
		tmp[i].e.type = store + pend[i].type;
		tmp[i].order = i;
	}
	qsort(tmp, npend, sizeof(*tmp), cmp_loaded);
	for (i = 0; i < npend; i++)
		if (k == 0 || strcmp(ents[k - 1].ext, tmp[i].e.ext) != 0)
			ents[k++] = tmp[i].e;
	free(tmp);
	*n = k;
	return ents;
}

int
mime_load(struct mime *m, const char *path)
{
	struct pending *pend = NULL;
	struct mime_entry *ents;
	struct buf store;
	char *line = NULL;
	size_t cap = 0, total = 0, npend = 0, pcap = 0, nents;
	ssize_t n;
	FILE *fp;
	int saved;

	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	buf_init(&store, 2 * (size_t)BOUND_MIME_FILE_BYTES);
	while ((n = getline(&line, &cap, fp)) != -1) {
		/* The first BOUND_MIME_FILE_BYTES bytes count; the rest not. */
		if (total + (size_t)n > BOUND_MIME_FILE_BYTES)
			break;
		total += (size_t)n;
		if (load_line(line, (size_t)n, &store, &pend, &npend, &pcap) ==
		    -1)
			goto fail;
	}
	if (ferror(fp))
		goto fail;
	if ((ents = build_table(store.data, pend, npend, &nents)) == NULL)
		goto fail;
	free(line);
	free(pend);
	(void)fclose(fp);
	mime_fini(m);
	m->ents = ents;
	m->nents = nents;
	m->store = store.data; /* the store's bytes now belong to m */
	return 0;
fail:
	saved = errno;
	free(line);
	free(pend);
	buf_fini(&store);
	(void)fclose(fp);
	errno = saved;
	return -1;
}
