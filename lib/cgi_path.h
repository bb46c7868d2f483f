/*
 * cgi_path.h - PATH_INFO as checked segments: cgi_path_segments and
 * cgi_no_path_info (cgi.h), and the pure check under them.
 *
 * The check takes a length, so it can refuse a NUL byte wherever a
 * transport hands over one; the request keeps the split copy (struct
 * cgi_path) until cgi_finish. Reading the meta-variable is cgi_req.c's,
 * the 404 page cgi_out.c's.
 */
#ifndef LIB_CGI_PATH_H
#define LIB_CGI_PATH_H

#include <stddef.h>

/* cgi_path_check's answer for a refused value. */
#define CGI_PATH_REFUSED ((size_t)-1)

struct cgi_path; /* opaque: one request's segments and their bytes */

/*
 * Checks p[0..len) (borrowed), a PATH_INFO value as the server passed it,
 * already decoded. Returns how many segments it splits into (0 for len 0,
 * else the number of '/' in it), or CGI_PATH_REFUSED with *why (may be
 * NULL) set to a static reason: no leading '/', a "." or ".." segment, an
 * empty inner segment, a NUL, a backslash or a control byte (0x01-0x1f,
 * 0x7f). Pure: no allocation, reads exactly len bytes.
 */
size_t cgi_path_check(const char *p, size_t len, const char **why);

/* Frees the segments a request kept (cgi_req_free calls it); NULL: no-op. */
void cgi_path_free(struct cgi_path *path);

#endif /* LIB_CGI_PATH_H */
