/*
 * cgi_env.c - the CGI/1.1 meta-variables (RFC 3875 4.1) and the HTTP_*
 * mapping (4.1.18), built into one allocation for execve.
 *
 * Policy choices (checklist section 5): a clean environment, a fixed PATH,
 * no HTTP_PROXY, header names with '_' dropped, Authorization hidden
 * unless configured, CONTENT_LENGTH only when a body is framed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "cgi_env.h"

#ifndef CGI_VERSION
#define CGI_VERSION "0"
#endif

#define CGI_ENV_PATH "/usr/local/bin:/usr/bin:/bin"

enum check {
	CHECK_NONE, /* trusted: configuration or server-made values */
	CHECK_TEXT, /* request text: no NUL, no CTL but HTAB (S-4.1-e) */
	CHECK_PATH  /* decoded path: no C0 control, no DEL (V-24) */
};

struct envb {
	struct buf sb;                   /* "NAME=VALUE\0" ... */
	size_t offs[BOUND_CGI_ENV_VARS]; /* start of each entry in sb */
	size_t n;
	size_t max; /* total bytes allowed */
	bool guard; /* V-02-b */
};

static bool
bad_byte(unsigned char ch, enum check c)
{
	if (c == CHECK_NONE)
		return ch == 0;
	if (c == CHECK_PATH)
		return ch < 0x20 || ch == 0x7f;
	return (ch < 0x20 && ch != '\t') || ch == 0x7f;
}

/* True if an entry called name (n bytes) exists (S-4.1-a: never twice). */
static bool
env_has(const struct envb *e, const char *name, size_t n)
{
	size_t i;
	const char *s;

	for (i = 0; i < e->n; i++) {
		s = e->sb.data + e->offs[i];
		if (strncmp(s, name, n) == 0 && s[n] == '=')
			return true;
	}
	return false;
}

/* Starts an entry "NAME=". Returns 0 or an HTTP status. */
static int
env_begin(struct envb *e, const char *name, size_t n)
{
	if (e->n >= BOUND_CGI_ENV_VARS)
		return 431;
	e->offs[e->n] = e->sb.len;
	if (buf_append(&e->sb, name, n) == -1 || buf_putc(&e->sb, '=') == -1)
		return errno == ENOBUFS ? 431 : 500;
	return 0;
}

/* Appends value bytes to the open entry after checking them. */
static int
env_more(struct envb *e, struct str v, enum check c)
{
	size_t i;

	for (i = 0; i < v.len; i++)
		if (bad_byte((unsigned char)v.p[i], c))
			return 400;
	if (v.len > 0 && buf_append(&e->sb, v.p, v.len) == -1)
		return errno == ENOBUFS ? 431 : 500;
	return 0;
}

/* Closes the open entry: NUL, per-variable bound, guard. */
static int
env_end(struct envb *e, enum check c)
{
	const char *s = e->sb.data + e->offs[e->n];
	const char *eq = strchr(s, '=');

	/* Linux MAX_ARG_STRLEN: execve fails with E2BIG past it (V-16). */
	if (e->sb.len - e->offs[e->n] + 1 > BOUND_CGI_ENV_VAR_BYTES)
		return 431;
	/* V-02-b: bash imports "() {" values as functions (Shellshock). */
	if (e->guard && c != CHECK_NONE && strncmp(eq + 1, "() {", 4) == 0)
		return 400;
	if (buf_putc(&e->sb, '\0') == -1)
		return errno == ENOBUFS ? 431 : 500;
	e->n++;
	return 0;
}

/* NAME=v, unless NAME is already set. */
static int
env_put(struct envb *e, const char *name, struct str v, enum check c)
{
	size_t n = strlen(name);
	int rc;

	if (env_has(e, name, n))
		return 0;
	if ((rc = env_begin(e, name, n)) != 0 || (rc = env_more(e, v, c)) != 0)
		return rc;
	return env_end(e, c);
}

static int
env_putc(struct envb *e, const char *name, const char *v)
{
	return env_put(e, name, str_from(v), CHECK_NONE);
}

static int
env_putu(struct envb *e, const char *name, unsigned long long u)
{
	char num[24];
	size_t i = sizeof(num);

	num[--i] = '\0';
	do {
		num[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	return env_putc(e, name, num + i);
}

/* SERVER_NAME: the Host value without its port (S-4.1.14-a). */
static struct str
host_name(struct str h)
{
	size_t i;

	if (h.len > 0 && h.p[0] == '[') {
		for (i = 0; i < h.len; i++)
			if (h.p[i] == ']')
				return (struct str){ h.p, i + 1 };
		return h;
	}
	for (i = h.len; i > 0; i--)
		if (h.p[i - 1] == ':')
			return (struct str){ h.p, i - 1 };
	return h;
}

/* S-4.1.18-f: hop-by-hop fields, plus what S-4.1.18-e/g keep out. */
static bool
name_dropped(struct str n, bool pass_auth)
{
	static const char *const drop[] = { "Connection", "Keep-Alive", "TE",
		"Transfer-Encoding", "Upgrade", "Trailer", "Proxy-Connection",
		"Proxy", "Content-Length", "Content-Type" };
	size_t i;

	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (str_caseeq(n, str_from(drop[i])))
			return true;
	if (!pass_auth &&
	    (str_caseeq(n, STR_LIT("Authorization")) ||
	        str_caseeq(n, STR_LIT("Proxy-Authorization"))))
		return true;
	/* V-07: only ALPHA / DIGIT / '-' map without collisions. */
	if (n.len == 0)
		return true;
	for (i = 0; i < n.len; i++) {
		unsigned char ch = (unsigned char)n.p[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		        (ch >= '0' && ch <= '9') || ch == '-'))
			return true;
	}
	return false;
}

/* True if a Connection field lists n as a connection option (RFC 9110 7.6.1).
 */
static bool
named_by_connection(const struct cgi_env_req *rq, struct str n)
{
	size_t i, j, k;
	struct str v;

	for (i = 0; i < rq->nfields; i++) {
		if (!str_caseeq(rq->fields[i].name, STR_LIT("Connection")))
			continue;
		v = rq->fields[i].value;
		for (j = 0; j <= v.len; j = k + 1) {
			for (k = j; k < v.len && v.p[k] != ','; k++)
				;
			if (str_caseeq(str_trim((struct str){ v.p + j, k - j }),
			        n))
				return true;
		}
	}
	return false;
}

/* One HTTP_* variable for all fields named like field i (S-4.1.18-b). */
static int
put_field(struct envb *e, const struct cgi_env_req *rq, size_t i)
{
	char name[5 + BOUND_CGI_ENV_NAME];
	struct str n = rq->fields[i].name;
	bool cookie = str_caseeq(n, STR_LIT("Cookie"));
	size_t j, k;
	int rc, first = 1;

	for (j = 0; j < i; j++)
		if (str_caseeq(rq->fields[j].name, n))
			return 0; /* already joined into an earlier one */
	if (n.len > BOUND_CGI_ENV_NAME)
		return 431;
	memcpy(name, "HTTP_", 5);
	for (k = 0; k < n.len; k++) {
		char ch = n.p[k];
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		name[5 + k] = ch == '-' ? '_' : ch;
	}
	if (env_has(e, name, 5 + n.len))
		return 0;
	if ((rc = env_begin(e, name, 5 + n.len)) != 0)
		return rc;
	for (j = i; j < rq->nfields; j++) {
		if (!str_caseeq(rq->fields[j].name, n))
			continue;
		if (!first &&
		    (rc = env_more(e, cookie ? STR_LIT("; ") : STR_LIT(", "),
		         CHECK_NONE)) != 0)
			return rc;
		if ((rc = env_more(e, str_trim(rq->fields[j].value),
		         CHECK_TEXT)) != 0)
			return rc;
		first = 0;
	}
	return env_end(e, CHECK_TEXT);
}

static int
put_fields(struct envb *e, const struct cgi_env_req *rq, bool pass_auth)
{
	size_t i;
	int rc;

	for (i = 0; i < rq->nfields; i++) {
		if (name_dropped(rq->fields[i].name, pass_auth) ||
		    named_by_connection(rq, rq->fields[i].name))
			continue;
		if ((rc = put_field(e, rq, i)) != 0)
			return rc;
	}
	return 0;
}

static struct str
field(const struct cgi_env_req *rq, const char *name)
{
	size_t i;

	for (i = 0; i < rq->nfields; i++)
		if (str_caseeq(rq->fields[i].name, str_from(name)))
			return str_trim(rq->fields[i].value);
	return (struct str){ NULL, 0 };
}

/* PATH_TRANSLATED (S-4.1.6): docroot + PATH_INFO, as a GET would map it. */
static int
put_translated(struct envb *e, const struct cgi_env_req *rq)
{
	int rc;

	if (rq->path_info.p == NULL || rq->path_info.len == 0)
		return 0; /* S-4.1.6-b */
	if ((rc = env_begin(e, "PATH_TRANSLATED", 15)) != 0 ||
	    (rc = env_more(e, rq->docroot, CHECK_NONE)) != 0 ||
	    (rc = env_more(e, rq->path_info, CHECK_PATH)) != 0)
		return rc;
	return env_end(e, CHECK_PATH);
}

static int
put_request(struct envb *e, const struct cgi_env_req *rq, const char *sw)
{
	struct str ct = rq->no_content_type ? (struct str){ NULL, 0 }
	                                    : field(rq, "Content-Type");
	struct str name = rq->host.p != NULL && rq->host.len > 0
	    ? host_name(rq->host)
	    : rq->default_name;
	char proto[] = "HTTP/1.0";
	int rc = 0;

	proto[7] = (char)('0' + (rq->minor > 0 ? 1 : 0));
	if ((rc = env_putc(e, "GATEWAY_INTERFACE", "CGI/1.1")) != 0 ||
	    (rc = env_put(e, "SERVER_SOFTWARE", str_from(sw), CHECK_NONE)) ||
	    (rc = env_putc(e, "SERVER_PROTOCOL", proto)) != 0 ||
	    (rc = env_put(e, "SERVER_NAME", name, CHECK_TEXT)) != 0 ||
	    (rc = env_putu(e, "SERVER_PORT", rq->local_port)) != 0 ||
	    (rc = env_put(e, "SERVER_ADDR", rq->local_addr, CHECK_TEXT)) ||
	    (rc = env_put(e, "REQUEST_METHOD", rq->method, CHECK_TEXT)) ||
	    (rc = env_put(e, "REQUEST_URI", rq->request_uri, CHECK_TEXT)) ||
	    (rc = env_putc(e, "REQUEST_SCHEME",
	         rq->https ? "https" : "http")) != 0 ||
	    (rc = env_put(e, "QUERY_STRING",
	         rq->query.p ? rq->query : STR_LIT(""), CHECK_TEXT)) != 0 ||
	    (rc = env_put(e, "SCRIPT_NAME",
	         rq->script_name.p ? rq->script_name : STR_LIT(""),
	         CHECK_PATH)) != 0)
		return rc;
	if (rq->path_info.p != NULL && rq->path_info.len > 0 &&
	    (rc = env_put(e, "PATH_INFO", rq->path_info, CHECK_PATH)) != 0)
		return rc;
	if ((rc = put_translated(e, rq)) != 0 ||
	    (rc = env_put(e, "SCRIPT_FILENAME", rq->script_filename,
	         CHECK_PATH)) != 0 ||
	    (rc = env_put(e, "DOCUMENT_ROOT", rq->docroot, CHECK_PATH)) != 0 ||
	    (rc = env_put(e, "REMOTE_ADDR", rq->remote_addr, CHECK_TEXT)) ||
	    (rc = env_put(e, "REMOTE_HOST", rq->remote_addr, CHECK_TEXT)) ||
	    (rc = env_putu(e, "REMOTE_PORT", rq->remote_port)) != 0)
		return rc;
	/* S-4.1.2-a: set iff a body is framed; digits only (S-4.1.2-c). */
	if (rq->has_body &&
	    (rc = env_putu(e, "CONTENT_LENGTH", rq->content_length)) != 0)
		return rc;
	if (ct.p != NULL && ct.len > 0 &&
	    (rc = env_put(e, "CONTENT_TYPE", ct, CHECK_TEXT)) != 0)
		return rc;
	if (rq->https && (rc = env_putc(e, "HTTPS", "on")) != 0)
		return rc;
	if (rq->auth_type.p != NULL && rq->auth_type.len > 0 &&
	    ((rc = env_put(e, "AUTH_TYPE", rq->auth_type, CHECK_TEXT)) ||
	        (rc = env_put(e, "REMOTE_USER", rq->remote_user, CHECK_TEXT))))
		return rc;
	/* X-REDIRECT_STATUS: php-cgi's cgi.force_redirect needs it. */
	if ((rc = env_putu(e, "REDIRECT_STATUS",
	         rq->redirect_status > 0 ? (unsigned)rq->redirect_status
	                                 : 200)) != 0)
		return rc;
	if (rq->redirect_url.p != NULL &&
	    ((rc = env_put(e, "REDIRECT_URL", rq->redirect_url, CHECK_PATH)) ||
	        (rc = env_put(e, "REDIRECT_QUERY_STRING",
	             rq->redirect_query.p ? rq->redirect_query : STR_LIT(""),
	             CHECK_TEXT))))
		return rc;
	return 0;
}

/* --env first (it may override PATH), then --pass-env, then PATH. */
static int
put_config(struct envb *e, const struct cgi_env_opts *o)
{
	const char *v, *eq;
	size_t i;
	int rc;

	for (i = 0; i < o->nset; i++) {
		if ((eq = strchr(o->set[i], '=')) == NULL || eq == o->set[i] ||
		    env_has(e, o->set[i], (size_t)(eq - o->set[i])))
			continue;
		if ((rc = env_begin(e, o->set[i], (size_t)(eq - o->set[i]))) ||
		    (rc = env_more(e, str_from(eq + 1), CHECK_NONE)) ||
		    (rc = env_end(e, CHECK_NONE)))
			return rc;
	}
	for (i = 0; i < o->npass; i++) {
		if ((v = getenv(o->pass[i])) != NULL &&
		    (rc = env_put(e, o->pass[i], str_from(v), CHECK_NONE)) != 0)
			return rc;
	}
	return env_putc(e, "PATH", CGI_ENV_PATH);
}

/* Moves the strings and an index into one allocation. */
static int
pack(struct envb *e, struct cgi_env *out)
{
	size_t head = (e->n + 1) * sizeof(char *);
	char *blk, *s;
	size_t i;

	if ((blk = malloc(head + e->sb.len + 1)) == NULL)
		return 500;
	s = blk + head;
	memcpy(s, e->sb.data, e->sb.len);
	out->envp = (char **)(void *)blk;
	for (i = 0; i < e->n; i++)
		out->envp[i] = s + e->offs[i];
	out->envp[e->n] = NULL;
	out->n = e->n;
	out->bytes = e->sb.len;
	return 0;
}

int
cgi_env_build(const struct cgi_env_req *rq, const struct cgi_env_opts *o,
    struct cgi_env *out)
{
	static const struct cgi_env_opts none;
	struct envb *e;
	const char *sw;
	int rc;

	memset(out, 0, sizeof(*out));
	if (o == NULL)
		o = &none;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return 500;
	e->max = o->max_bytes > 0 && o->max_bytes < BOUND_CGI_ENV_BYTES
	    ? o->max_bytes
	    : BOUND_CGI_ENV_BYTES;
	e->guard = !o->allow_fn_values;
	buf_init(&e->sb, e->max);
	sw = o->server_software ? o->server_software : "cgihttpd/" CGI_VERSION;
	if ((rc = put_request(e, rq, sw)) == 0 &&
	    (rc = put_fields(e, rq, o->pass_auth)) == 0 &&
	    (rc = put_config(e, o)) == 0)
		rc = pack(e, out);
	buf_fini(&e->sb);
	free(e);
	return rc;
}

void
cgi_env_fini(struct cgi_env *out)
{
	free(out->envp);
	out->envp = NULL;
	out->n = 0;
	out->bytes = 0;
}

const char *
cgi_env_get(const struct cgi_env *env, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < env->n; i++)
		if (strncmp(env->envp[i], name, n) == 0 &&
		    env->envp[i][n] == '=')
			return env->envp[i] + n + 1;
	return NULL;
}
