/*
 * http_date.c - HTTP-date formatting and parsing declared in http_date.h.
 *
 * The calendar arithmetic is the proleptic Gregorian days-from-civil
 * conversion (H. Hinnant's algorithm), so no time zone, locale or libc
 * state is involved and the functions are safe in any thread.
 */
#include "http_date.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char wkday[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue",
	"Wed" }; /* 1970-01-01 was a Thursday */
static const char *const weekday[7] = { "Thursday", "Friday", "Saturday",
	"Sunday", "Monday", "Tuesday", "Wednesday" };
static const char month[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of y-m-d (m 1..12). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The inverse: y-m-d of a day count. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

int
http_date_format(time_t t, char *out, size_t outlen)
{
	int64_t s = (int64_t)t, days, secs, y;
	unsigned m, d;

	if (outlen < HTTP_DATE_LEN + 1) {
		errno = ENOBUFS;
		return -1;
	}
	days = (s >= 0 ? s : s - 86399) / 86400;
	secs = s - days * 86400;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		errno = EOVERFLOW;
		return -1;
	}
	memcpy(out, "Xxx, 00 Xxx 0000 00:00:00 GMT", HTTP_DATE_LEN + 1);
	memcpy(out, wkday[((days % 7) + 7) % 7], 3);
	put2(out + 5, d);
	memcpy(out + 8, month[m - 1], 3);
	put2(out + 12, (unsigned)(y / 100));
	put2(out + 14, (unsigned)(y % 100));
	put2(out + 17, (unsigned)(secs / 3600));
	put2(out + 20, (unsigned)(secs / 60 % 60));
	put2(out + 23, (unsigned)(secs % 60));
	return 0;
}

/* Reads exactly n decimal digits at *p. */
static bool
digits(const char **p, const char *end, size_t n, unsigned *v)
{
	size_t i;

	if ((size_t)(end - *p) < n)
		return false;
	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)((*p)[i] - '0');
	}
	*p += n;
	return true;
}

/* Matches the literal lit at *p (case-sensitive, RFC 9110 5.6.7). */
static bool
lit(const char **p, const char *end, const char *l)
{
	size_t n = strlen(l);

	if ((size_t)(end - *p) < n || memcmp(*p, l, n) != 0)
		return false;
	*p += n;
	return true;
}

static bool
month_name(const char **p, const char *end, unsigned *m)
{
	unsigned i;

	for (i = 0; i < 12; i++) {
		if (lit(p, end, month[i])) {
			*m = i + 1;
			return true;
		}
	}
	return false;
}

/* "HH:MM:SS" */
static bool
clock_time(const char **p, const char *end, unsigned *hh, unsigned *mm,
    unsigned *ss)
{
	return digits(p, end, 2, hh) && lit(p, end, ":") &&
	    digits(p, end, 2, mm) && lit(p, end, ":") && digits(p, end, 2, ss);
}

static bool
day_name(const char **p, const char *end, bool full)
{
	unsigned i;

	for (i = 0; i < 7; i++)
		if (lit(p, end, full ? weekday[i] : wkday[i]))
			return true;
	return false;
}

static bool
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
finish(int64_t y, unsigned m, unsigned d, unsigned hh, unsigned mm, unsigned ss,
    time_t *t)
{
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	unsigned dim = mdays[m - 1] + (m == 2 && leap(y));

	/* 60 is a leap second (RFC 5322 3.3); it is read as :59. */
	if (d == 0 || d > dim || hh > 23 || mm > 59 || ss > 60)
		return -1;
	if (ss == 60)
		ss = 59;
	*t = (time_t)(days_from_civil(y, m, d) * 86400 +
	    (int64_t)(hh * 3600 + mm * 60 + ss));
	return 0;
}

int
http_date_parse(struct str s, time_t *t)
{
	const char *p, *end;
	unsigned d, m, y, hh, mm, ss;

	if (s.len == 0)
		return -1;
	p = s.p;
	end = s.p + s.len;

	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (day_name(&p, end, false) && lit(&p, end, ", ")) {
		if (digits(&p, end, 2, &d) && lit(&p, end, " ") &&
		    month_name(&p, end, &m) && lit(&p, end, " ") &&
		    digits(&p, end, 4, &y) && lit(&p, end, " ") &&
		    clock_time(&p, end, &hh, &mm, &ss) &&
		    lit(&p, end, " GMT") && p == end)
			return finish(y, m, d, hh, mm, ss, t);
		return -1;
	}
	/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
	p = s.p;
	if (day_name(&p, end, true) && lit(&p, end, ", ")) {
		if (digits(&p, end, 2, &d) && lit(&p, end, "-") &&
		    month_name(&p, end, &m) && lit(&p, end, "-") &&
		    digits(&p, end, 2, &y) && lit(&p, end, " ") &&
		    clock_time(&p, end, &hh, &mm, &ss) &&
		    lit(&p, end, " GMT") && p == end)
			return finish(y >= 70 ? 1900 + y : 2000 + y, m, d, hh,
			    mm, ss, t);
		return -1;
	}
	/* asctime: "Sun Nov  6 08:49:37 1994" */
	p = s.p;
	if (day_name(&p, end, false) && lit(&p, end, " ") &&
	    month_name(&p, end, &m) && lit(&p, end, " ")) {
		if (p < end && *p == ' ') {
			p++;
			if (!digits(&p, end, 1, &d))
				return -1;
		} else if (!digits(&p, end, 2, &d)) {
			return -1;
		}
		if (lit(&p, end, " ") && clock_time(&p, end, &hh, &mm, &ss) &&
		    lit(&p, end, " ") && digits(&p, end, 4, &y) && p == end)
			return finish(y, m, d, hh, mm, ss, t);
	}
	return -1;
}
