/*
 * static.c - static files and folders (see static.h).
 *
 * Validators: a strong ETag from inode, size and mtime (http_cond.h) and
 * Last-Modified; http_cond_eval() decides 200, 206, 304, 412 or 416 in the
 * order RFC 9110 13.2.2 gives. Folder listings escape every name for HTML
 * and percent-encode it in links, and leave out dotfiles as route.c does.
 */
#include "static.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "http_cond.h"
#include "http_parse.h"
#include "mime.h"
#include "response.h"
#include "route.h"
#include "server.h"

/* A listing stops at this many entries: a folder of millions must not
 * cost seconds of CPU or megabytes per request. */
#define STATIC_LIST_MAX 10000

static int
put(struct buf *out, const char *s)
{
	return buf_append(out, s, strlen(s));
}

static bool
is_head(const struct http_head *h)
{
	return str_eq(h->method, STR_LIT("HEAD"));
}

int
static_error(const struct static_req *rq, int status, struct buf *out,
    struct static_result *res)
{
	struct buf extra;
	long n;
	bool close = rq->close;

	memset(res, 0, sizeof(*res));
	res->fd = -1;
	res->status = status;
	buf_init(&extra, 256);
	if (!close &&
	    buf_append(&extra, rq->connection.p, rq->connection.len) == -1)
		goto fail;
	if (status == 405 && put(&extra, "Allow: GET, HEAD\r\n") == -1)
		goto fail;
	n = response_error(out, status, rq->date, is_head(rq->h), close,
	    (struct str){ extra.data, extra.len });
	buf_fini(&extra);
	if (n < 0)
		return -1;
	res->body_bytes = (uint64_t)n;
	return 0;
fail:
	buf_fini(&extra);
	return -1;
}

/* Location for a folder asked without its final '/': the raw target (still
 * percent-encoded, as the client sent it) plus '/', then the query. */
static int
redirect(const struct static_req *rq, struct buf *out,
    struct static_result *res)
{
	const struct http_head *h = rq->h;
	static const char body[] = "<!DOCTYPE html>\n<html><head><title>301 "
	                           "Moved Permanently</title></head></html>\n";

	memset(res, 0, sizeof(*res));
	res->fd = -1;
	res->status = 301;
	if (response_status(out, 301, rq->date) == -1 ||
	    put(out, "Location: ") == -1 ||
	    buf_append(out, h->target.p, h->target.len) == -1 ||
	    buf_putc(out, '/') == -1 ||
	    (h->has_query &&
	        (buf_putc(out, '?') == -1 ||
	            buf_append(out, h->query.p, h->query.len) == -1)) ||
	    put(out, "\r\nContent-Type: text/html; charset=utf-8\r\n") == -1 ||
	    response_length(out, sizeof(body) - 1) == -1 ||
	    buf_append(out, rq->connection.p, rq->connection.len) == -1 ||
	    buf_append(out, "\r\n", 2) == -1)
		return -1;
	if (is_head(h))
		return 0;
	res->body_bytes = sizeof(body) - 1;
	return buf_append(out, body, sizeof(body) - 1);
}

static int
html_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		default:
			break;
		}
		if ((e != NULL ? put(out, e) : buf_putc(out, *s)) == -1)
			return -1;
	}
	return 0;
}

static int
url_escape(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL) {
			if (buf_putc(out, ch) == -1)
				return -1;
		} else if (buf_putc(out, '%') == -1 ||
		    buf_putc(out, hex[ch >> 4]) == -1 ||
		    buf_putc(out, hex[ch & 15]) == -1) {
			return -1;
		}
	}
	return 0;
}

struct entry {
	char *name;
	bool dir;
};

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
	    ((const struct entry *)b)->name);
}

/* Reads the folder's visible entries, sorted. Caller frees. */
static int
read_dir(int fd, struct entry **out, size_t *nout)
{
	struct entry *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < STATIC_LIST_MAX) {
		if (de->d_name[0] == '.')
			continue; /* dotfiles are never served (route.c) */
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto fail;
			v = nv;
		}
		if ((v[n].name = strdup(de->d_name)) == NULL)
			goto fail;
		v[n].dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK)
			v[n].dir = fstatat(dirfd(d), de->d_name, &st, 0) == 0 &&
			    S_ISDIR(st.st_mode);
		n++;
	}
	(void)closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entry);
	*out = v;
	*nout = n;
	return 0;
fail:
	(void)closedir(d);
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	errno = ENOMEM;
	return -1;
}

static int
listing_body(struct buf *page, struct str path, struct entry *v, size_t n)
{
	char title[4200];
	size_t tl = path.len < sizeof(title) - 1 ? path.len : sizeof(title) - 1;

	memcpy(title, path.p, tl);
	title[tl] = '\0';
	if (put(page,
	        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	        "<title>Index of ") == -1 ||
	    html_escape(page, title) == -1 ||
	    put(page, "</title></head>\n<body><h1>Index of ") == -1 ||
	    html_escape(page, title) == -1 ||
	    put(page, "</h1>\n<ul>\n<li><a href=\"../\">../</a></li>\n") == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (put(page, "<li><a href=\"") == -1 ||
		    url_escape(page, v[i].name) == -1 ||
		    (v[i].dir && buf_putc(page, '/') == -1) ||
		    put(page, "\">") == -1 ||
		    html_escape(page, v[i].name) == -1 ||
		    (v[i].dir && buf_putc(page, '/') == -1) ||
		    put(page, "</a></li>\n") == -1)
			return -1;
	}
	return put(page, "</ul>\n</body></html>\n");
}

static int
listing(const struct static_req *rq, struct route *rt, struct buf *out,
    struct static_result *res)
{
	struct entry *v = NULL;
	struct buf page;
	size_t n = 0;
	int rc = -1;

	if (read_dir(route_take_fd(rt), &v, &n) == -1)
		return -1;
	buf_init(&page, 8u << 20);
	if (listing_body(&page, (struct str){ rt->path.data, rt->path.len }, v,
	        n) == -1)
		goto done;
	memset(res, 0, sizeof(*res));
	res->fd = -1;
	res->status = 200;
	if (response_status(out, 200, rq->date) == -1 ||
	    put(out, "Content-Type: text/html; charset=utf-8\r\n") == -1 ||
	    response_length(out, page.len) == -1 ||
	    buf_append(out, rq->connection.p, rq->connection.len) == -1 ||
	    buf_append(out, "\r\n", 2) == -1)
		goto done;
	if (!is_head(rq->h)) {
		if (buf_append(out, page.data, page.len) == -1)
			goto done;
		res->body_bytes = page.len;
	}
	rc = 0;
done:
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	buf_fini(&page);
	return rc;
}

/* A folder: redirect to add the '/', else index.html, listing or 403. */
static int
folder(const struct static_req *rq, struct route *rt, struct buf *out,
    struct static_result *res)
{
	struct stat st;
	int fd;

	if (!rt->info.trailing_slash && rt->path.len > 1)
		return redirect(rq, out, res);
	fd = route_open_beneath(rt->fd, "index.html", O_RDONLY);
	if (fd != -1 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		(void)close(rt->fd);
		rt->fd = fd;
		rt->st = st;
		if (buf_append(&rt->path, "index.html", 10) == -1)
			return -1;
		return 1; /* serve it as the file */
	}
	if (fd != -1)
		(void)close(fd);
	if (rq->srv->cf->list_dirs)
		return listing(rq, rt, out, res);
	return static_error(rq, 403, out, res);
}

/* What a file's head needs, from a fresh stat or from the cache. */
struct file_meta {
	uint64_t size;
	time_t mtime;
	const char *type;
	const char *etag;
	const char *lm;
};

static int
file_head(const struct static_req *rq, const struct file_meta *m,
    struct buf *out, int status, const struct http_range *r)
{
	if (response_status(out, status, rq->date) == -1)
		return -1;
	if (status != 304 &&
	    (put(out, "Content-Type: ") == -1 || put(out, m->type) == -1 ||
	        buf_append(out, "\r\n", 2) == -1))
		return -1;
	if ((status == 200 || status == 206) &&
	    response_length(out, r->len) == -1)
		return -1;
	if (status == 206 || status == 416) {
		if (put(out, "Content-Range: bytes ") == -1)
			return -1;
		if (status == 206 &&
		    (response_u64(out, r->start) == -1 ||
		        buf_putc(out, '-') == -1 ||
		        response_u64(out, r->start + r->len - 1) == -1))
			return -1;
		if (status == 416 && buf_putc(out, '*') == -1)
			return -1;
		if (buf_putc(out, '/') == -1 ||
		    response_u64(out, m->size) == -1 ||
		    buf_append(out, "\r\n", 2) == -1)
			return -1;
	}
	if (put(out, "Last-Modified: ") == -1 || put(out, m->lm) == -1 ||
	    put(out, "\r\nETag: ") == -1 || put(out, m->etag) == -1 ||
	    put(out, "\r\nAccept-Ranges: bytes\r\n") == -1 ||
	    buf_append(out, rq->connection.p, rq->connection.len) == -1)
		return -1;
	return 0;
}

/*
 * The conditional/range decision and the head. Returns the status sent
 * (200, 206, 304 or 416; 412 means: answer with static_error), with *r
 * the part of the body to send after the head (r->len 0: none), or -1.
 */
static int
file_decide(const struct static_req *rq, const struct file_meta *m,
    struct buf *out, struct http_range *r)
{
	struct http_cond cond;
	int status;

	http_cond_from_head(&cond, rq->h);
	r->start = 0;
	r->len = m->size;
	status = http_cond_eval(&cond, rq->h->method, str_from(m->etag),
	    m->mtime, m->size, r);
	if (status == 412)
		return 412;
	if (status == 416) {
		/* RFC 9110 15.5.17: Content-Range says the full length. */
		r->len = 0;
		if (file_head(rq, m, out, 416, r) == -1 ||
		    response_length(out, 0) == -1 ||
		    buf_append(out, "\r\n", 2) == -1)
			return -1;
		return 416;
	}
	if (status != 200 && status != 206)
		status = 304;
	if (status == 304)
		r->len = 0;
	if (file_head(rq, m, out, status, r) == -1 ||
	    buf_append(out, "\r\n", 2) == -1)
		return -1;
	if (is_head(rq->h))
		r->len = 0;
	return status;
}

static size_t
cache_slot(struct str key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < key.len; i++)
		h = (h ^ (unsigned char)key.p[i]) * 16777619u;
	return h % STATIC_CACHE_SLOTS;
}

static void
cache_clear(struct static_cache_entry *e)
{
	free(e->key);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

void
static_cache_fini(struct static_cache *sc)
{
	for (size_t i = 0; i < STATIC_CACHE_SLOTS; i++)
		cache_clear(&sc->ent[i]);
}

/* Keeps a copy of a whole small file that was just read into out. */
static void
cache_put(const struct static_req *rq, struct str key,
    const struct file_meta *m, const char *body)
{
	struct static_cache_entry *e = &rq->cache->ent[cache_slot(key)];
	char *k, *b;

	if ((k = malloc(key.len + 1)) == NULL ||
	    (b = malloc(m->size > 0 ? m->size : 1)) == NULL) {
		free(k);
		return; /* no memory: simply not cached */
	}
	cache_clear(e);
	memcpy(k, key.p, key.len);
	k[key.len] = '\0';
	memcpy(b, body, m->size);
	e->key = k;
	e->keylen = key.len;
	e->body = b;
	e->expires = rq->now + STATIC_CACHE_SECONDS;
	e->size = m->size;
	e->mtime = m->mtime;
	e->type = m->type;
	memcpy(e->etag, m->etag, strlen(m->etag) + 1);
	memcpy(e->lm, m->lm, strlen(m->lm) + 1);
}

int
static_cache_serve(const struct static_req *rq, struct str key, struct buf *out,
    struct static_result *res)
{
	struct static_cache_entry *e;
	struct file_meta m;
	struct http_range r;
	size_t mark = out->len;
	int status;

	if (rq->cache == NULL ||
	    (!str_eq(rq->h->method, STR_LIT("GET")) && !is_head(rq->h)))
		return 0;
	e = &rq->cache->ent[cache_slot(key)];
	if (e->key == NULL || e->keylen != key.len ||
	    memcmp(e->key, key.p, key.len) != 0 || rq->now >= e->expires)
		return 0;
	m.size = e->size;
	m.mtime = e->mtime;
	m.type = e->type;
	m.etag = e->etag;
	m.lm = e->lm;
	status = file_decide(rq, &m, out, &r);
	if (status == -1)
		return -1;
	if (status == 412) {
		out->len = mark; /* let the full path answer it */
		return 0;
	}
	memset(res, 0, sizeof(*res));
	res->fd = -1;
	res->status = status;
	if (r.len > 0) {
		if (buf_append(out, e->body + r.start, (size_t)r.len) == -1)
			return -1;
		res->body_bytes = r.len;
	}
	return 1;
}

static int
file(const struct static_req *rq, struct route *rt, struct str key,
    struct buf *out, struct static_result *res)
{
	char etag[HTTP_ETAG_MAX], lm[HTTP_DATE_LEN + 1];
	struct file_meta m;
	struct http_range r;
	ssize_t got;
	int status;

	m.size = (uint64_t)rt->st.st_size;
	m.mtime = rt->st.st_mtim.tv_sec;
	m.type = mime_for_path(&rq->srv->mime,
	    (struct str){ rt->path.data, rt->path.len });
	m.etag = etag;
	m.lm = lm;
	if (http_etag_make((uint64_t)rt->st.st_ino, m.size, m.mtime,
	        rt->st.st_mtim.tv_nsec, etag, sizeof(etag)) == -1 ||
	    http_date_format(m.mtime, lm, sizeof(lm)) == -1)
		return -1;
	if ((status = file_decide(rq, &m, out, &r)) == -1)
		return -1;
	if (status == 412)
		return static_error(rq, 412, out, res);
	memset(res, 0, sizeof(*res));
	res->fd = -1;
	res->status = status;
	if (r.len == 0)
		return 0;
	res->body_bytes = r.len;
	if (r.len > STATIC_INLINE_MAX) {
		res->fd = route_take_fd(rt);
		res->off = r.start;
		res->len = r.len;
		return 0;
	}
	if (buf_reserve(out, (size_t)r.len) == -1)
		return -1;
	got =
	    pread(rt->fd, out->data + out->len, (size_t)r.len, (off_t)r.start);
	if (got != (ssize_t)r.len) {
		errno = got == -1 ? errno : EIO; /* the file shrank */
		return -1;
	}
	if (rq->cache != NULL && status == 200 && r.len == m.size)
		cache_put(rq, key, &m, out->data + out->len);
	out->len += (size_t)got;
	out->data[out->len] = '\0';
	return 0;
}

int
static_respond(const struct static_req *rq, struct route *rt, struct buf *out,
    struct static_result *res)
{
	const struct http_head *h = rq->h;
	char key[STATIC_CACHE_KEY_MAX];
	size_t keylen = rt->path.len;
	int rc;

	if (!str_eq(h->method, STR_LIT("GET")) && !is_head(h))
		return static_error(rq, 405, out, res);
	/* The cache key is the request's path, before index.html. */
	if (keylen < sizeof(key))
		memcpy(key, rt->path.data, keylen);
	if (S_ISDIR(rt->st.st_mode)) {
		rc = folder(rq, rt, out, res);
		if (rc != 1)
			return rc;
	}
	if (keylen >= sizeof(key)) {
		struct static_req nocache = *rq;

		nocache.cache = NULL;
		return file(&nocache, rt, (struct str){ NULL, 0 }, out, res);
	}
	return file(rq, rt, (struct str){ key, keylen }, out, res);
}
