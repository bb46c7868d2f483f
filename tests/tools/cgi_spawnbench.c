/*
 * cgi_spawnbench.c - how fast cgi_spawn starts and reaps a trivial
 * program, against plain fork+execve, on this machine.
 *
 *   build/tests/tools/cgi_spawnbench [N] [PROGRAM] [K]
 *
 * Runs N (default 2000) sequential start/wait cycles of PROGRAM (default
 * /bin/true) through: cgi_spawn's posix_spawn path, its rlimit (vfork)
 * path, and fork+execve; then the posix_spawn path and fork+execve again
 * with K (default 8) children in flight, which is what the machine's
 * ceiling is about. Prints spawns per second for each. Waiting is on the
 * pidfd, as the server does. Not a test: numbers vary with load.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgi_spawn.h"

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
one_spawn(char *prog, const struct cgi_spawn_limits *lim, int devnull)
{
	char *argv[] = { prog, NULL }, *envp[] = { NULL };
	struct cgi_spawn_req rq = { .path = prog,
		.argv = argv,
		.envp = envp,
		.dir = "/",
		.stdin_fd = devnull,
		.limits = lim };
	struct cgi_spawn_child c;
	struct pollfd pfd;

	if (cgi_spawn_start(&rq, &c) == -1)
		return -1;
	pfd.fd = c.pidfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1 || cgi_spawn_reap(&c, NULL) != 1) {
		cgi_spawn_close(&c);
		return -1;
	}
	cgi_spawn_close(&c);
	return 0;
}

static int
one_fork(char *prog)
{
	char *argv[] = { prog, NULL }, *envp[] = { NULL };
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execve(prog, argv, envp);
		_exit(127);
	}
	return waitpid(pid, &st, 0) == pid ? 0 : -1;
}

#define MAXK 64

/* N spawns with k in flight, reaped through their pidfds. */
static int
in_flight(long n, int k, char *prog, int devnull)
{
	char *argv[] = { prog, NULL }, *envp[] = { NULL };
	struct cgi_spawn_req rq = { .path = prog,
		.argv = argv,
		.envp = envp,
		.dir = "/",
		.stdin_fd = devnull };
	struct cgi_spawn_child c[MAXK];
	struct pollfd pfd[MAXK];
	long started = 0, done = 0;
	int i, live = 0;

	while (done < n) {
		while (live < k && started < n) {
			if (cgi_spawn_start(&rq, &c[live]) == -1)
				return -1;
			live++;
			started++;
		}
		for (i = 0; i < live; i++) {
			pfd[i].fd = c[i].pidfd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)live, 10000) <= 0)
			return -1;
		for (i = live - 1; i >= 0; i--) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (cgi_spawn_reap(&c[i], NULL) != 1)
				return -1;
			cgi_spawn_close(&c[i]);
			c[i] = c[--live];
			done++;
		}
	}
	return 0;
}

static int
fork_in_flight(long n, int k, char *prog)
{
	char *argv[] = { prog, NULL }, *envp[] = { NULL };
	long started = 0, done = 0;
	int live = 0, st;
	pid_t pid;

	while (done < n) {
		while (live < k && started < n) {
			if ((pid = fork()) == -1)
				return -1;
			if (pid == 0) {
				execve(prog, argv, envp);
				_exit(127);
			}
			live++;
			started++;
		}
		if (wait(&st) == -1)
			return -1;
		live--;
		done++;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	static char deflt[] = "/bin/true";
	char *prog = argc > 2 ? argv[2] : deflt;
	struct cgi_spawn_limits lim = { .nofile = 256, .no_core = true };
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int k = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 8;
	double t;
	long i;

	if (n <= 0 || devnull == -1 || k < 1 || k > MAXK)
		return 2;
	t = now();
	for (i = 0; i < n; i++)
		if (one_spawn(prog, NULL, devnull) == -1)
			return perror("posix_spawn path"), 1;
	printf("cgi_spawn posix_spawn: %.0f spawns/s\n", n / (now() - t));
	t = now();
	for (i = 0; i < n; i++)
		if (one_spawn(prog, &lim, devnull) == -1)
			return perror("vfork path"), 1;
	printf("cgi_spawn vfork+rlimits: %.0f spawns/s\n", n / (now() - t));
	t = now();
	for (i = 0; i < n; i++)
		if (one_fork(prog) == -1)
			return perror("fork"), 1;
	printf("fork+execve: %.0f spawns/s\n", n / (now() - t));
	t = now();
	if (in_flight(n, k, prog, devnull) == -1)
		return perror("in flight"), 1;
	printf("cgi_spawn posix_spawn, %d in flight: %.0f spawns/s\n", k,
	    n / (now() - t));
	t = now();
	if (fork_in_flight(n, k, prog) == -1)
		return perror("fork in flight"), 1;
	printf("fork+execve, %d in flight: %.0f spawns/s\n", k,
	    n / (now() - t));
	return 0;
}
