/*
 * harness.h - the unit-test harness: CHECK_* macros that report and carry
 * on, and harness_done() that prints the one "N passed, N failed" line.
 *
 * Header-only so each tests/unit/test_<module>.c is a single program.
 * A failing check prints file:line, the case name, what was wanted and what
 * was got (STYLE Rule 15).
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long harness_passed, harness_failed;

static __attribute__((unused)) void
harness_fail_head(const char *file, int line, const char *name)
{
	harness_failed++;
	fprintf(stderr, "%s:%d: FAIL %s\n", file, line, name);
}

static __attribute__((unused)) void
harness_mem(const char *label, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	fprintf(stderr, "    %s (%zu bytes): \"", label, n);
	for (i = 0; i < n && i < 200; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", s[i]);
	}
	fprintf(stderr, "%s\"\n", n > 200 ? "..." : "");
}

static __attribute__((unused)) void
harness_check_int(const char *file, int line, const char *name, long long got,
    long long want)
{
	if (got == want) {
		harness_passed++;
		return;
	}
	harness_fail_head(file, line, name);
	fprintf(stderr, "    want %lld, got %lld\n", want, got);
}

static __attribute__((unused)) void
harness_check_mem(const char *file, int line, const char *name, const void *got,
    size_t gotlen, const void *want, size_t wantlen)
{
	if (gotlen == wantlen &&
	    (gotlen == 0 || memcmp(got, want, gotlen) == 0)) {
		harness_passed++;
		return;
	}
	harness_fail_head(file, line, name);
	harness_mem("want", want, wantlen);
	harness_mem("got ", got, gotlen);
}

static __attribute__((unused)) void
harness_check_str(const char *file, int line, const char *name, const char *got,
    const char *want)
{
	if (got == NULL || want == NULL) {
		if (got == want) {
			harness_passed++;
			return;
		}
		harness_fail_head(file, line, name);
		fprintf(stderr, "    want %s, got %s\n", want ? want : "NULL",
		    got ? got : "NULL");
		return;
	}
	harness_check_mem(file, line, name, got, strlen(got), want,
	    strlen(want));
}

static __attribute__((unused)) void
harness_check(const char *file, int line, const char *name, int ok,
    const char *expr)
{
	if (ok) {
		harness_passed++;
		return;
	}
	harness_fail_head(file, line, name);
	fprintf(stderr, "    expected: %s\n", expr);
}

/* Prints the closing line; returns the process exit status. */
static __attribute__((unused)) int
harness_done(void)
{
	printf("%lu passed, %lu failed\n", harness_passed, harness_failed);
	return harness_failed == 0 ? 0 : 1;
}

#define CHECK(name, cond)                                                      \
	harness_check(__FILE__, __LINE__, (name), !!(cond), #cond)
#define CHECK_INT(name, got, want)                                             \
	harness_check_int(__FILE__, __LINE__, (name), (long long)(got),        \
	    (long long)(want))
#define CHECK_STR(name, got, want)                                             \
	harness_check_str(__FILE__, __LINE__, (name), (got), (want))
#define CHECK_MEM(name, got, gotlen, want, wantlen)                            \
	harness_check_mem(__FILE__, __LINE__, (name), (got), (gotlen), (want), \
	    (wantlen))

/*
 * Copies n bytes into a heap block of exactly n bytes, so AddressSanitizer
 * catches any read past the end (STYLE Rule 15). The caller frees it.
 */
static __attribute__((unused)) char *
harness_exact(const void *p, size_t n)
{
	char *q = malloc(n == 0 ? 1 : n);

	if (q == NULL) {
		perror("malloc");
		exit(2);
	}
	if (n > 0)
		memcpy(q, p, n);
	return q;
}

#endif /* TESTS_HARNESS_H */
