/*
 * cgi_spawn.c - process creation for CGI programs: posix_spawn (vfork speed,
 * exec errors reported back) when no rlimits are configured, and a vfork
 * path that calls setrlimit before execve when they are.
 *
 * Between vfork and execve only async-signal-safe system calls run (STYLE
 * Rule 13). Reaping is per pid with wait4, so rusage is known and no other
 * child is ever taken.
 */
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "cgi_spawn.h"

/* Which pipe ends the child gets as 0, 1, 2. */
struct plan {
	int fd[3];
};

static void
close_fd(int *fd)
{
	if (*fd >= 0) {
		(void)close(*fd);
		*fd = -1;
	}
}

static bool
has_limits(const struct cgi_spawn_limits *l)
{
	return l != NULL &&
	    (l->cpu_seconds || l->as_bytes || l->nproc || l->fsize_bytes ||
	        l->nofile || l->no_core);
}

static int
spawn_posix(const struct cgi_spawn_req *rq, const struct plan *p, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	int i, rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(&at)) != 0) {
		(void)posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	/*
	 * P-03: sigfillset leaves out glibc's internal signals (32, 33), and
	 * posix_spawn then sets those to SIG_IGN in the child, which survives
	 * execve. A set with every bit on resets them to SIG_DFL as well.
	 */
	memset(&all, 0xff, sizeof(all));
	(void)sigemptyset(&none);
	for (i = 0; i < 3 && rc == 0; i++)
		rc = posix_spawn_file_actions_adddup2(&fa, p->fd[i], i);
	if (rc == 0 && rq->dir != NULL)
		rc = posix_spawn_file_actions_addchdir_np(&fa, rq->dir);
	/* P-02: a safety net behind O_CLOEXEC on every fd we make. */
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (rc == 0)
		rc = posix_spawnattr_setflags(&at,
		    POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
		        POSIX_SPAWN_SETSIGMASK);
	if (rc == 0)
		rc = posix_spawnattr_setpgroup(&at, 0);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&at, &all);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&at, &none);
	if (rc == 0)
		rc = posix_spawn(pid, rq->path, &fa, &at, rq->argv, rq->envp);
	(void)posix_spawnattr_destroy(&at);
	(void)posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static int
set_limit(int res, uint64_t v)
{
	struct rlimit rl;

	rl.rlim_cur = rl.rlim_max = (rlim_t)v;
	return setrlimit(res, &rl);
}

/*
 * P-03: glibc's sigaction refuses its internal signals 32 and 33 (EINVAL),
 * so a disposition we inherited for them would reach the script. We do
 * inherit SIG_IGN there when started by a glibc posix_spawn (GNU make runs
 * its recipes that way), and an ignored signal survives execve. The raw
 * system call resets them; it is async-signal-safe, like every call here.
 */
static void
reset_internal_signals(void)
{
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		unsigned long mask;
	} ksa = { SIG_DFL, 0, NULL, 0 };
	int sig;

	for (sig = 32; sig <= 33; sig++)
		(void)syscall(SYS_rt_sigaction, sig, &ksa, NULL,
		    sizeof(ksa.mask));
}

/* The child side of spawn_vfork: system calls only, then execve. */
static int
child(const struct cgi_spawn_req *rq, const struct plan *p)
{
	const struct cgi_spawn_limits *l = rq->limits;
	struct sigaction sa;
	sigset_t none;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (i = 1; i < NSIG; i++)
		(void)sigaction(i, &sa, NULL); /* SIGKILL/STOP: EINVAL */
	reset_internal_signals();
	if (setpgid(0, 0) == -1)
		return errno;
	for (i = 0; i < 3; i++)
		if (dup2(p->fd[i], i) == -1)
			return errno;
	if (rq->dir != NULL && chdir(rq->dir) == -1)
		return errno;
	if (close_range(3, ~0U, 0) == -1)
		return errno;
	if ((l->cpu_seconds && set_limit(RLIMIT_CPU, l->cpu_seconds)) ||
	    (l->as_bytes && set_limit(RLIMIT_AS, l->as_bytes)) ||
	    (l->nproc && set_limit(RLIMIT_NPROC, l->nproc)) ||
	    (l->fsize_bytes && set_limit(RLIMIT_FSIZE, l->fsize_bytes)) ||
	    (l->nofile && set_limit(RLIMIT_NOFILE, l->nofile)) ||
	    (l->no_core && set_limit(RLIMIT_CORE, 0)))
		return errno;
	(void)sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
		return errno;
	execve(rq->path, rq->argv, rq->envp);
	return errno;
}

/*
 * vfork with every signal blocked, so no handler of ours runs on the
 * shared stack; the child reports its errno through shared memory.
 */
static int
spawn_vfork(const struct cgi_spawn_req *rq, const struct plan *p, pid_t *pid)
{
	sigset_t all, old;
	volatile int err = 0;
	pid_t child_pid;

	(void)sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return EAGAIN;
	child_pid = vfork();
	if (child_pid == 0) {
		err = child(rq, p);
		_exit(127);
	}
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (child_pid == -1)
		return errno;
	if (err != 0) {
		(void)waitpid(child_pid, NULL, 0); /* it has exited already */
		return err;
	}
	*pid = child_pid;
	return 0;
}

static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* pidfd_open answered ENOSYS once: do not ask again. */
static atomic_bool spawn_no_pidfd;

int
cgi_spawn_start(const struct cgi_spawn_req *rq, struct cgi_spawn_child *c)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	struct plan p;
	pid_t pid = 0;
	int rc, saved;

	memset(c, 0, sizeof(*c));
	c->pidfd = c->in_fd = c->out_fd = c->err_fd = -1;
	if ((rq->stdin_fd < 0 && pipe2(in, O_CLOEXEC) == -1) ||
	    pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1)
		goto fail;
	p.fd[0] = rq->stdin_fd >= 0 ? rq->stdin_fd : in[0];
	p.fd[1] = out[1];
	p.fd[2] = err[1];
	rc = has_limits(rq->limits) ? spawn_vfork(rq, &p, &pid)
	                            : spawn_posix(rq, &p, &pid);
	if (rc != 0) {
		errno = rc;
		goto fail;
	}
	c->pid = pid;
	/*
	 * No pidfd where the kernel (or valgrind 3.19, which does not know
	 * syscall 434) answers ENOSYS: pidfd stays -1 and the caller polls
	 * cgi_spawn_reap() for this pid instead. Remembered, so the failing
	 * call is made once per process.
	 */
	if (atomic_load_explicit(&spawn_no_pidfd, memory_order_relaxed))
		c->pidfd = -1;
	else if ((c->pidfd = pidfd_open(pid, 0)) == -1 && errno == ENOSYS)
		atomic_store_explicit(&spawn_no_pidfd, true,
		    memory_order_relaxed);
	else if (c->pidfd == -1) {
		saved = errno;
		(void)kill(-pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		c->pid = 0;
		errno = saved;
		goto fail;
	}
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&err[1]);
	c->in_fd = in[1];
	c->out_fd = out[0];
	c->err_fd = err[0];
	if ((c->in_fd >= 0 && nonblock(c->in_fd) == -1) ||
	    nonblock(c->out_fd) == -1 || nonblock(c->err_fd) == -1) {
		saved = errno;
		(void)cgi_spawn_kill(c, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		c->pid = 0;
		cgi_spawn_close(c);
		errno = saved;
		return -1;
	}
	return 0;
fail:
	saved = errno;
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&err[0]);
	close_fd(&err[1]);
	cgi_spawn_close(c);
	errno = saved;
	return -1;
}

int
cgi_spawn_reap(struct cgi_spawn_child *c, struct cgi_spawn_exit *ex)
{
	struct rusage ru;
	pid_t r;
	int st;

	if (c->pid <= 0) {
		errno = ECHILD;
		return -1;
	}
	do
		r = wait4(c->pid, &st, WNOHANG, &ru);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return -1;
	if (r == 0)
		return 0;
	if (ex != NULL) {
		ex->status = st;
		ex->cpu_ms = (uint64_t)ru.ru_utime.tv_sec * 1000 +
		    (uint64_t)ru.ru_utime.tv_usec / 1000 +
		    (uint64_t)ru.ru_stime.tv_sec * 1000 +
		    (uint64_t)ru.ru_stime.tv_usec / 1000;
		ex->maxrss_kb = (uint64_t)ru.ru_maxrss;
	}
	c->pgid = c->pid;
	c->pid = 0;
	close_fd(&c->pidfd);
	return 1;
}

int
cgi_spawn_kill(const struct cgi_spawn_child *c, int sig)
{
	pid_t g = c->pid > 0 ? c->pid : c->pgid;

	if (g <= 0) {
		errno = ESRCH;
		return -1;
	}
	return kill(-g, sig);
}

void
cgi_spawn_close(struct cgi_spawn_child *c)
{
	close_fd(&c->pidfd);
	close_fd(&c->in_fd);
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
}
