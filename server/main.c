/*
 * main.c - cgihttpd's entry point: read the settings, open the logs, bind,
 * drop root, start the workers, and wait for SIGTERM or SIGINT.
 *
 * Exit status: 0 after a graceful stop, 1 when starting failed (a port
 * that cannot be bound, a log that cannot be opened), 2 for a bad command
 * line or configuration file.
 */
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgi.h"
#include "config.h"
#include "log.h"
#include "privdrop.h"
#include "server.h"

/* fds 0-2 must be open, so no socket or pipe can land on them and a
 * script's stdin/stdout can never be a client socket (STYLE Rule 13). */
static int
ensure_std_fds(void)
{
	int fd;

	for (int i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) != -1)
			continue;
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			return -1;
		if (fd > 2)
			(void)close(fd);
	}
	return 0;
}

/* Each connection costs a descriptor (a CGI request a few more): take the
 * hard limit, so --max-conns rather than the soft default of 1024 bounds
 * the connections. Failure only leaves the lower limit: accept pauses on
 * EMFILE instead of spinning. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
wait_for_stop(void)
{
	sigset_t set;
	int sig;

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGHUP);
	for (;;) {
		if ((sig = sigwaitinfo(&set, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (sig == SIGHUP) {
			log_info("SIGHUP ignored: restart to apply settings");
			continue;
		}
		log_info("%s: stopping: no new connections, in-flight "
		         "responses may finish",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT");
		return 0;
	}
}

static int
block_signals(void)
{
	sigset_t set;

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGHUP);
	/* Blocked before the workers start, so they inherit the mask and
	 * only the main thread takes these signals, in sigwaitinfo(). */
	return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

static int
run(struct config *cf)
{
	struct privdrop pd;
	struct server srv;
	const char *what = NULL;
	char err[512];

	if (privdrop_prepare(&pd, cf->user) == -1) {
		fprintf(stderr, "cgihttpd: --user: %s: %s\n", cf->user,
		    errno == EINVAL ? "refusing to run as root"
		                    : "no such user");
		return 2;
	}
	if (log_open(cf->error_log, cf->access_log, &what) == -1) {
		fprintf(stderr, "cgihttpd: %s: %s\n", what, strerror(errno));
		return 1;
	}
	raise_nofile();
	if (server_open(&srv, cf, err, sizeof(err)) == -1) {
		fprintf(stderr, "cgihttpd: %s\n", err);
		log_error("%s", err);
		server_close(&srv);
		return 1;
	}
	srv.cgi = &cgi_handler;
	if ((srv.cgi_arg = cgi_new(&srv)) == NULL) {
		fprintf(stderr, "cgihttpd: CGI: %s\n", strerror(errno));
		server_close(&srv);
		return 1;
	}
	if (privdrop_apply(&pd) == -1) {
		fprintf(stderr, "cgihttpd: dropping privileges to %s: %s\n",
		    pd.name, strerror(errno));
		log_error("dropping privileges to %s: %s", pd.name,
		    strerror(errno));
		cgi_free(srv.cgi_arg);
		server_close(&srv);
		return 1;
	}
	if (pd.needed)
		log_info("started as root: bound, then dropped to user %s "
		         "(uid %u, gid %u); root cannot be regained",
		    pd.name, (unsigned)pd.uid, (unsigned)pd.gid);
	if (block_signals() == -1 || server_start(&srv) == -1) {
		fprintf(stderr, "cgihttpd: starting workers: %s\n",
		    strerror(errno));
		cgi_free(srv.cgi_arg);
		server_close(&srv);
		return 1;
	}
	server_announce(&srv);
	/* Startup's temporaries (the mime.types parse, the passwd lookup,
	 * the option table) are freed by now: give their pages back, so an
	 * idle server holds only what it uses. */
	(void)malloc_trim(0);
	log_info("cgihttpd %s serving %s with %zu workers", CGI_VERSION,
	    cf->docroot, srv.nworkers);
	if (wait_for_stop() == -1)
		log_error("sigwaitinfo: %s", strerror(errno));
	server_stop(&srv);
	cgi_free(srv.cgi_arg);
	server_close(&srv);
	log_info("stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	struct config cf;
	char err[512];
	int rc;

	if (ensure_std_fds() == -1)
		return 1;
	/* A client that goes away must give EPIPE, not kill the server. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 1;
	config_init(&cf);
	switch (config_args(&cf, argc, argv, err, sizeof(err))) {
	case CONFIG_HELP:
		config_usage();
		config_fini(&cf);
		return 0;
	case CONFIG_VERSION:
		printf("cgihttpd %s\n", CGI_VERSION);
		config_fini(&cf);
		return 0;
	case CONFIG_ERROR:
		fprintf(stderr, "cgihttpd: %s\n", err);
		config_fini(&cf);
		return 2;
	case CONFIG_RUN:
		break;
	}
	rc = run(&cf);
	log_close();
	config_fini(&cf);
	return rc;
}
