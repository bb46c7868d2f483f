/*
 * server.h - listeners, worker threads and graceful shutdown.
 *
 * One process, N workers; each worker owns one event loop and its own
 * SO_REUSEPORT listener per bound address, so the kernel spreads
 * connections and workers share nothing mutable but atomic counters
 * (DESIGN 3). Connections themselves are conn.c's business.
 */
#ifndef SERVER_SERVER_H
#define SERVER_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "http_parse.h"
#include "log.h"
#include "loop.h"
#include "mime.h"
#include "response.h"
#include "static.h"

#define SERVER_IP_SLOTS 4096

struct config;
struct conn;
struct conn_handler;

/* One bound address. fds[i] is worker i's listener. */
struct server_listen {
	char addr[64]; /* as printed: "127.0.0.1" or "[::1]" */
	unsigned port; /* the real port, also when 0 was asked for */
	int *fds;
};

/* Per-thread state; conn.c reads and writes it from that thread only. */
struct server_worker {
	struct server *srv;
	size_t id;
	struct loop *lp;
	pthread_t thread;
	bool started;
	int wake_fd;             /* eventfd: the main thread asks us to stop */
	bool stopping;           /* listeners closed, draining */
	bool accept_paused;      /* out of descriptors or at max_conns */
	struct loop_timer pause; /* resumes accepting */
	struct loop_timer drain; /* shutdown deadline */
	struct conn *conns;      /* every open connection (doubly linked) */
	size_t nconns;
	/*
	 * CGI jobs of this worker not yet freed (a child not reaped, or a
	 * kill pending). A stopping worker waits for them, so the SIGKILL
	 * after the grace is sent before the server exits.
	 */
	size_t cgi_jobs;
	struct conn *spare; /* freed connections kept for reuse */
	size_t nspare;
	struct buf alog;           /* access lines waiting for the flush */
	struct response_date date; /* Date header, cached per second */
	struct log_clock aclock;   /* access-log time, cached per second */
	struct static_cache files; /* small static files (static.h) */
	time_t now;                /* wall clock, refreshed once per round */
};

struct server {
	const struct config *cf;
	struct mime mime;
	int docroot_fd;   /* O_PATH | O_DIRECTORY of the docroot */
	int *cgi_dir_fds; /* one per cf->cgi_dirs entry, -1 if missing */
	struct http_limits limits;
	struct server_listen *listens;
	size_t nlistens;
	struct server_worker *workers;
	size_t nworkers;
	atomic_uint nconns; /* open client connections, all workers */
	/*
	 * Open connections per client address, counted in SERVER_IP_SLOTS
	 * slots by a hash of the address (V-10-d). Two addresses sharing a
	 * slot share its count: the cap can only bite early, never late.
	 */
	atomic_uint *ip_conns;
	/*
	 * The handler for CGI routes, or NULL: such requests then get 501
	 * and the file is never served as source. Set before server_run.
	 */
	const struct conn_handler *cgi;
	void *cgi_arg;
};

/*
 * Opens the docroot, the CGI folders and the MIME table, and binds every
 * address of cf for every worker (SO_REUSEPORT; port 0 is resolved by the
 * first socket and reused by the others). Prints nothing. Returns 0, or
 * -1 with errno set and errbuf holding one line for the user.
 */
int server_open(struct server *srv, const struct config *cf, char *errbuf,
    size_t errlen);

/* Prints "cgihttpd: listening on http://ADDR:PORT/" per address, flushed. */
void server_announce(const struct server *srv);

/* Starts the workers. 0, or -1 with errno set (nothing left running). */
int server_start(struct server *srv);

/*
 * Graceful stop: every worker closes its listeners and idle connections,
 * lets in-flight responses finish within cf->shutdown_timeout_ms, then
 * closes the rest; returns when all workers have exited.
 */
void server_stop(struct server *srv);
/*
 * Ends w's loop once w is stopping and has neither connections nor CGI
 * jobs left; called (on w's thread) whenever one of them goes away.
 */
void server_worker_maybe_stop(struct server_worker *w);

/* Releases everything server_open made. */
void server_close(struct server *srv);

#endif /* SERVER_SERVER_H */
