/*
 * cgi.c - the CGI handler on conn's hook: what may run (executable rule,
 * interpreters, NPH), chunked bodies spooled for an exact CONTENT_LENGTH,
 * the --max-cgi queue, and internal redirects.
 *
 * The script's run itself (spawn, pipes, response, timeouts, reaping) is
 * cgi_job.c. Decisions with their reasons are in docs/notes/cgi.md.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "cgi.h"
#include "cgi_job.h"
#include "cgi_env.h"
#include "cgi_resp.h"
#include "cgi_spawn.h"
#include "config.h"
#include "conn.h"
#include "log.h"
#include "loop.h"
#include "response.h"
#include "route.h"
#include "server.h"

/* ---- shared state ---- */

/*
 * V-05-b: interpreters that must not run as scripts from a CGI folder
 * (a copy of sh there would run whatever a request's query feeds it).
 * Found once at start; a missing one is skipped.
 */
static const char *const known_interps[] = { "/bin/sh", "/bin/bash",
	"/bin/dash", "/usr/bin/perl", "/usr/bin/python3", "/usr/bin/python",
	"/usr/bin/php-cgi", "/usr/bin/php", "/usr/bin/ruby", "/usr/bin/env",
	"/bin/busybox", "/usr/bin/node", "/usr/bin/tclsh", "/usr/bin/lua" };

static void
interps_init(struct cgi *g)
{
	char real[PATH_MAX];
	struct stat st;
	size_t i, k;

	for (i = 0; i < sizeof(known_interps) / sizeof(known_interps[0]) &&
	     g->ninterps < CGI_NINTERP;
	     i++) {
		if (realpath(known_interps[i], real) == NULL ||
		    stat(real, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		for (k = 0; k < g->ninterps; k++)
			if (g->interps[k].dev == st.st_dev &&
			    g->interps[k].ino == st.st_ino)
				break;
		if (k < g->ninterps ||
		    (g->interps[k].path = strdup(real)) == NULL)
			continue;
		g->interps[k].dev = st.st_dev;
		g->interps[k].ino = st.st_ino;
		g->interps[k].size = st.st_size;
		g->ninterps++;
	}
}

/* True if the files at a and b hold the same bytes (sizes already equal). */
static bool
same_bytes(const char *a, const char *b)
{
	char x[16384], y[16384];
	int fa, fb;
	ssize_t na, nb;
	bool same = false;

	if ((fa = open(a, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	if ((fb = open(b, O_RDONLY | O_CLOEXEC)) == -1) {
		(void)close(fa);
		return false;
	}
	for (;;) {
		na = read(fa, x, sizeof(x));
		nb = read(fb, y, sizeof(y));
		if (na != nb || na < 0 || memcmp(x, y, (size_t)na) != 0)
			break;
		if (na == 0) {
			same = true;
			break;
		}
	}
	(void)close(fa);
	(void)close(fb);
	return same;
}

/* V-05-b: the script is a known interpreter, a link to one or a copy. */
static bool
is_interp(const struct cgi *g, const struct stat *st, const char *path)
{
	size_t i;

	for (i = 0; i < g->ninterps; i++) {
		if (st->st_dev == g->interps[i].dev &&
		    st->st_ino == g->interps[i].ino)
			return true;
		if (st->st_size == g->interps[i].size &&
		    same_bytes(path, g->interps[i].path))
			return true;
	}
	return false;
}

struct cgi *
cgi_new(const struct server *srv)
{
	struct cgi *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->srv = srv;
	if ((g->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		free(g);
		return NULL;
	}
	interps_init(g);
	/*
	 * P-07 defaults: no core files (they would hold request data), and
	 * a CPU cap equal to the wall-clock cap, which costs a well-behaved
	 * script nothing but stops a spinning one even if the timers never
	 * fire. --cgi-rlimit-cpu replaces that cap; --cgi-rlimit-as,
	 * -nproc and -fsize set the others (0: not set).
	 */
	g->limits.no_core = true;
	g->limits.cpu_seconds = srv->cf->cgi_rlimit_cpu != 0
	    ? srv->cf->cgi_rlimit_cpu
	    : (srv->cf->cgi_timeout_ms * CGI_TOTAL_FACTOR + 999) / 1000;
	g->limits.as_bytes = srv->cf->cgi_rlimit_as;
	g->limits.nproc = srv->cf->cgi_rlimit_nproc;
	g->limits.fsize_bytes = srv->cf->cgi_rlimit_fsize;
	g->envo.pass_auth = srv->cf->pass_auth;
	g->envo.server_software = RESPONSE_SERVER;
	g->envo.set = (const char *const *)srv->cf->env;
	g->envo.nset = srv->cf->nenv;
	g->envo.pass = (const char *const *)srv->cf->pass_env;
	g->envo.npass = srv->cf->npass_env;
	return g;
}

void
cgi_free(struct cgi *g)
{
	if (g == NULL)
		return;
	(void)close(g->devnull);
	for (size_t i = 0; i < g->ninterps; i++)
		free(g->interps[i].path);
	free(g);
}

/* ---- internal redirects (S-6.2.2) ---- */

static int job_take_route(struct cgi_job *j, const struct route *rt);

/* Sends the file of a static route through conn, in bounded pieces. */
static void
file_pump(struct cgi_job *j)
{
	char tmp[16384];
	ssize_t r, n;

	while (j->c != NULL && j->file_fd >= 0) {
		r = pread(j->file_fd, tmp, sizeof(tmp), (off_t)j->spooled);
		if (r <= 0) {
			struct conn *c = j->c;
			(void)close(j->file_fd);
			j->file_fd = -1;
			j->c = NULL;
			if (r == 0)
				conn_response_end(c);
			else
				conn_response_abort(c);
			return;
		}
		n = conn_write(j->c, tmp, (size_t)r);
		if (n < 0) {
			cgi_job_fail(j, 500, NULL);
			return;
		}
		j->spooled += (uint64_t)n;
		if (n < r)
			return; /* on_writable continues */
	}
}

static void
serve_file(struct cgi_job *j, struct route *rt)
{
	const struct server *srv = j->g->srv;
	struct buf f;
	const char *type;

	if (!S_ISREG(rt->st.st_mode)) {
		cgi_job_fail(j, 403, NULL);
		return;
	}
	type = mime_for_path(&srv->mime,
	    (struct str){ rt->path.data, rt->path.len });
	buf_init(&f, 0);
	if (response_field(&f, "Content-Type",
	        str_from(type ? type : "application/octet-stream")) == -1 ||
	    conn_response_head(j->c, 200, (struct str){ f.data, f.len },
	        CONN_FRAME_LENGTH, (uint64_t)rt->st.st_size) == -1) {
		buf_fini(&f);
		cgi_job_fail(j, 500, "out of memory");
		return;
	}
	buf_fini(&f);
	j->head_sent = true;
	j->file_fd = route_take_fd(rt);
	j->spooled = 0;
	file_pump(j);
}

void
cgi_internal_redirect(struct cgi_job *j)
{
	const char *q;
	struct http_head h2;
	struct route rt;
	size_t plen;

	if (++j->redirects > BOUND_CGI_REDIRECTS) {
		cgi_job_fail(j, 500, "too many internal redirects (S-6.2.2-b)");
		return;
	}
	q = memchr(j->rtarget.data, '?', j->rtarget.len);
	plen = q ? (size_t)(q - j->rtarget.data) : j->rtarget.len;
	buf_reset(&j->rquery);
	if (q != NULL &&
	    buf_append(&j->rquery, q + 1, j->rtarget.len - plen - 1) == -1) {
		cgi_job_fail(j, 500, "out of memory");
		return;
	}
	/* S-6.2.2-c: the new path goes through normalisation and routing. */
	h2 = *conn_head(j->c);
	h2.method = STR_LIT("GET");
	h2.target = (struct str){ j->rtarget.data, plen };
	route_init(&rt);
	route_resolve(&rt, j->g->srv, &h2);
	cgi_job_reset(j);
	if (rt.kind == ROUTE_ERROR) {
		cgi_job_fail(j, rt.status, NULL);
	} else if (rt.kind == ROUTE_STATIC) {
		serve_file(j, &rt);
	} else if (job_take_route(j, &rt) != 0) {
		cgi_job_fail(j, 403, NULL);
	} else if (atomic_fetch_add(&j->g->running, 1) >=
	    j->g->srv->cf->max_cgi) {
		atomic_fetch_sub(&j->g->running, 1);
		cgi_job_fail(j, 503, NULL);
	} else {
		j->has_slot = true;
		(void)cgi_job_run(j);
	}
	route_fini(&rt);
}

/* ---- conn callbacks ---- */

static int
copy(struct buf *b, struct str s)
{
	buf_reset(b);
	return buf_append(b, s.p ? s.p : "", s.len);
}

/* Copies what j needs of rt; 0, or an HTTP status (S-3.2, P-14). */
static int
job_take_route(struct cgi_job *j, const struct route *rt)
{
	const char *slash, *base;
	struct str fn = { rt->script_filename.data, rt->script_filename.len };

	if (copy(&j->filename, fn) == -1 ||
	    copy(&j->script_name, rt->script_name) == -1 ||
	    copy(&j->path_info, rt->path_info) == -1)
		return 500;
	j->has_path_info = rt->path_info.p != NULL && rt->path_info.len > 0;
	slash = strrchr(j->filename.data, '/');
	if (slash == NULL ||
	    copy(&j->dir,
	        (struct str){ j->filename.data,
	            slash == j->filename.data
	                ? 1
	                : (size_t)(slash - j->filename.data) }) == -1)
		return 500;
	base = slash + 1;
	buf_reset(&j->interp);
	if (rt->cgi_ext != NULL && rt->cgi_ext->interp != NULL) {
		if (copy(&j->interp, str_from(rt->cgi_ext->interp)) == -1)
			return 500;
		if (access(j->interp.data, X_OK) == -1) {
			log_error("cgi %lu %s: interpreter %s: %s", j->id,
			    j->filename.data, j->interp.data, strerror(errno));
			return 500;
		}
	} else if ((rt->script_st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ==
	    0) {
		log_error("cgi %lu %s: not executable", j->id,
		    j->filename.data);
		return 403; /* P-10: never served as source either */
	}
	if (j->interp.len == 0 &&
	    is_interp(j->g, &rt->script_st, j->filename.data)) {
		log_error("cgi %lu %s: an interpreter binary, refused (V-05-b)",
		    j->id, j->filename.data);
		return 403;
	}
	/* S-5.1-a, S-9.9-a: nph- only inside a CGI folder. */
	j->nph = rt->cgi_dir != NULL && strncmp(base, "nph-", 4) == 0;
	return 0;
}

/* Chunked bodies: memory first, then an unlinked temp file (S-4.2-d). */
static int
spool(struct cgi_job *j, const char *p, size_t n)
{
	uint64_t max = j->g->srv->cf->max_body;
	ssize_t w;
	size_t off;

	if (j->spooled + n > max)
		return 413;
	if (j->spool_fd < 0 && j->spool.len + n > CGI_SPOOL_MEM) {
		j->spool_fd =
		    open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (j->spool_fd == -1) {
			log_error("cgi %lu: spool file: %s", j->id,
			    strerror(errno));
			return 500;
		}
		if (j->spool.len > 0 &&
		    write(j->spool_fd, j->spool.data, j->spool.len) !=
		        (ssize_t)j->spool.len)
			return 500;
		buf_fini(&j->spool);
	}
	if (j->spool_fd < 0) {
		if (buf_append(&j->spool, p, n) == -1)
			return 500;
	} else {
		for (off = 0; off < n; off += (size_t)w)
			if ((w = write(j->spool_fd, p + off, n - off)) <= 0)
				return 500;
	}
	j->spooled += n;
	return 0;
}

static void
spool_done(struct cgi_job *j)
{
	j->spooling = false;
	if (j->spool_fd >= 0) {
		if (lseek(j->spool_fd, 0, SEEK_SET) == -1) {
			cgi_job_fail(j, 500, "spool file");
			return;
		}
	} else {
		/* in memory: it goes through the stdin pipe */
		buf_fini(&j->in);
		j->in = j->spool;
		j->in.max = 0;
		buf_init(&j->spool, 0);
	}
	j->body_end = true;
	(void)cgi_job_run(j);
}

static void
h_on_body(struct conn *c, void *arg, const char *p, size_t n, bool end)
{
	struct cgi_job *j = arg;
	int st;

	(void)c;
	cgi_job_ref(j);
	if (j->spooling) {
		if (n > 0 && (st = spool(j, p, n)) != 0)
			cgi_job_fail(j, st,
			    st == 413 ? NULL : "cannot spool body");
		else if (end && !j->queued)
			spool_done(j);
		else if (end)
			j->body_end = true;
		cgi_job_unref(j);
		return;
	}
	/* After an internal redirect the body belongs to no script. */
	if (n > 0 && j->redirects == 0 && (j->ch.in_fd >= 0 || !j->started) &&
	    buf_append(&j->in, p, n) == -1) {
		cgi_job_fail(j, 500, "body buffer");
		cgi_job_unref(j);
		return;
	}
	if (end)
		j->body_end = true;
	if (j->c != NULL && j->in.len >= CGI_IN_HIGH)
		conn_body_pause(j->c);
	if (j->started)
		cgi_job_in_flush(j);
	cgi_job_unref(j);
}

static void
h_on_writable(struct conn *c, void *arg)
{
	struct cgi_job *j = arg;

	(void)c;
	cgi_job_ref(j);
	if (j->file_fd >= 0) {
		file_pump(j);
	} else {
		cgi_job_out_resume(j);
		cgi_job_out(j);
	}
	cgi_job_unref(j);
}

static void
h_on_abort(struct conn *c, void *arg)
{
	struct cgi_job *j = arg;

	(void)c;
	cgi_job_ref(j);
	j->c = NULL; /* P-13, S-3.4-b: the client is gone */
	cgi_job_kill(j);
	cgi_job_unref(j);
}

/* ---- --max-cgi (P-08) ---- */

static bool
slot_take(struct cgi_job *j)
{
	if (atomic_fetch_add(&j->g->running, 1) < j->g->srv->cf->max_cgi) {
		j->has_slot = true;
		return true;
	}
	atomic_fetch_sub(&j->g->running, 1);
	return false;
}

static void
busy(struct cgi_job *j)
{
	static const char page[] = "503 Service Unavailable: too many "
	                           "scripts running, retry later\n";
	struct conn *c = j->c;

	cgi_job_slot_release(j);
	j->c = NULL;
	if (conn_response_head(c, 503,
	        STR_LIT("Retry-After: 1\r\nContent-Type: text/plain\r\n"),
	        CONN_FRAME_LENGTH, sizeof(page) - 1) == -1 ||
	    conn_write(c, page, sizeof(page) - 1) < 0)
		conn_response_abort(c);
	else
		conn_response_end(c);
}

static void
on_queue(struct loop *lp, void *arg)
{
	struct cgi_job *j = arg;

	cgi_job_ref(j);
	if (j->c == NULL) {
		cgi_job_unref(j);
		return;
	}
	if (j->reject) {
		busy(j); /* the queue was full: 503 with Retry-After */
	} else if (slot_take(j)) {
		atomic_fetch_sub(&j->g->waiting, 1);
		j->queued = false;
		if (j->c != NULL)
			conn_body_resume(j->c);
		if (!j->spooling)
			(void)cgi_job_run(j);
		else if (j->body_end)
			spool_done(j);
	} else if (loop_now_ms(lp) - j->queued_ms > CGI_QUEUE_MAX_MS ||
	    loop_timer_start(lp, &j->t_queue, CGI_QUEUE_POLL_MS, on_queue, j) ==
	        -1) {
		busy(j);
	}
	cgi_job_unref(j);
}

static int
queue(struct cgi_job *j)
{
	/*
	 * The queue holds as many as may run: past it, 503 at once (from
	 * the timer, since only a started handler can add Retry-After).
	 */
	j->queued = true;
	if (atomic_fetch_add(&j->g->waiting, 1) >= j->g->srv->cf->max_cgi)
		j->reject = true;
	j->queued_ms = loop_now_ms(j->lp);
	if (loop_timer_start(j->lp, &j->t_queue,
	        j->reject ? 0 : CGI_QUEUE_POLL_MS, on_queue, j) == -1)
		return -1;
	return 0;
}

/* A child spawned in h_start that cannot be watched: end it here. */
static void
kill_now(struct cgi_job *j)
{
	int tries;

	(void)cgi_spawn_kill(&j->ch, SIGKILL);
	for (tries = 0; tries < 1000 && cgi_spawn_reap(&j->ch, NULL) == 0;
	     tries++)
		(void)usleep(1000);
	j->started = false;
}

static int
h_start(struct conn *c, const struct route *rt, void *h_arg, void **argp)
{
	const struct http_head *h = conn_head(c);
	struct cgi *g = h_arg;
	struct cgi_job *j;
	int st = 0;

	/* S-4.3-a: TRACE and CONNECT never reach a script. */
	if (str_eq(h->method, STR_LIT("TRACE")) ||
	    str_eq(h->method, STR_LIT("CONNECT")))
		return 405;
	if (h->framing == HTTP_FRAMING_LENGTH &&
	    h->content_length > g->srv->cf->max_body)
		return 413; /* V-13-a: before spawning */
	if ((j = cgi_job_new(g, c)) == NULL)
		return 503;
	j->resp.names = j->names;
	j->resp.values = j->values;
	j->resp.maxfields = BOUND_CGI_RESP_FIELDS;
	j->spooling = h->framing == HTTP_FRAMING_CHUNKED;
	j->body_end = h->framing == HTTP_FRAMING_NONE;
	if ((st = job_take_route(j, rt)) != 0)
		goto fail;
	if (!slot_take(j)) {
		if (queue(j) == -1) {
			st = 503;
			goto fail;
		}
		conn_body_pause(c);
	} else if (!j->spooling) {
		if ((st = cgi_job_spawn(j)) != 0)
			goto fail;
		if (cgi_job_watch(j) == -1) {
			kill_now(j);
			st = 500;
			goto fail;
		}
	}
	*argp = j;
	return 0;
fail:
	j->c = NULL;
	cgi_job_free(j);
	return st;
}

const struct conn_handler cgi_handler = {
	.name = "cgi",
	.start = h_start,
	.on_body = h_on_body,
	.on_writable = h_on_writable,
	.on_abort = h_on_abort,
};
