/*
 * log.h - the error log and the access log.
 *
 * Both files are opened once at startup, before privileges are dropped,
 * and their descriptors are then read-only state like the configuration
 * (STYLE Rule 10), so any module may call log_error() without a handle.
 * Every error line is one write(2) with O_APPEND and a timestamp. Access
 * lines are formatted by log_access_format() into a caller's buffer (one
 * per worker) and written in batches by log_access_flush().
 */
#ifndef SERVER_LOG_H
#define SERVER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "str.h"

/*
 * Opens the logs: error_path is a file or "-" (standard error);
 * access_path a file, "-" (standard output) or "off". Files are created
 * 0640 and appended to. Returns 0, or -1 with errno set and *what naming
 * the file that failed.
 */
int log_open(const char *error_path, const char *access_path,
    const char **what);
/* Closes the files (at exit). */
void log_close(void);
/* True if access lines are wanted. */
bool log_access_on(void);

/* "[2026-11-26T00:30:12Z] [error] message\n" in one write. */
void log_error(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));
void log_warn(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));
void log_info(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));

/* The CLF time field cached for one second (one per worker thread). A
 * zeroed struct is empty. */
struct log_clock {
	time_t sec;
	size_t len;
	char text[40];
};

/* One request, as the access log sees it. Views are borrowed. */
struct log_access {
	struct log_clock *clock; /* NULL: format the time every call */
	const char *peer;        /* client address, text */
	time_t when;             /* wall-clock second the response ended */
	struct str request;      /* the request line, raw (escaped on output) */
	int status;
	uint64_t bytes;     /* body bytes sent */
	struct str referer; /* .p == NULL: "-" */
	struct str agent;   /* .p == NULL: "-" */
	struct str extra;   /* appended after a space when .len > 0: room
	                       for CGI fields (exit status, cpu, rss) */
};

/*
 * Appends one Combined Log Format line (with "\n") to out:
 *   peer - - [26/Nov/2026:00:30:12 +0000] "GET / HTTP/1.1" 200 5 "ref" "ua"
 * Bytes outside printable ASCII, '"' and '\\' in the quoted parts are
 * written as \xNN so a request cannot forge a line. 0, or -1 (errno of buf).
 */
int log_access_format(struct buf *out, const struct log_access *a);
/* Writes out's bytes to the access log and empties out. */
void log_access_flush(struct buf *out);

#endif /* SERVER_LOG_H */
