/*
 * urlencoded.h - the WHATWG application/x-www-form-urlencoded parser, used
 * for QUERY_STRING and for form bodies.
 *
 * Pure and streaming: fed any number of byte slices, it calls back with
 * decoded name and value bytes; no I/O, no allocation, linear time. It has
 * no error cases (every byte string is a valid form): bounds are the
 * caller's, enforced by returning non-zero from the callback. Storing the
 * fields is form.c's job.
 *
 * Rules (WHATWG URL, "application/x-www-form-urlencoded parsing"):
 * split on '&' only (';' is data: CVE-2021-23336); empty sequences are
 * skipped; name and value split at the first '='; a sequence without '='
 * is a name with the value ""; '+' is a space; %XX (either case) is a
 * byte, any other '%' stays literally; decoded exactly once. Bytes are not
 * checked for UTF-8 here: that is the caller's choice.
 */
#ifndef LIB_URLENCODED_H
#define LIB_URLENCODED_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

enum urlencoded_event {
	URLENCODED_NAME,  /* decoded bytes of the current field's name */
	URLENCODED_VALUE, /* decoded bytes of the current field's value */
	URLENCODED_END    /* the current field is complete */
};

/*
 * Called for each event. For NAME and VALUE, p[0..n) are decoded bytes
 * (n >= 1): a view valid only during the call (it points into the input
 * or into the parser's scratch). One field's NAME chunks all come before
 * its VALUE chunks; a field with an empty name or value simply has no
 * chunk of that kind; END ends every non-empty sequence, so "=" gives END
 * alone (name "", value ""). Return 0 to go on; any other value stops the
 * parser, which then returns URLENCODED_STOPPED and ignores further input.
 */
typedef int urlencoded_fn(void *arg, enum urlencoded_event ev, const char *p,
    size_t n);

enum urlencoded_rc {
	URLENCODED_OK,     /* all input consumed */
	URLENCODED_STOPPED /* the callback returned non-zero (u->stop holds it)
	                    */
};

#define URLENCODED_SCRATCH 256

/* Parser state; the caller owns the storage. Fields are private. */
struct urlencoded {
	urlencoded_fn *fn;
	void *arg;
	int stop;             /* the callback's non-zero return, once stopped */
	bool in_field;        /* inside a non-empty sequence */
	bool in_value;        /* past its first '=' */
	unsigned char esc[2]; /* '%' and maybe one hex digit, across feeds */
	size_t nesc;          /* bytes in esc */
	size_t nout;          /* decoded bytes waiting in out */
	char out[URLENCODED_SCRATCH];
};

/* Starts a parse that reports to fn(arg, ...). */
void urlencoded_init(struct urlencoded *u, urlencoded_fn *fn, void *arg);

/*
 * Parses the next n bytes of the input (p borrowed; n may be 0). The
 * result is the same however the input is split into feeds.
 */
enum urlencoded_rc urlencoded_feed(struct urlencoded *u, const char *p,
    size_t n);

/* Ends the input: flushes a pending '%' and the last field's END. */
enum urlencoded_rc urlencoded_finish(struct urlencoded *u);

/*
 * One-shot convenience: urlencoded_init + feed(s, n) + finish. s borrowed.
 */
enum urlencoded_rc urlencoded_parse(const char *s, size_t n, urlencoded_fn *fn,
    void *arg);

/*
 * Raw split without decoding, for callers that want views: calls
 * fn(arg, URLENCODED_NAME/VALUE, view, len) with the undecoded name and
 * value of each non-empty sequence as views into s (len may be 0 here),
 * then URLENCODED_END with n 0. Same stop rule as above.
 */
enum urlencoded_rc urlencoded_split(const char *s, size_t n, urlencoded_fn *fn,
    void *arg);

/*
 * The in-place decoder, what form.c uses for bodies and query strings:
 * the input is decoded where it lies, so a field costs no copy and no
 * allocation. A name is decoded from where it starts and its '=' becomes
 * its NUL; the value is decoded from just after the '=' and ends in a NUL
 * at the latest where its '&' was (decoding never lengthens).
 */
struct urlencoded_inplace {
	char *s;   /* the buffer (caller's) */
	size_t in; /* the next raw byte */
};

/*
 * Called per non-empty sequence with its decoded, NUL-terminated name and
 * value (pointers into the buffer, which stay valid as long as it does;
 * value is "" at the name's NUL when there was no '='). Return 0 to go
 * on; anything else stops the call, which returns it.
 */
typedef int urlencoded_field_fn(void *arg, char *name, size_t name_len,
    char *value, size_t value_len);

/*
 * Decodes the sequences of s[in..end) (same rules as above) and calls fn
 * for each. end must be the end of the input or just past a '&': the
 * parse resumes at u->in with the next call, after more input has been
 * placed behind end. s[end] must be writable when end is the end of the
 * input (the last NUL may go there). Returns 0 or fn's non-zero.
 */
int urlencoded_decode_inplace(struct urlencoded_inplace *u, size_t end,
    urlencoded_field_fn *fn, void *arg);

/*
 * True if the media type in a CONTENT_TYPE value is
 * application/x-www-form-urlencoded: ASCII case-insensitive, parameters
 * ignored (L-URL-14).
 */
bool urlencoded_is_type(struct str content_type);

#endif /* LIB_URLENCODED_H */
