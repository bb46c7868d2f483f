/*
 * fcgi_listen.h - open the listening socket a FastCGI responder serves.
 */
#ifndef LIB_FCGI_LISTEN_H
#define LIB_FCGI_LISTEN_H

/*
 * Opens a listening socket for spec: "unix:PATH" (an existing socket file
 * at PATH is replaced; any other file is left alone: EADDRINUSE) or
 * "HOST:PORT" ("[V6ADDR]:PORT" for IPv6; the port is numeric). The fd is
 * close-on-exec. Returns the fd, or -1 with errno set (EINVAL for a bad
 * spec, ENAMETOOLONG for a path too long for sockaddr_un).
 */
int fcgi_listen(const char *spec);

#endif /* LIB_FCGI_LISTEN_H */
