/*
 * cgi_spawn.h - starts a CGI program and ends it: the only place cgihttpd
 * creates processes (STYLE Rule 13).
 *
 * The child gets exactly fds 0-2 (pipes or a given fd), default signal
 * dispositions, an empty mask, its own process group, the script's folder
 * as cwd, optional rlimits and the prepared argv/envp. The caller gets
 * non-blocking close-on-exec pipe ends and a pidfd to watch in its loop.
 * What to run and with which environment is decided by cgi.c.
 */
#ifndef SERVER_CGI_SPAWN_H
#define SERVER_CGI_SPAWN_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

/* Resource limits applied in the child (P-07); 0 leaves one unset. */
struct cgi_spawn_limits {
	uint64_t cpu_seconds; /* RLIMIT_CPU */
	uint64_t as_bytes;    /* RLIMIT_AS */
	uint64_t nproc;       /* RLIMIT_NPROC */
	uint64_t fsize_bytes; /* RLIMIT_FSIZE */
	uint64_t nofile;      /* RLIMIT_NOFILE */
	bool no_core;         /* RLIMIT_CORE = 0 */
};

/* What to start. Everything is borrowed for the duration of the call. */
struct cgi_spawn_req {
	const char *path;  /* file to execute (absolute) */
	char *const *argv; /* argv[0] first, NULL-terminated */
	char *const *envp; /* NULL-terminated */
	const char *dir;   /* working directory, or NULL */
	int stdin_fd;      /* >= 0: the child's stdin (e.g. a spooled
	                      body or /dev/null); -1: make a pipe */
	const struct cgi_spawn_limits *limits; /* NULL: none */
};

/* A running child. Each fd and the pid have this struct as sole owner. */
struct cgi_spawn_child {
	pid_t pid;  /* also the process group id; 0 once reaped */
	pid_t pgid; /* the group, kept after reaping for stray members */
	int pidfd;  /* readable when the child exits; -1 if closed, or
	               when pidfd_open is missing (ENOSYS): then poll
	               cgi_spawn_reap() */
	int in_fd;  /* write end of stdin's pipe, or -1 */
	int out_fd; /* read end of stdout's pipe */
	int err_fd; /* read end of stderr's pipe */
};

/* How a child ended (from wait4). */
struct cgi_spawn_exit {
	int status;         /* raw wait status */
	uint64_t cpu_ms;    /* user + system time */
	uint64_t maxrss_kb; /* peak resident set */
};

/*
 * Starts rq. Returns 0 and fills *c, or -1 with errno set: the exec error
 * itself (ENOENT, EACCES, ENOEXEC, E2BIG...) when the program could not
 * be executed, EAGAIN when no process could be made, or the error of
 * pipe2/pidfd_open. Nothing is left open or running on failure.
 */
int cgi_spawn_start(const struct cgi_spawn_req *rq, struct cgi_spawn_child *c);

/*
 * Reaps the child if it has exited (never blocks). Returns 1 and fills
 * *ex (may be NULL), 0 if it is still running, -1 with errno set.
 * Closes the pidfd when it reaps.
 */
int cgi_spawn_reap(struct cgi_spawn_child *c, struct cgi_spawn_exit *ex);

/*
 * Sends sig to the child's whole process group (P-04), so grandchildren
 * are reached too, also after the leader was reaped (Linux does not reuse
 * a pid while a group of that id has members). 0, or -1 with errno
 * (ESRCH when the group is gone).
 */
int cgi_spawn_kill(const struct cgi_spawn_child *c, int sig);

/* Closes the fds still open (pipes, pidfd); safe to call twice. */
void cgi_spawn_close(struct cgi_spawn_child *c);

#endif /* SERVER_CGI_SPAWN_H */
