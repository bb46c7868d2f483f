/*
 * cgi_path.c - PATH_INFO for programs: split into segments that are safe
 * to use as names (cgi_path_segments), or refused with 404 by a program
 * that takes none (cgi_no_path_info). Checklist L-API-11, L-3875-8.2-a/c.
 *
 * The value is checked, never repaired: a segment the check refuses has no
 * meaning the program could rely on. Meta-variables come through
 * cgi_req.c, the 404 page from cgi_out.c.
 */
#include "cgi_path.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi_req.h"

struct cgi_path {
	size_t nsegs;
	const char *segs[]; /* nsegs + 1 (NULL), then the bytes they view */
};

/* A segment that ends at a '/' (inner) or at the end of the value. */
static const char *
segment_bad(const char *s, size_t n, bool inner)
{
	/* RFC 3986 3.3: "." and ".." name the directory itself and its
	 * parent; a file-system call would climb with them (L-3875-8.2-c). */
	if (n == 1 && s[0] == '.')
		return "a \".\" segment";
	if (n == 2 && s[0] == '.' && s[1] == '.')
		return "a \"..\" segment";
	/* "//": file systems read it as "/", so "a//b" and "a/b" would name
	 * one file under two spellings. A final empty segment ("/dir/") is
	 * kept: it tells a directory from a file. */
	if (n == 0 && inner)
		return "an empty segment";
	return NULL;
}

size_t
cgi_path_check(const char *p, size_t len, const char **why)
{
	const char *reason = NULL, *seg;
	size_t i, nsegs = 0;
	unsigned char c;

	if (len == 0)
		goto done;
	/* RFC 3875 4.1.5: a non-empty PATH_INFO starts with '/'. */
	if (p[0] != '/') {
		reason = "no leading '/'";
		goto done;
	}
	seg = p + 1;
	nsegs = 1;
	for (i = 1; i < len && reason == NULL; i++) {
		c = (unsigned char)p[i];
		if (c == '/') {
			reason = segment_bad(seg, (size_t)(p + i - seg), true);
			seg = p + i + 1;
			nsegs++;
		} else if (c == '\0') {
			/* A NUL ends the C string a file-system call sees:
			 * "a\0.png" would open "a". */
			reason = "a NUL byte";
		} else if (c == '\\') {
			/* A separator on Windows and in many URL parsers:
			 * "..\\x" is a parent reference to them. */
			reason = "a backslash";
		} else if (c < 0x20 || c == 0x7f) {
			/* No name needs one, and echoed into a log or a
			 * terminal they forge lines or run escape sequences. */
			reason = "a control byte";
		}
	}
	if (reason == NULL)
		reason = segment_bad(seg, (size_t)(p + len - seg), false);
done:
	if (why != NULL)
		*why = reason;
	return reason == NULL ? nsegs : CGI_PATH_REFUSED;
}

void
cgi_path_free(struct cgi_path *path)
{
	free(path);
}

/*
 * One allocation: the pointer array, then a copy of the value whose '/'
 * become NULs. The value was checked, so there are nsegs segments.
 */
static enum cgi_err
path_make(const char *p, size_t len, size_t nsegs, struct cgi_path **out)
{
	struct cgi_path *path;
	size_t i, k = 0, head;
	char *copy;

	/* nsegs <= len, and len counts bytes already in memory: the sum
	 * cannot overflow unless len is near SIZE_MAX / 8; refuse that. */
	if (len > (SIZE_MAX - sizeof(*path)) / (sizeof(char *) + 1) - 2)
		return CGI_ENOMEM;
	head = sizeof(*path) + (nsegs + 1) * sizeof(char *);
	if ((path = malloc(head + len + 1)) == NULL)
		return CGI_ENOMEM;
	copy = (char *)path + head;
	if (len > 0)
		memcpy(copy, p, len);
	copy[len] = '\0';
	for (i = 0; i < len; i++) {
		if (copy[i] != '/')
			continue;
		copy[i] = '\0';
		path->segs[k++] = copy + i + 1;
	}
	path->segs[k] = NULL;
	path->nsegs = k;
	*out = path;
	return CGI_OK;
}

CGI_API enum cgi_err
cgi_path_segments(cgi_req *r, const char *const **segs, size_t *n)
{
	const char *p;
	size_t len, nsegs;
	enum cgi_err e;

	if (segs != NULL)
		*segs = NULL;
	if (n != NULL)
		*n = 0;
	if (r == NULL || segs == NULL || n == NULL)
		return CGI_EINVAL;
	if (r->path == NULL) {
		/*
		 * cgi_req_io hands meta-variables over as C strings, so no
		 * NUL reaches here: CGI's environ cannot hold one, and
		 * fcgi_app.c and the terminal's --replay refuse a value
		 * holding one before the program sees the request.
		 */
		p = cgi_path_info(r);
		len = strlen(p);
		if ((nsegs = cgi_path_check(p, len, NULL)) == CGI_PATH_REFUSED)
			return CGI_INVALID;
		if ((e = path_make(p, len, nsegs, &r->path)) != CGI_OK)
			return e;
	}
	*segs = r->path->segs;
	*n = r->path->nsegs;
	return CGI_OK;
}

CGI_API bool
cgi_no_path_info(cgi_req *r)
{
	if (r == NULL)
		return false;
	if (*cgi_path_info(r) == '\0')
		return true;
	/* RFC 3875 8.2: a script that takes no PATH_INFO should refuse one,
	 * so /app.cgi/extra is not a second name for /app.cgi (L-3875-8.2-a);
	 * a page failing to send is a lost output cgi_finish reports. */
	(void)cgi_error_page(r, 404);
	return false;
}
