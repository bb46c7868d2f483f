/*
 * cgi_escape.c - HTML, JSON and URL escaping over one UTF-8 decoder, and
 * the public cgi_html_escape / cgi_url_encode.
 *
 * Escaping happens once, at output time (L-HTML-06); the rules per context
 * are in cgi_escape.h and DESIGN §4.
 */
#include "cgi_escape.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

static const char hexdig[] = "0123456789ABCDEF";
static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

size_t
cgi_escape_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 1;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 2;
		c = s[0] & 0x0F;
		if (s[0] == 0xE0)
			lo = 0xA0; /* overlong */
		else if (s[0] == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 3;
		c = s[0] & 0x07;
		if (s[0] == 0xF0)
			lo = 0x90; /* overlong */
		else if (s[0] == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*cp = 0xFFFD; /* C0, C1, F5..FF or a stray continuation */
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = 0xFFFD; /* the maximal subpart s[0..i) */
			return i;
		}
		c = (c << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = c;
	return need + 1;
}

int
cgi_escape_html(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, used;
	const char *rep;
	uint32_t cp;

	while (i < n) {
		rep = NULL;
		used = 1;
		switch (u[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\0':
			rep = ""; /* L-HTML-05: NUL removed */
			break;
		default:
			if (u[i] < 0x80)
				break;
			used = cgi_escape_utf8(u + i, n - i, &cp);
			if (cp == 0xFFFD &&
			    !(used == 3 && u[i] == 0xEF && u[i + 1] == 0xBF &&
			        u[i + 2] == 0xBD))
				rep = replacement;
		}
		if (rep == NULL) {
			i += used;
			continue;
		}
		if (buf_append(out, s + start, i - start) == -1 ||
		    buf_puts(out, rep) == -1)
			return -1;
		i += used;
		start = i;
	}
	return buf_append(out, s + start, n - start);
}

static int
json_u(struct buf *out, unsigned v)
{
	char e[6] = { '\\', 'u', hexdig[(v >> 12) & 15], hexdig[(v >> 8) & 15],
		hexdig[(v >> 4) & 15], hexdig[v & 15] };

	return buf_append(out, e, sizeof(e));
}

int
cgi_escape_json(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, used;
	const char *rep;
	uint32_t cp;
	int uesc;

	while (i < n) {
		rep = NULL;
		uesc = -1;
		used = 1;
		if (u[i] == '"')
			rep = "\\\"";
		else if (u[i] == '\\')
			rep = "\\\\";
		else if (u[i] == '\n')
			rep = "\\n";
		else if (u[i] == '\r')
			rep = "\\r";
		else if (u[i] == '\t')
			rep = "\\t";
		else if (u[i] == '\b')
			rep = "\\b";
		else if (u[i] == '\f')
			rep = "\\f";
		else if (u[i] < 0x20 || u[i] == '<' || u[i] == '>' ||
		    u[i] == '&')
			uesc = u[i]; /* RFC 8259 7; <>& for <script> */
		else if (u[i] >= 0x80) {
			used = cgi_escape_utf8(u + i, n - i, &cp);
			if (cp == 0x2028 || cp == 0x2029)
				uesc = (int)cp; /* line breaks to JavaScript */
			else if (cp == 0xFFFD &&
			    !(used == 3 && u[i] == 0xEF && u[i + 1] == 0xBF &&
			        u[i + 2] == 0xBD))
				rep = replacement;
		}
		if (rep == NULL && uesc < 0) {
			i += used;
			continue;
		}
		if (buf_append(out, s + start, i - start) == -1)
			return -1;
		if (rep != NULL ? buf_puts(out, rep)
		                : json_u(out, (unsigned)uesc))
			return -1;
		i += used;
		start = i;
	}
	return buf_append(out, s + start, n - start);
}

int
cgi_escape_url(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char e[3];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((u[i] >= 'a' && u[i] <= 'z') ||
		    (u[i] >= 'A' && u[i] <= 'Z') ||
		    (u[i] >= '0' && u[i] <= '9') || u[i] == '*' ||
		    u[i] == '-' || u[i] == '.' || u[i] == '_')
			rc = buf_putc(out, u[i]);
		else if (u[i] == ' ')
			rc = buf_putc(out, '+');
		else {
			e[0] = '%';
			e[1] = hexdig[u[i] >> 4];
			e[2] = hexdig[u[i] & 15];
			rc = buf_append(out, e, 3);
		}
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* Runs esc over s into a new malloc'd string the caller owns. */
static char *
escape_dup(const char *s, int (*esc)(struct buf *, const char *, size_t))
{
	struct buf b;

	if (s == NULL) {
		errno = EINVAL;
		return NULL;
	}
	buf_init(&b, 0);
	if (esc(&b, s, strlen(s)) == -1 || buf_putc(&b, '\0') == -1) {
		buf_fini(&b);
		errno = ENOMEM;
		return NULL;
	}
	return b.data; /* ownership passes to the caller */
}

CGI_API char *
cgi_html_escape(const char *s)
{
	return escape_dup(s, cgi_escape_html);
}

CGI_API char *
cgi_url_encode(const char *s)
{
	return escape_dup(s, cgi_escape_url);
}

CGI_API bool
cgi_url_is_safe(const char *url)
{
	static const char *const allowed[] = { "http", "https", "mailto" };
	const unsigned char *u = (const unsigned char *)url;
	char scheme[16];
	size_t n = 0, i;

	if (url == NULL)
		return false;
	/* WHATWG URL: leading C0 controls and spaces are stripped, and tab
	 * and newlines are removed anywhere ("java\tscript:" is javascript:).
	 */
	while (*u != '\0' && *u <= 0x20)
		u++;
	for (; *u != '\0'; u++) {
		if (*u == '\t' || *u == '\n' || *u == '\r')
			continue;
		if (*u == ':')
			break;
		if (*u == '/' || *u == '?' || *u == '#')
			return true; /* no scheme: a relative URL */
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
		        (n > 0 &&
		            ((*u >= '0' && *u <= '9') || *u == '+' ||
		                *u == '-' || *u == '.'))))
			return true; /* not a scheme character: relative */
		if (n + 1 >= sizeof(scheme))
			return false; /* longer than any allowed scheme */
		scheme[n++] = (char)(*u | 0x20);
	}
	if (*u == '\0')
		return true; /* no ':' at all */
	scheme[n] = '\0';
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(scheme, allowed[i]) == 0)
			return true;
	return false;
}

/* One printf conversion, parsed; '*' widths already resolved. */
struct conv {
	char spec[48]; /* "%" flags width .prec length conv, NUL-terminated */
	char len[3];   /* "", "hh", "h", "l", "ll", "L", "j", "z", "t" */
	char conv;
	int width; /* -1: none */
	int prec;  /* -1: none */
	bool left; /* '-' flag */
};

/* Completes c->spec after its n flag bytes: width, precision, length
 * and conversion, with any '*' already resolved to digits. */
static int
conv_spec(struct conv *c, size_t n)
{
	size_t room = sizeof(c->spec) - n, l = strlen(c->len);
	int w;

	w = c->width > 0 ? snprintf(c->spec + n, room, "%d", c->width) : 0;
	if (w < 0 || (size_t)w >= room)
		return -1;
	n += (size_t)w;
	room -= (size_t)w;
	w = c->prec >= 0 ? snprintf(c->spec + n, room, ".%d", c->prec) : 0;
	if (w < 0 || (size_t)w >= room)
		return -1;
	n += (size_t)w;
	if (n + l + 2 > sizeof(c->spec))
		return -1;
	memcpy(c->spec + n, c->len, l);
	n += l;
	c->spec[n++] = c->conv;
	c->spec[n] = '\0';
	return 0;
}

/* Parses the conversion at *fmt (just past '%'); consumes '*' arguments. */
static int
conv_parse(const char **fmt, va_list *ap, struct conv *c)
{
	const char *p = *fmt;
	size_t n = 1;
	int v, w;

	memset(c, 0, sizeof(*c));
	c->spec[0] = '%';
	c->width = c->prec = -1;
	for (; *p != '\0' && strchr("-+ #0", *p) != NULL; p++) {
		c->left |= *p == '-';
		if (n + 1 >= sizeof(c->spec))
			return -1;
		c->spec[n++] = *p;
	}
	for (w = 0; w < 2; w++) { /* width, then precision */
		if (w == 1) {
			if (*p != '.')
				break;
			p++;
			c->prec = 0;
		}
		if (*p == '*') {
			v = va_arg(*ap, int);
			p++;
		} else {
			for (v = 0; *p >= '0' && *p <= '9' && v < 100000; p++)
				v = v * 10 + (*p - '0');
			if (*p >= '0' && *p <= '9')
				return -1;
			if (w == 0 && v == 0)
				v = -1; /* no width given */
		}
		if (w == 0 && v < -1) { /* a negative '*' width means '-' */
			c->left = true;
			v = v == INT_MIN ? -1 : -v;
			if (n + 1 >= sizeof(c->spec))
				return -1;
			c->spec[n++] = '-';
		}
		if (w == 1 && v < 0)
			c->prec = -1; /* a negative precision is none */
		else if (w == 1)
			c->prec = v;
		else
			c->width = v;
	}
	for (w = 0; w < 2 && *p != '\0' && strchr("hlLjzt", *p) != NULL; w++)
		c->len[w] = *p++;
	if (*p == '\0' || (c->len[1] != '\0' && c->len[1] != c->len[0]) ||
	    (c->len[1] != '\0' && c->len[0] != 'h' && c->len[0] != 'l'))
		return -1; /* only hh and ll are two letters long */
	c->conv = *p++;
	if (conv_spec(c, n) == -1)
		return -1;
	*fmt = p;
	return 0;
}

/* %s and %c: the text escaped, padded to the width with spaces. */
static int
conv_text(struct buf *out, const struct conv *c, const char *s, size_t n)
{
	size_t pad =
	    c->width > 0 && (size_t)c->width > n ? (size_t)c->width - n : 0;
	size_t i;

	for (i = 0; !c->left && i < pad; i++)
		if (buf_putc(out, ' ') == -1)
			return -1;
	if (cgi_escape_html(out, s, n) == -1)
		return -1;
	for (i = 0; c->left && i < pad; i++)
		if (buf_putc(out, ' ') == -1)
			return -1;
	return 0;
}

/*
 * The format string is the program's and the numbers cannot carry markup,
 * so each non-text conversion goes to printf as parsed; only the argument
 * type is chosen here, from the length modifier.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int
conv_number(struct buf *out, const struct conv *c, va_list *ap)
{
	const char *l = c->len;

	switch (c->conv) {
	case 'd':
	case 'i':
		if (strcmp(l, "ll") == 0)
			return buf_printf(out, c->spec, va_arg(*ap, long long));
		if (strcmp(l, "l") == 0)
			return buf_printf(out, c->spec, va_arg(*ap, long));
		if (strcmp(l, "j") == 0)
			return buf_printf(out, c->spec, va_arg(*ap, intmax_t));
		if (strcmp(l, "z") == 0)
			return buf_printf(out, c->spec, va_arg(*ap, ssize_t));
		if (strcmp(l, "t") == 0)
			return buf_printf(out, c->spec, va_arg(*ap, ptrdiff_t));
		if (strcmp(l, "L") == 0)
			return -1;
		return buf_printf(out, c->spec, va_arg(*ap, int));
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		if (strcmp(l, "ll") == 0)
			return buf_printf(out, c->spec,
			    va_arg(*ap, unsigned long long));
		if (strcmp(l, "l") == 0)
			return buf_printf(out, c->spec,
			    va_arg(*ap, unsigned long));
		if (strcmp(l, "j") == 0)
			return buf_printf(out, c->spec, va_arg(*ap, uintmax_t));
		if (strcmp(l, "z") == 0)
			return buf_printf(out, c->spec, va_arg(*ap, size_t));
		if (strcmp(l, "t") == 0)
			return buf_printf(out, c->spec, va_arg(*ap, ptrdiff_t));
		if (strcmp(l, "L") == 0)
			return -1;
		return buf_printf(out, c->spec, va_arg(*ap, unsigned));
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		if (strcmp(l, "L") == 0)
			return buf_printf(out, c->spec,
			    va_arg(*ap, long double));
		if (*l != '\0' && strcmp(l, "l") != 0)
			return -1;
		return buf_printf(out, c->spec, va_arg(*ap, double));
	case 'p':
		if (*l != '\0')
			return -1;
		return buf_printf(out, c->spec, va_arg(*ap, void *));
	default:
		return -1; /* %n, %ls, %m, unknown: refused */
	}
}
#pragma GCC diagnostic pop

/* Formats fmt with escaped text arguments into out; -1 on a bad format
 * (errno EINVAL) or no memory. */
static int
html_format(struct buf *out, const char *fmt, va_list *ap)
{
	struct conv c;
	const char *s, *pct;
	char ch;
	size_t n;

	while (*fmt != '\0') {
		if ((pct = strchr(fmt, '%')) == NULL)
			return buf_puts(out, fmt);
		if (buf_append(out, fmt, (size_t)(pct - fmt)) == -1)
			return -1;
		fmt = pct + 1;
		if (*fmt == '%') {
			fmt++;
			if (buf_putc(out, '%') == -1)
				return -1;
			continue;
		}
		if (conv_parse(&fmt, ap, &c) == -1)
			goto inval;
		if (c.conv == 's' && c.len[0] == '\0') {
			s = va_arg(*ap, const char *);
			if (s == NULL)
				s = "(null)";
			n = c.prec >= 0 ? strnlen(s, (size_t)c.prec)
			                : strlen(s);
			if (conv_text(out, &c, s, n) == -1)
				return -1;
		} else if (c.conv == 'c' && c.len[0] == '\0') {
			ch = (char)va_arg(*ap, int);
			if (conv_text(out, &c, &ch, 1) == -1)
				return -1;
		} else if (conv_number(out, &c, ap) == -1) {
			if (errno == ENOMEM || errno == ENOBUFS)
				return -1;
			goto inval;
		}
	}
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

CGI_API enum cgi_err
cgi_vhtml(cgi_req *r, const char *fmt, va_list ap)
{
	struct buf b;
	enum cgi_err e;
	va_list aq;
	int rc;

	if (r == NULL || fmt == NULL)
		return CGI_EINVAL;
	buf_init(&b, 0);
	errno = 0;
	va_copy(aq, ap);
	rc = html_format(&b, fmt, &aq);
	va_end(aq);
	if (rc == -1)
		e = errno == EINVAL ? CGI_EINVAL : CGI_ENOMEM;
	else
		e = cgi_write(r, b.data, b.len);
	buf_fini(&b);
	return e;
}

CGI_API enum cgi_err
cgi_html(cgi_req *r, const char *fmt, ...)
{
	enum cgi_err e;
	va_list ap;

	va_start(ap, fmt);
	e = cgi_vhtml(r, fmt, ap);
	va_end(ap);
	return e;
}
