/*
 * path.h - decode a request path once and normalise it (RFC 3986 5.2.4).
 *
 * Pure string work, no file system access: the caller maps the normalised
 * path beneath its root (openat2 RESOLVE_BENEATH) and decides what to do
 * with an encoded slash. The rules come from checklist V-03 and S-8.1-b.
 */
#ifndef SERVER_PATH_H
#define SERVER_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "str.h"

struct path_info {
	bool encoded_slash;  /* a %2F/%2f was decoded: 404 by default */
	bool trailing_slash; /* the raw path ended with a literal '/' */
	const char *reason;  /* on failure: static text for the log */
};

/*
 * Decodes raw[0..n) (the path part of a request-target, still percent-
 * encoded, starting with '/') exactly once with PCT_STRICT, then:
 *  - refuses a decoded NUL, C0 control, DEL or backslash;
 *  - refuses invalid UTF-8: overlong forms (%c0%ae), surrogates, > U+10FFFF,
 *    truncated sequences;
 *  - removes dot segments (RFC 3986 5.2.4, after decoding, so %2e%2e is
 *    ".."), refusing a ".." that would climb above "/";
 *  - collapses empty segments ("//" becomes "/").
 * The result replaces out's contents (buf_reset first): it starts with '/',
 * has no "//", no "." or ".." segment and no NUL, and keeps a final '/'
 * when the last segment was empty or a dot segment ("/a/b/.." -> "/a/").
 * "%252e" decodes to the literal "%2e": never decoded twice.
 *
 * Returns 0 and fills *info (may be NULL). Returns -1 with errno EINVAL
 * (bad path: answer 400; info->reason says why) or ENOBUFS/ENOMEM from
 * out (past out->max: 414; allocation: 500).
 */
int path_normalize(const char *raw, size_t n, struct buf *out,
    struct path_info *info);

/*
 * True if the normalised path starts with prefix on a segment boundary:
 * prefix "/cgi-bin" or "/cgi-bin/" matches "/cgi-bin", "/cgi-bin/" and
 * "/cgi-bin/x", never "/cgi-binx". Prefix "/" matches every path. The
 * comparison is byte-exact. If rest is not NULL it receives the view of
 * path after the prefix: "" or a part starting with '/'.
 */
bool path_has_prefix(struct str path, struct str prefix, struct str *rest);

/*
 * Splits a normalised path into its segments, in order, as views into
 * path: "/a/b/" gives "a", "b" (a final empty segment is not reported),
 * "/" gives none. Writes at most maxsegs views to segs. Returns 0 with
 * *nsegs set, or -1 with errno E2BIG when there are more than maxsegs.
 */
int path_split(struct str path, struct str *segs, size_t maxsegs,
    size_t *nsegs);

#endif /* SERVER_PATH_H */
