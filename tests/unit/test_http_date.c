/*
 * test_http_date.c - HTTP-date formatting and parsing (http_date.h),
 * checklist H-9110-6.6.1-a (Date is an IMF-fixdate): known instants in
 * all three forms, calendar edges, and every malformed form refused. Each
 * input is an exact-size heap copy, so a read past the end is caught.
 */
#include "http_date.h"

#include <errno.h>
#include <string.h>

#include "harness.h"

static const struct {
	const char *name;
	long long t;
	const char *imf;
} fmt_rows[] = {
	{ "epoch", 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
	{ "RFC 9110 example", 784111777, "Sun, 06 Nov 1994 08:49:37 GMT" },
	{ "leap day 2000", 951782400, "Tue, 29 Feb 2000 00:00:00 GMT" },
	{ "end of 1999", 946684799, "Fri, 31 Dec 1999 23:59:59 GMT" },
	{ "2038 boundary", 2147483648LL, "Tue, 19 Jan 2038 03:14:08 GMT" },
	{ "before the epoch", -1, "Wed, 31 Dec 1969 23:59:59 GMT" },
	{ "year 1", -62135596800LL, "Mon, 01 Jan 0001 00:00:00 GMT" },
	{ "year 0 (1 BC)", -62167219200LL, "Sat, 01 Jan 0000 00:00:00 GMT" },
	{ "year 9999 end", 253402300799LL, "Fri, 31 Dec 9999 23:59:59 GMT" },
	{ "2100 is not leap", 4107542400LL, "Mon, 01 Mar 2100 00:00:00 GMT" },
};

static const struct {
	const char *name;
	const char *in;
	int rc;
	long long t;
} parse_rows[] = {
	{ "IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777 },
	{ "RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", 0, 784111777 },
	{ "asctime", "Sun Nov  6 08:49:37 1994", 0, 784111777 },
	{ "asctime two-digit day", "Thu Nov 10 08:49:37 1994", 0, 784457377 },
	{ "RFC 850 year 00 is 2000", "Saturday, 01-Jan-00 00:00:00 GMT", 0,
	    946684800 },
	{ "RFC 850 year 69 is 2069", "Tuesday, 01-Jan-69 00:00:00 GMT", 0,
	    3124224000LL },
	{ "RFC 850 year 70 is 1970", "Thursday, 01-Jan-70 00:00:00 GMT", 0, 0 },
	{ "leap day", "Tue, 29 Feb 2000 00:00:00 GMT", 0, 951782400 },
	{ "leap second read as :59", "Sat, 31 Dec 2016 23:59:60 GMT", 0,
	    1483228799 },
	{ "weekday not cross-checked", "Mon, 06 Nov 1994 08:49:37 GMT", 0,
	    784111777 },
	{ "no leap day in 1900", "Thu, 29 Feb 1900 00:00:00 GMT", -1, 0 },
	{ "31 April", "Thu, 31 Apr 2020 00:00:00 GMT", -1, 0 },
	{ "day 00", "Thu, 00 Apr 2020 00:00:00 GMT", -1, 0 },
	{ "hour 24", "Sun, 06 Nov 1994 24:00:00 GMT", -1, 0 },
	{ "minute 60", "Sun, 06 Nov 1994 08:60:00 GMT", -1, 0 },
	{ "second 61", "Sun, 06 Nov 1994 08:00:61 GMT", -1, 0 },
	{ "not GMT", "Sun, 06 Nov 1994 08:49:37 UTC", -1, 0 },
	{ "lower-case month", "Sun, 06 nov 1994 08:49:37 GMT", -1, 0 },
	{ "one-digit day", "Sun, 6 Nov 1994 08:49:37 GMT", -1, 0 },
	{ "trailing space", "Sun, 06 Nov 1994 08:49:37 GMT ", -1, 0 },
	{ "truncated", "Sun, 06 Nov 1994 08:49:37 GM", -1, 0 },
	{ "two-digit year in IMF", "Sun, 06 Nov 94 08:49:37 GMT", -1, 0 },
	{ "unknown day", "Sno, 06 Nov 1994 08:49:37 GMT", -1, 0 },
	{ "empty", "", -1, 0 },
	{ "number", "784111777", -1, 0 },
	{ "asctime bad pad", "Sun Nov 6 08:49:37 1994", -1, 0 },
	{ "asctime trailing", "Sun Nov  6 08:49:37 1994x", -1, 0 },
	{ "sign in digits", "Sun, +6 Nov 1994 08:49:37 GMT", -1, 0 },
};

int
main(void)
{
	char out[HTTP_DATE_LEN + 1], small[HTTP_DATE_LEN];
	size_t i, n;
	time_t t;
	char *in;
	int rc;

	for (i = 0; i < sizeof(fmt_rows) / sizeof(fmt_rows[0]); i++) {
		rc = http_date_format((time_t)fmt_rows[i].t, out, sizeof(out));
		CHECK_INT(fmt_rows[i].name, rc, 0);
		CHECK_STR(fmt_rows[i].name, out, fmt_rows[i].imf);
		/* And back. */
		t = 0;
		CHECK_INT(fmt_rows[i].name,
		    http_date_parse(str_from(fmt_rows[i].imf), &t), 0);
		CHECK_INT(fmt_rows[i].name, t, fmt_rows[i].t);
	}
	errno = 0;
	CHECK_INT("buffer too small", http_date_format(0, small, sizeof(small)),
	    -1);
	CHECK_INT("buffer too small errno", errno, ENOBUFS);
	errno = 0;
	CHECK_INT("year 10000",
	    http_date_format((time_t)253402300800LL, out, sizeof(out)), -1);
	CHECK_INT("year 10000 errno", errno, EOVERFLOW);
	CHECK_INT("year 0 is refused",
	    http_date_format((time_t)-62167219201LL, out, sizeof(out)), -1);

	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		n = strlen(parse_rows[i].in);
		in = harness_exact(parse_rows[i].in, n);
		t = 12345;
		rc = http_date_parse((struct str){ in, n }, &t);
		CHECK_INT(parse_rows[i].name, rc, parse_rows[i].rc);
		CHECK_INT(parse_rows[i].name, t,
		    rc == 0 ? parse_rows[i].t : 12345);
		free(in);
	}
	/* An absent value (NULL view) is refused, not dereferenced. */
	CHECK_INT("NULL view", http_date_parse((struct str){ NULL, 0 }, &t),
	    -1);
	/* Every prefix of a valid date is refused without overreading. */
	n = strlen(parse_rows[0].in);
	for (i = 0; i < n; i++) {
		in = harness_exact(parse_rows[0].in, i);
		CHECK_INT("prefix", http_date_parse((struct str){ in, i }, &t),
		    -1);
		free(in);
	}
	return harness_done();
}
