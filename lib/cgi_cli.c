/*
 * cgi_cli.c - terminal runs: the command line or a recording becomes a
 * table of meta-variables and a body, as a web server would have made.
 *
 * The command line follows curl where it can (-X, -d, -F, -H) so a
 * request tried with curl against a server can be rerun here; the
 * response (CGI header block and body) goes to stdout. The recording
 * format is described in cgi_cli.h.
 */
#include "cgi_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cgi_escape.h"
#include "pct.h"
#include "str.h"

/* Largest file read for -d @file, -F name=@file or --replay. */
#define CGI_CLI_FILE_MAX (256u * 1024 * 1024)

struct cgi_cli *
cgi_cli_new(void)
{
	struct cgi_cli *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	buf_init(&c->body, 0);
	return c;
}

void
cgi_cli_free(struct cgi_cli *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nvars; i++) {
		free(c->names[i]);
		free(c->values[i]);
	}
	free(c->names);
	free(c->values);
	buf_fini(&c->body);
	free(c);
}

const char *
cgi_cli_getenv(const struct cgi_cli *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nvars; i++)
		if (strcmp(c->names[i], name) == 0)
			return c->values[i];
	return NULL;
}

int
cgi_cli_setenv(struct cgi_cli *c, const char *name, const char *value)
{
	char *n = NULL, *v, **pn, **pv;
	size_t i, cap;

	if ((v = strdup(value)) == NULL)
		return -1;
	for (i = 0; i < c->nvars; i++) {
		if (strcmp(c->names[i], name) == 0) {
			free(c->values[i]);
			c->values[i] = v;
			return 0;
		}
	}
	if ((n = strdup(name)) == NULL)
		goto fail;
	if (c->nvars == c->capvars) {
		cap = c->capvars == 0 ? 32 : c->capvars * 2;
		if ((pn = reallocarray(c->names, cap, sizeof(*pn))) == NULL)
			goto fail;
		c->names = pn;
		if ((pv = reallocarray(c->values, cap, sizeof(*pv))) == NULL)
			goto fail;
		c->values = pv;
		c->capvars = cap;
	}
	c->names[c->nvars] = n;
	c->values[c->nvars++] = v;
	return 0;
fail:
	free(n);
	free(v);
	errno = ENOMEM;
	return -1;
}

/* Appends the whole file at path ("-": standard input, as curl's @-) to
 * out. 0, or -1 with errno. */
static int
read_file(const char *path, struct buf *out)
{
	char tmp[8192];
	ssize_t n;
	int fd, saved;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > CGI_CLI_FILE_MAX) {
			errno = EFBIG;
			n = -1;
			break;
		}
		if (buf_append(out, tmp, (size_t)n) == -1) {
			n = -1;
			break;
		}
	}
	saved = errno;
	if (fd != STDIN_FILENO)
		(void)close(fd);
	errno = saved;
	return n == 0 ? 0 : -1;
}

/* What a command line asks for, gathered before the table is built. */
struct cli_req {
	const char *method;
	const char *path_info;
	struct buf query;
	struct buf data;    /* -d pieces joined by '&' */
	struct buf cookie;  /* -C pieces joined by "; " */
	const char **forms; /* -F arguments, borrowed from argv */
	size_t nforms;
	bool has_data;
	const char *replay;
};

static int
add_header(struct cgi_cli *c, const char *h, char *err, size_t errlen)
{
	char name[256];
	const char *colon = strchr(h, ':'), *v, *prev;
	struct buf joined;
	size_t n, i;
	int rc;

	if (colon == NULL || colon == h || (size_t)(colon - h) >= 200) {
		(void)snprintf(err, errlen, "-H wants 'Name: value': %s", h);
		return -1;
	}
	n = (size_t)(colon - h);
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (n == 12 && strncasecmp(h, "Content-Type", 12) == 0)
		return cgi_cli_setenv(c, "CONTENT_TYPE", v);
	memcpy(name, "HTTP_", 5);
	for (i = 0; i < n; i++) {
		if (!str_is_tchar((unsigned char)h[i]) || h[i] == '_') {
			(void)snprintf(err, errlen, "-H: bad header name: %s",
			    h);
			return -1;
		}
		name[5 + i] = h[i] == '-'          ? '_'
		    : (h[i] >= 'a' && h[i] <= 'z') ? (char)(h[i] - 32)
		                                   : h[i];
	}
	name[5 + n] = '\0';
	if ((prev = cgi_cli_getenv(c, name)) != NULL) {
		/* Repeated headers join as a server joins them (RFC 9110
		 * 5.3), cookies with "; " (RFC 6265 5.4, L-CK-06). */
		buf_init(&joined, 0);
		rc =
		    buf_printf(&joined, "%s%s%s", prev,
		        strcmp(name, "HTTP_COOKIE") == 0 ? "; " : ", ", v) == -1
		    ? -1
		    : cgi_cli_setenv(c, name, buf_cstr(&joined));
		buf_fini(&joined);
		return rc;
	}
	return cgi_cli_setenv(c, name, v);
}

/* name=value (or name) as one urlencoded pair appended to q. */
static int
add_pair(struct buf *q, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);

	if (q->len > 0 && buf_putc(q, '&') == -1)
		return -1;
	if (cgi_escape_url(q, arg, n) == -1)
		return -1;
	if (eq == NULL)
		return 0;
	if (buf_putc(q, '=') == -1)
		return -1;
	return cgi_escape_url(q, eq + 1, strlen(eq + 1));
}

static const char cli_boundary[] = "----libcgi-terminal-7MA4YWxkTrZu0gW";

/* Appends the part of one -F file argument ("path[;type=T]") to b. */
static int
file_part(struct buf *b, const char *spec, char *err, size_t errlen)
{
	const char *type = "application/octet-stream", *semi, *base;
	char path[4096];
	struct buf file;
	size_t n;
	int rc;

	if ((semi = strstr(spec, ";type=")) != NULL)
		type = semi + 6;
	n = semi != NULL ? (size_t)(semi - spec) : strlen(spec);
	if (n == 0 || n >= sizeof(path)) {
		(void)snprintf(err, errlen, "-F: bad file path");
		return -1;
	}
	memcpy(path, spec, n);
	path[n] = '\0';
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	buf_init(&file, CGI_CLI_FILE_MAX);
	if (read_file(path, &file) == -1) {
		(void)snprintf(err, errlen, "-F: %s: %s", path,
		    strerror(errno));
		buf_fini(&file);
		return -1;
	}
	if (file.len > 0 &&
	    memmem(file.data, file.len, cli_boundary,
	        sizeof(cli_boundary) - 1) != NULL) {
		(void)snprintf(err, errlen, "-F: %s holds the boundary", path);
		buf_fini(&file);
		return -1;
	}
	rc = buf_printf(b, "; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n",
	    base, type);
	if (rc == 0)
		rc = buf_append(b, file.data, file.len);
	buf_fini(&file);
	return rc;
}

/* The multipart body of the -F arguments (RFC 7578). */
static int
build_multipart(struct cgi_cli *c, struct cli_req *q, char *err, size_t errlen)
{
	const char *arg, *eq;
	char ct[128];
	size_t i;
	int rc = 0;

	buf_reset(&c->body);
	for (i = 0; rc == 0 && i < q->nforms; i++) {
		arg = q->forms[i];
		if ((eq = strchr(arg, '=')) == NULL || eq == arg) {
			(void)snprintf(err, errlen,
			    "-F wants name=value or name=@file: %s", arg);
			return -1;
		}
		rc = buf_printf(&c->body,
		    "--%s\r\nContent-Disposition: form-data; name=\"%.*s\"",
		    cli_boundary, (int)(eq - arg), arg);
		if (rc == 0 && eq[1] == '@')
			rc = file_part(&c->body, eq + 2, err, errlen);
		else if (rc == 0 && strstr(eq + 1, cli_boundary) != NULL) {
			(void)snprintf(err, errlen, "-F: value holds boundary");
			return -1;
		} else if (rc == 0)
			rc = buf_printf(&c->body, "\r\n\r\n%s", eq + 1);
		if (rc == 0)
			rc = buf_puts(&c->body, "\r\n");
	}
	if (rc == 0)
		rc = buf_printf(&c->body, "--%s--\r\n", cli_boundary);
	if (rc == 0 && cgi_cli_getenv(c, "CONTENT_TYPE") == NULL) {
		(void)snprintf(ct, sizeof(ct),
		    "multipart/form-data; boundary=%s", cli_boundary);
		rc = cgi_cli_setenv(c, "CONTENT_TYPE", ct);
	}
	return rc;
}

/* The value of option argv[*i] ("-X POST", "-XPOST", "--data=x"). */
static const char *
opt_arg(int argc, char **argv, int *i, const char *sh, const char *lng)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);

	if (strcmp(a, sh) == 0 || strcmp(a, lng) == 0)
		return *i + 1 < argc ? argv[++*i] : NULL;
	if (strncmp(a, sh, 2) == 0 && a[1] != '-' && a[2] != '\0')
		return a + 2;
	if (strncmp(a, lng, n) == 0 && a[n] == '=')
		return a + n + 1;
	return NULL;
}

static bool
is_opt(const char *a, const char *sh, const char *lng)
{
	size_t n = strlen(lng);

	return strncmp(a, sh, 2) == 0 ||
	    (strncmp(a, lng, n) == 0 && (a[n] == '\0' || a[n] == '='));
}

/* The options of a terminal run, curl's letters where curl has them. */
enum cli_opt {
	CLI_METHOD,
	CLI_DATA,
	CLI_FORM,
	CLI_HEADER,
	CLI_COOKIE,
	CLI_PATH_INFO,
	CLI_REPLAY
};

static const struct {
	const char *sh, *lng;
} cli_opts[] = {
	[CLI_METHOD] = { "-X", "--request" },
	[CLI_DATA] = { "-d", "--data" },
	[CLI_FORM] = { "-F", "--form" },
	[CLI_HEADER] = { "-H", "--header" },
	[CLI_COOKIE] = { "-C", "--cookie" },
	[CLI_PATH_INFO] = { "-P", "--path-info" },
	[CLI_REPLAY] = { "-R", "--replay" },
};

/* -d: data joined with '&', "@file" read from file ("@-": stdin). */
static int
add_data(struct cli_req *q, const char *v, char *err, size_t errlen)
{
	struct buf file;
	int rc;

	q->has_data = true;
	if (q->data.len > 0 && buf_putc(&q->data, '&') == -1)
		return -1;
	if (v[0] != '@')
		return buf_puts(&q->data, v);
	buf_init(&file, CGI_CLI_FILE_MAX);
	if ((rc = read_file(v + 1, &file)) == -1)
		(void)snprintf(err, errlen, "-d: %s: %s", v + 1,
		    strerror(errno));
	else
		rc = buf_append(&q->data, file.data, file.len);
	buf_fini(&file);
	return rc;
}

/* Sorts one argument into q; "-H" goes straight to the table. */
static int
parse_one(struct cgi_cli *c, struct cli_req *q, int argc, char **argv, int *i,
    char *err, size_t errlen)
{
	const char *a = argv[*i], *v;
	size_t k;

	if (a[0] != '-')
		return add_pair(&q->query, a);
	for (k = 0; k < sizeof(cli_opts) / sizeof(cli_opts[0]); k++)
		if (is_opt(a, cli_opts[k].sh, cli_opts[k].lng))
			break;
	if (k == sizeof(cli_opts) / sizeof(cli_opts[0])) {
		(void)snprintf(err, errlen, "unknown option %s", a);
		return -1;
	}
	if ((v = opt_arg(argc, argv, i, cli_opts[k].sh, cli_opts[k].lng)) ==
	    NULL) {
		(void)snprintf(err, errlen, "option %s needs a value", a);
		return -1;
	}
	switch ((enum cli_opt)k) {
	case CLI_METHOD:
		q->method = v;
		return 0;
	case CLI_DATA:
		return add_data(q, v, err, errlen);
	case CLI_FORM:
		q->forms[q->nforms++] = v;
		return 0;
	case CLI_HEADER:
		return add_header(c, v, err, errlen);
	case CLI_COOKIE:
		if (q->cookie.len > 0 && buf_puts(&q->cookie, "; ") == -1)
			return -1;
		return buf_puts(&q->cookie, v);
	case CLI_PATH_INFO:
		q->path_info = v;
		return 0;
	case CLI_REPLAY:
		q->replay = v;
		return 0;
	}
	return -1;
}

/* The variables a web server would set for q. */
static int
fill_env(struct cgi_cli *c, struct cli_req *q, const char *argv0)
{
	const char *base = argv0 != NULL ? strrchr(argv0, '/') : NULL;
	const char *method = q->method;
	char script[512], len[32];
	const char *hc;
	int rc;

	base = base != NULL ? base + 1 : argv0 != NULL ? argv0 : "prog";
	(void)snprintf(script, sizeof(script), "/%s", base);
	if (method == NULL)
		method = q->has_data || q->nforms > 0 ? "POST" : "GET";
	if (q->has_data) {
		buf_reset(&c->body);
		if (buf_append(&c->body, q->data.data, q->data.len) == -1)
			return -1;
		if (cgi_cli_getenv(c, "CONTENT_TYPE") == NULL &&
		    cgi_cli_setenv(c, "CONTENT_TYPE",
		        "application/x-www-form-urlencoded") == -1)
			return -1;
	}
	if (q->cookie.len > 0) {
		/* -H 'Cookie: x' and -C y both reach HTTP_COOKIE, as the
		 * server joins several Cookie lines (L-CK-06). */
		hc = cgi_cli_getenv(c, "HTTP_COOKIE");
		if (hc != NULL &&
		    (buf_puts(&q->cookie, "; ") == -1 ||
		        buf_puts(&q->cookie, hc) == -1))
			return -1;
		if (cgi_cli_setenv(c, "HTTP_COOKIE", buf_cstr(&q->cookie)) ==
		    -1)
			return -1;
	}
	(void)snprintf(len, sizeof(len), "%zu", c->body.len);
	rc = 0;
	rc |= cgi_cli_setenv(c, "GATEWAY_INTERFACE", "CGI/1.1");
	rc |= cgi_cli_setenv(c, "SERVER_PROTOCOL", "HTTP/1.1");
	rc |= cgi_cli_setenv(c, "SERVER_SOFTWARE", "libcgi-terminal");
	rc |= cgi_cli_setenv(c, "SERVER_NAME", "localhost");
	rc |= cgi_cli_setenv(c, "SERVER_PORT", "80");
	rc |= cgi_cli_setenv(c, "REMOTE_ADDR", "127.0.0.1");
	rc |= cgi_cli_setenv(c, "REQUEST_METHOD", method);
	rc |= cgi_cli_setenv(c, "SCRIPT_NAME", script);
	rc |= cgi_cli_setenv(c, "QUERY_STRING", buf_cstr(&q->query));
	if (q->path_info != NULL)
		rc |= cgi_cli_setenv(c, "PATH_INFO", q->path_info);
	if (c->body.len > 0 || q->has_data || q->nforms > 0)
		rc |= cgi_cli_setenv(c, "CONTENT_LENGTH", len);
	return rc == 0 ? 0 : -1;
}

int
cgi_cli_parse(struct cgi_cli *c, int argc, char **argv, char *err,
    size_t errlen)
{
	struct cli_req q;
	int i, rc = 0;

	memset(&q, 0, sizeof(q));
	err[0] = '\0';
	buf_init(&q.query, 0);
	buf_init(&q.data, 0);
	buf_init(&q.cookie, 0);
	if ((q.forms = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*q.forms))) ==
	    NULL)
		rc = -1;
	for (i = 1; rc == 0 && i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (rc == 0 && ++i < argc)
				rc = add_pair(&q.query, argv[i]);
			break;
		}
		rc = parse_one(c, &q, argc, argv, &i, err, errlen);
	}
	if (rc == 0 && q.replay != NULL) {
		if (q.query.len > 0 || q.has_data || q.nforms > 0 ||
		    q.method != NULL || q.path_info != NULL ||
		    q.cookie.len > 0 || c->nvars > 0) {
			(void)snprintf(err, errlen,
			    "--replay FILE stands alone");
			rc = -1;
		} else if ((rc = cgi_cli_load(c, q.replay)) == -1)
			(void)snprintf(err, errlen, "--replay %s: %s", q.replay,
			    errno == EINVAL ? "not a recording"
			                    : strerror(errno));
		goto out;
	}
	if (rc == 0 && q.has_data && q.nforms > 0) {
		(void)snprintf(err, errlen, "-d and -F do not mix");
		rc = -1;
	}
	if (rc == 0 && q.nforms > 0)
		rc = build_multipart(c, &q, err, errlen);
	if (rc == 0)
		rc = fill_env(c, &q, argc > 0 ? argv[0] : NULL);
out:
	if (rc == -1 && err[0] == '\0')
		(void)snprintf(err, errlen, "%s", strerror(errno));
	free(q.forms);
	buf_fini(&q.query);
	buf_fini(&q.data);
	buf_fini(&q.cookie);
	return rc;
}

static const char record_magic[] = "CGI-RECORD 1\n";

int
cgi_cli_parse_record(struct cgi_cli *c, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl, *eq;
	struct buf line;
	size_t vlen;
	int rc = -1;

	buf_init(&line, 0);
	errno = EINVAL;
	if (len < sizeof(record_magic) - 1 ||
	    memcmp(data, record_magic, sizeof(record_magic) - 1) != 0)
		goto out;
	p += sizeof(record_magic) - 1;
	while (p < end && *p != '\n') {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			goto out; /* cut short */
		buf_reset(&line);
		if (buf_append(&line, p, (size_t)(nl - p)) == -1)
			goto out;
		eq = memchr(line.data, '=', line.len);
		if (eq == NULL || eq == line.data ||
		    memchr(line.data, '\0', line.len) != NULL)
			goto out;
		line.data[eq - line.data] = '\0';
		vlen = pct_decode_inplace(line.data + (eq - line.data) + 1,
		    line.len - (size_t)(eq - line.data) - 1, PCT_STRICT);
		/* A NUL cannot live in an environment variable. */
		if (vlen == (size_t)-1 || memchr(eq + 1, '\0', vlen) != NULL)
			goto out;
		line.data[(eq - line.data) + 1 + vlen] = '\0';
		if (cgi_cli_setenv(c, line.data, eq + 1) == -1)
			goto out;
		p = nl + 1;
	}
	if (p >= end)
		goto out; /* no empty line: cut short */
	p++;
	buf_reset(&c->body);
	c->off = 0;
	rc = buf_append(&c->body, p, (size_t)(end - p));
out:
	if (rc == -1 && errno == 0)
		errno = EINVAL;
	buf_fini(&line);
	return rc;
}

int
cgi_cli_load(struct cgi_cli *c, const char *path)
{
	struct buf f;
	int rc = -1;

	buf_init(&f, CGI_CLI_FILE_MAX);
	if (read_file(path, &f) == 0)
		rc = cgi_cli_parse_record(c, f.data != NULL ? f.data : "",
		    f.len);
	buf_fini(&f);
	return rc;
}

/* Appends v with '%', controls and DEL as %XX (the recording's escape). */
static int
record_value(struct buf *b, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)v;
	char e[3] = { '%', 0, 0 };

	for (; *u != '\0'; u++) {
		if (*u >= 0x20 && *u != 0x7f && *u != '%') {
			if (buf_putc(b, *u) == -1)
				return -1;
			continue;
		}
		e[1] = hex[*u >> 4];
		e[2] = hex[*u & 15];
		if (buf_append(b, e, 3) == -1)
			return -1;
	}
	return 0;
}

int
cgi_cli_record(const char *dir, char *const *envp, const char *body, size_t len,
    unsigned long seq)
{
	struct buf b;
	char path[4096];
	const char *eq;
	ssize_t n;
	size_t i, off;
	int fd = -1, rc = -1, saved;

	buf_init(&b, 0);
	if (snprintf(path, sizeof(path), "%s/req-%lld-%ld-%lu.cgirec", dir,
	        (long long)time(NULL), (long)getpid(),
	        seq) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		goto out;
	}
	if (buf_puts(&b, record_magic) == -1)
		goto out;
	for (i = 0; envp[i] != NULL; i++) {
		if ((eq = strchr(envp[i], '=')) == NULL || eq == envp[i] ||
		    strncmp(envp[i], "CGI_RECORD=", 11) == 0)
			continue;
		if (buf_append(&b, envp[i], (size_t)(eq - envp[i]) + 1) == -1 ||
		    record_value(&b, eq + 1) == -1 || buf_putc(&b, '\n') == -1)
			goto out;
	}
	if (buf_putc(&b, '\n') == -1 || buf_append(&b, body, len) == -1)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		goto out;
	for (off = 0; off < b.len; off += (size_t)n) {
		n = write(fd, b.data + off, b.len - off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			goto out;
	}
	rc = 0;
out:
	saved = errno;
	if (fd != -1 && close(fd) == -1 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	buf_fini(&b);
	errno = saved;
	return rc;
}

static ssize_t
cli_read(void *ctx, void *p, size_t n)
{
	struct cgi_cli *c = ctx;

	if (n > c->body.len - c->off)
		n = c->body.len - c->off;
	if (n > 0)
		memcpy(p, c->body.data + c->off, n);
	c->off += n;
	return (ssize_t)n;
}

ssize_t
cgi_cli_write_stdout(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	return cgi_cli_write_fd(STDOUT_FILENO, p, n);
}

ssize_t
cgi_cli_write_fd(int fd, const void *p, size_t n)
{
	const char *s = p;
	size_t off = 0;
	ssize_t w;

	while (off < n) {
		w = write(fd, s + off, n - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return (ssize_t)n;
}

static const char *
cli_getenv(void *ctx, const char *name)
{
	return cgi_cli_getenv(ctx, name);
}

void
cgi_cli_io(struct cgi_cli *c, struct cgi_req_io *io)
{
	io->ctx = c;
	io->read = cli_read;
	io->write = cgi_cli_write_stdout;
	io->getenv = cli_getenv;
	io->flush = NULL;
	io->parsed = false;
}
