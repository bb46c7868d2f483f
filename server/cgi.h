/*
 * cgi.h - the CGI/1.1 handler (RFC 3875): runs the script route.c chose,
 * pumps the request body to its stdin while its stdout streams to the
 * client, and ends it on timeouts and disconnects.
 *
 * It attaches to conn.c through struct conn_handler (conn.h). The
 * environment is cgi_env.c's, the header parsing cgi_resp.c's and the
 * process creation cgi_spawn.c's; this module owns the life of one
 * request's script (struct cgi_job in cgi.c) from spawn to reaping.
 *
 * Wiring (main.c):
 *     srv.cgi = &cgi_handler;
 *     srv.cgi_arg = cgi_new(&srv);   (after server_open, before start)
 *     ...
 *     cgi_free(srv.cgi_arg);          (after server_stop)
 */
#ifndef SERVER_CGI_H
#define SERVER_CGI_H

struct server;

/* The handler conn.c calls for ROUTE_CGI requests; h_arg is a cgi_new(). */
extern const struct conn_handler cgi_handler;

/*
 * State shared by every worker (the --max-cgi counter, /dev/null, the
 * environment options). srv is borrowed and must outlive it. Returns
 * NULL with errno set. Free with cgi_free() once no worker runs.
 */
struct cgi *cgi_new(const struct server *srv);
void cgi_free(struct cgi *g);

#endif /* SERVER_CGI_H */
