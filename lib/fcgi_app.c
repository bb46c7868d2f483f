/*
 * fcgi_app.c - libcgi's FastCGI responder (see fcgi_app.h).
 *
 * Interface stubs only, so cgi.c can be written against fcgi_app.h while the
 * responder is implemented: every call fails with ENOSYS.
 */
#include "fcgi_app.h"

#include <errno.h>
#include <unistd.h>

int
fcgi_listen(const char *spec)
{
	(void)spec;
	errno = ENOSYS;
	return -1;
}

struct fcgi_app *
fcgi_app_new(int listen_fd)
{
	(void)close(listen_fd);
	errno = ENOSYS;
	return NULL;
}

void
fcgi_app_free(struct fcgi_app *app)
{
	(void)app;
}

struct fcgi_req *
fcgi_app_accept(struct fcgi_app *app)
{
	(void)app;
	errno = ENOSYS;
	return NULL;
}

const char *
fcgi_req_getenv(const struct fcgi_req *rq, const char *name)
{
	(void)rq;
	(void)name;
	return NULL;
}

size_t
fcgi_req_nparams(const struct fcgi_req *rq)
{
	(void)rq;
	return 0;
}

int
fcgi_req_param(const struct fcgi_req *rq, size_t i, const char **name,
    const char **value)
{
	(void)rq;
	(void)i;
	(void)name;
	(void)value;
	return -1;
}

ssize_t
fcgi_req_read(struct fcgi_req *rq, void *buf, size_t n)
{
	(void)rq;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
}

ssize_t
fcgi_req_write(struct fcgi_req *rq, const void *buf, size_t n)
{
	(void)rq;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
}

ssize_t
fcgi_req_write_err(struct fcgi_req *rq, const void *buf, size_t n)
{
	(void)rq;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
}

int
fcgi_req_flush(struct fcgi_req *rq)
{
	(void)rq;
	errno = ENOSYS;
	return -1;
}

int
fcgi_req_aborted(const struct fcgi_req *rq)
{
	(void)rq;
	return 1;
}

int
fcgi_req_finish(struct fcgi_req *rq, int app_status)
{
	(void)rq;
	(void)app_status;
	errno = ENOSYS;
	return -1;
}

int
fcgi_app_stopping(const struct fcgi_app *app)
{
	(void)app;
	return 0;
}
