/*
 * fcgi_listen.c - the listening socket of a FastCGI program started on its
 * own ("--listen unix:PATH" or "HOST:PORT") rather than handed one on fd 0.
 *
 * Kept apart from the responder (fcgi_app.c), which only accepts on it.
 */
#include "fcgi_listen.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

/* "unix:PATH": a stream socket file, replacing a stale one. */
static int
listen_unix(const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	/* Only a socket is removed: a typo must not delete a file. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && unlink(path) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		int saved = errno;

		(void)close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* "HOST:PORT" or "[V6ADDR]:PORT". */
static int
listen_inet(const char *spec)
{
	char host[256];
	const char *colon = strrchr(spec, ':'), *h = spec;
	struct addrinfo hints, *res, *ai;
	size_t hlen;
	int fd = -1, one = 1, saved = EINVAL, rc;

	if (colon == NULL || colon[1] == '\0' || colon == spec)
		goto inval;
	hlen = (size_t)(colon - spec);
	if (spec[0] == '[') {
		if (hlen < 3 || spec[hlen - 1] != ']')
			goto inval;
		h = spec + 1;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		goto inval;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0) {
		errno = rc == EAI_SYSTEM ? errno : EINVAL;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, SOMAXCONN) == 0)
			break;
		saved = errno;
		(void)close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		errno = saved;
	return fd;
inval:
	errno = EINVAL;
	return -1;
}

int
fcgi_listen(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0 && spec[5] != '\0')
		return listen_unix(spec + 5);
	return listen_inet(spec);
}
