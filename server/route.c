/*
 * route.c - map a request path to a static file, a CGI script or an error
 * (see route.h).
 *
 * Dotfile policy: a path with any segment starting with '.' is 404, except
 * a first segment ".well-known" (RFC 8615). That keeps .git, .htpasswd and
 * editor files out of reach without a configuration knob.
 */
#include "route.h"

#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <linux/openat2.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "http_parse.h"
#include "server.h"

void
route_init(struct route *rt)
{
	memset(rt, 0, sizeof(*rt));
	buf_init(&rt->path, BOUND_TARGET_BYTES);
	buf_init(&rt->script_filename, PATH_MAX);
	rt->fd = -1;
	rt->script_fd = -1;
}

void
route_reset(struct route *rt)
{
	if (rt->fd != -1)
		(void)close(rt->fd);
	if (rt->script_fd != -1)
		(void)close(rt->script_fd);
	rt->fd = -1;
	rt->script_fd = -1;
	rt->kind = ROUTE_ERROR;
	rt->status = 500;
	rt->reason = NULL;
	rt->cgi_dir = NULL;
	rt->cgi_ext = NULL;
	rt->script_name = (struct str){ NULL, 0 };
	rt->path_info = (struct str){ NULL, 0 };
	buf_reset(&rt->path);
	buf_reset(&rt->script_filename);
}

void
route_fini(struct route *rt)
{
	route_reset(rt);
	buf_fini(&rt->path);
	buf_fini(&rt->script_filename);
}

int
route_take_fd(struct route *rt)
{
	int fd = rt->fd;

	rt->fd = -1;
	return fd;
}

/* openat2 answered ENOSYS once (kernel < 5.6, valgrind 3.19). */
static atomic_bool route_no_openat2;

/*
 * The fallback for openat2: one openat(O_NOFOLLOW) per segment of rel, so
 * nothing is resolved by the kernel across a symlink; a symlink anywhere
 * (ELOOP) or a ".." segment (EXDEV) fails. Stricter than RESOLVE_BENEATH,
 * which follows a symlink that stays inside: such a link is 404 here.
 */
static int
open_walk(int dirfd, const char *rel, int flags)
{
	char seg[NAME_MAX + 1];
	const char *p = rel, *slash;
	int dir = dirfd, fd = -1, saved;
	struct stat st;
	size_t n;

	for (;;) {
		while (*p == '/')
			p++;
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		while (slash != NULL && slash[1] == '/')
			slash++;
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(seg, n == 0 ? "." : p, n == 0 ? 1 : n);
		seg[n == 0 ? 1 : n] = '\0';
		if (strcmp(seg, "..") == 0) {
			errno = EXDEV;
			goto fail;
		}
		if (slash != NULL && slash[1] != '\0') {
			fd = openat(dir, seg,
			    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		} else {
			/* the last segment ("a/" asks for a folder) */
			fd = openat(dir, seg,
			    flags | O_NOFOLLOW |
			        (slash != NULL ? O_DIRECTORY : 0));
			if (fd != -1 && (flags & O_PATH) &&
			    (fstat(fd, &st) == -1 || S_ISLNK(st.st_mode))) {
				(void)close(fd);
				fd = -1;
				errno = ELOOP;
			}
		}
		if (dir != dirfd) {
			saved = errno;
			(void)close(dir);
			errno = saved;
		}
		dir = dirfd;
		if (fd == -1)
			return -1;
		if (slash == NULL || slash[1] == '\0')
			return fd;
		dir = fd;
		p = slash + 1;
	}
fail:
	if (dir != dirfd)
		(void)close(dir);
	return -1;
}

int
route_open_beneath(int dirfd, const char *rel, int flags)
{
	struct open_how how;
	long fd;
	int oflags =
	    flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY | O_NONBLOCK);

	if (atomic_load_explicit(&route_no_openat2, memory_order_relaxed))
		return open_walk(dirfd, rel, oflags);

	memset(&how, 0, sizeof(how));
	/* openat2 refuses other flags next to O_PATH (EINVAL). */
	how.flags = (uint64_t)oflags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	do {
		fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	} while (fd == -1 && errno == EAGAIN); /* RESOLVE races: retry */
	if (fd == -1 && errno == ENOSYS) {
		atomic_store_explicit(&route_no_openat2, true,
		    memory_order_relaxed);
		return open_walk(dirfd, rel, oflags);
	}
	return (int)fd;
}

static void
fail(struct route *rt, int status, const char *reason)
{
	rt->kind = ROUTE_ERROR;
	rt->status = status;
	rt->reason = reason;
}

static int
errno_status(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return 403;
	case ENAMETOOLONG:
		return 414;
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return 500;
	default: /* ENOENT, ENOTDIR, EXDEV (escape), ELOOP */
		return 404;
	}
}

static bool
has_dotfile(struct str path)
{
	for (size_t i = 0; i + 1 < path.len; i++) {
		if (path.p[i] != '/' || path.p[i + 1] != '.')
			continue;
		if (i == 0 && path.len >= 12 &&
		    memcmp(path.p, "/.well-known", 12) == 0 &&
		    (path.len == 12 || path.p[12] == '/'))
			continue;
		return true;
	}
	return false;
}

static bool
ends_with(struct str s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.len > n && memcmp(s.p + s.len - n, suffix, n) == 0;
}

static const struct config_cgi_ext *
match_ext(const struct config *cf, struct str name)
{
	for (size_t i = 0; i < cf->ncgi_exts; i++) {
		if (ends_with(name, cf->cgi_exts[i].ext))
			return &cf->cgi_exts[i];
	}
	return NULL;
}

/* rt->script_filename = base + "/" + rel. */
static int
set_filename(struct route *rt, const char *base, struct str rel)
{
	buf_reset(&rt->script_filename);
	if (buf_puts(&rt->script_filename, base) == -1 ||
	    buf_append(&rt->script_filename, rel.p, rel.len) == -1)
		return -1;
	return 0;
}

/*
 * Index scripts, tried in this order in a folder requested with its final
 * '/' inside a CGI folder (each must be a regular file; the executable
 * rule applies as to any script there). Outside CGI folders a folder
 * without index.html runs "index" + the first --cgi-ext suffix (in the
 * order given) that names a regular file. Fixed list, no setting: the
 * common names of the interpreters people put in cgi-bin.
 */
static const char *const route_index_names[] = {
	"index.cgi",
	"index.py",
	"index.pl",
	"index.php",
	"index.sh",
};

/*
 * dirfd's folder rel ("" or "a/b/") holds the index script name? Opens it
 * O_PATH into *fdp with its stat; returns 1 found, 0 not, -1 an error.
 */
static int
open_index(int dirfd, struct str rel, const char *name, int *fdp,
    struct stat *st)
{
	char p[PATH_MAX];
	size_t n = strlen(name);
	int fd;

	if (rel.len + n + 1 > sizeof(p))
		return 0;
	memcpy(p, rel.p, rel.len);
	memcpy(p + rel.len, name, n + 1);
	if ((fd = route_open_beneath(dirfd, p, O_PATH)) == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		(void)close(fd);
		return 0;
	}
	*fdp = fd;
	return 1;
}

/*
 * The folder rt->path names (it ends with '/') has index script name,
 * opened as fd: rt->path grows by the name, SCRIPT_NAME is the whole path
 * and there is no PATH_INFO; the file name is base + the path after
 * skip bytes (the URL prefix of the folder base).
 */
static void
route_index(struct route *rt, const char *base, size_t skip, const char *name,
    int fd, const struct stat *st)
{
	struct str rel;

	if (buf_puts(&rt->path, name) == -1) {
		(void)close(fd);
		return fail(rt, 500, "index name");
	}
	rt->kind = ROUTE_CGI;
	rt->script_fd = fd;
	rt->script_st = *st;
	rt->script_name = (struct str){ rt->path.data, rt->path.len };
	rt->path_info = (struct str){ NULL, 0 };
	rel = (struct str){ rt->path.data + skip, rt->path.len - skip };
	if (set_filename(rt, base, rel) == -1)
		return fail(rt, 500, "file name");
}

/*
 * Walks rest ("/a/b/c", beneath dirfd) one segment at a time: the first
 * regular file is the script and what follows is PATH_INFO (V-05-a).
 * want_ext: only a file matching a --cgi-ext counts (outside CGI folders).
 */
static void
walk_script(struct route *rt, const struct server *srv, int dirfd,
    const char *base, struct str prefix, struct str rest, bool want_ext)
{
	char rel[PATH_MAX];
	size_t end = 0;
	struct stat st;
	int fd;

	if (rest.len + 1 > sizeof(rel))
		return fail(rt, 414, "path too long");
	if (rest.len == 1)
		end = 1; /* "/": the CGI folder itself, no segment to walk */
	while (end < rest.len) {
		end++; /* past the '/' */
		while (end < rest.len && rest.p[end] != '/')
			end++;
		memcpy(rel, rest.p + 1, end - 1);
		rel[end - 1] = '\0';
		if ((fd = route_open_beneath(dirfd, rel, O_PATH)) == -1)
			return fail(rt, errno_status(errno), "no such script");
		if (fstat(fd, &st) == -1) {
			(void)close(fd);
			return fail(rt, 500, "fstat");
		}
		if (S_ISDIR(st.st_mode)) {
			(void)close(fd);
			continue;
		}
		if (!S_ISREG(st.st_mode) ||
		    (want_ext &&
		        (rt->cgi_ext = match_ext(srv->cf,
		             (struct str){ rest.p, end })) == NULL)) {
			(void)close(fd);
			return fail(rt, want_ext ? 404 : 403, "not a script");
		}
		rt->kind = ROUTE_CGI;
		rt->script_fd = fd;
		rt->script_st = st;
		rt->script_name = (struct str){ prefix.p, prefix.len + end };
		if (end < rest.len)
			rt->path_info =
			    (struct str){ rest.p + end, rest.len - end };
		if (set_filename(rt, base, (struct str){ rest.p, end }) == -1)
			return fail(rt, 500, "file name");
		return;
	}
	/* rest names a folder (or is empty: the CGI folder itself). */
	if (!want_ext && rt->info.trailing_slash) {
		struct str sub = { rest.p, rest.len };
		int found = 0;

		while (sub.len > 0 && sub.p[0] == '/') {
			sub.p++;
			sub.len--;
		}
		for (size_t i = 0; found == 0 &&
		     i < sizeof(route_index_names) /
		             sizeof(route_index_names[0]);
		     i++) {
			found = open_index(dirfd, sub, route_index_names[i],
			    &fd, &st);
			if (found == 1) {
				size_t skip = (size_t)(rest.p - rt->path.data);

				if (sub.len > 0 && sub.p[sub.len - 1] != '/' &&
				    buf_putc(&rt->path, '/') == -1) {
					(void)close(fd);
					return fail(rt, 500, "index name");
				}
				return route_index(rt, base, skip,
				    route_index_names[i], fd, &st);
			}
		}
		if (found == -1)
			return fail(rt, errno_status(errno), "index script");
	}
	if (!want_ext && !rt->info.trailing_slash) {
		/* "/cgi-bin/dir": static.c's folder rule adds the '/'. */
		if (rest.len > 1) {
			memcpy(rel, rest.p + 1, rest.len - 1);
			rel[rest.len - 1] = '\0';
		} else {
			memcpy(rel, ".", 2);
		}
		if ((rt->fd = route_open_beneath(dirfd, rel,
		         O_RDONLY | O_DIRECTORY)) != -1 &&
		    fstat(rt->fd, &rt->st) == 0) {
			rt->kind = ROUTE_STATIC;
			return;
		}
	}
	fail(rt, 403, "a CGI folder is not listed");
}

/* A CGI folder under the docroot reached through another URL prefix. */
static bool
inside_cgi_dir(const struct server *srv, struct str path)
{
	const struct config *cf = srv->cf;
	size_t rootlen = strlen(cf->docroot);

	for (size_t i = 0; i < cf->ncgi_dirs; i++) {
		const char *d = cf->cgi_dirs[i].dir;

		if (strncmp(d, cf->docroot, rootlen) != 0 || d[rootlen] != '/')
			continue;
		if (path_has_prefix(path, str_from(d + rootlen), NULL))
			return true;
	}
	return false;
}

static void
route_cgi_dir(struct route *rt, const struct server *srv, struct str path)
{
	const struct config *cf = srv->cf;
	struct str rest, best_rest = { NULL, 0 };
	size_t best = SIZE_MAX, bestlen = 0;

	for (size_t i = 0; i < cf->ncgi_dirs; i++) {
		struct str pre = str_from(cf->cgi_dirs[i].prefix);

		if (pre.len > bestlen && path_has_prefix(path, pre, &rest)) {
			best = i;
			bestlen = pre.len;
			best_rest = rest;
		}
	}
	if (best == SIZE_MAX)
		return;
	rt->cgi_dir = &cf->cgi_dirs[best];
	if (srv->cgi_dir_fds[best] == -1)
		return fail(rt, 404, "CGI folder missing");
	walk_script(rt, srv, srv->cgi_dir_fds[best], rt->cgi_dir->dir,
	    (struct str){ path.p, (size_t)(best_rest.p - path.p) }, best_rest,
	    false);
}

/*
 * A folder outside the CGI folders, asked for with its final '/': when it
 * has no index.html, "index" + each --cgi-ext suffix in order; the first
 * regular file is run as the script. Otherwise rt stays ROUTE_STATIC.
 */
static void
route_ext_index(struct route *rt, const struct server *srv)
{
	const struct config *cf = srv->cf;
	char name[NAME_MAX + 1];
	struct stat st;
	int fd, found;

	found =
	    open_index(rt->fd, (struct str){ "", 0 }, "index.html", &fd, &st);
	if (found == 1)
		(void)close(fd);
	if (found != 0)
		return;
	for (size_t i = 0; i < cf->ncgi_exts; i++) {
		size_t n = strlen(cf->cgi_exts[i].ext);

		if (5 + n + 1 > sizeof(name))
			continue;
		memcpy(name, "index", 5);
		memcpy(name + 5, cf->cgi_exts[i].ext, n + 1);
		found =
		    open_index(rt->fd, (struct str){ "", 0 }, name, &fd, &st);
		if (found == -1)
			return fail(rt, errno_status(errno), "index script");
		if (found == 1) {
			(void)close(rt->fd);
			rt->fd = -1;
			rt->cgi_ext = &cf->cgi_exts[i];
			return route_index(rt, cf->docroot, 0, name, fd, &st);
		}
	}
}

static void
route_static(struct route *rt, const struct server *srv, struct str path)
{
	const struct config *cf = srv->cf;
	const char *rel = path.len > 1 ? path.p + 1 : ".";
	int err;

	rt->fd = route_open_beneath(srv->docroot_fd, rel, O_RDONLY);
	if (rt->fd == -1) {
		err = errno;
		if (err == ENOTDIR && cf->ncgi_exts > 0) {
			walk_script(rt, srv, srv->docroot_fd, cf->docroot,
			    (struct str){ path.p, 0 }, path, true);
			return;
		}
		return fail(rt, errno_status(err), "open");
	}
	if (fstat(rt->fd, &rt->st) == -1)
		return fail(rt, 500, "fstat");
	if (S_ISREG(rt->st.st_mode) && cf->ncgi_exts > 0 &&
	    (rt->cgi_ext = match_ext(cf, path)) != NULL) {
		rt->kind = ROUTE_CGI;
		rt->script_fd = rt->fd;
		rt->script_st = rt->st;
		rt->fd = -1;
		rt->script_name = path;
		if (set_filename(rt, cf->docroot, path) == -1)
			return fail(rt, 500, "file name");
		return;
	}
	if (!S_ISREG(rt->st.st_mode) && !S_ISDIR(rt->st.st_mode))
		return fail(rt, 403, "special file");
	rt->kind = ROUTE_STATIC;
	if (S_ISDIR(rt->st.st_mode) && rt->info.trailing_slash &&
	    cf->ncgi_exts > 0)
		route_ext_index(rt, srv);
}

bool
route_normalize(struct route *rt, const struct http_head *h)
{
	route_reset(rt);
	if (h->target.len == 0 || h->target.p[0] != '/') {
		fail(rt, 400, "target is not a path");
		return false;
	}
	if (path_normalize(h->target.p, h->target.len, &rt->path, &rt->info) ==
	    -1) {
		fail(rt, errno == EINVAL ? 400 : 414,
		    rt->info.reason != NULL ? rt->info.reason : "bad path");
		return false;
	}
	if (rt->info.encoded_slash) {
		fail(rt, 404, "encoded slash");
		return false;
	}
	if (has_dotfile((struct str){ rt->path.data, rt->path.len })) {
		fail(rt, 404, "dotfile");
		return false;
	}
	return true;
}

void
route_resolve_normalized(struct route *rt, const struct server *srv)
{
	struct str path = { rt->path.data, rt->path.len };

	route_cgi_dir(rt, srv, path);
	if (rt->kind == ROUTE_CGI || rt->cgi_dir != NULL)
		return;
	if (inside_cgi_dir(srv, path))
		return fail(rt, 403, "CGI folder under another URL");
	route_static(rt, srv, path);
}

void
route_resolve(struct route *rt, const struct server *srv,
    const struct http_head *h)
{
	if (route_normalize(rt, h))
		route_resolve_normalized(rt, srv);
}
