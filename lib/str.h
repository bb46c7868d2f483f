/*
 * str.h - non-owning byte views and the few helpers every parser needs.
 *
 * A struct str points into memory owned by someone else (STYLE Rule 7:
 * a view); it is valid only while that memory is unchanged. Numbers are
 * parsed by str_to_u64 alone: no sign, no space, no overflow, no trailer.
 */
#ifndef LIB_STR_H
#define LIB_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
	const char *p;
	size_t len;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })

/* A view of the NUL-terminated s (borrowed). */
struct str str_from(const char *s);
/* Byte-exact equality. */
bool str_eq(struct str a, struct str b);
/* ASCII case-insensitive equality. */
bool str_caseeq(struct str a, struct str b);
/* True if a starts with the ASCII case-insensitive prefix. */
bool str_caseprefix(struct str a, const char *prefix);
/* a without leading and trailing SP and HTAB. */
struct str str_trim(struct str a);
/*
 * Parses a non-empty run of decimal digits into *out. Refuses a sign,
 * spaces, any other byte and values above max. 0, or -1 on refusal.
 * Leading zeros are accepted ("007" is 7).
 */
int str_to_u64(struct str a, uint64_t max, uint64_t *out);
/* Value of a hex digit, or -1. */
int str_hexval(int ch);
/* RFC 9110 5.6.2 tchar. */
bool str_is_tchar(int ch);

#endif /* LIB_STR_H */
