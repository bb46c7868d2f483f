/*
 * test_cgi_spawn.c - process creation for CGI programs, checklist items
 * P-01..P-05, P-07, P-10, P-12, S-7.2-b, through both the posix_spawn path
 * and the rlimit (vfork) path.
 *
 * The children are /bin/sh one-liners using builtins only, so what they
 * report is about the shell the server started, not about a helper.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi_spawn.h"
#include "harness.h"

static char tmpdir[] = "/tmp/test_cgi_spawn.XXXXXX";
static char a_sh[] = "sh", a_c[] = "-c", e_foo[] = "FOO=bar",
            e_path[] = "PATH=/usr/bin:/bin";

/* Reads out_fd to EOF (bounded by 10 s of silence) into out. */
static size_t
read_all(int fd, char *out, size_t cap)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	while (n + 1 < cap && poll(&pfd, 1, 10000) == 1) {
		r = read(fd, out + n, cap - 1 - n);
		if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR))
			break;
		if (r > 0)
			n += (size_t)r;
	}
	out[n] = '\0';
	return n;
}

/* Waits (bounded) on the pidfd, then reaps. Returns the wait status. */
static int
finish(struct cgi_spawn_child *c, struct cgi_spawn_exit *ex)
{
	struct pollfd pfd = { .fd = c->pidfd, .events = POLLIN };
	int rc;

	CHECK("pidfd becomes readable", poll(&pfd, 1, 10000) == 1);
	rc = cgi_spawn_reap(c, ex);
	CHECK_INT("reaped", rc, 1);
	CHECK_INT("pidfd closed by reap", c->pidfd, -1);
	cgi_spawn_close(c);
	return ex->status;
}

static int
run_sh(const char *script, const struct cgi_spawn_limits *lim, const char *in,
    char *out, size_t cap, struct cgi_spawn_exit *ex)
{
	char scr[2048];
	char *argv[] = { a_sh, a_c, scr, NULL };
	char *envp[] = { e_foo, e_path, NULL };
	struct cgi_spawn_req rq = { .path = "/bin/sh",
		.argv = argv,
		.envp = envp,
		.dir = tmpdir,
		.stdin_fd = -1,
		.limits = lim };
	struct cgi_spawn_child c;
	char err[256];

	snprintf(scr, sizeof(scr), "%s", script);
	if (cgi_spawn_start(&rq, &c) == -1) {
		CHECK("spawn_start", 0);
		return -1;
	}
	CHECK("pgid is the child's pid (P-04)", getpgid(c.pid) == c.pid);
	CHECK("server ends non-blocking",
	    (fcntl(c.out_fd, F_GETFL) & O_NONBLOCK) != 0);
	CHECK("server ends close-on-exec",
	    (fcntl(c.out_fd, F_GETFD) & FD_CLOEXEC) != 0 &&
	        (fcntl(c.in_fd, F_GETFD) & FD_CLOEXEC) != 0 &&
	        (fcntl(c.pidfd, F_GETFD) & FD_CLOEXEC) != 0);
	if (in != NULL)
		CHECK("write stdin",
		    write(c.in_fd, in, strlen(in)) == (ssize_t)strlen(in));
	(void)close(c.in_fd);
	c.in_fd = -1;
	read_all(c.out_fd, out, cap);
	read_all(c.err_fd, err, sizeof(err));
	return finish(&c, ex);
}

static const char probe[] =
    "pwd; echo \"FOO=$FOO\"; [ -e /proc/$$/fd/50 ] && echo leak50;"
    "for f in 0 1 2 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$f ] && "
    "printf 'fd%s ' $f; done; echo;"
    "while read -r k v; do case $k in SigIgn:|SigBlk:) echo $k$v;; esac;"
    "done < /proc/$$/status; ulimit -n";

static void
check_probe(const char *how, const struct cgi_spawn_limits *lim,
    const char *nofile)
{
	struct cgi_spawn_exit ex;
	char out[4096], want[512];
	int st;

	st = run_sh(probe, lim, NULL, out, sizeof(out), &ex);
	CHECK(how, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(want, sizeof(want),
	    "%s\nFOO=bar\nfd0 fd1 fd2 \nSigBlk:0000000000000000\n"
	    "SigIgn:0000000000000000\n%s\n",
	    tmpdir, nofile);
	CHECK_STR(how, out, want);
}

/* S-7.2-b, P-02, P-03, P-12: cwd, fds, signals, through both paths. */
static void
test_child_state(void)
{
	struct cgi_spawn_limits lim = { .nofile = 77, .no_core = true };
	struct sigaction sa = { .sa_handler = SIG_IGN };
	sigset_t blk, old;
	char cur[32];
	struct rlimit rl;
	int leak;

	/* a non-CLOEXEC fd, an ignored signal and a blocked one to leak */
	leak = fcntl(1, F_DUPFD, 50);
	CHECK("dup fd 50", leak == 50);
	CHECK("ignore SIGPIPE", sigaction(SIGPIPE, &sa, NULL) == 0);
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	CHECK("block", sigprocmask(SIG_BLOCK, &blk, &old) == 0);
	CHECK("getrlimit", getrlimit(RLIMIT_NOFILE, &rl) == 0);
	snprintf(cur, sizeof(cur), "%llu", (unsigned long long)rl.rlim_cur);
	check_probe("P-02/P-03 posix_spawn path", NULL, cur);
	check_probe("P-02/P-03/P-07 rlimit path", &lim, "77");
	(void)close(leak);
	sa.sa_handler = SIG_DFL;
	CHECK("restore",
	    sigaction(SIGPIPE, &sa, NULL) == 0 &&
	        sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

/* S-4.2-a: stdin pipe in, stdout pipe out; rusage comes back. */
static void
test_pipes(void)
{
	struct cgi_spawn_exit ex;
	char out[256];
	int st;

	st = run_sh("while read -r l; do echo \"<$l>\"; done; exit 3", NULL,
	    "a\nb\n", out, sizeof(out), &ex);
	CHECK_STR("S-4.2-a stdin to stdout", out, "<a>\n<b>\n");
	CHECK("P-11 exit status kept", WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CHECK("rusage peak RSS", ex.maxrss_kb > 0);
}

/* P-07: RLIMIT_FSIZE ends a writer with SIGXFSZ. */
static void
test_fsize(void)
{
	struct cgi_spawn_limits lim = { .fsize_bytes = 10 };
	struct cgi_spawn_exit ex;
	char out[64];
	int st;

	st = run_sh("printf '%0100d' 0 > big", &lim, NULL, out, sizeof(out),
	    &ex);
	CHECK("P-07 fsize limit kills the writer",
	    WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ);
}

/* P-10: exec failures come back as errno, with nothing left behind. */
static void
test_exec_errors(void)
{
	static const struct {
		const char *name, *file, *body;
		mode_t mode;
		int err;
	} rows[] = {
		{ "P-10 ENOENT", "missing", NULL, 0, ENOENT },
		{ "P-10 EACCES not executable", "plain", "#!/bin/sh\n", 0644,
		    EACCES },
		{ "P-10 ENOEXEC no shebang", "garbage", "\x7f\x01garbage\n",
		    0755, ENOEXEC },
		{ "P-10 ENOENT bad interpreter", "badshebang",
		    "#!/nonexistent/interp\n", 0755, ENOENT },
	};
	struct cgi_spawn_limits lim = { .nofile = 64 };
	char path[256], *argv[2] = { NULL, NULL }, *envp[] = { NULL };
	struct cgi_spawn_child c;
	size_t i;
	int fd, pass, rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, rows[i].file);
		if (rows[i].body != NULL) {
			fd =
			    open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			        rows[i].mode);
			CHECK("create",
			    fd >= 0 &&
			        write(fd, rows[i].body, strlen(rows[i].body)) >
			            0);
			(void)close(fd);
			CHECK("chmod", chmod(path, rows[i].mode) == 0);
		}
		argv[0] = path;
		for (pass = 0; pass < 2; pass++) {
			struct cgi_spawn_req rq = { .path = path,
				.argv = argv,
				.envp = envp,
				.dir = tmpdir,
				.stdin_fd = -1,
				.limits = pass ? &lim : NULL };
			errno = 0;
			rc = cgi_spawn_start(&rq, &c);
			CHECK_INT(rows[i].name, rc, -1);
			CHECK_INT(rows[i].name, errno, rows[i].err);
			CHECK(rows[i].name, c.pid == 0 && c.out_fd == -1);
		}
	}
	/* P-05: none of those left a child behind */
	CHECK_INT("P-05 no child left", waitpid(-1, NULL, WNOHANG), -1);
}

/* P-04: killing the group reaches a background grandchild. */
static void
test_group_kill(void)
{
	static char scr[] = "sleep 60 & echo started; wait";
	char *argv[] = { a_sh, a_c, scr, NULL };
	char *envp[] = { e_path, NULL };
	struct cgi_spawn_req rq = { .path = "/bin/sh",
		.argv = argv,
		.envp = envp,
		.stdin_fd = -1 };
	struct cgi_spawn_child c;
	struct cgi_spawn_exit ex;
	char line[64];
	int st, n = 0, killed = 0;
	pid_t p;

	/* orphans come to us, so their end can be observed */
	CHECK("subreaper", prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	CHECK("spawn", cgi_spawn_start(&rq, &c) == 0);
	{
		struct pollfd pfd = { .fd = c.out_fd, .events = POLLIN };
		CHECK("started",
		    poll(&pfd, 1, 10000) == 1 &&
		        read(c.out_fd, line, sizeof(line)) > 0);
	}
	CHECK("kill group", cgi_spawn_kill(&c, SIGKILL) == 0);
	finish(&c, &ex);
	CHECK("P-04 leader killed",
	    WIFSIGNALED(ex.status) && WTERMSIG(ex.status) == SIGKILL);
	/* the grandchild: reparented to us, and dead by SIGKILL too */
	while ((p = waitpid(-1, &st, 0)) > 0 && n++ < 10)
		killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	CHECK_INT("P-04 grandchild killed", killed, 1);
	CHECK_INT("group gone", cgi_spawn_kill(&c, 0), -1);
	CHECK("close twice is safe", (cgi_spawn_close(&c), 1));
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_child_state();
	test_pipes();
	test_fsize();
	test_exec_errors();
	test_group_kill();
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup failed\n");
	}
	return harness_done();
}
