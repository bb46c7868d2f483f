/*
 * cgi_job.h - one CGI request's script, shared by cgi.c (the handler:
 * checks, body spooling, --max-cgi, redirects) and cgi_job.c (spawn,
 * pipes, the response, timeouts, kills, reaping). Internal to the two.
 *
 * A job owns the child's pid, pipes, pidfd and timers; it lives until the
 * child is reaped, even after conn let go of it (j->c == NULL). Every
 * callback holds a reference (cgi_job_ref/unref) so a job is freed only
 * when no callback of it is running.
 */
#ifndef SERVER_CGI_JOB_H
#define SERVER_CGI_JOB_H

#include <sys/types.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "buf.h"
#include "cgi_env.h"
#include "cgi_resp.h"
#include "cgi_spawn.h"
#include "loop.h"
#include "str.h"

struct conn;
struct route;
struct server;
struct server_worker;

/* Body bytes buffered for stdin before the client's body is paused. */
#define CGI_IN_HIGH 65536
/* Script output read per wake-up, and held while the client is slow. */
#define CGI_READ_CHUNK 65536
/* A chunked body is spooled in memory up to this, then to a temp file. */
#define CGI_SPOOL_MEM 65536
/* stderr bytes logged per request; the rest is counted, not logged. */
#define CGI_STDERR_MAX 65536
/* Longest stderr line logged as one line. */
#define CGI_STDERR_LINE 1024
/* SIGTERM to SIGKILL (S-3.4-b, P-06). */
#define CGI_KILL_GRACE_MS 2000
/* How often a queued request looks for a free --max-cgi slot. */
#define CGI_QUEUE_POLL_MS 20
/* How long a request may wait for a slot before 503. */
#define CGI_QUEUE_MAX_MS 5000
/* Without a pidfd: first and longest interval of polling for the exit. */
#define CGI_REAP_POLL_MIN_MS 5
#define CGI_REAP_POLL_MAX_MS 100
/* The whole run may last this many times --cgi-timeout (P-06 total). */
#define CGI_TOTAL_FACTOR 10

/* An interpreter binary that may not run from a CGI folder (V-05-b). */
struct cgi_interp {
	dev_t dev;
	ino_t ino;
	off_t size;
	char *path; /* owned */
};

#define CGI_NINTERP 16

struct cgi {
	const struct server *srv;
	struct cgi_interp interps[CGI_NINTERP];
	size_t ninterps;
	atomic_uint running; /* children alive, all workers (--max-cgi) */
	atomic_uint waiting; /* requests queued for a slot */
	atomic_ulong ids;
	int devnull;
	struct cgi_env_opts envo;
	struct cgi_spawn_limits limits; /* P-07, applied to every script */
};

struct cgi_job {
	struct cgi *g;
	struct conn *c; /* NULL once conn let go (end, error, abort) */
	struct loop *lp;
	struct server_worker *w; /* counts the job in w->cgi_jobs */
	unsigned long id;
	int depth;     /* callbacks active: free only at 0 */
	bool has_slot; /* counted in g->running */
	bool queued;
	bool reject;  /* the queue was full */
	bool started; /* a child was spawned and not yet reaped */
	bool nph;
	bool redirecting;
	int redirects;
	int killing; /* 0, 1 SIGTERM sent, 2 SIGKILL sent */

	/* What runs: copies, so they outlive the route. */
	struct buf filename, dir, interp, script_name, path_info;
	bool has_path_info;
	struct buf rtarget, rquery; /* internal redirect target, query */

	struct cgi_spawn_child ch;
	struct cgi_spawn_exit ex;
	bool reaped;

	/* Request body. */
	bool spooling;
	struct buf spool;
	int spool_fd;
	uint64_t spooled;
	struct buf in; /* pending for stdin */
	size_t in_off;
	bool in_watch, body_end;

	/* Script output. */
	struct buf out;
	bool out_eof, out_paused, head_done, head_sent;
	bool in_process, again; /* out_process is running; run it again */
	struct cgi_resp resp;
	struct str names[BOUND_CGI_RESP_FIELDS], values[BOUND_CGI_RESP_FIELDS];
	struct buf fields;
	struct buf reason; /* the Status phrase, copied: out is consumed */

	/* stderr. */
	struct buf err;
	size_t err_logged;
	bool err_eof;

	/* Serving a static file after an internal redirect. */
	int file_fd;

	struct loop_timer t_head, t_idle, t_total, t_kill, t_queue;
	struct loop_timer t_reap; /* no pidfd: polls the exit */
	uint64_t reap_ms;
	uint64_t queued_ms;
};

/* New job for c (borrowed until the job lets go). NULL: out of memory. */
struct cgi_job *cgi_job_new(struct cgi *g, struct conn *c);
/* Releases everything, the child's fds included (not the child). */
void cgi_job_free(struct cgi_job *j);
void cgi_job_ref(struct cgi_job *j);
/* Drops a reference; frees j once no conn, child or kill needs it. */
void cgi_job_unref(struct cgi_job *j);
/* Gives back the --max-cgi slot or the queue place j holds. */
void cgi_job_slot_release(struct cgi_job *j);
/*
 * Ends the request with status (or a cut, once a head was sent), logs
 * why (when not NULL) and ends the script's group.
 */
void cgi_job_fail(struct cgi_job *j, int status, const char *why);
/* SIGTERM to the group, SIGKILL after the grace; closes the pipes. */
void cgi_job_kill(struct cgi_job *j);
/* Builds the environment and starts the script. 0, or an HTTP status. */
int cgi_job_spawn(struct cgi_job *j);
/* Watches the new child's fds and starts its clocks. 0 or -1. */
int cgi_job_watch(struct cgi_job *j);
/* Spawns and watches; on failure answers the client. 0 or -1. */
int cgi_job_run(struct cgi_job *j);
/* Writes pending body bytes to stdin; EOF once the body has ended. */
void cgi_job_in_flush(struct cgi_job *j);
/* Moves script output to the client (parsing the head first). */
void cgi_job_out(struct cgi_job *j);
/* Reads stdout again after out_pause (the client drained). */
void cgi_job_out_resume(struct cgi_job *j);
/* Forgets the finished script so j can run an internal redirect. */
void cgi_job_reset(struct cgi_job *j);

/* cgi.c: takes the internal redirect in j->rtarget (S-6.2.2). */
void cgi_internal_redirect(struct cgi_job *j);

#endif /* SERVER_CGI_JOB_H */
