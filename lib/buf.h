/*
 * buf.h - the one growable, bounded byte buffer (STYLE Rule 8).
 *
 * Shared by libcgi and cgihttpd. Appends past max fail with ENOBUFS, a
 * failed allocation with ENOMEM; size arithmetic is overflow-checked. The
 * bytes are always NUL-terminated once anything was appended.
 */
#ifndef LIB_BUF_H
#define LIB_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NULL until the first append */
	size_t len; /* bytes in use, not counting the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* appends that would pass this fail (ENOBUFS) */
};

/* Empty buffer that will never hold more than max bytes (0: SIZE_MAX/2). */
void buf_init(struct buf *b, size_t max);
/* Make room for n more bytes. 0, or -1 with errno ENOBUFS/ENOMEM. */
int buf_reserve(struct buf *b, size_t n);
/* Append n bytes from p (borrowed). 0, or -1 with errno. */
int buf_append(struct buf *b, const void *p, size_t n);
/* Append a NUL-terminated string. 0, or -1 with errno. */
int buf_puts(struct buf *b, const char *s);
/* Append one byte. 0, or -1 with errno. */
int buf_putc(struct buf *b, int ch);
/* Append formatted text. 0, or -1 with errno. */
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 2, 0)));
/* Drop n bytes from the front (all of them if n >= len). */
void buf_consume(struct buf *b, size_t n);
/* Forget the contents, keep the allocation. */
void buf_reset(struct buf *b);
/* A view of the bytes: "" while empty; valid until the next change. */
const char *buf_cstr(const struct buf *b);
/* Release the memory; the buffer is empty (and reusable) afterwards. */
void buf_fini(struct buf *b);

#endif /* LIB_BUF_H */
