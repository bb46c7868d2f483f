/*
 * log.c - error and access logs (see log.h for the contract).
 *
 * The two descriptors are written once, by log_open() before any worker
 * thread starts, and only read afterwards. Times are UTC, so formatting
 * needs no time-zone state shared between threads.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_err_fd = STDERR_FILENO;
static int log_acc_fd = -1;

static int
open_append(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

int
log_open(const char *error_path, const char *access_path, const char **what)
{
	int fd;

	if (strcmp(error_path, "-") != 0) {
		if ((fd = open_append(error_path)) == -1) {
			*what = error_path;
			return -1;
		}
		log_err_fd = fd;
	}
	if (strcmp(access_path, "off") == 0)
		log_acc_fd = -1;
	else if (strcmp(access_path, "-") == 0)
		log_acc_fd = STDOUT_FILENO;
	else if ((log_acc_fd = open_append(access_path)) == -1) {
		*what = access_path;
		return -1;
	}
	return 0;
}

void
log_close(void)
{
	if (log_err_fd > STDERR_FILENO)
		(void)close(log_err_fd);
	if (log_acc_fd > STDERR_FILENO)
		(void)close(log_acc_fd);
	log_err_fd = STDERR_FILENO;
	log_acc_fd = -1;
}

bool
log_access_on(void)
{
	return log_acc_fd != -1;
}

static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere left to report it */
		p += w;
		n -= (size_t)w;
	}
}

static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	struct tm tm;
	time_t now = time(NULL);
	size_t len;
	int n;

	if (gmtime_r(&now, &tm) == NULL)
		return;
	len = strftime(line, sizeof(line), "[%Y-%m-%dT%H:%M:%SZ] ", &tm);
	n = snprintf(line + len, sizeof(line) - len, "[%s] ", level);
	if (n < 0 || (size_t)n >= sizeof(line) - len)
		return;
	len += (size_t)n;
	n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - len)
		len = sizeof(line) - 2; /* truncated, still one line */
	else
		len += (size_t)n;
	/* One line per message: a newline inside becomes a space. */
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	}
	line[len++] = '\n';
	write_all(log_err_fd, line, len);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warn", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

/* Appends s quoted, escaping what could break or forge the line. */
static int
put_quoted(struct buf *out, struct str s)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', 0, 0 };
	size_t i, run;

	if (s.p == NULL)
		return buf_append(out, "\"-\"", 3);
	if (buf_putc(out, '"') == -1)
		return -1;
	for (i = 0; i < s.len; i += run) {
		unsigned char ch = (unsigned char)s.p[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			run = 1;
			while (i + run < s.len) {
				ch = (unsigned char)s.p[i + run];
				if (ch < 0x20 || ch >= 0x7f || ch == '"' ||
				    ch == '\\')
					break;
				run++;
			}
			if (buf_append(out, s.p + i, run) == -1)
				return -1;
			continue;
		}
		run = 1;
		esc[2] = hex[ch >> 4];
		esc[3] = hex[ch & 15];
		if (buf_append(out, esc, 4) == -1)
			return -1;
	}
	return buf_putc(out, '"');
}

/* "[06/Nov/1994:08:49:37 +0000]" for t into clk (formatted once a second:
 * gmtime_r and strftime cost more than the rest of the line). */
static int
clf_time(struct log_clock *clk, time_t t)
{
	struct tm tm;

	if (clk->len > 0 && clk->sec == t)
		return 0;
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	clk->len = strftime(clk->text, sizeof(clk->text),
	    "[%d/%b/%Y:%H:%M:%S +0000]", &tm);
	clk->sec = t;
	return clk->len == 0 ? -1 : 0;
}

static int
put_u64(struct buf *out, uint64_t n)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	return buf_append(out, tmp + i, sizeof(tmp) - i);
}

int
log_access_format(struct buf *out, const struct log_access *a)
{
	struct log_clock local = { 0, 0, { 0 } };
	struct log_clock *clk = a->clock != NULL ? a->clock : &local;

	if (clf_time(clk, a->when) == -1)
		return -1;
	if (buf_puts(out, a->peer) == -1 || buf_append(out, " - - ", 5) == -1 ||
	    buf_append(out, clk->text, clk->len) == -1 ||
	    buf_putc(out, ' ') == -1 || put_quoted(out, a->request) == -1 ||
	    buf_putc(out, ' ') == -1 ||
	    put_u64(out, (uint64_t)a->status) == -1 || buf_putc(out, ' ') == -1)
		return -1;
	if ((a->bytes > 0 ? put_u64(out, a->bytes) : buf_putc(out, '-')) == -1)
		return -1;
	if (buf_putc(out, ' ') == -1 || put_quoted(out, a->referer) == -1 ||
	    buf_putc(out, ' ') == -1 || put_quoted(out, a->agent) == -1)
		return -1;
	if (a->extra.len > 0 &&
	    (buf_putc(out, ' ') == -1 ||
	        buf_append(out, a->extra.p, a->extra.len) == -1))
		return -1;
	return buf_putc(out, '\n');
}

void
log_access_flush(struct buf *out)
{
	if (out->len > 0 && log_acc_fd != -1)
		write_all(log_acc_fd, out->data, out->len);
	buf_reset(out);
}
