/*
 * config.c - the option table behind the command line and the file.
 *
 * Each option is one row: its long name (also the file directive), its
 * short letter, the kind of value and where it goes. A bad value is
 * refused with one line that names the option; main() exits 2 on it.
 * Opening files, binding and checking users happen later, in main.c.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "str.h"

enum opt_kind {
	OPT_FLAG,    /* no value on the command line; yes/no in a file */
	OPT_STR,     /* replaces a string */
	OPT_STRLIST, /* appends to a list */
	OPT_UINT,    /* unsigned in [min, max] */
	OPT_SIZE,    /* bytes, with an optional k/m/g suffix */
	OPT_U64,     /* uint64_t in [min, max] */
	OPT_U64SIZE, /* uint64_t bytes, with an optional k/m/g suffix */
	OPT_MS,      /* seconds, or milliseconds with an "ms" suffix */
	OPT_CGIDIR,  /* PREFIX=DIR */
	OPT_CGIEXT,  /* EXT[=INTERP] */
	OPT_ENV,     /* NAME=VALUE */
	OPT_CONFIG,  /* -c FILE */
	OPT_HELP,    /* -h */
	OPT_VERSION, /* -V */
	OPT_DOCROOT  /* the positional argument, "docroot" in a file */
};

struct opt {
	const char *name;
	char letter;
	enum opt_kind kind;
	size_t off; /* offsetof the field in struct config */
	uint64_t min, max;
	const char *arg; /* shown by --help */
	const char *help;
};

#define OFF(f) offsetof(struct config, f)

static const struct opt opts[] = {
	{ "bind", 'b', OPT_STRLIST, OFF(binds), 0, 0, "ADDR",
	    "listen address, repeatable (default 127.0.0.1)" },
	{ "port", 'p', OPT_UINT, OFF(port), 0, 65535, "PORT",
	    "port (default 8080; 0: the kernel picks)" },
	{ "workers", 'w', OPT_UINT, OFF(workers), 1, 256, "N",
	    "event-loop threads (default: online CPUs)" },
	{ "docroot", 0, OPT_DOCROOT, OFF(docroot), 0, 0, "DIR",
	    "document root (default: the current directory)" },
	{ "access-log", 0, OPT_STR, OFF(access_log), 0, 0, "FILE|-|off",
	    "access log in Combined Log Format (default off)" },
	{ "error-log", 0, OPT_STR, OFF(error_log), 0, 0, "FILE|-",
	    "error log (default -: standard error)" },
	{ "user", 'u', OPT_STR, OFF(user), 0, 0, "USER",
	    "when started as root, drop to USER (default nobody)" },
	{ "config", 'c', OPT_CONFIG, 0, 0, 0, "FILE",
	    "read settings from FILE" },
	{ "list-dirs", 0, OPT_FLAG, OFF(list_dirs), 0, 0, NULL,
	    "list folders that have no index.html" },
	{ "max-request-line", 0, OPT_SIZE, OFF(max_request_line), 64,
	    BOUND_REQUEST_LINE_BYTES, "BYTES",
	    "longest request line (414 past it)" },
	{ "max-head", 0, OPT_SIZE, OFF(max_head), 256, BOUND_HEAD_BYTES,
	    "BYTES", "largest request head (431 past it)" },
	{ "max-fields", 0, OPT_UINT, OFF(max_fields), 1, BOUND_HEAD_FIELDS, "N",
	    "most header fields (431 past it)" },
	{ "max-body", 0, OPT_SIZE, OFF(max_body), 0, BOUND_BODY_BYTES, "BYTES",
	    "largest request body (413 past it)" },
	{ "max-conns", 0, OPT_UINT, OFF(max_conns), 1, BOUND_CONNS_MAX, "N",
	    "most open client connections" },
	{ "max-conns-per-ip", 0, OPT_UINT, OFF(max_conns_per_ip), 0,
	    BOUND_CONNS_MAX, "N",
	    "most open connections from one address (0: no cap)" },
	{ "header-timeout", 0, OPT_MS, OFF(header_timeout_ms), 1, 3600000, "S",
	    "seconds to receive a request head (408)" },
	{ "body-timeout", 0, OPT_MS, OFF(body_timeout_ms), 1, 3600000, "S",
	    "seconds a request body may stall (408)" },
	{ "keepalive-timeout", 0, OPT_MS, OFF(keepalive_timeout_ms), 1, 3600000,
	    "S", "seconds an idle connection is kept" },
	{ "write-timeout", 0, OPT_MS, OFF(write_timeout_ms), 1, 3600000, "S",
	    "seconds a response write may stall" },
	{ "shutdown-timeout", 0, OPT_MS, OFF(shutdown_timeout_ms), 1, 3600000,
	    "S", "seconds in-flight responses get on SIGTERM" },
	{ "cgi-dir", 0, OPT_CGIDIR, 0, 0, 0, "PREFIX=DIR",
	    "run files under URL PREFIX from DIR as CGI, repeatable" },
	{ "cgi-ext", 0, OPT_CGIEXT, 0, 0, 0, "EXT[=INTERP]",
	    "run files ending in EXT as CGI (via INTERP), repeatable" },
	{ "env", 0, OPT_ENV, OFF(env), 0, 0, "NAME=VALUE",
	    "set in every script's environment, repeatable" },
	{ "pass-env", 0, OPT_STRLIST, OFF(pass_env), 0, 0, "NAME",
	    "pass our own NAME to scripts, repeatable" },
	{ "pass-auth", 0, OPT_FLAG, OFF(pass_auth), 0, 0, NULL,
	    "pass the Authorization header to scripts" },
	{ "cgi-timeout", 0, OPT_MS, OFF(cgi_timeout_ms), 1, 86400000, "S",
	    "seconds a script may run in all" },
	{ "cgi-idle-timeout", 0, OPT_MS, OFF(cgi_idle_timeout_ms), 1, 86400000,
	    "S", "seconds a script may stay silent" },
	{ "max-cgi", 0, OPT_UINT, OFF(max_cgi), 1, BOUND_CGI_CHILDREN, "N",
	    "scripts running at once (503 past it)" },
	{ "cgi-rlimit-cpu", 0, OPT_U64, OFF(cgi_rlimit_cpu), 1, 86400 * 10, "S",
	    "CPU seconds a script may use (RLIMIT_CPU; default 10 x "
	    "--cgi-timeout)" },
	{ "cgi-rlimit-as", 0, OPT_U64SIZE, OFF(cgi_rlimit_as), 1 << 20,
	    1ull << 46, "BYTES",
	    "address space of a script (RLIMIT_AS; default none)" },
	{ "cgi-rlimit-nproc", 0, OPT_U64, OFF(cgi_rlimit_nproc), 1, 1000000,
	    "N",
	    "processes of the scripts' user (RLIMIT_NPROC; default none)" },
	{ "cgi-rlimit-fsize", 0, OPT_U64SIZE, OFF(cgi_rlimit_fsize), 1,
	    1ull << 46, "BYTES",
	    "largest file a script may write (RLIMIT_FSIZE; default none)" },
	{ "help", 'h', OPT_HELP, 0, 0, 0, NULL, "show this help" },
	{ "version", 'V', OPT_VERSION, 0, 0, 0, NULL, "show the version" },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

void
config_init(struct config *cf)
{
	long n;

	memset(cf, 0, sizeof(*cf));
	cf->port = CONFIG_DEFAULT_PORT;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	cf->workers = n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
	cf->max_request_line = BOUND_REQUEST_LINE_BYTES;
	cf->max_head = BOUND_HEAD_BYTES;
	cf->max_fields = BOUND_HEAD_FIELDS;
	cf->max_body = BOUND_BODY_BYTES;
	cf->max_conns = BOUND_CONNS;
	cf->max_conns_per_ip = BOUND_CONNS_PER_IP;
	cf->header_timeout_ms = 10000;
	cf->body_timeout_ms = 30000;
	cf->keepalive_timeout_ms = 15000;
	cf->write_timeout_ms = 30000;
	cf->shutdown_timeout_ms = 10000;
	cf->cgi_timeout_ms = (uint64_t)BOUND_CGI_SECONDS * 1000;
	cf->cgi_idle_timeout_ms = 30000;
	cf->max_cgi = BOUND_CGI_CHILDREN;
}

static void
free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
config_fini(struct config *cf)
{
	free_list(cf->binds, cf->nbinds);
	free(cf->docroot);
	free(cf->access_log);
	free(cf->error_log);
	free(cf->user);
	for (size_t i = 0; i < cf->ncgi_dirs; i++) {
		free(cf->cgi_dirs[i].prefix);
		free(cf->cgi_dirs[i].dir);
	}
	free(cf->cgi_dirs);
	for (size_t i = 0; i < cf->ncgi_exts; i++) {
		free(cf->cgi_exts[i].ext);
		free(cf->cgi_exts[i].interp);
	}
	free(cf->cgi_exts);
	free_list(cf->env, cf->nenv);
	free_list(cf->pass_env, cf->npass_env);
	memset(cf, 0, sizeof(*cf));
}

static int fail(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
fail(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	if (n < 0 && errlen > 0)
		errbuf[0] = '\0'; /* truncation is fine: it is a message */
	return -1;
}

static int
push_str(char ***v, size_t *n, const char *s)
{
	char **nv;
	char *d;

	if ((d = strdup(s)) == NULL)
		return -1;
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
		free(d);
		return -1;
	}
	nv[(*n)++] = d;
	*v = nv;
	return 0;
}

static int
set_str(char **field, const char *s)
{
	char *d;

	if ((d = strdup(s)) == NULL)
		return -1;
	free(*field);
	*field = d;
	return 0;
}

/* Parses bytes with an optional k, m or g suffix (powers of 1024). */
static int
parse_size(const char *s, uint64_t max, uint64_t *out)
{
	struct str v = str_from(s);
	uint64_t mult = 1, n;

	if (v.len > 1) {
		switch (v.p[v.len - 1]) {
		case 'k':
		case 'K':
			mult = 1024;
			break;
		case 'm':
		case 'M':
			mult = 1024 * 1024;
			break;
		case 'g':
		case 'G':
			mult = 1024 * 1024 * 1024;
			break;
		default:
			break;
		}
		if (mult != 1)
			v.len--;
	}
	if (str_to_u64(v, max / mult, &n) == -1)
		return -1;
	*out = n * mult;
	return 0;
}

/* Seconds ("5"), or milliseconds with an "ms" suffix ("250ms"). */
static int
parse_ms(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	struct str v = str_from(s);
	uint64_t n;

	if (v.len > 2 && strcmp(s + v.len - 2, "ms") == 0) {
		v.len -= 2;
		if (str_to_u64(v, max, &n) == -1)
			return -1;
	} else {
		if (str_to_u64(v, max / 1000, &n) == -1)
			return -1;
		n *= 1000;
	}
	if (n < min)
		return -1;
	*out = n;
	return 0;
}

static int
parse_flag(const char *s, bool *out)
{
	if (s == NULL || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0 ||
	    strcmp(s, "1") == 0) {
		*out = true;
		return 0;
	}
	if (strcmp(s, "no") == 0 || strcmp(s, "off") == 0 ||
	    strcmp(s, "0") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

static int
add_cgi_dir(struct config *cf, const char *val)
{
	const char *eq = strchr(val, '=');
	struct config_cgi_dir *v, *d;
	struct buf prefix;

	if (eq == NULL || eq == val || val[0] != '/' || eq[1] == '\0')
		return -1;
	buf_init(&prefix, PATH_MAX);
	if (buf_append(&prefix, val, (size_t)(eq - val)) == -1 ||
	    (prefix.data[prefix.len - 1] != '/' &&
	        buf_putc(&prefix, '/') == -1))
		goto fail;
	if ((v = realloc(cf->cgi_dirs, (cf->ncgi_dirs + 1) * sizeof(*v))) ==
	    NULL)
		goto fail;
	cf->cgi_dirs = v;
	d = &v[cf->ncgi_dirs];
	d->prefix = prefix.data; /* taken from the buffer */
	if ((d->dir = strdup(eq + 1)) == NULL)
		goto fail;
	cf->ncgi_dirs++;
	cf->cgi_dirs_given = true;
	return 0;
fail:
	buf_fini(&prefix);
	return -1;
}

static int
add_cgi_ext(struct config *cf, const char *val)
{
	const char *eq = strchr(val, '=');
	struct config_cgi_ext *v, *e;
	size_t extlen = eq != NULL ? (size_t)(eq - val) : strlen(val);
	struct buf ext;

	if (extlen == 0 || memchr(val, '/', extlen) != NULL ||
	    (eq != NULL && eq[1] == '\0'))
		return -1;
	buf_init(&ext, 256);
	if ((val[0] != '.' && buf_putc(&ext, '.') == -1) ||
	    buf_append(&ext, val, extlen) == -1)
		goto fail;
	if ((v = realloc(cf->cgi_exts, (cf->ncgi_exts + 1) * sizeof(*v))) ==
	    NULL)
		goto fail;
	cf->cgi_exts = v;
	e = &v[cf->ncgi_exts];
	e->ext = ext.data;
	e->interp = NULL;
	if (eq != NULL && (e->interp = strdup(eq + 1)) == NULL)
		goto fail;
	cf->ncgi_exts++;
	return 0;
fail:
	buf_fini(&ext);
	return -1;
}

/* A numeric IPv4 or IPv6 address (brackets optional), or "localhost". */
static bool
valid_addr(const char *val)
{
	unsigned char tmp[sizeof(struct in6_addr)];
	char host[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(val);

	if (strcmp(val, "localhost") == 0)
		return true;
	if (n >= sizeof(host))
		return false;
	if (val[0] == '[' && n > 2 && val[n - 1] == ']') {
		memcpy(host, val + 1, n - 2);
		host[n - 2] = '\0';
		return inet_pton(AF_INET6, host, tmp) == 1;
	}
	return inet_pton(AF_INET, val, tmp) == 1 ||
	    inet_pton(AF_INET6, val, tmp) == 1;
}

static bool
valid_env(const char *val)
{
	const char *eq = strchr(val, '=');

	if (eq == NULL || eq == val)
		return false;
	for (const char *p = val; p < eq; p++) {
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= 'a' && *p <= 'z') ||
		        (p > val && *p >= '0' && *p <= '9')))
			return false;
	}
	return true;
}

/* Applies one option; val is NULL only for a flag. -1: errbuf is set. */
static int
apply(struct config *cf, const struct opt *o, const char *val, int depth,
    char *errbuf, size_t errlen)
{
	char *base = (char *)cf;
	uint64_t n;
	bool b;
	int rc = 0;

	switch (o->kind) {
	case OPT_FLAG:
		if (parse_flag(val, &b) == -1)
			goto bad;
		*(bool *)(void *)(base + o->off) = b;
		return 0;
	case OPT_STR:
		if (val[0] == '\0')
			goto bad;
		rc = set_str((char **)(void *)(base + o->off), val);
		break;
	case OPT_DOCROOT:
		if (val[0] == '\0')
			goto bad;
		rc = set_str(&cf->docroot, val);
		break;
	case OPT_STRLIST:
		if (val[0] == '\0')
			goto bad;
		if (o->off == OFF(binds)) {
			if (!valid_addr(val))
				goto bad;
			rc = push_str(&cf->binds, &cf->nbinds, val);
		} else {
			rc = push_str(&cf->pass_env, &cf->npass_env, val);
		}
		break;
	case OPT_ENV:
		if (!valid_env(val))
			goto bad;
		rc = push_str(&cf->env, &cf->nenv, val);
		break;
	case OPT_UINT:
		if (str_to_u64(str_from(val), o->max, &n) == -1 || n < o->min)
			goto bad;
		*(unsigned *)(void *)(base + o->off) = (unsigned)n;
		return 0;
	case OPT_SIZE:
		if (parse_size(val, o->max, &n) == -1 || n < o->min)
			goto bad;
		if (o->off == OFF(max_body))
			cf->max_body = n;
		else
			*(size_t *)(void *)(base + o->off) = (size_t)n;
		return 0;
	case OPT_U64:
	case OPT_U64SIZE:
		if ((o->kind == OPT_U64 ? str_to_u64(str_from(val), o->max, &n)
		                        : parse_size(val, o->max, &n)) == -1 ||
		    n < o->min)
			goto bad;
		*(uint64_t *)(void *)(base + o->off) = n;
		return 0;
	case OPT_MS:
		if (parse_ms(val, o->min, o->max, &n) == -1)
			goto bad;
		*(uint64_t *)(void *)(base + o->off) = n;
		return 0;
	case OPT_CGIDIR:
		if (add_cgi_dir(cf, val) == -1)
			goto bad;
		return 0;
	case OPT_CGIEXT:
		if (add_cgi_ext(cf, val) == -1)
			goto bad;
		return 0;
	case OPT_CONFIG:
		if (depth > 0)
			return fail(errbuf, errlen,
			    "config: a configuration file cannot include "
			    "another");
		return config_file(cf, val, errbuf, errlen);
	case OPT_HELP:
	case OPT_VERSION:
		return 0;
	}
	if (rc == -1)
		return fail(errbuf, errlen, "--%s: %s", o->name,
		    strerror(errno));
	return 0;
bad:
	if (o->kind == OPT_UINT || o->kind == OPT_SIZE || o->kind == OPT_U64 ||
	    o->kind == OPT_U64SIZE || o->kind == OPT_MS)
		return fail(errbuf, errlen,
		    "--%s: invalid value '%.64s' (%llu..%llu%s)", o->name,
		    val != NULL ? val : "", (unsigned long long)o->min,
		    (unsigned long long)(o->kind == OPT_MS ? o->max / 1000
		                                           : o->max),
		    o->kind == OPT_MS ? " seconds" : "");
	return fail(errbuf, errlen, "--%s: invalid value '%.64s'", o->name,
	    val != NULL ? val : "");
}

static const struct opt *
find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTS; i++) {
		if (strlen(opts[i].name) == len &&
		    memcmp(opts[i].name, name, len) == 0)
			return &opts[i];
	}
	return NULL;
}

static const struct opt *
find_short(char letter)
{
	for (size_t i = 0; i < NOPTS; i++) {
		if (opts[i].letter == letter)
			return &opts[i];
	}
	return NULL;
}

static bool
takes_value(const struct opt *o)
{
	return o->kind != OPT_FLAG && o->kind != OPT_HELP &&
	    o->kind != OPT_VERSION;
}

/* Strips a comment and surrounding blanks; splits "name value". */
static int
file_line(struct config *cf, char *line, const char *path, unsigned long lineno,
    char *errbuf, size_t errlen)
{
	char *p, *name, *val, *end;
	const struct opt *o;
	size_t nlen;
	char inner[256];

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	name = line + strspn(line, " \t\r\n");
	end = name + strlen(name);
	while (end > name && strchr(" \t\r\n", end[-1]) != NULL)
		*--end = '\0';
	if (*name == '\0')
		return 0;
	nlen = strcspn(name, " \t");
	val = name + nlen;
	val += strspn(val, " \t");
	o = find_long(name, nlen);
	if (o == NULL || o->kind == OPT_HELP || o->kind == OPT_VERSION)
		return fail(errbuf, errlen, "%s:%lu: unknown directive '%.*s'",
		    path, lineno, (int)(nlen > 64 ? 64 : nlen), name);
	if (*val == '\0' && takes_value(o))
		return fail(errbuf, errlen, "%s:%lu: --%s: a value is needed",
		    path, lineno, o->name);
	if (apply(cf, o, *val == '\0' ? NULL : val, 1, inner, sizeof(inner)) ==
	    -1)
		return fail(errbuf, errlen, "%s:%lu: %s", path, lineno, inner);
	return 0;
}

int
config_file(struct config *cf, const char *path, char *errbuf, size_t errlen)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	int rc = 0;

	if ((fp = fopen(path, "re")) == NULL)
		return fail(errbuf, errlen, "--config: %s: %s", path,
		    strerror(errno));
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		lineno++;
		rc = file_line(cf, line, path, lineno, errbuf, errlen);
	}
	if (rc == 0 && ferror(fp))
		rc = fail(errbuf, errlen, "--config: %s: read error", path);
	free(line);
	(void)fclose(fp);
	return rc;
}

/* Makes the docroot absolute and adds the default CGI folder. */
static int
config_finish(struct config *cf, char *errbuf, size_t errlen)
{
	char *abs;
	struct stat st;
	struct buf p;

	if (cf->nbinds == 0 &&
	    push_str(&cf->binds, &cf->nbinds, "127.0.0.1") == -1)
		return fail(errbuf, errlen, "config: %s", strerror(errno));
	if (cf->error_log == NULL && set_str(&cf->error_log, "-") == -1)
		return fail(errbuf, errlen, "config: %s", strerror(errno));
	if (cf->access_log == NULL && set_str(&cf->access_log, "off") == -1)
		return fail(errbuf, errlen, "config: %s", strerror(errno));
	if (cf->user == NULL && set_str(&cf->user, "nobody") == -1)
		return fail(errbuf, errlen, "config: %s", strerror(errno));
	if ((abs = realpath(cf->docroot != NULL ? cf->docroot : ".", NULL)) ==
	    NULL)
		return fail(errbuf, errlen, "docroot: %.200s: %s",
		    cf->docroot != NULL ? cf->docroot : ".", strerror(errno));
	free(cf->docroot);
	cf->docroot = abs;
	if (stat(abs, &st) == -1 || !S_ISDIR(st.st_mode))
		return fail(errbuf, errlen, "docroot: %.200s: not a folder",
		    abs);
	for (size_t i = 0; i < cf->ncgi_dirs; i++) {
		struct config_cgi_dir *d = &cf->cgi_dirs[i];

		if (d->dir[0] != '/') {
			buf_init(&p, PATH_MAX);
			if (buf_printf(&p, "%s/%s", cf->docroot, d->dir) ==
			    -1) {
				buf_fini(&p);
				return fail(errbuf, errlen, "--cgi-dir: %s",
				    strerror(errno));
			}
			free(d->dir);
			d->dir = p.data;
		}
		/* Canonical, so route.c can tell a CGI folder inside the
		 * docroot by its name (a missing folder stays as given). */
		if ((abs = realpath(d->dir, NULL)) != NULL) {
			free(d->dir);
			d->dir = abs;
		}
	}
	if (!cf->cgi_dirs_given) {
		buf_init(&p, PATH_MAX);
		if (buf_printf(&p, "/cgi-bin/=%s/cgi-bin", cf->docroot) == -1 ||
		    (stat(p.data + 10, &st) == 0 && S_ISDIR(st.st_mode) &&
		        add_cgi_dir(cf, p.data) == -1)) {
			buf_fini(&p);
			return fail(errbuf, errlen, "--cgi-dir: %s",
			    strerror(errno));
		}
		buf_fini(&p);
		cf->cgi_dirs_given = false;
	}
	return 0;
}

enum config_action
config_args(struct config *cf, int argc, char **argv, char *errbuf,
    size_t errlen)
{
	enum config_action act = CONFIG_RUN;
	const struct opt *o;
	const char *arg, *val, *eq;
	bool only_args = false, seen_docroot = false;
	int i;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		val = NULL;
		if (only_args || arg[0] != '-' || arg[1] == '\0') {
			if (seen_docroot)
				goto extra;
			seen_docroot = true;
			if (apply(cf, find_long("docroot", 7), arg, 0, errbuf,
			        errlen) == -1)
				return CONFIG_ERROR;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_args = true;
			continue;
		}
		if (arg[1] == '-') {
			eq = strchr(arg + 2, '=');
			o = find_long(arg + 2,
			    eq != NULL ? (size_t)(eq - arg - 2)
			               : strlen(arg + 2));
			if (o == NULL || o->kind == OPT_DOCROOT)
				goto unknown;
			if (eq != NULL) {
				if (!takes_value(o))
					goto noval;
				val = eq + 1;
			}
		} else {
			if (arg[2] != '\0' || (o = find_short(arg[1])) == NULL)
				goto unknown;
		}
		if (val == NULL && takes_value(o)) {
			if (i + 1 >= argc) {
				fail(errbuf, errlen, "--%s: a value is needed",
				    o->name);
				return CONFIG_ERROR;
			}
			val = argv[++i];
		}
		if (o->kind == OPT_HELP)
			act = CONFIG_HELP;
		else if (o->kind == OPT_VERSION && act == CONFIG_RUN)
			act = CONFIG_VERSION;
		if (apply(cf, o, val, 0, errbuf, errlen) == -1)
			return CONFIG_ERROR;
	}
	if (act != CONFIG_RUN)
		return act;
	if (config_finish(cf, errbuf, errlen) == -1)
		return CONFIG_ERROR;
	return CONFIG_RUN;
unknown:
	fail(errbuf, errlen, "%.64s: unknown option (see --help)", arg);
	return CONFIG_ERROR;
noval:
	fail(errbuf, errlen, "--%s: takes no value", o->name);
	return CONFIG_ERROR;
extra:
	fail(errbuf, errlen, "%.64s: only one DOCROOT may be given", arg);
	return CONFIG_ERROR;
}

void
config_usage(void)
{
	char left[64];
	int n;

	printf("usage: cgihttpd [options] [DOCROOT]\n");
	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt *o = &opts[i];

		if (o->kind == OPT_DOCROOT)
			continue;
		n = snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
		    o->letter ? "-" : "", o->letter ? o->letter : ' ',
		    o->letter ? ", " : "  ", o->name, o->arg ? " " : "",
		    o->arg ? o->arg : "");
		if (n < 0 || (size_t)n >= sizeof(left))
			continue; /* cannot happen with the table above */
		printf("  %-30s %s\n", o->letter ? left : left + 1, o->help);
	}
	printf("Every long option is also a configuration file directive: "
	       "\"name value\".\n");
}
