/*
 * cgi_job.c - a CGI script's run: environment and spawn, the request body
 * to stdin while stdout streams to the client (full duplex, with
 * back-pressure both ways), the header block to a response head, stderr
 * to the error log, timeouts, kills of the whole group, and reaping
 * through the pidfd.
 *
 * Everything runs on the worker's loop. The handler side (checks,
 * spooling, --max-cgi, redirects) is cgi.c; decisions with their reasons
 * are in docs/notes/cgi.md.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi_job.h"
#include "config.h"
#include "conn.h"
#include "log.h"
#include "response.h"
#include "server.h"

static void job_finish(struct cgi_job *j);
static void on_out(struct loop *lp, int fd, unsigned ev, void *arg);

/* ---- job lifetime ---- */

struct cgi_job *
cgi_job_new(struct cgi *g, struct conn *c)
{
	struct cgi_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->g = g;
	j->c = c;
	j->lp = conn_loop(c);
	j->w = conn_worker(c);
	j->w->cgi_jobs++;
	j->id = atomic_fetch_add(&g->ids, 1) + 1;
	j->spool_fd = j->file_fd = -1;
	j->ch.pidfd = j->ch.in_fd = j->ch.out_fd = j->ch.err_fd = -1;
	buf_init(&j->out, CGI_READ_CHUNK + BOUND_CGI_RESP_HEAD);
	buf_init(&j->in, CGI_IN_HIGH + CONN_BODY_CHUNK);
	buf_init(&j->err, CGI_STDERR_LINE);
	buf_init(&j->reason, BOUND_CGI_RESP_LINE);
	return j;
}

void
cgi_job_slot_release(struct cgi_job *j)
{
	if (j->has_slot) {
		atomic_fetch_sub(&j->g->running, 1);
		j->has_slot = false;
	}
	if (j->queued) {
		atomic_fetch_sub(&j->g->waiting, 1);
		j->queued = false;
	}
}

static void
unwatch_close(struct cgi_job *j, int *fd)
{
	if (*fd >= 0) {
		(void)loop_unwatch(j->lp, *fd);
		(void)close(*fd);
		*fd = -1;
	}
}

/* Closes the pipes (not the pidfd: the child is still to be reaped). */
static void
close_pipes(struct cgi_job *j)
{
	unwatch_close(j, &j->ch.in_fd);
	unwatch_close(j, &j->ch.out_fd);
	unwatch_close(j, &j->ch.err_fd);
	j->in_watch = false;
}

void
cgi_job_free(struct cgi_job *j)
{
	struct server_worker *w;

	close_pipes(j);
	unwatch_close(j, &j->ch.pidfd);
	loop_timer_stop(j->lp, &j->t_head);
	loop_timer_stop(j->lp, &j->t_idle);
	loop_timer_stop(j->lp, &j->t_total);
	loop_timer_stop(j->lp, &j->t_kill);
	loop_timer_stop(j->lp, &j->t_queue);
	loop_timer_stop(j->lp, &j->t_reap);
	cgi_job_slot_release(j);
	if (j->spool_fd >= 0)
		(void)close(j->spool_fd);
	if (j->file_fd >= 0)
		(void)close(j->file_fd);
	buf_fini(&j->filename);
	buf_fini(&j->dir);
	buf_fini(&j->interp);
	buf_fini(&j->script_name);
	buf_fini(&j->path_info);
	buf_fini(&j->rtarget);
	buf_fini(&j->rquery);
	buf_fini(&j->spool);
	buf_fini(&j->in);
	buf_fini(&j->out);
	buf_fini(&j->fields);
	buf_fini(&j->err);
	buf_fini(&j->reason);
	w = j->w;
	free(j);
	w->cgi_jobs--;
	server_worker_maybe_stop(w);
}

/* Frees j once nobody needs it: no conn, no child, no pending kill. */
void
cgi_job_unref(struct cgi_job *j)
{
	if (--j->depth > 0 || j->c != NULL)
		return;
	if (j->started && !j->reaped)
		return; /* the pidfd callback comes back */
	if (j->killing == 1)
		return; /* the grace timer comes back to send SIGKILL */
	cgi_job_free(j);
}

void
cgi_job_ref(struct cgi_job *j)
{
	j->depth++;
}

/* ---- ending the child ---- */

static void
on_kill_timer(struct loop *lp, void *arg)
{
	struct cgi_job *j = arg;

	(void)lp;
	cgi_job_ref(j);
	/* After the grace, even the group's stragglers (P-04). */
	(void)cgi_spawn_kill(&j->ch, SIGKILL);
	j->killing = 2;
	cgi_job_unref(j);
}

/* S-3.4-b, P-06: SIGTERM to the group, SIGKILL after the grace. */
void
cgi_job_kill(struct cgi_job *j)
{
	close_pipes(j);
	if (!j->started || j->killing != 0)
		return;
	if (cgi_spawn_kill(&j->ch, SIGTERM) == -1 && errno == ESRCH) {
		j->killing = 2;
		return;
	}
	j->killing = 1;
	if (loop_timer_start(j->lp, &j->t_kill, CGI_KILL_GRACE_MS,
	        on_kill_timer, j) == -1) {
		(void)cgi_spawn_kill(&j->ch, SIGKILL);
		j->killing = 2;
	}
}

static void
log_extra(struct cgi_job *j)
{
	char s[160];
	int st = j->ex.status, n;

	if (j->c == NULL || !j->reaped)
		return;
	if (WIFSIGNALED(st))
		n = snprintf(s, sizeof(s),
		    "cgi_signal=%d cpu_ms=%llu rss_kb=%llu", WTERMSIG(st),
		    (unsigned long long)j->ex.cpu_ms,
		    (unsigned long long)j->ex.maxrss_kb);
	else
		n = snprintf(s, sizeof(s),
		    "cgi_exit=%d cpu_ms=%llu rss_kb=%llu", WEXITSTATUS(st),
		    (unsigned long long)j->ex.cpu_ms,
		    (unsigned long long)j->ex.maxrss_kb);
	if (n > 0 && (size_t)n < sizeof(s))
		conn_set_log_extra(j->c, (struct str){ s, (size_t)n });
}

/* Lets go of the connection after an error status or an abort. */
void
cgi_job_fail(struct cgi_job *j, int status, const char *why)
{
	struct conn *c = j->c;

	if (why != NULL)
		log_error("cgi %lu %s pid %d: %s", j->id, j->filename.data,
		    (int)j->ch.pgid > 0 ? (int)j->ch.pgid : (int)j->ch.pid,
		    why);
	cgi_job_kill(j);
	if (c == NULL)
		return;
	log_extra(j);
	j->c = NULL;
	if (j->head_sent)
		conn_response_abort(c);
	else
		conn_response_error(c, status);
}

/* ---- timers ---- */

static void
on_timeout(struct loop *lp, void *arg)
{
	struct cgi_job *j = arg;

	(void)lp;
	cgi_job_ref(j);
	/* P-06: 504 if no header was sent; otherwise the client sees a cut. */
	cgi_job_fail(j, 504,
	    j->head_sent ? "script idle or over its time"
	                 : "script sent no header in time");
	cgi_job_unref(j);
}

static int
arm(struct cgi_job *j, struct loop_timer *t, uint64_t ms)
{
	return loop_timer_start(j->lp, t, ms, on_timeout, j);
}

/* ---- stderr: lines to the error log (P-09) ---- */

static void
err_line(struct cgi_job *j, const char *p, size_t n)
{
	if (j->err_logged >= CGI_STDERR_MAX)
		return;
	j->err_logged += n;
	log_error("cgi %lu %s pid %d stderr: %.*s", j->id, j->filename.data,
	    (int)(j->ch.pid > 0 ? j->ch.pid : j->ch.pgid), (int)n, p);
	if (j->err_logged >= CGI_STDERR_MAX)
		log_error("cgi %lu: further stderr not logged", j->id);
}

static void
on_err(struct loop *lp, int fd, unsigned ev, void *arg)
{
	struct cgi_job *j = arg;
	char tmp[4096], *nl;
	size_t off, room;
	ssize_t r;

	(void)lp;
	(void)ev;
	r = read(fd, tmp, sizeof(tmp));
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	cgi_job_ref(j);
	if (r <= 0) {
		if (j->err.len > 0)
			err_line(j, j->err.data, j->err.len);
		buf_reset(&j->err);
		unwatch_close(j, &j->ch.err_fd);
		j->err_eof = true;
		cgi_job_unref(j);
		return;
	}
	for (off = 0; off < (size_t)r;) {
		nl = memchr(tmp + off, '\n', (size_t)r - off);
		room = (nl ? (size_t)(nl - tmp) : (size_t)r) - off;
		if (j->err.len + room > CGI_STDERR_LINE)
			room = CGI_STDERR_LINE - j->err.len;
		(void)buf_append(&j->err, tmp + off, room);
		off += room;
		if (nl != NULL && off == (size_t)(nl - tmp))
			off++;
		else if (j->err.len < CGI_STDERR_LINE)
			break;
		err_line(j, j->err.data, j->err.len);
		buf_reset(&j->err);
	}
	cgi_job_unref(j);
}

/* ---- request body to stdin (S-4.2, S-4.2-i) ---- */

static void on_in(struct loop *lp, int fd, unsigned ev, void *arg);

void
cgi_job_in_flush(struct cgi_job *j)
{
	ssize_t r;

	while (j->ch.in_fd >= 0 && j->in_off < j->in.len) {
		r = write(j->ch.in_fd, j->in.data + j->in_off,
		    j->in.len - j->in_off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN)
			break;
		if (r == -1) {
			/* EPIPE: the script will not read more; drop the rest.
			 */
			unwatch_close(j, &j->ch.in_fd);
			j->in_watch = false;
			break;
		}
		j->in_off += (size_t)r;
	}
	if (j->in_off == j->in.len) {
		buf_reset(&j->in);
		j->in_off = 0;
	}
	if (j->ch.in_fd >= 0 && j->in.len == 0 && j->body_end) {
		unwatch_close(j, &j->ch.in_fd); /* EOF for the script */
		j->in_watch = false;
	}
	/*
	 * Watched only while bytes wait: epoll reports EPOLLERR on a pipe
	 * whose reader is gone even with no events asked, which would spin.
	 */
	if (j->ch.in_fd >= 0 && (j->in.len > 0) != j->in_watch) {
		j->in_watch = j->in.len > 0;
		if (j->in_watch ? loop_watch(j->lp, j->ch.in_fd, LOOP_WRITE,
		                      on_in, j) == -1
		                : loop_unwatch(j->lp, j->ch.in_fd) == -1)
			cgi_job_fail(j, 500, "cannot watch the script's stdin");
	}
	if (j->c != NULL && j->in.len < CGI_IN_HIGH)
		conn_body_resume(j->c);
}

static void
on_in(struct loop *lp, int fd, unsigned ev, void *arg)
{
	struct cgi_job *j = arg;

	(void)lp;
	(void)fd;
	cgi_job_ref(j);
	if (ev & LOOP_ERROR) {
		/* The script closed its stdin: the rest is dropped (S-4.2-g).
		 */
		unwatch_close(j, &j->ch.in_fd);
		j->in_watch = false;
		buf_reset(&j->in);
		j->in_off = 0;
		if (j->c != NULL)
			conn_body_resume(j->c);
	} else {
		cgi_job_in_flush(j);
	}
	cgi_job_unref(j);
}

/* ---- spawning ---- */

static void
fill_env_req(struct cgi_job *j, struct cgi_env_req *rq, char *local,
    size_t locallen)
{
	const struct http_head *h = conn_head(j->c);
	const struct config *cf = j->g->srv->cf;
	unsigned lport = 0;

	memset(rq, 0, sizeof(*rq));
	rq->method = j->redirects > 0 ? STR_LIT("GET") : h->method;
	rq->request_uri = h->uri;
	rq->script_name =
	    (struct str){ j->script_name.data ? j->script_name.data : "",
		    j->script_name.len };
	if (j->has_path_info)
		rq->path_info =
		    (struct str){ j->path_info.data, j->path_info.len };
	rq->query = j->redirects > 0
	    ? (struct str){ buf_cstr(&j->rquery), j->rquery.len }
	    : h->query;
	rq->minor = h->minor;
	rq->fields = h->fields;
	rq->nfields = h->nfields;
	rq->no_content_type = j->redirects > 0;
	if (j->redirects == 0 && h->framing != HTTP_FRAMING_NONE) {
		rq->has_body = true;
		rq->content_length = h->framing == HTTP_FRAMING_LENGTH
		    ? h->content_length
		    : j->spooled;
	}
	if (conn_local(j->c, local, locallen, &lport) == -1)
		local[0] = '\0';
	rq->host = h->host;
	rq->default_name = str_from(local);
	rq->remote_addr = str_from(conn_peer(j->c));
	rq->remote_port = conn_peer_port(j->c);
	rq->local_addr = str_from(local);
	rq->local_port = lport;
	rq->docroot = str_from(cf->docroot);
	rq->script_filename = (struct str){ j->filename.data, j->filename.len };
	if (j->redirects > 0) {
		rq->redirect_url = h->target;
		rq->redirect_query = h->query;
	}
}

/* P-10: what an exec error means for the client. */
static int
exec_status(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return 403;
	case EAGAIN:
	case ENOMEM:
		return 503;
	default:
		return 500;
	}
}

int
cgi_job_spawn(struct cgi_job *j)
{
	char local[64], *argv[3];
	struct cgi_env_req rq;
	struct cgi_env env;
	struct cgi_spawn_req sr;
	int rc, n = 0, stdin_fd = -1;

	fill_env_req(j, &rq, local, sizeof(local));
	if ((rc = cgi_env_build(&rq, &j->g->envo, &env)) != 0) {
		log_error("cgi %lu %s: environment refused (%d)", j->id,
		    j->filename.data, rc);
		return rc;
	}
	if (j->interp.len > 0)
		argv[n++] = j->interp.data;
	argv[n++] = j->filename.data;
	argv[n] = NULL;
	if (!rq.has_body)
		stdin_fd = j->g->devnull; /* P-12 */
	else if (j->spool_fd >= 0)
		stdin_fd = j->spool_fd;
	sr = (struct cgi_spawn_req){ .path = argv[0],
		.argv = argv,
		.envp = env.envp,
		.dir = j->dir.data,
		.stdin_fd = stdin_fd,
		.limits = &j->g->limits };
	rc = cgi_spawn_start(&sr, &j->ch);
	cgi_env_fini(&env);
	if (rc == -1) {
		rc = errno;
		/* ENOENT for a file that exists: its "#!" names no program. */
		log_error("cgi %lu %s: cannot execute %s: %s%s", j->id,
		    j->filename.data, argv[0], strerror(rc),
		    rc == ENOENT && access(argv[0], F_OK) == 0
		        ? " (the #! line names a missing interpreter)"
		        : "");
		return exec_status(rc);
	}
	j->started = true;
	j->reaped = false;
	if (j->spool_fd >= 0) {
		(void)close(j->spool_fd);
		j->spool_fd = -1;
	}
	return 0;
}

static void job_reaped(struct cgi_job *j);

/* Reaps the child if it has exited; true when it was. */
static bool
reap_now(struct cgi_job *j)
{
	if (cgi_spawn_reap(&j->ch, &j->ex) != 1)
		return false;
	loop_timer_stop(j->lp, &j->t_reap);
	j->reaped = true;
	cgi_job_slot_release(j);
	job_reaped(j);
	return true;
}

static void
on_pidfd(struct loop *lp, int fd, unsigned ev, void *arg)
{
	struct cgi_job *j = arg;

	(void)lp;
	(void)fd;
	(void)ev;
	cgi_job_ref(j);
	(void)loop_unwatch(j->lp, j->ch.pidfd);
	(void)reap_now(j);
	cgi_job_unref(j);
}

/*
 * Without a pidfd (pidfd_open ENOSYS, e.g. under valgrind 3.19): polls
 * wait4(pid, WNOHANG) for this child only (never -1, so no other child is
 * taken), every CGI_REAP_POLL_MIN_MS at first, doubling to
 * CGI_REAP_POLL_MAX_MS; stdout's EOF polls at once.
 */
static void
on_reap_timer(struct loop *lp, void *arg)
{
	struct cgi_job *j = arg;

	(void)lp;
	if (j->reaped || j->ch.pid <= 0)
		return;
	cgi_job_ref(j);
	if (!reap_now(j)) {
		j->reap_ms *= 2;
		if (j->reap_ms < CGI_REAP_POLL_MIN_MS)
			j->reap_ms = CGI_REAP_POLL_MIN_MS;
		if (j->reap_ms > CGI_REAP_POLL_MAX_MS)
			j->reap_ms = CGI_REAP_POLL_MAX_MS;
		if (loop_timer_start(j->lp, &j->t_reap, j->reap_ms,
		        on_reap_timer, j) == -1)
			log_error("cgi %lu: reap timer: %s", j->id,
			    strerror(errno));
	}
	cgi_job_unref(j);
}

static int
reap_poll_start(struct cgi_job *j, uint64_t ms)
{
	j->reap_ms = ms;
	return loop_timer_start(j->lp, &j->t_reap, ms, on_reap_timer, j);
}

/*
 * Stops reading stdout while the client is slow (S-9.6-a). Unwatched, not
 * just asked for no events: a pipe whose writer is gone reports EPOLLHUP
 * regardless, and the loop would spin until the client caught up.
 */
static void
out_pause(struct cgi_job *j)
{
	(void)loop_unwatch(j->lp, j->ch.out_fd);
	j->out_paused = true;
}

void
cgi_job_out_resume(struct cgi_job *j)
{
	if (!j->out_paused || j->ch.out_fd < 0)
		return;
	j->out_paused = false;
	if (loop_watch(j->lp, j->ch.out_fd, LOOP_READ, on_out, j) == -1)
		cgi_job_fail(j, 500, "cannot watch the script's stdout");
}

static void
on_out(struct loop *lp, int fd, unsigned ev, void *arg)
{
	struct cgi_job *j = arg;
	ssize_t r;

	(void)lp;
	(void)ev;
	cgi_job_ref(j);
	if (buf_reserve(&j->out, CGI_READ_CHUNK) == -1) {
		/* Full: the client is slow; wait for on_writable. */
		out_pause(j);
		cgi_job_unref(j);
		return;
	}
	r = read(fd, j->out.data + j->out.len, CGI_READ_CHUNK);
	if (r == -1 && (errno == EAGAIN || errno == EINTR)) {
		cgi_job_unref(j);
		return;
	}
	if (r <= 0) {
		unwatch_close(j, &j->ch.out_fd);
		j->out_eof = true;
		if (j->ch.pidfd == -1 && !j->reaped)
			(void)reap_poll_start(j, 0); /* the exit is near */
	} else {
		j->out.len += (size_t)r;
		j->out.data[j->out.len] = '\0';
		if (j->c != NULL && !j->redirecting)
			(void)arm(j, &j->t_idle,
			    j->g->srv->cf->cgi_idle_timeout_ms);
	}
	cgi_job_out(j);
	cgi_job_unref(j);
}

/* Watches the new child's fds and starts its clocks. */
int
cgi_job_watch(struct cgi_job *j)
{
	const struct config *cf = j->g->srv->cf;

	if ((j->ch.pidfd >= 0
	            ? loop_watch(j->lp, j->ch.pidfd, LOOP_READ, on_pidfd, j)
	            : reap_poll_start(j, CGI_REAP_POLL_MIN_MS)) == -1 ||
	    loop_watch(j->lp, j->ch.out_fd, LOOP_READ, on_out, j) == -1 ||
	    loop_watch(j->lp, j->ch.err_fd, LOOP_READ, on_err, j) == -1)
		return -1;
	if (arm(j, &j->t_head, cf->cgi_timeout_ms) == -1 ||
	    arm(j, &j->t_idle, cf->cgi_idle_timeout_ms) == -1 ||
	    arm(j, &j->t_total, cf->cgi_timeout_ms * CGI_TOTAL_FACTOR) == -1)
		return -1;
	return 0;
}

/* Spawns and watches; on failure answers the client. 0 or -1. */
int
cgi_job_run(struct cgi_job *j)
{
	int st;

	if ((st = cgi_job_spawn(j)) != 0) {
		cgi_job_fail(j, st, NULL);
		return -1;
	}
	if (cgi_job_watch(j) == -1) {
		cgi_job_fail(j, 500, "cannot watch the script");
		return -1;
	}
	if (j->in.len > 0 || j->body_end)
		cgi_job_in_flush(j);
	return 0;
}

/* ---- the response ---- */

/* The script's fields as "Name: value\r\n" lines for conn (S-6.3.4-a). */
static int
build_fields(struct cgi_job *j)
{
	const struct cgi_resp *r = &j->resp;
	struct buf *b = &j->fields;
	size_t i;

	buf_reset(b);
	for (i = 0; i < r->nfields; i++) {
		if (buf_append(b, r->names[i].p, r->names[i].len) == -1 ||
		    buf_append(b, ": ", 2) == -1 ||
		    buf_append(b, r->values[i].p, r->values[i].len) == -1 ||
		    buf_append(b, "\r\n", 2) == -1)
			return -1;
	}
	if (r->content_type.p != NULL &&
	    response_field(b, "Content-Type", r->content_type) == -1)
		return -1;
	if (r->location.p != NULL &&
	    response_field(b, "Location", r->location) == -1)
		return -1;
	return 0;
}

static void
send_head(struct cgi_job *j)
{
	const struct cgi_resp *r = &j->resp;
	enum conn_framing fr = CONN_FRAME_CHUNKED;
	uint64_t len = 0;

	if (r->no_body || (r->untyped && j->out.len == 0)) {
		fr = CONN_FRAME_LENGTH; /* conn leaves it off for 204/304 */
	} else if (r->has_length) {
		fr = CONN_FRAME_LENGTH; /* conn enforces it (H-9110-8.6-b) */
		len = r->content_length;
	}
	/* S-6.3.3-b: the script's phrase when valid (conn checks it). */
	if (conn_response_head_phrase(j->c, r->status,
	        (struct str){ j->reason.data, j->reason.len },
	        (struct str){ buf_cstr(&j->fields), j->fields.len }, fr,
	        len) == -1) {
		cgi_job_fail(j, 500, "cannot queue the response head");
		return;
	}
	j->head_sent = true;
}

/* NPH (S-5.2-a): the script's bytes go out as they are. */
static void
send_nph_head(struct cgi_job *j)
{
	if (conn_response_raw(j->c) == -1) {
		cgi_job_fail(j, 500, "cannot start a raw response");
		return;
	}
	j->head_sent = true;
}

/* Parses the header block; returns true once the head is settled. */
static bool
parse_head(struct cgi_job *j)
{
	enum cgi_resp_parse rc;
	size_t used = 0;

	if (j->nph) {
		j->head_done = true;
		send_nph_head(j);
		return j->c != NULL;
	}
	rc = cgi_resp_parse(&j->resp, j->out.data, j->out.len, &used);
	if (rc == CGI_RESP_MORE && !j->out_eof)
		return false;
	if (rc != CGI_RESP_DONE) {
		/*
		 * stdout is closed: the exit is near, and waiting for it puts
		 * cgi_exit/cgi_signal on the access line (a CPU or memory
		 * limit shows there). The head timer bounds the wait.
		 */
		if (j->out_eof && !j->reaped)
			return false;
		/* S-3.1-b, S-6.2-b, S-6.3-*: a well-formed 502 instead. */
		cgi_job_fail(j, 502,
		    rc == CGI_RESP_MORE
		        ? "script ended without a complete header block"
		        : j->resp.error);
		return false;
	}
	loop_timer_stop(j->lp, &j->t_head);
	buf_reset(&j->reason);
	if (build_fields(j) == -1 ||
	    buf_append(&j->reason, j->resp.reason.p, j->resp.reason.len) ==
	        -1) {
		cgi_job_fail(j, 500, "out of memory");
		return false;
	}
	j->head_done = true;
	if (j->resp.kind == CGI_RESP_LOCAL_REDIRECT) {
		/* S-6.2.2-a: taken once the script is done; drain until then.
		 */
		j->redirecting = true;
		buf_reset(&j->rtarget);
		if (buf_append(&j->rtarget, j->resp.location.p,
		        j->resp.location.len) == -1) {
			cgi_job_fail(j, 500, "out of memory");
			return false;
		}
	}
	buf_consume(&j->out, used);
	return true;
}

/* Moves script output to the client; pauses stdout when conn is full. */
static void
out_step(struct cgi_job *j)
{
	ssize_t n;

	if (j->c == NULL) {
		buf_reset(&j->out); /* aborted: drain until the kill lands */
		return;
	}
	if (!j->head_done && !parse_head(j))
		return;
	if (j->redirecting || (j->resp.no_body && !j->nph)) {
		buf_reset(&j->out); /* S-6.4-a: read to EOF, drop */
	} else if (!j->nph && j->resp.untyped && j->out.len > 0) {
		/* S-6.3.1-a: never guess a type (CVE-2020-24553). */
		cgi_job_fail(j, 502, "script body without Content-Type");
		return;
	}
	if (!j->redirecting && !j->head_sent) {
		if (!j->nph && j->resp.untyped && !j->out_eof)
			return; /* a body byte would make it a 502 */
		send_head(j);
		if (j->c == NULL)
			return;
	}
	while (j->c != NULL && j->out.len > 0) {
		n = conn_write(j->c, j->out.data, j->out.len);
		if (n < 0) {
			cgi_job_fail(j, 500, NULL);
			return;
		}
		buf_consume(&j->out, (size_t)n);
		if ((size_t)n == 0)
			break;
	}
	if (j->ch.out_fd >= 0 && j->out.len > 0 && !j->out_paused)
		out_pause(j);
	if (j->out_eof && j->out.len == 0)
		job_finish(j);
}

void
cgi_job_out(struct cgi_job *j)
{
	/*
	 * conn_write may run conn's machine, which may call on_writable,
	 * which comes back here: the inner call only asks for another pass.
	 */
	if (j->in_process) {
		j->again = true;
		return;
	}
	j->in_process = true;
	do {
		j->again = false;
		out_step(j);
	} while (j->again);
	j->in_process = false;
}

/* The response is complete once stdout hit EOF and the child is reaped. */
static void
job_finish(struct cgi_job *j)
{
	struct conn *c = j->c;

	if (c == NULL || !j->out_eof || j->out.len > 0)
		return;
	if (!j->reaped) {
		/* P-05: wait for the exit (bounded by the idle timer). */
		return;
	}
	if (j->redirecting) {
		cgi_internal_redirect(j);
		return;
	}
	loop_timer_stop(j->lp, &j->t_idle);
	loop_timer_stop(j->lp, &j->t_total);
	log_extra(j);
	j->c = NULL;
	/*
	 * S-5.2-c: close after NPH. H-9112-9.6-a: a script killed mid-body
	 * must not look complete, so no final chunk then.
	 */
	if (j->nph || WIFSIGNALED(j->ex.status))
		conn_response_abort(c);
	else
		conn_response_end(c);
}

static void
job_reaped(struct cgi_job *j)
{
	int st = j->ex.status;

	if (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0))
		log_error("cgi %lu %s pid %d: %s %d", j->id, j->filename.data,
		    (int)j->ch.pgid,
		    WIFSIGNALED(st) ? "killed by signal" : "exit status",
		    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	if (j->c != NULL && !j->head_done) {
		if (j->out_eof)
			cgi_job_out(j); /* parse_head waited for this exit */
		return;
	}
	job_finish(j);
}

/* Resets the per-script state so j can run the redirect target. */
void
cgi_job_reset(struct cgi_job *j)
{
	close_pipes(j);
	unwatch_close(j, &j->ch.pidfd);
	loop_timer_stop(j->lp, &j->t_head);
	loop_timer_stop(j->lp, &j->t_idle);
	loop_timer_stop(j->lp, &j->t_total);
	loop_timer_stop(j->lp, &j->t_reap);
	memset(&j->ch, 0, sizeof(j->ch));
	j->ch.pidfd = j->ch.in_fd = j->ch.out_fd = j->ch.err_fd = -1;
	j->started = j->reaped = false;
	j->out_eof = j->out_paused = j->head_done = j->redirecting = false;
	j->err_eof = false;
	j->body_end = true; /* S-6.2.2-b: GET, the body is not replayed */
	buf_reset(&j->out);
	buf_reset(&j->in);
	buf_reset(&j->err);
	memset(&j->resp, 0, sizeof(j->resp));
	j->resp.names = j->names;
	j->resp.values = j->values;
	j->resp.maxfields = BOUND_CGI_RESP_FIELDS;
}
