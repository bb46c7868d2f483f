/*
 * config.h - cgihttpd's settings: command line and configuration file.
 *
 * Both sources feed one table of options (config.c), so every long option
 * is also a file directive with the same name and the same checks. The
 * result is built once at startup and read-only afterwards (STYLE Rule 10);
 * the rest of the server reaches it through const struct config *.
 */
#ifndef SERVER_CONFIG_H
#define SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PORT 8080

struct config_cgi_dir {
	char *prefix; /* URL prefix, always starting and ending with '/' */
	char *dir;    /* directory it maps to (absolute after config_finish) */
};

struct config_cgi_ext {
	char *ext;    /* ".php": the file name suffix, with its dot */
	char *interp; /* interpreter path, or NULL to execute the file */
};

struct config {
	char **binds; /* -b: addresses to listen on (default 127.0.0.1) */
	size_t nbinds;
	unsigned port; /* 0: the kernel picks */
	unsigned workers;
	char *docroot;    /* absolute after config_finish() */
	char *access_log; /* path, "-" (stdout) or "off" */
	char *error_log;  /* path or "-" (stderr) */
	char *user;       /* the user to drop to when started as root */
	bool list_dirs;

	/* Bounds on requests (bounds.h has the defaults and the reasons). */
	size_t max_request_line;
	size_t max_head;
	size_t max_fields;
	uint64_t max_body;
	unsigned max_conns;
	unsigned max_conns_per_ip; /* 0: no per-address cap */

	/* Timeouts, in milliseconds. */
	uint64_t header_timeout_ms;
	uint64_t body_timeout_ms;
	uint64_t keepalive_timeout_ms;
	uint64_t write_timeout_ms;
	uint64_t shutdown_timeout_ms;

	/* CGI settings, used by the CGI handler (server/cgi*.c). */
	struct config_cgi_dir *cgi_dirs;
	size_t ncgi_dirs;
	bool cgi_dirs_given; /* false: the default /cgi-bin/ applies */
	struct config_cgi_ext *cgi_exts;
	size_t ncgi_exts;
	char **env; /* "NAME=VALUE" strings from --env */
	size_t nenv;
	char **pass_env; /* names from --pass-env */
	size_t npass_env;
	bool pass_auth;
	uint64_t cgi_timeout_ms;
	uint64_t cgi_idle_timeout_ms;
	unsigned max_cgi;
	/* Resource limits for scripts (setrlimit in the child); 0: unset. */
	uint64_t cgi_rlimit_cpu;   /* seconds; 0: 10 x cgi_timeout */
	uint64_t cgi_rlimit_as;    /* bytes */
	uint64_t cgi_rlimit_nproc; /* processes */
	uint64_t cgi_rlimit_fsize; /* bytes */
};

/* What config_args() asks the caller to do next. */
enum config_action {
	CONFIG_RUN,     /* start the server */
	CONFIG_HELP,    /* print config_usage() and exit 0 */
	CONFIG_VERSION, /* print the version and exit 0 */
	CONFIG_ERROR    /* errbuf holds one line naming the option: exit 2 */
};

/* Fills cf with the defaults. Free it with config_fini(). */
void config_init(struct config *cf);
/* Releases everything cf owns; cf is then zeroed. */
void config_fini(struct config *cf);

/*
 * Applies the command line (argv[1..argc)), reading -c files where they
 * appear, then completes the settings (config_finish). On CONFIG_ERROR,
 * errbuf (errlen bytes) holds one line such as
 * "--port: invalid value 'x' (0..65535)", without a newline.
 */
enum config_action config_args(struct config *cf, int argc, char **argv,
    char *errbuf, size_t errlen);

/*
 * Reads a configuration file: one "name value" per line, names are the
 * long options without dashes, '#' starts a comment. 0, or -1 with a
 * message in errbuf naming the file, the line and the directive.
 */
int config_file(struct config *cf, const char *path, char *errbuf,
    size_t errlen);

/* Writes the --help text to stdout. */
void config_usage(void);

#endif /* SERVER_CONFIG_H */
