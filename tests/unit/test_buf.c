/*
 * test_buf.c - struct buf and struct str: bounds, growth, views, numbers.
 */
#include <errno.h>
#include <stdint.h>

#include "buf.h"
#include "str.h"
#include "harness.h"

static void
test_buf_bounds(void)
{
	struct buf b;
	int rc;

	buf_init(&b, 8);
	CHECK_STR("empty buffer is \"\"", buf_cstr(&b), "");
	CHECK_INT("append to the bound", buf_append(&b, "12345678", 8), 0);
	errno = 0;
	rc = buf_append(&b, "9", 1);
	CHECK_INT("one byte past the bound fails", rc, -1);
	CHECK_INT("with ENOBUFS", errno, ENOBUFS);
	CHECK_STR("contents kept", buf_cstr(&b), "12345678");
	buf_consume(&b, 3);
	CHECK_STR("consume drops the front", buf_cstr(&b), "45678");
	CHECK_INT("printf within bound", buf_printf(&b, "%d", 123), 0);
	CHECK_STR("printf appended", buf_cstr(&b), "45678123");
	CHECK_INT("printf past bound fails", buf_printf(&b, "x"), -1);
	buf_consume(&b, 100);
	CHECK_INT("consume all empties", (long long)b.len, 0);
	buf_fini(&b);
	CHECK(("fini leaves NULL"), b.data == NULL);
}

static void
test_buf_growth(void)
{
	struct buf b = { 0 };
	size_t i;
	int ok = 1;

	for (i = 0; i < 10000; i++)
		if (buf_putc(&b, 'a' + (int)(i % 26)) == -1)
			ok = 0;
	CHECK("zeroed buf grows to 10000 bytes", ok && b.len == 10000);
	CHECK("bytes in order", b.data[9999] == 'a' + 9999 % 26);
	CHECK("NUL terminated", b.data[b.len] == '\0');
	buf_fini(&b);
}

static const struct {
	const char *name;
	const char *in;
	uint64_t max;
	int rc;
	uint64_t out;
} nums[] = {
	{ "zero", "0", 100, 0, 0 },
	{ "leading zeros", "007", 100, 0, 7 },
	{ "at max", "100", 100, 0, 100 },
	{ "past max", "101", 100, -1, 0 },
	{ "u64 max", "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
	{ "u64 overflow", "18446744073709551616", UINT64_MAX, -1, 0 },
	{ "empty", "", 100, -1, 0 },
	{ "sign", "+1", 100, -1, 0 },
	{ "minus", "-1", 100, -1, 0 },
	{ "space", " 1", 100, -1, 0 },
	{ "trailer", "1x", 100, -1, 0 },
	{ "digit over small max", "9", 5, -1, 0 },
};

static void
test_str_numbers(void)
{
	size_t i;
	uint64_t v;
	int rc;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		v = 0;
		rc = str_to_u64(str_from(nums[i].in), nums[i].max, &v);
		CHECK_INT(nums[i].name, rc, nums[i].rc);
		if (rc == 0)
			CHECK_INT(nums[i].name, (long long)v,
			    (long long)nums[i].out);
	}
}

static void
test_str_views(void)
{
	CHECK("caseeq",
	    str_caseeq(STR_LIT("Content-Type"), STR_LIT("content-type")));
	CHECK("caseeq length", !str_caseeq(STR_LIT("a"), STR_LIT("ab")));
	CHECK("eq is exact", !str_eq(STR_LIT("A"), STR_LIT("a")));
	CHECK("caseprefix",
	    str_caseprefix(STR_LIT("Multipart/Form"), "multipart/"));
	CHECK("trim", str_eq(str_trim(STR_LIT(" \tx y\t ")), STR_LIT("x y")));
	CHECK("tchar",
	    str_is_tchar('!') && !str_is_tchar('(') && !str_is_tchar(0));
	CHECK_INT("hexval", str_hexval('F') + str_hexval('a') + str_hexval('9'),
	    34);
	CHECK_INT("hexval bad", str_hexval('g'), -1);
}

int
main(void)
{
	test_buf_bounds();
	test_buf_growth();
	test_str_numbers();
	test_str_views();
	return harness_done();
}
