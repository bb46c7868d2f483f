/*
 * spawn_ceiling.c - the most CGI responses per second this machine can
 * produce: W workers (threads) each loop for a fixed time doing what a CGI
 * server must do per request at the least, and nothing else: two pipes,
 * posix_spawn of PROGRAM with a CGI environment and the pipes as its stdin
 * and stdout, close stdin (no body), read stdout to EOF, waitpid.
 *
 *   spawn_ceiling [-w WORKERS] [-d SECONDS] PROGRAM
 *
 * Prints one line, "spawn_ceiling: ... N spawns/s ...". bench/cgi.sh
 * divides a server's CGI requests/s by it (no HTTP, no sockets here).
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SPAWN_MAX_WORKERS 64

struct spawn_worker {
	pthread_t thread;
	char *prog;
	double deadline;
	unsigned long spawns;
	unsigned long failures;
	unsigned long long bytes;
};

/* The environment a CGI server gives a GET without a body (RFC 3875 4.1),
 * as writable arrays because execve takes char *const[]. */
static char spawn_env_text[][48] = { "GATEWAY_INTERFACE=CGI/1.1",
	"SERVER_SOFTWARE=spawn_ceiling", "SERVER_NAME=127.0.0.1",
	"SERVER_PORT=8080", "SERVER_PROTOCOL=HTTP/1.1", "REQUEST_METHOD=GET",
	"SCRIPT_NAME=/cgi-bin/hello_cgi",
	"PATH_INFO=", "QUERY_STRING=", "REMOTE_ADDR=127.0.0.1",
	"REMOTE_PORT=40000", "CONTENT_LENGTH=", "HTTP_HOST=127.0.0.1:8080",
	"HTTP_USER_AGENT=wrk", "PATH=/usr/local/bin:/usr/bin:/bin" };
#define SPAWN_NENV (sizeof(spawn_env_text) / sizeof(spawn_env_text[0]))
static char *spawn_env[SPAWN_NENV + 1];

static double
spawn_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
spawn_close(int fd)
{
	if (fd >= 0 && close(fd) != 0 && errno != EINTR)
		perror("spawn_ceiling: close");
}

/* One request's worth of work; 0 when the program ran and exited 0. */
static int
spawn_once(struct spawn_worker *w)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, st, rc = -1;
	char buf[4096], *argv[2];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	ssize_t n;

	argv[0] = w->prog;
	argv[1] = NULL;
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		goto fail;
	if (posix_spawn_file_actions_init(&fa) != 0)
		goto fail;
	if (posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO) != 0 ||
	    posix_spawn(&pid, w->prog, &fa, NULL, argv, spawn_env) != 0) {
		(void)posix_spawn_file_actions_destroy(&fa);
		goto fail;
	}
	(void)posix_spawn_file_actions_destroy(&fa);
	spawn_close(in[0]);
	spawn_close(in[1]);
	spawn_close(out[1]);
	in[0] = in[1] = out[1] = -1;
	for (;;) {
		n = read(out[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		w->bytes += (unsigned long long)n;
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			goto fail;
	}
	if (n == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		rc = 0;
fail:
	spawn_close(in[0]);
	spawn_close(in[1]);
	spawn_close(out[0]);
	spawn_close(out[1]);
	return rc;
}

static void *
spawn_worker_main(void *arg)
{
	struct spawn_worker *w = arg;

	while (spawn_now() < w->deadline) {
		if (spawn_once(w) == 0)
			w->spawns++;
		else
			w->failures++;
	}
	return NULL;
}

static int
spawn_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
spawn_usage(void)
{
	fprintf(stderr,
	    "usage: spawn_ceiling [-w WORKERS] [-d SECONDS] PROGRAM\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct spawn_worker w[SPAWN_MAX_WORKERS];
	long workers = 2, seconds = 10;
	unsigned long spawns = 0, failures = 0;
	unsigned long long bytes = 0;
	double start, elapsed;
	int opt, err;

	while ((opt = getopt(argc, argv, "w:d:")) != -1) {
		if (opt == 'w' &&
		    spawn_parse_long(optarg, 1, SPAWN_MAX_WORKERS, &workers) ==
		        0)
			continue;
		if (opt == 'd' &&
		    spawn_parse_long(optarg, 1, 3600, &seconds) == 0)
			continue;
		return spawn_usage();
	}
	if (optind != argc - 1)
		return spawn_usage();
	if (access(argv[optind], X_OK) != 0) {
		perror(argv[optind]);
		return 1;
	}
	for (size_t i = 0; i < SPAWN_NENV; i++)
		spawn_env[i] = spawn_env_text[i];
	start = spawn_now();
	for (long i = 0; i < workers; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].prog = argv[optind];
		w[i].deadline = start + (double)seconds;
		err = pthread_create(&w[i].thread, NULL, spawn_worker_main,
		    &w[i]);
		if (err != 0) {
			fprintf(stderr, "spawn_ceiling: pthread_create: %s\n",
			    strerror(err));
			return 1;
		}
	}
	for (long i = 0; i < workers; i++) {
		err = pthread_join(w[i].thread, NULL);
		if (err != 0) {
			fprintf(stderr, "spawn_ceiling: pthread_join: %s\n",
			    strerror(err));
			return 1;
		}
		spawns += w[i].spawns;
		failures += w[i].failures;
		bytes += w[i].bytes;
	}
	elapsed = spawn_now() - start;
	printf("spawn_ceiling: %s: %lu spawns in %.2f s on %ld workers: "
	       "%.1f spawns/s (%llu bytes each, %lu failures)\n",
	    argv[optind], spawns, elapsed, workers,
	    elapsed > 0 ? (double)spawns / elapsed : 0.0,
	    spawns > 0 ? bytes / spawns : 0, failures);
	return failures == 0 && spawns > 0 ? 0 : 1;
}
