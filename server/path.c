/*
 * path.c - request-path decoding and normalisation declared in path.h.
 *
 * Order matters and is fixed: decode once, refuse bad bytes, then remove
 * dot segments. Normalising before decoding would let "%2e%2e" through;
 * decoding twice would turn "%252e" into "." (checklist V-03-a).
 */
#include "path.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pct.h"

static int
refuse(struct path_info *info, const char *reason)
{
	info->reason = reason;
	errno = EINVAL;
	return -1;
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629 4), or 0:
 * overlong forms (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF),
 * code points past U+10FFFF (F4 90.., F5..FF), stray continuation bytes
 * and truncated sequences are all refused.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Refuses NUL, C0 controls, DEL, backslash and invalid UTF-8. */
static int
check_bytes(const char *p, size_t n, struct path_info *info)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, len;

	while (i < n) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return refuse(info, "control byte in path");
		/* V-03-c: never a separator, so never allowed. */
		if (s[i] == '\\')
			return refuse(info, "backslash in path");
		if ((len = utf8_len(s + i, n - i)) == 0)
			return refuse(info, "invalid UTF-8 in path");
		i += len;
	}
	return 0;
}

/* True if raw holds an escape that decodes to '/'. */
static bool
has_encoded_slash(const char *raw, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i++)
		if (raw[i] == '%' && raw[i + 1] == '2' &&
		    (raw[i + 2] == 'f' || raw[i + 2] == 'F'))
			return true;
	return false;
}

/*
 * RFC 3986 5.2.4 in place over the decoded path p[0..n), which starts with
 * '/'. The output never outruns the input (w <= r), so one buffer does.
 * Differences: "//" collapses, and ".." at the root is an error, not a
 * no-op, because a client that sends it is probing for a way out.
 */
static int
remove_dots(char *p, size_t *np, struct path_info *info)
{
	size_t n = *np, r = 1, w = 0, end, len;
	bool slash_end = false;

	while (r <= n) {
		end = r;
		while (end < n && p[end] != '/')
			end++;
		len = end - r;
		slash_end = end >= n &&
		    (len == 0 || (len == 1 && p[r] == '.') ||
		        (len == 2 && p[r] == '.' && p[r + 1] == '.'));
		if (len == 2 && p[r] == '.' && p[r + 1] == '.') {
			if (w == 0)
				return refuse(info, "path climbs above /");
			while (w > 0 && p[w - 1] != '/')
				w--;
			w--; /* drop the '/' before the removed segment */
		} else if (len > 0 && !(len == 1 && p[r] == '.')) {
			p[w++] = '/';
			memmove(p + w, p + r, len);
			w += len;
		}
		r = end + 1;
	}
	if (w == 0 || slash_end)
		p[w++] = '/';
	p[w] = '\0';
	*np = w;
	return 0;
}

int
path_normalize(const char *raw, size_t n, struct buf *out,
    struct path_info *info)
{
	struct path_info dummy;

	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof(*info));
	if (n == 0 || raw[0] != '/')
		return refuse(info, "path does not start with /");
	info->encoded_slash = has_encoded_slash(raw, n);
	info->trailing_slash = raw[n - 1] == '/';
	buf_reset(out);
	if (pct_decode(raw, n, PCT_STRICT, out) == -1) {
		info->reason =
		    errno == EINVAL ? "bad percent escape" : "path too long";
		return -1;
	}
	if (check_bytes(out->data, out->len, info) == -1 ||
	    remove_dots(out->data, &out->len, info) == -1) {
		buf_reset(out);
		return -1;
	}
	return 0;
}

bool
path_has_prefix(struct str path, struct str prefix, struct str *rest)
{
	while (prefix.len > 0 && prefix.p[prefix.len - 1] == '/')
		prefix.len--;
	if (path.len < prefix.len ||
	    (prefix.len > 0 && memcmp(path.p, prefix.p, prefix.len) != 0))
		return false;
	if (path.len > prefix.len && path.p[prefix.len] != '/')
		return false;
	if (rest != NULL) {
		rest->p = path.p + prefix.len;
		rest->len = path.len - prefix.len;
	}
	return true;
}

int
path_split(struct str path, struct str *segs, size_t maxsegs, size_t *nsegs)
{
	size_t i = 0, start, k = 0;

	*nsegs = 0;
	while (i < path.len) {
		while (i < path.len && path.p[i] == '/')
			i++;
		start = i;
		while (i < path.len && path.p[i] != '/')
			i++;
		if (i == start)
			break;
		if (k == maxsegs) {
			errno = E2BIG;
			return -1;
		}
		segs[k].p = path.p + start;
		segs[k].len = i - start;
		k++;
	}
	*nsegs = k;
	return 0;
}
