/*
 * fuzz_fcgi_app.c - arbitrary bytes from the web server into the FastCGI
 * responder (fcgi_app) over a socketpair: the input is written whole, the
 * write side shut, and the responder serves until the connection ends. It
 * must never crash, hang or leak, whatever the records say.
 */
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fcgi_app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgi_app *app;
	struct fcgi_req *rq;
	const char *name, *value;
	char body[512];
	size_t i;
	ssize_t n;
	int sv[2];

	/* Replies must fit in the socket buffer: nobody reads them. */
	if (size > 16384 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return 0;
	if (send(sv[0], data, size, MSG_NOSIGNAL) != (ssize_t)size ||
	    shutdown(sv[0], SHUT_WR) == -1 ||
	    (app = fcgi_app_new_conn(sv[1])) == NULL) {
		(void)close(sv[0]);
		return 0;
	}
	while ((rq = fcgi_app_accept(app)) != NULL) {
		for (i = 0; fcgi_req_param(rq, i, &name, &value) == 0; i++)
			if (fcgi_req_getenv(rq, name) == NULL ||
			    strlen(name) == 0)
				__builtin_trap(); /* every name is found */
		if (i != fcgi_req_nparams(rq))
			__builtin_trap();
		while ((n = fcgi_req_read(rq, body, sizeof(body))) > 0)
			(void)fcgi_req_write(rq, body, (size_t)n);
		(void)fcgi_req_write_err(rq, "e", 1);
		(void)fcgi_req_finish(rq, 0);
	}
	fcgi_app_free(app);
	(void)close(sv[0]);
	return 0;
}
