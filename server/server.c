/*
 * server.c - bind, run the worker threads, and stop them gracefully
 * (see server.h).
 *
 * Every worker has its own listening socket per address (SO_REUSEPORT), so
 * accept(2) never contends across threads and the kernel balances new
 * connections. The main thread only starts the workers and, on SIGTERM,
 * wakes each through its eventfd.
 */
#include "server.h"

#include <sys/eventfd.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "conn.h"
#include "log.h"

#define SERVER_BACKLOG      1024
#define SERVER_ACCEPT_BATCH 64
#define SERVER_PAUSE_MS     100
/*
 * After the shutdown grace, how long a worker waits for its CGI jobs to be
 * reaped: the SIGTERM-to-SIGKILL grace (2 s, cgi_job.h) and a margin.
 */
#define SERVER_CGI_EXIT_MS 5000

static int fail(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
fail(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	if (vsnprintf(errbuf, errlen, fmt, ap) < 0 && errlen > 0)
		errbuf[0] = '\0';
	va_end(ap);
	errno = saved;
	return -1;
}

/* Resolves ADDR ("127.0.0.1", "::1", "[::1]", "localhost") for bind. */
static int
resolve(const char *addr, unsigned port, struct sockaddr_storage *ss,
    socklen_t *sl)
{
	struct addrinfo hints, *res;
	char host[64], serv[8];
	size_t n = strlen(addr);
	int rc;

	if (n >= sizeof(host))
		return EAI_NONAME;
	if (addr[0] == '[' && n > 2 && addr[n - 1] == ']') {
		memcpy(host, addr + 1, n - 2);
		host[n - 2] = '\0';
	} else {
		memcpy(host, addr, n + 1);
	}
	rc = snprintf(serv, sizeof(serv), "%u", port);
	if (rc < 0 || (size_t)rc >= sizeof(serv))
		return EAI_SERVICE;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, serv, &hints, &res)) != 0)
		return rc;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int
bound_port(int fd, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return -1;
	if (ss.ss_family == AF_INET6)
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

/* One listening socket on ss; port 0 in ss lets the kernel choose. */
static int
listen_one(const struct sockaddr_storage *ss, socklen_t sl)
{
	int fd, one = 1;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) == -1 ||
	    (ss->ss_family == AF_INET6 &&
	        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ==
	            -1) ||
	    bind(fd, (const struct sockaddr *)ss, sl) == -1 ||
	    listen(fd, SERVER_BACKLOG) == -1) {
		int saved = errno;

		(void)close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * SO_REUSEPORT lets any socket of the same user join our port, so a second
 * server started on a busy port would silently share its connections. A
 * probe bound without SO_REUSEPORT fails with EADDRINUSE when something
 * already listens there (SO_REUSEADDR keeps TIME_WAIT from counting).
 */
static int
port_free(const struct sockaddr_storage *ss, socklen_t sl)
{
	int fd, one = 1, rc = 0, saved;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    (ss->ss_family == AF_INET6 &&
	        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ==
	            -1) ||
	    bind(fd, (const struct sockaddr *)ss, sl) == -1)
		rc = -1;
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rc;
}

static int
open_listen(struct server *srv, struct server_listen *l, const char *addr,
    char *errbuf, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned port = srv->cf->port;
	int rc;

	if ((l->fds = malloc(srv->nworkers * sizeof(int))) == NULL)
		return fail(errbuf, errlen, "%s", strerror(errno));
	for (size_t i = 0; i < srv->nworkers; i++)
		l->fds[i] = -1;
	for (size_t i = 0; i < srv->nworkers; i++) {
		if ((rc = resolve(addr, port, &ss, &sl)) != 0)
			return fail(errbuf, errlen, "--bind: %s: %s", addr,
			    gai_strerror(rc));
		if (i == 0 && port != 0 && port_free(&ss, sl) == -1)
			return fail(errbuf, errlen, "bind %s port %u: %s", addr,
			    port, strerror(errno));
		if ((l->fds[i] = listen_one(&ss, sl)) == -1)
			return fail(errbuf, errlen, "bind %s port %u: %s", addr,
			    port, strerror(errno));
		if (i == 0 && bound_port(l->fds[0], &port) == -1)
			return fail(errbuf, errlen, "getsockname: %s",
			    strerror(errno));
	}
	l->port = port;
	if (ss.ss_family == AF_INET6 && addr[0] != '[')
		rc = snprintf(l->addr, sizeof(l->addr), "[%s]", addr);
	else
		rc = snprintf(l->addr, sizeof(l->addr), "%s", addr);
	if (rc < 0 || (size_t)rc >= sizeof(l->addr))
		return fail(errbuf, errlen, "--bind: %s: too long", addr);
	return 0;
}

int
server_open(struct server *srv, const struct config *cf, char *errbuf,
    size_t errlen)
{
	memset(srv, 0, sizeof(*srv));
	srv->cf = cf;
	srv->docroot_fd = -1;
	atomic_init(&srv->nconns, 0);
	mime_init(&srv->mime);
	if (mime_load(&srv->mime, "/etc/mime.types") == -1 && errno != ENOENT)
		log_warn("/etc/mime.types: %s", strerror(errno));
	http_limits_default(&srv->limits);
	srv->limits.max_request_line = cf->max_request_line;
	srv->limits.max_head = cf->max_head;
	srv->limits.max_fields = cf->max_fields;
	srv->docroot_fd = open(cf->docroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (srv->docroot_fd == -1)
		return fail(errbuf, errlen, "docroot %s: %s", cf->docroot,
		    strerror(errno));
	srv->cgi_dir_fds = malloc((cf->ncgi_dirs + 1) * sizeof(int));
	if (srv->cgi_dir_fds == NULL)
		return fail(errbuf, errlen, "%s", strerror(errno));
	for (size_t i = 0; i < cf->ncgi_dirs; i++) {
		srv->cgi_dir_fds[i] =
		    open(cf->cgi_dirs[i].dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (srv->cgi_dir_fds[i] == -1)
			log_warn("--cgi-dir %s: %s: %s", cf->cgi_dirs[i].prefix,
			    cf->cgi_dirs[i].dir, strerror(errno));
	}
	srv->ip_conns = calloc(SERVER_IP_SLOTS, sizeof(*srv->ip_conns));
	if (srv->ip_conns == NULL)
		return fail(errbuf, errlen, "%s", strerror(errno));
	for (size_t i = 0; i < SERVER_IP_SLOTS; i++)
		atomic_init(&srv->ip_conns[i], 0);
	srv->nworkers = cf->workers;
	srv->workers = calloc(srv->nworkers, sizeof(*srv->workers));
	srv->listens = calloc(cf->nbinds, sizeof(*srv->listens));
	if (srv->workers == NULL || srv->listens == NULL)
		return fail(errbuf, errlen, "%s", strerror(errno));
	for (size_t i = 0; i < srv->nworkers; i++) {
		srv->workers[i].wake_fd = -1;
		srv->workers[i].srv = srv;
		srv->workers[i].id = i;
	}
	for (size_t i = 0; i < cf->nbinds; i++) {
		srv->nlistens++;
		if (open_listen(srv, &srv->listens[i], cf->binds[i], errbuf,
		        errlen) == -1)
			return -1;
	}
	return 0;
}

void
server_announce(const struct server *srv)
{
	for (size_t i = 0; i < srv->nlistens; i++)
		printf("cgihttpd: listening on http://%s:%u/\n",
		    srv->listens[i].addr, srv->listens[i].port);
	(void)fflush(stdout);
}

static void
pause_accept(struct server_worker *w, bool pause)
{
	const struct server *srv = w->srv;

	w->accept_paused = pause;
	for (size_t i = 0; i < srv->nlistens; i++) {
		int fd = srv->listens[i].fds[w->id];

		if (fd != -1)
			(void)loop_modify(w->lp, fd, pause ? 0 : LOOP_READ);
	}
}

static void
on_resume(struct loop *lp, void *arg)
{
	struct server_worker *w = arg;

	(void)lp;
	if (!w->stopping)
		pause_accept(w, false);
}

static void
peer_text(const struct sockaddr_storage *ss, char *out, size_t len,
    unsigned *port)
{
	const void *a;

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		a = &s6->sin6_addr;
		*port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		a = &s4->sin_addr;
		*port = ntohs(s4->sin_port);
	}
	if (inet_ntop(ss->ss_family, a, out, (socklen_t)len) == NULL)
		memcpy(out, "-", 2);
}

/* The slot of a client address in srv->ip_conns (FNV-1a of its bytes). */
static size_t
ip_slot(const struct sockaddr_storage *ss)
{
	const unsigned char *p;
	uint32_t h = 2166136261u;
	size_t n;

	if (ss->ss_family == AF_INET6) {
		p = ((const struct sockaddr_in6 *)(const void *)ss)
		        ->sin6_addr.s6_addr;
		n = 16;
	} else {
		p = (const unsigned char *)&(
		    (const struct sockaddr_in *)(const void *)ss)
		        ->sin_addr;
		n = 4;
	}
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % SERVER_IP_SLOTS;
}

static void
on_accept(struct loop *lp, int lfd, unsigned events, void *arg)
{
	struct server_worker *w = arg;
	struct server *srv = w->srv;
	struct sockaddr_storage ss;
	char peer[INET6_ADDRSTRLEN];
	unsigned port;
	socklen_t sl;
	size_t slot;
	int fd, one = 1;

	(void)events;
	for (int i = 0; i < SERVER_ACCEPT_BATCH && !w->stopping; i++) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN)
				return;
			/* EMFILE, ENFILE, ENOBUFS: pause instead of spinning
			 * on a listener that stays readable (Rule 12). */
			log_error("accept: %s", strerror(errno));
			pause_accept(w, true);
			(void)loop_timer_start(lp, &w->pause, SERVER_PAUSE_MS,
			    on_resume, w);
			return;
		}
		if (atomic_fetch_add(&srv->nconns, 1) >= srv->cf->max_conns) {
			atomic_fetch_sub(&srv->nconns, 1);
			(void)close(fd);
			continue;
		}
		slot = ip_slot(&ss);
		if (atomic_fetch_add(&srv->ip_conns[slot], 1) >=
		        srv->cf->max_conns_per_ip &&
		    srv->cf->max_conns_per_ip != 0) {
			/* V-10-d: one address cannot take every slot. */
			atomic_fetch_sub(&srv->ip_conns[slot], 1);
			atomic_fetch_sub(&srv->nconns, 1);
			(void)close(fd);
			continue;
		}
		/* Responses leave in one write; Nagle would only delay the
		 * tail of a pipelined batch. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		peer_text(&ss, peer, sizeof(peer), &port);
		conn_accept_take(w, fd, peer, port, slot);
	}
}

void
server_worker_maybe_stop(struct server_worker *w)
{
	if (w->stopping && w->nconns == 0 && w->cgi_jobs == 0)
		loop_stop(w->lp);
}

/* The scripts' groups had SIGTERM, the grace and SIGKILL: stop anyway. */
static void
on_drain_end(struct loop *lp, void *arg)
{
	struct server_worker *w = arg;

	log_warn("shutdown: %zu CGI jobs not reaped", w->cgi_jobs);
	loop_stop(lp);
}

static void
on_drain(struct loop *lp, void *arg)
{
	struct server_worker *w = arg;

	if (w->nconns > 0)
		log_warn("shutdown: closing %zu connections still open",
		    w->nconns);
	/*
	 * Aborting a CGI request sends SIGTERM to its group and SIGKILL
	 * after the grace (cgi_job_kill); the loop runs on until every job
	 * is reaped, bounded by SERVER_CGI_EXIT_MS.
	 */
	conn_close_all(w);
	if (w->cgi_jobs == 0) {
		loop_stop(lp);
		return;
	}
	if (loop_timer_start(lp, &w->drain, SERVER_CGI_EXIT_MS, on_drain_end,
	        w) == -1)
		loop_stop(lp);
}

static void
on_wake(struct loop *lp, int fd, unsigned events, void *arg)
{
	struct server_worker *w = arg;
	struct server *srv = w->srv;
	uint64_t v;

	(void)events;
	if (read(fd, &v, sizeof(v)) == -1 && errno != EAGAIN)
		log_error("eventfd: %s", strerror(errno));
	if (w->stopping)
		return;
	w->stopping = true;
	loop_timer_stop(lp, &w->pause);
	for (size_t i = 0; i < srv->nlistens; i++) {
		int *lfd = &srv->listens[i].fds[w->id];

		if (*lfd != -1) {
			(void)loop_unwatch(lp, *lfd);
			(void)close(*lfd);
			*lfd = -1;
		}
	}
	conn_close_idle(w);
	if (w->nconns == 0 && w->cgi_jobs == 0) {
		loop_stop(lp);
		return;
	}
	if (loop_timer_start(lp, &w->drain, srv->cf->shutdown_timeout_ms,
	        on_drain, w) == -1)
		on_drain(lp, w);
}

static void
on_idle(struct loop *lp, void *arg)
{
	struct server_worker *w = arg;

	(void)lp;
	log_access_flush(&w->alog);
}

static void *
worker_main(void *arg)
{
	struct server_worker *w = arg;

	if (loop_run(w->lp) == -1)
		log_error("worker %zu: loop: %s", w->id, strerror(errno));
	conn_close_all(w);
	log_access_flush(&w->alog);
	conn_free_spares(w);
	static_cache_fini(&w->files);
	return NULL;
}

static int
worker_setup(struct server *srv, struct server_worker *w)
{
	if ((w->lp = loop_new()) == NULL)
		return -1;
	buf_init(&w->alog, 1u << 20);
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->wake_fd == -1 ||
	    loop_watch(w->lp, w->wake_fd, LOOP_READ, on_wake, w) == -1)
		return -1;
	for (size_t i = 0; i < srv->nlistens; i++) {
		if (loop_watch(w->lp, srv->listens[i].fds[w->id], LOOP_READ,
		        on_accept, w) == -1)
			return -1;
	}
	loop_set_idle(w->lp, on_idle, w);
	return 0;
}

int
server_start(struct server *srv)
{
	int rc;

	for (size_t i = 0; i < srv->nworkers; i++) {
		if (worker_setup(srv, &srv->workers[i]) == -1)
			goto fail;
	}
	for (size_t i = 0; i < srv->nworkers; i++) {
		struct server_worker *w = &srv->workers[i];

		if ((rc = pthread_create(&w->thread, NULL, worker_main, w)) !=
		    0) {
			errno = rc;
			goto fail;
		}
		w->started = true;
	}
	return 0;
fail:
	rc = errno;
	server_stop(srv);
	errno = rc;
	return -1;
}

void
server_stop(struct server *srv)
{
	uint64_t one = 1;

	for (size_t i = 0; i < srv->nworkers; i++) {
		struct server_worker *w = &srv->workers[i];

		if (w->started && write(w->wake_fd, &one, sizeof(one)) == -1)
			log_error("eventfd: %s", strerror(errno));
	}
	for (size_t i = 0; i < srv->nworkers; i++) {
		struct server_worker *w = &srv->workers[i];

		if (w->started && pthread_join(w->thread, NULL) != 0)
			log_error("pthread_join: worker %zu", i);
		w->started = false;
	}
}

void
server_close(struct server *srv)
{
	const struct config *cf = srv->cf;

	for (size_t i = 0; i < srv->nlistens; i++) {
		for (size_t j = 0; srv->listens[i].fds && j < srv->nworkers;
		     j++) {
			if (srv->listens[i].fds[j] != -1)
				(void)close(srv->listens[i].fds[j]);
		}
		free(srv->listens[i].fds);
	}
	free(srv->listens);
	for (size_t i = 0; srv->workers != NULL && i < srv->nworkers; i++) {
		struct server_worker *w = &srv->workers[i];

		if (w->wake_fd != -1)
			(void)close(w->wake_fd);
		loop_free(w->lp);
		buf_fini(&w->alog);
	}
	free(srv->workers);
	for (size_t i = 0; srv->cgi_dir_fds != NULL && i < cf->ncgi_dirs; i++) {
		if (srv->cgi_dir_fds[i] != -1)
			(void)close(srv->cgi_dir_fds[i]);
	}
	free(srv->cgi_dir_fds);
	free(srv->ip_conns);
	if (srv->docroot_fd != -1)
		(void)close(srv->docroot_fd);
	mime_fini(&srv->mime);
	memset(srv, 0, sizeof(*srv));
	srv->docroot_fd = -1;
}
